"""The policy graph as GraphQL: documents, items, tasks and the units they name.

Everything here is public information (the documents are published), so no field asks
for a role or a purpose. Each field declares how it is read (``graph_schema/fields.py``):
a root field's selection is answered by one compiled query. The bodies below are the
per-field resolvers (``CREDIT_GRAPH_READ_PATH=legacy``), built from loader maps.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry import Info

from gateway.context import Context
from graph_schema import policy_model as pm
from graph_schema.enums import JurisdictionLevel
from graph_schema.fields import Expr, Related, Scope, meta, owned_by, prop
from graph_schema.jurisdiction import Department, Jurisdiction
from graph_schema.scalars import Date
from loaders.policy import TaskFilter

TaskRole = strawberry.enum(pm.TaskRole, description="How a task row names a unit: 牵头单位 "
                           "(LEAD), 配合单位 (COOPERATING) or 责任单位 (RESPONSIBLE).")
UnitKind = strawberry.enum(pm.UnitKind, description="A department, or a collective written "
                           "as one unit (各县区人民政府, 市有关部门 …).")


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


async def find_tasks(ctx: Context, key: TaskFilter) -> list[Task]:
    return [Task.from_map(m) for m in await ctx.loaders.policy_tasks_where.load(key)]


async def tasks_of_unit(ctx: Context, unit_id: str, role: DepartmentRole | None) -> list[Task]:
    """Tasks naming a department or collective unit (by id) in the role, in document order."""
    return await find_tasks(ctx, TaskFilter(unit_ids=(unit_id,), types=link_types(role)))


async def task_units(ctx: Context, task_id: str, role: DepartmentRole | None) -> list[TaskUnit]:
    """A task's units in the role: lead, cooperating, responsible, each in written order."""
    types = link_types(role)
    order = list(pm.ROLE_TYPES.values())
    rows = sorted((r for r in await ctx.loaders.task_units.load(task_id) if r["type"] in types),
                  key=lambda r: (order.index(r["type"]), r["position"]))
    return [TaskUnit.from_map(r) for r in rows]


async def implementations(ctx: Context, item_id: str) -> list[Implementation]:
    rows = await ctx.loaders.implementations_by_item.load(item_id)
    return [Implementation(evidence=r["evidence"], task=Task.from_map(r["task"])) for r in rows]


async def load_document(ctx: Context, doc_id: str | None) -> PolicyDocument | None:
    m = await ctx.loaders.policy_documents_by_id.load(doc_id) if doc_id else None
    return PolicyDocument.from_map(m) if m else None


async def load_documents(ctx: Context, ids: list[str]) -> list[PolicyDocument]:
    maps = await ctx.loaders.policy_documents_by_id.load_many(ids)
    return [PolicyDocument.from_map(m) for m in maps if m]


async def load_jurisdiction(ctx: Context, code: str) -> Jurisdiction | None:
    m = await ctx.loaders.jurisdictions_by_code.load(code)
    return Jurisdiction.from_map(m) if m else None


# How the fields below are read. `{m}d`, `{m}t` … name variables of one subquery apart.
DOC, ITEM, TASK = pm.POLICY_DOCUMENT, pm.POLICY_ITEM, pm.TASK


def collective(unit: str, yes: bool) -> str:
    """Is ``unit`` a collective (not a department)?"""
    return f"coalesce({unit}.kind, '') {'=' if yes else '<>'} '{pm.UNIT_KIND_COLLECTIVE}'"


# The document a task or an item is written in.
IN_DOCUMENT = Related(match=lambda s, m: f"MATCH ({s.node})-[:{pm.IN_DOCUMENT}]->({m}:{DOC})")
JURISDICTION = Related(match=lambda s, m: f"MATCH ({m}:Jurisdiction {{code: {s.node}"
                       ".jurisdictionCode})")
# The tasks implementing an item (alignment.csv), by jurisdiction then document order:
# each an IMPLEMENTS link.
IMPLEMENTATIONS = Related(
    match=lambda s, m: (f"MATCH ({s.node})<-[{m}:{pm.IMPLEMENTS}]-({m}t:{TASK})"
                        f"-[:{pm.IN_DOCUMENT}]->({m}d)"),
    order=lambda s, m: f"{m}d.jurisdictionCode, {m}d.seq, {m}t.seq")


@strawberry.type(description="A citation of one document by another, as written.")
class Citation:
    as_written: str = prop("asWritten")
    document_id: strawberry.Private[str]

    @strawberry.field(metadata=meta(Related(match=lambda s, m: f"WITH endNode({s.node}) AS {m}")))
    async def document(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await load_document(info.context, self.document_id)


@owned_by("policy")
@strawberry.federation.type(keys=["id"],
                            description="A policy document (national, provincial, municipal or "
                            "county), with its items and, for implementations, its task rows.")
class PolicyDocument:
    id: strawberry.ID = prop("id")
    title: str = prop("title")
    issuer: str | None = prop("issuer")
    number: str | None = prop("number", description="文号, e.g. 苏政办发〔2017〕144号.")
    date: Date | None = prop("date")
    level: JurisdictionLevel = prop("level")
    source_file: str | None = prop("sourceFile", description="The text in seeds/policy/texts; "
                                   "null for documents known only by citation.")
    title_supplied: bool = prop("titleSupplied", default="false",
                                description="The text has no title: a reviewer's.")
    also_cited_as: list[str] = prop("alsoCitedAs", default="[]")
    issued_under_number: str | None = prop("issuedUnderNumber")
    issued_under_title: str | None = prop("issuedUnderTitle")
    note: str | None = prop("note")
    sources: list[str] = prop("sources", default="[]", description="Where metadata not in the "
                              "text comes from, as `field: source`.")
    jurisdiction_code: strawberry.Private[str]
    raw: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> PolicyDocument:
        return cls(id=m["id"], title=m["title"], issuer=m.get("issuer"), number=m.get("number"),
                   date=m.get("date"), level=JurisdictionLevel(m["level"]),
                   source_file=m.get("sourceFile"), title_supplied=bool(m.get("titleSupplied")),
                   also_cited_as=m.get("alsoCitedAs") or [],
                   issued_under_number=m.get("issuedUnderNumber"),
                   issued_under_title=m.get("issuedUnderTitle"), note=m.get("note"),
                   sources=m.get("sources") or [], jurisdiction_code=m["jurisdictionCode"], raw=m)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None],
                                id: strawberry.ID) -> PolicyDocument | None:
        return await load_document(info.context, str(id))

    @strawberry.field(metadata=meta(JURISDICTION))
    async def jurisdiction(self, info: Info[Context, None]) -> Jurisdiction | None:
        return await load_jurisdiction(info.context, self.jurisdiction_code)

    @strawberry.field(description="The notice that issued this document with others.",
                      metadata=meta(Related(
                          match=lambda s, m: (f"MATCH ({s.node})-[:{pm.PART_OF_DOCUMENT}]->"
                                             f"({m}:{DOC})"))))
    async def parent(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await load_document(info.context, self.raw.get("parentId"))

    @strawberry.field(description="The documents this notice issued.", metadata=meta(Related(
        match=lambda s, m: f"MATCH ({m}:{DOC})-[:{pm.PART_OF_DOCUMENT}]->({s.node})",
        order=lambda s, m: f"{m}.seq")))
    async def parts(self, info: Info[Context, None]) -> list[PolicyDocument]:
        return await load_documents(info.context, self.raw.get("partIds") or [])

    @strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"MATCH ({s.node})-[{m}:{pm.CITES}]->({m}d:{DOC})",
        order=lambda s, m: f"{m}d.seq")))
    def cites(self) -> list[Citation]:
        return [Citation(as_written=c["asWritten"], document_id=c["documentId"])
                for c in self.raw.get("citations") or []]

    @strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"MATCH ({m}:{DOC})-[:{pm.CITES}]->({s.node})",
        order=lambda s, m: f"{m}.seq")))
    async def cited_by(self, info: Info[Context, None]) -> list[PolicyDocument]:
        return await load_documents(info.context, self.raw.get("citedByIds") or [])

    @strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"MATCH ({s.node})-[:{pm.REPEALS}]->({m}:{DOC})",
        order=lambda s, m: f"{m}.seq")))
    async def repeals(self, info: Info[Context, None]) -> list[PolicyDocument]:
        return await load_documents(info.context, self.raw.get("repealsIds") or [])

    @strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"MATCH ({m}:{DOC})-[:{pm.REPEALS}]->({s.node})")))
    async def repealed_by(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await load_document(info.context, self.raw.get("repealedById"))

    @strawberry.field(description="The top items (sections, chapters, articles), in order; "
                      "each has its children.", metadata=meta(Related(
                          match=lambda s, m: (f"MATCH ({m}:{ITEM})-[:{pm.IN_DOCUMENT}]->"
                                             f"({s.node})"),
                          where=lambda s, m: f"NOT ({m})-[:{pm.PART_OF_ITEM}]->()",
                          order=lambda s, m: f"{m}.seq")))
    async def items(self, info: Info[Context, None]) -> list[PolicyItem]:
        rows = await info.context.loaders.policy_document_items.load(str(self.id))
        return [PolicyItem.from_map(m) for m in rows]

    @strawberry.field(description="Task rows, in document order.", metadata=meta(Related(
        match=lambda s, m: f"MATCH ({m}:{TASK})-[:{pm.IN_DOCUMENT}]->({s.node})",
        order=lambda s, m: f"{m}.seq")))
    async def tasks(self, info: Info[Context, None]) -> list[Task]:
        return await find_tasks(info.context, TaskFilter(document_id=str(self.id)))


@strawberry.type(description="A section, chapter, article or numbered item of a document. "
                 "Ids are `<document>:<path of markers>`, e.g. `ha-jlcj:第十四条/（二）`.")
class PolicyItem:
    id: strawberry.ID = prop("id")
    marker: str | None = prop("marker")
    ordinal: int = prop("ordinal")
    title: str | None = prop("title")
    text: str = prop("text")
    document_id: strawberry.Private[str]
    parent_id: strawberry.Private[str | None]

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> PolicyItem:
        return cls(id=m["id"], marker=m.get("marker"), ordinal=m["ordinal"], title=m.get("title"),
                   text=m["text"], document_id=m["documentId"], parent_id=m.get("parentId"))

    @strawberry.field(metadata=meta(IN_DOCUMENT))
    async def document(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await load_document(info.context, self.document_id)

    @strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"MATCH ({s.node})-[:{pm.PART_OF_ITEM}]->({m}:{ITEM})")))
    async def parent(self, info: Info[Context, None]) -> PolicyItem | None:
        m = await info.context.loaders.policy_items_by_id.load(self.parent_id) if self.parent_id \
            else None
        return PolicyItem.from_map(m) if m else None

    @strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"MATCH ({m}:{ITEM})-[:{pm.PART_OF_ITEM}]->({s.node})",
        order=lambda s, m: f"{m}.seq")))
    async def children(self, info: Info[Context, None]) -> list[PolicyItem]:
        rows = await info.context.loaders.policy_item_children.load(str(self.id))
        return [PolicyItem.from_map(m) for m in rows]

    @strawberry.field(description="Task rows written under this item.", metadata=meta(Related(
        match=lambda s, m: (f"MATCH ({s.node})<-[:{pm.UNDER_ITEM}]-({m}:{TASK})"
                            f"-[:{pm.IN_DOCUMENT}]->({m}d:{DOC})"),
        order=lambda s, m: f"{m}d.seq, {m}.seq")))
    async def tasks(self, info: Info[Context, None]) -> list[Task]:
        return await find_tasks(info.context, TaskFilter(item_id=str(self.id)))

    @strawberry.field(description="Municipal and county tasks implementing this item "
                      "(seeds/policy/alignment.csv), by jurisdiction.",
                      metadata=meta(IMPLEMENTATIONS))
    async def implemented_by(self, info: Info[Context, None]) -> list[Implementation]:
        return await implementations(info.context, str(self.id))


@strawberry.type(description="A group of units written as one (各镇街园区, 市有关部门 …); "
                 "not a department.")
class CollectiveUnit:
    id: strawberry.ID = prop("id")
    name: str = prop("name")
    jurisdiction_code: strawberry.Private[str]

    @strawberry.field(metadata=meta(JURISDICTION))
    async def jurisdiction(self, info: Info[Context, None]) -> Jurisdiction | None:
        return await load_jurisdiction(info.context, self.jurisdiction_code)


@strawberry.type(description="A unit as a task row names it: the wording kept as written, "
                 "the entity it resolves to.")
class TaskUnit:  # read from the link between the task and the unit
    as_written: str = prop("asWritten")
    role: TaskRole = strawberry.field(metadata=meta(Expr(
        cypher=lambda s: pm.role_of_link_cypher(s.node))))
    position: int = prop("position", description="1-based, within the role's list.")
    kind: UnitKind = strawberry.field(metadata=meta(Expr(
        cypher=lambda s: f"endNode({s.node}).kind")))
    department: Department | None = strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"WITH endNode({s.node}) AS {m}",
        where=lambda s, m: collective(m, False))))
    collective: CollectiveUnit | None = strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"WITH endNode({s.node}) AS {m}",
        where=lambda s, m: collective(m, True))))

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> TaskUnit:
        unit = m["unit"]
        collective = unit.get("kind") == pm.UNIT_KIND_COLLECTIVE
        return cls(as_written=m["asWritten"], role=pm.TYPE_ROLES[m["type"]],
                   position=m["position"], kind=pm.UnitKind(unit["kind"]),
                   department=None if collective else Department.from_map(unit),
                   collective=CollectiveUnit(id=unit["id"], name=unit["name"],
                                             jurisdiction_code=unit["jurisdictionCode"])
                   if collective else None)


def _open_ended(s: Scope) -> str:
    """Stored by the extraction's keys (``lead`` …), answered as ``TaskRole``s."""
    r = s.var("r")
    return f"[{r} IN coalesce({s.node}.openEnded, []) | toUpper({r})]"


@strawberry.type(description="A task row of a municipal or county implementation.")
class Task:
    id: strawberry.ID = prop("id")
    number: str = prop("number", description="As numbered in its table or item path.")
    text: str = prop("text")
    open_ended: list[TaskRole] = strawberry.field(description="Roles whose list ends in 等.",
                                                  metadata=meta(Expr(cypher=_open_ended)))
    lead_as_written: str | None = prop("leadAsWritten")
    cooperating_as_written: str | None = prop("cooperatingAsWritten")
    responsible_as_written: str | None = prop("responsibleAsWritten")
    document_id: strawberry.Private[str]
    item_id: strawberry.Private[str | None]

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> Task:
        return cls(id=m["id"], number=m["number"], text=m["text"],
                   open_ended=[pm.TaskRole[r.upper()] for r in m.get("openEnded") or []],
                   lead_as_written=m.get("leadAsWritten"),
                   cooperating_as_written=m.get("cooperatingAsWritten"),
                   responsible_as_written=m.get("responsibleAsWritten"),
                   document_id=m["documentId"], item_id=m.get("itemId"))

    @strawberry.field(metadata=meta(IN_DOCUMENT))
    async def document(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await load_document(info.context, self.document_id)

    @strawberry.field(description="The item the row is written under (none in a bare table).",
                      metadata=meta(Related(
                          match=lambda s, m: (f"MATCH ({s.node})-[:{pm.UNDER_ITEM}]->"
                                              f"({m}:{ITEM})"))))
    async def item(self, info: Info[Context, None]) -> PolicyItem | None:
        m = await info.context.loaders.policy_items_by_id.load(self.item_id) if self.item_id \
            else None
        return PolicyItem.from_map(m) if m else None

    @strawberry.field(description="The units named, lead first, each list in written order.",
                      metadata=meta(Related(
                          match=lambda s, m: f"MATCH ({s.node})-[{m}:{pm.UNIT_LINKS}]->()",
                          where=lambda s, m: (f"type({m}) IN "
                                              f"{pm.role_types_cypher(s.arg('role'))}"),
                          order=lambda s, m: f"{pm.role_rank_cypher(m)}, {m}.position")))
    async def units(self, info: Info[Context, None],
                    role: DepartmentRole = DepartmentRole.ANY) -> list[TaskUnit]:
        return await task_units(info.context, str(self.id), role)

    @strawberry.field(description="National items this task implements, with the evidence.",
                      metadata=meta(Related(
                          match=lambda s, m: (f"MATCH ({s.node})-[{m}:{pm.IMPLEMENTS}]->"
                                              f"({m}i:{ITEM})"),
                          order=lambda s, m: f"{m}i.seq")))
    async def implements(self, info: Info[Context, None]) -> list[ImplementedItem]:
        rows = await info.context.loaders.implementations_by_task.load(str(self.id))
        return [ImplementedItem(evidence=r["evidence"], item=PolicyItem.from_map(r["item"]))
                for r in rows]


@strawberry.type(description="An item a task implements; evidence is a phrase found in both.")
class ImplementedItem:  # read from the IMPLEMENTS link
    evidence: str = prop("evidence")
    item: PolicyItem = strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"WITH endNode({s.node}) AS {m}")))


def _lead_departments(s: Scope, m: str) -> str:
    """The lead units' links; for a row naming no lead unit, the responsible units'."""
    return (f"type({m}) = CASE WHEN EXISTS {{ ({m}t)-[:{pm.LED_BY}]->() }} "
            f"THEN '{pm.LED_BY}' ELSE '{pm.RESPONSIBILITY_OF}' END "
            f"AND {collective(m + 'u', False)}")


@strawberry.type(description="A task implementing a national item, with where it stands.")
class Implementation:  # read from the IMPLEMENTS link
    evidence: str = prop("evidence")
    task: Task = strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"WITH startNode({s.node}) AS {m}")))

    @strawberry.field(metadata=meta(Related(match=lambda s, m: (
        f"WITH startNode({s.node}) AS {m}t MATCH ({m}t)-[:{pm.IN_DOCUMENT}]->({m}:{DOC})"))))
    async def document(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await load_document(info.context, self.task.document_id)

    @strawberry.field(metadata=meta(Related(match=lambda s, m: (
        f"WITH startNode({s.node}) AS {m}t MATCH ({m}t)-[:{pm.IN_DOCUMENT}]->({m}d:{DOC}) "
        f"MATCH ({m}:Jurisdiction {{code: {m}d.jurisdictionCode}})"))))
    async def jurisdiction(self, info: Info[Context, None]) -> Jurisdiction | None:
        doc = await info.context.loaders.policy_documents_by_id.load(self.task.document_id)
        return await load_jurisdiction(info.context, doc["jurisdictionCode"]) if doc else None

    @strawberry.field(description="The lead departments (牵头单位); for rows that name "
                      "责任单位 only (Huai'an), the responsible departments. No collectives.",
                      metadata=meta(Related(
                          match=lambda s, m: (
                              f"WITH startNode({s.node}) AS {m}t "
                              f"MATCH ({m}t)-[{m}:{pm.LED_BY}|{pm.RESPONSIBILITY_OF}]->({m}u)"),
                          where=_lead_departments, order=lambda s, m: f"{m}.position")))
    async def lead_departments(self, info: Info[Context, None]) -> list[TaskUnit]:
        task_id = str(self.task.id)
        units = await task_units(info.context, task_id, DepartmentRole.LEAD)
        if not units:
            units = await task_units(info.context, task_id, DepartmentRole.RESPONSIBLE)
        return [u for u in units if u.department is not None]
