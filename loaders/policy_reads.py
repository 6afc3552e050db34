"""The root objects of the compiled reads of jurisdictions and the policy graph.

Each template finds what a root field answers with, as ``n``, and leaves ``{value}`` for
the projection of the request's selection (``loaders/selection.py``), compiled from the
declarations of the fields it selects: one query per root field. A list comes back as
one list in the field's order (``collect`` keeps the order of the rows it reads).
"""

from __future__ import annotations

from graph_schema.model import BELONGS_TO, DEPARTMENT, JURISDICTION
from graph_schema.policy_model import (
    COLLECTIVE_UNIT,
    IN_DOCUMENT,
    ISSUED_IN,
    POLICY_DOCUMENT,
    POLICY_ITEM,
    TASK,
    UNIT_LINKS,
)

JURISDICTION_BY_CODE = f"MATCH (n:{JURISDICTION} {{code: $key}}) RETURN {{value}} AS value"
DEPARTMENT_BY_ID = f"MATCH (n:{DEPARTMENT} {{id: $key}}) RETURN {{value}} AS value"
DOCUMENT_BY_ID = f"MATCH (n:{POLICY_DOCUMENT} {{id: $key}}) RETURN {{value}} AS value"
ITEM_BY_ID = f"MATCH (n:{POLICY_ITEM} {{id: $key}}) RETURN {{value}} AS value"

# Documents by level and issuing jurisdiction (null: any), in curated order.
DOCUMENTS_WHERE = f"""
MATCH (n:{POLICY_DOCUMENT})
WHERE ($level IS NULL OR n.level = $level)
  AND ($jurisdictionCode IS NULL OR n.jurisdictionCode = $jurisdictionCode)
WITH n ORDER BY n.seq
RETURN collect({{value}}) AS value
"""

# Tasks by document, issuing jurisdiction and level, and by a unit in any of the link
# types: the unit by id, or by a name as written (the canonical name or any alias) in
# the jurisdiction; a name naming no unit there finds no task. In document order.
TASKS_WHERE = f"""
WITH CASE WHEN $departmentId IS NOT NULL THEN [$departmentId]
          WHEN $departmentName IS NOT NULL THEN COLLECT {{
            MATCH (u)-[:{BELONGS_TO}]->(:{JURISDICTION} {{code: $jurisdictionCode}})
            WHERE (u:{DEPARTMENT} OR u:{COLLECTIVE_UNIT})
              AND (u.name = $departmentName OR $departmentName IN coalesce(u.aliases, []))
            RETURN u.id }} END AS units
MATCH (n:{TASK})-[:{IN_DOCUMENT}]->(d:{POLICY_DOCUMENT})
WHERE ($documentId IS NULL OR d.id = $documentId)
  AND ($jurisdictionCode IS NULL OR d.jurisdictionCode = $jurisdictionCode)
  AND ($level IS NULL OR d.level = $level)
  AND (units IS NULL OR EXISTS {{
    MATCH (n)-[r:{UNIT_LINKS}]->(u) WHERE u.id IN units AND type(r) IN $types }})
WITH n, d ORDER BY d.seq, n.seq
RETURN collect({{value}}) AS value
"""

# An item and the level of its document: the chain is asked of national items only.
IMPLEMENTATION_CHAIN = f"""
MATCH (n:{POLICY_ITEM} {{id: $key}})
RETURN [head(COLLECT {{ MATCH (n)-[:{IN_DOCUMENT}]->(d:{POLICY_DOCUMENT}) RETURN d.level }}),
        {{value}}] AS value
"""

# The matrix is read from its columns (the jurisdictions that issued documents of the
# implementing levels, by code) and the national document asked about (null: all).
COVERAGE_MATRIX = f"""
WITH COLLECT {{
  MATCH (j:{JURISDICTION})<-[:{ISSUED_IN}]-(d:{POLICY_DOCUMENT}) WHERE d.level IN $levels
  WITH DISTINCT j ORDER BY j.code
  RETURN j }} AS columns
WITH {{columns: columns, documentId: $documentId}} AS n
RETURN {{value}} AS value
"""
