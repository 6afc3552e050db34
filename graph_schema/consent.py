"""Consents to be queried (管理办法 第二十一条: 查询他人信息的，应当经被查询人书面同意)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import Info

from gateway.context import Context
from graph_schema import model
from graph_schema.rules.disclosure import Grant, in_force

if TYPE_CHECKING:
    from graph_schema.subject import Subject

SubjectRef = Annotated["Subject", strawberry.lazy("graph_schema.subject")]

ConsentScope = strawberry.enum(model.ConsentScope, description="What a consent opens: "
                               "GOVERNMENT or AUTHORISED information, or the ID number alone.")
GranteeKind = strawberry.enum(model.GranteeKind)


def native(value: Any) -> Any:
    """neo4j.time values as Python ones."""
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native else value


@strawberry.type(description="Who a consent is given to.")
class ConsentGrantee:
    kind: GranteeKind
    id: strawberry.ID = strawberry.field(description="Department id, or the organisation's "
                                         "internal id.")
    name: str
    uscc: str | None


@strawberry.type(description="A subject's consent to be queried by a grantee, within a scope "
                 "and a time window; revocation ends it, nothing deletes it.")
class Consent:
    id: strawberry.ID
    purpose: str
    scope: list[ConsentScope]
    valid_from: dt.datetime
    valid_until: dt.datetime = strawberry.field(description="End of the window, exclusive.")
    revoked_at: dt.datetime | None
    revoked_by: str | None
    revocation_reason: str | None
    created_at: dt.datetime
    created_by: str = strawberry.field(description="The token subject that recorded it.")
    created_by_department: str | None
    document_ref: str | None = strawberry.field(description="The written consent on file.")
    grantee: ConsentGrantee
    subject_id: strawberry.Private[str]
    grant: strawberry.Private[Grant]

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> Consent:
        return cls(
            id=m["id"], purpose=m["purpose"],
            scope=[model.ConsentScope(s) for s in m.get("scope") or ()],
            valid_from=native(m["validFrom"]), valid_until=native(m["validUntil"]),
            revoked_at=native(m.get("revokedAt")), revoked_by=m.get("revokedBy"),
            revocation_reason=m.get("revocationReason"), created_at=native(m["createdAt"]),
            created_by=m["createdBy"], created_by_department=m.get("createdByDept"),
            document_ref=m.get("documentRef"),
            grantee=ConsentGrantee(kind=model.GranteeKind(m["granteeKind"]), id=m["granteeId"],
                                   name=m.get("granteeName") or "", uscc=m.get("granteeUscc")),
            subject_id=m["subjectId"], grant=Grant.from_map(m),
        )

    @strawberry.field(description="In force now: inside its window and not revoked.")
    def in_force(self, info: Info[Context, None]) -> bool:
        return in_force(self.grant, info.context.now)

    @strawberry.field(description="The subject that gave it.")
    async def subject(self, info: Info[Context, None]) -> SubjectRef | None:
        from graph_schema.subject import subject_from_map

        m = await info.context.loaders.subjects_by_id.load(self.subject_id)
        return subject_from_map(m) if m else None
