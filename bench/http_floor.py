"""The floor under any Python HTTP service between a client and Neo4j.

A bare ASGI app served by uvicorn with the gateway's server options: for each POST it reads
the body, takes the ``uscc`` from its GraphQL variables, runs the worked query's raw
statement (``bench.read_path.RAW_WORKED``) through the async driver configured as the
gateway's, and answers ``{"data": {"organization": …}}``. No GraphQL, no token, no
register, no log, no metrics. ``bench.read_path`` runs it as a contestant beside the
gateway and raw: its ratios to raw are what the HTTP hop alone costs on the machine at
hand, the part of the gap to raw that no service on this stack can close.

    BENCH_FLOOR_TODAY=2026-11-25 BENCH_FLOOR_CLASSES=PUBLIC,GOVERNMENT NEO4J_URI=… \\
    NEO4J_PASSWORD=… .venv/bin/python -m uvicorn --factory bench.http_floor:from_env \\
    --port 8767
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

import neo4j
import orjson
from neo4j import AsyncDriver, AsyncGraphDatabase

from bench.read_path import RAW_WORKED, iso

_HEAD = [(b"content-type", b"application/json")]


class Floor:
    """The app; ``connect`` makes its driver when the server starts (and closes it at the
    end); a driver given instead is the caller's to close."""

    def __init__(
        self,
        *,
        database: str,
        today: dt.date,
        classes: list[str],
        driver: AsyncDriver | None = None,
        connect: Callable[[], AsyncDriver] | None = None,
    ) -> None:
        self.driver = driver
        self._connect = connect
        self.database = database
        self.params: dict[str, Any] = {"today": today, "kind": "BLACK", "classes": classes}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        if scope["method"] != "POST":  # readiness
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        uscc = orjson.loads(body)["variables"]["uscc"]
        assert self.driver is not None
        async with self.driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            result = await session.run(RAW_WORKED, {**self.params, "uscc": uscc})
            records = [record async for record in result]
        answer = records[0]["organization"] if records else None
        out = orjson.dumps({"data": {"organization": answer}}, default=iso)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*_HEAD, (b"content-length", str(len(out)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": out})

    async def lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self._connect is not None:
                    self.driver = self._connect()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._connect is not None and self.driver is not None:
                    await self.driver.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def from_env() -> Floor:
    """The app as ``bench.read_path`` starts it (uvicorn ``--factory``)."""

    def connect() -> AsyncDriver:
        return AsyncGraphDatabase.driver(  # configured as the gateway's (gateway/base/db.py)
            os.environ["NEO4J_URI"],
            auth=(os.environ.get("NEO4J_USER", "neo4j"), os.environ["NEO4J_PASSWORD"]),
            max_connection_pool_size=int(os.environ.get("NEO4J_POOL_SIZE", "100")),
            notifications_min_severity="OFF",
        )

    return Floor(
        database=os.environ.get("NEO4J_DATABASE", "neo4j"),
        today=dt.date.fromisoformat(os.environ["BENCH_FLOOR_TODAY"]),
        classes=os.environ["BENCH_FLOOR_CLASSES"].split(","),
        connect=connect,
    )
