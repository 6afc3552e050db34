"""Bulk import against the real Neo4j: good rows load, bad rows are reported, nothing is lost."""

from __future__ import annotations

import csv
import datetime as dt
import os
import stat
import subprocess
import sys
from pathlib import Path

from gateway.base.db import Database
from gateway.base.settings import Settings
from seeds.importer import Importer, ImportKind, Reject
from tests.conftest import ROOT, TODAY, unique_id_number, unique_uscc
from tests.graph import load, load_ok

DEPT = "320800/淮安市市场监督管理局"


async def test_good_rows_load_and_every_bad_row_is_reported(db: Database, tmp_path: Path) -> None:
    good, person = unique_uscc(), unique_id_number()
    path = tmp_path / "subjects.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["subject_type", "uscc", "id_number", "name", "blood_type"])
        w.writerow(["ORGANIZATION", good, "", "淮安市测试甲有限公司", ""])
        w.writerow(
            ["ORGANIZATION", good[:-1] + ("0" if good[-1] != "0" else "1"), "", "坏代码公司", ""]
        )
        w.writerow(["PERSON", "", person, "李四", ""])
        w.writerow(["PERSON", "", unique_id_number(), "王五", "A"])
    rejects = tmp_path / "rejects.csv"
    report = await Importer(db, today=TODAY).run(path, ImportKind.SUBJECTS, rejects)
    assert (report.read, report.created, report.rejected) == (4, 2, 2)
    with open(rejects, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["line"], r["field"], r["code"]) for r in rows] == [
        ("3", "uscc", "INVALID_USCC"),
        ("5", "blood_type", "FORBIDDEN_INFORMATION"),
    ]
    found = await db.read(
        "MATCH (s:Subject) WHERE s.uscc = $u OR s.idNumber = $p RETURN count(s) AS n",
        {"u": good, "p": person},
    )
    assert found[0]["n"] == 2


async def test_reimport_changes_nothing_and_a_change_keeps_the_earlier_version(
    db: Database,
) -> None:
    code = unique_uscc()
    rows = [{"uscc": code, "name": "淮安市恒通物流有限公司", "address": "淮安市运河路1号"}]
    first = await load_ok(db, "subjects", rows)
    again = await load_ok(db, "subjects", rows)
    assert (first.created, again.created, again.updated, again.unchanged) == (1, 0, 0, 1)
    changed = await load_ok(db, "subjects", [{**rows[0], "address": "淮安市运河路2号"}])
    assert changed.updated == 1
    versions = await db.read(
        "MATCH (:Organization {uscc: $u})-[:HAS_VERSION]->(v:Version) "
        "RETURN v.address AS address, v.versionChange AS change ORDER BY v.version",
        {"u": code},
    )
    assert [(v["address"], v["change"]) for v in versions] == [
        ("淮安市运河路1号", "RECORDED"),
        ("淮安市运河路2号", "UPDATED"),
    ]
    # An empty cell never erases what the graph knows.
    await load_ok(db, "subjects", [{"uscc": code, "name": "淮安市恒通物流有限公司", "address": ""}])
    current = await db.read("MATCH (o:Organization {uscc: $u}) RETURN o.address AS a", {"u": code})
    assert current[0]["a"] == "淮安市运河路2号"


async def test_roles_and_entries_link_by_code_and_report_unknown_subjects(db: Database) -> None:
    org, person, stranger = unique_uscc(), unique_id_number(), unique_id_number()
    await load_ok(
        db,
        "subjects",
        [
            {"uscc": org, "name": "同名有限公司"},
            {"uscc": unique_uscc(), "name": "同名有限公司"},
            {"id_number": person, "name": "张伟"},
        ],
    )
    report, rejects = await load(
        db,
        "roles",
        [
            {
                "id_number": person,
                "uscc": org,
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2020-01-01",
            },
            {"id_number": stranger, "uscc": org, "role": "DIRECTOR", "start": "2020-01-01"},
        ],
    )
    assert report.created == 1
    assert [(r.line, r.field, r.code) for r in rejects] == [(2, "id_number", "UNKNOWN_SUBJECT")]
    again, _ = await load(
        db,
        "roles",
        [{"id_number": person, "uscc": org, "role": "LEGAL_REPRESENTATIVE", "start": "2020-01-01"}],
    )
    assert again.unchanged == 1
    ended = await load_ok(
        db,
        "roles",
        [
            {
                "id_number": person,
                "uscc": org,
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2020-01-01",
                "end": "2024-12-31",
            }
        ],
    )
    assert ended.updated == 1
    linked = await db.read(
        "MATCH (p:Person {idNumber: $p})-[r:HOLDS_ROLE]->(o:Organization) "
        "RETURN o.uscc AS uscc, toString(r.end) AS end",
        {"p": person},
    )
    assert [(r["uscc"], r["end"]) for r in linked] == [(org, "2024-12-31")]
    report, rejects = await load(
        db,
        "entries",
        [
            {
                "list": "BLACK",
                "uscc": org,
                "department_id": DEPT,
                "facts": "虚假登记",
                "recognised_on": "2025-05-01",
                "severity": "SERIOUS",
            },
            {
                "list": "BLACK",
                "id_number": stranger,
                "department_id": DEPT,
                "facts": "x",
                "recognised_on": "2025-05-01",
            },
            {
                "list": "BLACK",
                "uscc": org,
                "department_id": "999999/nowhere",
                "facts": "x",
                "recognised_on": "2025-05-01",
            },
        ],
    )
    assert report.created == 1
    assert [(r.line, r.code) for r in rejects] == [
        (2, "UNKNOWN_SUBJECT"),
        (3, "UNKNOWN_DEPARTMENT"),
    ]


async def test_article_4_black_listing_ends_earlier_red_entries(db: Database) -> None:
    org = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": org, "name": "淮安市守信后失信有限公司"}])
    await load_ok(
        db,
        "entries",
        [
            {
                "list": "RED",
                "uscc": org,
                "department_id": DEPT,
                "recognised_on": "2024-01-01",
                "category": "守合同重信用企业",
                "disclosure": "PUBLIC",
            }
        ],
    )
    await load_ok(
        db,
        "entries",
        [
            {
                "list": "BLACK",
                "uscc": org,
                "department_id": DEPT,
                "recognised_on": "2025-02-01",
                "facts": "虚假宣传",
                "severity": "SERIOUS",
            }
        ],
    )
    red = await db.read(
        "MATCH (e:ListEntry {kind: 'RED'})-[:CONCERNS]->(:Organization {uscc: $u}) "
        "RETURN e.status AS status, toString(e.endedOn) AS ended, e.endReason AS reason, "
        "size([(e)-[:HAS_VERSION]->(v) | v]) AS versions",
        {"u": org},
    )
    assert red[0]["status"] == "REVOKED" and red[0]["ended"] == "2025-02-01"
    assert red[0]["reason"].startswith("实施办法 第四条")
    assert red[0]["versions"] == 2  # recorded, then ended: the original is kept


def codes(rejects: list[Reject]) -> list[tuple[int, str, str]]:
    return [(r.line, r.field, r.code) for r in rejects]


async def test_dates_of_past_events_after_the_import_day_are_refused(db: Database) -> None:
    """The import day is pinned: the day itself is accepted, the day after is not."""
    day = dt.date(2026, 3, 1)
    org, person = unique_uscc(), unique_id_number()
    report, rejects = await load(
        db,
        "subjects",
        [
            {"uscc": org, "name": "淮安市今日成立有限公司", "established_on": "2026-03-01"},
            {
                "uscc": unique_uscc(),
                "name": "淮安市明日成立有限公司",
                "established_on": "2026-03-02",
            },
            {"id_number": person, "name": "陈一"},
        ],
        today=day,
    )
    assert codes(rejects) == [(2, "established_on", "DATE_IN_FUTURE")]
    assert report.created == 2
    report, rejects = await load(
        db,
        "roles",
        [
            {"id_number": person, "uscc": org, "role": "DIRECTOR", "start": "2026-03-02"},
            {
                "id_number": person,
                "uscc": org,
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2026-03-01",
                "end": "2029-02-28",  # a term that ends later is planned, not impossible
            },
        ],
        today=day,
    )
    assert codes(rejects) == [(1, "start", "DATE_IN_FUTURE")]
    assert report.created == 1
    entry = {"list": "BLACK", "uscc": org, "department_id": DEPT, "facts": "未按期履行"}
    report, rejects = await load(
        db,
        "entries",
        [
            {**entry, "recognised_on": "2099-01-01"},
            {**entry, "recognised_on": "2026-02-01", "act_on": "2026-03-02"},
            {**entry, "recognised_on": "2026-03-01", "valid_until": "2099-01-01"},
        ],
        today=day,
    )
    assert codes(rejects) == [
        (1, "recognised_on", "DATE_IN_FUTURE"),
        (2, "act_on", "DATE_IN_FUTURE"),
    ]
    assert rejects[0].value == "2099-01-01" and "2026-03-01" in rejects[0].reason
    assert report.created == 1
    report, rejects = await load(
        db,
        "records",
        [
            {
                "category": "NEGATIVE",
                "uscc": org,
                "department_id": DEPT,
                "type": "行政处罚",
                "recorded_on": recorded,
            }
            for recorded in ("2026-03-02", "2026-03-01")
        ],
        today=day,
    )
    assert codes(rejects) == [(1, "recorded_on", "DATE_IN_FUTURE")]
    assert report.created == 1
    stored = await db.read(
        "MATCH (e:ListEntry {derived: false})-[:CONCERNS]->(:Organization {uscc: $u}) "
        "RETURN toString(e.recognisedOn) AS on, toString(e.validUntil) AS until",
        {"u": org},
    )
    assert [(r["on"], r["until"]) for r in stored] == [("2026-03-01", "2099-01-01")]


def cli_env(settings: Settings) -> dict[str, str]:
    """The environment that points the command line at the test database."""
    return {
        **os.environ,
        "NEO4J_URI": settings.bolt_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.password(),
        "NEO4J_DATABASE": settings.neo4j_database,
    }


def test_the_command_line_takes_the_import_day_and_writes_rejects_for_the_owner_only(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    """``--as-of`` reaches the row rules; without it the machine's date is the import day."""
    path = tmp_path / "entries.csv"
    stranger = unique_uscc()
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["list", "uscc", "department_id", "facts", "recognised_on"])
        w.writerow(["BLACK", stranger, DEPT, "虚假承诺", "2025-07-01"])
    rejects = path.with_suffix(".csv.rejects.csv")
    command = [
        sys.executable,
        "-c",
        "from gateway.ops.cli import main; main()",
        "import",
        str(path),
    ]
    old_umask = os.umask(0o022)
    try:
        results = {}
        for as_of in ("2025-06-30", None):
            extra = ["--as-of", as_of] if as_of else []
            run = subprocess.run(
                [*command, "--kind", "entries", *extra],
                env=cli_env(settings),
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert run.returncode == 3, run.stdout + run.stderr
            assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
            with open(rejects, encoding="utf-8") as f:
                results[as_of] = [(r["field"], r["code"]) for r in csv.DictReader(f)]
    finally:
        os.umask(old_umask)
    assert results == {
        "2025-06-30": [("recognised_on", "DATE_IN_FUTURE")],
        None: [("uscc", "UNKNOWN_SUBJECT")],
    }


async def test_the_rejects_file_is_readable_by_its_owner_only(db: Database, tmp_path: Path) -> None:
    """It holds full ID numbers: created 600; an earlier file is replaced, not rewritten."""
    path = tmp_path / "people.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id_number", "name", "religion"])
        w.writerow([unique_id_number(), "林二", "x"])
    fresh, older = tmp_path / "fresh.rejects.csv", tmp_path / "older.rejects.csv"
    older.write_text("stale\n")
    older.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        with open(older, encoding="utf-8") as opened_before:
            for target in (fresh, older):
                report = await Importer(db, today=TODAY).run(path, ImportKind.SUBJECTS, target)
                assert report.rejected == 1 and report.rejects_path == str(target)
                assert stat.S_IMODE(target.stat().st_mode) == 0o600
                assert "FORBIDDEN_INFORMATION" in target.read_text(encoding="utf-8")
            # Whoever opened the earlier file while it was readable never sees the new rows.
            assert opened_before.read() == "stale\n"
    finally:
        os.umask(old_umask)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "fresh.rejects.csv",
        "older.rejects.csv",
        "people.csv",
    ]


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from gateway.ops.cli import main; main()", *args],
        env=cli_env(settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_people(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id_number", "name", "religion"])
        w.writerows(rows)


def test_one_rejects_file_for_several_files_holds_the_rejects_of_each(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    """``--rejects`` names one file for the whole run; each row says which file it came from."""
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    write_people(first, [[unique_id_number(), "甲", ""], ["123", "乙", ""]])
    write_people(second, [[unique_id_number(), "丙", "x"], [unique_id_number(), "丁", ""]])
    rejects = tmp_path / "all.rejects.csv"
    run = run_cli(
        settings, "import", str(first), str(second), "--kind", "subjects", "--rejects", str(rejects)
    )
    assert run.returncode == 3, run.stdout + run.stderr
    with open(rejects, encoding="utf-8") as f:
        rows = [(r["file"], r["line"], r["code"]) for r in csv.DictReader(f)]
    assert rows == [
        (str(first), "3", "INVALID_ID_NUMBER"),
        (str(second), "2", "FORBIDDEN_INFORMATION"),
    ]
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600


def test_a_clean_run_removes_the_rejects_file_of_an_earlier_run(
    settings: Settings, db: Database, tmp_path: Path
) -> None:
    """An earlier run's rejects would misreport this one, and they hold full ID numbers."""
    people = tmp_path / "people.csv"
    bad = unique_id_number()
    write_people(people, [[bad, "戊", "x"]])
    default_rejects = people.with_suffix(".csv.rejects.csv")
    shared = tmp_path / "shared.rejects.csv"
    assert run_cli(settings, "import", str(people), "--kind", "subjects").returncode == 3
    assert (
        run_cli(
            settings, "import", str(people), "--kind", "subjects", "--rejects", str(shared)
        ).returncode
        == 3
    )
    assert bad in default_rejects.read_text(encoding="utf-8")
    assert bad in shared.read_text(encoding="utf-8")
    write_people(people, [[bad, "戊", ""]])
    for extra in ([], ["--rejects", str(shared)]):
        run = run_cli(settings, "import", str(people), "--kind", "subjects", *extra)
        assert run.returncode == 0, run.stdout + run.stderr
    assert not default_rejects.exists() and not shared.exists()
