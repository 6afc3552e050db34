"""Every lifecycle step is all or nothing: failed after any of its writes, it leaves the
graph as it was; run again, it succeeds; run concurrently, the claim serialises it.

The steps are called directly (in-process), so ``fail_after_writes`` reaches them; the
graph is compared as a snapshot of everything around the test's subjects: their
entries, versions, derived entries, objections, steps and applications, with every
property and outgoing relationship.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from gateway.base.db import Database
from gateway.base.errors import Conflict
from procedures import entry, objection, repair
from procedures.step import InjectedFault, fail_after_writes
from tests.integration.test_lifecycle import listed

NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
ACTOR = "officer@320800/淮安市公共信用信息中心"
LABELS = [
    "Subject",
    "ListEntry",
    "Version",
    "Objection",
    "ObjectionStep",
    "RepairApplication",
    "RepairExclusion",
]

SNAPSHOT = """
MATCH (s:Subject) WHERE s.id IN $ids
MATCH p = (s)-[*0..3]-(n)
WHERE all(x IN nodes(p) WHERE any(l IN labels(x) WHERE l IN $labels))
WITH DISTINCT n
OPTIONAL MATCH (n)-[r]->(m)
WITH n, r, m ORDER BY type(r), elementId(m)
RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props,
       [x IN collect([type(r), elementId(m), properties(r)]) WHERE x[0] IS NOT NULL] AS out
ORDER BY id
"""


async def snapshot(db: Database, world: dict[str, str]) -> list[tuple[Any, ...]]:
    ids = [world["subject"], *([world["rep_id"]] if world.get("rep_id") else [])]
    rows = await db.read(SNAPSHOT, {"ids": ids, "labels": LABELS})
    return [(r["id"], sorted(r["labels"]), r["props"], r["out"]) for r in rows]


async def all_or_nothing(
    db: Database, world: dict[str, str], writes: int, step: Callable[[], Awaitable[Any]]
) -> Any:
    """Fail ``step`` after each of its first ``writes`` writes: nothing changes; then run it."""
    before = await snapshot(db, world)
    for n in range(1, writes + 1):
        with fail_after_writes(n), pytest.raises(InjectedFault):
            await step()
        assert await snapshot(db, world) == before, f"write {n} was left behind"
    result = await step()
    assert await snapshot(db, world) != before
    return result


async def with_rep(
    db: Database, severity: str = "SERIOUS", recognised: str = "2026-06-01"
) -> dict[str, str]:
    world = await listed(db, severity=severity, recognised=recognised, with_rep=True)
    rows = await db.read("MATCH (p:Person {idNumber: $n}) RETURN p.id AS id", {"n": world["rep"]})
    return {**world, "rep_id": rows[0]["id"]}


async def state(db: Database, world: dict[str, str]) -> dict[str, Any]:
    """The entry's status and history, its derived entry's status, its objections."""
    [row] = await db.read(
        """MATCH (e:ListEntry {id: $e})
           OPTIONAL MATCH (d:ListEntry)-[:DERIVED_FROM]->(e)
           RETURN e.status AS status, e.severity AS severity,
                  [(e)-[:HAS_VERSION]->(v) | v.versionChange] AS changes,
                  collect(d.status) AS derived,
                  [(o:Objection)-[:AGAINST]->(e) | [o.status, o.outcome]] AS objections""",
        {"e": world["entry"]},
    )
    return {**row, "changes": sorted(row["changes"])}


async def test_filing_an_objection(db: Database) -> None:
    world = await listed(db)
    filed = await all_or_nothing(
        db,
        world,
        1,
        lambda: objection.file(
            db,
            world["entry"],
            ground="WRONG_OR_MISSING_FACTS",
            statement="不实",
            evidence=[],
            on=dt.date(2026, 11, 2),
            actor=ACTOR,
            now=NOW,
        ),
    )
    assert (await state(db, world))["objections"] == [["REVIEW", None]]
    steps = await db.read(
        "MATCH (:Objection {id: $o})-[:HAS_STEP]->(s) RETURN s.dueOn AS due", {"o": filed}
    )
    assert [str(s["due"]) for s in steps] == ["2026-11-16"]  # 10 working days


async def test_the_advance_that_closes_a_dispute(db: Database) -> None:
    world = await listed(db)
    filed = await objection.file(
        db,
        world["entry"],
        ground="OTHER",
        statement="不实",
        evidence=[],
        on=dt.date(2026, 11, 2),
        actor=ACTOR,
        now=NOW,
    )
    await all_or_nothing(
        db,
        world,
        2,
        lambda: objection.advance(
            db, filed, "REJECTED", note=None, on=dt.date(2026, 11, 3), actor=ACTOR, now=NOW
        ),
    )
    after = await state(db, world)
    assert after["objections"] == [["CLOSED", "REJECTED"]]
    assert after["changes"] == ["DISPUTED", "DISPUTE_CLOSED", "RECORDED"]


async def test_appealing_an_objection(db: Database) -> None:
    world = await listed(db)
    filed = await objection.file(
        db,
        world["entry"],
        ground="OTHER",
        statement="不实",
        evidence=[],
        on=dt.date(2026, 11, 2),
        actor=ACTOR,
        now=NOW,
    )
    await objection.advance(
        db, filed, "REJECTED", note=None, on=dt.date(2026, 11, 3), actor=ACTOR, now=NOW
    )
    await all_or_nothing(
        db,
        world,
        2,
        lambda: objection.appeal(
            db, filed, statement="不服", on=dt.date(2026, 11, 4), actor=ACTOR, now=NOW
        ),
    )
    after = await state(db, world)
    assert after["objections"] == [["APPEAL", "REJECTED"]]
    assert after["changes"].count("DISPUTED") == 2


async def at_correction(db: Database, world: dict[str, str]) -> str:
    filed = await objection.file(
        db,
        world["entry"],
        ground="OTHER",
        statement="不实",
        evidence=[],
        on=dt.date(2026, 11, 2),
        actor=ACTOR,
        now=NOW,
    )
    await objection.advance(
        db, filed, "ERROR_CONFIRMED", note=None, on=dt.date(2026, 11, 3), actor=ACTOR, now=NOW
    )
    return filed


async def test_correcting_an_entry_voids_what_no_longer_follows(db: Database) -> None:
    world = await with_rep(db)
    filed = await at_correction(db, world)
    # The correction, the derived entry voided, the step closed, the dispute closed.
    await all_or_nothing(
        db,
        world,
        4,
        lambda: objection.correct(
            db,
            filed,
            changes={"severity": "GENERAL"},
            revoke=False,
            reason="核实有误",
            on=dt.date(2026, 11, 5),
            actor=ACTOR,
            now=NOW,
        ),
    )
    after = await state(db, world)
    assert (after["severity"], after["derived"]) == ("GENERAL", ["REVOKED"])
    assert after["objections"] == [["CLOSED", "CORRECTED"]]
    assert after["changes"] == ["CORRECTED", "DISPUTED", "DISPUTE_CLOSED", "RECORDED"]


async def test_correcting_by_revocation_reaches_derived_entries(db: Database) -> None:
    world = await with_rep(db)
    filed = await at_correction(db, world)
    # The revocation, its derived entry following, the step closed, the dispute closed.
    await all_or_nothing(
        db,
        world,
        4,
        lambda: objection.correct(
            db,
            filed,
            changes={},
            revoke=True,
            reason="认定错误",
            on=dt.date(2026, 11, 5),
            actor=ACTOR,
            now=NOW,
        ),
    )
    after = await state(db, world)
    assert (after["status"], after["derived"]) == ("REVOKED", ["REVOKED"])
    assert after["changes"] == ["DISPUTED", "DISPUTE_CLOSED", "RECORDED", "REVOKED"]


async def test_revoking_an_entry_reaches_derived_entries(db: Database) -> None:
    world = await with_rep(db)
    ended = await all_or_nothing(
        db,
        world,
        2,
        lambda: entry.end_entry(
            db,
            world["entry"],
            status="REVOKED",
            on=dt.date(2026, 11, 5),
            reason="撤销认定",
            actor=ACTOR,
            now=NOW,
        ),
    )
    after = await state(db, world)
    assert ended and (after["status"], after["derived"]) == ("REVOKED", ["REVOKED"])


async def in_publicity(db: Database, world: dict[str, str]) -> str:
    application = await repair.apply(
        db,
        world["entry"],
        corrected_on=dt.date(2025, 3, 1),
        committed=True,
        evidence=[],
        on=dt.date(2026, 11, 9),
        actor=ACTOR,
    )
    await repair.give_opinion(
        db, application, supports=True, opinion="同意", on=dt.date(2026, 11, 10)
    )  # publicity until 17 Nov
    return application


async def test_accepting_a_repair(db: Database) -> None:
    world = await with_rep(db, recognised="2025-01-10")
    application = await in_publicity(db, world)
    # The application accepted, the entry ended, its derived entry following, the archive.
    await all_or_nothing(
        db,
        world,
        4,
        lambda: repair.accept(db, application, on=dt.date(2026, 11, 18), actor=ACTOR, now=NOW),
    )
    after = await state(db, world)
    assert (after["status"], after["derived"]) == ("REPAIRED", ["REPAIRED"])
    assert after["changes"] == ["ARCHIVED", "RECORDED", "REPAIRED"]
    [row] = await db.read(
        "MATCH (a:RepairApplication {id: $a}) RETURN a.status AS s", {"a": application}
    )
    assert row["s"] == "ACCEPTED"


async def test_concurrent_acceptances_take_effect_once(db: Database) -> None:
    world = await with_rep(db, recognised="2025-01-10")
    application = await in_publicity(db, world)
    outcomes = await asyncio.gather(
        *(
            repair.accept(db, application, on=dt.date(2026, 11, 18), actor=f"{ACTOR}/{n}", now=NOW)
            for n in range(4)
        ),
        return_exceptions=True,
    )
    assert sum(o is None for o in outcomes) == 1, outcomes
    assert all(isinstance(o, Conflict) for o in outcomes if o is not None), outcomes
    after = await state(db, world)
    assert after["changes"] == ["ARCHIVED", "RECORDED", "REPAIRED"]


async def test_concurrent_reviews_take_effect_once(db: Database) -> None:
    world = await listed(db)
    filed = await objection.file(
        db,
        world["entry"],
        ground="OTHER",
        statement="不实",
        evidence=[],
        on=dt.date(2026, 11, 2),
        actor=ACTOR,
        now=NOW,
    )
    outcomes = await asyncio.gather(
        *(
            objection.advance(
                db, filed, outcome, note=None, on=dt.date(2026, 11, 3), actor=ACTOR, now=NOW
            )
            for outcome in ("REJECTED", "FORWARD_FOR_VERIFICATION") * 2
        ),
        return_exceptions=True,
    )
    # Whichever came first, the others found the review closed: neither outcome follows.
    assert sum(o is None for o in outcomes) == 1, outcomes
    assert all(isinstance(o, Conflict) for o in outcomes if o is not None), outcomes
    steps = await db.read(
        "MATCH (:Objection {id: $o})-[:HAS_STEP]->(s) RETURN s.kind AS kind, s.outcome AS outcome",
        {"o": filed},
    )
    [review] = [s for s in steps if s["kind"] == "REVIEW"]
    assert len(steps) == (1 if review["outcome"] == "REJECTED" else 2)
    assert (await state(db, world))["changes"].count("DISPUTE_CLOSED") == (
        1 if review["outcome"] == "REJECTED" else 0
    )
