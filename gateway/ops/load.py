"""The initial load: import files into an empty database through Neo4j's offline importer.

``credit-graph load DIR`` reads ``subjects``, ``roles``, ``entries`` and ``records``
(``.jsonl`` or ``.csv``, the import format) and ends with the graph ``credit-graph
import`` would have made of the same files, in a fraction of the time:

1. The database may hold reference data (migrations, jurisdictions, departments, the
   policy graph) and nothing else; otherwise the load is refused (DATABASE_NOT_EMPTY).
2. Every row is checked by the importer's own rules (seeds/rows.py), in worker
   processes; a refused row goes to the rejects file exactly as ``import`` would write it.
3. A row none of whose keys an earlier row touched (seeds/claims.py) is written as CSV
   for ``neo4j-admin database import full`` (seeds/admin_csv.py): the node, its first
   version and its links, as the online importer writes them on an empty graph. Every
   other row (a second row for a key, a row naming a subject no row created) is kept.
4. The instance is stopped, the offline importer builds the database, the instance is
   started, and the migrations create the constraints, indexes and the full-text index.
5. Reference data and the policy graph are loaded again (idempotent); the rows kept in
   step 3 go through the online importer in file order, which judges each as an import
   would; 实施办法 第四条 and 管理办法 第二十六条 run set-based, in batches of their own
   transactions (graph_schema/rules/red_black.py, propagation.py), between the roles
   and the entries kept, as they would have run during an import.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import IO, Any

import orjson

from gateway.base.db import Database
from gateway.base.errors import ConfigurationError, Conflict
from gateway.base.settings import Settings
from gateway.ops import neo4j_server
from graph_schema.list_entry import SYNCED
from graph_schema.migrate import migrate
from graph_schema.rules.identity import SINGLE_HOLDER_ROLES
from graph_schema.rules.propagation import PROPAGATING_ROLES, propagate_initial
from graph_schema.rules.red_black import END_RED_ON_BLACK_IN_TRANSACTIONS
from seeds import admin_csv, ingest
from seeds.claims import Claims, code_key
from seeds.importer import Importer, ImportKind, count_lines, read_rows
from seeds.kinds import KINDS, NAMES
from seeds.rejects import Reject
from seeds.rows import DepartmentDirectory, RowError

# What `migrate` and `seed` write: a database holding these only is empty of credit data.
REFERENCE_LABELS = (
    "Migration",
    "Jurisdiction",
    "Department",
    "CollectiveUnit",
    "PolicyDocument",
    "PolicyItem",
    "Task",
    "Measure",
    "MatterType",
)
CREDIT_DATA = "MATCH (n) WHERE none(l IN labels(n) WHERE l IN $reference) RETURN count(n) AS n"


class DatabaseNotEmpty(Conflict):
    code = "DATABASE_NOT_EMPTY"


class LoadNeedsLocalNeo4j(ConfigurationError):
    code = "LOAD_NEEDS_LOCAL_NEO4J"


@dataclass
class KindReport:
    kind: str
    path: str
    read: int = 0
    offline: int = 0  # written by neo4j-admin
    online: int = 0  # rows kept for the online importer
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    reject_codes: dict[str, int] = field(default_factory=dict)
    rejects_path: str | None = None


@dataclass
class LoadReport:
    kinds: dict[str, KindReport] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)  # seconds
    red_entries_ended: int = 0
    derived_entries: int = 0
    prepared_bytes: int = 0
    claims_bytes: int = 0


def inputs(folder: Path) -> dict[str, Path]:
    """The files of a folder, by kind: ``<kind>.jsonl`` or ``<kind>.csv``."""
    found = {}
    for kind in NAMES:
        for suffix in (".jsonl", ".csv"):
            if (folder / f"{kind}{suffix}").exists():
                found[kind] = folder / f"{kind}{suffix}"
                break
    if "subjects" not in found:
        raise ConfigurationError(f"{folder} holds no subjects.jsonl or subjects.csv")
    return found


# --- checking and writing rows (in worker processes) -------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(departments: list[dict[str, Any]], today: dt.date, stamp: admin_csv.Stamp) -> None:
    _WORKER.update(
        directory=DepartmentDirectory(departments),
        today=today,
        stamp=stamp,
        ids=admin_csv.Ids(),
    )


def _key64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _checked(kind: ImportKind, raw: Any, n: int) -> dict[str, Any]:
    """The row as the importer's checker for its kind makes it (seeds/kinds.py)."""
    return KINDS[kind].check(raw, n, _WORKER["today"], _WORKER["directory"])


def _check_subject(raw: Any, n: int) -> tuple[Any, ...]:
    row = _checked(ImportKind.SUBJECTS, raw, n)
    lines = tuple(admin_csv.subject_lines(row, _WORKER["ids"], _WORKER["stamp"]))
    return (row.get("uscc"), row.get("idNumber")), lines


def _check_role(raw: Any, n: int) -> tuple[Any, ...]:
    row = _checked(ImportKind.ROLES, raw, n)
    keys = [_key64(f"role|{row['idNumber']}|{row['uscc']}|{row['kind']}|{row['start']}")]
    if row["kind"] in SINGLE_HOLDER_ROLES:  # the post is one person's from a start
        keys.append(_key64(f"holder|{row['uscc']}|{row['kind']}|{row['start']}"))
    lines = tuple(admin_csv.role_lines(row, _WORKER["ids"], _WORKER["stamp"]))
    return (row["uscc"], row["idNumber"], tuple(keys)), lines


def _check_entry(raw: Any, n: int) -> tuple[Any, ...]:
    row = _checked(ImportKind.ENTRIES, raw, n)
    lines = tuple(admin_csv.entry_lines(row, _WORKER["ids"], _WORKER["stamp"]))
    return (row["uscc"], row["idNumber"], (_key64(row["key"]),)), lines


def _check_record(raw: Any, n: int) -> tuple[Any, ...]:
    row = _checked(ImportKind.RECORDS, raw, n)
    lines = tuple(admin_csv.record_lines(row, _WORKER["ids"], _WORKER["stamp"]))
    return (row["uscc"], row["idNumber"], (_key64(row["key"]),)), lines


# The offline half of each kind of seeds/kinds.py: its checker, then its neo4j-admin lines.
_CHECKS: dict[str, Callable[[Any, int], tuple[Any, ...]]] = {
    "subjects": _check_subject,
    "roles": _check_role,
    "entries": _check_entry,
    "records": _check_record,
}


def _check_chunk(kind: str, chunk: list[tuple[int, Any]]) -> list[tuple[Any, ...]]:
    """Each row of a chunk: ("ok", claim, lines) or ("reject", field, code, reason, value)."""
    check = _CHECKS[kind]
    out: list[tuple[Any, ...]] = []
    for n, raw in chunk:
        try:
            if isinstance(raw, bytes):
                try:
                    raw = orjson.loads(raw)
                except orjson.JSONDecodeError as exc:
                    raise RowError("(row)", "MALFORMED_ROW", f"not JSON: {exc}") from None
                if not isinstance(raw, dict):
                    raise RowError("(row)", "MALFORMED_ROW", "a row must be a JSON object")
            elif isinstance(raw, RowError):
                raise raw
            claim, lines = check(raw, n)
            out.append(("ok", claim, lines))
        except RowError as err:
            out.append(("reject", err.field, err.code, err.reason, err.value))
    return out


def _raw_rows(path: Path) -> Iterator[tuple[int, Any]]:
    """(line, row) pairs; JSON lines stay bytes, decoded by the worker that checks them."""
    if path.suffix.lower() == ".csv":
        yield from read_rows(path)
        return
    with open(path, "rb") as f:
        for number, line in enumerate(f, start=1):
            if line.strip():
                yield number, line


def _decoded(raw: Any) -> Any:
    if isinstance(raw, bytes):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return raw.decode("utf-8", "replace")
    return raw


def _chunks(rows: Iterable[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    chunk: list[tuple[int, Any]] = []
    for item in rows:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- the prepared files ------------------------------------------------------------


class Writers:
    """The CSV files for neo4j-admin, each opened with its header when first written."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: dict[str, IO[str]] = {}
        self.multiline = False

    def write(self, name: str, line: str) -> None:
        f = self.files.get(name)
        if f is None:
            f = self.files[name] = open(  # noqa: SIM115 - closed in close()
                self.folder / f"{name}.csv", "w", encoding="utf-8", buffering=1 << 20
            )
            f.write(",".join(admin_csv.FILES[name].header) + "\n")
        if "\n" in line or "\r" in line:
            self.multiline = True
        f.write(line)
        f.write("\n")

    def close(self) -> None:
        for f in self.files.values():
            f.close()

    def arguments(self) -> list[str]:
        args = []
        for name in self.files:
            spec = admin_csv.FILES[name]
            path = self.folder / f"{name}.csv"
            if spec.labels:
                args.append(f"--nodes={spec.labels}={path}")
            else:
                args.append(f"--relationships={spec.type}={path}")
        return args


@dataclass
class Prepared:
    writers: Writers
    kept: dict[str, Path]  # kind → JSON lines of rows for the online importer
    rejects: dict[str, list[Reject]]
    claims_bytes: int


def prepare(
    files: dict[str, Path],
    folder: Path,
    departments: list[dict[str, Any]],
    today: dt.date,
    stamp: admin_csv.Stamp,
    report: LoadReport,
    *,
    workers: int = 0,
    chunk_size: int = 4000,
    on_progress: Callable[[str, int], None] | None = None,
) -> Prepared:
    """Check every row, write the offline importer's files and the rows kept for later."""
    folder.mkdir(parents=True, exist_ok=True)
    writers = Writers(folder)
    for department in departments:
        writers.write("departments", admin_csv.department_line(department))
    subjects = count_lines(files["subjects"])
    claims = Claims(subjects)
    kept: dict[str, Path] = {}
    rejects: dict[str, list[Reject]] = {}
    pool = None
    if workers > 0:
        pool = get_context("fork").Pool(
            workers, initializer=_init_worker, initargs=(departments, today, stamp)
        )
    else:
        _init_worker(departments, today, stamp)
    try:
        for kind in NAMES:
            if kind not in files:
                continue
            if kind != "subjects":
                claims.forget_keys(count_lines(files[kind]) if kind == "roles" else 1024)
            kr = report.kinds[kind] = KindReport(kind, str(files[kind]))
            kept[kind] = folder / f"kept-{kind}.jsonl"
            rejects[kind] = _prepare_kind(
                kind,
                files[kind],
                kept[kind],
                kr,
                claims,
                writers,
                pool,
                workers,
                chunk_size,
                on_progress,
            )
            report.claims_bytes = max(report.claims_bytes, claims.nbytes)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        writers.close()
    report.prepared_bytes = sum(p.stat().st_size for p in folder.glob("*.csv"))
    return Prepared(writers, kept, rejects, claims.nbytes)


def _prepare_kind(
    kind: str,
    path: Path,
    kept_path: Path,
    kr: KindReport,
    claims: Claims,
    writers: Writers,
    pool: Any,
    workers: int,
    chunk_size: int,
    on_progress: Callable[[str, int], None] | None,
) -> list[Reject]:
    """One file: its rows checked (by the pool, in order), written or kept; its rejects."""
    rejected: list[Reject] = []
    with open(kept_path, "wb") as kept_file:

        def take(chunk: list[tuple[int, Any]], results: list[tuple[Any, ...]]) -> None:
            for (n, raw), result in zip(chunk, results, strict=True):
                kr.read += 1
                if result[0] == "reject":
                    _, fld, code, reason, value = result
                    rejected.append(Reject(n, fld, code, reason, value, _decoded(raw), str(path)))
                    continue
                _, claim, lines = result
                if _claim(kind, claims, claim):
                    kr.offline += 1
                    for name, line in lines:
                        writers.write(name, line)
                else:
                    kr.online += 1
                    kept_file.write(orjson.dumps([n, _decoded(raw)]) + b"\n")
            if on_progress and chunk:
                on_progress(kind, chunk[-1][0])

        chunks = _chunks(_raw_rows(path), chunk_size)
        if pool is None:
            for chunk in chunks:
                take(chunk, _check_chunk(kind, chunk))
            return rejected
        pending: deque[tuple[list[tuple[int, Any]], Any]] = deque()
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(_check_chunk, (kind, chunk))))
            if len(pending) >= 3 * workers:
                first, result = pending.popleft()
                take(first, result.get())
        while pending:
            first, result = pending.popleft()
            take(first, result.get())
    return rejected


def _claim(kind: str, claims: Claims, claim: tuple[Any, ...]) -> bool:
    """True when the row may go offline: it touches nothing an earlier row touched."""
    if kind == "subjects":
        uscc, id_number = claim
        return claims.subject(uscc, id_number)
    uscc, id_number, keys = claim
    if kind == "roles":
        known = code_key(id_number) in claims.persons and code_key(uscc) in claims.organizations
    else:
        known = claims.exists(uscc, id_number)
    fresh = claims.touch(*keys)  # claimed whether or not the row goes offline
    return known and fresh


# --- the offline importer ----------------------------------------------------------


def admin_import(settings: Settings, writers: Writers, *, threads: int, memory: str) -> float:
    """Run ``neo4j-admin database import full`` into the (stopped) instance's database."""
    dist = neo4j_server.dist_dir(settings)
    instance_dir = settings.instance_dir.resolve()
    report_file = instance_dir / "logs" / "load-import.report"
    argv = [
        neo4j_server.java_executable(),
        f"-Xmx{os.environ.get('CREDIT_GRAPH_LOAD_HEAP', '1g')}",
        *neo4j_server.JVM_OPTIONS,
        "-cp",
        str(dist.resolve() / "lib" / "*"),
        "org.neo4j.server.startup.Neo4jAdminCommand",
        "database",
        "import",
        "full",
        settings.neo4j_database,  # before the file lists, which take every word after them
        "--overwrite-destination=true",
        f"--threads={threads}",
        f"--max-off-heap-memory={memory}",
        "--array-delimiter=U+001F",
        f"--report-file={report_file}",
        *(["--multiline-fields=true"] if writers.multiline else []),
        *writers.arguments(),
    ]
    env = {**os.environ, "NEO4J_HOME": str(instance_dir), "NEO4J_CONF": str(instance_dir / "conf")}
    started = time.perf_counter()
    log = instance_dir / "logs" / "load-import.log"
    with open(log, "w", encoding="utf-8") as out:
        done = subprocess.run(argv, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
        raise ConfigurationError(f"neo4j-admin database import failed ({log}):\n{tail}")
    return time.perf_counter() - started


# --- the whole load ----------------------------------------------------------------


async def _database_is_empty(db: Database) -> None:
    [row] = await db.read(CREDIT_DATA, {"reference": list(REFERENCE_LABELS)}, op="load:empty")
    if row["n"]:
        raise DatabaseNotEmpty(
            f"the database holds {row['n']:,} nodes of credit data; the initial load builds "
            "a new database and never replaces one: load into an empty instance, or use "
            "`credit-graph import` to add these files",
            nodes=row["n"],
        )


async def _online(
    db: Database,
    kind: str,
    path: Path,
    today: dt.date,
    clock: Callable[[], dt.datetime],
    report: KindReport,
    batch_size: int,
) -> list[Reject]:
    def rows() -> Iterator[tuple[int, Any]]:
        with open(path, "rb") as f:
            for line in f:
                n, raw = orjson.loads(line)
                yield n, raw

    # Roles: derived entries are made once, from every role, after the roles (below).
    importer = Importer(
        db, batch_size=batch_size, actor="load", today=today, clock=clock, derived=kind != "roles"
    )
    online, rejects = await importer.load(rows(), ImportKind(kind), report.path)
    report.created, report.updated = online.created, online.updated
    report.unchanged = online.unchanged
    return rejects


async def load(
    settings: Settings,
    folder: Path,
    *,
    today: dt.date,
    now: dt.datetime | None = None,
    workdir: Path | None = None,
    workers: int | None = None,
    batch_size: int = 10_000,
    import_threads: int | None = None,
    import_memory: str = "2g",
    keep_files: bool = False,
    on_phase: Callable[[str], None] | None = None,
) -> tuple[LoadReport, dict[str, list[Reject]]]:
    """Load the files of ``folder`` into the instance's empty database; return the report
    and the rejected rows by kind (the caller writes the rejects files)."""
    if not settings.local_neo4j:
        raise LoadNeedsLocalNeo4j(
            "the initial load runs Neo4j's offline importer on this machine's instance; "
            "for a remote Neo4j load locally and move the database (see the README)"
        )
    files = inputs(folder)
    settings = settings.with_(neo4j_query_timeout_s=24 * 3600.0)  # index builds take a while
    report = LoadReport()
    now = now or settings.now()
    stamp = admin_csv.Stamp(now.isoformat(), "load")
    workdir = workdir or settings.instance_dir / "import" / f"load-{now:%Y%m%dT%H%M%S}"
    cpus = os.cpu_count() or 1
    workers = cpus if workers is None else workers

    def phase(name: str, started: float) -> None:
        report.phases[name] = round(time.perf_counter() - started, 2)
        if on_phase:
            on_phase(f"{name}: {report.phases[name]:,.1f} s")

    t = time.perf_counter()
    neo4j_server.start(settings)
    db = Database.connect(settings)
    try:
        await _database_is_empty(db)
        await migrate(db)
        from seeds import load_all

        await load_all(db)
        departments = [r.data() for r in await db.read(ingest.DEPARTMENT_DIRECTORY)]
    finally:
        await db.close()
    phase("check", t)

    t = time.perf_counter()
    prepared = await asyncio.to_thread(
        prepare, files, workdir, departments, today, stamp, report, workers=workers
    )
    phase("validate and write CSV", t)

    t = time.perf_counter()
    neo4j_server.stop(settings)
    admin_import(settings, prepared.writers, threads=import_threads or cpus, memory=import_memory)
    phase("neo4j-admin import", t)

    t = time.perf_counter()
    neo4j_server.start(settings)
    phase("start", t)
    db = Database.connect(settings)
    rejects = prepared.rejects

    async def kept(kinds: tuple[str, ...]) -> None:
        """The rows kept for the online importer, judged exactly as ``import`` would."""
        for kind in kinds:
            if kind in prepared.kept:
                rejects[kind] += await _online(
                    db,
                    kind,
                    prepared.kept[kind],
                    today,
                    settings.now,
                    report.kinds[kind],
                    batch_size=2000,
                )

    try:
        t = time.perf_counter()
        await migrate(db)
        phase("constraints and indexes", t)
        t = time.perf_counter()
        await load_all(db)
        phase("reference data", t)
        t = time.perf_counter()
        await kept(("subjects", "roles"))
        phase("rows kept for the online importer (subjects, roles)", t)
        t = time.perf_counter()
        params = {"now": now, "actor": "load", "batch": batch_size}
        [ended] = await db.in_transactions(END_RED_ON_BLACK_IN_TRANSACTIONS, params, op="load:red")
        report.red_entries_ended = ended["ended"]
        phase("实施办法 第四条", t)
        t = time.perf_counter()
        [existing] = await db.read("MATCH (d:ListEntry {derived: true}) RETURN count(d) AS n")
        if existing["n"]:  # the initial propagation creates; it must find nothing to update
            raise ConfigurationError(f"{existing['n']} derived entries exist before propagation")
        derived = await db.in_transactions(
            propagate_initial(SYNCED),
            {**params, "reason": "load entries", "roles": list(PROPAGATING_ROLES)},
            op="load:propagate",
        )
        report.derived_entries = sum(r["n"] for r in derived)
        phase("管理办法 第二十六条", t)
        t = time.perf_counter()
        await kept(("entries", "records"))
        phase("rows kept for the online importer (entries, records)", t)
    finally:
        await db.close()
    for kind, rows in rejects.items():
        rows.sort(key=lambda r: r.line)
        kr = report.kinds[kind]
        kr.rejected = len(rows)
        for r in rows:
            kr.reject_codes[r.code] = kr.reject_codes.get(r.code, 0) + 1
    if not keep_files:
        shutil.rmtree(workdir, ignore_errors=True)
    return report, rejects
