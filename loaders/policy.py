"""The policy graph: documents, items, tasks, the units tasks name, the alignment.

Each loader runs one Cypher constant. Maps carry the ids of what they point to
(``documentId``, ``parentId`` …), which the GraphQL types load through these same
loaders, so a deep query costs one query per kind of thing, not per thing.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from gateway.db import Database
from graph_schema.model import BELONGS_TO, DEPARTMENT, JURISDICTION
from graph_schema.policy_model import (
    CITES,
    COLLECTIVE_UNIT,
    IMPLEMENTS,
    IN_DOCUMENT,
    ISSUED_IN,
    PART_OF_DOCUMENT,
    PART_OF_ITEM,
    POLICY_DOCUMENT,
    POLICY_ITEM,
    REPEALS,
    TASK,
    UNDER_ITEM,
    UNIT_LINKS,
)
from loaders.base import CypherLoader

# Projections of `d` (document), `i` (item) and `t` (task). Variables inside are named
# apart: a pattern comprehension would bind an outer variable of the same name.
DOCUMENT_MAP = f"""{{.id, .title, .issuer, .number, .date, .level, .jurisdictionCode, .sourceFile,
  .titleSupplied, .alsoCitedAs, .issuedUnderNumber, .issuedUnderTitle, .note, .sources,
  parentId: [(d)-[:{PART_OF_DOCUMENT}]->(parentDoc) | parentDoc.id][0],
  partIds: COLLECT {{ MATCH (d)<-[:{PART_OF_DOCUMENT}]-(partDoc)
                      RETURN partDoc.id ORDER BY partDoc.seq }},
  citations: COLLECT {{ MATCH (d)-[cites:{CITES}]->(citedDoc)
                        RETURN {{documentId: citedDoc.id, asWritten: cites.asWritten}}
                        ORDER BY citedDoc.seq }},
  citedByIds: COLLECT {{ MATCH (d)<-[:{CITES}]-(citingDoc)
                         RETURN citingDoc.id ORDER BY citingDoc.seq }},
  repealsIds: COLLECT {{ MATCH (d)-[:{REPEALS}]->(repealedDoc)
                         RETURN repealedDoc.id ORDER BY repealedDoc.seq }},
  repealedById: [(d)<-[:{REPEALS}]-(repealingDoc) | repealingDoc.id][0]}}"""
ITEM_MAP = f"""{{.id, .marker, .ordinal, .title, .text,
  documentId: [(i)-[:{IN_DOCUMENT}]->(itemDoc) | itemDoc.id][0],
  parentId: [(i)-[:{PART_OF_ITEM}]->(parentItem) | parentItem.id][0]}}"""
TASK_MAP = f"""{{.id, .number, .text, .openEnded, .leadAsWritten, .cooperatingAsWritten,
  .responsibleAsWritten, documentId: [(t)-[:{IN_DOCUMENT}]->(taskDoc) | taskDoc.id][0],
  itemId: [(t)-[:{UNDER_ITEM}]->(taskItem) | taskItem.id][0]}}"""
UNIT_MAP = "{.id, .name, .aliases, .jurisdictionCode, .level, .kind}"

DOCUMENTS_BY_ID = f"""
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (d:{POLICY_DOCUMENT} {{id: $keys[i]}})
RETURN i, d {DOCUMENT_MAP} AS value
"""

DOCUMENTS_WHERE = f"""
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
CALL (k) {{
  MATCH (d:{POLICY_DOCUMENT})
  WHERE (k.level IS NULL OR d.level = k.level)
    AND (k.jurisdictionCode IS NULL OR d.jurisdictionCode = k.jurisdictionCode)
  WITH d ORDER BY d.seq
  RETURN collect(d {DOCUMENT_MAP}) AS documents
}}
RETURN i, documents AS value
"""

# Items are projected as `i`; the key index is `n` here.
ITEMS_BY_ID = f"""
UNWIND range(0, size($keys) - 1) AS n
OPTIONAL MATCH (i:{POLICY_ITEM} {{id: $keys[n]}})
WITH n, i {ITEM_MAP} AS value
RETURN n AS i, value
"""

# The top items of a document (those with no parent), in document order.
DOCUMENT_ITEMS = f"""
UNWIND range(0, size($keys) - 1) AS n
CALL (n) {{
  MATCH (i:{POLICY_ITEM})-[:{IN_DOCUMENT}]->(:{POLICY_DOCUMENT} {{id: $keys[n]}})
  WHERE NOT (i)-[:{PART_OF_ITEM}]->()
  WITH i ORDER BY i.seq
  RETURN collect(i {ITEM_MAP}) AS items
}}
RETURN n AS i, items AS value
"""

ITEM_CHILDREN = f"""
UNWIND range(0, size($keys) - 1) AS n
CALL (n) {{
  MATCH (i:{POLICY_ITEM})-[:{PART_OF_ITEM}]->(:{POLICY_ITEM} {{id: $keys[n]}})
  WITH i ORDER BY i.seq
  RETURN collect(i {ITEM_MAP}) AS items
}}
RETURN n AS i, items AS value
"""

TASKS_BY_ID = f"""
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (t:{TASK} {{id: $keys[i]}})
RETURN i, t {TASK_MAP} AS value
"""

# Tasks by document, jurisdiction, level, item and unit (in any of the given roles),
# in document order.
TASKS_WHERE = f"""
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
CALL (k) {{
  MATCH (t:{TASK})-[:{IN_DOCUMENT}]->(d:{POLICY_DOCUMENT})
  WHERE (k.documentId IS NULL OR d.id = k.documentId)
    AND (k.jurisdictionCode IS NULL OR d.jurisdictionCode = k.jurisdictionCode)
    AND (k.level IS NULL OR d.level = k.level)
    AND (k.itemId IS NULL OR EXISTS {{ (t)-[:{UNDER_ITEM}]->(:{POLICY_ITEM} {{id: k.itemId}}) }})
    AND (k.unitIds IS NULL OR EXISTS {{
      MATCH (t)-[r:{UNIT_LINKS}]->(u) WHERE u.id IN k.unitIds AND type(r) IN k.types }})
  WITH t, d ORDER BY d.seq, t.seq
  RETURN collect(t {TASK_MAP}) AS tasks
}}
RETURN i, tasks AS value
"""

# The units a task names, each link with its type, wording and position.
TASK_UNITS = f"""
UNWIND range(0, size($keys) - 1) AS i
CALL (i) {{
  MATCH (:{TASK} {{id: $keys[i]}})-[r:{UNIT_LINKS}]->(u)
  WITH r, u ORDER BY r.position
  RETURN collect({{type: type(r), asWritten: r.asWritten, position: r.position,
                   unit: u {UNIT_MAP}}}) AS units
}}
RETURN i, units AS value
"""

# Units of a jurisdiction by a name as written: the canonical name or any alias.
UNITS_BY_NAME = f"""
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
CALL (k) {{
  MATCH (u)-[:{BELONGS_TO}]->(:{JURISDICTION} {{code: k.jurisdictionCode}})
  WHERE (u:{DEPARTMENT} OR u:{COLLECTIVE_UNIT})
    AND (u.name = k.name OR k.name IN coalesce(u.aliases, []))
  WITH u ORDER BY u.id
  RETURN collect(u {UNIT_MAP}) AS units
}}
RETURN i, units AS value
"""

# The tasks implementing an item (alignment.csv), by jurisdiction then document order.
IMPLEMENTATIONS_BY_ITEM = f"""
UNWIND range(0, size($keys) - 1) AS i
CALL (i) {{
  MATCH (:{POLICY_ITEM} {{id: $keys[i]}})<-[r:{IMPLEMENTS}]-(t:{TASK})-[:{IN_DOCUMENT}]->(d)
  WITH r, t, d ORDER BY d.jurisdictionCode, d.seq, t.seq
  RETURN collect({{evidence: r.evidence, task: t {TASK_MAP}}}) AS implementations
}}
RETURN i, implementations AS value
"""

IMPLEMENTATIONS_BY_TASK = f"""
UNWIND range(0, size($keys) - 1) AS n
CALL (n) {{
  MATCH (:{TASK} {{id: $keys[n]}})-[r:{IMPLEMENTS}]->(i:{POLICY_ITEM})
  WITH r, i ORDER BY i.seq
  RETURN collect({{evidence: r.evidence, item: i {ITEM_MAP}}}) AS items
}}
RETURN n AS i, items AS value
"""

# A department's task links per document; None when the department is unknown.
WORKLOAD_BY_DEPARTMENT = f"""
UNWIND range(0, size($keys) - 1) AS i
OPTIONAL MATCH (u:{DEPARTMENT} {{id: $keys[i]}})
CALL (u) {{
  MATCH (u)<-[r:{UNIT_LINKS}]-(t:{TASK})-[:{IN_DOCUMENT}]->(d:{POLICY_DOCUMENT})
  WITH d, t, collect(DISTINCT type(r)) AS types ORDER BY d.seq, t.seq
  WITH d, collect({{types: types, task: t {TASK_MAP}}}) AS tasks ORDER BY d.seq
  RETURN collect({{documentId: d.id, tasks: tasks}}) AS documents
}}
RETURN i, CASE WHEN u IS NULL THEN null ELSE documents END AS value
"""

# National items (one level below a section: 003 （一）…（二十三）) × the municipal and
# county jurisdictions that issued documents; each row lists the implementing tasks.
COVERAGE_MATRIX = f"""
CALL () {{
  MATCH (j:{JURISDICTION})<-[:{ISSUED_IN}]-(d:{POLICY_DOCUMENT}) WHERE d.level IN $levels
  WITH DISTINCT j ORDER BY j.code
  RETURN collect(j.code) AS codes
}}
CALL () {{
  MATCH (i:{POLICY_ITEM})-[:{IN_DOCUMENT}]->(n:{POLICY_DOCUMENT} {{level: $national}})
  WHERE ($documentId IS NULL OR n.id = $documentId) AND (i)-[:{PART_OF_ITEM}]->()
  WITH i, n ORDER BY n.seq, i.seq
  RETURN collect({{item: i {ITEM_MAP}, tasks: COLLECT {{
    MATCH (i)<-[:{IMPLEMENTS}]-(t:{TASK})-[:{IN_DOCUMENT}]->(d:{POLICY_DOCUMENT})
    RETURN {{jurisdictionCode: d.jurisdictionCode, taskId: t.id}} ORDER BY d.seq, t.seq
  }}}}) AS rows
}}
RETURN codes, rows
"""


class PolicyDocumentsById(CypherLoader[str, dict[str, Any]]):
    """Key: document id. Value: the document's map; None when unknown."""

    query = DOCUMENTS_BY_ID


class DocumentFilter(NamedTuple):
    level: str | None
    jurisdiction_code: str | None


class PolicyDocumentsWhere(CypherLoader[DocumentFilter, list[dict[str, Any]]]):
    """Key: (level, jurisdiction code), None for any. Value: documents in curated order."""

    query = DOCUMENTS_WHERE

    def param(self, key: DocumentFilter) -> dict[str, Any]:
        return {"level": key.level, "jurisdictionCode": key.jurisdiction_code}


class PolicyItemsById(CypherLoader[str, dict[str, Any]]):
    """Key: item id (``nat-ec-2016:（三）``). Value: the item's map; None when unknown."""

    query = ITEMS_BY_ID


class PolicyDocumentItems(CypherLoader[str, list[dict[str, Any]]]):
    """Key: document id. Value: its top items, in document order ([] when none)."""

    query = DOCUMENT_ITEMS


class PolicyItemChildren(CypherLoader[str, list[dict[str, Any]]]):
    """Key: item id. Value: the items directly below it, in document order."""

    query = ITEM_CHILDREN


class TasksById(CypherLoader[str, dict[str, Any]]):
    """Key: task id (``nt-ec:task:1``). Value: the task's map; None when unknown."""

    query = TASKS_BY_ID


class TaskFilter(NamedTuple):
    document_id: str | None = None
    jurisdiction_code: str | None = None
    level: str | None = None
    item_id: str | None = None
    unit_ids: tuple[str, ...] | None = None  # None: any unit; () matches nothing
    types: tuple[str, ...] = ()  # the link types a unit must have (with unit_ids)


class TasksWhere(CypherLoader[TaskFilter, list[dict[str, Any]]]):
    """Key: a TaskFilter (None fields match anything). Value: tasks in document order."""

    query = TASKS_WHERE

    def param(self, key: TaskFilter) -> dict[str, Any]:
        return {"documentId": key.document_id, "jurisdictionCode": key.jurisdiction_code,
                "level": key.level, "itemId": key.item_id,
                "unitIds": None if key.unit_ids is None else list(key.unit_ids),
                "types": list(key.types)}


class TaskUnits(CypherLoader[str, list[dict[str, Any]]]):
    """Key: task id. Value: its unit links ``{type, asWritten, position, unit}`` by position."""

    query = TASK_UNITS


class UnitsByName(CypherLoader[tuple[str, str], list[dict[str, Any]]]):
    """Key: (jurisdiction code, name as written). Value: the departments and collective
    units of that jurisdiction with that name or alias, by id ([] when none)."""

    query = UNITS_BY_NAME

    def param(self, key: tuple[str, str]) -> dict[str, Any]:
        return {"jurisdictionCode": key[0], "name": key[1]}


class ImplementationsByItem(CypherLoader[str, list[dict[str, Any]]]):
    """Key: item id. Value: ``{evidence, task}`` of the tasks implementing it, by
    jurisdiction code then document order."""

    query = IMPLEMENTATIONS_BY_ITEM


class ImplementationsByTask(CypherLoader[str, list[dict[str, Any]]]):
    """Key: task id. Value: ``{evidence, item}`` of the items it implements."""

    query = IMPLEMENTATIONS_BY_TASK


class WorkloadByDepartment(CypherLoader[str, list[dict[str, Any]]]):
    """Key: department id. Value: per document ``{documentId, tasks: [{types, task}]}``,
    in document order; None when the department is unknown."""

    query = WORKLOAD_BY_DEPARTMENT


async def coverage_matrix(db: Database, document_id: str | None, national: str,
                          levels: list[str]) -> tuple[list[str], list[dict[str, Any]]]:
    """Jurisdiction codes (columns) and rows ``{item, tasks: [{jurisdictionCode, taskId}]}``."""
    [record] = await db.read(COVERAGE_MATRIX, {"documentId": document_id, "national": national,
                                               "levels": levels}, op="coverage_matrix")
    return record["codes"], record["rows"]
