"""Entries of the query register (个人诚信 opinion 四(一)); read-only in GraphQL."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import strawberry

from graph_schema.enums import Disclosure
from graph_schema.fields import Scope, converted, node, prop, related

if TYPE_CHECKING:
    from graph_schema.subject import Subject

SubjectRef = Annotated["Subject", strawberry.lazy("graph_schema.subject")]


def from_detail(key: str, *, empty: Any = None, description: str | None = None) -> Any:
    """A field kept in the event's JSON ``detail`` (procedures/audit.py), or, in an event
    written before there was one, in a property of its own name."""

    def read(s: Scope) -> str:
        return f"[{s.node}.detail, {s.node}.`{key}`]"

    def unpack(raw: list[Any]) -> Any:
        packed, own = raw
        value = orjson.loads(packed).get(key) if packed is not None else own
        return empty if value is None else value

    return converted(read, unpack, description=description)


@node("AuditEvent")
@strawberry.type(
    description="One access to a subject's non-public information, in one "
    "request. Immutable: no operation changes or deletes it."
)
class AuditEvent:
    id: strawberry.ID = prop("id", description="The event's id.")
    at: dt.datetime = prop("at", description="When the information was disclosed (or refused).")
    request_id: strawberry.ID = from_detail(
        "requestId", description="Events of one request share it."
    )
    caller: str | None = prop("sub", description="The token subject (`sub`).")
    department: str | None = prop(
        "dept", description="The department the caller acted for (token `dept`)."
    )
    jurisdiction: str | None = from_detail(
        "jur", description="The caller's jurisdiction code (token `jur`)."
    )
    roles: list[str] = from_detail("roles", empty=[], description="The caller's roles.")
    purpose: str | None = from_detail("purpose", description="As stated (管理办法 第三十三条).")
    subject_id: strawberry.ID = prop(
        "subjectId", description="The subject whose information it was (`Subject.id`)."
    )
    operation_name: str | None = from_detail(
        "operationName", description="The GraphQL operation name."
    )
    operations: list[str] = from_detail(
        "operations", empty=[], description="The fields that disclosed it."
    )
    fields: list[str] = from_detail(
        "fields", empty=[], description="The fields returned, as `field.subfield`."
    )
    classes: list[Disclosure] = from_detail(
        "classes", empty=[], description="The non-public classes disclosed (管理办法 第十八条)."
    )
    consent_ids: list[strawberry.ID] = from_detail(
        "consentIds",
        empty=[],
        description="The consents the access relied on (管理办法 第二十一条).",
    )
    outcome: str = from_detail("outcome", description="OK, or the code of the refusal.")

    subject: SubjectRef | None = related(
        lambda s, m: f"MATCH ({m}:Subject {{id: {s.node}.subjectId}})",
        description="The subject whose information it was.",
    )


@node("AuditEvent")
@strawberry.type(
    description="What a subject sees of the register about itself: which "
    "department looked, when, why and at what; not the individual officer."
)
class AccessLogEntry:
    at: dt.datetime = prop("at", description="When the information was disclosed (or refused).")
    department: str | None = prop("dept", description="The department that looked.")
    purpose: str | None = from_detail(
        "purpose", description="The purpose it stated (管理办法 第三十三条)."
    )
    operations: list[str] = from_detail(
        "operations", empty=[], description="The fields that disclosed it."
    )
    fields: list[str] = from_detail(
        "fields", empty=[], description="The fields returned, as `field.subfield`."
    )
    classes: list[Disclosure] = from_detail(
        "classes", empty=[], description="The non-public classes disclosed (管理办法 第十八条)."
    )
    consent_ids: list[strawberry.ID] = from_detail(
        "consentIds", empty=[], description="The subject's consents the access relied on."
    )
    outcome: str = from_detail("outcome", description="OK, or the code of the refusal.")
