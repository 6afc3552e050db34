"""Red and black list entries (红黑名单) and credit records (公共信用信息)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graph_schema.enums import (
    Disclosure,
    EntryStatus,
    ListKind,
    RecordCategory,
    RoleKind,
    Severity,
)
from graph_schema.fields import Expr, Related, Scope, meta, node, prop, propagated, related
from graph_schema.jurisdiction import Department
from graph_schema.rules.validity import status_on_cypher
from graph_schema.scalars import Date

if TYPE_CHECKING:
    from graph_schema.subject import Subject

SubjectRef = Annotated["Subject", strawberry.lazy("graph_schema.subject")]


def _status(s: Scope) -> str:
    """The status on the date the entry was asked about (today unless the field that
    reached it bound another)."""
    on = s.bound("status", status_on_cypher(s.node, s.bound("asOf", "$today")))
    return f"coalesce({on}, 'ACTIVE')"


DISPUTED = Expr(
    public=True,
    cypher=lambda s: (
        f"EXISTS {{ MATCH ({s.node})<-[:AGAINST]-(o:Objection) WHERE o.closedOn IS NULL }}"
    ),
)

RECOGNISING_DEPARTMENT = Related(
    public=True, match=lambda s, m: f"MATCH ({s.node})-[:RECOGNISED_BY]->({m}:Department)"
)


def _published_source(s: Scope, m: str) -> str:
    """The source belongs to the organisation: its disclosure rules apply, and outside
    government only while it is in force (管理办法 第十八条, 第二十七条)."""
    return f"{s.history(m + 's')} OR coalesce({status_on_cypher(m, '$today')}, 'ACTIVE') = 'ACTIVE'"


@node("ListEntry")
@strawberry.federation.type(
    keys=["id"], description="A red or black list entry with the fields of 实施办法 第八条."
)
class ListEntry:
    id: strawberry.ID = prop("id", detail=False)
    kind: ListKind = prop("kind", propagates=True, public=True, detail=False)
    domain: str | None = prop(
        "domain", propagates=True, public=True, detail=False, description="领域."
    )
    category: str | None = prop(
        "category",
        propagates=True,
        public=True,
        detail=False,
        description="失信行为类型 / 名单类别.",
    )
    facts: str | None = prop("facts", propagates=True, public=True, description="主要失信事实.")
    basis: str | None = prop("basis", propagates=True, public=True, description="认定依据.")
    decision_document: str | None = prop(
        "decisionDocument", propagates=True, public=True, description="处罚法定文书."
    )
    document_number: str | None = prop(
        "documentNumber", propagates=True, public=True, description="文书编号."
    )
    severity: Severity = prop("severity", propagates=True, detail=False, default="'UNSTATED'")
    disclosure: Disclosure = prop("disclosure", propagates=True, detail=False)
    recognised_on: Date = prop(
        "recognisedOn",
        propagates=True,
        public=True,
        detail=False,
        description="认定日期 (确定失信时间).",
    )
    act_on: Date | None = prop(
        "actOn", propagates=True, detail=False, description="Date of the act itself."
    )
    valid_until: Date | None = prop(
        "validUntil",
        propagates=True,
        public=True,
        detail=False,
        description="信息有效期 (移出日期), inclusive.",
    )
    status: EntryStatus = strawberry.field(
        description="Status on the date asked about.", metadata=meta(Expr(cypher=_status))
    )
    ended_on: Date | None = prop("endedOn", propagates=True, detail=False)
    end_reason: str | None = prop("endReason", propagates=True)
    source_system: str | None = prop("sourceSystem", propagates=True, detail=False)
    source_ref: str | None = prop("sourceRef", propagates=True)
    derived: bool = prop(
        "derived",
        public=True,
        detail=False,
        default="false",
        description="Recorded against a responsible person through an "
        "organisation (管理办法 第二十六条).",
    )
    recognising_department: Department | None = strawberry.field(
        metadata=meta(RECOGNISING_DEPARTMENT)
    )
    disputed: bool = strawberry.field(
        description="An objection against the entry is open (实施办法 第十五条).",
        metadata=meta(DISPUTED),
    )
    derived_roles: list[RoleKind] = prop(
        "derivedRoles",
        detail=False,
        default="[]",
        description="For a derived entry: the posts the person held on the date of the act.",
    )
    subject: SubjectRef | None = related(
        lambda s, m: f"MATCH ({s.node})-[:CONCERNS]->({m}:Subject)"
    )
    source: ListEntry | None = related(
        lambda s, m: (
            f"MATCH ({m}:ListEntry {{id: {s.node}.sourceEntryId}})-[:CONCERNS]->({m}s:Subject)"
        ),
        where=_published_source,
        audit="ListEntry.source",
        subject=lambda s, m: f"{m}s",
        description="For a derived entry: the organisation's entry it follows.",
    )
    through_organization: SubjectRef | None = related(
        lambda s, m: f"MATCH ({m}:Subject {{id: {s.node}.throughOrganizationId}})",
        description="For a derived entry: the organisation it came through.",
    )


# 管理办法 第二十六条: what a derived entry copies from its source, so that every query
# evaluates it exactly as its source (graph_schema/rules/propagation.py): the fields
# declared ``propagates`` above, and the stored state their ``status`` is computed from.
SYNCED = (*propagated(ListEntry), "endStatus", "status")


@strawberry.type(
    description="A credit record: basic, positive, negative or other information "
    "(管理办法 第九条–第十三条)."
)
class CreditRecord:
    id: strawberry.ID = prop("id")
    category: RecordCategory = prop("category")
    type: str = prop("type")
    title: str | None = prop("title")
    content: str | None = prop("content")
    severity: Severity = prop("severity", default="'UNSTATED'")
    disclosure: Disclosure = prop("disclosure")
    recorded_on: Date = prop("recordedOn")
    valid_until: Date | None = prop("validUntil")
    source_system: str | None = prop("sourceSystem")
    provider: Department | None = related(
        lambda s, m: f"MATCH ({s.node})-[:PROVIDED_BY]->({m}:Department)"
    )
