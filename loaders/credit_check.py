"""The credit check's one query: subjects, their hits, related parties and the measures.

One round trip answers a whole batch: the measures that apply to the matter are read
once, then for every reference (USCC, ID number or internal id, in input order) the
subject, its list entries in force on ``$asOf`` (direct and derived), and, for an
organisation, officers carrying a serious black entry (information only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.db import Database
from graph_schema.rules.validity import in_force_cypher

# Officers whose dishonesty flags their organisation (information only).
OFFICER_ROLES = ["LEGAL_REPRESENTATIVE", "PRINCIPAL_RESPONSIBLE", "DIRECTOR", "SUPERVISOR",
                 "SENIOR_MANAGER"]

HIT_MAP = (
    "{.id, .kind, .domain, .category, .facts, .basis, .decisionDocument, .documentNumber, "
    ".severity, .disclosure, .recognisedOn, .validUntil, .sourceSystem, .derived, "
    ".derivedRoles, department: [(e)-[:RECOGNISED_BY]->(d:Department) | "
    "d {.id, .name, .level, .jurisdictionCode}][0], "
    "via: [(e)-[:THROUGH]->(v:Organization) | v {.id, .name, .uscc}][0]}"
)

CREDIT_CHECK = f"""
CALL () {{
  OPTIONAL MATCH (m:Measure)-[a:APPLIES_TO]->(:MatterType {{code: $matter}})
  RETURN collect(m {{.id, .name, .kind, .list, .targets, .subjectKinds, .minSeverity, .basis,
                     effect: a.effect}}) AS measures
}}
UNWIND range(0, size($refs) - 1) AS i
WITH measures, i, $refs[i] AS ref
OPTIONAL MATCH (o:Organization {{uscc: ref.uscc}})
OPTIONAL MATCH (p:Person {{idNumber: ref.idNumber}})
OPTIONAL MATCH (x:Subject {{id: ref.id}})
WITH measures, i, coalesce(o, p, x) AS s
CALL (s) {{
  OPTIONAL MATCH (s)<-[:CONCERNS]-(e:ListEntry)
  WHERE {in_force_cypher("e", "$asOf")}
  RETURN collect(e {HIT_MAP}) AS hits
}}
CALL (s) {{
  OPTIONAL MATCH (s:Organization)<-[r:HOLDS_ROLE]-(q:Person)<-[:CONCERNS]-(f:ListEntry)
  WHERE r.kind IN $officerRoles AND r.start <= $asOf AND (r.end IS NULL OR $asOf <= r.end)
    AND f.kind = 'BLACK' AND f.severity = 'SERIOUS' AND {in_force_cypher("f", "$asOf")}
    AND NOT EXISTS {{ (f)-[:THROUGH]->(s) }}
  RETURN collect(CASE WHEN f IS NOT NULL THEN {{person: q {{.id, .name}}, role: r.kind,
                 entryId: f.id, category: f.category, derived: f.derived}} END) AS related
}}
RETURN measures, collect({{i: i, subject: s {{.id, .name, .kind, .uscc}}, hits: hits,
                          related: related}}) AS subjects
"""


async def credit_check(db: Database, refs: list[dict[str, str | None]], matter: str,
                       as_of: dt.date) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One answer per reference in input order (subject None when unknown), and the
    matter's measures; one query, one record."""
    if not refs:
        return [], []
    records = await db.read(CREDIT_CHECK, {"refs": refs, "matter": matter, "asOf": as_of,
                                           "officerRoles": OFFICER_ROLES}, op="credit_check")
    subjects: list[dict[str, Any]] = records[0]["subjects"]
    if any(r["i"] != n for n, r in enumerate(subjects)):
        subjects.sort(key=lambda r: r["i"])
    return subjects, records[0]["measures"]
