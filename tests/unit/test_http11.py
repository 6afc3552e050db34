"""The protocol that sends a response's head with its body (gateway/http11.py)."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from gateway.http11 import _OneWrite


class Wire:
    """A transport that records what was written, write by write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed, "written after close"
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> Any:
        return f"extra {name}"


HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


async def test_a_head_and_its_body_leave_in_one_write() -> None:
    wire = Wire()
    transport = _OneWrite(cast(asyncio.Transport, wire))
    transport.write(HEAD)
    assert wire.writes == []
    transport.write(b"{}")
    assert wire.writes == [HEAD + b"{}"]
    await asyncio.sleep(0)
    assert wire.writes == [HEAD + b"{}"]  # nothing left to release


async def test_a_head_alone_leaves_on_the_next_turn_and_order_is_kept() -> None:
    wire = Wire()
    transport = _OneWrite(cast(asyncio.Transport, wire))
    transport.write(HEAD)
    await asyncio.sleep(0)
    assert wire.writes == [HEAD]
    transport.write(b"chunk 1")
    transport.write(b"chunk 2")
    assert wire.writes == [HEAD, b"chunk 1", b"chunk 2"]


async def test_100_continue_is_not_held_and_close_releases_first() -> None:
    wire = Wire()
    transport = _OneWrite(cast(asyncio.Transport, wire))
    transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert wire.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    transport.write(HEAD)
    transport.close()
    assert wire.writes[-1] == HEAD and wire.closed
    await asyncio.sleep(0)  # the scheduled release finds nothing to do on a closed wire
    assert wire.writes[-1] == HEAD and len(wire.writes) == 2
    assert transport.get_extra_info("peername") == "extra peername"
