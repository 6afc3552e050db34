"""Views across the policy graph: the implementation chain of a national item, the
coverage matrix, a department's workload.

Each view is read from one node (the national item, the department) or, for the matrix,
from a map its root query builds (``loaders/policy_reads.py``); what a view computes
across many nodes (first citations, cells, counts per role) is Cypher in its fields'
declarations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

from graph_schema import policy_model as pm
from graph_schema.enums import JurisdictionLevel
from graph_schema.fields import Expr, Related, Scope, meta
from graph_schema.jurisdiction import Department, Jurisdiction
from graph_schema.policy import (
    DOC,
    IMPLEMENTATIONS,
    IN_DOCUMENT,
    TASK,
    Implementation,
    PolicyDocument,
    PolicyItem,
    Task,
)


def itself(s: Scope, m: str) -> str:
    """The object being read, as a field's target: a view and the node it is read from."""
    return f"WITH {s.node} AS {m}"


def listed(values: Callable[[Scope], str], **more: Any) -> Related:
    """The items of a Cypher list, in its order."""
    return Related(
        match=lambda s, m: (
            f"UNWIND range(0, size({values(s)}) - 1) AS {m}i WITH *, {values(s)}[{m}i] AS {m}"
        ),
        order=lambda s, m: f"{m}i",
        **more,
    )


def _citations(s: Scope, m: str) -> str:
    """Documents cited by the documents implementing the item: implementing documents by
    jurisdiction and document order, each one's citations in document order."""
    return (
        f"WITH COLLECT {{ MATCH ({s.node})<-[:{pm.IMPLEMENTS}]-(:{TASK})"
        f"-[:{pm.IN_DOCUMENT}]->({m}d:{DOC}) WITH DISTINCT {m}d "
        f"MATCH ({m}d)-[:{pm.CITES}]->({m}c:{DOC}) "
        f"RETURN {m}c ORDER BY {m}d.jurisdictionCode, {m}d.seq, {m}c.seq }} AS {m}l "
        f"UNWIND range(0, size({m}l) - 1) AS {m}i WITH *, {m}l[{m}i] AS {m}"
    )


def _first_provincial(s: Scope, m: str) -> str:
    """Each cited document once, at its first citation; provincial ones only. (No
    aggregation: Neo4j 5.26 takes one inside a nested COLLECT for the outer RETURN's.)"""
    return f"NOT {m} IN {m}l[0..{m}i] AND {m}.level = '{JurisdictionLevel.PROVINCIAL.value}'"


@strawberry.type(
    description="A national item, the provincial documents the implementing "
    "documents cite, and every municipal and county task implementing it."
)
class ImplementationChain:  # read from the national item
    national_item: PolicyItem = strawberry.field(
        description="The national item asked about.", metadata=meta(Related(match=itself))
    )
    national_document: PolicyDocument | None = strawberry.field(
        description="The national document it is written in.", metadata=meta(IN_DOCUMENT)
    )
    implementations: list[Implementation] = strawberry.field(
        description="Municipal and county tasks implementing it, by jurisdiction, then "
        "document order.",
        metadata=meta(IMPLEMENTATIONS),
    )
    provincial_documents: list[PolicyDocument] = strawberry.field(
        description="Provincial documents cited by the implementing documents.",
        metadata=meta(
            Related(match=_citations, where=_first_provincial, order=lambda s, m: f"{m}i")
        ),
    )


# The coverage matrix is read from {columns: [jurisdiction], documentId}; a row from its
# national item, the columns bound; a cell from its column's jurisdiction, the item bound.


def _item(s: Scope) -> str:
    item = s.bound("item", "")
    if not item:
        raise ValueError("a coverage cell is read through CoverageRow.cells only")
    return item


def _implementing(item: str, jurisdiction: str, task: str, document: str) -> str:
    return (
        f"MATCH ({item})<-[:{pm.IMPLEMENTS}]-({task}:{TASK})-[:{pm.IN_DOCUMENT}]->"
        f"({document}:{DOC}) WHERE {document}.jurisdictionCode = {jurisdiction}.code"
    )


def _task_ids(s: Scope) -> str:
    t, d = s.var("t"), s.var("d")
    return (
        f"COLLECT {{ {_implementing(_item(s), s.node, t, d)} "
        f"RETURN {t}.id ORDER BY {d}.seq, {t}.seq }}"
    )


def _implemented(s: Scope) -> str:
    return f"EXISTS {{ {_implementing(_item(s), s.node, s.var('t'), s.var('d'))} }}"


@strawberry.type(
    description="One jurisdiction's tasks implementing one national item; "
    "empty: not implemented there."
)
class CoverageCell:
    jurisdiction_code: strawberry.ID = strawberry.field(
        description="The column: the jurisdiction's GB/T 2260 code.",
        metadata=meta(Expr(cypher=lambda s: f"{s.node}.code")),
    )
    task_ids: list[strawberry.ID] = strawberry.field(
        description="Ids of its tasks implementing the item, in document order.",
        metadata=meta(Expr(cypher=_task_ids)),
    )
    implemented: bool = strawberry.field(
        description="At least one task there implements the item.",
        metadata=meta(Expr(cypher=_implemented)),
    )
    jurisdiction: Jurisdiction | None = strawberry.field(
        description="The column's jurisdiction.", metadata=meta(Related(match=itself))
    )
    tasks: list[Task] = strawberry.field(
        description="Its tasks implementing the item, in document order.",
        metadata=meta(
            Related(
                match=lambda s, m: _implementing(_item(s), s.node, m, f"{m}d"),
                order=lambda s, m: f"{m}d.seq, {m}.seq",
            )
        ),
    )


def _implemented_in(s: Scope) -> str:
    j, t, d = s.var("j"), s.var("t"), s.var("d")
    columns = s.bound("columns", "[]")
    return f"size([{j} IN {columns} WHERE EXISTS {{ {_implementing(s.node, j, t, d)} }}])"


@strawberry.type(description="One national item of the coverage matrix, across the columns.")
class CoverageRow:
    item: PolicyItem = strawberry.field(
        description="The national item.", metadata=meta(Related(match=itself))
    )
    cells: list[CoverageCell] = strawberry.field(
        description="In the matrix's column order.",
        metadata=meta(
            listed(lambda s: s.bound("columns", "[]"), binds=(("item", lambda s: s.node),))
        ),
    )
    implemented_in: int = strawberry.field(
        description="Jurisdictions implementing the item.",
        metadata=meta(Expr(cypher=_implemented_in)),
    )


def _national_items(s: Scope, m: str) -> str:
    """National items one level below a section (003 （一）…（二十三）)."""
    return (
        f"MATCH ({m}:{pm.POLICY_ITEM})-[:{pm.IN_DOCUMENT}]->"
        f"({m}d:{DOC} {{level: '{JurisdictionLevel.NATIONAL.value}'}}) "
        f"WHERE ({s.node}.documentId IS NULL OR {m}d.id = {s.node}.documentId) "
        f"AND ({m})-[:{pm.PART_OF_ITEM}]->()"
    )


def _codes(s: Scope) -> str:
    j = s.var("j")
    return f"[{j} IN {s.node}.columns | {j}.code]"


@strawberry.type(
    description="National items × the municipal and county jurisdictions that issued documents."
)
class CoverageMatrix:
    jurisdiction_codes: list[strawberry.ID] = strawberry.field(
        description="The columns.", metadata=meta(Expr(cypher=_codes))
    )
    rows: list[CoverageRow] = strawberry.field(
        description="One per national item, in document order.",
        metadata=meta(
            Related(
                match=_national_items,
                order=lambda s, m: f"{m}d.seq, {m}.seq",
                binds=(("columns", lambda s: f"{s.node}.columns"),),
            )
        ),
    )
    jurisdictions: list[Jurisdiction] = strawberry.field(
        description="The columns' jurisdictions, in column order (by code).",
        metadata=meta(listed(lambda s: f"{s.node}.columns")),
    )


# A workload is read from the department; a document's part from the document, the
# department bound. A task naming the department in two roles counts in each role.


def _department(s: Scope) -> str:
    department = s.bound("department", "")
    if not department:
        raise ValueError("a document workload is read through DepartmentWorkload.documents")
    return department


def _in_role(link: str) -> Related:
    """The document's tasks naming the department through ``link``, in document order."""
    return Related(
        match=lambda s, m: f"MATCH ({m}:{TASK})-[:{pm.IN_DOCUMENT}]->({s.node})",
        where=lambda s, m: f"EXISTS {{ ({m})-[:{link}]->({_department(s)}) }}",
        order=lambda s, m: f"{m}.seq",
    )


@strawberry.type(description="A department's tasks in one document, by role.")
class DocumentWorkload:
    led: list[Task] = strawberry.field(
        description="Tasks naming it as 牵头单位, in document order.",
        metadata=meta(_in_role(pm.LED_BY)),
    )
    cooperated: list[Task] = strawberry.field(
        description="Tasks naming it as 配合单位, in document order.",
        metadata=meta(_in_role(pm.COOPERATED_BY)),
    )
    responsible: list[Task] = strawberry.field(
        description="Tasks naming it as 责任单位, in document order.",
        metadata=meta(_in_role(pm.RESPONSIBILITY_OF)),
    )
    document: PolicyDocument | None = strawberry.field(
        description="The document.", metadata=meta(Related(match=itself))
    )


def _count(links: str) -> Expr:
    """Tasks (each with its document) naming the department through ``links``."""

    def cypher(s: Scope) -> str:
        t, d = s.var("t"), s.var("d")
        return (
            f"COUNT {{ MATCH ({s.node})<-[:{links}]-({t}:{TASK})-[:{pm.IN_DOCUMENT}]->"
            f"({d}:{DOC}) RETURN DISTINCT {t}, {d} }}"
        )

    return Expr(cypher=cypher)


@strawberry.type(
    description="Tasks a department leads (牵头), supports (配合) or is "
    "responsible for (责任单位), in total and per document. A task naming the "
    "department in two roles counts once in taskCount."
)
class DepartmentWorkload:  # read from the department
    department: Department = strawberry.field(
        description="The department.", metadata=meta(Related(match=itself))
    )
    led_count: int = strawberry.field(
        description="Tasks naming it as 牵头单位.", metadata=meta(_count(pm.LED_BY))
    )
    cooperated_count: int = strawberry.field(
        description="Tasks naming it as 配合单位.", metadata=meta(_count(pm.COOPERATED_BY))
    )
    responsible_count: int = strawberry.field(
        description="Tasks naming it as 责任单位.", metadata=meta(_count(pm.RESPONSIBILITY_OF))
    )
    task_count: int = strawberry.field(
        description="Tasks naming it in any role, each counted once.",
        metadata=meta(_count(pm.UNIT_LINKS)),
    )
    documents: list[DocumentWorkload] = strawberry.field(
        description="Its tasks per document, for the documents naming it, in curated order.",
        metadata=meta(
            Related(
                match=lambda s, m: f"MATCH ({m}:{DOC})",
                where=lambda s, m: (
                    f"EXISTS {{ ({s.node})<-[:{pm.UNIT_LINKS}]-(:{TASK})"
                    f"-[:{pm.IN_DOCUMENT}]->({m}) }}"
                ),
                order=lambda s, m: f"{m}.seq",
                binds=(("department", lambda s: s.node),),
            )
        ),
    )
