"""Jurisdictions (national → provincial → municipal → county) and their departments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from graph_schema import policy_model as pm
from graph_schema.enums import JurisdictionLevel
from graph_schema.fields import Related, owned_by, prop, reads, related

if TYPE_CHECKING:
    from graph_schema.policy import DepartmentRole, Task

TaskRef = Annotated["Task", strawberry.lazy("graph_schema.policy")]
DepartmentRoleRef = Annotated["DepartmentRole", strawberry.lazy("graph_schema.policy")]

# Task rows naming the unit in the role, in document order (a row naming it in two roles
# counts once).
UNIT_TASKS = Related(
    match=lambda s, m: f"MATCH ({m}:{pm.TASK})-[:{pm.IN_DOCUMENT}]->({m}d:{pm.POLICY_DOCUMENT})",
    where=lambda s, m: (
        f"EXISTS {{ MATCH ({m})-[{m}r:{pm.UNIT_LINKS}]->({s.node}) "
        f"WHERE type({m}r) IN {pm.role_types_cypher(s.arg('role'))} }}"
    ),
    order=lambda s, m: f"{m}d.seq, {m}.seq",
)


@owned_by("policy")
@strawberry.federation.type(
    keys=["code"], description="An administrative level, keyed by its GB/T 2260 code."
)
class Jurisdiction:
    code: strawberry.ID = prop(
        "code",
        description="GB/T 2260 administrative division code, e.g. 320800; 100000 for the nation.",
    )
    name: str = prop("name", description="The name, e.g. 淮安市, 天宁区.")
    full_name: str | None = prop(
        "fullName",
        description="The name that tells it apart: a district with its city (常州市天宁区), "
        "otherwise the name.",
    )
    level: JurisdictionLevel = prop("level", description="Its administrative level.")
    parent: Jurisdiction | None = related(
        lambda s, m: f"MATCH ({s.node})-[:PART_OF]->({m}:Jurisdiction)",
        description="The jurisdiction one level up; null for the nation.",
    )
    children: list[Jurisdiction] = related(
        lambda s, m: f"MATCH ({m}:Jurisdiction)-[:PART_OF]->({s.node})",
        order=lambda s, m: f"{m}.code",
        description="The jurisdictions one level down, by code.",
    )
    departments: list[Department] = related(
        lambda s, m: f"MATCH ({m}:Department)-[:BELONGS_TO]->({s.node})",
        order=lambda s, m: f"{m}.name",
        description="Its departments, by name.",
    )


@owned_by("policy")
@strawberry.federation.type(
    keys=["id"],
    description="A recognising or providing unit (认定单位/信息提供单位) "
    "of one jurisdiction, with every name it is written under.",
)
class Department:
    id: strawberry.ID = prop(
        "id", description="`<jurisdiction code>/<name>`, e.g. `320800/淮安市发展和改革委员会`."
    )
    name: str = prop("name", description="The canonical name.")
    aliases: list[str] = prop(
        "aliases",
        default="[]",
        description="Other names policy documents write it under (e.g. before the 2018 "
        "reform), each as written.",
    )
    level: JurisdictionLevel | None = prop("level", description="The level of its jurisdiction.")
    jurisdiction: Jurisdiction | None = related(
        lambda s, m: f"MATCH ({m}:Jurisdiction {{code: {s.node}.jurisdictionCode}})",
        description="The jurisdiction it belongs to.",
    )

    @reads(
        UNIT_TASKS,
        description="Task rows of the policy graph naming this department, in "
        "document order; `role` null: any role.",
    )
    def tasks(
        self,
        role: Annotated[
            DepartmentRoleRef | None,
            strawberry.argument(description="Only rows naming it in this role; null: any role."),
        ] = None,
    ) -> list[TaskRef]: ...
