"""Rows with keys the graph does not hold are created outright (seeds/ingest.py).

Should another import create such a key between the importer's look-up and its write,
the uniqueness constraint fails the batch, and the importer writes it again through the
full statements: the row then updates what the other import made, as if it came later.
The look-up is made to miss here, which is what that race looks like to the write.
"""

from __future__ import annotations

import pytest

from gateway.base.db import Database
from seeds import ingest
from tests.conftest import unique_id_number, unique_uscc
from tests.graph import load_ok

DEPT = "320800/淮安市市场监督管理局"
LOOK_UPS = (
    "EXISTING_ORGANIZATIONS",
    "EXISTING_PERSONS",
    "EXISTING_LIST_ENTRIES",
    "EXISTING_CREDIT_RECORDS",
)
# the look-up as a race makes it: it finds none of the keys
MISSES = "UNWIND $keys AS k WITH k WHERE false RETURN collect(k) AS existing"


async def test_a_key_created_meanwhile_is_written_the_full_way(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    org, person = unique_uscc(), unique_id_number()
    entry = {
        "list": "RED",
        "uscc": org,
        "department_id": DEPT,
        "recognised_on": "2025-01-01",
        "category": "守合同重信用企业",
        "source_system": "red",
        "source_ref": org,
    }
    record = {
        "category": "OTHER",
        "uscc": org,
        "department_id": DEPT,
        "type": "信用承诺",
        "title": "承诺书",
        "recorded_on": "2025-01-01",
        "source_system": "cn",
        "source_ref": org,
    }
    await load_ok(
        db, "subjects", [{"uscc": org, "name": "甲"}, {"id_number": person, "name": "乙"}]
    )
    await load_ok(db, "entries", [entry])
    await load_ok(db, "records", [record])
    for name in LOOK_UPS:
        monkeypatch.setattr(ingest, name, MISSES)
    subjects = await load_ok(
        db, "subjects", [{"uscc": org, "name": "甲（更名）"}, {"id_number": person, "name": "乙"}]
    )
    entries = await load_ok(db, "entries", [{**entry, "category": "纳税信用A级"}])
    records = await load_ok(db, "records", [{**record, "title": "承诺书（补正）"}])
    assert (subjects.created, subjects.updated, subjects.unchanged) == (0, 1, 1)
    assert (entries.created, entries.updated) == (0, 1)
    assert (records.created, records.updated) == (0, 1)
    [state] = await db.read(
        """
        MATCH (o:Organization {uscc: $org})
        RETURN o.name AS name, o.version AS version,
               COUNT { (:Organization {uscc: $org}) } AS orgs,
               [(e:ListEntry)-[:CONCERNS]->(o) | [e.category, e.version]] AS entries,
               [(c:CreditRecord)-[:CONCERNS]->(o) | [c.title, c.version]] AS records
        """,
        {"org": org},
    )
    assert dict(state) == {
        "name": "甲（更名）",
        "version": 2,
        "orgs": 1,
        "entries": [["纳税信用A级", 2]],
        "records": [["承诺书（补正）", 2]],
    }
