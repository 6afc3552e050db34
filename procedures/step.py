"""Runs a procedure step in one write transaction, with a seam to fail it midway.

``fail_after_writes(n)`` is for tests only: inside it, each step raises
``InjectedFault`` right after its n-th statement that changed the graph, before the
transaction commits, so a test can check that the step left nothing behind.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import TypeVar

from gateway.base.db import Database, InjectedFault, Transaction

__all__ = ["InjectedFault", "fail_after_writes", "run"]

T = TypeVar("T")

_FAULT: ContextVar[int | None] = ContextVar("credit_graph_procedure_fault", default=None)


async def run(db: Database, work: Callable[[Transaction], Awaitable[T]], *, op: str) -> T:
    """``work`` in one write transaction: all of its statements commit, or none."""
    return await db.transaction(work, op=op, fail_after_writes=_FAULT.get())


@contextlib.contextmanager
def fail_after_writes(n: int) -> Iterator[None]:
    """Tests only: steps run in this block fail right after their n-th write."""
    token = _FAULT.set(n)
    try:
        yield
    finally:
        _FAULT.reset(token)
