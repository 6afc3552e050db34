"""Fixtures shared by every test tier.

Strategy:
- Unit tests (tests/unit) need nothing here: pure rules, validators, parsers.
- Integration tests run against ONE real Neo4j per test session: the project's own
  ``test`` instance (ports 7688/7475, separate from the demo instance, so a test run
  never touches demo data), started if it is not running and stopped at the end
  if this session started it. ``CREDIT_GRAPH_TEST_NEO4J_URI`` (+ ``_USER``,
  ``_PASSWORD``) points the suite at another server instead; the database is wiped
  at session start either way, so never point it at data you want to keep.
  ``CREDIT_GRAPH_TEST_INSTANCE`` with ``CREDIT_GRAPH_TEST_BOLT_PORT``/``_HTTP_PORT``
  runs a second suite beside the first on its own instance.
- The session loads reference data (jurisdictions, departments) once. Tests build
  the rest inline with their own unique codes (``unique_uscc()``,
  ``unique_id_number()``), so they never collide and need no per-test cleanup.
- HTTP tests talk to a real uvicorn server on a free port, in a thread, serving
  ``create_app`` with the test settings (``gateway_url``); its ``app.state.db``
  counts Cypher queries.
- Time is pinned: ``TODAY`` is the test settings' ``today`` (so the gateway's too);
  tests derive dates from ``TODAY`` and instants from ``now()``.
- ``/graphql`` needs a bearer token: ``gql`` (and ``gql.client``) send a default
  government token (every government role, department ``DEFAULT_DEPT``) and an
  ``X-Credit-Purpose`` header. A test that passes ``headers=`` sends exactly those
  headers instead (none of the defaults); ``government_token()`` mints others.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from stdnum.cn import ric, uscc

from gateway.app import SERVER_OPTIONS, create_app
from gateway.auth import mint_token
from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.base.viewer import GOVERNMENT_ROLES
from gateway.ops import neo4j_server
from graph_schema.migrate import migrate
from seeds import load_all

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEPT = "320800/淮安市市场监督管理局"
DEFAULT_PURPOSE = "automated test"
# The application's one clock (gateway/settings.py), pinned for the whole suite: the
# test settings (and so the test gateway) carry this day, and tests take "today" and
# "now" from here, never from the system clock, so no answer depends on when the suite
# runs (the README's "Time" paragraph says how that is checked).
TODAY = dt.date(2026, 11, 30)
CLOCK = Settings(today=TODAY)


def now() -> dt.datetime:
    """The pinned clock's now: ``TODAY`` at the system's time of day, as the gateway sees it."""
    return CLOCK.now()


def _test_settings() -> Settings:
    uri = os.environ.get("CREDIT_GRAPH_TEST_NEO4J_URI")
    env = {
        "CREDIT_GRAPH_INSTANCE": os.environ.get("CREDIT_GRAPH_TEST_INSTANCE", "test"),
        "CREDIT_GRAPH_HOME": os.environ.get("CREDIT_GRAPH_HOME", str(ROOT / "var")),
        "CREDIT_GRAPH_NEO4J_HEAP": "768m",
        "CREDIT_GRAPH_NEO4J_PAGECACHE": "256m",
        "CREDIT_GRAPH_TODAY": TODAY.isoformat(),
        # tests read the register right after a response, and check that no further
        # event follows within 0.1 s: a short background window keeps both quick and sound
        "CREDIT_GRAPH_AUDIT_FLUSH_MS": "20",
    }
    for name in ("BOLT_PORT", "HTTP_PORT"):  # a second suite can run beside the first
        if f"CREDIT_GRAPH_TEST_{name}" in os.environ:
            env[f"CREDIT_GRAPH_NEO4J_{name}"] = os.environ[f"CREDIT_GRAPH_TEST_{name}"]
    base = Settings.from_env(env)
    if uri:
        return base.with_(
            neo4j_uri=uri,
            neo4j_user=os.environ.get("CREDIT_GRAPH_TEST_NEO4J_USER", "neo4j"),
            neo4j_password=os.environ["CREDIT_GRAPH_TEST_NEO4J_PASSWORD"],
        )
    return base


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    s = _test_settings()
    started = False
    if s.local_neo4j and not neo4j_server.status(s).running:
        neo4j_server.start(s)
        started = True
    elif s.local_neo4j:
        neo4j_server.start(s)  # waits until Bolt answers
    yield s
    if started and not os.environ.get("CREDIT_GRAPH_TEST_KEEP_NEO4J"):
        neo4j_server.stop(s)


@pytest.fixture(scope="session")
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database.connect(settings)
    async with database.driver.session(database=settings.neo4j_database) as session:
        await session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS")
    await migrate(database)
    await load_all(database)
    yield database
    await database.close()


class LiveServer:
    def __init__(self, app: Any, port: int) -> None:
        self.app = app
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host="127.0.0.1",
                port=port,
                log_level="warning",
                lifespan="on",
                **SERVER_OPTIONS,
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test gateway did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def queries(self) -> int:
        return int(self.app.state.db.queries)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def count_queries(
    server: LiveServer, headers: dict[str, str], query: str, variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any], int]:
    """The answer to one request to /graphql and the Cypher queries the gateway ran for it
    (the register's writes go through a view of their own and are not counted)."""
    before = server.queries
    response = httpx.post(
        f"{server.url}/graphql",
        headers=headers,
        timeout=60,
        json={"query": query, "variables": variables or {}},
    )
    assert response.status_code == 200, response.text
    return response.json(), server.queries - before


@pytest.fixture(scope="session")
def gateway(settings: Settings, db: Database) -> Iterator[LiveServer]:
    server = LiveServer(create_app(settings), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def trusted_gateway(settings: Settings, db: Database) -> Iterator[LiveServer]:
    """A second gateway that runs registered documents only (gateway/persisted.py), with
    batches of 400 and a probe that, once started, leaves the breaker to the tests."""
    app = create_app(
        settings.with_(trusted_documents_only=True, max_batch=400, neo4j_probe_interval_s=3600.0)
    )
    server = LiveServer(app, free_port())
    server.start()
    yield server
    server.stop()


def government_token(settings: Settings, **claims: Any) -> str:
    """A token for the test gateway: every government role of ``DEFAULT_DEPT`` unless told."""
    defaults: dict[str, Any] = {
        "sub": "test-officer",
        "dept": DEFAULT_DEPT,
        "roles": sorted(GOVERNMENT_ROLES),
    }
    return mint_token(settings, **{**defaults, **claims})


class GraphQLCaller:
    """POST a GraphQL query to /graphql; returns the decoded JSON body. ``client`` sends
    the default government token and purpose, ``bare`` nothing (``headers`` then go alone)."""

    def __init__(self, client: httpx.Client, bare: httpx.Client) -> None:
        self.client = client
        self.bare = bare

    def __call__(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        path: str = "/graphql",
        headers: dict[str, str] | None = None,
        status: int = 200,
    ) -> dict[str, Any]:
        body = {"query": query, "variables": variables or {}}
        response = (
            self.client.post(path, json=body)
            if headers is None
            else self.bare.post(path, json=body, headers=headers)
        )
        assert response.status_code == status, response.text
        return response.json()


@pytest.fixture(scope="session")
def gql(gateway: LiveServer, settings: Settings) -> Iterator[GraphQLCaller]:
    """A ``GraphQLCaller`` on the test gateway."""
    defaults = {
        "Authorization": f"Bearer {government_token(settings)}",
        "X-Credit-Purpose": DEFAULT_PURPOSE,
    }
    client = httpx.Client(base_url=gateway.url, timeout=60, headers=defaults)
    bare = httpx.Client(base_url=gateway.url, timeout=60)
    yield GraphQLCaller(client, bare)
    client.close()
    bare.close()


_serial = itertools.count(1)


def unique_uscc(region: str = "320800") -> str:
    """A valid, never-before-used USCC for this session."""
    n = next(_serial)
    body = []
    for _ in range(9):
        n, d = divmod(n, 31)
        body.append("0123456789ABCDEFGHJKLMNPQRTUWXY"[d])
    head = "91" + region + "".join(reversed(body))
    return head + uscc.calc_check_digit(head)


def unique_id_number(born: dt.date = dt.date(1984, 5, 17)) -> str:
    """A valid, never-before-used citizen ID number for this session."""
    while True:
        n = next(_serial)
        day = born + dt.timedelta(days=n // 1000)
        head = f"320402{day:%Y%m%d}{n % 1000:03d}"
        number = head + ric.calc_check_digit(head + "0")
        if ric.is_valid(number):
            return number
