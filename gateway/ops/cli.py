"""The ``credit-graph`` command line."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn
from rich.table import Table

from gateway.base.db import Database
from gateway.base.errors import CreditGraphError
from gateway.base.settings import Settings
from gateway.ops import neo4j_server
from seeds.generator import DEMO_SEED, DEMO_SUBJECTS
from seeds.kinds import NAMES, kind_help, kinds_described

app = typer.Typer(
    help="credit-graph: a GraphQL gateway over a public-credit graph in Neo4j.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
neo4j_app = typer.Typer(help="The project's own local Neo4j server.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
federation_app = typer.Typer(
    help="Federation: subgraph SDL, the supergraph, a local router.", no_args_is_help=True
)
app.add_typer(federation_app, name="federation")
console = Console()
T = TypeVar("T")


def _settings() -> Settings:
    return Settings.from_env()


def _with_db(work: Callable[[Database], Awaitable[T]]) -> T:
    settings = _settings()

    async def run() -> T:
        db = Database.connect(settings)
        try:
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(run())


def _fail(exc: CreditGraphError) -> None:
    console.print(f"[red]error[/red] {exc.code}: {exc.message}")
    raise typer.Exit(1)


@neo4j_app.command("fetch")
def neo4j_fetch() -> None:
    """Resolve Neo4j Community from Maven Central (cached by version)."""
    settings = _settings()
    try:
        path = neo4j_server.fetch(settings)
    except CreditGraphError as exc:
        _fail(exc)
    console.print(f"Neo4j {settings.neo4j_version} at {path}")


def _require_local(settings: Settings) -> bool:
    if not settings.local_neo4j:
        console.print(f"NEO4J_URI is set ({settings.neo4j_uri}): no local server is managed")
        return False
    return True


@neo4j_app.command("start")
def neo4j_start() -> None:
    """Start the local instance (idempotent); returns when Bolt answers."""
    settings = _settings()
    if not _require_local(settings):
        return
    try:
        st = neo4j_server.start(settings)
    except CreditGraphError as exc:
        _fail(exc)
    console.print(f"Neo4j '{settings.instance}' {st.detail} (pid {st.pid}) at {st.uri}")


@neo4j_app.command("stop")
def neo4j_stop() -> None:
    """Stop the local instance (idempotent)."""
    settings = _settings()
    if _require_local(settings):
        st = neo4j_server.stop(settings)
        console.print(f"Neo4j '{settings.instance}' {st.detail}")


@neo4j_app.command("status")
def neo4j_status() -> None:
    """Say whether the local instance runs; exit 1 when it does not."""
    settings = _settings()
    if not _require_local(settings):
        return
    st = neo4j_server.status(settings)
    console.print(
        f"Neo4j '{settings.instance}' {st.detail}"
        + (f" (pid {st.pid}) at {st.uri}" if st.running else "")
    )
    if not st.running:
        raise typer.Exit(1)


@app.command()
def migrate() -> None:
    """Apply pending graph migrations (constraints, indexes)."""
    from graph_schema.migrate import migrate as run

    applied = _with_db(run)
    console.print(f"applied: {', '.join(applied) if applied else 'nothing pending'}")


@app.command("register-replay")
def register_replay(
    path: Annotated[Path, typer.Argument(help="a register-unwritten-*.jsonl file", exists=True)],
) -> None:
    """Write to the query register the events a gateway kept at shutdown because Neo4j
    could not take them (``$CREDIT_GRAPH_HOME/register/``); safe to run twice."""
    from procedures.audit import replay

    written = _with_db(lambda db: replay(db, path))
    console.print(f"written: {written} events" + ("" if written else " (already in the register)"))


@app.command()
def seed() -> None:
    """Load reference data (jurisdictions, departments) and the policy graph."""
    from seeds import load_all

    counts = _with_db(load_all)
    console.print(", ".join(f"{k}: {v}" for k, v in counts.items()))


@app.command()
def recompute() -> None:
    """Re-run propagation (管理办法 第二十六条) over the whole graph; idempotent."""
    from procedures.propagation import recompute as run

    counts = _with_db(lambda db: run(db, now=_settings().now(), actor="recompute"))
    console.print(
        f"derived entries recorded: {counts['RECORDED']}, updated: "
        f"{counts['UPDATED']}, voided: {counts['VOIDED']}"
    )


@app.command()
def expire(
    as_of: Annotated[str | None, typer.Option(help="YYYY-MM-DD, default today")] = None,
) -> None:
    """Mark entries past their validity EXPIRED (管理办法 第二十七条); idempotent.

    Answers never depend on it: every query evaluates validity on its own date.
    """
    from procedures.entry import expire as run

    day = _day(as_of)
    n = _with_db(lambda db: run(db, as_of=day, now=_settings().now(), actor="expire"))
    console.print(f"entries marked expired: {n}")


@app.command("calendar")
def calendar_(
    path: Annotated[Path, typer.Argument(help="CSV: date,working (1/0),name", exists=True)],
    announce: Annotated[
        list[int] | None, typer.Option(help="years whose arrangements are now complete")
    ] = None,
    source: Annotated[str, typer.Option(help="the notice, e.g. 国办发明电〔2026〕N号")] = "",
) -> None:
    """Record the State Council's holiday arrangements for years chinese_calendar lacks."""
    import csv

    from procedures.calendar import record

    with open(path, newline="", encoding="utf-8-sig") as f:
        days = [
            {
                "date": dt.date.fromisoformat(r["date"]),
                "working": r["working"].strip() in {"1", "true", "yes", "班"},
                "name": r.get("name") or None,
            }
            for r in csv.DictReader(f)
        ]
    _with_db(lambda db: record(db, days, years=announce or [], source=source))
    console.print(f"recorded {len(days)} days; announced years: {announce or []}")


@app.command(
    "import",
    help="Bulk import; bad rows go to a rejects file with line, field and "
    "reason. One kind per file:\n\n" + kinds_described(),
)
def import_(
    paths: Annotated[list[Path], typer.Argument(help="CSV or JSON-lines files", exists=True)],
    kind: Annotated[str, typer.Option(help=kind_help())],
    rejects: Annotated[
        Path | None, typer.Option(help="rejects file (default: <file>.rejects.csv)")
    ] = None,
    batch_size: Annotated[int, typer.Option()] = 2000,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="the import day, YYYY-MM-DD (default today): dates of past events after it "
            "are refused"
        ),
    ] = None,
    concurrency: Annotated[
        int, typer.Option(help="batches written at once when they touch different keys")
    ] = 2,
) -> None:
    from seeds.kinds import ImportKind

    try:
        import_kind = ImportKind(kind)
    except ValueError:
        console.print(f"[red]unknown kind {kind!r}[/red]: one of {kind_help()}")
        raise typer.Exit(2) from None
    today = _day(as_of)
    reports = _with_db(
        lambda db: _import_files(
            db, [(p, import_kind) for p in paths], rejects, batch_size, today, concurrency
        )
    )
    if any(r.rejected for r in reports):
        raise typer.Exit(3)


@app.command("load")
def load_(
    folder: Annotated[
        Path,
        typer.Argument(help=f"{', '.join(NAMES)} (.jsonl or .csv)", exists=True, file_okay=False),
    ],
    rejects: Annotated[
        Path | None, typer.Option(help="one rejects file for all (default: <file>.rejects.csv)")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            help="the import day, YYYY-MM-DD (default today): dates of past events after it "
            "are refused"
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="processes checking rows (default: one per core; 0: in this process)"),
    ] = None,
    workdir: Annotated[
        Path | None,
        typer.Option(
            help="where the CSV for neo4j-admin go (default: the instance's import folder)"
        ),
    ] = None,
    keep_files: Annotated[bool, typer.Option("--keep-files", help="keep that CSV")] = False,
) -> None:
    """Initial load of an empty database through neo4j-admin (the local instance only).

    The same rows, rules and rejects as `import`, the same graph at the end; refuses a
    database that holds credit data (DATABASE_NOT_EMPTY).
    """
    from gateway.ops.load import load as run
    from seeds.rejects import write_rejects

    settings = _settings()
    today = _day(as_of)
    try:
        report, rejected = asyncio.run(
            run(
                settings,
                folder,
                today=today,
                workers=workers,
                workdir=workdir,
                keep_files=keep_files,
                on_phase=lambda line: console.print(line),
            )
        )
    except CreditGraphError as exc:
        _fail(exc)
    collected: dict[Path, list[Any]] = {}
    for kind, rows in rejected.items():
        path = Path(report.kinds[kind].path)
        target = rejects or path.with_suffix(path.suffix + ".rejects.csv")
        collected.setdefault(target, []).extend(rows)
        report.kinds[kind].rejects_path = str(target) if rows else None
    for target, rows in collected.items():
        write_rejects(target, rows)
    table = Table("file", "kind", "read", "offline", "online", "rejected")
    for k in report.kinds.values():
        table.add_row(
            Path(k.path).name, k.kind, str(k.read), str(k.offline), str(k.online), str(k.rejected)
        )
    console.print(table)
    console.print(
        f"red entries ended (实施办法 第四条): {report.red_entries_ended:,}; derived "
        f"entries (管理办法 第二十六条): {report.derived_entries:,}; "
        f"{sum(report.phases.values()):,.0f} s in all"
    )
    for k in report.kinds.values():
        if k.rejected:
            codes = ", ".join(f"{c} × {n}" for c, n in sorted(k.reject_codes.items()))
            console.print(
                f"[yellow]{k.rejected} rejected[/yellow] from {k.path} ({codes}): {k.rejects_path}"
            )
    if any(k.rejected for k in report.kinds.values()):
        raise typer.Exit(3)


_DONE = float("inf")


class LogProgress:
    """Progress for a log (output that is not a terminal): a plain line per task every
    ``every_s`` seconds and when it is done, where a live bar would print nothing at all.
    The part of ``rich.progress.Progress`` the commands use."""

    def __init__(
        self,
        every_s: float = 5.0,
        clock: Callable[[], float] | None = None,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        import time

        self._every = every_s
        self._clock = clock or time.monotonic
        self._echo = echo or (lambda line: typer.echo(line))
        self._tasks: list[tuple[str, int | None, float]] = []
        self._said: list[float] = []

    def __enter__(self) -> LogProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, description: str, total: int | None = None) -> int:
        now = self._clock()
        self._tasks.append((description, total, now))
        self._said.append(now)
        self._echo(f"{description}: started")
        return len(self._tasks) - 1

    def update(self, task: int, completed: int) -> None:
        description, total, started = self._tasks[task]
        now = self._clock()
        done = total is not None and completed >= total
        if not done and now - self._said[task] < self._every or self._said[task] == _DONE:
            return
        self._said[task] = _DONE if done else now
        of = f" of {total:,} ({100 * completed // max(total, 1)}%)" if total else ""
        self._echo(
            f"{description}: {completed:,}{of} rows, {now - started:,.0f} s"
            + (", done" if done else "")
        )


def _progress() -> Any:
    """A live bar on a terminal; lines every few seconds in a log."""
    if not console.is_terminal:
        return LogProgress()
    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _day(text: str | None) -> dt.date:
    """A YYYY-MM-DD option; without one, today by the application's clock (settings)."""
    if text is None:
        return _settings().today_()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r}: a date, YYYY-MM-DD") from None


async def _import_files(
    db: Database,
    files: list[tuple[Path, Any]],
    rejects: Path | None,
    batch_size: int,
    today: dt.date | None = None,
    concurrency: int = 2,
) -> list[Any]:
    """Import the files in order; each rejects file is written once, after its last file.

    Without ``rejects`` each file has its own ``<file>.rejects.csv``; with it, one file
    holds the rejects of every file (its ``file`` column says which). A file left
    without rejects is removed, so no earlier run's rejects stay behind.
    """
    from seeds.importer import Importer, count_lines, read_rows
    from seeds.rejects import write_rejects

    clock = _settings()  # the application's one clock: the day and the writes' stamps
    importer = Importer(
        db,
        batch_size=batch_size,
        today=today or clock.today_(),
        clock=clock.now,
        concurrency=concurrency,
    )
    reports = []
    targets = {path: rejects or path.with_suffix(path.suffix + ".rejects.csv") for path, _ in files}
    collected: dict[Path, list[Any]] = {target: [] for target in targets.values()}
    with _progress() as progress:
        for path, kind in files:
            task = progress.add_task(f"{kind.value} {path.name}", total=count_lines(path))

            def advance(line: int, task: TaskID = task) -> None:
                progress.update(task, completed=line)

            report, rejected = await importer.load(
                read_rows(path), kind, str(path), on_progress=advance
            )
            progress.update(task, completed=count_lines(path))
            collected[targets[path]].extend(rejected)
            report.rejects_path = str(targets[path]) if rejected else None
            reports.append(report)
    for target, rows in collected.items():
        write_rejects(target, rows)
    table = Table("file", "kind", "read", "created", "updated", "unchanged", "rejected", "rows/s")
    for r in reports:
        table.add_row(
            Path(r.path).name,
            r.kind,
            str(r.read),
            str(r.created),
            str(r.updated),
            str(r.unchanged),
            str(r.rejected),
            f"{r.rows_per_second:,.0f}",
        )
    console.print(table)
    for r in reports:
        if r.rejected:
            codes = ", ".join(f"{c} × {n}" for c, n in sorted(r.reject_codes.items()))
            console.print(
                f"[yellow]{r.rejected} rejected[/yellow] from {r.path} ({codes}): {r.rejects_path}"
            )
    return reports


@app.command()
def generate(
    out: Annotated[Path, typer.Option(help="output folder")] = Path("var/synthetic"),
    subjects: Annotated[int, typer.Option(help="number of subjects (1k to 10M)")] = 10_000,
    seed_value: Annotated[int, typer.Option("--seed")] = 2018,
    today: Annotated[
        str | None,
        typer.Option(
            help="the day the data is for (the import's as-of day), YYYY-MM-DD; default today: "
            "only the dates depend on it"
        ),
    ] = None,
) -> None:
    """Write a deterministic synthetic dataset in the import format.

    The same subjects and seed give the same codes, names, roles and entries on any day;
    the dates are shifted to ``--today`` so that what is in force stays in force.
    """
    from seeds.generator import generate as run
    from seeds.generator import sizes_dict

    on = _day(today)
    with _progress() as progress:
        tasks: dict[str, Any] = {}

        def step(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(f"generate {phase}", total=total)
            progress.update(tasks[phase], completed=done)

        sizes = run(subjects, seed_value, out, on, progress=step)
    console.print_json(json.dumps(sizes_dict(sizes)))


async def load_dataset(db: Database, folder: Path, today: dt.date | None = None) -> list[Any]:
    """Import a generated dataset; ``today`` is the day it was generated for (default today)."""
    from seeds.kinds import KINDS

    files = [
        (folder / f"{kind.value}.jsonl", kind)
        for kind in KINDS
        if (folder / f"{kind.value}.jsonl").exists()
    ]
    return await _import_files(db, files, None, 2000, today)


def _duration(text: str) -> dt.timedelta:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        if text and text[-1] in units:
            return dt.timedelta(seconds=int(text[:-1]) * units[text[-1]])
        return dt.timedelta(seconds=int(text))
    except ValueError:
        raise typer.BadParameter(f"{text!r}: seconds, or a number with s, m, h or d") from None


@app.command()
def token(
    sub: Annotated[str, typer.Option(help="the caller (token subject)")],
    roles: Annotated[
        str,
        typer.Option(
            help="comma-separated: approval, investigator, credit_admin, supervisor, subject"
        ),
    ],
    dept: Annotated[str | None, typer.Option(help="department id, <code>/<name>")] = None,
    jur: Annotated[
        str | None, typer.Option(help="jurisdiction code (default: from --dept)")
    ] = None,
    subject_id: Annotated[
        str | None, typer.Option(help="with role subject: the subject's internal id")
    ] = None,
    ttl: Annotated[str, typer.Option(help="lifetime: seconds, or 30m, 8h, 7d")] = "8h",
) -> None:
    """Mint a development token (HS256 with the local secret) and print it."""
    from gateway.auth import mint_token

    try:
        jwt_token = mint_token(
            _settings(),
            sub=sub,
            dept=dept,
            jur=jur,
            subject_id=subject_id,
            roles=[r.strip() for r in roles.split(",") if r.strip()],
            ttl=_duration(ttl),
        )
    except CreditGraphError as exc:
        _fail(exc)
    typer.echo(jwt_token)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    workers: Annotated[int, typer.Option(help="worker processes")] = 1,
    subgraph: Annotated[
        str | None,
        typer.Option(help="all | credit | policy (default CREDIT_GRAPH_SUBGRAPH, else all)"),
    ] = None,
) -> None:
    """Serve the gateway with uvicorn."""
    import os

    import uvicorn

    from gateway.app import SERVER_OPTIONS

    if subgraph is not None:
        os.environ["CREDIT_GRAPH_SUBGRAPH"] = subgraph  # read by every worker's settings
    try:
        settings = _settings()
    except CreditGraphError as exc:
        _fail(exc)
    # uvicorn's own access log stays off: the app writes one JSON line per request, with
    # its request id and operation (gateway/access_log.py; CREDIT_GRAPH_ACCESS_LOG).
    uvicorn.run(
        "gateway.asgi:app",
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        log_level="info",
        access_log=False,
        **SERVER_OPTIONS,
    )


@app.command()
def demo(
    subjects: Annotated[int, typer.Option(help="synthetic subjects to load")] = DEMO_SUBJECTS,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="set up only")] = False,
) -> None:
    """Fetch and start Neo4j, migrate, load the policy graph and demo data, serve."""
    settings = _settings()
    if settings.local_neo4j:
        neo4j_start()
    migrate()
    seed()
    marker = settings.home / f"demo-{subjects}.loaded"
    if not marker.exists() or not settings.local_neo4j:
        folder = settings.home / f"synthetic-{subjects}"
        day = settings.today_()  # generated for and imported as of the same day
        generate(out=folder, subjects=subjects, seed_value=DEMO_SEED, today=day.isoformat())
        _with_db(lambda db: load_dataset(db, folder, day))
        marker.write_text(settings.now().isoformat() + "\n")
    else:
        console.print(f"demo data already loaded ({marker})")
    typer.echo(demo_banner(f"http://{settings.host}:{settings.port}", _cli_path()))
    if not no_serve:
        serve(host=None, port=None, workers=1, subgraph=None)


@app.command("schema-doc")
def schema_doc(
    out: Annotated[Path | None, typer.Option(help="default: docs/schema.md")] = None,
    check: Annotated[bool, typer.Option("--check", help="exit 1 if the file is stale")] = False,
) -> None:
    """Write the schema reference (types, fields, arguments, enum values, error codes)."""
    from gateway.schema_doc import SCHEMA_DOC, current

    path = out or SCHEMA_DOC
    text = current()
    if check:
        fresh = path.exists() and path.read_text(encoding="utf-8") == text
        console.print(f"{path}: {'current' if fresh else 'stale: run credit-graph schema-doc'}")
        raise typer.Exit(0 if fresh else 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    console.print(f"schema reference: {path}")


@app.command("documents")
def documents() -> None:
    """List the registered documents (graph_schema/documents): the documentId to send."""
    from gateway.persisted import Documents

    for doc in sorted(Documents.load().by_id.values(), key=lambda d: d.name):
        typer.echo(f"{doc.id}  {doc.name}")


def _cli_path() -> str:
    """How to call this command from where it was started (``.venv/bin/credit-graph``)."""
    import os
    import sys

    here = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    if here is None or not here.exists():
        return "credit-graph"
    try:
        return os.path.relpath(here)
    except ValueError:
        return str(here)


def demo_banner(url: str, cli: str = ".venv/bin/credit-graph") -> str:
    """What ``demo`` prints before it serves: fits 80 columns (counting a Chinese character
    as two), long commands broken only between words, each value on a line of its own."""
    return "\n".join(
        [
            "",
            "The demo is ready:",
            f"  GraphQL, government (a token):  {url}/graphql",
            f"  the public portal (anonymous):  {url}/public/graphql",
            f"  the graph view (paste a token): {url}/explore",
            f"  alive / ready:                  {url}/healthz",
            f"                                  {url}/readyz",
            "",
            "A development token for an officer (another terminal, this folder):",
            f"  {cli} token --sub me --roles approval \\",
            "    --dept 320800/淮安市市场监督管理局",
            "",
            "A search on the public portal:",
            f"  curl -s -G {url}/public/graphql \\",
            '    --data-urlencode \'query={ search(text: "华宏", first: 3) {',
            "      edges { node { name ... on PublicOrganization { uscc } } } } }'",
            "",
        ]
    )


@federation_app.command("sdl")
def federation_sdl(
    out: Annotated[Path | None, typer.Option(help="folder for <subgraph>.graphql")] = None,
) -> None:
    """Write each subgraph's SDL (default: deploy/federation/subgraphs)."""
    from gateway.ops.router import FEDERATION_DIR
    from resolvers.federation import SUBGRAPH_NAMES, subgraph

    folder = out or FEDERATION_DIR / "subgraphs"
    folder.mkdir(parents=True, exist_ok=True)
    for name in SUBGRAPH_NAMES:
        (folder / f"{name}.graphql").write_text(subgraph(name).sdl, encoding="utf-8")
        console.print(f"{name}: {folder / f'{name}.graphql'}")


@federation_app.command("compose")
def federation_compose() -> None:
    """Write the subgraphs' SDL and compose deploy/federation/supergraph.graphql."""
    from gateway.ops.router import SUPERGRAPH, compose

    federation_sdl(out=None)
    try:
        compose()
    except CreditGraphError as exc:
        for line in exc.details.get("errors", []):
            console.print(line)
        _fail(exc)
    console.print(f"supergraph: {SUPERGRAPH}")


@federation_app.command("up")
def federation_up(
    port: Annotated[int, typer.Option(help="the router's port")] = 4000,
    sample_approval: Annotated[
        bool,
        typer.Option(
            "--sample-approval",
            help="also serve the sample approval subgraph (tests/federation/approval.py) with "
            "three applications from the demo data, composed in under the home folder",
        ),
    ] = False,
) -> None:
    """Serve the credit and policy subgraphs as separate processes and Hive Gateway in front
    of them on 127.0.0.1 (ports from deploy/federation/subgraphs.json); Ctrl-C stops all."""
    import signal

    from gateway.ops import router

    def terminated(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # stop the children as Ctrl-C does

    signal.signal(signal.SIGTERM, terminated)
    processes = []
    try:
        for service in router.services():
            p = router.start_subgraph(service.name, service.port)
            processes.append(p)
            router.wait_ready(service.url.replace("/graphql", "/healthz"), p)
            console.print(f"subgraph {service.name}: {service.url}")
        supergraph = router.SUPERGRAPH
        if sample_approval:
            processes.append(router.start_sample_approval())
            url = f"http://127.0.0.1:{router.SAMPLE_APPROVAL_PORT}/graphql"
            console.print(f"sample approval subgraph: {url}")
            supergraph = router.compose_with(
                {"approval": (router.subgraph_sdl(url), url)}, _settings().home / "federation"
            )
            console.print(f"supergraph with it: {supergraph}")
        p = router.start_router(supergraph, port)
        processes.append(p)
        router.wait_ready(f"http://127.0.0.1:{port}/readiness", p)
        console.print(f"router (Hive Gateway): http://127.0.0.1:{port}/graphql")
        processes[-1].wait()
    except CreditGraphError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        pass
    finally:
        router.stop(processes)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
