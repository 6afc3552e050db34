"""The policy graph as GraphQL: documents, items, tasks and the units they name.

Everything here is public information (the documents are published), so no field asks
for a role or a purpose. Each field declares how it is read (``graph_schema/fields.py``):
a root field's selection is answered by one compiled query.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from graph_schema import policy_model as pm
from graph_schema.enums import JurisdictionLevel
from graph_schema.fields import Expr, Related, Scope, meta, owned_by, prop, reads, related
from graph_schema.jurisdiction import Department, Jurisdiction
from graph_schema.scalars import Date

# strawberry.enum marks the model's classes in place (and returns them): the names below are
# those classes, which a type checker reads as types.
TaskRole = pm.TaskRole
UnitKind = pm.UnitKind
strawberry.enum(
    TaskRole,
    description="How a task row names a unit: 牵头单位 "
    "(LEAD), 配合单位 (COOPERATING) or 责任单位 (RESPONSIBLE).",
)
strawberry.enum(
    UnitKind,
    description="A department, or a collective written as one unit (各县区人民政府, 市有关部门 …).",
)


@strawberry.enum(description="Which links between a task and a unit to follow.")
class DepartmentRole(Enum):
    LEAD = "LEAD"
    COOPERATING = "COOPERATING"
    RESPONSIBLE = "RESPONSIBLE"
    ANY = "ANY"


def link_types(role: DepartmentRole | None) -> tuple[str, ...]:
    """The relationship types a role filter accepts (None or ANY: every role)."""
    if role is None or role is DepartmentRole.ANY:
        return tuple(pm.ROLE_TYPES.values())
    return (pm.ROLE_TYPES[pm.TaskRole(role.value)],)


# How the fields below are read. `{m}d`, `{m}t` … name variables of one subquery apart.
DOC, ITEM, TASK = pm.POLICY_DOCUMENT, pm.POLICY_ITEM, pm.TASK


def collective(unit: str, yes: bool) -> str:
    """Is ``unit`` a collective (not a department)?"""
    return f"coalesce({unit}.kind, '') {'=' if yes else '<>'} '{pm.UNIT_KIND_COLLECTIVE}'"


# The document a task or an item is written in.
IN_DOCUMENT = Related(match=lambda s, m: f"MATCH ({s.node})-[:{pm.IN_DOCUMENT}]->({m}:{DOC})")
JURISDICTION = Related(
    match=lambda s, m: f"MATCH ({m}:Jurisdiction {{code: {s.node}.jurisdictionCode}})"
)
# The tasks implementing an item (alignment.csv), by jurisdiction then document order:
# each an IMPLEMENTS link.
IMPLEMENTATIONS = Related(
    match=lambda s, m: (
        f"MATCH ({s.node})<-[{m}:{pm.IMPLEMENTS}]-({m}t:{TASK})-[:{pm.IN_DOCUMENT}]->({m}d)"
    ),
    order=lambda s, m: f"{m}d.jurisdictionCode, {m}d.seq, {m}t.seq",
)


@strawberry.type(description="A citation of one document by another, as written.")
class Citation:
    as_written: str = prop("asWritten")
    document: PolicyDocument | None = related(lambda s, m: f"WITH endNode({s.node}) AS {m}")


@owned_by("policy")
@strawberry.federation.type(
    keys=["id"],
    description="A policy document (national, provincial, municipal or "
    "county), with its items and, for implementations, its task rows.",
)
class PolicyDocument:
    id: strawberry.ID = prop("id")
    title: str = prop("title")
    issuer: str | None = prop("issuer")
    number: str | None = prop("number", description="文号, e.g. 苏政办发〔2017〕144号.")
    date: Date | None = prop("date")
    level: JurisdictionLevel = prop("level")
    source_file: str | None = prop(
        "sourceFile",
        description="The text in seeds/policy/texts; null for documents known only by citation.",
    )
    title_supplied: bool = prop(
        "titleSupplied", default="false", description="The text has no title: a reviewer's."
    )
    also_cited_as: list[str] = prop("alsoCitedAs", default="[]")
    issued_under_number: str | None = prop("issuedUnderNumber")
    issued_under_title: str | None = prop("issuedUnderTitle")
    note: str | None = prop("note")
    sources: list[str] = prop(
        "sources",
        default="[]",
        description="Where metadata not in the text comes from, as `field: source`.",
    )
    jurisdiction: Jurisdiction | None = strawberry.field(metadata=meta(JURISDICTION))
    parent: PolicyDocument | None = related(
        lambda s, m: f"MATCH ({s.node})-[:{pm.PART_OF_DOCUMENT}]->({m}:{DOC})",
        description="The notice that issued this document with others.",
    )
    parts: list[PolicyDocument] = related(
        lambda s, m: f"MATCH ({m}:{DOC})-[:{pm.PART_OF_DOCUMENT}]->({s.node})",
        order=lambda s, m: f"{m}.seq",
        description="The documents this notice issued.",
    )
    cites: list[Citation] = related(
        lambda s, m: f"MATCH ({s.node})-[{m}:{pm.CITES}]->({m}d:{DOC})",
        order=lambda s, m: f"{m}d.seq",
    )
    cited_by: list[PolicyDocument] = related(
        lambda s, m: f"MATCH ({m}:{DOC})-[:{pm.CITES}]->({s.node})", order=lambda s, m: f"{m}.seq"
    )
    repeals: list[PolicyDocument] = related(
        lambda s, m: f"MATCH ({s.node})-[:{pm.REPEALS}]->({m}:{DOC})", order=lambda s, m: f"{m}.seq"
    )
    repealed_by: PolicyDocument | None = related(
        lambda s, m: f"MATCH ({m}:{DOC})-[:{pm.REPEALS}]->({s.node})"
    )
    items: list[PolicyItem] = related(
        lambda s, m: f"MATCH ({m}:{ITEM})-[:{pm.IN_DOCUMENT}]->({s.node})",
        where=lambda s, m: f"NOT ({m})-[:{pm.PART_OF_ITEM}]->()",
        order=lambda s, m: f"{m}.seq",
        description="The top items (sections, chapters, articles), in order; each has its "
        "children.",
    )
    tasks: list[Task] = related(
        lambda s, m: f"MATCH ({m}:{TASK})-[:{pm.IN_DOCUMENT}]->({s.node})",
        order=lambda s, m: f"{m}.seq",
        description="Task rows, in document order.",
    )


@strawberry.type(
    description="A section, chapter, article or numbered item of a document. "
    "Ids are `<document>:<path of markers>`, e.g. `ha-jlcj:第十四条/（二）`."
)
class PolicyItem:
    id: strawberry.ID = prop("id")
    marker: str | None = prop("marker")
    ordinal: int = prop("ordinal")
    title: str | None = prop("title")
    text: str = prop("text")
    document: PolicyDocument | None = strawberry.field(metadata=meta(IN_DOCUMENT))
    parent: PolicyItem | None = related(
        lambda s, m: f"MATCH ({s.node})-[:{pm.PART_OF_ITEM}]->({m}:{ITEM})"
    )
    children: list[PolicyItem] = related(
        lambda s, m: f"MATCH ({m}:{ITEM})-[:{pm.PART_OF_ITEM}]->({s.node})",
        order=lambda s, m: f"{m}.seq",
    )
    tasks: list[Task] = related(
        lambda s, m: (
            f"MATCH ({s.node})<-[:{pm.UNDER_ITEM}]-({m}:{TASK})-[:{pm.IN_DOCUMENT}]->({m}d:{DOC})"
        ),
        order=lambda s, m: f"{m}d.seq, {m}.seq",
        description="Task rows written under this item.",
    )
    implemented_by: list[Implementation] = strawberry.field(
        description="Municipal and county tasks implementing this item "
        "(seeds/policy/alignment.csv), by jurisdiction.",
        metadata=meta(IMPLEMENTATIONS),
    )


@strawberry.type(
    description="A group of units written as one (各镇街园区, 市有关部门 …); not a department."
)
class CollectiveUnit:
    id: strawberry.ID = prop("id")
    name: str = prop("name")
    jurisdiction: Jurisdiction | None = strawberry.field(metadata=meta(JURISDICTION))


@strawberry.type(
    description="A unit as a task row names it: the wording kept as written, "
    "the entity it resolves to."
)
class TaskUnit:  # read from the link between the task and the unit
    as_written: str = prop("asWritten")
    role: TaskRole = strawberry.field(
        metadata=meta(Expr(cypher=lambda s: pm.role_of_link_cypher(s.node)))
    )
    position: int = prop("position", description="1-based, within the role's list.")
    kind: UnitKind = strawberry.field(
        metadata=meta(Expr(cypher=lambda s: f"endNode({s.node}).kind"))
    )
    department: Department | None = strawberry.field(
        metadata=meta(
            Related(
                match=lambda s, m: f"WITH endNode({s.node}) AS {m}",
                where=lambda s, m: collective(m, False),
            )
        )
    )
    collective: CollectiveUnit | None = strawberry.field(
        metadata=meta(
            Related(
                match=lambda s, m: f"WITH endNode({s.node}) AS {m}",
                where=lambda s, m: collective(m, True),
            )
        )
    )


def _open_ended(s: Scope) -> str:
    """Stored by the extraction's keys (``lead`` …), answered as ``TaskRole``s."""
    r = s.var("r")
    return f"[{r} IN coalesce({s.node}.openEnded, []) | toUpper({r})]"


@strawberry.type(description="A task row of a municipal or county implementation.")
class Task:
    id: strawberry.ID = prop("id")
    number: str = prop("number", description="As numbered in its table or item path.")
    text: str = prop("text")
    open_ended: list[TaskRole] = strawberry.field(
        description="Roles whose list ends in 等.", metadata=meta(Expr(cypher=_open_ended))
    )
    lead_as_written: str | None = prop("leadAsWritten")
    cooperating_as_written: str | None = prop("cooperatingAsWritten")
    responsible_as_written: str | None = prop("responsibleAsWritten")
    document: PolicyDocument | None = strawberry.field(metadata=meta(IN_DOCUMENT))
    item: PolicyItem | None = related(
        lambda s, m: f"MATCH ({s.node})-[:{pm.UNDER_ITEM}]->({m}:{ITEM})",
        description="The item the row is written under (none in a bare table).",
    )

    @reads(
        Related(
            match=lambda s, m: f"MATCH ({s.node})-[{m}:{pm.UNIT_LINKS}]->()",
            where=lambda s, m: f"type({m}) IN {pm.role_types_cypher(s.arg('role'))}",
            order=lambda s, m: f"{pm.role_rank_cypher(m)}, {m}.position",
        ),
        description="The units named, lead first, each list in written order.",
    )
    def units(self, role: DepartmentRole = DepartmentRole.ANY) -> list[TaskUnit]: ...

    # A stub like `units`, only to keep its place after `units` in the printed schema
    # (strawberry lists a type's fields with resolvers after its plain attributes).
    @reads(
        Related(
            match=lambda s, m: f"MATCH ({s.node})-[{m}:{pm.IMPLEMENTS}]->({m}i:{ITEM})",
            order=lambda s, m: f"{m}i.seq",
        ),
        description="National items this task implements, with the evidence.",
    )
    def implements(self) -> list[ImplementedItem]: ...


@strawberry.type(description="An item a task implements; evidence is a phrase found in both.")
class ImplementedItem:  # read from the IMPLEMENTS link
    evidence: str = prop("evidence")
    item: PolicyItem = strawberry.field(
        metadata=meta(Related(match=lambda s, m: f"WITH endNode({s.node}) AS {m}"))
    )


def _lead_departments(s: Scope, m: str) -> str:
    """The lead units' links; for a row naming no lead unit, the responsible units'."""
    return (
        f"type({m}) = CASE WHEN EXISTS {{ ({m}t)-[:{pm.LED_BY}]->() }} "
        f"THEN '{pm.LED_BY}' ELSE '{pm.RESPONSIBILITY_OF}' END "
        f"AND {collective(m + 'u', False)}"
    )


@strawberry.type(description="A task implementing a national item, with where it stands.")
class Implementation:  # read from the IMPLEMENTS link
    evidence: str = prop("evidence")
    task: Task = strawberry.field(
        metadata=meta(Related(match=lambda s, m: f"WITH startNode({s.node}) AS {m}"))
    )
    document: PolicyDocument | None = related(
        lambda s, m: (
            f"WITH startNode({s.node}) AS {m}t MATCH ({m}t)-[:{pm.IN_DOCUMENT}]->({m}:{DOC})"
        )
    )
    jurisdiction: Jurisdiction | None = related(
        lambda s, m: (
            f"WITH startNode({s.node}) AS {m}t MATCH ({m}t)-[:{pm.IN_DOCUMENT}]->({m}d:{DOC}) "
            f"MATCH ({m}:Jurisdiction {{code: {m}d.jurisdictionCode}})"
        )
    )
    lead_departments: list[TaskUnit] = related(
        lambda s, m: (
            f"WITH startNode({s.node}) AS {m}t "
            f"MATCH ({m}t)-[{m}:{pm.LED_BY}|{pm.RESPONSIBILITY_OF}]->({m}u)"
        ),
        where=_lead_departments,
        order=lambda s, m: f"{m}.position",
        description="The lead departments (牵头单位); for rows that name 责任单位 only "
        "(Huai'an), the responsible departments. No collectives.",
    )
