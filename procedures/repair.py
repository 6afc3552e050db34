"""The credit repair procedure's steps (管理办法 第三十一条–第三十二条, 实施办法 第十八条–第十九条).

Every step on an application claims it together with its subject (see ``procedures``):
the subject's repair history is what the eligibility rules weigh, so an application and
an acceptance for the same subject never interleave. The status rules are in
graph_schema/rules/repair_steps, eligibility in graph_schema/rules/repair.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import orjson

from gateway.base.db import Database, Transaction
from gateway.base.errors import Conflict, NotFound
from graph_schema.rules import repair as eligibility_rule
from graph_schema.rules import repair_steps as rule
from loaders.lifecycle import REPAIR_CASE, repair_case
from procedures import step
from procedures.entry import write_archive, write_end
from procedures.objection import calendar

RECORD_EXCLUSION = """
MATCH (s:Subject {id: $subjectId})
CREATE (r:RepairExclusion {id: randomUUID(), kind: $kind, reason: $reason, recordedOn: $on,
        recordedBy: $actor, department: $dept})-[:AGAINST]->(s)
RETURN r.id AS id
"""

# The subject of an entry under its write lock, before its history is read.
CLAIM_SUBJECT_OF_ENTRY = """
MATCH (:ListEntry {id: $id})-[:CONCERNS]->(s:Subject)
SET s._LOCK_ = true REMOVE s._LOCK_
RETURN s.id AS id
"""

APPLY_FOR_REPAIR = """
MATCH (e:ListEntry {id: $entryId})
CREATE (a:RepairApplication {id: randomUUID(), appliedOn: $on, correctedOn: $correctedOn,
        committed: $committed, evidence: $evidence, appliedBy: $actor, status: 'APPLIED',
        rules: $rules})-[:FOR_ENTRY]->(e)
RETURN a.id AS id
"""

# The application and its subject under their write locks.
CLAIM_APPLICATION = """
MATCH (a:RepairApplication {id: $id})-[:FOR_ENTRY]->(e:ListEntry)-[:CONCERNS]->(s:Subject)
SET a._LOCK_ = true, s._LOCK_ = true REMOVE a._LOCK_, s._LOCK_
RETURN a.status AS status, a.opinion AS opinion, a.publicityEndsOn AS publicityEndsOn,
       e.id AS entryId
"""

UPDATE_REPAIR = """
MATCH (a:RepairApplication {id: $id})
SET a += $changes
RETURN a.id AS id
"""


async def _claim(tx: Transaction, application_id: str) -> dict[str, Any]:
    found = await tx.claim(CLAIM_APPLICATION, {"id": application_id})
    if not found:
        raise NotFound("no such repair application", id=application_id)
    claimed = dict(found[0])
    ends = claimed["publicityEndsOn"]
    claimed["publicityEndsOn"] = ends.to_native() if ends is not None else None
    return claimed


async def _update(tx: Transaction, application_id: str, **changes: Any) -> None:
    await tx.run(UPDATE_REPAIR, {"id": application_id, "changes": changes})


async def record_exclusion(
    db: Database,
    subject_id: str,
    *,
    kind: str,
    reason: str,
    on: dt.date,
    actor: str,
    dept: str | None,
) -> None:
    """管理办法 第三十一条（二）2, 6, 7: record a reason the subject may not be repaired."""

    async def work(tx: Transaction) -> None:
        await tx.run(
            RECORD_EXCLUSION,
            {
                "subjectId": subject_id,
                "kind": kind,
                "reason": reason,
                "on": on,
                "actor": actor,
                "dept": dept,
            },
        )

    await step.run(db, work, op="repair")


async def apply(
    db: Database,
    entry_id: str,
    *,
    corrected_on: dt.date,
    committed: bool,
    evidence: list[str],
    on: dt.date,
    actor: str,
) -> str:
    """Apply for repair; refused with every failed rule (管理办法 第三十一条) when the entry
    is not eligible on ``on``. Returns the application's id."""

    async def work(tx: Transaction) -> str:
        if not await tx.claim(CLAIM_SUBJECT_OF_ENTRY, {"id": entry_id}):
            raise NotFound("no such list entry", id=entry_id)
        [record] = await tx.run(REPAIR_CASE, {"id": entry_id})
        result = eligibility_rule.eligibility(
            repair_case(record, applied_on=on, corrected_on=corrected_on, committed=committed)
        )
        if not result.eligible:
            raise Conflict(
                "the entry is not eligible for repair",
                failed=[r.rule for r in result.rules if not r.passed],
            )
        rules = [dataclasses.asdict(r) for r in result.rules]
        [created] = await tx.run(
            APPLY_FOR_REPAIR,
            {
                "entryId": entry_id,
                "on": on,
                "correctedOn": corrected_on,
                "committed": committed,
                "evidence": evidence,
                "actor": actor,
                "rules": orjson.dumps(rules).decode(),
            },
        )
        return str(created["id"])

    return await step.run(db, work, op="repair")


async def give_opinion(
    db: Database, application_id: str, *, supports: bool, opinion: str, on: dt.date
) -> None:
    """管理办法 第三十二条: the providing department's written opinion; a favourable one
    opens 5 working days of publicity, an unfavourable one rejects the application."""

    async def work(tx: Transaction) -> None:
        rule.opinion((await _claim(tx, application_id))["status"])
        if not supports:
            await _update(tx, application_id, status="REJECTED", opinion=opinion, opinionOn=on)
            return
        ends = (await calendar(tx)).add_working_days(on, rule.PUBLICITY_DAYS)
        await _update(
            tx,
            application_id,
            status="PUBLICITY",
            opinion=opinion,
            opinionOn=on,
            publicityEndsOn=ends.date,
            publicityProvisional=ends.provisional,
        )

    await step.run(db, work, op="repair")


async def object_during_publicity(
    db: Database, application_id: str, *, statement: str, today: dt.date
) -> None:
    """管理办法 第三十二条: record an objection raised during the publicity period."""

    async def work(tx: Transaction) -> None:
        claimed = await _claim(tx, application_id)
        rule.publicity_objection(claimed["status"], claimed["publicityEndsOn"], today)
        await _update(
            tx, application_id, status="PUBLICITY_OBJECTION", publicityObjection=statement
        )

    await step.run(db, work, op="repair")


async def resolve_publicity_objection(
    db: Database, application_id: str, *, upheld: bool, opinion: str
) -> None:
    """The providing department's answer: an upheld objection rejects the application,
    otherwise publicity goes on; its opinion is added to the earlier one."""

    async def work(tx: Transaction) -> None:
        claimed = await _claim(tx, application_id)
        rule.resolution(claimed["status"])
        await _update(
            tx,
            application_id,
            status="REJECTED" if upheld else "PUBLICITY",
            opinion=f"{claimed['opinion'] or ''}\n{opinion}".strip(),
        )

    await step.run(db, work, op="repair")


async def accept(
    db: Database, application_id: str, *, on: dt.date, actor: str, now: dt.datetime
) -> None:
    """实施办法 第十九条: after publicity without objection the application is accepted, the
    entry leaves the list (its derived entries follow) and is kept as an archive record."""

    async def work(tx: Transaction) -> None:
        claimed = await _claim(tx, application_id)
        rule.acceptance(claimed["status"], claimed["publicityEndsOn"], on)
        reason = f"信用修复 {application_id}"
        await _update(tx, application_id, status="ACCEPTED", acceptedOn=on)
        await write_end(
            tx, claimed["entryId"], status="REPAIRED", on=on, reason=reason, actor=actor, now=now
        )
        await write_archive(tx, claimed["entryId"], on=on, reason=reason, actor=actor, now=now)

    await step.run(db, work, op="repair")
