"""A minimal HTTP/1.1 keep-alive client for load generation (POST JSON, read JSON).

A load generator should cost as little as possible per request; a general client
(httpx, aiohttp) spends more per request than the server under test does.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson


class Connection:
    def __init__(self, host: str, port: int, path: str, headers: dict[str, str]) -> None:
        self.host, self.port, self.path = host, port, path
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self._head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: application/json\r\n{extra}"
        ).encode()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def open(self) -> Connection:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()

    async def post(self, body: bytes) -> tuple[int, bytes]:
        try:
            return await self._post(body)
        except (asyncio.IncompleteReadError, ConnectionResetError):
            # The server closed an idle keep-alive connection: open a new one, once.
            await self.open()
            return await self._post(body)

    async def _post(self, body: bytes) -> tuple[int, bytes]:
        assert self._reader is not None and self._writer is not None
        self._writer.write(self._head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
        head = await self._reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        chunked = False
        for line in head.split(b"\r\n"):
            lowered = line.lower()
            if lowered[:15] == b"content-length:":
                length = int(line[15:])
            elif lowered.startswith(b"transfer-encoding:") and b"chunked" in lowered:
                chunked = True
        if not chunked:
            return status, await self._reader.readexactly(length)
        parts: list[bytes] = []
        while True:  # a router may stream its answer in chunks
            size = int((await self._reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self._reader.readuntil(b"\r\n")
                return status, b"".join(parts)
            parts.append(await self._reader.readexactly(size))
            await self._reader.readexactly(2)

    async def graphql(self, query: str, variables: dict[str, object]) -> dict[str, Any]:
        status, body = await self.post(orjson.dumps({"query": query, "variables": variables}))
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
        return orjson.loads(body)
