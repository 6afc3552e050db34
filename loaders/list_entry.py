"""A subject's list entries and credit records, evaluated as of a date."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from graph_schema.rules.validity import status_on_cypher
from loaders.base import CypherLoader
from loaders.jurisdiction import DEPARTMENT_MAP  # one shape of a department everywhere

LIST_ENTRIES_BY_SUBJECT = f"""
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
CALL (k) {{
  MATCH (:Subject {{id: k.id}})<-[:CONCERNS]-(e:ListEntry)
  WITH e, k, {status_on_cypher("e", "k.asOf")} AS statusOn
  WHERE statusOn IS NOT NULL
    AND (k.kind IS NULL OR e.kind = k.kind)
    AND (k.status IS NULL OR statusOn = k.status)
    AND (k.disclosures IS NULL OR e.disclosure IN k.disclosures)
  ORDER BY e.recognisedOn DESC, e.id
  RETURN collect(e {{.*, statusOn: statusOn, subjectId: k.id,
    disputed: EXISTS {{ MATCH (e)<-[:AGAINST]-(o:Objection) WHERE o.closedOn IS NULL }},
    department: [(e)-[:RECOGNISED_BY]->(d:Department) | d {DEPARTMENT_MAP}][0]}}) AS entries
}}
RETURN i, entries AS value
"""

LIST_ENTRIES_BY_ID = f"""
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
OPTIONAL MATCH (e:ListEntry {{id: k.id}})-[:CONCERNS]->(s:Subject)
RETURN i, e {{.*, statusOn: coalesce({status_on_cypher("e", "k.asOf")}, 'ACTIVE'), subjectId: s.id,
  disputed: EXISTS {{ MATCH (e)<-[:AGAINST]-(o:Objection) WHERE o.closedOn IS NULL }},
  department: [(e)-[:RECOGNISED_BY]->(d:Department) | d {DEPARTMENT_MAP}][0]}} AS value
"""

CREDIT_RECORDS_BY_SUBJECT = f"""
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
CALL (k) {{
  MATCH (:Subject {{id: k.id}})<-[:CONCERNS]-(c:CreditRecord)
  WHERE (k.category IS NULL OR c.category = k.category)
    AND c.recordedOn <= k.asOf
    AND (k.current = false OR c.validUntil IS NULL OR k.asOf <= c.validUntil)
    AND (k.disclosures IS NULL OR c.disclosure IN k.disclosures)
  ORDER BY c.recordedOn DESC, c.id
  RETURN collect(c {{.*, subjectId: k.id,
    department: [(c)-[:PROVIDED_BY]->(d:Department) | d {DEPARTMENT_MAP}][0]}}) AS records
}}
RETURN i, records AS value
"""


class EntryKey(NamedTuple):
    subject_id: str
    kind: str | None
    status: str | None
    as_of: dt.date
    disclosures: tuple[str, ...] | None


class ListEntriesBySubject(CypherLoader[EntryKey, list[dict[str, Any]]]):
    """Key: (subject id, list kind, status on the date, date, disclosure classes allowed).

    Value: the entries recognised by that date, newest first, each with its status
    on the date and its recognising department.
    """

    query = LIST_ENTRIES_BY_SUBJECT

    def param(self, key: EntryKey) -> dict[str, Any]:
        return {"id": key.subject_id, "kind": key.kind, "status": key.status, "asOf": key.as_of,
                "disclosures": None if key.disclosures is None else list(key.disclosures)}


class ListEntriesById(CypherLoader[tuple[str, dt.date], dict[str, Any]]):
    """Key: (entry id, date). Value: the entry with its status on the date; None when unknown."""

    query = LIST_ENTRIES_BY_ID

    def param(self, key: tuple[str, dt.date]) -> dict[str, Any]:
        return {"id": key[0], "asOf": key[1]}


class RecordKey(NamedTuple):
    subject_id: str
    category: str | None
    as_of: dt.date
    current: bool
    disclosures: tuple[str, ...] | None


class CreditRecordsBySubject(CypherLoader[RecordKey, list[dict[str, Any]]]):
    """Key: (subject id, category, date, only those still valid, disclosure classes allowed).

    Value: records made by that date, newest first.
    """

    query = CREDIT_RECORDS_BY_SUBJECT

    def param(self, key: RecordKey) -> dict[str, Any]:
        return {"id": key.subject_id, "category": key.category, "asOf": key.as_of,
                "current": key.current,
                "disclosures": None if key.disclosures is None else list(key.disclosures)}
