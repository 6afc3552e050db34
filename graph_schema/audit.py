"""Entries of the query register (个人诚信 opinion 四(一)); read-only in GraphQL."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import Info

from gateway.context import Context
from graph_schema.consent import native
from graph_schema.enums import Disclosure
from graph_schema.fields import Related, meta, node, prop

if TYPE_CHECKING:
    from graph_schema.subject import Subject

SubjectRef = Annotated["Subject", strawberry.lazy("graph_schema.subject")]


@node("AuditEvent")
@strawberry.type(description="One access to a subject's non-public information, in one "
                 "request. Immutable: no operation changes or deletes it.")
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
    operation_name: str | None = prop("operationName",
                                      description="The GraphQL operation name.")
    operations: list[str] = prop("operations", default="[]",
                                 description="The fields that disclosed it.")
    fields: list[str] = prop("fields", default="[]")
    classes: list[Disclosure] = prop("classes", default="[]")
    consent_ids: list[strawberry.ID] = prop("consentIds", default="[]")
    outcome: str = prop("outcome", description="OK, or the code of the refusal.")

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> AuditEvent:
        return cls(id=m["id"], at=native(m["at"]), request_id=m["requestId"], caller=m.get("sub"),
                   department=m.get("dept"), jurisdiction=m.get("jur"),
                   roles=m.get("roles") or [], purpose=m.get("purpose"),
                   subject_id=m["subjectId"], operation_name=m.get("operationName"),
                   operations=m.get("operations") or [], fields=m.get("fields") or [],
                   classes=[Disclosure(c) for c in m.get("classes") or ()],
                   consent_ids=m.get("consentIds") or [], outcome=m["outcome"])

    @strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"MATCH ({m}:Subject {{id: {s.node}.subjectId}})")))
    async def subject(self, info: Info[Context, None]) -> SubjectRef | None:
        from graph_schema.subject import subject_from_map

        m = await info.context.loaders.subjects_by_id.load(str(self.subject_id))
        return subject_from_map(m) if m else None


@node("AuditEvent")
@strawberry.type(description="What a subject sees of the register about itself: which "
                 "department looked, when, why and at what; not the individual officer.")
class AccessLogEntry:
    at: dt.datetime = prop("at")
    department: str | None = prop("dept")
    purpose: str | None = prop("purpose")
    operations: list[str] = prop("operations", default="[]")
    fields: list[str] = prop("fields", default="[]")
    classes: list[Disclosure] = prop("classes", default="[]")
    consent_ids: list[strawberry.ID] = prop("consentIds", default="[]")
    outcome: str = prop("outcome")

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> AccessLogEntry:
        return cls(at=native(m["at"]), department=m.get("dept"), purpose=m.get("purpose"),
                   operations=m.get("operations") or [], fields=m.get("fields") or [],
                   classes=[Disclosure(c) for c in m.get("classes") or ()],
                   consent_ids=m.get("consentIds") or [], outcome=m["outcome"])
