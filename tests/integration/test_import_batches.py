"""How batches are written: several at once, runs within a batch, history on change.

The importer writes batches that touch different keys at the same time and splits a
batch into runs in which no key occurs twice. Neither may change what an import does:
the same files give the same graph and the same rejects, one row per batch and eight
batches at once, or every row in one batch, one batch at a time. (A derived entry has
as many versions as its source changed in separate transactions, so its version number
is the one thing that may differ.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.base.db import Database
from seeds.importer import Importer, ImportKind
from tests.conftest import unique_id_number, unique_uscc
from tests.graph import load_ok
from tests.integration.test_import_conflicts import code_of_both_kinds

DEPT = "320800/淮安市市场监督管理局"
OTHER_DEPT = "320800/国家税务总局淮安市税务局"
TODAY = dt.date(2026, 11, 25)


def world() -> dict[str, str]:
    names = {f"org{i}": unique_uscc() for i in range(4)}
    names.update({f"p{i}": unique_id_number() for i in range(4)})
    names["both"] = code_of_both_kinds()
    return names


def files(w: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """Rows that claim, re-claim and contradict each other's keys, in every kind."""

    def black(org: str, ref: str, **extra: str) -> dict[str, str]:
        return {
            "list": "BLACK",
            "uscc": w[org],
            "department_id": DEPT,
            "facts": "虚假材料",
            "severity": "SERIOUS",
            "recognised_on": "2025-05-01",
            "act_on": "2025-01-01",
            "source_system": "court",
            "source_ref": f"{ref}-{w['org0']}",
            **extra,
        }

    def red(org: str, ref: str, on: str) -> dict[str, str]:
        return {
            "list": "RED",
            "uscc": w[org],
            "department_id": DEPT,
            "recognised_on": on,
            "category": "守合同重信用企业",
            "source_system": "red",
            "source_ref": f"{ref}-{w['org0']}",
        }

    return {
        "subjects": [
            {"uscc": w["org0"], "name": "甲"},
            {"uscc": w["org1"], "name": "乙"},
            {"id_number": w["both"], "name": "两可"},
            {"uscc": w["both"], "name": "两可公司"},  # the code is a person's by now
            {"uscc": w["org0"], "name": "甲（更名）"},  # a change of the first row
            {"uscc": w["org2"], "name": "丙"},
            *({"id_number": w[f"p{i}"], "name": f"人{i}"} for i in range(4)),
            {"id_number": w["p0"], "name": "人0"},  # the same row again
        ],
        "roles": [
            {
                "id_number": w["p0"],
                "uscc": w["org0"],
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2020-01-01",
            },
            {
                "id_number": w["p1"],
                "uscc": w["org0"],
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2020-01-01",
            },  # a second holder of the post
            {
                "id_number": w["p1"],
                "uscc": w["org1"],
                "role": "PRINCIPAL_RESPONSIBLE",
                "start": "2019-01-01",
            },
            {
                "id_number": w["p0"],
                "uscc": w["org0"],
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2020-01-01",
                "end": "2026-01-01",
            },  # its end, later
            {
                "id_number": w["p2"],
                "uscc": w["org3"],
                "role": "DIRECTOR",
                "start": "2020-01-01",
            },  # no such organisation
            {
                "id_number": w["p3"],
                "uscc": w["org2"],
                "role": "DIRECTLY_RESPONSIBLE",
                "start": "2018-01-01",
            },
        ],
        "entries": [
            red("org0", "r1", "2024-01-01"),
            black("org0", "b1", recognised_on="2025-06-01"),
            black("org1", "b1"),  # the key is org0's
            black("org0", "b1", recognised_on="2025-06-01", facts="更正"),
            red("org0", "r2", "2025-01-01"),
            black("org2", "b2"),
            black("org1", "b3", department_id=OTHER_DEPT),
            black("org1", "b3"),  # another department for the same key
            black("org1", "b4", severity="GENERAL"),
            black("org1", "b4"),  # now serious: it propagates
        ],
        "records": [
            {
                "category": "NEGATIVE",
                "uscc": w["org0"],
                "department_id": DEPT,
                "type": "行政处罚",
                "recorded_on": "2025-01-01",
                "source_system": "pen",
                "source_ref": f"c1-{w['org0']}",
            },
            {
                "category": "POSITIVE",
                "uscc": w["org0"],
                "department_id": DEPT,
                "type": "行政处罚",
                "recorded_on": "2025-01-01",
                "source_system": "pen",
                "source_ref": f"c1-{w['org0']}",
            },
            {
                "category": "NEGATIVE",
                "uscc": w["org0"],
                "department_id": DEPT,
                "type": "行政处罚",
                "title": "改",
                "recorded_on": "2025-01-01",
                "source_system": "pen",
                "source_ref": f"c1-{w['org0']}",
            },
        ],
    }


STATE = """
MATCH (s:Subject) WHERE coalesce(s.uscc, s.idNumber) IN $codes
OPTIONAL MATCH (s)-[r:HOLDS_ROLE]->(o:Organization)
WITH s, collect(DISTINCT [r.kind, toString(r.start), toString(r.end), o.uscc]) AS roles
OPTIONAL MATCH (e:ListEntry)-[:CONCERNS]->(s)
WITH s, roles, collect(DISTINCT [e.key, e.kind, e.facts, e.severity, e.status,
     toString(e.endedOn), e.derived, CASE WHEN NOT e.derived THEN e.version END]) AS entries
OPTIONAL MATCH (c:CreditRecord)-[:CONCERNS]->(s)
RETURN coalesce(s.uscc, s.idNumber) AS code, labels(s) AS labels, s.name AS name,
       s.version AS version, size([(s)-[:HAS_VERSION]->(v) | v]) AS versions, roles, entries,
       collect([c.category, c.title, c.version]) AS records
"""


def symbolic(value: Any, w: dict[str, str]) -> Any:
    """The state with every code and key written with the world's names, and sorted."""
    if isinstance(value, str):
        for name, code in sorted(w.items(), key=lambda kv: -len(kv[1])):
            value = value.replace(code, f"<{name}>")
        return value.split(":")[0] + ":" if value.startswith("derived:") else value
    if isinstance(value, list):
        return sorted((symbolic(v, w) for v in value), key=repr)
    return value


async def outcome(db: Database, batch_size: int, concurrency: int) -> Any:
    w = world()
    importer = Importer(
        db, actor="test", batch_size=batch_size, today=TODAY, concurrency=concurrency
    )
    rejects = {}
    for kind, rows in files(w).items():
        _, refused = await importer.load(enumerate(rows, start=1), ImportKind(kind))
        rejects[kind] = [(r.line, r.field, r.code) for r in refused]
    state = await db.read(STATE, {"codes": list(w.values())})
    return rejects, sorted((symbolic(list(r.values()), w) for r in state), key=repr)


async def test_batches_at_once_and_runs_change_nothing_an_import_does(db: Database) -> None:
    one_by_one = await outcome(db, batch_size=1, concurrency=8)
    together = await outcome(db, batch_size=5000, concurrency=1)
    in_pairs = await outcome(db, batch_size=2, concurrency=2)
    assert one_by_one == together == in_pairs
    rejects, _ = together
    assert rejects == {
        "subjects": [(4, "uscc", "SUBJECT_TYPE_CONFLICT")],
        "roles": [(2, "id_number", "ROLE_HOLDER_CONFLICT"), (5, "uscc", "UNKNOWN_SUBJECT")],
        "entries": [
            (3, "uscc", "SOURCE_KEY_CONFLICT"),
            (8, "department_id", "DEPARTMENT_CONFLICT"),
        ],
        "records": [(2, "category", "CATEGORY_CONFLICT")],
    }


async def history(db: Database, match: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    rows = await db.read(
        f"{match} RETURN v.versionChange AS change, v.version AS version, v.name AS name, "
        "toString(v.end) AS end, v.title AS title ORDER BY v.version",
        params,
    )
    return [tuple(r.values()) for r in rows]


async def test_a_fact_only_imports_change_has_history_from_its_first_change(
    db: Database,
) -> None:
    """Subjects, roles and records: no version while unchanged; then the state before
    the first change (RECORDED) and every change (UPDATED)."""
    org, person = unique_uscc(), unique_id_number()
    await load_ok(
        db,
        "subjects",
        [{"uscc": org, "name": "淮安市旧名有限公司"}, {"id_number": person, "name": "冯九"}],
    )
    role = {"id_number": person, "uscc": org, "role": "DIRECTOR", "start": "2020-01-01"}
    rec = {
        "category": "OTHER",
        "uscc": org,
        "department_id": DEPT,
        "type": "信用承诺",
        "title": "承诺书",
        "recorded_on": "2025-01-01",
    }
    await load_ok(db, "roles", [role])
    await load_ok(db, "records", [{**rec, "source_system": "cn", "source_ref": org}])
    subject = ("MATCH (:Organization {uscc: $org})-[:HAS_VERSION]->(v)", {"org": org})
    posts = (
        "MATCH (:Person {idNumber: $p})-[:HAS_VERSION]->(v {versionOf: 'HOLDS_ROLE'})",
        {"p": person},
    )
    records = ("MATCH (:CreditRecord {key: $k})-[:HAS_VERSION]->(v)", {"k": f"cn:{org}"})
    for match, params in (subject, posts, records):
        assert await history(db, match, params) == []
    await load_ok(db, "subjects", [{"uscc": org, "name": "淮安市新名有限公司"}])
    await load_ok(db, "roles", [{**role, "end": "2025-12-31"}])
    await load_ok(
        db,
        "records",
        [{**rec, "title": "承诺书（补正）", "source_system": "cn", "source_ref": org}],
    )
    assert await history(db, *subject) == [
        ("RECORDED", 1, "淮安市旧名有限公司", None, None),
        ("UPDATED", 2, "淮安市新名有限公司", None, None),
    ]
    assert await history(db, *posts) == [
        ("RECORDED", 1, None, None, None),
        ("UPDATED", 2, None, "2025-12-31", None),
    ]
    assert await history(db, *records) == [
        ("RECORDED", 1, None, None, "承诺书"),
        ("UPDATED", 2, None, None, "承诺书（补正）"),
    ]
