"""Consents to be queried (管理办法 第二十一条: 查询他人信息的，应当经被查询人书面同意)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from graph_schema import model
from graph_schema.enums import graphql_enum
from graph_schema.fields import Expr, Scope, computed, meta, node, prop, related

if TYPE_CHECKING:
    from graph_schema.subject import Subject

SubjectRef = Annotated["Subject", strawberry.lazy("graph_schema.subject")]

# graphql_enum marks the model's classes in place (and returns them): the names below are
# those classes, which a type checker reads as types.
ConsentScope = model.ConsentScope
GranteeKind = model.GranteeKind
graphql_enum(
    ConsentScope,
    "What a consent opens: GOVERNMENT or AUTHORISED information, or the ID number alone.",
    {
        "GOVERNMENT": "政府共享 information, for a grantee outside government (government "
        "users see it without consent).",
        "AUTHORISED": "授权查询 information (管理办法 第二十一条).",
        "ID_NUMBER": "The full 公民身份号码 only, nothing else of the class it belongs to.",
    },
)
graphql_enum(
    GranteeKind,
    "Who a consent is given to: a department, or an organisation (e.g. a bank).",
    {
        "DEPARTMENT": "A government department.",
        "ORGANIZATION": "An organisation, by its unified social credit code.",
    },
)


def native(value: Any) -> Any:
    """neo4j.time values as Python ones."""
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native else value


@strawberry.type(description="Who a consent is given to.")
class ConsentGrantee:
    kind: GranteeKind = computed(
        lambda s: f"CASE WHEN {s.node}:Department THEN 'DEPARTMENT' ELSE 'ORGANIZATION' END",
        description="A department or an organisation.",
    )
    id: strawberry.ID = prop("id", description="Department id, or the organisation's internal id.")
    name: str = prop("name", default="''", description="Its name.")
    uscc: str | None = prop(
        "uscc", description="统一社会信用代码 of an organisation; null for a department."
    )


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
    id: strawberry.ID = prop("id", description="The consent's id.")
    purpose: str = prop("purpose", description="What the grantee may query for, as stated.")
    scope: list[ConsentScope] = prop("scope", default="[]", description="What it opens.")
    valid_from: dt.datetime = prop("validFrom", description="Start of the window, inclusive.")
    valid_until: dt.datetime = prop("validUntil", description="End of the window, exclusive.")
    revoked_at: dt.datetime | None = prop(
        "revokedAt", description="When it was revoked; null while not revoked."
    )
    revoked_by: str | None = prop("revokedBy", description="The token subject that revoked it.")
    revocation_reason: str | None = prop(
        "revocationReason", description="Why it was revoked, as stated."
    )
    created_at: dt.datetime = prop("createdAt", description="When it was recorded.")
    created_by: str = prop("createdBy", description="The token subject that recorded it.")
    created_by_department: str | None = prop(
        "createdByDept", description="The department of whoever recorded it, if any."
    )
    document_ref: str | None = prop("documentRef", description="The written consent on file.")
    grantee: ConsentGrantee = related(
        lambda s, m: f"MATCH ({s.node})-[:TO]->({m})", description="Who it is given to."
    )
    in_force: bool = strawberry.field(
        description="In force now: inside its window and not revoked.",
        metadata=meta(Expr(cypher=_in_force)),
    )
    subject: SubjectRef | None = related(
        lambda s, m: f"MATCH ({s.node})<-[:GRANTED]-({m}:Subject)",
        description="The subject that gave it.",
    )
