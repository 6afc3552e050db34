"""Neo4j goes away: queries fail fast with HTTP 503 and ``Retry-After``, and recover alone."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from gateway.db import Database
from gateway.errors import DatabaseUnavailable


async def test_a_query_waiting_on_neo4j_fails_as_soon_as_the_breaker_opens(db: Database) -> None:
    view = Database(db.driver, db.database)  # a breaker of its own: the suite's stays closed
    key = f"outage-{uuid.uuid4()}"
    await db.write("CREATE (:OutageLock {key: $k, n: 0})", {"k": key})
    async with db.driver.session(database=db.database) as session:
        holder = await session.begin_transaction()
        await holder.run("MATCH (l:OutageLock {key: $k}) SET l.n = 1", k=key)  # holds the lock
        waiting = asyncio.create_task(
            view.write("MATCH (l:OutageLock {key: $k}) SET l.n = 2", {"k": key})
        )
        await asyncio.sleep(0.3)
        assert not waiting.done()  # it cannot finish while the lock is held
        view.breaker.open("a probe found Neo4j unreachable")
        with pytest.raises(DatabaseUnavailable) as failed:
            await waiting
        assert failed.value.details == {"retry_after_s": 1}
        with pytest.raises(DatabaseUnavailable):
            await view.read("RETURN 1")  # refused without asking the driver
        await holder.rollback()
    view.breaker.close()
    rows = await view.read("MATCH (l:OutageLock {key: $k}) RETURN l.n AS n", {"k": key})
    assert [r["n"] for r in rows] == [0]  # the driver works on; the cut write never committed
