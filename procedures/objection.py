"""The objection procedure's steps (实施办法 第十五条–第十七条, 管理办法 第二十八条–第三十条).

Each step claims the objection (see ``procedures``), applies the transition table
(graph_schema/rules/objection) to the status it holds under that claim, then writes the
step, the entry's versions and any correction, in one transaction. Due dates are counted
in working days on the calendar recorded in the graph.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.base.db import Database, Transaction
from gateway.base.errors import InvalidInput, NotFound
from graph_schema.rules import objection as rule
from graph_schema.rules.working_days import WorkingCalendar
from loaders.lifecycle import CALENDAR, calendar_from
from procedures import step
from procedures.entry import ENTRY_VERSION, write_correction, write_end, write_event

FILE_OBJECTION = f"""
MATCH (e:ListEntry {{id: $entryId}})
SET e.version = e.version + 1, e.updatedAt = $now
CREATE (o:Objection {{id: randomUUID(), ground: $ground, statement: $statement,
        evidence: $evidence, filedOn: $on, filedBy: $actor, status: 'REVIEW', createdAt: $now}})
CREATE (o)-[:AGAINST]->(e)
CREATE (o)-[:HAS_STEP]->(:ObjectionStep {{id: randomUUID(), kind: 'REVIEW', openedOn: $on,
        dueOn: $dueOn, dueProvisional: $provisional, seq: 1}})
WITH e, o, 'DISPUTED' AS change
{ENTRY_VERSION}
RETURN o.id AS id
"""

# The objection under its write lock: the state every later statement decides on.
CLAIM_OBJECTION = """
MATCH (o:Objection {id: $id})-[:AGAINST]->(e:ListEntry)
SET o._LOCK_ = true REMOVE o._LOCK_
RETURN o.status AS status, o.outcome AS outcome, e.id AS entryId
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


async def calendar(tx: Transaction) -> WorkingCalendar:
    """The working-day calendar as the transaction sees it."""
    [record] = await tx.run(CALENDAR)
    return calendar_from(record)


async def _claim(tx: Transaction, objection_id: str) -> Any:
    found = await tx.claim(CLAIM_OBJECTION, {"id": objection_id})
    if not found:
        raise NotFound("no such objection", id=objection_id)
    return found[0]


async def _write_advance(
    tx: Transaction,
    objection_id: str,
    claimed: Any,
    outcome: str,
    *,
    note: str | None,
    on: dt.date,
    actor: str,
    now: dt.datetime,
) -> None:
    """Record ``outcome`` on the open step and move on as the procedure says; closing the
    objection is a version of the entry too (it is no longer disputed)."""
    move = rule.transition(claimed["status"], outcome)
    due = provisional = None
    if move.next_step and move.days:
        when = (await calendar(tx)).add_working_days(on, move.days)
        due, provisional = when.date, when.provisional
    await tx.run(
        ADVANCE_OBJECTION,
        {
            "id": objection_id,
            "on": on,
            "actor": actor,
            "outcome": outcome,
            "note": note,
            "status": move.status,
            "next": move.next_step,
            "dueOn": due,
            "provisional": provisional,
            "close": move.close,
        },
    )
    if move.close:
        await write_event(
            tx,
            claimed["entryId"],
            change="DISPUTE_CLOSED",
            reason=f"objection {objection_id}: {outcome}",
            actor=actor,
            now=now,
        )


async def file(
    db: Database,
    entry_id: str,
    *,
    ground: str,
    statement: str,
    evidence: list[str],
    on: dt.date,
    actor: str,
    now: dt.datetime,
) -> str:
    """实施办法 第十五条: file an objection; the entry is disputed from now on and the
    review is due in 10 working days. Returns the objection's id."""

    async def work(tx: Transaction) -> str:
        due = (await calendar(tx)).add_working_days(on, rule.REVIEW_DAYS)
        found = await tx.run(
            FILE_OBJECTION,
            {
                "entryId": entry_id,
                "ground": ground,
                "statement": statement,
                "evidence": evidence,
                "on": on,
                "actor": actor,
                "now": now,
                "dueOn": due.date,
                "provisional": due.provisional,
                "reason": f"objection: {ground}",
            },
        )
        if not found:
            raise NotFound("no such list entry", id=entry_id)
        return str(found[0]["id"])

    return await step.run(db, work, op="objection")


async def advance(
    db: Database,
    objection_id: str,
    outcome: str,
    *,
    note: str | None,
    on: dt.date,
    actor: str,
    now: dt.datetime,
) -> None:
    """A review, verification or appeal decision (实施办法 第十六条, 第十七条)."""

    async def work(tx: Transaction) -> None:
        claimed = await _claim(tx, objection_id)
        await _write_advance(
            tx, objection_id, claimed, outcome, note=note, on=on, actor=actor, now=now
        )

    await step.run(db, work, op="objection")


async def correct(
    db: Database,
    objection_id: str,
    *,
    changes: dict[str, Any],
    revoke: bool,
    reason: str,
    on: dt.date,
    actor: str,
    now: dt.datetime,
) -> None:
    """管理办法 第二十九条: correct (or revoke) the entry an objection found wrong; derived
    entries follow, and the objection closes, in the same transaction."""

    async def work(tx: Transaction) -> None:
        claimed = await _claim(tx, objection_id)
        rule.transition(claimed["status"], "CORRECTED")  # only an objection at correction
        if not changes and not revoke:
            raise InvalidInput("say what changes, or revoke the entry")
        entry_id = claimed["entryId"]
        if revoke:
            await write_end(
                tx,
                entry_id,
                status="REVOKED",
                on=on,
                actor=actor,
                now=now,
                reason=f"objection {objection_id}: {reason}",
            )
        if changes:
            await write_correction(tx, entry_id, changes, now=now, actor=actor, reason=reason)
        await _write_advance(
            tx, objection_id, claimed, "CORRECTED", note=reason, on=on, actor=actor, now=now
        )

    await step.run(db, work, op="correct_entry")


async def appeal(
    db: Database, objection_id: str, *, statement: str, on: dt.date, actor: str, now: dt.datetime
) -> None:
    """实施办法 第十七条, 管理办法 第三十条: reopen a closed objection for the credit
    authority's decision; the entry is disputed again."""

    async def work(tx: Transaction) -> None:
        claimed = await _claim(tx, objection_id)
        rule.appeal(claimed["status"], claimed["outcome"])
        await tx.run(REOPEN_FOR_APPEAL, {"id": objection_id, "on": on, "note": statement})
        await write_event(
            tx,
            claimed["entryId"],
            change="DISPUTED",
            reason=f"appeal of objection {objection_id}",
            actor=actor,
            now=now,
        )

    await step.run(db, work, op="objection")
