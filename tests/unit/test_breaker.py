"""The breaker in front of Neo4j, with a scripted probe and a fake clock: no database."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest
from neo4j import AsyncDriver, AsyncGraphDatabase
from neo4j.exceptions import ServiceUnavailable

from gateway.base.breaker import Breaker
from gateway.base.db import Database, WriteBookmarks
from gateway.base.errors import ConfigurationError, DatabaseUnavailable
from gateway.base.settings import Settings
from gateway.graphql_http import unavailable


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Stop(Exception):
    """Ends a watch loop once its script is played."""


def test_a_closed_breaker_lets_queries_through_and_an_open_one_refuses_them() -> None:
    breaker = Breaker(retry_after_s=2, clock=Clock())
    breaker.check()
    assert not breaker.is_open and breaker.reason is None
    breaker.open("Connection refused")
    assert breaker.is_open and breaker.reason == "Connection refused"
    with pytest.raises(DatabaseUnavailable) as refused:
        breaker.check()
    assert refused.value.extensions() == {"code": "DATABASE_UNAVAILABLE", "retry_after_s": 2}
    assert "refused" not in refused.value.message  # the driver's words stay at /readyz
    breaker.close()
    breaker.check()
    assert not breaker.is_open


def test_reopening_keeps_the_time_of_the_first_failure() -> None:
    clock = Clock()
    breaker = Breaker(clock=clock)
    breaker.open("first")
    clock.now += 3
    breaker.open("second")
    assert (breaker.opened_at, breaker.reason) == (100.0, "second")
    breaker.close()
    assert breaker.opened_at is None


async def test_an_open_breaker_refuses_without_running_the_body() -> None:
    breaker = Breaker()
    breaker.open("down")
    ran = []
    with pytest.raises(DatabaseUnavailable):
        async with breaker.guard():
            ran.append(True)
    assert ran == []


async def test_a_query_in_flight_fails_when_the_breaker_opens() -> None:
    breaker = Breaker(retry_after_s=1)
    started, never = asyncio.Event(), asyncio.Event()

    async def query() -> str:
        async with breaker.guard():
            started.set()
            await never.wait()  # a driver call stuck in its retry loop
        return "answered"

    task = asyncio.create_task(query())
    await started.wait()
    breaker.open("probe failed")
    with pytest.raises(DatabaseUnavailable) as failed:
        await task
    assert failed.value.details == {"retry_after_s": 1}


async def test_queries_that_finish_are_untouched_and_their_own_timeouts_pass_through() -> None:
    breaker = Breaker()
    async with breaker.guard():
        await asyncio.sleep(0)
    breaker.open("later")  # nothing is waiting any more: nothing to cancel
    breaker.close()
    with pytest.raises(TimeoutError):
        async with breaker.guard():
            raise TimeoutError("the query's own")


async def test_a_cancelled_request_stays_cancelled() -> None:
    breaker = Breaker()
    started = asyncio.Event()

    async def query() -> None:
        async with breaker.guard():
            started.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(query())
    await started.wait()
    task.cancel()  # the client went away: not a database outage
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not breaker.is_open


async def test_the_watch_opens_on_a_failed_probe_probes_faster_and_closes_on_success() -> None:
    clock = Clock()
    breaker = Breaker(clock=clock)
    script = iter([None, ServiceUnavailable("Connection refused"), OSError(), None, None])
    seen: list[tuple[bool, float]] = []

    async def probe() -> None:
        outcome = next(script)
        if outcome is not None:
            raise outcome

    async def sleep(seconds: float) -> None:
        seen.append((breaker.is_open, seconds))
        clock.now += seconds
        if len(seen) == 5:
            raise Stop

    with pytest.raises(Stop):
        await breaker.watch(probe, interval_s=1.0, timeout_s=2.0, sleep=sleep)
    assert seen == [(False, 1.0), (True, 0.5), (True, 0.5), (False, 1.0), (False, 1.0)]


async def test_a_probe_that_hangs_twice_opens_the_breaker_once_slow_does_not() -> None:
    breaker = Breaker()
    reasons: list[str | None] = []
    answers = iter(["hang", "ok", "hang", "hang"])

    async def probe() -> None:
        if next(answers) == "hang":
            await asyncio.Event().wait()

    async def sleep(seconds: float) -> None:
        reasons.append(breaker.reason)
        if len(reasons) == 4:
            raise Stop

    with pytest.raises(Stop):
        await breaker.watch(probe, interval_s=1.0, timeout_s=0.01, sleep=sleep)
    # one slow answer is a busy machine; two in a row, an outage
    assert reasons == [None, None, None, "no answer within 0.01 s, twice"]


class NoDriverCalls:
    """Stands in for the driver where the test proves it is never called."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the driver was used: {name}")


async def test_views_of_a_driver_share_its_breaker_and_an_open_one_spares_the_driver() -> None:
    driver = AsyncGraphDatabase.driver("bolt://127.0.0.1:9", auth=("neo4j", "x"))
    try:
        db = Database(driver, "neo4j")
        view = db.after(["bookmark-from-another-replica"])
        assert view is not db and view.breaker is db.breaker
    finally:
        await driver.close()
    db = Database(
        cast(AsyncDriver, NoDriverCalls()),  # stand-ins that fail the test when used
        "neo4j",
        bookmarks=cast(WriteBookmarks, object()),
        breaker=Breaker(retry_after_s=3),
    )
    db.breaker.open("down")
    for call in (db.read("RETURN 1"), db.write("RETURN 1"), db.transaction(lambda tx: tx.run(""))):
        with pytest.raises(DatabaseUnavailable) as refused:
            await call
        assert refused.value.details == {"retry_after_s": 3}


def test_an_answer_with_a_database_error_is_a_503_with_retry_after() -> None:
    assert unavailable({"data": {"x": 1}}) is None
    assert unavailable({"errors": [{"message": "no", "extensions": {"code": "FORBIDDEN"}}]}) is None
    down = {
        "errors": [
            {"message": "bad", "extensions": {"code": "BAD_USER_INPUT"}},
            {
                "message": "Neo4j is unavailable",
                "extensions": {"code": "DATABASE_UNAVAILABLE", "retry_after_s": 2},
            },
        ],
        "data": None,
    }
    assert unavailable(down) == "2"


def test_how_soon_an_outage_is_noticed_is_configurable_and_checked() -> None:
    defaults = Settings.from_env({})
    assert (
        defaults.neo4j_connect_timeout_s,
        defaults.neo4j_acquire_timeout_s,
        defaults.neo4j_retry_time_s,
        defaults.neo4j_probe_interval_s,
    ) == (2.0, 2.0, 10.0, 1.0)
    tuned = Settings.from_env({"NEO4J_CONNECT_TIMEOUT_S": "0.5", "CREDIT_GRAPH_NEO4J_PROBE_S": "3"})
    assert (tuned.neo4j_connect_timeout_s, tuned.neo4j_probe_interval_s) == (0.5, 3.0)
    for value in ("0", "-1", "soon", "nan"):
        with pytest.raises(ConfigurationError, match="NEO4J_RETRY_TIME_S"):
            Settings.from_env({"NEO4J_RETRY_TIME_S": value})
