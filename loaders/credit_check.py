"""The credit check's one query: subjects, their hits, related parties and the measures.

One round trip answers a whole batch: the measures that apply to the matter are read
once, then for every known reference (USCC, ID number or internal id) the subject,
its list entries in force on ``$asOf`` (direct and derived), and, for an
organisation, officers carrying a serious black entry (information only).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from aiodataloader import DataLoader

from gateway.db import Database
from graph_schema.rules.decision import Measure
from graph_schema.rules.validity import in_force_cypher

# Officers whose dishonesty flags their organisation (information only).
OFFICER_ROLES = ["LEGAL_REPRESENTATIVE", "PRINCIPAL_RESPONSIBLE", "DIRECTOR", "SUPERVISOR",
                 "SENIOR_MANAGER"]

HIT_MAP = (
    "{.id, .kind, .domain, .category, .facts, .basis, .decisionDocument, .documentNumber, "
    ".severity, .disclosure, .recognisedOn, .validUntil, .sourceSystem, .derived, "
    ".derivedRoles, department: [(e)-[:RECOGNISED_BY]->(d:Department) | "
    "d {.id, .name, .level, .jurisdictionCode}][0], "
    "via: [(e)-[:THROUGH]->(v:Organization) | v {.id, .name, .uscc}][0], "
    "disputed: EXISTS { MATCH (e)<-[:AGAINST]-(o:Objection) WHERE o.closedOn IS NULL }}"
)

_MEASURES = """
CALL () {
  OPTIONAL MATCH (m:Measure)-[a:APPLIES_TO]->(:MatterType {code: $matter})
  WITH m, a ORDER BY m.id
  RETURN collect(m {.id, .name, .kind, .list, .targets, .subjectKinds, .minSeverity, .basis,
                    effect: a.effect}) AS measures
}
"""

# One index probe per reference: the caller splits them by key ([position, key] pairs).
_SUBJECTS = """
CALL () {
  UNWIND $byUscc AS ref MATCH (s:Organization {uscc: ref[1]}) RETURN ref[0] AS i, s
  UNION ALL
  UNWIND $byIdNumber AS ref MATCH (s:Person {idNumber: ref[1]}) RETURN ref[0] AS i, s
  UNION ALL
  UNWIND $byId AS ref MATCH (s:Subject {id: ref[1]}) RETURN ref[0] AS i, s
}
"""

# Pattern comprehensions rather than a subquery per subject: a third cheaper in batches.
_HITS = (f"[(s)<-[:CONCERNS]-(e:ListEntry) WHERE {in_force_cypher('e', '$asOf')} "
         f"| e {HIT_MAP}]")

# Officers of an organisation carrying a serious black entry: information only.
_RELATED = (
    "[(s)<-[r:HOLDS_ROLE]-(q:Person)<-[:CONCERNS]-(f:ListEntry) "
    "WHERE s:Organization AND r.kind IN $officerRoles AND r.start <= $asOf "
    "AND (r.end IS NULL OR $asOf <= r.end) AND f.kind = 'BLACK' AND f.severity = 'SERIOUS' "
    f"AND {in_force_cypher('f', '$asOf')} AND NOT EXISTS {{ (f)-[:THROUGH]->(s) }} "
    "| {person: q {.id, .name}, role: r.kind, entryId: f.id, category: f.category, "
    "derived: f.derived}]"
)

CREDIT_CHECK = f"""{_MEASURES}{_SUBJECTS}
RETURN measures, collect({{i: i, subject: s {{.id, .name, .kind, .uscc}}, hits: {_HITS},
                          related: {_RELATED}}}) AS subjects
"""

# The same without related parties, when the caller does not ask for them.
CREDIT_CHECK_WITHOUT_RELATED = f"""{_MEASURES}{_SUBJECTS}
RETURN measures, collect({{i: i, subject: s {{.id, .name, .kind, .uscc}}, hits: {_HITS},
                          related: []}}) AS subjects
"""


def check_params(refs: list[dict[str, str | None]], matter: str, as_of: dt.date) -> dict[str, Any]:
    """The check's parameters: references split by key, each with its position."""
    by: dict[str, list[list[Any]]] = {"uscc": [], "idNumber": [], "id": []}
    for n, ref in enumerate(refs):
        for key in ("uscc", "idNumber", "id"):
            if ref.get(key):
                by[key].append([n, ref[key]])
                break
    return {"byUscc": by["uscc"], "byIdNumber": by["idNumber"], "byId": by["id"],
            "matter": matter, "asOf": as_of, "officerRoles": OFFICER_ROLES}


async def credit_check(db: Database, refs: list[dict[str, str | None]], matter: str,
                       as_of: dt.date, *, related: bool = True,
                       ) -> tuple[list[dict[str, Any] | None], list[dict[str, Any]]]:
    """One answer per reference in input order (None when unknown), and the matter's
    measures; one query, one record."""
    if not refs:
        return [], []
    records = await db.read(CREDIT_CHECK if related else CREDIT_CHECK_WITHOUT_RELATED,
                            check_params(refs, matter, as_of), op="credit_check")
    answers: list[dict[str, Any] | None] = [None] * len(refs)
    if not records:  # none of the references is known
        return answers, []
    for row in records[0]["subjects"]:
        answers[row["i"]] = row
    return answers, records[0]["measures"]


# The catalogue itself, for people reading it: every measure with its matters and effects
# (by matter code), its legal basis and the departments the policy documents make
# responsible for it (by id).
MEASURE_CATALOGUE = """
MATCH (m:Measure)
WHERE $matter IS NULL OR EXISTS { (m)-[:APPLIES_TO]->(:MatterType {code: $matter}) }
WITH m ORDER BY m.id
RETURN collect(m {.id, .name, .kind, .list, .targets, .basis,
  matters: COLLECT { MATCH (m)-[a:APPLIES_TO]->(t:MatterType)
                     RETURN {matter: t.code, effect: a.effect} ORDER BY t.code },
  departments: COLLECT { MATCH (m)-[r:IMPLEMENTED_BY]->(d:Department)
                         RETURN {id: d.id, name: d.name, asWritten: r.asWritten}
                         ORDER BY d.id }}) AS measures
"""

# The same catalogue as a compiled read's root objects (loaders/selection.py).
MEASURES = """
MATCH (n:Measure)
WHERE $matter IS NULL OR EXISTS { (n)-[:APPLIES_TO]->(:MatterType {code: $matter}) }
WITH n ORDER BY n.id
RETURN collect({value}) AS value
"""


async def measure_catalogue(db: Database, matter: str | None) -> list[dict[str, Any]]:
    [record] = await db.read(MEASURE_CATALOGUE, {"matter": matter}, op="measures")
    return list(record["measures"])


class CheckKey(NamedTuple):
    subject_id: str
    matter: str
    as_of: dt.date
    related: bool


class CreditChecksBySubject(DataLoader[CheckKey, tuple[dict[str, Any] | None, list[Measure]]]):
    """Key: (subject id, matter, date, with related parties?). Value: the check's record
    (None when unknown) and the matter's measures. One query per matter, date and shape:
    a router resolving 1,000 applicants' checks through ``_entities`` sends one batch."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    async def batch_load_fn(  # type: ignore[override]
        self, keys: list[CheckKey]
    ) -> list[tuple[dict[str, Any] | None, list[Measure]]]:
        groups: dict[tuple[str, dt.date, bool], list[int]] = {}
        for n, key in enumerate(keys):
            groups.setdefault((key.matter, key.as_of, key.related), []).append(n)
        out: list[tuple[dict[str, Any] | None, list[Measure]]] = [(None, [])] * len(keys)
        for (matter, as_of, related), positions in groups.items():
            refs = [{"uscc": None, "idNumber": None, "id": keys[n].subject_id} for n in positions]
            records, measure_maps = await credit_check(self.db, refs, matter, as_of,
                                                       related=related)
            measures = [Measure.from_map(m) for m in measure_maps]
            for n, record in zip(positions, records, strict=True):
                out[n] = (record, measures)
        return out
