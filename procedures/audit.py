"""The query register (个人诚信 opinion 四(一)): one audit event per request and subject.

Resolvers call ``ctx.audit.record(...)`` (or ``ctx.disclose(...)``) whenever they are
about to return non-public information. The request's ``AuditLog`` merges the calls
per subject; after execution the endpoint awaits ``ctx.finish``, which hands the
request's events to the process's ``AuditWriter``. Two modes (``CREDIT_GRAPH_AUDIT_WRITE``):

- ``background`` (default): events go to a bounded in-process queue; one task writes
  them every ``audit_flush_ms`` (and at shutdown), one ``UNWIND … CREATE`` statement
  per batch, however many requests it holds. The response does not wait for Neo4j
  (bench/audit_write.py: +0.6 ms at the median at concurrency 1, nothing measurable at
  16). A failed write is retried while the process runs (a full queue slows requests
  down, it never drops events), also across a Neo4j outage; a batch sent again after a
  lost answer writes only what it had not written. What is still queued when the
  process is killed is lost.
- ``request``: the request's events are written in one statement before the response
  leaves, and if that fails the response carries no data (fail closed). Durable, but
  the extra commit costs +1.8 ms at the median, about as much as a whole credit check.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from gateway.base.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from gateway.base.db import Database
    from gateway.base.viewer import Viewer

log = logging.getLogger("credit_graph.audit")

# One statement per request (or per background batch). A batch commits whole and is
# recorded by one ``AuditBatch`` node (unique id: its first event's), so a batch whose
# commit went through but whose answer was lost (Neo4j crashed) is sent again and writes
# nothing, and the register holds each event exactly once. An event keeps as properties
# what the register is searched by, indexed (graph_schema/migrations/0004_audiences.cypher):
# its subject by id, the caller, the department and the time; the rest of it (request,
# purpose, operations, fields, classes, consents, outcome) is one JSON ``detail``. The
# register grows at request rate: Neo4j's work per event is mostly per property and per
# index entry, and this layout about halves it (a link per event to the subject, as
# before, locked the subject's node and doubled the cost again).
INSERT_AUDIT_EVENTS = """
OPTIONAL MATCH (done:AuditBatch {id: $batch})
WITH done WHERE done IS NULL
CREATE (:AuditBatch {id: $batch, at: $at, events: size($events)})
WITH 1 AS one
UNWIND $events AS ev
CREATE (a:AuditEvent {id: ev.id, at: datetime({epochSeconds: ev.at[0], nanosecond: ev.at[1]}),
  sub: ev.sub, dept: ev.dept, subjectId: ev.subjectId, detail: ev.detail})
RETURN count(a) AS written
"""

# What an event keeps as properties; the rest goes into ``detail`` (graph_schema/audit.py
# reads it back, and reads events written before as they were: a property each).
INDEXED = ("id", "at", "sub", "dept", "subjectId")


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def stored(event: dict[str, Any]) -> dict[str, Any]:
    """An event as the register stores it: the searched properties and ``detail``.

    Its time travels as (seconds, nanoseconds) since the epoch, made a ``DateTime`` by the
    statement: the driver's own conversion of a ``datetime`` costs some 27 µs of Python
    per value, which a batch of a thousand events would spend on the event loop at once."""
    row = {key: event[key] for key in INDEXED}
    since = event["at"] - _EPOCH
    row["at"] = [since.days * 86_400 + since.seconds, since.microseconds * 1000]
    row["detail"] = orjson.dumps(
        {key: value for key, value in event.items() if key not in INDEXED}
    ).decode()
    return row


OK = "OK"


@dataclass
class _Pending:
    operations: set[str] = field(default_factory=set)
    fields: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    consent_ids: set[str] = field(default_factory=set)
    outcome: str = OK


class AuditLog:
    """The events of one request, merged per subject."""

    def __init__(
        self, consents_of: Callable[[str, Iterable[str]], list[str]] | None = None
    ) -> None:
        self._pending: dict[str, _Pending] = {}
        self._consents_of = consents_of

    def record(
        self,
        subject_id: str,
        operation: str,
        fields: Iterable[str],
        classes: Iterable[str],
        consent_id: str | None = None,
        outcome: str = OK,
    ) -> None:
        """Note an access to a subject's non-public information (or a refused attempt).

        Several calls for one subject in one request make one event. Without
        ``consent_id`` the consent is taken from the request's access decision.
        """
        entry = self._pending.setdefault(str(subject_id), _Pending())
        entry.operations.add(operation)
        entry.fields.update(fields)
        classes = set(classes)
        entry.classes.update(classes)
        if consent_id:
            entry.consent_ids.add(consent_id)
        elif self._consents_of is not None and outcome == OK:
            entry.consent_ids.update(self._consents_of(str(subject_id), classes))
        if outcome != OK and entry.outcome == OK:
            entry.outcome = outcome  # the first refusal is what the register shows

    def __len__(self) -> int:
        return len(self._pending)

    def subjects(self) -> list[str]:
        """The subjects this request's events are about."""
        return list(self._pending)

    def events(
        self,
        *,
        viewer: Viewer | None,
        purpose: str | None,
        operation_name: str | None,
        at: dt.datetime,
    ) -> list[dict[str, Any]]:
        request_id = str(uuid.uuid4())
        return [
            {
                "id": str(uuid.uuid4()),
                "at": at,
                "requestId": request_id,
                "sub": viewer.sub if viewer else None,
                "dept": viewer.dept if viewer else None,
                "jur": viewer.jur if viewer else None,
                "roles": sorted(viewer.roles) if viewer else [],
                "purpose": purpose,
                "subjectId": subject_id,
                "operationName": operation_name,
                "operations": sorted(p.operations),
                "fields": sorted(p.fields),
                "classes": sorted(p.classes),
                "consentIds": sorted(p.consent_ids),
                "outcome": p.outcome,
            }
            for subject_id, p in self._pending.items()
        ]


class AuditWriter:
    """Writes the register for the whole process; see the module docstring for the modes."""

    def __init__(
        self,
        db: Callable[[], Database],
        *,
        mode: str = "background",
        flush_ms: int = 5,
        max_queue: int = 100_000,
        max_batch: int = 5000,
        clock: Callable[[], dt.datetime] | None = None,
        spill_dir: Path | None = None,
    ) -> None:
        # Which database the register is written to; replaceable while the process runs.
        self.db = db
        self.mode = mode
        self._flush_s = flush_ms / 1000
        self._max_queue = max_queue
        self._max_batch = max_batch
        self._queue: asyncio.Queue[dict[str, Any] | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.events_written = 0
        self.batches_written = 0
        # Health, for /readyz and /metrics: statements that failed, whether the last one did
        # (the writer is then retrying), and when one last committed (the app's clock).
        self.failures = 0
        self.failing = False
        self.last_error: str | None = None
        self.last_write_at: dt.datetime | None = None
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        # Where events that could not be written at shutdown are kept (never in the log:
        # they name subjects and purposes); None: only their number is logged.
        self._spill_dir = spill_dir

    async def start(self) -> None:
        if self.mode == "background" and self._task is None:
            self._queue = asyncio.Queue(self._max_queue)
            self._closing = False
            self._task = asyncio.create_task(self._run(), name="audit-writer")

    async def close(self, timeout_s: float = 10) -> None:
        """Flush what is queued (giving up after ``timeout_s`` if Neo4j is gone), then stop."""
        if self._task is None or self._queue is None:
            return
        self._closing = True
        await self._queue.put(None)
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout_s)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def write(self, events: list[dict[str, Any]]) -> None:
        if not events:
            return
        if self._queue is None:  # request mode, or not started: write now, in one statement
            try:
                written = await insert_events(self.db(), events)
                if written != len(events):
                    raise RuntimeError(f"wrote {written} of {len(events)} audit events")
            except Exception as exc:
                self._failed(exc)
                raise
            self._count(written)
            return
        for event in events:
            await self._queue.put(event)  # a full queue slows requests down, never drops

    async def _run(self) -> None:
        assert self._queue is not None
        batch: list[dict[str, Any]] = []
        try:
            stopping = False
            while not stopping:
                first = await self._queue.get()
                stopping = first is None
                batch = [] if first is None else [first]
                if not stopping:
                    await asyncio.sleep(self._flush_s)  # let concurrent requests join the batch
                while not self._queue.empty() and len(batch) < self._max_batch:
                    item = self._queue.get_nowait()
                    if item is None:
                        stopping = True
                    else:
                        batch.append(item)
                if batch:
                    await self._flush(batch)
                    batch = []
        except asyncio.CancelledError:
            lost = batch + [e for e in _drain(self._queue) if e is not None]
            if lost:
                kept = spill(lost, self._spill_dir) if self._spill_dir is not None else None
                log.error(
                    "shutdown: %d audit events could not be written%s",
                    len(lost),
                    f"; kept in {kept} (`credit-graph register-replay` writes them)"
                    if kept
                    else "",
                )
            raise

    async def _flush(self, batch: list[dict[str, Any]]) -> None:
        """Write one batch; while the process runs, retry until Neo4j takes it."""
        delay = 0.05
        while True:
            try:
                self._count(await insert_events(self.db(), batch))
                return
            except Exception as exc:  # noqa: BLE001 - kept and retried; the queue applies backpressure
                self._failed(exc)
                log.warning(
                    "audit write of %d events failed; retrying in %.2f s",
                    len(batch),
                    delay,
                    exc_info=not isinstance(exc, DatabaseUnavailable),
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 1.0 if self._closing else 5.0)

    @property
    def queue_depth(self) -> int:
        """Events waiting to be written (0 in request mode)."""
        return self._queue.qsize() if self._queue is not None else 0

    def health(self) -> dict[str, Any]:
        """What /readyz reports: never an event's content, only the writer's state."""
        return {
            "mode": self.mode,
            "queueDepth": self.queue_depth,
            "queueCapacity": self._max_queue if self._queue is not None else 0,
            "lastWrite": self.last_write_at,
            "failing": self.failing,
            "failures": self.failures,
            "lastError": self.last_error,
        }

    def _count(self, events: int) -> None:
        self.events_written += events
        self.batches_written += 1
        self.failing = False
        self.last_write_at = self._clock()

    def _failed(self, exc: Exception) -> None:
        self.failures += 1
        self.failing = True
        # the kind and the stable code only: a driver message may name hosts or values
        self.last_error = getattr(exc, "code", None) or type(exc).__name__


def spill(events: list[dict[str, Any]], folder: Path) -> Path | None:
    """Keep events the register could not take in a new JSON-lines file readable by its
    owner only; its path, or None if even that failed (then they are lost)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        path = folder / f"register-unwritten-{stamp}.jsonl"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(fd, "wb") as f:
            for event in events:
                f.write(orjson.dumps(event) + b"\n")
        return path
    except OSError:
        log.exception("the unwritten audit events could not be kept either")
        return None


async def replay(db: Database, path: Path) -> int:
    """Write the events kept by ``spill``; events already written are not written again
    (the file is one batch, recorded by its first event)."""
    events = []
    for line in path.read_bytes().splitlines():
        if line.strip():
            event = orjson.loads(line)
            event["at"] = dt.datetime.fromisoformat(event["at"])
            events.append(event)
    return await insert_events(db, events) if events else 0


def _drain(queue: asyncio.Queue[dict[str, Any] | None]) -> list[dict[str, Any] | None]:
    out = []
    while not queue.empty():
        out.append(queue.get_nowait())
    return out


async def insert_events(db: Database, events: list[dict[str, Any]]) -> int:
    params = {
        "batch": events[0]["id"],
        "at": events[0]["at"],
        "events": [stored(e) for e in events],
    }
    records = await db.write(INSERT_AUDIT_EVENTS, params, op="audit")
    return int(records[0]["written"]) if records else 0
