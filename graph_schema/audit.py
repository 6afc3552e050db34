"""Entries of the query register (个人诚信 opinion 四(一)); read-only in GraphQL."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph_schema.enums import Disclosure
from graph_schema.fields import node, prop, related

if TYPE_CHECKING:
    from graph_schema.subject import Subject

SubjectRef = Annotated["Subject", strawberry.lazy("graph_schema.subject")]


@node("AuditEvent")
@strawberry.type(
    description="One access to a subject's non-public information, in one "
    "request. Immutable: no operation changes or deletes it."
)
class AuditEvent:
    id: strawberry.ID = prop("id")
    at: dt.datetime = prop("at")
    request_id: strawberry.ID = prop("requestId", description="Events of one request share it.")
    caller: str | None = prop("sub", description="The token subject (`sub`).")
    department: str | None = prop("dept")
    jurisdiction: str | None = prop("jur")
    roles: list[str] = prop("roles", default="[]")
    purpose: str | None = prop("purpose", description="As stated (管理办法 第三十三条).")
    subject_id: strawberry.ID = prop("subjectId")
    operation_name: str | None = prop("operationName", description="The GraphQL operation name.")
    operations: list[str] = prop(
        "operations", default="[]", description="The fields that disclosed it."
    )
    fields: list[str] = prop("fields", default="[]")
    classes: list[Disclosure] = prop("classes", default="[]")
    consent_ids: list[strawberry.ID] = prop("consentIds", default="[]")
    outcome: str = prop("outcome", description="OK, or the code of the refusal.")

    subject: SubjectRef | None = related(
        lambda s, m: f"MATCH ({m}:Subject {{id: {s.node}.subjectId}})"
    )


@node("AuditEvent")
@strawberry.type(
    description="What a subject sees of the register about itself: which "
    "department looked, when, why and at what; not the individual officer."
)
class AccessLogEntry:
    at: dt.datetime = prop("at")
    department: str | None = prop("dept")
    purpose: str | None = prop("purpose")
    operations: list[str] = prop("operations", default="[]")
    fields: list[str] = prop("fields", default="[]")
    classes: list[Disclosure] = prop("classes", default="[]")
    consent_ids: list[strawberry.ID] = prop("consentIds", default="[]")
    outcome: str = prop("outcome")
