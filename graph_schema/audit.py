"""Entries of the query register (个人诚信 opinion 四(一)); read-only in GraphQL."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import Info

from gateway.context import Context
from graph_schema.consent import native
from graph_schema.enums import Disclosure

if TYPE_CHECKING:
    from graph_schema.subject import Subject

SubjectRef = Annotated["Subject", strawberry.lazy("graph_schema.subject")]


@strawberry.type(description="One access to a subject's non-public information, in one "
                 "request. Immutable: no operation changes or deletes it.")
class AuditEvent:
    id: strawberry.ID
    at: dt.datetime
    request_id: strawberry.ID = strawberry.field(description="Events of one request share it.")
    caller: str | None = strawberry.field(description="The token subject (`sub`).")
    department: str | None
    jurisdiction: str | None
    roles: list[str]
    purpose: str | None = strawberry.field(description="As stated (管理办法 第三十三条).")
    subject_id: strawberry.ID
    operation_name: str | None = strawberry.field(description="The GraphQL operation name.")
    operations: list[str] = strawberry.field(description="The fields that disclosed it.")
    fields: list[str]
    classes: list[Disclosure]
    consent_ids: list[strawberry.ID]
    outcome: str = strawberry.field(description="OK, or the code of the refusal.")

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> AuditEvent:
        return cls(id=m["id"], at=native(m["at"]), request_id=m["requestId"], caller=m.get("sub"),
                   department=m.get("dept"), jurisdiction=m.get("jur"),
                   roles=m.get("roles") or [], purpose=m.get("purpose"),
                   subject_id=m["subjectId"], operation_name=m.get("operationName"),
                   operations=m.get("operations") or [], fields=m.get("fields") or [],
                   classes=[Disclosure(c) for c in m.get("classes") or ()],
                   consent_ids=m.get("consentIds") or [], outcome=m["outcome"])

    @strawberry.field
    async def subject(self, info: Info[Context, None]) -> SubjectRef | None:
        from graph_schema.subject import subject_from_map

        m = await info.context.loaders.subjects_by_id.load(str(self.subject_id))
        return subject_from_map(m) if m else None


@strawberry.type(description="What a subject sees of the register about itself: which "
                 "department looked, when, why and at what; not the individual officer.")
class AccessLogEntry:
    at: dt.datetime
    department: str | None
    purpose: str | None
    operations: list[str]
    fields: list[str]
    classes: list[Disclosure]
    consent_ids: list[strawberry.ID]
    outcome: str

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> AccessLogEntry:
        return cls(at=native(m["at"]), department=m.get("dept"), purpose=m.get("purpose"),
                   operations=m.get("operations") or [], fields=m.get("fields") or [],
                   classes=[Disclosure(c) for c in m.get("classes") or ()],
                   consent_ids=m.get("consentIds") or [], outcome=m["outcome"])
