"""The one place Cypher runs.

``Database`` wraps one async driver per process: read queries are routed to
readers (``neo4j://`` clusters send them to secondaries), writes to the leader,
every transaction carries metadata naming the service and operation, and Neo4j
errors become the project's errors. Every view of one driver shares its ``Breaker``
(gateway/base/breaker.py): while Neo4j is unreachable a query fails at once instead of
waiting out the driver's retries. It also counts queries, which the tests use to prove
that a request's root field costs one.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Collection, Iterable
from contextlib import AbstractContextManager
from typing import Any, Protocol, TypeVar

import neo4j
from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    Bookmarks,
    RoutingControl,
)
from neo4j.api import AsyncBookmarkManager
from neo4j.exceptions import (
    ClientError,
    ConnectionAcquisitionTimeoutError,
    ConstraintError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from gateway.base.breaker import Breaker
from gateway.base.errors import Conflict, DatabaseUnavailable, InvalidInput, QueryBudgetExceeded
from gateway.base.settings import Settings


class Telemetry(Protocol):
    """What observes the Cypher a ``Database`` runs (gateway/observe.py gives metrics and
    spans): ``query(op, database)`` is a context manager around one query or transaction."""

    def query(self, op: str, database: str) -> AbstractContextManager[None]: ...


T = TypeVar("T")
Params = dict[str, Any]  # the driver's own parameter type

_TIMEOUT_CODES = {
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
    "Neo.TransientError.General.TransactionMemoryLimit",
}

_BOOKMARK_CODES = {
    "Neo.ClientError.Transaction.InvalidBookmark",
    "Neo.ClientError.Transaction.InvalidBookmarkMixture",
    "Neo.TransientError.Transaction.BookmarkTimeout",
}


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, ConstraintError):
        return Conflict("the change conflicts with an existing record", reason=exc.message)
    code = getattr(exc, "code", None)
    if code in _BOOKMARK_CODES:
        return InvalidInput(
            "X-Credit-Bookmarks holds a bookmark this database did not issue or has not reached",
            neo4j_code=code,
        )
    if code in _TIMEOUT_CODES:
        return QueryBudgetExceeded("the query exceeded its time or memory budget", neo4j_code=code)
    return exc


class InjectedFault(RuntimeError):
    """Raised inside a transaction by the ``fail_after_writes`` test seam, never otherwise:
    the driver rolls the transaction back, as it would on any failure midway."""


def _driver(settings: Settings, **config: Any) -> AsyncDriver:
    return AsyncGraphDatabase.driver(
        settings.bolt_uri,
        auth=(settings.neo4j_user, settings.password()),
        notifications_min_severity="OFF",
        # An unreachable Neo4j is noticed in seconds, not after the driver's defaults
        # (30 s to connect, 60 s for a free connection, 30 s of retries).
        connection_timeout=settings.neo4j_connect_timeout_s,
        connection_acquisition_timeout=settings.neo4j_acquire_timeout_s,
        max_transaction_retry_time=settings.neo4j_retry_time_s,
        **config,
    )


class WriteBookmarks(AsyncBookmarkManager):
    """The bookmarks of the writes made through a view of the driver: what its later
    queries wait for, so that a read after a write sees it even on a cluster secondary.

    Writes keep them up to date as the driver's own manager does (a transaction's
    bookmark replaces the ones it started from). A read only waits for them: it is
    handed their current value and reports nothing back, since no later query needs
    to wait for a read. The driver's manager would take its lock and rebuild its set
    twice per read, and carry the register's own writes into every read after them.
    One event loop uses it: no lock."""

    def __init__(self, initial: Iterable[str] = ()) -> None:
        self._values = {b for b in initial if b}
        self.current = Bookmarks.from_raw_values(self._values)

    async def update_bookmarks(
        self, previous_bookmarks: Collection[str], new_bookmarks: Collection[str]
    ) -> None:
        if not new_bookmarks:
            return
        self._values.difference_update(previous_bookmarks)
        self._values.update(new_bookmarks)
        self.current = Bookmarks.from_raw_values(self._values)

    async def get_bookmarks(self) -> Collection[str]:
        return set(self._values)


class Database:
    """Runs parameterised Cypher; never interpolates values."""

    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        *,
        read_routing: bool = True,
        timeout_s: float | None = None,
        bookmarks: WriteBookmarks | None = None,
        breaker: Breaker | None = None,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.driver = driver
        self.database = database
        self._read_routing = RoutingControl.READ if read_routing else RoutingControl.WRITE
        self._timeout = timeout_s
        # Causal consistency: the views of a request share the bookmarks of the process's
        # writes (``WriteBookmarks``); the register writes through a view with bookmarks of its own.
        self._bookmarks = bookmarks if bookmarks is not None else WriteBookmarks()
        # Whether the driver's Neo4j can be reached: one breaker for every view of it.
        self.breaker = breaker or Breaker()
        self.queries = 0
        # Time and a span per query, by its op name (gateway/observe.py); None: neither.
        self.telemetry = telemetry

    def after(self, bookmarks: Iterable[str]) -> Database:
        """A view whose queries first wait for ``bookmarks``: writes another replica made
        (read-your-writes across stateless replicas, the client carrying the bookmarks)."""
        values = [b for b in bookmarks if b]
        if not values:
            return self  # nothing to wait for beyond this process's own writes
        return Database(
            self.driver,
            self.database,
            read_routing=self._read_routing is RoutingControl.READ,
            timeout_s=self._timeout,
            bookmarks=WriteBookmarks(values),
            breaker=self.breaker,
            telemetry=self.telemetry,
        )

    async def bookmarks(self) -> list[str]:
        """The bookmarks of the last writes this view saw, to hand to a client."""
        return sorted(await self._bookmarks.get_bookmarks())  # raw values: plain strings

    @classmethod
    def connect(cls, settings: Settings) -> Database:
        return cls(
            _driver(settings, max_connection_pool_size=settings.neo4j_pool_size),
            settings.neo4j_database,
            read_routing=settings.neo4j_read_routing,
            timeout_s=settings.neo4j_query_timeout_s,
            breaker=Breaker(retry_after_s=math.ceil(settings.neo4j_probe_interval_s)),
        )

    async def close(self) -> None:
        await self.driver.close()

    async def verify(self) -> None:
        try:
            await self.driver.verify_connectivity()
        except Exception as exc:  # noqa: BLE001 - every failure here means "not reachable"
            raise DatabaseUnavailable("Neo4j is unavailable", reason=str(exc)) from exc

    def _query(self, cypher: str, operation: str, timeout: float | None) -> neo4j.Query:
        self.queries += 1
        return neo4j.Query(
            cypher,  # module constants, values go in params
            metadata={"app": "credit-graph", "op": operation},
            timeout=timeout if timeout is not None else self._timeout,
        )

    async def _guarded(self, call: Callable[[], Awaitable[T]], op: str) -> T:
        """Make one driver call unless Neo4j is known to be unreachable; fail it as soon as
        the breaker opens; open the breaker when the driver gives up reaching Neo4j."""
        telemetry = self.telemetry
        if telemetry is None:
            return await self._call(call)
        with telemetry.query(op, self.database):
            return await self._call(call)

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            async with self.breaker.guard():
                return await call()
        except (ServiceUnavailable, SessionExpired) as exc:  # the driver's retries are spent
            self.breaker.open(str(exc) or type(exc).__name__)
            raise self.breaker.unavailable() from exc
        except ConnectionAcquisitionTimeoutError as exc:  # busy, not down: the breaker stays
            raise DatabaseUnavailable(
                "no connection to Neo4j became free in time",
                retry_after_s=self.breaker.retry_after_s,
            ) from exc
        except (ClientError, TransientError) as exc:
            raise _translate(exc) from exc

    async def read(
        self,
        cypher: str,
        params: Params | None = None,
        *,
        op: str = "read",
        timeout: float | None = None,
    ) -> list[neo4j.Record]:
        """One read query, in an auto-commit transaction (one round trip, no BEGIN or
        COMMIT: a third cheaper than a managed transaction); retried once on a transient
        error, as a managed one would be. Returns all records."""
        query = self._query(cypher, op, timeout)
        read = self._read_routing is RoutingControl.READ
        mode = neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS

        async def run() -> list[neo4j.Record]:
            async with self.driver.session(
                database=self.database, default_access_mode=mode, bookmarks=self._bookmarks.current
            ) as session:
                result = await session.run(query, params)
                return [record async for record in result]

        try:
            return await self._guarded(run, op)
        except TransientError:
            return await self._guarded(run, op)

    async def write(
        self,
        cypher: str,
        params: Params | None = None,
        *,
        op: str = "write",
        timeout: float | None = None,
    ) -> list[neo4j.Record]:
        """One write query in its own transaction."""
        result = await self._guarded(
            lambda: self.driver.execute_query(
                self._query(cypher, op, timeout),
                params,
                routing_=RoutingControl.WRITE,
                database_=self.database,
                bookmark_manager_=self._bookmarks,
            ),
            op,
        )
        return result.records

    async def in_transactions(
        self, cypher: str, params: Params | None = None, *, op: str = "write"
    ) -> list[neo4j.Record]:
        """One ``CALL { … } IN TRANSACTIONS`` statement: set-based work over the whole
        graph, committed batch by batch. It needs an auto-commit transaction, and it runs
        without the per-query time limit (it may take minutes on a large graph)."""

        async def run() -> list[neo4j.Record]:
            async with self.driver.session(
                database=self.database, bookmark_manager=self._bookmarks
            ) as session:
                result = await session.run(self._query(cypher, op, 0), params)
                return [record async for record in result]

        return await self._guarded(run, op)

    async def transaction(
        self,
        work: Callable[[Transaction], Awaitable[T]],
        *,
        op: str = "write",
        fail_after_writes: int | None = None,
    ) -> T:
        """Several statements in one write transaction (retried on transient errors).

        ``fail_after_writes`` is a test seam: the transaction raises ``InjectedFault`` right
        after its N-th statement that changed the graph, so tests can check that a step
        failing midway leaves nothing behind. Production code never passes it.
        """

        async def run(tx: AsyncManagedTransaction) -> T:
            return await work(Transaction(self, tx, op, fail_after_writes))

        async def session() -> T:
            async with self.driver.session(
                database=self.database, bookmark_manager=self._bookmarks
            ) as session:
                return await session.execute_write(run)

        return await self._guarded(session, op)


class Probe:
    """Asks Neo4j for ``RETURN 1`` once, without retries, on a driver of its own: a pool
    busy with requests is not an outage. What the breaker's watch calls."""

    def __init__(self, settings: Settings) -> None:
        self._driver = _driver(settings, max_connection_pool_size=1)
        self._database = settings.neo4j_database

    async def __call__(self) -> None:
        async with self._driver.session(
            database=self._database, default_access_mode=neo4j.READ_ACCESS
        ) as session:
            result = await session.run("RETURN 1")
            await result.consume()

    async def close(self) -> None:
        await self._driver.close()


class Transaction:
    """A write transaction handed to ``Database.transaction`` callbacks."""

    def __init__(
        self,
        db: Database,
        tx: AsyncManagedTransaction,
        op: str,
        fail_after_writes: int | None = None,
    ) -> None:
        self._db = db
        self._tx = tx
        self._op = op
        self._fail_after = fail_after_writes
        self._writes = 0

    async def claim(self, cypher: str, params: Params | None = None) -> list[neo4j.Record]:
        """A statement that takes write locks and changes nothing once it is done (it sets a
        property and removes it again: removing a property a node lacks takes no lock).
        Later statements of the transaction then decide on the committed state."""
        self._db.queries += 1
        result = await self._tx.run(cypher, params)
        return [record async for record in result]

    async def run(self, cypher: str, params: Params | None = None) -> list[neo4j.Record]:
        self._db.queries += 1
        result = await self._tx.run(cypher, params)
        records = [record async for record in result]
        if self._fail_after is not None and (await result.consume()).counters.contains_updates:
            self._writes += 1
            if self._writes >= self._fail_after:
                raise InjectedFault(f"{self._op}: injected failure after write {self._writes}")
        return records
