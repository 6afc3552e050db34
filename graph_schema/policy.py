"""The policy graph as GraphQL: documents, items, tasks and the units they name.

Everything here is public information (the documents are published), so no field asks
for a role or a purpose. Each field declares how it is read (``graph_schema/fields.py``):
a root field's selection is answered by one compiled query.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from graph_schema import policy_model as pm
from graph_schema.enums import JurisdictionLevel, graphql_enum
from graph_schema.fields import Expr, Related, Scope, meta, owned_by, prop, reads, related
from graph_schema.jurisdiction import Department, Jurisdiction
from graph_schema.scalars import Date

# graphql_enum marks the model's classes in place (and returns them): the names below are
# those classes, which a type checker reads as types.
TaskRole = pm.TaskRole
UnitKind = pm.UnitKind
graphql_enum(
    TaskRole,
    "How a task row names a unit: 牵头单位 "
    "(LEAD), 配合单位 (COOPERATING) or 责任单位 (RESPONSIBLE).",
    {
        "LEAD": "牵头单位: the unit leading the task.",
        "COOPERATING": "配合单位: a unit cooperating on the task.",
        "RESPONSIBLE": "责任单位: a unit responsible for the task, where the document "
        "does not split lead and cooperating units (Huai'an).",
    },
)
graphql_enum(
    UnitKind,
    "A department, or a collective written as one unit (各县区人民政府, 市有关部门 …).",
    {
        "DEPARTMENT": "One department entity of a jurisdiction (see `TaskUnit.department`).",
        "COLLECTIVE": "A group of units written as one, e.g. 各县区人民政府 "
        "(see `TaskUnit.collective`).",
    },
)


class DepartmentRole(Enum):
    LEAD = "LEAD"
    COOPERATING = "COOPERATING"
    RESPONSIBLE = "RESPONSIBLE"
    ANY = "ANY"


graphql_enum(
    DepartmentRole,
    "Which links between a task and a unit to follow.",
    {
        "LEAD": "Only units named as 牵头单位.",
        "COOPERATING": "Only units named as 配合单位.",
        "RESPONSIBLE": "Only units named as 责任单位.",
        "ANY": "Units named in any role.",
    },
)


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
    as_written: str = prop(
        "asWritten", description="The citation as the citing document writes it, verbatim."
    )
    document: PolicyDocument | None = related(
        lambda s, m: f"WITH endNode({s.node}) AS {m}", description="The document cited."
    )


@owned_by("policy")
@strawberry.federation.type(
    keys=["id"],
    description="A policy document (national, provincial, municipal or "
    "county), with its items and, for implementations, its task rows.",
)
class PolicyDocument:
    id: strawberry.ID = prop("id", description="A short stable id, e.g. `nat-ec-2016`, `ha-jlcj`.")
    title: str = prop(
        "title", description="The title, as the text or (when it has none) its citations give it."
    )
    issuer: str | None = prop(
        "issuer", description="发文机关, as written; null when no text names it."
    )
    number: str | None = prop("number", description="文号, e.g. 苏政办发〔2017〕144号.")
    date: Date | None = prop(
        "date",
        description="The document's date as the texts give it (for one issued by a notice, "
        "the notice's); null when none does.",
    )
    level: JurisdictionLevel = prop(
        "level", description="National, provincial, municipal or county."
    )
    source_file: str | None = prop(
        "sourceFile",
        description="The text in seeds/policy/texts; null for documents known only by citation.",
    )
    title_supplied: bool = prop(
        "titleSupplied", default="false", description="The text has no title: a reviewer's."
    )
    also_cited_as: list[str] = prop(
        "alsoCitedAs",
        default="[]",
        description="Other titles other documents cite it under, as written.",
    )
    issued_under_number: str | None = prop(
        "issuedUnderNumber",
        description="文号 of the notice that issued it, when that notice is not a document "
        "here; null otherwise.",
    )
    issued_under_title: str | None = prop(
        "issuedUnderTitle", description="Title of that issuing notice; null otherwise."
    )
    note: str | None = prop(
        "note",
        description="The reviewer's note on the text and its metadata (what is missing, "
        "where it comes from).",
    )
    sources: list[str] = prop(
        "sources",
        default="[]",
        description="Where metadata not in the text comes from, as `field: source`.",
    )
    jurisdiction: Jurisdiction | None = strawberry.field(
        description="The issuing jurisdiction.", metadata=meta(JURISDICTION)
    )
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
        description="The documents it cites, each as written, in curated document order.",
    )
    cited_by: list[PolicyDocument] = related(
        lambda s, m: f"MATCH ({m}:{DOC})-[:{pm.CITES}]->({s.node})",
        order=lambda s, m: f"{m}.seq",
        description="The documents citing it, in curated order.",
    )
    repeals: list[PolicyDocument] = related(
        lambda s, m: f"MATCH ({s.node})-[:{pm.REPEALS}]->({m}:{DOC})",
        order=lambda s, m: f"{m}.seq",
        description="The documents it repeals (废止).",
    )
    repealed_by: PolicyDocument | None = related(
        lambda s, m: f"MATCH ({m}:{DOC})-[:{pm.REPEALS}]->({s.node})",
        description="The document that repeals it; null while in force.",
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
    id: strawberry.ID = prop("id", description="`<document>:<path of markers>`.")
    marker: str | None = prop(
        "marker",
        description="The item's marker as written, e.g. 第十四条, （二）, 一; null for a preamble.",
    )
    ordinal: int = prop(
        "ordinal", description="Its position among its siblings, from 1 (0 for a preamble)."
    )
    title: str | None = prop("title", description="Its heading; null when it has none.")
    text: str = prop("text", description="The item's text as written, its children's included.")
    document: PolicyDocument | None = strawberry.field(
        description="The document it is written in.", metadata=meta(IN_DOCUMENT)
    )
    parent: PolicyItem | None = related(
        lambda s, m: f"MATCH ({s.node})-[:{pm.PART_OF_ITEM}]->({m}:{ITEM})",
        description="The enclosing item; null for a top item.",
    )
    children: list[PolicyItem] = related(
        lambda s, m: f"MATCH ({m}:{ITEM})-[:{pm.PART_OF_ITEM}]->({s.node})",
        order=lambda s, m: f"{m}.seq",
        description="The items directly below it, in order.",
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
    id: strawberry.ID = prop(
        "id",
        description="`<jurisdiction code>/collective/<name>`, e.g. `320281/collective/各镇街园区`.",
    )
    name: str = prop("name", description="The group as written, e.g. 各镇街园区.")
    jurisdiction: Jurisdiction | None = strawberry.field(
        description="The jurisdiction it belongs to.", metadata=meta(JURISDICTION)
    )


@strawberry.type(
    description="A unit as a task row names it: the wording kept as written, "
    "the entity it resolves to."
)
class TaskUnit:  # read from the link between the task and the unit
    as_written: str = prop(
        "asWritten", description="The unit as the row writes it (e.g. 市工商局), never rewritten."
    )
    role: TaskRole = strawberry.field(
        description="The role the row names it in.",
        metadata=meta(Expr(cypher=lambda s: pm.role_of_link_cypher(s.node))),
    )
    position: int = prop("position", description="1-based, within the role's list.")
    kind: UnitKind = strawberry.field(
        description="A department or a collective.",
        metadata=meta(Expr(cypher=lambda s: f"endNode({s.node}).kind")),
    )
    department: Department | None = strawberry.field(
        description="The department it resolves to; null for a collective.",
        metadata=meta(
            Related(
                match=lambda s, m: f"WITH endNode({s.node}) AS {m}",
                where=lambda s, m: collective(m, False),
            )
        ),
    )
    collective: CollectiveUnit | None = strawberry.field(
        description="The collective it resolves to; null for a department.",
        metadata=meta(
            Related(
                match=lambda s, m: f"WITH endNode({s.node}) AS {m}",
                where=lambda s, m: collective(m, True),
            )
        ),
    )


def _open_ended(s: Scope) -> str:
    """Stored by the extraction's keys (``lead`` …), answered as ``TaskRole``s."""
    r = s.var("r")
    return f"[{r} IN coalesce({s.node}.openEnded, []) | toUpper({r})]"


@strawberry.type(description="A task row of a municipal or county implementation.")
class Task:
    id: strawberry.ID = prop(
        "id",
        description="`<document>:task:<number or item path>`, e.g. `jy-ec-2018:task:1`.",
    )
    number: str = prop("number", description="As numbered in its table or item path.")
    text: str = prop("text", description="The task as written.")
    open_ended: list[TaskRole] = strawberry.field(
        description="Roles whose list ends in 等.", metadata=meta(Expr(cypher=_open_ended))
    )
    lead_as_written: str | None = prop(
        "leadAsWritten", description="The 牵头单位 list exactly as written; null when none."
    )
    cooperating_as_written: str | None = prop(
        "cooperatingAsWritten", description="The 配合单位 list exactly as written; null when none."
    )
    responsible_as_written: str | None = prop(
        "responsibleAsWritten", description="The 责任单位 list exactly as written; null when none."
    )
    document: PolicyDocument | None = strawberry.field(
        description="The document it is written in.", metadata=meta(IN_DOCUMENT)
    )
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
    def units(
        self,
        role: Annotated[
            DepartmentRole,
            strawberry.argument(description="Only units named in this role; ANY: all."),
        ] = DepartmentRole.ANY,
    ) -> list[TaskUnit]: ...

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
    evidence: str = prop(
        "evidence", description="A phrase found verbatim in both the task and the item."
    )
    item: PolicyItem = strawberry.field(
        description="The national item implemented.",
        metadata=meta(Related(match=lambda s, m: f"WITH endNode({s.node}) AS {m}")),
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
    evidence: str = prop(
        "evidence", description="A phrase found verbatim in both the task and the item."
    )
    task: Task = strawberry.field(
        description="The implementing task.",
        metadata=meta(Related(match=lambda s, m: f"WITH startNode({s.node}) AS {m}")),
    )
    document: PolicyDocument | None = related(
        lambda s, m: (
            f"WITH startNode({s.node}) AS {m}t MATCH ({m}t)-[:{pm.IN_DOCUMENT}]->({m}:{DOC})"
        ),
        description="The document the task is written in.",
    )
    jurisdiction: Jurisdiction | None = related(
        lambda s, m: (
            f"WITH startNode({s.node}) AS {m}t MATCH ({m}t)-[:{pm.IN_DOCUMENT}]->({m}d:{DOC}) "
            f"MATCH ({m}:Jurisdiction {{code: {m}d.jurisdictionCode}})"
        ),
        description="The jurisdiction that issued that document.",
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
