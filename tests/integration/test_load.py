"""The initial load through neo4j-admin makes the graph the online importer makes.

On a Neo4j instance of its own (the load replaces its database): generated files with
rows added that re-claim, contradict or miss keys of every kind are loaded with
``credit-graph load``'s function, the graph is read as canonical lines, then the same
files go through the online importer into a fresh database of the same instance. Every
subject, role, entry (direct and derived, 实施办法 第四条 included), record and entry
version, every reject and every subject's credit check must be the same.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest

from bench.equivalence import checks, snapshot
from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.ops import neo4j_server
from gateway.ops.load import DatabaseNotEmpty, load
from graph_schema.migrate import migrate
from seeds import load_all
from seeds.generator import generate
from seeds.importer import Importer, ImportKind, read_rows
from tests.conftest import unique_id_number, unique_uscc
from tests.integration.test_import_conflicts import code_of_both_kinds

TODAY = dt.date(2026, 11, 25)
DEPT = "320800/淮安市市场监督管理局"


def append(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "ab") as f:
        for row in rows:
            f.write(orjson.dumps(row) + b"\n")


def dataset(folder: Path) -> dict[str, list[str]]:
    """A generated dataset and rows that only the online importer's rules can settle."""
    generate(1500, 11, folder, TODAY)
    subjects = [orjson.loads(x) for x in (folder / "subjects.jsonl").read_bytes().splitlines()]
    orgs = [s["uscc"] for s in subjects if "uscc" in s]
    roles = [orjson.loads(x) for x in (folder / "roles.jsonl").read_bytes().splitlines()]
    lr = next(r for r in roles if r["role"] == "LEGAL_REPRESENTATIVE" and "end" not in r)
    newcomer, stranger, both = unique_id_number(), unique_id_number(), code_of_both_kinds()
    append(
        folder / "subjects.jsonl",
        [
            {"uscc": orgs[0], "name": "更名后的公司", "address": "淮安市新址1号"},  # a change
            {"id_number": both, "name": "两可"},
            {"uscc": both, "name": "两可公司"},  # the code is a person's: refused
            {"uscc": orgs[1][:-1] + ("0" if orgs[1][-1] != "0" else "1"), "name": "错码"},
            {"id_number": newcomer, "name": "新人", "religion": "x"},  # forbidden
            {"id_number": newcomer, "name": "新人"},
        ],
    )
    append(
        folder / "roles.jsonl",
        [
            {
                "id_number": newcomer,
                "uscc": orgs[2],
                "role": "DIRECTLY_RESPONSIBLE",
                "start": "2000-01-01",
            },
            {**lr, "id_number": newcomer},  # a second legal representative from the same day
            {"id_number": stranger, "uscc": orgs[2], "role": "DIRECTOR", "start": "2020-01-01"},
            {**lr, "end": "2026-06-30"},  # the holder's term ends
            {
                "id_number": newcomer,
                "uscc": orgs[2],
                "role": "DIRECTLY_RESPONSIBLE",
                "start": "2000-01-01",
                "end": "2024-12-31",
            },  # ended before the act of orgs[2]'s entry: no derived entry for newcomer
        ],
    )
    black = {
        "list": "BLACK",
        "department_id": DEPT,
        "facts": "提供虚假材料",
        "severity": "SERIOUS",
        "recognised_on": "2025-06-01",
        "act_on": "2025-03-01",
        "source_system": "court",
        "source_ref": "t-1",
    }
    append(
        folder / "entries.jsonl",
        [
            {**black, "uscc": orgs[2]},
            {**black, "uscc": orgs[3]},  # the key is orgs[2]'s
            {**black, "uscc": orgs[2], "facts": "提供虚假材料（更正）"},  # a change
            {**black, "uscc": unique_uscc(), "source_ref": "t-2"},  # no such subject
            {
                "list": "RED",
                "uscc": orgs[4],
                "department_id": DEPT,
                "recognised_on": "2024-01-01",
                "category": "守合同重信用企业",
                "source_system": "red",
                "source_ref": "r-1",
            },
            {
                **black,
                "uscc": orgs[4],
                "source_ref": "t-3",
                "recognised_on": "2024-06-01",
                "act_on": "2024-05-01",
            },
        ],
    )
    record = {
        "category": "NEGATIVE",
        "uscc": orgs[5],
        "department_id": DEPT,
        "type": "行政处罚",
        "recorded_on": "2025-01-01",
        "source_system": "pen",
        "source_ref": "c-1",
    }
    append(folder / "records.jsonl", [record, {**record, "category": "POSITIVE"}])
    return {
        "orgs": orgs,
        "persons": [s["id_number"] for s in subjects if "id_number" in s] + [newcomer],
    }


def rejects_of(rejected: dict[str, list[Any]]) -> dict[str, list[tuple[Any, ...]]]:
    return {
        kind: [(Path(r.file).name, r.line, r.field, r.code, r.reason) for r in rows]
        for kind, rows in rejected.items()
    }


async def fresh(own: Settings) -> Database:
    neo4j_server.stop(own)
    for sub in ("databases", "transactions"):
        shutil.rmtree(own.instance_dir / "data" / sub / own.neo4j_database, ignore_errors=True)
    neo4j_server.start(own)
    db = Database.connect(own.with_(neo4j_query_timeout_s=600.0))
    await migrate(db)
    await load_all(db)
    return db


async def test_the_initial_load_makes_the_graph_the_importer_makes(
    settings: Settings, tmp_path: Path
) -> None:
    if not settings.local_neo4j:
        pytest.skip("the initial load runs neo4j-admin on a local instance of its own")
    own = settings.with_(
        instance=f"{settings.instance}-bulk",
        bolt_port=settings.bolt_port + 300,
        http_port=settings.http_port + 300,
    )
    folder = tmp_path / "data"
    codes = dataset(folder)
    refs = [{"uscc": c} for c in codes["orgs"]] + [{"idNumber": c} for c in codes["persons"]]
    try:
        db = await fresh(own)
        await db.close()
        report, rejected = await load(own, folder, today=TODAY, workers=2, batch_size=50)
        online = {kind: k.online for kind, k in report.kinds.items()}
        assert online == {"subjects": 2, "roles": 4, "entries": 3, "records": 1}
        assert report.red_entries_ended >= 1 and report.derived_entries > 0
        db = Database.connect(own)
        try:
            loaded = await snapshot(db)
            loaded_checks = await checks(db, refs, "ADMINISTRATIVE_LICENSING", TODAY)
            with pytest.raises(DatabaseNotEmpty):
                await load(own, folder, today=TODAY, workers=0)
        finally:
            await db.close()

        db = await fresh(own)
        try:
            importer = Importer(db, actor="test", today=TODAY)
            imported_rejects = {}
            for kind in ("subjects", "roles", "entries", "records"):
                path = folder / f"{kind}.jsonl"
                _, imported_rejects[kind] = await importer.load(
                    read_rows(path), ImportKind(kind), str(path)
                )
            imported = await snapshot(db)
            imported_checks = await checks(db, refs, "ADMINISTRATIVE_LICENSING", TODAY)
        finally:
            await db.close()
    finally:
        neo4j_server.stop(own)

    assert rejects_of(rejected) == rejects_of(imported_rejects)
    assert [r[3] for rows in rejects_of(rejected).values() for r in rows] == [
        "SUBJECT_TYPE_CONFLICT",
        "INVALID_USCC",
        "FORBIDDEN_INFORMATION",
        "ROLE_HOLDER_CONFLICT",
        "UNKNOWN_SUBJECT",
        "SOURCE_KEY_CONFLICT",
        "UNKNOWN_SUBJECT",
        "CATEGORY_CONFLICT",
    ]
    for name in loaded:
        assert loaded[name] == imported[name], name
    assert sum(len(v) for v in loaded.values()) > 4000
    assert loaded_checks == imported_checks
    decisions = {c["decision"] for c in loaded_checks if c}
    assert {"BLOCK", "CLEAR"} <= decisions
