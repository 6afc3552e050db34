"""``/readyz`` reports the query register's writer, and a replica whose register cannot be
written is not ready.

A gateway of the module's own. Its register is pointed, while the process runs, at a
database this Neo4j does not have: Neo4j itself refuses the writes
(``Neo.ClientError.Database.DatabaseNotFound``) while every other query still works.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.base.db import Database
from gateway.base.settings import Settings
from tests.conftest import LiveServer, free_port
from tests.integration.audiences import audit_events, bearer, sentinel_world

REVIEW = "query($u: String!) { organization(uscc: $u) { name listEntries { facts } } }"


@pytest.fixture(scope="module")
def server(settings: Settings, db: Database) -> Iterator[LiveServer]:
    live = LiveServer(create_app(settings), free_port())
    live.start()
    yield live
    live.stop()


def ready(server: LiveServer) -> tuple[int, dict[str, Any]]:
    answer = httpx.get(f"{server.url}/readyz", timeout=30)
    return answer.status_code, answer.json()


def until(server: LiveServer, status: int) -> dict[str, Any]:
    """/readyz once it answers ``status``: the writer retries in the background."""
    deadline = time.monotonic() + 30
    while True:
        got, body = ready(server)
        if got == status:
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


async def test_not_ready_while_the_register_cannot_be_written(
    server: LiveServer, settings: Settings, db: Database
) -> None:
    world = await sentinel_world(db, "备")
    status, body = ready(server)
    assert status == 200 and body["status"] == "ready"
    register = body["register"]
    assert register["mode"] == "background" and register["failing"] is False
    assert register["queueDepth"] == 0 and register["queueCapacity"] > 0

    writer = server.app.state.audit
    writes_to = writer.db
    own = server.app.state.db.driver  # the server thread's event loop owns it
    writer.db = lambda: Database(own, "noregisterhere")
    try:
        answer = httpx.post(
            f"{server.url}/graphql",
            json={"query": REVIEW, "variables": {"u": world["org"]}},
            headers=bearer(settings),
        )
        assert answer.status_code == 200 and "errors" not in answer.json()  # background mode
        body = until(server, 503)
        assert body["status"] == "unavailable"
        assert body["reason"] == "the query register cannot be written"
        assert body["register"]["failing"] is True and body["register"]["failures"] >= 1
        assert body["register"]["lastError"] == "Neo.ClientError.Database.DatabaseNotFound"
        assert body["register"]["queueDepth"] == 0  # the batch is held by the writer, retried
        scraped = httpx.get(f"{server.url}/metrics").text
        assert "credit_graph_register_failing 1.0" in scraped
    finally:
        restored = settings.now()
        writer.db = writes_to
    body = until(server, 200)  # the held batch is written on the next retry
    assert body["register"]["failing"] is False
    assert dt.datetime.fromisoformat(body["register"]["lastWrite"]) > restored
    await audit_events(db, world["org_id"], 1)  # nothing was lost
