"""Consents to be queried (管理办法 第二十一条: 查询他人信息的，应当经被查询人书面同意)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph_schema import model
from graph_schema.fields import Expr, Scope, computed, meta, node, prop, related

if TYPE_CHECKING:
    from graph_schema.subject import Subject

SubjectRef = Annotated["Subject", strawberry.lazy("graph_schema.subject")]

# strawberry.enum marks the model's classes in place (and returns them): the names below are
# those classes, which a type checker reads as types.
ConsentScope = model.ConsentScope
GranteeKind = model.GranteeKind
strawberry.enum(
    ConsentScope,
    description="What a consent opens: "
    "GOVERNMENT or AUTHORISED information, or the ID number alone.",
)
strawberry.enum(GranteeKind)


def native(value: Any) -> Any:
    """neo4j.time values as Python ones."""
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native else value


@strawberry.type(description="Who a consent is given to.")
class ConsentGrantee:
    kind: GranteeKind = computed(
        lambda s: f"CASE WHEN {s.node}:Department THEN 'DEPARTMENT' ELSE 'ORGANIZATION' END"
    )
    id: strawberry.ID = prop("id", description="Department id, or the organisation's internal id.")
    name: str = prop("name", default="''")
    uscc: str | None = prop("uscc")


def _in_force(s: Scope) -> str:
    """管理办法 第二十一条: inside its window [from, until) and not revoked, now (the same
    rule as ``graph_schema.rules.disclosure.in_force``)."""
    c = s.node
    return (
        f"({c}.validFrom <= $now AND $now < {c}.validUntil "
        f"AND ({c}.revokedAt IS NULL OR $now < {c}.revokedAt))"
    )


@node("Consent")
@strawberry.type(
    description="A subject's consent to be queried by a grantee, within a scope "
    "and a time window; revocation ends it, nothing deletes it."
)
class Consent:
    id: strawberry.ID = prop("id")
    purpose: str = prop("purpose")
    scope: list[ConsentScope] = prop("scope", default="[]")
    valid_from: dt.datetime = prop("validFrom")
    valid_until: dt.datetime = prop("validUntil", description="End of the window, exclusive.")
    revoked_at: dt.datetime | None = prop("revokedAt")
    revoked_by: str | None = prop("revokedBy")
    revocation_reason: str | None = prop("revocationReason")
    created_at: dt.datetime = prop("createdAt")
    created_by: str = prop("createdBy", description="The token subject that recorded it.")
    created_by_department: str | None = prop("createdByDept")
    document_ref: str | None = prop("documentRef", description="The written consent on file.")
    grantee: ConsentGrantee = related(lambda s, m: f"MATCH ({s.node})-[:TO]->({m})")
    in_force: bool = strawberry.field(
        description="In force now: inside its window and not revoked.",
        metadata=meta(Expr(cypher=_in_force)),
    )
    subject: SubjectRef | None = related(
        lambda s, m: f"MATCH ({s.node})<-[:GRANTED]-({m}:Subject)",
        description="The subject that gave it.",
    )
