"""管理办法 第二十六条: a serious black entry on an organisation reaches its responsible persons."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.base.db import Database
from procedures.entry import end_entry
from procedures.propagation import recompute
from tests.conftest import unique_id_number, unique_uscc
from tests.graph import load_ok

DEPT = "320800/淮安市市场监督管理局"
NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


async def company(db: Database) -> dict[str, str]:
    """An organisation whose posts changed hands around 2020-03-01 (the date of the act)."""
    people = {
        name: unique_id_number()
        for name in (
            "left_before",
            "at_the_time",
            "joined_after",
            "director",
            "responsible",
            "manager",
        )
    }
    org = unique_uscc()
    await load_ok(
        db,
        "subjects",
        [{"uscc": org, "name": "淮安市传导测试有限公司"}]
        + [{"id_number": n, "name": k} for k, n in people.items()],
    )
    await load_ok(
        db,
        "roles",
        [
            {
                "id_number": people["left_before"],
                "uscc": org,
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2012-01-01",
                "end": "2020-02-29",
            },
            {
                "id_number": people["at_the_time"],
                "uscc": org,
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2020-03-01",
                "end": "2020-06-30",
            },
            {
                "id_number": people["joined_after"],
                "uscc": org,
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2020-07-01",
            },
            {
                "id_number": people["director"],
                "uscc": org,
                "role": "DIRECTOR",
                "start": "2012-01-01",
            },
            {
                "id_number": people["responsible"],
                "uscc": org,
                "role": "DIRECTLY_RESPONSIBLE",
                "start": "2019-01-01",
                "end": "2020-03-01",
            },
            {
                "id_number": people["manager"],
                "uscc": org,
                "role": "PRINCIPAL_RESPONSIBLE",
                "start": "2020-03-02",
            },
        ],
    )
    return {"org": org, **people}


def serious(org: str, **extra: str) -> dict[str, str]:
    return {
        "list": "BLACK",
        "uscc": org,
        "department_id": DEPT,
        "facts": "生产销售假冒伪劣产品",
        "severity": "SERIOUS",
        "act_on": "2020-03-01",
        "recognised_on": "2020-09-01",
        "disclosure": "GOVERNMENT",
        "source_system": "test",
        "source_ref": org,
        **extra,
    }


async def derived_on(db: Database, org: str) -> dict[str, dict[str, Any]]:
    """Derived entries reached through ``org``, by person name."""
    rows = await db.read(
        "MATCH (d:ListEntry {derived: true})-[:THROUGH]->(:Organization {uscc: $u}) "
        "MATCH (d)-[:CONCERNS]->(p:Person) MATCH (d)-[:DERIVED_FROM]->(src) "
        "RETURN p.name AS name, d {.*} AS d, src.id AS source",
        {"u": org},
    )
    return {r["name"]: {**r["d"], "source": r["source"]} for r in rows}


async def test_role_held_on_the_date_of_the_act_decides(db: Database) -> None:
    c = await company(db)
    await load_ok(db, "entries", [serious(c["org"])])
    derived = await derived_on(db, c["org"])
    # left_before, joined_after, director (not a propagating role) and manager (from the next
    # day on) are not touched; the legal representative and the directly responsible person
    # holding the post on 2020-03-01 are (both ends of a role count).
    assert sorted(derived) == ["at_the_time", "responsible"]
    d = derived["at_the_time"]
    assert d["derivedRoles"] == ["LEGAL_REPRESENTATIVE"] and d["severity"] == "SERIOUS"
    assert str(d["recognisedOn"]) == "2020-09-01" and str(d["validUntil"]) == "2023-09-01"
    assert d["kind"] == "BLACK" and d["disclosure"] == "GOVERNMENT"


async def test_only_serious_black_entries_on_organisations_propagate(db: Database) -> None:
    c = await company(db)
    await load_ok(
        db,
        "entries",
        [
            serious(c["org"], severity="MAJOR", source_ref=c["org"] + "-major"),
            serious(c["org"], list="RED", severity="", source_ref=c["org"] + "-red"),
            {
                "list": "BLACK",
                "id_number": c["at_the_time"],
                "department_id": DEPT,
                "facts": "x",
                "severity": "SERIOUS",
                "recognised_on": "2020-09-01",
            },
        ],
    )
    assert await derived_on(db, c["org"]) == {}


async def test_derived_entries_follow_their_source(db: Database, gql: Any) -> None:
    c = await company(db)
    await load_ok(db, "entries", [serious(c["org"])])
    source = (await derived_on(db, c["org"]))["at_the_time"]["source"]
    q = """query($n: String!, $d: Date) { person(idNumber: $n) { listEntries(asOf: $d) {
             status derived derivedRoles source { id } throughOrganization { name } } } }"""
    during = gql(q, {"n": c["at_the_time"], "d": "2023-09-01"})["data"]["person"]["listEntries"]
    assert during == [
        {
            "status": "ACTIVE",
            "derived": True,
            "derivedRoles": ["LEGAL_REPRESENTATIVE"],
            "source": {"id": source},
            "throughOrganization": {"name": "淮安市传导测试有限公司"},
        }
    ]
    after = gql(q, {"n": c["at_the_time"], "d": "2023-09-02"})["data"]["person"]["listEntries"]
    assert after[0]["status"] == "EXPIRED"  # the source's validity window, 管理办法 第二十七条
    # Revocation of the source reaches the derived entries in the same transaction.
    await end_entry(
        db,
        source,
        status="REVOKED",
        on=dt.date(2021, 1, 1),
        reason="撤销认定",
        actor="test",
        now=NOW,
    )
    derived = await derived_on(db, c["org"])
    assert {d["status"] for d in derived.values()} == {"REVOKED"}
    assert {str(d["endedOn"]) for d in derived.values()} == {"2021-01-01"}
    revoked = gql(q, {"n": c["at_the_time"], "d": "2021-01-01"})["data"]["person"]["listEntries"]
    before = gql(q, {"n": c["at_the_time"], "d": "2020-12-31"})["data"]["person"]["listEntries"]
    assert revoked[0]["status"] == "REVOKED" and before[0]["status"] == "ACTIVE"


async def test_repair_reaches_derived_entries(db: Database) -> None:
    c = await company(db)
    await load_ok(db, "entries", [serious(c["org"])])
    source = (await derived_on(db, c["org"]))["responsible"]["source"]
    await end_entry(
        db,
        source,
        status="REPAIRED",
        on=dt.date(2022, 5, 1),
        reason="信用修复",
        actor="test",
        now=NOW,
    )
    derived = await derived_on(db, c["org"])
    assert {(d["status"], d["endReason"]) for d in derived.values()} == {("REPAIRED", "信用修复")}


async def test_corrections_void_and_restore_derivations(db: Database) -> None:
    c = await company(db)
    await load_ok(db, "entries", [serious(c["org"])])
    # The role turns out to have ended the day before the act: its derivation is voided.
    await load_ok(
        db,
        "roles",
        [
            {
                "id_number": c["responsible"],
                "uscc": c["org"],
                "role": "DIRECTLY_RESPONSIBLE",
                "start": "2019-01-01",
                "end": "2020-02-28",
            }
        ],
    )
    derived = await derived_on(db, c["org"])
    assert derived["responsible"]["status"] == "REVOKED"
    assert str(derived["responsible"]["endedOn"]) == "2020-09-01"  # never in force
    assert derived["at_the_time"].get("endStatus") is None  # untouched (its stored status is
    # EXPIRED: the recorded status is for reporting, as of the import date)
    # The source is corrected to 较重: no derivation applies any more.
    await load_ok(db, "entries", [serious(c["org"], severity="MAJOR")])
    derived = await derived_on(db, c["org"])
    assert {d["status"] for d in derived.values()} == {"REVOKED"}
    # Corrected back to 严重: the lawful derivation is restored, the void one stays void.
    await load_ok(db, "entries", [serious(c["org"])])
    derived = await derived_on(db, c["org"])
    assert derived["at_the_time"].get("endedOn") is None
    assert derived["at_the_time"].get("endStatus") is None
    assert derived["responsible"]["status"] == "REVOKED"
    history = await db.read(
        "MATCH (d:ListEntry {key: $k})-[:HAS_VERSION]->(v) RETURN v.versionChange AS c "
        "ORDER BY v.version",
        {
            "k": f"derived:{derived['at_the_time']['source']}:"
            + (
                await db.read(
                    "MATCH (p:Person {idNumber: $n}) RETURN p.id AS id", {"n": c["at_the_time"]}
                )
            )[0]["id"]
        },
    )
    assert [h["c"] for h in history] == ["RECORDED", "VOIDED", "UPDATED"]


async def test_recompute_is_idempotent_and_reports_changes(db: Database) -> None:
    c = await company(db)
    # A source written without the incremental step (as an older system would have left it).
    await db.write(
        "MATCH (o:Organization {uscc: $u}), (d:Department {id: $dept}) "
        "CREATE (e:ListEntry {id: randomUUID(), key: 'raw:' + $u, kind: 'BLACK', "
        "severity: 'SERIOUS', derived: false, disclosure: 'PUBLIC', status: 'ACTIVE', "
        "recognisedOn: date('2020-09-01'), actOn: date('2020-03-01'), "
        "validUntil: date('2023-09-01'), facts: 'x', version: 1})-[:CONCERNS]->(o), "
        "(e)-[:RECOGNISED_BY]->(d)",
        {"u": c["org"], "dept": DEPT},
    )
    first = await recompute(db, now=NOW, actor="test")
    assert first["RECORDED"] >= 2
    assert sorted(await derived_on(db, c["org"])) == ["at_the_time", "responsible"]
    second = await recompute(db, now=NOW, actor="test")
    assert second == {"RECORDED": 0, "UPDATED": 0, "VOIDED": 0}
