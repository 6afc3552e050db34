"""Jurisdictions (national → provincial → municipal → county) and their departments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import Info

from gateway.context import Context
from graph_schema import policy_model as pm
from graph_schema.enums import JurisdictionLevel
from graph_schema.fields import Related, meta, owned_by, prop

if TYPE_CHECKING:
    from graph_schema.policy import DepartmentRole, Task

TaskRef = Annotated["Task", strawberry.lazy("graph_schema.policy")]
DepartmentRoleRef = Annotated["DepartmentRole", strawberry.lazy("graph_schema.policy")]

# Task rows naming the unit in the role, in document order (a row naming it in two roles
# counts once).
UNIT_TASKS = Related(
    match=lambda s, m: f"MATCH ({m}:{pm.TASK})-[:{pm.IN_DOCUMENT}]->({m}d:{pm.POLICY_DOCUMENT})",
    where=lambda s, m: (f"EXISTS {{ MATCH ({m})-[{m}r:{pm.UNIT_LINKS}]->({s.node}) "
                        f"WHERE type({m}r) IN {pm.role_types_cypher(s.arg('role'))} }}"),
    order=lambda s, m: f"{m}d.seq, {m}.seq")


@owned_by("policy")
@strawberry.federation.type(keys=["code"],
                            description="An administrative level, keyed by its GB/T 2260 code.")
class Jurisdiction:
    code: strawberry.ID = prop("code")
    name: str = prop("name")
    full_name: str | None = prop("fullName")
    level: JurisdictionLevel = prop("level")
    parent_code: strawberry.Private[str | None]

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> Jurisdiction:
        return cls(code=m["code"], name=m["name"], full_name=m.get("fullName"),
                   level=JurisdictionLevel(m["level"]), parent_code=m.get("parentCode"))

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None],
                                code: strawberry.ID) -> Jurisdiction | None:
        m = await info.context.loaders.jurisdictions_by_code.load(str(code))
        return Jurisdiction.from_map(m) if m else None

    @strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"MATCH ({s.node})-[:PART_OF]->({m}:Jurisdiction)")))
    async def parent(self, info: Info[Context, None]) -> Jurisdiction | None:
        if not self.parent_code:
            return None
        m = await info.context.loaders.jurisdictions_by_code.load(self.parent_code)
        return Jurisdiction.from_map(m) if m else None

    @strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"MATCH ({m}:Jurisdiction)-[:PART_OF]->({s.node})",
        order=lambda s, m: f"{m}.code")))
    async def children(self, info: Info[Context, None]) -> list[Jurisdiction]:
        rows = await info.context.loaders.jurisdiction_children.load(str(self.code))
        return [Jurisdiction.from_map(m) for m in rows]

    @strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"MATCH ({m}:Department)-[:BELONGS_TO]->({s.node})",
        order=lambda s, m: f"{m}.name")))
    async def departments(self, info: Info[Context, None]) -> list[Department]:
        rows = await info.context.loaders.departments_by_jurisdiction.load(str(self.code))
        return [Department.from_map(m) for m in rows]


@owned_by("policy")
@strawberry.federation.type(keys=["id"],
                            description="A recognising or providing unit (认定单位/信息提供单位) "
                            "of one jurisdiction, with every name it is written under.")
class Department:
    id: strawberry.ID = prop("id")
    name: str = prop("name")
    aliases: list[str] = prop("aliases", default="[]")
    level: JurisdictionLevel | None = prop("level")
    jurisdiction_code: strawberry.Private[str | None]

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> Department:
        level = m.get("level")
        return cls(id=m["id"], name=m["name"], aliases=m.get("aliases") or [],
                   level=JurisdictionLevel(level) if level else None,
                   jurisdiction_code=m.get("jurisdictionCode"))

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None],
                                id: strawberry.ID) -> Department | None:
        m = await info.context.loaders.departments_by_id.load(str(id))
        return Department.from_map(m) if m else None

    @strawberry.field(metadata=meta(Related(
        match=lambda s, m: f"MATCH ({m}:Jurisdiction {{code: {s.node}.jurisdictionCode}})")))
    async def jurisdiction(self, info: Info[Context, None]) -> Jurisdiction | None:
        if not self.jurisdiction_code:
            return None
        m = await info.context.loaders.jurisdictions_by_code.load(self.jurisdiction_code)
        return Jurisdiction.from_map(m) if m else None

    @strawberry.field(description="Task rows of the policy graph naming this department, in "
                      "document order; `role` null: any role.", metadata=meta(UNIT_TASKS))
    async def tasks(self, info: Info[Context, None],
                    role: DepartmentRoleRef | None = None) -> list[TaskRef]:
        from graph_schema.policy import tasks_of_unit

        return await tasks_of_unit(info.context, str(self.id), role)
