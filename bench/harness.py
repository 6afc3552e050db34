"""What the benchmarks over the synthetic dataset share.

The ``bench`` Neo4j instance (ports 7690/7477) holding one dataset size at a time, the
gateway as its own uvicorn process, sampling, paired and concurrent timing, and the
/proc readings (a process's CPU time and memory) that cost figures are made of.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import neo4j
import orjson

from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.ops import neo4j_server
from graph_schema.migrate import migrate
from seeds import load_all
from seeds.generator import generate

ROOT = Path(__file__).resolve().parent.parent
GATEWAY_PORT = 8765
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def bench_settings(subjects: int) -> Settings:
    return Settings.from_env(
        {
            "CREDIT_GRAPH_HOME": str(ROOT / "var"),
            "CREDIT_GRAPH_INSTANCE": "bench",
            "CREDIT_GRAPH_NEO4J_BOLT_PORT": "7690",
            "CREDIT_GRAPH_NEO4J_HTTP_PORT": "7477",
            "CREDIT_GRAPH_NEO4J_HEAP": os.environ.get("BENCH_NEO4J_HEAP", "3g"),
            "CREDIT_GRAPH_NEO4J_PAGECACHE": os.environ.get("BENCH_NEO4J_PAGECACHE", "4g"),
        }
    )


async def ensure_dataset(settings: Settings, subjects: int, seed: int, today: dt.date) -> Path:
    """Start the bench instance holding the dataset of this size, loading it if need be.

    The instance holds one dataset at a time. Each one loaded is also dumped (offline, by
    ``neo4j-admin``) beside its files, so switching back to it later is a restore of a few
    minutes rather than a wipe and a load of many.
    """
    from gateway.ops.cli import load_dataset

    bench_dir = settings.home / "bench"
    folder = bench_dir / f"synthetic-{subjects}-{seed}"
    # what an instance holds is its own: another instance's marker lives in its own folder
    held = bench_dir if settings.instance == "bench" else bench_dir / settings.instance
    marker = held / f"loaded-{subjects}-{seed}"
    dump = bench_dir / f"dump-{subjects}-{seed}"
    neo4j_server.start(settings)
    if not marker.exists() and (dump / f"{settings.neo4j_database}.dump").exists():
        _forget_loaded(held)
        started = time.perf_counter()
        neo4j_server.stop(settings)
        neo4j_admin(
            settings,
            "database",
            "load",
            f"--from-path={dump}",
            "--overwrite-destination=true",
            settings.neo4j_database,
        )
        neo4j_server.start(settings)
        print(f"restored from {dump} in {time.perf_counter() - started:,.0f} s", flush=True)
        marker.write_text(dt.datetime.now().isoformat())
    db = Database.connect(settings)
    try:
        await migrate(db)
        await load_all(db)
        if not marker.exists():
            _forget_loaded(held)
            async with db.driver.session(database=settings.neo4j_database) as session:
                await session.run(
                    "MATCH (n) WHERE n:Subject OR n:ListEntry OR n:CreditRecord OR n:Version "
                    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
                )
            if not (folder / "records.jsonl").exists():
                print(f"generating {subjects:,} subjects …", flush=True)
                generate(subjects, seed, folder, today)
            started = time.perf_counter()
            await load_dataset(db, folder, today)
            print(f"loaded in {time.perf_counter() - started:,.0f} s", flush=True)
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(dt.datetime.now().isoformat())
    finally:
        await db.close()
    if not (dump / f"{settings.neo4j_database}.dump").exists():
        started = time.perf_counter()
        partial = dump.with_name(dump.name + ".partial")  # renamed once complete
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        neo4j_server.stop(settings)
        try:
            neo4j_admin(
                settings, "database", "dump", f"--to-path={partial}", settings.neo4j_database
            )
        finally:
            neo4j_server.start(settings)
        shutil.rmtree(dump, ignore_errors=True)
        partial.rename(dump)
        print(f"dumped to {dump} in {time.perf_counter() - started:,.0f} s", flush=True)
    return folder


def _forget_loaded(held: Path) -> None:
    held.mkdir(parents=True, exist_ok=True)
    for old in held.glob("loaded-*"):
        old.unlink()  # one dataset at a time


def neo4j_admin(settings: Settings, *args: str) -> None:
    """``neo4j-admin`` of the shared distribution on this instance (offline commands)."""
    home = settings.instance_dir.resolve()
    done = subprocess.run(
        [
            neo4j_server.java_executable(),
            "-cp",
            str(neo4j_server.dist_dir(settings).resolve() / "lib" / "*"),
            "org.neo4j.server.startup.Neo4jAdminCommand",
            *args,
        ],
        env={**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"neo4j-admin {' '.join(args)} failed:\n{done.stderr[-2000:]}")


def sample_refs(folder: Path, n: int, seed: int) -> list[dict[str, str]]:
    """Subjects to check: a third with an entry, the rest at random (orgs and persons)."""
    rng = random.Random(seed)
    subjects = (folder / "subjects.jsonl").read_bytes().splitlines()
    entries = (folder / "entries.jsonl").read_bytes().splitlines()
    refs = []
    for line in rng.sample(entries, n // 3):
        row = orjson.loads(line)
        refs.append({"uscc": row["uscc"]} if "uscc" in row else {"idNumber": row["id_number"]})
    for line in rng.sample(subjects, n - len(refs)):
        row = orjson.loads(line)
        refs.append({"uscc": row["uscc"]} if "uscc" in row else {"idNumber": row["id_number"]})
    rng.shuffle(refs)
    return refs


Call = Callable[[dict[str, str]], Awaitable[Any]]  # one request for one reference
Ref = TypeVar("Ref")  # what paired calls take: a reference, an id


async def raw_read(driver: Any, query: str, params: dict[str, Any], database: str) -> list[Any]:
    """One read query through the Python driver, as the gateway runs its own: an
    auto-commit transaction on a read session (one round trip)."""
    async with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as s:
        result = await s.run(query, params)
        return [record async for record in result]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def paired_latencies(
    a: Callable[[Ref], Awaitable[Any]], b: Callable[[Ref], Awaitable[Any]], refs: list[Ref]
) -> tuple[list[float], list[float]]:
    """Each reference through both, alternating which goes first, so drift hits both alike."""
    out_a: list[float] = []
    out_b: list[float] = []
    for n, ref in enumerate(refs):
        for call, out in ((a, out_a), (b, out_b)) if n % 2 else ((b, out_b), (a, out_a)):
            t = time.perf_counter()
            await call(ref)
            out.append(time.perf_counter() - t)
    return out_a, out_b


async def throughput(
    make_worker: Callable[[], Awaitable[Call]], refs: list[dict[str, str]], concurrency: int
) -> float:
    queue: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    for ref in refs:
        queue.put_nowait(ref)
    workers = [await make_worker() for _ in range(concurrency)]

    async def run(call: Call) -> None:
        while not queue.empty():
            await call(queue.get_nowait())

    t = time.perf_counter()
    await asyncio.gather(*(run(w) for w in workers))
    return len(refs) / (time.perf_counter() - t)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process (all its threads) has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def memory_mb(pid: int) -> dict[str, float]:
    """Resident set now (VmRSS) and at its peak (VmHWM), in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024  # kB
    return out


JWT_SECRET = secrets.token_urlsafe(32)  # this run's HS256 secret, shared with the gateway


def bench_headers(
    settings: Settings, role: str = "approval", purpose: str = "benchmark: licensing"
) -> dict[str, str]:
    """A token with one role (an approval system's by default) and a stated purpose."""
    from gateway.auth import mint_token

    token = mint_token(
        settings,
        sub="bench-approval-system" if role == "approval" else f"bench-{role}",
        roles=[role],
        dept="320800/淮安市市场监督管理局",
        ttl=dt.timedelta(hours=2),
        secret=JWT_SECRET,
    )
    return {"Authorization": f"Bearer {token}", "X-Credit-Purpose": purpose}


def start_gateway(
    settings: Settings, port: int = GATEWAY_PORT, extra_env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    return serve(
        "gateway.asgi:app",
        port,
        {
            **(extra_env or {}),
            "NEO4J_URI": settings.bolt_uri,
            "NEO4J_PASSWORD": settings.password(),
            "CREDIT_GRAPH_HOME": str(settings.home),
            "CREDIT_GRAPH_PORT": str(port),
            "CREDIT_GRAPH_GRAPHIQL": "false",
            "CREDIT_GRAPH_JWT_SECRET": JWT_SECRET,
        },
    )


def serve(
    app: str, port: int, env: dict[str, str], *, factory: bool = False
) -> subprocess.Popen[bytes]:
    """An ASGI app (or, with ``factory``, a function making it) in its own uvicorn process,
    as `credit-graph serve` runs the gateway (gateway.app.SERVER_OPTIONS)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            *(["--factory"] if factory else []),
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--no-proxy-headers",
            "--http",
            "gateway.http11:HttpToolsProtocol",
            "--log-level",
            "warning",
        ],
        env={**os.environ, **env},
        cwd=ROOT,
        # the access log is written (its cost is measured) but kept out of the results
        stdout=subprocess.DEVNULL,
    )


async def wait_ready(
    port: int = GATEWAY_PORT, path: str = "/readyz", deadline_s: float = 60
) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            line = await reader.readline()
            writer.close()
            if b" 200 " in line:
                return
        except OSError:
            pass
        await asyncio.sleep(0.3)
    raise RuntimeError(f"nothing answered 200 on 127.0.0.1:{port}{path}")


def arguments(description: str | None, requests: int) -> argparse.ArgumentParser:
    """The options every bench over this dataset takes."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--today", default="2026-11-25", help="the dataset's reference date")
    parser.add_argument("--requests", type=int, default=requests)
    parser.add_argument("--batch-runs", type=int, default=15)
    parser.add_argument("--matter", default="ADMINISTRATIVE_LICENSING")
    return parser
