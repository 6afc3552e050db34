"""Re-imports against the real Neo4j: what a row leaves out, and what procedures did.

An empty cell is "not given": a default (org_type, disclosure, severity and the validity
it implies) applies when a row creates a node, never over what the graph holds. An entry
a procedure has ended or corrected (实施办法 第二十条: nothing changes outside the legal
procedure) keeps what the procedure made of it: the source row imported before changes
nothing, and a changed row is refused with ``CHANGED_BY_PROCEDURE``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.base.db import Database
from procedures import entry, step
from tests.conftest import unique_id_number, unique_uscc
from tests.graph import load, load_ok

DEPT = "320800/淮安市市场监督管理局"
NOW = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


async def organisation(db: Database, code: str) -> dict[str, Any]:
    [row] = await db.read(
        "MATCH (o:Organization {uscc: $u}) RETURN properties(o) AS p", {"u": code}
    )
    return dict(row["p"])


async def the_entry(db: Database, key: str) -> dict[str, Any]:
    [row] = await db.read(
        "MATCH (e:ListEntry {key: $key}) RETURN properties(e) AS p, "
        "size([(e)-[:HAS_VERSION]->(v) | v]) AS versions",
        {"key": key},
    )
    return {**row["p"], "versions": row["versions"]}


async def test_a_row_without_org_type_keeps_the_stored_one(db: Database) -> None:
    code = unique_uscc()
    row = {"uscc": code, "name": "淮安市清江浦区顺发商行", "org_type": "UNINCORPORATED"}
    await load_ok(db, "subjects", [row])
    again = await load_ok(db, "subjects", [{"uscc": code, "name": "淮安市清江浦区顺发商行"}])
    assert (again.updated, again.unchanged) == (0, 1)
    assert (await organisation(db, code))["orgType"] == "UNINCORPORATED"
    # A new organisation without org_type is a legal person, as before.
    other = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": other, "name": "淮安市新设有限公司"}])
    assert (await organisation(db, other))["orgType"] == "LEGAL_PERSON"


async def test_an_entry_row_without_disclosure_or_severity_keeps_the_stored_ones(
    db: Database,
) -> None:
    code = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": code, "name": "淮安市公示有限公司"}])
    given = {
        "list": "BLACK",
        "uscc": code,
        "department_id": DEPT,
        "facts": "未按期公示年度报告",
        "recognised_on": "2026-02-01",
        "source_system": "scjg",
        "source_ref": f"gs-{code}",
    }
    await load_ok(db, "entries", [{**given, "severity": "GENERAL", "disclosure": "PUBLIC"}])
    before = await the_entry(db, f"scjg:gs-{code}")
    assert str(before["validUntil"]) == "2027-02-01"  # 管理办法 第二十七条: 一般, one year
    again = await load_ok(db, "entries", [given])
    assert (again.updated, again.unchanged) == (0, 1)
    after = await the_entry(db, f"scjg:gs-{code}")
    assert (after["severity"], after["disclosure"], str(after["validUntil"])) == (
        "GENERAL",
        "PUBLIC",
        "2027-02-01",
    )
    assert after["version"] == before["version"]
    # A severity that is given still sets the validity it implies.
    await load_ok(db, "entries", [{**given, "severity": "SERIOUS"}])
    changed = await the_entry(db, f"scjg:gs-{code}")
    assert (changed["severity"], changed["disclosure"], str(changed["validUntil"])) == (
        "SERIOUS",
        "PUBLIC",
        "2029-02-01",
    )


async def test_a_record_row_without_disclosure_keeps_the_stored_one(db: Database) -> None:
    person = unique_id_number()
    await load_ok(db, "subjects", [{"id_number": person, "name": "周八"}])
    row = {
        "category": "POSITIVE",
        "id_number": person,
        "department_id": DEPT,
        "type": "表彰",
        "recorded_on": "2025-03-01",
        "source_system": "rs",
        "source_ref": f"bz-{person}",
    }
    await load_ok(db, "records", [{**row, "disclosure": "PUBLIC"}])
    again = await load_ok(db, "records", [row])
    assert again.unchanged == 1
    [stored] = await db.read(
        "MATCH (r:CreditRecord {key: $k}) RETURN r.disclosure AS d", {"k": f"rs:bz-{person}"}
    )
    assert stored["d"] == "PUBLIC"


async def listed_entry(db: Database, ref: str) -> tuple[dict[str, str], str]:
    code = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": code, "name": "淮安市程序有限公司"}])
    row = {
        "list": "BLACK",
        "uscc": code,
        "department_id": DEPT,
        "facts": "提供虚假材料",
        "severity": "SERIOUS",
        "recognised_on": "2026-03-01",
        "source_system": "court",
        "source_ref": f"{ref}-{code}",
    }
    await load_ok(db, "entries", [row])
    return row, f"court:{ref}-{code}"


async def test_a_reimport_never_undoes_a_repair(db: Database) -> None:
    row, key = await listed_entry(db, "repair")
    stored = await the_entry(db, key)
    await entry.end_entry(
        db,
        stored["id"],
        status="REPAIRED",
        on=dt.date(2026, 10, 1),
        reason="信用修复",
        actor="officer",
        now=NOW,
    )
    ended = await the_entry(db, key)
    again = await load_ok(db, "entries", [row])
    assert (again.updated, again.unchanged) == (0, 1)
    assert await the_entry(db, key) == ended
    report, rejects = await load(db, "entries", [{**row, "facts": "提供虚假材料（补充）"}])
    assert [(r.line, r.field, r.code) for r in rejects] == [(1, "(row)", "CHANGED_BY_PROCEDURE")]
    assert "REPAIRED" in rejects[0].reason and "2026-10-01" in rejects[0].reason
    assert report.updated == 0
    assert await the_entry(db, key) == ended


async def test_a_reimport_never_undoes_a_correction(db: Database) -> None:
    row, key = await listed_entry(db, "correct")
    stored = await the_entry(db, key)

    async def correct(tx: Any) -> None:
        await entry.write_correction(
            tx,
            stored["id"],
            {"facts": "提供虚假材料（已更正）"},
            now=NOW,
            actor="officer",
            reason="管理办法 第二十九条",
        )

    await step.run(db, correct, op="test_correction")
    corrected = await the_entry(db, key)
    assert corrected["facts"] == "提供虚假材料（已更正）"
    # The row imported before the correction changes nothing.
    again = await load_ok(db, "entries", [row])
    assert (again.updated, again.unchanged) == (0, 1)
    assert await the_entry(db, key) == corrected
    # A row that differs from both is refused: which one is right is not the import's call.
    report, rejects = await load(db, "entries", [{**row, "severity": "GENERAL"}])
    assert [r.code for r in rejects] == ["CHANGED_BY_PROCEDURE"]
    assert "CORRECTED" in rejects[0].reason
    assert await the_entry(db, key) == corrected
    # The source catching up with the correction is no change either.
    caught_up = await load_ok(db, "entries", [{**row, "facts": "提供虚假材料（已更正）"}])
    assert caught_up.unchanged == 1
    assert (await the_entry(db, key))["version"] == corrected["version"]


async def test_an_entry_no_procedure_touched_is_still_updated_by_a_changed_row(
    db: Database,
) -> None:
    row, key = await listed_entry(db, "plain")
    changed = await load_ok(db, "entries", [{**row, "facts": "提供虚假材料（补充）"}])
    assert changed.updated == 1
    assert (await the_entry(db, key))["facts"] == "提供虚假材料（补充）"
