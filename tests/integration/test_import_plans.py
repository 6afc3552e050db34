"""The statements an import batch runs start from the rows' keys, whatever the statistics.

While a graph holds few or no list entries (the first import into a new database), the
planner prices a scan of an index over every entry as free; a statement that lets it
choose one then runs that scan once per row for the whole import. Each statement here
must reach entries and roles only through a unique key (id, key) or a relationship.
"""

from __future__ import annotations

from typing import Any

import pytest

from gateway.base.db import Database
from graph_schema.rules.red_black import END_RED_ON_BLACK
from procedures.propagation import _PROPAGATION
from seeds import ingest

STATEMENTS = {
    "upsert subjects (organisations)": ingest.UPSERT_ORGANIZATIONS,
    "upsert subjects (persons)": ingest.UPSERT_PERSONS,
    "upsert roles": ingest.UPSERT_ROLES,
    "upsert list entries": ingest.UPSERT_LIST_ENTRIES,
    "upsert credit records": ingest.UPSERT_CREDIT_RECORDS,
    "实施办法 第四条": END_RED_ON_BLACK,
    **{
        f"管理办法 第二十六条 {scope} {i}": statement
        for scope in ("sources", "organizations")
        for i, statement in enumerate(_PROPAGATION[scope])
    },
}

# Operators that read many nodes or relationships by label, type or a non-unique index.
SCANS = {
    "AllNodesScan",
    "NodeByLabelScan",
    "NodeIndexScan",
    "NodeIndexSeek",
    "NodeIndexSeekByRange",
    "DirectedRelationshipIndexSeek",
    "UndirectedRelationshipIndexSeek",
    "DirectedRelationshipTypeScan",
    "UndirectedRelationshipTypeScan",
}

# Not yet anchored: MERGE of a role (person and organisation bound) may look the role up
# through the HOLDS_ROLE(kind) index; MERGE takes no hint, and it is what keeps two
# imports at once from making one role twice.
KNOWN = {("upsert roles", "DirectedRelationshipIndexSeek")}


def operators(plan: dict[str, Any]) -> list[tuple[str, str]]:
    name = plan["operatorType"].split("@")[0]
    details = plan.get("args", {}).get("Details", "")
    out = [(name, details)]
    for child in plan.get("children", []):
        out.extend(operators(child))
    return out


@pytest.mark.parametrize("name", sorted(STATEMENTS))
async def test_an_import_statement_never_scans_entries(db: Database, name: str) -> None:
    async with db.driver.session(database=db.database) as session:
        result = await session.run("CYPHER replan=force EXPLAIN " + STATEMENTS[name])
        plan = (await result.consume()).plan
    assert plan is not None
    ops = operators(plan)
    scans = [(op, details) for op, details in ops if op in SCANS and (name, op) not in KNOWN]
    assert scans == [], scans
    assert any(op.startswith("NodeUniqueIndexSeek") for op, _ in ops)
