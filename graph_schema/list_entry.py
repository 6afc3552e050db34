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
    id: strawberry.ID = prop("id", detail=False, description="The entry's id.")
    kind: ListKind = prop(
        "kind", propagates=True, public=True, detail=False, description="Red or black list."
    )
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
    severity: Severity = prop(
        "severity",
        propagates=True,
        detail=False,
        default="'UNSTATED'",
        description="失信严重程度; UNSTATED when the source states none.",
    )
    disclosure: Disclosure = prop(
        "disclosure",
        propagates=True,
        detail=False,
        description="Who may see the entry (管理办法 第十八条).",
    )
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
    ended_on: Date | None = prop(
        "endedOn",
        propagates=True,
        detail=False,
        description="The day it was ended by revocation or repair (REVOKED or REPAIRED from "
        "then on); null while not ended.",
    )
    end_reason: str | None = prop(
        "endReason", propagates=True, description="Why it was ended, as recorded."
    )
    source_system: str | None = prop(
        "sourceSystem",
        propagates=True,
        detail=False,
        description="The system the entry was imported from.",
    )
    source_ref: str | None = prop(
        "sourceRef",
        propagates=True,
        description="The entry's reference in that system (with `sourceSystem`, its source key).",
    )
    derived: bool = prop(
        "derived",
        public=True,
        detail=False,
        default="false",
        description="Recorded against a responsible person through an "
        "organisation (管理办法 第二十六条).",
    )
    recognising_department: Department | None = strawberry.field(
        description="认定单位: the department that recognised the entry (实施办法 第三条).",
        metadata=meta(RECOGNISING_DEPARTMENT),
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
        lambda s, m: f"MATCH ({s.node})-[:CONCERNS]->({m}:Subject)",
        description="The subject the entry is about.",
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
    id: strawberry.ID = prop("id", description="The record's id.")
    category: RecordCategory = prop("category", description="管理办法 第九条 category.")
    type: str = prop(
        "type", description="The kind of information within its category, as the provider names it."
    )
    title: str | None = prop("title", description="A short title, as provided.")
    content: str | None = prop("content", description="The information itself, as provided.")
    severity: Severity = prop(
        "severity",
        default="'UNSTATED'",
        description="失信严重程度, for negative information; UNSTATED when none is stated.",
    )
    disclosure: Disclosure = prop(
        "disclosure", description="Who may see the record (管理办法 第十八条)."
    )
    recorded_on: Date = prop("recordedOn", description="The day the information was recorded.")
    valid_until: Date | None = prop(
        "validUntil",
        description="Last day of validity, inclusive (管理办法 第二十七条 for negative "
        "information); null: no end.",
    )
    source_system: str | None = prop(
        "sourceSystem", description="The system the record was imported from."
    )
    provider: Department | None = related(
        lambda s, m: f"MATCH ({s.node})-[:PROVIDED_BY]->({m}:Department)",
        description="信息提供单位: the department that provided it.",
    )
