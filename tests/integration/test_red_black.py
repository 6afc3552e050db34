"""实施办法 第四条 through the importer: the same ends whatever order the entries arrive in."""

from __future__ import annotations

import itertools
from typing import Any

from gateway.base.db import Database
from tests.conftest import unique_uscc
from tests.graph import load_ok

DEPT = "320800/淮安市市场监督管理局"


def red(code: str, on: str, ref: str) -> dict[str, str]:
    return {
        "list": "RED",
        "uscc": code,
        "department_id": DEPT,
        "recognised_on": on,
        "valid_until": "2027-12-31",
        "category": "守合同重信用企业",
        "source_system": "red",
        "source_ref": f"{ref}@{code}",
    }


def black(code: str, on: str, ref: str) -> dict[str, str]:
    return {
        "list": "BLACK",
        "uscc": code,
        "department_id": DEPT,
        "recognised_on": on,
        "facts": "虚假宣传",
        "severity": "GENERAL",
        "source_system": "black",
        "source_ref": f"{ref}@{code}",
    }


async def red_state(db: Database, code: str) -> list[tuple[Any, ...]]:
    rows = await db.read(
        "MATCH (x:ListEntry {kind: 'RED'})-[:CONCERNS]->(:Organization {uscc: $u}) "
        "OPTIONAL MATCH (b:ListEntry) WHERE x.endReason ENDS WITH b.id "
        "RETURN x.sourceRef AS red, toString(x.endedOn) AS ended, x.status AS status, "
        "b.sourceRef AS by ORDER BY red",
        {"u": code},
    )

    def ref(text: str | None) -> str | None:
        return text.split("@")[0] if text else None

    return [(ref(r["red"]), r["ended"], r["status"], ref(r["by"])) for r in rows]


async def test_every_arrival_order_ends_the_red_entries_alike(db: Database) -> None:
    """Two red entries, two black ones; one import per entry, in every order."""
    outcomes = set()
    for order in itertools.permutations(range(4)):
        code = unique_uscc()
        await load_ok(db, "subjects", [{"uscc": code, "name": "淮安市顺序有限公司"}])
        rows = [
            red(code, "2024-01-01", "r-early"),
            red(code, "2025-03-01", "r-late"),
            black(code, "2025-06-01", "b-late"),
            black(code, "2024-09-01", "b-early"),
        ]
        for i in order:
            await load_ok(db, "entries", [rows[i]])
        outcomes.add(tuple(await red_state(db, code)))
    assert outcomes == {
        (
            ("r-early", "2024-09-01", "REVOKED", "b-early"),
            ("r-late", "2025-06-01", "REVOKED", "b-late"),
        )
    }


async def test_a_red_entry_a_procedure_ended_keeps_its_end(db: Database) -> None:
    code = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": code, "name": "淮安市撤销有限公司"}])
    await load_ok(db, "entries", [red(code, "2024-01-01", "r")])
    await db.write(
        "MATCH (x:ListEntry {kind: 'RED'})-[:CONCERNS]->(:Organization {uscc: $u}) "
        "SET x.endedOn = date('2024-02-01'), x.endStatus = 'REVOKED', x.status = 'REVOKED', "
        "x.endReason = '认定部门撤销'",
        {"u": code},
    )
    await load_ok(db, "entries", [black(code, "2024-01-15", "b")])
    assert await red_state(db, code) == [("r", "2024-02-01", "REVOKED", None)]
