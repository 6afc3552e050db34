"""The life of an entry, read side: objections, history, repair cases, the calendar.

The steps that change an entry (objections, corrections, repair, revocation, expiry)
are in ``procedures/``, each in one transaction; the queries here only read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.base.db import Database
from graph_schema.rules import repair as repair_rule
from graph_schema.rules.procedure_reading import may_read_cypher
from graph_schema.rules.working_days import WorkingCalendar
from loaders.selection import Rules

CALENDAR = """
MATCH (d:CalendarDay) WITH collect([d.date, d.working]) AS days
OPTIONAL MATCH (y:CalendarYear)
RETURN days, collect(y.year) AS years
"""

ENTRY_FOR_LIFECYCLE = """
MATCH (e:ListEntry {id: $id})-[:CONCERNS]->(s:Subject)
RETURN e {.*, subjectId: s.id, subjectKind: s.kind, subjectStatus: s.status,
          departmentId: [(e)-[:RECOGNISED_BY]->(d:Department) | d.id][0],
          openObjections: COUNT { (e)<-[:AGAINST]-(o:Objection) WHERE o.closedOn IS NULL }}
       AS entry
"""

OBJECTION = """
MATCH (o:Objection {id: $id})-[:AGAINST]->(e:ListEntry)-[:CONCERNS]->(s:Subject)
RETURN o {.*, entryId: e.id, subjectId: s.id, disclosure: e.disclosure,
          departmentId: [(e)-[:RECOGNISED_BY]->(d:Department) | d.id][0],
          steps: [(o)-[:HAS_STEP]->(st:ObjectionStep) | st {.*}]} AS objection
"""

# The facts the repair rules weigh (管理办法 第三十一条), gathered in one query.
REPAIR_CASE = """
MATCH (e:ListEntry {id: $id})-[:CONCERNS]->(s:Subject)
RETURN e {.*} AS entry, s {.id, .kind, .status} AS subject,
  [(s)<-[:CONCERNS]-(x:ListEntry) WHERE x.id <> e.id | x {.id, .kind, .severity, .category,
                                                         .recognisedOn, .disclosure}] AS others,
  [(s)<-[:CONCERNS]-(x:ListEntry)<-[:FOR_ENTRY]-(a:RepairApplication {status: 'ACCEPTED'})
   | {entryId: x.id, category: x.category, repairedOn: a.acceptedOn}] AS repairs,
  [(s)<-[:AGAINST]-(r:RepairExclusion) | r {.kind, .reason, .recordedOn}] AS exclusions
"""

REPAIR_APPLICATION = """
MATCH (a:RepairApplication {id: $id})-[:FOR_ENTRY]->(e:ListEntry)-[:CONCERNS]->(s:Subject)
RETURN a {.*, entryId: e.id, subjectId: s.id, disclosure: e.disclosure,
          departmentId: [(e)-[:RECOGNISED_BY]->(d:Department) | d.id][0]} AS application
"""


# The read root fields, one query each (``resolvers/lifecycle_reads.py``). Each returns, with
# what it found, the facts its gates decide on: the subject, the entry's disclosure class,
# whether the caller may be shown it, and the consents the request relies on (for the
# register). ``{value}`` is the compiled projection of the selection; a template takes the
# audience's rules, so what the caller may not be shown never leaves Neo4j.


def entry_history(rules: Rules) -> str:
    """An entry's versions, oldest first, for the subject itself and government callers
    that may see the entry's class (管理办法 第二十一条)."""
    return f"""
MATCH (e:ListEntry {{id: $id}})-[:CONCERNS]->(s:Subject)
WITH e, s, e.disclosure IN {rules.visible("s")} AS visible
RETURN [s.id, e.disclosure, visible, {rules.grants("s")},
        CASE WHEN visible AND {rules.history("s")} THEN COLLECT {{
          MATCH (e)-[:HAS_VERSION]->(n:Version) WITH n ORDER BY n.version, n.versionAt
          RETURN {{value}} }} END] AS value
"""


def _procedure_reader(rules: Rules) -> str:
    return may_read_cypher(
        subject="s", entry="e", department="department", visible=rules.visible("s")
    )


def objection(rules: Rules) -> str:
    return f"""
MATCH (n:Objection {{id: $id}})-[:AGAINST]->(e:ListEntry)-[:CONCERNS]->(s:Subject)
WITH n, e, s, [(e)-[:RECOGNISED_BY]->(d:Department) | d.id][0] AS department
WITH n, e, s, {_procedure_reader(rules)} AS allowed
RETURN [s.id, e.disclosure, allowed, {rules.grants("s")},
        CASE WHEN allowed THEN {{value}} END] AS value
"""


def open_objections(rules: Rules) -> str:
    """Open objections (only those whose open step is overdue on ``$asOf``), oldest first."""
    return f"""
MATCH (n:Objection)-[:AGAINST]->(e:ListEntry)-[:CONCERNS]->(s:Subject)
WHERE n.closedOn IS NULL AND (NOT $overdueOnly OR EXISTS {{
  MATCH (n)-[:HAS_STEP]->(st:ObjectionStep)
  WHERE st.closedOn IS NULL AND st.dueOn IS NOT NULL AND st.dueOn < $asOf }})
WITH n, e, s ORDER BY n.filedOn, n.id
RETURN collect([s.id, e.disclosure, {rules.grants("s")}, {{value}}]) AS value
"""


def repair_case_read(rules: Rules) -> str:
    """``REPAIR_CASE`` with the subject's consents, the entry's fields the rules weigh."""
    return f"""
MATCH (e:ListEntry {{id: $id}})-[:CONCERNS]->(s:Subject)
RETURN e {{.id, .kind, .severity, .category, .recognisedOn, .validUntil, .endedOn,
          .disclosure}} AS entry,
  s {{.id, .kind, .status}} AS subject,
  [(s)<-[:CONCERNS]-(x:ListEntry) WHERE x.id <> e.id | x {{.id, .kind, .severity, .category,
                                                         .recognisedOn, .disclosure}}] AS others,
  [(s)<-[:CONCERNS]-(x:ListEntry)<-[:FOR_ENTRY]-(a:RepairApplication {{status: 'ACCEPTED'}})
   | {{entryId: x.id, category: x.category, repairedOn: a.acceptedOn}}] AS repairs,
  [(s)<-[:AGAINST]-(r:RepairExclusion) | r {{.kind, .reason, .recordedOn}}] AS exclusions,
  {rules.grants("s")} AS grants
"""


# The fields of ``RepairApplication``: its verdicts are stored as JSON, which Cypher cannot
# read, so the answer is this fixed map, not a compiled projection.
APPLICATION_FIELDS = (
    ".id, .status, .appliedOn, .correctedOn, .committed, .opinion, .opinionOn, "
    ".publicityEndsOn, .publicityProvisional, .publicityObjection, "
    ".acceptedOn, .rules"
)


def repair_application(rules: Rules) -> str:
    return f"""
MATCH (a:RepairApplication {{id: $id}})-[:FOR_ENTRY]->(e:ListEntry)-[:CONCERNS]->(s:Subject)
WITH a, e, s, [(e)-[:RECOGNISED_BY]->(d:Department) | d.id][0] AS department
WITH a, e, s, {_procedure_reader(rules)} AS allowed
RETURN s.id AS subjectId, e.disclosure AS disclosure, allowed, {rules.grants("s")} AS grants,
       CASE WHEN allowed THEN a {{{APPLICATION_FIELDS}, entryId: e.id}} END AS application
"""


def calendar_from(record: Any) -> WorkingCalendar:
    """The working-day calendar from a ``CALENDAR`` record."""
    recorded = {day.to_native(): bool(working) for day, working in record["days"]}
    return WorkingCalendar(recorded=recorded, announced_years=frozenset(record["years"]))


async def calendar(db: Database) -> WorkingCalendar:
    """The working-day calendar with the arrangements recorded in the graph."""
    [record] = await db.read(CALENDAR, op="calendar")
    return calendar_from(record)


async def single(db: Database, query: str, params: dict[str, Any], key: str) -> Any:
    records = await db.read(query, params, op=key)
    return records[0][key] if records else None


async def entry_for_lifecycle(db: Database, entry_id: str) -> Any:
    """Key: entry id. The entry with its subject, department and open objections; None
    when unknown."""
    return await single(db, ENTRY_FOR_LIFECYCLE, {"id": entry_id}, "entry")


async def objection_by_id(db: Database, objection_id: str) -> Any:
    """Key: objection id. The objection with its entry, subject and steps; None when
    unknown."""
    return await single(db, OBJECTION, {"id": objection_id}, "objection")


async def repair_application_by_id(db: Database, application_id: str) -> Any:
    """Key: application id. The application with its entry and subject; None when
    unknown."""
    return await single(db, REPAIR_APPLICATION, {"id": application_id}, "application")


async def read_repair_case(db: Database, rules: Rules, params: dict[str, Any]) -> Any:
    """``repair_case_read`` for the entry ``$id``: its record; None when unknown."""
    records = await db.read(repair_case_read(rules), params, op="repair_case")
    return records[0] if records else None


async def read_repair_application(db: Database, rules: Rules, params: dict[str, Any]) -> Any:
    """``repair_application`` for the application ``$id``: its record; None when unknown."""
    records = await db.read(repair_application(rules), params, op="application")
    return records[0] if records else None


def _native(d: Any) -> dt.date | None:
    return d.to_native() if d is not None else None


def _past(m: Any) -> repair_rule.PastEntry:
    return repair_rule.PastEntry(
        m["id"],
        m["kind"],
        m.get("severity") or "UNSTATED",
        m.get("category"),
        m["recognisedOn"].to_native(),
    )


def repair_case(
    record: Any, *, applied_on: dt.date, corrected_on: dt.date | None, committed: bool
) -> repair_rule.RepairCase:
    """A ``REPAIR_CASE`` record as the repair rules see it, for an application on
    ``applied_on``."""
    e, subject, exclusions = record["entry"], record["subject"], record["exclusions"]
    return repair_rule.RepairCase(
        entry=_past(e),
        valid_until=_native(e.get("validUntil")),
        ended_on=_native(e.get("endedOn")),
        applied_on=applied_on,
        corrected_on=corrected_on,
        committed=committed,
        other_entries=[_past(x) for x in record["others"]],
        repairs=[
            repair_rule.PastRepair(r["entryId"], r.get("category"), r["repairedOn"].to_native())
            for r in record["repairs"]
        ],
        bankrupt=repair_rule.in_bankruptcy(
            subject.get("status"), recorded=any(x["kind"] == "BANKRUPTCY" for x in exclusions)
        ),
        ignored_reminders=[x["reason"] for x in exclusions if x["kind"] == "IGNORED_REMINDER"],
        other_exclusions=[x["reason"] for x in exclusions if x["kind"] == "OTHER"],
    )
