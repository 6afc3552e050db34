"""Whether Neo4j can be reached: one breaker per driver, shared by every view of it.

Left alone, the driver meets an unreachable Neo4j by retrying each transaction for its
whole retry budget, so every request would wait that long before failing. The breaker
answers for the database instead. It opens on the first sign of an outage (a probe that
found Neo4j unreachable, or a query that did); while it is open every query is refused
at once with ``DatabaseUnavailable`` (HTTP 503 with ``Retry-After``), and the queries
already waiting on the driver are failed too. It closes when a probe reaches Neo4j
again. ``/readyz`` reports the same state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

from gateway.base.errors import DatabaseUnavailable

log = logging.getLogger("credit_graph.breaker")

Probe = Callable[[], Awaitable[object]]


class Breaker:
    """Open (Neo4j unreachable, with the reason) or closed; see the module docstring."""

    def __init__(
        self, *, retry_after_s: int = 1, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.retry_after_s = retry_after_s
        self.reason: str | None = None
        self.opened_at: float | None = None
        self.opens = 0  # times it opened, for /metrics
        self._clock = clock
        self._waiting: set[asyncio.Timeout] = set()

    @property
    def is_open(self) -> bool:
        return self.reason is not None

    def unavailable(self) -> DatabaseUnavailable:
        # The reason (addresses, driver messages) is for the operator at /readyz, not callers.
        return DatabaseUnavailable("Neo4j is unavailable", retry_after_s=self.retry_after_s)

    def check(self) -> None:
        """Raise ``DatabaseUnavailable`` while the breaker is open."""
        if self.reason is not None:
            raise self.unavailable()

    def open(self, reason: str) -> None:
        """Neo4j cannot be reached: refuse new queries and fail those in flight."""
        if self.reason is None:
            self.opened_at = self._clock()
            self.opens += 1
            log.warning("Neo4j is unreachable (%s); refusing queries until it answers", reason)
        self.reason = reason
        if self._waiting:
            now = asyncio.get_running_loop().time()
            for deadline in self._waiting:
                deadline.reschedule(now)

    def close(self) -> None:
        """Neo4j answered again."""
        if self.reason is not None and self.opened_at is not None:
            log.warning("Neo4j answers again after %.1f s", self._clock() - self.opened_at)
        self.reason = None
        self.opened_at = None

    @contextlib.asynccontextmanager
    async def guard(self) -> AsyncIterator[None]:
        """Run the body (one driver call) unless the breaker is open; if it opens while the
        body waits, cancel the body and raise ``DatabaseUnavailable``."""
        self.check()
        deadline = asyncio.timeout(None)  # moved to "now" by open()
        try:
            async with deadline:
                self._waiting.add(deadline)
                try:
                    yield
                finally:
                    self._waiting.discard(deadline)
        except TimeoutError:
            if deadline.expired():
                raise self.unavailable() from None
            raise

    async def watch(
        self,
        probe: Probe,
        *,
        interval_s: float,
        timeout_s: float,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        """Probe Neo4j until cancelled (a task of the app's lifespan): every ``interval_s``
        while it answers, twice as often while it does not. A probe that fails opens the
        breaker; so do two in a row that take longer than ``timeout_s`` (one slow answer
        is a busy machine, not an outage: in-flight queries are left to finish). A probe
        that succeeds closes it."""
        slow = 0
        while True:
            try:
                await asyncio.wait_for(probe(), timeout_s)
            except TimeoutError:
                slow += 1
                if slow >= 2:
                    self.open(f"no answer within {timeout_s:g} s, twice")
            except Exception as exc:  # noqa: BLE001 - whatever failed, Neo4j cannot be used
                self.open(str(exc) or type(exc).__name__)
            else:
                slow = 0
                self.close()
            await sleep(interval_s / 2 if self.is_open else interval_s)
