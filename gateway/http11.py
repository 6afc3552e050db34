"""uvicorn's httptools protocol, sending a response's head and body in one write.

uvicorn writes a response's status line and headers when the app starts the response,
and its body in a second write. Each write is a system call and, on loopback or a busy
network, often its own segment: the client wakes up twice per answer. Here a head is
held until the body follows (an ASGI app sends both in one step, as every response of
this gateway does) and then sent with it; a head with no body right behind it (a
streamed answer) goes out on the event loop's next turn. Writes keep their order.

``credit-graph serve`` and the benchmarks run uvicorn with it (``gateway.app.SERVER_OPTIONS``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http import httptools_impl

_HEAD = b"HTTP/1.1 "
_INTERIM = b"HTTP/1.1 1"  # 100 Continue: the client waits for it, so it goes at once


class _OneWrite:
    """The connection's transport, holding back a response head for its body."""

    __slots__ = ("_transport", "_held", "_loop")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._held: bytes | None = None
        self._loop = asyncio.get_running_loop()

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + data)
        elif data.startswith(_HEAD) and not data.startswith(_INTERIM):
            self._held = data
            self._loop.call_soon(self._release)
        else:
            self._transport.write(data)

    def _release(self) -> None:
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self._release()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # everything else is the transport's own
        return getattr(self._transport, name)


class HttpToolsProtocol(httptools_impl.HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(_OneWrite(transport))  # type: ignore[arg-type]
