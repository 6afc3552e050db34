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
    code: strawberry.ID = prop("code")
    name: str = prop("name")
    full_name: str | None = prop("fullName")
    level: JurisdictionLevel = prop("level")
    parent: Jurisdiction | None = related(
        lambda s, m: f"MATCH ({s.node})-[:PART_OF]->({m}:Jurisdiction)"
    )
    children: list[Jurisdiction] = related(
        lambda s, m: f"MATCH ({m}:Jurisdiction)-[:PART_OF]->({s.node})",
        order=lambda s, m: f"{m}.code",
    )
    departments: list[Department] = related(
        lambda s, m: f"MATCH ({m}:Department)-[:BELONGS_TO]->({s.node})",
        order=lambda s, m: f"{m}.name",
    )


@owned_by("policy")
@strawberry.federation.type(
    keys=["id"],
    description="A recognising or providing unit (认定单位/信息提供单位) "
    "of one jurisdiction, with every name it is written under.",
)
class Department:
    id: strawberry.ID = prop("id")
    name: str = prop("name")
    aliases: list[str] = prop("aliases", default="[]")
    level: JurisdictionLevel | None = prop("level")
    jurisdiction: Jurisdiction | None = related(
        lambda s, m: f"MATCH ({m}:Jurisdiction {{code: {s.node}.jurisdictionCode}})"
    )

    @reads(
        UNIT_TASKS,
        description="Task rows of the policy graph naming this department, in "
        "document order; `role` null: any role.",
    )
    def tasks(self, role: DepartmentRoleRef | None = None) -> list[TaskRef]: ...
