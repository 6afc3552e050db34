"""The life of an entry, read side: objections, history, repair cases, the calendar.

The steps that change an entry (objections, corrections, repair, revocation, expiry)
are in ``procedures/``, each in one transaction; the queries here only read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.db import Database
from graph_schema.rules import repair as repair_rule
from graph_schema.rules.working_days import WorkingCalendar

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
RETURN o {.*, entryId: e.id, subjectId: s.id,
          departmentId: [(e)-[:RECOGNISED_BY]->(d:Department) | d.id][0],
          steps: [(o)-[:HAS_STEP]->(st:ObjectionStep) | st {.*}]} AS objection
"""

OPEN_OBJECTIONS = """
MATCH (o:Objection)-[:AGAINST]->(e:ListEntry)
WHERE o.closedOn IS NULL
OPTIONAL MATCH (o)-[:HAS_STEP]->(st:ObjectionStep) WHERE st.closedOn IS NULL
WITH o, e, st
WHERE NOT $overdueOnly OR (st.dueOn IS NOT NULL AND st.dueOn < $asOf)
WITH o, e, st ORDER BY o.filedOn, o.id
RETURN collect(o {.*, entryId: e.id, currentStep: st {.*},
                  steps: [(o)-[:HAS_STEP]->(x:ObjectionStep) | x {.*}]}) AS objections
"""

ENTRY_HISTORY = """
MATCH (e:ListEntry {id: $id})-[:HAS_VERSION]->(v:Version)
WITH v ORDER BY v.version, v.versionAt
RETURN collect(v {.*}) AS versions
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
RETURN a {.*, entryId: e.id, subjectId: s.id,
          departmentId: [(e)-[:RECOGNISED_BY]->(d:Department) | d.id][0]} AS application
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
        bankrupt="破产" in (subject.get("status") or "")
        or any(x["kind"] == "BANKRUPTCY" for x in exclusions),
        ignored_reminders=[x["reason"] for x in exclusions if x["kind"] == "IGNORED_REMINDER"],
        other_exclusions=[x["reason"] for x in exclusions if x["kind"] == "OTHER"],
    )
