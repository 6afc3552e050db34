"""Credit-check benchmark: the gateway over HTTP against the same check as raw Cypher.

    .venv/bin/python -m bench.credit_check --subjects 1000000

Sets up (once, then reused) a separate Neo4j instance ``bench`` (ports 7690/7477)
holding the synthetic dataset of the given size, starts the gateway as its own
uvicorn process (one worker), and measures in one run:

- single ``creditCheck`` latency at concurrency 1 (p50, p99), gateway and raw;
- single-check throughput at concurrency 16, gateway and raw;
- ``creditCheckBatch`` of 1,000 subjects (p50), gateway and raw.

"Raw" is the very Cypher the gateway runs for this query (it selects no related
parties: ``loaders.credit_check.CREDIT_CHECK_WITHOUT_RELATED``), sent through the
Python driver in this process: the floor. Results go to stdout
and ``bench/results/credit_check-<subjects>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson
from neo4j import AsyncGraphDatabase, RoutingControl

from bench.http import Connection
from gateway import neo4j_server
from gateway.db import Database
from gateway.settings import Settings
from graph_schema.migrate import migrate
from loaders.credit_check import CREDIT_CHECK_WITHOUT_RELATED, check_params
from seeds import load_all
from seeds.generator import generate

ROOT = Path(__file__).resolve().parent.parent
GATEWAY_PORT = 8765

CHECK = """query Check($s: SubjectRef!, $m: MatterType!) {
  creditCheck(subject: $s, matter: $m) {
    found decision subject { id name }
    hits { entryId kind category severity derived recognisedOn validUntil
           department { name level } legalBasis { itemId article } }
    measures { id effect legalBasis { article } }
  } }"""
BATCH = CHECK.replace("Check($s: SubjectRef!", "Batch($s: [SubjectRef!]!").replace(
    "creditCheck(subject: $s", "creditCheckBatch(subjects: $s")


def bench_settings(subjects: int) -> Settings:
    return Settings.from_env({
        "CREDIT_GRAPH_HOME": str(ROOT / "var"), "CREDIT_GRAPH_INSTANCE": "bench",
        "CREDIT_GRAPH_NEO4J_BOLT_PORT": "7690", "CREDIT_GRAPH_NEO4J_HTTP_PORT": "7477",
        "CREDIT_GRAPH_NEO4J_HEAP": os.environ.get("BENCH_NEO4J_HEAP", "3g"),
        "CREDIT_GRAPH_NEO4J_PAGECACHE": os.environ.get("BENCH_NEO4J_PAGECACHE", "4g"),
    })


async def ensure_dataset(settings: Settings, subjects: int, seed: int, today: dt.date) -> Path:
    """Start the bench instance and load the dataset unless this size is loaded already."""
    from gateway.cli import load_dataset

    neo4j_server.start(settings)
    folder = settings.home / "bench" / f"synthetic-{subjects}-{seed}"
    marker = settings.home / "bench" / f"loaded-{subjects}-{seed}"
    db = Database.connect(settings)
    try:
        await migrate(db)
        await load_all(db)
        if not marker.exists():
            if marker.parent.exists():
                for old in marker.parent.glob("loaded-*"):
                    old.unlink()  # one dataset at a time: wipe before loading another
            async with db.driver.session(database=settings.neo4j_database) as session:
                await session.run(
                    "MATCH (n) WHERE n:Subject OR n:ListEntry OR n:CreditRecord OR n:Version "
                    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
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
    return folder


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


def raw_ref(ref: dict[str, str]) -> dict[str, str | None]:
    return {"uscc": ref.get("uscc"), "idNumber": ref.get("idNumber"), "id": None}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def paired_latencies(a: Callable[[dict[str, str]], Awaitable[Any]],
                           b: Callable[[dict[str, str]], Awaitable[Any]],
                           refs: list[dict[str, str]]) -> tuple[list[float], list[float]]:
    """Each reference through both, alternating which goes first, so drift hits both alike."""
    out_a, out_b = [], []
    for n, ref in enumerate(refs):
        for call, out in ((a, out_a), (b, out_b)) if n % 2 else ((b, out_b), (a, out_a)):
            t = time.perf_counter()
            await call(ref)
            out.append(time.perf_counter() - t)
    return out_a, out_b


async def throughput(make_worker: Callable[[], Awaitable[Callable[[dict[str, str]], Awaitable[Any]]]],
                     refs: list[dict[str, str]], concurrency: int) -> float:
    queue: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    for ref in refs:
        queue.put_nowait(ref)
    workers = [await make_worker() for _ in range(concurrency)]

    async def run(call: Callable[[dict[str, str]], Awaitable[Any]]) -> None:
        while not queue.empty():
            await call(queue.get_nowait())

    t = time.perf_counter()
    await asyncio.gather(*(run(w) for w in workers))
    return len(refs) / (time.perf_counter() - t)


JWT_SECRET = secrets.token_urlsafe(32)  # this run's HS256 secret, shared with the gateway


def bench_headers(settings: Settings) -> dict[str, str]:
    """An approval system's token and stated purpose."""
    from gateway.auth import mint_token

    token = mint_token(settings, sub="bench-approval-system", roles=["approval"],
                       dept="320800/淮安市市场监督管理局", ttl=dt.timedelta(hours=2),
                       secret=JWT_SECRET)
    return {"Authorization": f"Bearer {token}", "X-Credit-Purpose": "benchmark: licensing"}


def start_gateway(settings: Settings) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NEO4J_URI": settings.bolt_uri, "NEO4J_PASSWORD": settings.password(),
           "CREDIT_GRAPH_HOME": str(settings.home), "CREDIT_GRAPH_PORT": str(GATEWAY_PORT),
           "CREDIT_GRAPH_GRAPHIQL": "false", "CREDIT_GRAPH_JWT_SECRET": JWT_SECRET}
    return subprocess.Popen([sys.executable, "-m", "uvicorn", "gateway.asgi:app", "--host",
                             "127.0.0.1", "--port", str(GATEWAY_PORT), "--no-access-log",
                             "--log-level", "warning"], env=env, cwd=ROOT)


async def wait_ready(deadline_s: float = 60) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", GATEWAY_PORT)
            writer.write(b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            line = await reader.readline()
            writer.close()
            if b" 200 " in line:
                return
        except OSError:
            pass
        await asyncio.sleep(0.3)
    raise RuntimeError("the gateway did not become ready")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = bench_settings(args.subjects)
    today = dt.date.fromisoformat(args.today)
    folder = await ensure_dataset(settings, args.subjects, args.seed, today)
    refs = sample_refs(folder, args.requests, args.seed)
    batch = sample_refs(folder, 1000, args.seed + 1)
    headers = json.loads(args.headers) if args.headers else bench_headers(settings)
    gateway = start_gateway(settings)
    driver = AsyncGraphDatabase.driver(settings.bolt_uri,
                                       auth=(settings.neo4j_user, settings.password()))
    try:
        await wait_ready()
        matter = args.matter

        async def raw(refs_: list[dict[str, str]]) -> Any:
            return await driver.execute_query(
                CREDIT_CHECK_WITHOUT_RELATED,
                check_params([raw_ref(r) for r in refs_], matter, today),
                routing_=RoutingControl.READ, database_=settings.neo4j_database)

        async def gateway_connection() -> Connection:
            return await Connection("127.0.0.1", GATEWAY_PORT, "/graphql", headers).open()

        conn = await gateway_connection()

        async def via_gateway(ref: dict[str, str], c: Connection = conn) -> Any:
            body = await c.graphql(CHECK, {"s": ref, "m": matter})
            if "errors" in body:
                raise RuntimeError(body["errors"])
            return body

        async def make_raw_worker() -> Callable[[dict[str, str]], Awaitable[Any]]:
            return lambda ref: raw([ref])

        async def make_gateway_worker() -> Callable[[dict[str, str]], Awaitable[Any]]:
            c = await gateway_connection()
            return lambda ref: via_gateway(ref, c)

        # Warm up the page cache for the sample, query plans and the document cache.
        await raw(refs)
        await raw(batch)
        for ref in refs[: min(300, len(refs))]:
            await raw([ref])
            await via_gateway(ref)
        results: dict[str, Any] = {"subjects": args.subjects, "requests": len(refs),
                                   "matter": matter, "today": args.today}
        raw_lat, gw_lat = await paired_latencies(lambda r: raw([r]), via_gateway, refs)
        results["single_c1_ms"] = {
            "raw_p50": percentile(raw_lat, 0.5) * 1e3, "raw_p99": percentile(raw_lat, 0.99) * 1e3,
            "gateway_p50": percentile(gw_lat, 0.5) * 1e3,
            "gateway_p99": percentile(gw_lat, 0.99) * 1e3,
        }
        rounds: dict[str, list[float]] = {"raw": [], "gateway": []}
        for _ in range(2):  # alternate, keep the better round of each
            rounds["gateway"].append(await throughput(make_gateway_worker, refs, 16))
            rounds["raw"].append(await throughput(make_raw_worker, refs, 16))
        results["single_c16_per_s"] = {k: max(v) for k, v in rounds.items()}
        raw_batch, gw_batch = [], []
        for _ in range(args.batch_runs):
            t = time.perf_counter()
            await raw(batch)
            raw_batch.append(time.perf_counter() - t)
            t = time.perf_counter()
            body = await conn.graphql(BATCH, {"s": batch, "m": matter})
            gw_batch.append(time.perf_counter() - t)
            assert len(body["data"]["creditCheckBatch"]) == 1000  # type: ignore[index]
        results["batch_1000_ms"] = {"raw_p50": statistics.median(raw_batch) * 1e3,
                                    "gateway_p50": statistics.median(gw_batch) * 1e3}
        c1, c16, b = results["single_c1_ms"], results["single_c16_per_s"], results["batch_1000_ms"]
        results["ratios"] = {
            "single_p50_gateway_over_raw": c1["gateway_p50"] / c1["raw_p50"],
            "throughput_c16_gateway_over_raw": c16["gateway"] / c16["raw"],
            "batch_1000_over_single_gateway_p50": b["gateway_p50"] / c1["gateway_p50"],
        }
        await conn.close()
        return results
    finally:
        await driver.close()
        gateway.terminate()
        gateway.wait(timeout=20)


def arguments(description: str | None, requests: int) -> argparse.ArgumentParser:
    """The options every bench over this dataset takes."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--today", default="2026-11-25", help="the dataset's reference date")
    parser.add_argument("--requests", type=int, default=requests)
    parser.add_argument("--batch-runs", type=int, default=15)
    parser.add_argument("--matter", default="ADMINISTRATIVE_LICENSING")
    return parser


def main() -> None:
    parser = arguments(__doc__, requests=3000)
    parser.add_argument("--headers", help="JSON object of HTTP headers (default: a minted token)")
    parser.add_argument("--prepare-only", action="store_true", help="load the dataset and stop")
    args = parser.parse_args()
    if args.prepare_only:
        settings = bench_settings(args.subjects)
        asyncio.run(ensure_dataset(settings, args.subjects, args.seed,
                                   dt.date.fromisoformat(args.today)))
        return
    results = asyncio.run(run(args))
    out = ROOT / "bench" / "results" / f"credit_check-{args.subjects}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
