"""The read-path benchmark compares like with like: for the worked query, the gateway, the
raw statement it is measured against and the HTTP hop alone (``bench/http_floor.py``) give
one answer (``bench.read_path`` checks this again on its own sample before every run)."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from bench.harness import raw_read
from bench.http_floor import Floor
from bench.read_path import RAW_WORKED, WORKED, canonical
from gateway.base.db import Database
from gateway.base.settings import Settings
from graph_schema.rules.disclosure import GOVERNMENT, PUBLIC
from tests.graph import represented_organisation
from tests.integration.audiences import DEPT, bearer


async def test_gateway_raw_and_the_hop_alone_answer_the_worked_query_alike(
    db: Database, gql: Any, settings: Settings
) -> None:
    org = await represented_organisation(
        db, "淮安市对照物流有限公司", "对照代表", DEPT, ["PUBLIC", "GOVERNMENT", "AUTHORISED"]
    )
    today, classes = settings.today_(), [PUBLIC, GOVERNMENT]  # an approval system's view

    body = gql(WORKED, {"uscc": org}, headers=bearer(settings))
    assert "errors" not in body, body
    gateway = body["data"]["organization"]

    records = await raw_read(
        db.driver,
        RAW_WORKED,
        {"uscc": org, "today": today, "kind": "BLACK", "classes": classes},
        settings.neo4j_database,
    )
    raw = records[0]["organization"]

    floor = Floor(database=settings.neo4j_database, today=today, classes=classes, driver=db.driver)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=floor), base_url="http://floor"
    ) as client:
        answer = await client.post("/", content=orjson.dumps({"variables": {"uscc": org}}))
    assert answer.status_code == 200
    hop = answer.json()["data"]["organization"]

    assert gateway["legalRepresentative"] == {"name": "对照代表"}
    assert len(gateway["listEntries"]) == 2  # public and government-shared, not authorised
    assert canonical(raw) == canonical(gateway)
    assert canonical(hop) == canonical(gateway)
