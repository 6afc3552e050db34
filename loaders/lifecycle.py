"""The life of an entry: objections, corrections, repair, expiry, history (Cypher).

Nothing here deletes an entry or a version (实施办法 第二十条, 管理办法 第三十三条):
every change is a new ``Version`` of the entry with time, actor and reason, and a
source's derived entries follow it in the same transaction (管理办法 第二十六条).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.db import Database, Transaction
from graph_schema.rules.working_days import WorkingCalendar
from loaders.ingest import propagate

CALENDAR = """
MATCH (d:CalendarDay) WITH collect([d.date, d.working]) AS days
OPTIONAL MATCH (y:CalendarYear)
RETURN days, collect(y.year) AS years
"""

RECORD_CALENDAR = """
UNWIND $days AS day
MERGE (d:CalendarDay {date: day.date})
SET d.working = day.working, d.name = day.name, d.source = $source
WITH count(*) AS recorded
UNWIND $years AS year
MERGE (y:CalendarYear {year: year})
SET y.source = $source
RETURN recorded
"""

_ENTRY_VERSION = """
CREATE (e)-[:HAS_VERSION]->(v:Version)
SET v = properties(e), v.versionOf = 'ListEntry', v.versionAt = $now, v.versionActor = $actor,
    v.versionChange = change, v.versionReason = $reason
"""

ENTRY_FOR_LIFECYCLE = """
MATCH (e:ListEntry {id: $id})-[:CONCERNS]->(s:Subject)
RETURN e {.*, subjectId: s.id, subjectKind: s.kind, subjectStatus: s.status,
          departmentId: [(e)-[:RECOGNISED_BY]->(d:Department) | d.id][0],
          openObjections: COUNT { (e)<-[:AGAINST]-(o:Objection) WHERE o.closedOn IS NULL }}
       AS entry
"""

# Any event in an entry's life that changes no field: still a version of its own.
ENTRY_EVENT = f"""
MATCH (e:ListEntry {{id: $entryId}})
SET e.version = e.version + 1, e.updatedAt = $now
WITH e, $change AS change
{_ENTRY_VERSION}
RETURN e.id AS id
"""

FILE_OBJECTION = f"""
MATCH (e:ListEntry {{id: $entryId}})
SET e.version = e.version + 1, e.updatedAt = $now
CREATE (o:Objection {{id: randomUUID(), ground: $ground, statement: $statement,
        evidence: $evidence, filedOn: $on, filedBy: $actor, status: 'REVIEW', createdAt: $now}})
CREATE (o)-[:AGAINST]->(e)
CREATE (o)-[:HAS_STEP]->(:ObjectionStep {{id: randomUUID(), kind: 'REVIEW', openedOn: $on,
        dueOn: $dueOn, dueProvisional: $provisional, seq: 1}})
WITH e, o, 'DISPUTED' AS change
{_ENTRY_VERSION}
RETURN o.id AS id
"""

OBJECTION = """
MATCH (o:Objection {id: $id})-[:AGAINST]->(e:ListEntry)-[:CONCERNS]->(s:Subject)
RETURN o {.*, entryId: e.id, subjectId: s.id,
          departmentId: [(e)-[:RECOGNISED_BY]->(d:Department) | d.id][0],
          steps: [(o)-[:HAS_STEP]->(st:ObjectionStep) | st {.*}]} AS objection
"""

# Close the open step with its outcome; optionally open the next one.
ADVANCE_OBJECTION = """
MATCH (o:Objection {id: $id})-[:HAS_STEP]->(st:ObjectionStep)
WHERE st.closedOn IS NULL
SET st.closedOn = $on, st.actor = $actor, st.outcome = $outcome, st.note = $note,
    o.status = $status
WITH o, st
CALL (o, st) {
  WITH o, st WHERE $next IS NOT NULL
  CREATE (o)-[:HAS_STEP]->(:ObjectionStep {id: randomUUID(), kind: $next, openedOn: $on,
          dueOn: $dueOn, dueProvisional: $provisional, seq: st.seq + 1})
}
CALL (o) {
  WITH o WHERE $close
  SET o.closedOn = $on, o.outcome = $outcome
}
RETURN o.id AS id
"""

REOPEN_FOR_APPEAL = """
MATCH (o:Objection {id: $id})
WHERE o.closedOn IS NOT NULL
SET o.closedOn = null, o.status = 'APPEAL', o.appealedOn = $on
CREATE (o)-[:HAS_STEP]->(:ObjectionStep {id: randomUUID(), kind: 'APPEAL', openedOn: $on,
        note: $note, seq: COUNT { (o)-[:HAS_STEP]->() } + 1})
RETURN o.id AS id
"""

# A correction is a new version of the entry; the earlier one stays in its history.
CORRECT_ENTRY = f"""
MATCH (e:ListEntry {{id: $entryId}})
SET e += $changes, e.version = e.version + 1, e.updatedAt = $now
WITH e, 'CORRECTED' AS change
{_ENTRY_VERSION}
RETURN e.id AS id
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
                                                         .recognisedOn}] AS others,
  [(s)<-[:CONCERNS]-(x:ListEntry)<-[:FOR_ENTRY]-(a:RepairApplication {status: 'ACCEPTED'})
   | {entryId: x.id, category: x.category, repairedOn: a.acceptedOn}] AS repairs,
  [(s)<-[:AGAINST]-(r:RepairExclusion) | r {.kind, .reason, .recordedOn}] AS exclusions
"""

RECORD_EXCLUSION = """
MATCH (s:Subject {id: $subjectId})
CREATE (r:RepairExclusion {id: randomUUID(), kind: $kind, reason: $reason, recordedOn: $on,
        recordedBy: $actor, department: $dept})-[:AGAINST]->(s)
RETURN r.id AS id
"""

APPLY_FOR_REPAIR = """
MATCH (e:ListEntry {id: $entryId})
CREATE (a:RepairApplication {id: randomUUID(), appliedOn: $on, correctedOn: $correctedOn,
        committed: $committed, evidence: $evidence, appliedBy: $actor, status: 'APPLIED',
        rules: $rules})-[:FOR_ENTRY]->(e)
RETURN a.id AS id
"""

REPAIR_APPLICATION = """
MATCH (a:RepairApplication {id: $id})-[:FOR_ENTRY]->(e:ListEntry)-[:CONCERNS]->(s:Subject)
RETURN a {.*, entryId: e.id, subjectId: s.id,
          departmentId: [(e)-[:RECOGNISED_BY]->(d:Department) | d.id][0]} AS application
"""

UPDATE_REPAIR = """
MATCH (a:RepairApplication {id: $id})
SET a += $changes
RETURN a.id AS id
"""

# 实施办法 第十九条: after repair the original entry is kept as an archive record.
ARCHIVE_ENTRY = f"""
MATCH (e:ListEntry {{id: $entryId}})
SET e.archivedOn = $on, e.version = e.version + 1, e.updatedAt = $now
WITH e, 'ARCHIVED' AS change
{_ENTRY_VERSION}
RETURN e.id AS id
"""

# The recorded status catches up with validity (reporting only; answers use dates).
EXPIRE = f"""
MATCH (e:ListEntry)
WHERE e.status = 'ACTIVE' AND e.validUntil IS NOT NULL AND e.validUntil < $asOf
  AND e.endedOn IS NULL
SET e.status = 'EXPIRED', e.version = e.version + 1, e.updatedAt = $now
WITH e, 'EXPIRED' AS change
{_ENTRY_VERSION}
RETURN count(e) AS expired
"""


async def calendar(db: Database) -> WorkingCalendar:
    """The working-day calendar with the arrangements recorded in the graph."""
    [record] = await db.read(CALENDAR, op="calendar")
    recorded = {day.to_native(): bool(working) for day, working in record["days"]}
    return WorkingCalendar(recorded=recorded, announced_years=frozenset(record["years"]))


async def single(db: Database, query: str, params: dict[str, Any], key: str) -> Any:
    records = await db.read(query, params, op=key)
    return records[0][key] if records else None


async def write_one(tx: Transaction, query: str, params: dict[str, Any]) -> Any:
    records = await tx.run(query, params)
    return records[0] if records else None


async def expire(db: Database, *, as_of: dt.date, now: dt.datetime, actor: str) -> int:
    """Mark entries past their validity EXPIRED (idempotent: a second run marks none)."""

    async def work(tx: Transaction) -> int:
        [record] = await tx.run(EXPIRE, {"asOf": as_of, "now": now, "actor": actor,
                                         "reason": "管理办法 第二十七条: validity ended"})
        return int(record["expired"])

    return await db.transaction(work, op="expire")


async def correct_entry(tx: Transaction, entry_id: str, changes: dict[str, Any], *,
                        now: dt.datetime, actor: str, reason: str) -> None:
    """A new version of the entry; its derived entries follow at once."""
    await tx.run(CORRECT_ENTRY, {"entryId": entry_id, "changes": changes, "now": now,
                                 "actor": actor, "reason": reason})
    await propagate(tx, now=now, actor=actor, reason=reason, source_ids=[entry_id])
