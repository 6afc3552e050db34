"""Bulk import of subjects, roles, list entries and credit records.

CSV (with a header) or JSON lines, one kind per file. Good rows are written in
batches by set-based ``UNWIND`` Cypher (``seeds/ingest.py``); every bad row
goes to the rejects file with its line number, field, code and reason, and the
import carries on. Re-importing a file changes nothing; a changed row updates
its record and keeps the earlier version.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import time
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from gateway.base.db import Database, Transaction
from gateway.base.errors import Conflict
from gateway.base.settings import Settings
from seeds import ingest
from seeds.kinds import KINDS, ImportKind
from seeds.rejects import Reject, graph_reject, write_rejects
from seeds.rows import DepartmentDirectory, RowError


@dataclass
class ImportReport:
    kind: str
    path: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    seconds: float = 0.0
    rejects_path: str | None = None
    reject_codes: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0


def read_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, raw row) pairs; a malformed JSON line yields its error instead."""
    if path.suffix.lower() == ".csv":
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            for row in reader:
                yield reader.line_num, row
        return
    with open(path, "rb") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                yield number, RowError("(row)", "MALFORMED_ROW", f"not JSON: {exc}")
                continue
            if not isinstance(value, dict):
                yield number, RowError("(row)", "MALFORMED_ROW", "a row must be a JSON object")
                continue
            yield number, value


def _chunks(rows: Iterable[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    chunk: list[tuple[int, Any]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


Row = dict[str, Any]


def schedule(
    rows: list[Row], busy: set[Hashable], depends_on: Callable[[Row], Iterable[Hashable]]
) -> tuple[list[Row], set[Hashable], list[Row]]:
    """Split rows (in file order) into those that may be written now, the keys these
    depend on, and the rows held back: a row is held back when it shares a key with
    ``busy`` (the keys of the rows being written) or with a row held back before it, so
    that rows sharing a key are always written in file order."""
    free: list[Row] = []
    keys: set[Hashable] = set()
    held: list[Row] = []
    blocked = set(busy)
    for row in rows:
        depends = depends_on(row)
        if blocked.isdisjoint(depends):
            free.append(row)
            keys.update(depends)
        else:
            held.append(row)
            blocked.update(depends)
    return free, keys, held


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f)


class Importer:
    """Imports one file; reusable across files of one run (shares the department directory).

    ``today`` is the import day the row rules read: a date of a past event after it is
    refused (``DATE_IN_FUTURE``) and an entry's stored status is set as of it. ``clock``
    stamps the writes. Both come from the application's one clock (gateway/settings.py)
    unless the caller gives them: the CLI takes the day from ``--as-of``; tests pin both.

    ``concurrency`` batches are written at once, and no two at once share a key a row
    depends on (the kind's ``depends_on``, seeds/kinds.py): a row that shares one with a
    batch being written is held back, with every later row sharing a key with it, and
    goes with a later batch. Every row thus sees the rows before it that concern it, as
    in file order; rows sharing no key are independent, and their order changes nothing.
    """

    def __init__(
        self,
        db: Database,
        *,
        batch_size: int = 2000,
        actor: str = "import",
        today: dt.date | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        concurrency: int = 2,
        derived: bool = True,
    ) -> None:
        self.db = db
        self.batch_size = batch_size
        self.concurrency = max(1, concurrency)
        self.derived = derived  # roles: derived entries follow (an initial load defers it)
        self.actor = actor
        system = Settings()  # the clock unpinned: the date in China, as every rule reads it
        self.today = today or system.today_()
        self.clock = clock or system.now
        self._departments: DepartmentDirectory | None = None

    async def departments(self) -> DepartmentDirectory:
        if self._departments is None:
            records = await self.db.read(ingest.DEPARTMENT_DIRECTORY, op="import:departments")
            self._departments = DepartmentDirectory([r.data() for r in records])
        return self._departments

    async def run(
        self,
        path: Path,
        kind: ImportKind,
        rejects_path: Path | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Import one file; write its rejects file, or remove an earlier one when none."""
        report, rejects = await self.load(read_rows(path), kind, str(path), on_progress)
        if rejects_path is not None:
            write_rejects(rejects_path, rejects)
            report.rejects_path = str(rejects_path) if rejects else None
        return report

    async def load(
        self,
        rows: Iterable[tuple[int, Any]],
        kind: ImportKind,
        name: str = "(rows)",
        on_progress: Callable[[int], None] | None = None,
    ) -> tuple[ImportReport, list[Reject]]:
        """Import (line number, raw row) pairs; return the report and the rejected rows.

        Parsing the next batch overlaps the writes in flight. A batch is the rows read
        that depend on no row being written, after the rows held back before them, so a
        batch may hold up to twice ``batch_size`` rows.
        """
        report = ImportReport(kind.value, name)
        rejects: list[Reject] = []
        parse = await self._parser(kind)
        started = time.perf_counter()

        def parse_chunk(
            chunk: list[tuple[int, Any]],
        ) -> tuple[list[dict[str, Any]], dict[int, Any]]:
            batch, raw_by_n = [], {}
            for line, raw in chunk:
                try:
                    if isinstance(raw, RowError):
                        raise raw
                    batch.append(parse(raw, line))
                    raw_by_n[line] = raw
                except RowError as err:
                    rejects.append(Reject(line, err.field, err.code, err.reason, err.value, raw))
            return batch, raw_by_n

        depends_on = KINDS[kind].depends_on
        in_flight: list[tuple[set[Hashable], asyncio.Task[None]]] = []
        held: list[dict[str, Any]] = []  # rows held back, in file order
        raws: dict[int, Any] = {}  # the raw rows of the rows not yet written, by line

        async def settle(wait: bool) -> None:
            """Drop finished writes (raising their errors); with ``wait``, wait for one."""
            nonlocal in_flight
            if wait:
                await asyncio.wait({t for _, t in in_flight}, return_when=asyncio.FIRST_COMPLETED)
            for _, task in in_flight:
                if task.done():
                    task.result()
            in_flight = [(k, t) for k, t in in_flight if not t.done()]

        async def dispatch(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            """Write, as one batch, the rows that depend on nothing being written (nor on a
            row held back before them); return the others, in order."""
            await settle(wait=False)
            while len(in_flight) >= self.concurrency:
                await settle(wait=True)
            free, keys, rest = schedule(rows, set().union(*(k for k, _ in in_flight)), depends_on)
            if free:
                batch_raws = {r["n"]: raws.pop(r["n"]) for r in free}
                task = asyncio.create_task(self._flush(kind, free, batch_raws, report, rejects))
                in_flight.append((keys, task))
            return rest

        try:
            for chunk in _chunks(rows, self.batch_size):
                report.read += len(chunk)
                # Parse in a thread while the event loop drives the writes in flight.
                batch, raw_by_n = await asyncio.to_thread(parse_chunk, chunk)
                if on_progress:
                    on_progress(chunk[-1][0])
                raws.update(raw_by_n)
                if len(held) >= self.batch_size:  # many held back: write them on their own
                    while in_flight:
                        await settle(wait=True)
                    held = await dispatch(held)
                held = await dispatch(held + batch)
            while held:  # a held row shares a key with a write in flight
                await settle(wait=True)
                held = await dispatch(held)
            while in_flight:
                await settle(wait=True)
        finally:
            if in_flight:  # an error: let the other writes finish before it propagates
                await asyncio.gather(*(t for _, t in in_flight), return_exceptions=True)
        report.seconds = time.perf_counter() - started
        report.rejected = len(rejects)
        rejects.sort(key=lambda r: r.line)
        for r in rejects:
            r.file = name
            report.reject_codes[r.code] = report.reject_codes.get(r.code, 0) + 1
        return report, rejects

    async def _parser(self, kind: ImportKind) -> Callable[[Any, int], dict[str, Any]]:
        spec, today = KINDS[kind], self.today
        directory = await self.departments() if spec.departments else None
        return lambda raw, n: spec.check(raw, n, today, directory)

    async def _flush(
        self,
        kind: ImportKind,
        batch: list[dict[str, Any]],
        raw_by_n: dict[int, Any],
        report: ImportReport,
        rejects: list[Reject],
    ) -> None:
        now = self.clock()
        spec = KINDS[kind]
        write = spec.write
        options: dict[str, Any] = (
            {"derived": False} if spec.defers_derived and not self.derived else {}
        )

        async def work(tx: Transaction) -> ingest.Written:
            return await write(
                tx, batch, now=now, actor=self.actor, reason=f"import {kind.value}", **options
            )

        try:
            written = await self.db.transaction(work, op=f"import:{kind.value}")
        except Conflict:
            # Another import created a key this batch took for new: write it again, every
            # row through the full statements, which lock their keys.
            options["create"] = False
            written = await self.db.transaction(work, op=f"import:{kind.value}")
        by_n = {row["n"]: row for row in batch}
        for n, what, details in written.misses:
            rejects.append(graph_reject(kind.value, by_n[n], raw_by_n[n], what, details))
        report.created += written.created
        report.updated += written.written - written.created
        report.unchanged += len(batch) - len(written.misses) - written.written
