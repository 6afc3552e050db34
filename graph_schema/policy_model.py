"""The policy graph's vocabulary: labels, relationship types, task roles.

Documents, their items (articles and numbered items), the task rows of the
municipal and county implementations, the units those rows name, and which task
implements which national item. Units are the ``Department`` nodes of
``graph_schema.model`` (one entity per department per jurisdiction, the wording
of each document kept on the link) or ``CollectiveUnit`` nodes (各镇街园区,
市有关部门 …), a label of their own so that no department listing counts them.
"""

from __future__ import annotations

from enum import Enum

# Node labels
POLICY_DOCUMENT = "PolicyDocument"
POLICY_ITEM = "PolicyItem"
TASK = "Task"
COLLECTIVE_UNIT = "CollectiveUnit"

# Relationship types
IN_DOCUMENT = "IN_DOCUMENT"  # (:PolicyItem|Task)-[:IN_DOCUMENT]->(:PolicyDocument)
PART_OF_ITEM = "PART_OF_ITEM"  # (:PolicyItem)-[:PART_OF_ITEM]->(:PolicyItem), child to parent
CITES = "CITES"  # (:PolicyDocument)-[:CITES {asWritten}]->(:PolicyDocument)
PART_OF_DOCUMENT = "PART_OF_DOCUMENT"  # Huai'an's four documents -> the notice issuing them
REPEALS = "REPEALS"  # (:PolicyDocument)-[:REPEALS {itemId}]->(:PolicyDocument)
ISSUED_IN = "ISSUED_IN"  # (:PolicyDocument)-[:ISSUED_IN]->(:Jurisdiction)
UNDER_ITEM = "UNDER_ITEM"  # (:Task)-[:UNDER_ITEM]->(:PolicyItem), where the row is written
IMPLEMENTS = "IMPLEMENTS"  # (:Task)-[:IMPLEMENTS {evidence}]->(:PolicyItem), alignment.csv
LED_BY = "LED_BY"  # (:Task)-[:LED_BY {asWritten, position}]->(unit), 牵头单位
COOPERATED_BY = "COOPERATED_BY"  # 配合单位
RESPONSIBILITY_OF = "RESPONSIBILITY_OF"  # 责任单位 (Huai'an: no lead/cooperating split)

UNIT_KIND_DEPARTMENT = "DEPARTMENT"
UNIT_KIND_COLLECTIVE = "COLLECTIVE"


class TaskRole(Enum):
    """How a task row names a unit."""

    LEAD = "LEAD"  # 牵头单位
    COOPERATING = "COOPERATING"  # 配合单位
    RESPONSIBLE = "RESPONSIBLE"  # 责任单位


class UnitKind(Enum):
    DEPARTMENT = UNIT_KIND_DEPARTMENT  # one department entity of a jurisdiction
    COLLECTIVE = UNIT_KIND_COLLECTIVE  # a group of units written as one (各县区人民政府)


# Role -> relationship type, and the extraction's key for each role.
ROLE_TYPES = {
    TaskRole.LEAD: LED_BY,
    TaskRole.COOPERATING: COOPERATED_BY,
    TaskRole.RESPONSIBLE: RESPONSIBILITY_OF,
}
ROLE_KEYS = {
    TaskRole.LEAD: "lead",
    TaskRole.COOPERATING: "cooperating",
    TaskRole.RESPONSIBLE: "responsible",
}
UNIT_LINKS = "|".join(ROLE_TYPES.values())  # LED_BY|COOPERATED_BY|RESPONSIBILITY_OF


# The same vocabulary in Cypher (constant names only; the role is an expression).
def role_types_cypher(role: str) -> str:
    """The link types a ``DepartmentRole`` follows, as a Cypher list; ``role`` null or
    ``ANY``: every role."""
    by_role = ", ".join(f"{r.value}: '{t}'" for r, t in ROLE_TYPES.items())
    return (
        f"CASE WHEN {role} IS NULL OR {role} = 'ANY' THEN {list(ROLE_TYPES.values())!r} "
        f"ELSE [{{{by_role}}}[{role}]] END"
    )


def role_of_link_cypher(link: str) -> str:
    """The ``TaskRole`` of a unit link (a relationship variable)."""
    by_type = ", ".join(f"{t}: '{r.value}'" for r, t in ROLE_TYPES.items())
    return f"{{{by_type}}}[type({link})]"


def role_rank_cypher(link: str) -> str:
    """Lead, cooperating, responsible: the order a task's units are listed in."""
    ranks = " ".join(f"WHEN '{t}' THEN {n}" for n, t in enumerate(ROLE_TYPES.values()))
    return f"CASE type({link}) {ranks} END"
