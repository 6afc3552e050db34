"""The policy graph as GraphQL: documents, items, tasks and the units they name, the
implementation chain of a national item, the coverage matrix, a department's workload.

Everything here is public information (the documents are published), so no field asks
for a role or a purpose. Types are built from loader maps; relations await loaders.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry import Info

from gateway.context import Context
from graph_schema import policy_model as pm
from graph_schema.enums import JurisdictionLevel
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


async def _document(ctx: Context, doc_id: str | None) -> PolicyDocument | None:
    m = await ctx.loaders.policy_documents_by_id.load(doc_id) if doc_id else None
    return PolicyDocument.from_map(m) if m else None


async def _documents(ctx: Context, ids: list[str]) -> list[PolicyDocument]:
    maps = await ctx.loaders.policy_documents_by_id.load_many(ids)
    return [PolicyDocument.from_map(m) for m in maps if m]


async def _jurisdiction(ctx: Context, code: str) -> Jurisdiction | None:
    m = await ctx.loaders.jurisdictions_by_code.load(code)
    return Jurisdiction.from_map(m) if m else None


@strawberry.type(description="A citation of one document by another, as written.")
class Citation:
    as_written: str
    document_id: strawberry.Private[str]

    @strawberry.field
    async def document(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await _document(info.context, self.document_id)


@strawberry.federation.type(keys=["id"],
                            description="A policy document (national, provincial, municipal or "
                            "county), with its items and, for implementations, its task rows.")
class PolicyDocument:
    id: strawberry.ID
    title: str
    issuer: str | None
    number: str | None = strawberry.field(description="文号, e.g. 苏政办发〔2017〕144号.")
    date: Date | None
    level: JurisdictionLevel
    source_file: str | None = strawberry.field(description="The text in seeds/policy/texts; "
                                               "null for documents known only by citation.")
    title_supplied: bool = strawberry.field(description="The text has no title: a reviewer's.")
    also_cited_as: list[str]
    issued_under_number: str | None
    issued_under_title: str | None
    note: str | None
    sources: list[str] = strawberry.field(description="Where metadata not in the text comes "
                                          "from, as `field: source`.")
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
        return await _document(info.context, str(id))

    @strawberry.field
    async def jurisdiction(self, info: Info[Context, None]) -> Jurisdiction | None:
        return await _jurisdiction(info.context, self.jurisdiction_code)

    @strawberry.field(description="The notice that issued this document with others.")
    async def parent(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await _document(info.context, self.raw.get("parentId"))

    @strawberry.field(description="The documents this notice issued.")
    async def parts(self, info: Info[Context, None]) -> list[PolicyDocument]:
        return await _documents(info.context, self.raw.get("partIds") or [])

    @strawberry.field
    def cites(self) -> list[Citation]:
        return [Citation(as_written=c["asWritten"], document_id=c["documentId"])
                for c in self.raw.get("citations") or []]

    @strawberry.field
    async def cited_by(self, info: Info[Context, None]) -> list[PolicyDocument]:
        return await _documents(info.context, self.raw.get("citedByIds") or [])

    @strawberry.field
    async def repeals(self, info: Info[Context, None]) -> list[PolicyDocument]:
        return await _documents(info.context, self.raw.get("repealsIds") or [])

    @strawberry.field
    async def repealed_by(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await _document(info.context, self.raw.get("repealedById"))

    @strawberry.field(description="The top items (sections, chapters, articles), in order; "
                      "each has its children.")
    async def items(self, info: Info[Context, None]) -> list[PolicyItem]:
        rows = await info.context.loaders.policy_document_items.load(str(self.id))
        return [PolicyItem.from_map(m) for m in rows]

    @strawberry.field(description="Task rows, in document order.")
    async def tasks(self, info: Info[Context, None]) -> list[Task]:
        return await find_tasks(info.context, TaskFilter(document_id=str(self.id)))


@strawberry.type(description="A section, chapter, article or numbered item of a document. "
                 "Ids are `<document>:<path of markers>`, e.g. `ha-jlcj:第十四条/（二）`.")
class PolicyItem:
    id: strawberry.ID
    marker: str | None
    ordinal: int
    title: str | None
    text: str
    document_id: strawberry.Private[str]
    parent_id: strawberry.Private[str | None]

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> PolicyItem:
        return cls(id=m["id"], marker=m.get("marker"), ordinal=m["ordinal"], title=m.get("title"),
                   text=m["text"], document_id=m["documentId"], parent_id=m.get("parentId"))

    @strawberry.field
    async def document(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await _document(info.context, self.document_id)

    @strawberry.field
    async def parent(self, info: Info[Context, None]) -> PolicyItem | None:
        m = await info.context.loaders.policy_items_by_id.load(self.parent_id) if self.parent_id \
            else None
        return PolicyItem.from_map(m) if m else None

    @strawberry.field
    async def children(self, info: Info[Context, None]) -> list[PolicyItem]:
        rows = await info.context.loaders.policy_item_children.load(str(self.id))
        return [PolicyItem.from_map(m) for m in rows]

    @strawberry.field(description="Task rows written under this item.")
    async def tasks(self, info: Info[Context, None]) -> list[Task]:
        return await find_tasks(info.context, TaskFilter(item_id=str(self.id)))

    @strawberry.field(description="Municipal and county tasks implementing this item "
                      "(seeds/policy/alignment.csv), by jurisdiction.")
    async def implemented_by(self, info: Info[Context, None]) -> list[Implementation]:
        return await implementations(info.context, str(self.id))


@strawberry.type(description="A group of units written as one (各镇街园区, 市有关部门 …); "
                 "not a department.")
class CollectiveUnit:
    id: strawberry.ID
    name: str
    jurisdiction_code: strawberry.Private[str]

    @strawberry.field
    async def jurisdiction(self, info: Info[Context, None]) -> Jurisdiction | None:
        return await _jurisdiction(info.context, self.jurisdiction_code)


@strawberry.type(description="A unit as a task row names it: the wording kept as written, "
                 "the entity it resolves to.")
class TaskUnit:
    as_written: str
    role: TaskRole
    position: int = strawberry.field(description="1-based, within the role's list.")
    kind: UnitKind
    department: Department | None
    collective: CollectiveUnit | None

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


@strawberry.type(description="A task row of a municipal or county implementation.")
class Task:
    id: strawberry.ID
    number: str = strawberry.field(description="As numbered in its table or item path.")
    text: str
    open_ended: list[TaskRole] = strawberry.field(description="Roles whose list ends in 等.")
    lead_as_written: str | None
    cooperating_as_written: str | None
    responsible_as_written: str | None
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

    @strawberry.field
    async def document(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await _document(info.context, self.document_id)

    @strawberry.field(description="The item the row is written under (none in a bare table).")
    async def item(self, info: Info[Context, None]) -> PolicyItem | None:
        m = await info.context.loaders.policy_items_by_id.load(self.item_id) if self.item_id \
            else None
        return PolicyItem.from_map(m) if m else None

    @strawberry.field(description="The units named, lead first, each list in written order.")
    async def units(self, info: Info[Context, None],
                    role: DepartmentRole = DepartmentRole.ANY) -> list[TaskUnit]:
        return await task_units(info.context, str(self.id), role)

    @strawberry.field(description="National items this task implements, with the evidence.")
    async def implements(self, info: Info[Context, None]) -> list[ImplementedItem]:
        rows = await info.context.loaders.implementations_by_task.load(str(self.id))
        return [ImplementedItem(evidence=r["evidence"], item=PolicyItem.from_map(r["item"]))
                for r in rows]


@strawberry.type(description="An item a task implements; evidence is a phrase found in both.")
class ImplementedItem:
    evidence: str
    item: PolicyItem


@strawberry.type(description="A task implementing a national item, with where it stands.")
class Implementation:
    evidence: str
    task: Task

    @strawberry.field
    async def document(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await _document(info.context, self.task.document_id)

    @strawberry.field
    async def jurisdiction(self, info: Info[Context, None]) -> Jurisdiction | None:
        doc = await info.context.loaders.policy_documents_by_id.load(self.task.document_id)
        return await _jurisdiction(info.context, doc["jurisdictionCode"]) if doc else None

    @strawberry.field(description="The lead departments (牵头单位); for rows that name "
                      "责任单位 only (Huai'an), the responsible departments. No collectives.")
    async def lead_departments(self, info: Info[Context, None]) -> list[TaskUnit]:
        task_id = str(self.task.id)
        units = await task_units(info.context, task_id, DepartmentRole.LEAD)
        if not units:
            units = await task_units(info.context, task_id, DepartmentRole.RESPONSIBLE)
        return [u for u in units if u.department is not None]


@strawberry.type(description="A national item, the provincial documents the implementing "
                 "documents cite, and every municipal and county task implementing it.")
class ImplementationChain:
    national_item: PolicyItem

    @strawberry.field
    async def national_document(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await _document(info.context, self.national_item.document_id)

    @strawberry.field
    async def implementations(self, info: Info[Context, None]) -> list[Implementation]:
        return await implementations(info.context, str(self.national_item.id))

    @strawberry.field(description="Provincial documents cited by the implementing documents.")
    async def provincial_documents(self, info: Info[Context, None]) -> list[PolicyDocument]:
        ctx = info.context
        tasks = await ctx.loaders.implementations_by_item.load(str(self.national_item.id))
        doc_ids = list(dict.fromkeys(r["task"]["documentId"] for r in tasks))
        maps = await ctx.loaders.policy_documents_by_id.load_many(doc_ids)
        cited = [c["documentId"] for d in maps if d for c in d["citations"]]
        docs = await _documents(ctx, list(dict.fromkeys(cited)))
        return [d for d in docs if d.level is JurisdictionLevel.PROVINCIAL]


@strawberry.type(description="One jurisdiction's tasks implementing one national item; "
                 "empty: not implemented there.")
class CoverageCell:
    jurisdiction_code: strawberry.ID
    task_ids: list[strawberry.ID]

    @strawberry.field
    def implemented(self) -> bool:
        return bool(self.task_ids)

    @strawberry.field
    async def jurisdiction(self, info: Info[Context, None]) -> Jurisdiction | None:
        return await _jurisdiction(info.context, str(self.jurisdiction_code))

    @strawberry.field
    async def tasks(self, info: Info[Context, None]) -> list[Task]:
        ids = [str(t) for t in self.task_ids]
        maps = await info.context.loaders.policy_tasks_by_id.load_many(ids)
        return [Task.from_map(m) for m in maps if m]


@strawberry.type
class CoverageRow:
    item: PolicyItem
    cells: list[CoverageCell] = strawberry.field(description="In the matrix's column order.")
    implemented_in: int = strawberry.field(description="Jurisdictions implementing the item.")


@strawberry.type(description="National items × the municipal and county jurisdictions that "
                 "issued documents.")
class CoverageMatrix:
    jurisdiction_codes: list[strawberry.ID] = strawberry.field(description="The columns.")
    rows: list[CoverageRow]

    @strawberry.field
    async def jurisdictions(self, info: Info[Context, None]) -> list[Jurisdiction]:
        maps = await info.context.loaders.jurisdictions_by_code.load_many(
            [str(c) for c in self.jurisdiction_codes])
        return [Jurisdiction.from_map(m) for m in maps if m]


def coverage(codes: list[str], rows: list[dict[str, Any]]) -> CoverageMatrix:
    """The matrix from the coverage query: one cell per column, task ids in document order."""
    out = []
    for row in rows:
        by_code: dict[str, list[strawberry.ID]] = {c: [] for c in codes}
        for t in row["tasks"]:
            by_code.setdefault(t["jurisdictionCode"], []).append(strawberry.ID(t["taskId"]))
        cells = [CoverageCell(jurisdiction_code=strawberry.ID(c), task_ids=by_code[c])
                 for c in codes]
        out.append(CoverageRow(item=PolicyItem.from_map(row["item"]), cells=cells,
                               implemented_in=sum(1 for c in cells if c.task_ids)))
    return CoverageMatrix(jurisdiction_codes=[strawberry.ID(c) for c in codes], rows=out)


@strawberry.type(description="A department's tasks in one document, by role.")
class DocumentWorkload:
    led: list[Task]
    cooperated: list[Task]
    responsible: list[Task]
    document_id: strawberry.Private[str]

    @strawberry.field
    async def document(self, info: Info[Context, None]) -> PolicyDocument | None:
        return await _document(info.context, self.document_id)


@strawberry.type(description="Tasks a department leads (牵头), supports (配合) or is "
                 "responsible for (责任单位), in total and per document. A task naming the "
                 "department in two roles counts once in taskCount.")
class DepartmentWorkload:
    department: Department
    led_count: int
    cooperated_count: int
    responsible_count: int
    task_count: int
    documents: list[DocumentWorkload]


def workload(department: dict[str, Any], documents: list[dict[str, Any]]) -> DepartmentWorkload:
    """Split each document's task links by role and count them."""
    per_doc = []
    for d in documents:
        split: dict[str, list[Task]] = {t: [] for t in pm.ROLE_TYPES.values()}
        for row in d["tasks"]:
            for link_type in row["types"]:
                split[link_type].append(Task.from_map(row["task"]))
        per_doc.append(DocumentWorkload(
            document_id=d["documentId"], led=split[pm.LED_BY],
            cooperated=split[pm.COOPERATED_BY], responsible=split[pm.RESPONSIBILITY_OF]))
    return DepartmentWorkload(
        department=Department.from_map(department),
        led_count=sum(len(d.led) for d in per_doc),
        cooperated_count=sum(len(d.cooperated) for d in per_doc),
        responsible_count=sum(len(d.responsible) for d in per_doc),
        task_count=sum(len(d["tasks"]) for d in documents), documents=per_doc)
