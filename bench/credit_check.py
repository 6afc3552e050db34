"""Credit-check benchmark: the gateway over HTTP against the same check as raw Cypher.

    .venv/bin/python -m bench.credit_check --subjects 1000000

Sets up (once, then reused) a separate Neo4j instance ``bench`` (ports 7690/7477)
holding the synthetic dataset of the given size, starts the gateway as its own
uvicorn process (one worker), and measures in one run:

- single ``creditCheck`` latency at concurrency 1 (p50, p99), gateway and raw;
- single-check throughput at concurrency 16, gateway and raw;
- ``creditCheckBatch`` of 1,000 subjects (p50), gateway and raw.

"Raw" is the very Cypher the gateway runs for this query (it selects no related
parties: ``loaders.credit_check.check_query``), sent through the
Python driver in this process: the floor. Results go to stdout
and ``bench/results/credit_check-<subjects>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from neo4j import AsyncGraphDatabase

from bench.harness import (
    GATEWAY_PORT,
    ROOT,
    arguments,
    bench_headers,
    bench_settings,
    ensure_dataset,
    paired_latencies,
    percentile,
    raw_read,
    sample_refs,
    start_gateway,
    throughput,
    wait_ready,
)
from bench.http import Connection
from loaders.credit_check import check_params, check_query, officer_request
from loaders.selection import Audience

# The very query the gateway runs for a check without related parties, as an officer.
RAW_CHECK = check_query(Audience(), False)

CHECK = """query Check($s: SubjectRef!, $m: MatterType!) {
  creditCheck(subject: $s, matter: $m) {
    found decision subject { id name }
    hits { entryId kind category severity derived recognisedOn validUntil
           department { name level } legalBasis { itemId article } }
    measures { id effect legalBasis { article } }
  } }"""
BATCH = CHECK.replace("Check($s: SubjectRef!", "Batch($s: [SubjectRef!]!").replace(
    "creditCheck(subject: $s", "creditCheckBatch(subjects: $s"
)


def raw_ref(ref: dict[str, str]) -> dict[str, str | None]:
    return {"uscc": ref.get("uscc"), "idNumber": ref.get("idNumber"), "id": None}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = bench_settings(args.subjects)
    today = dt.date.fromisoformat(args.today)
    folder = await ensure_dataset(settings, args.subjects, args.seed, today)
    refs = sample_refs(folder, args.requests, args.seed)
    batch = sample_refs(folder, 1000, args.seed + 1)
    headers = json.loads(args.headers) if args.headers else bench_headers(settings)
    gateway = start_gateway(settings)
    driver = AsyncGraphDatabase.driver(
        settings.bolt_uri, auth=(settings.neo4j_user, settings.password())
    )
    try:
        await wait_ready()
        matter = args.matter

        async def raw(refs_: list[dict[str, str]]) -> Any:
            return await raw_read(
                driver,
                RAW_CHECK,
                {
                    **officer_request(today, dt.datetime.now(dt.UTC)),
                    **check_params([raw_ref(r) for r in refs_], matter, today),
                },
                settings.neo4j_database,
            )

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
        results: dict[str, Any] = {
            "subjects": args.subjects,
            "requests": len(refs),
            "matter": matter,
            "today": args.today,
        }
        raw_lat, gw_lat = await paired_latencies(lambda r: raw([r]), via_gateway, refs)
        results["single_c1_ms"] = {
            "raw_p50": percentile(raw_lat, 0.5) * 1e3,
            "raw_p99": percentile(raw_lat, 0.99) * 1e3,
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
            assert len(body["data"]["creditCheckBatch"]) == 1000
        results["batch_1000_ms"] = {
            "raw_p50": statistics.median(raw_batch) * 1e3,
            "gateway_p50": statistics.median(gw_batch) * 1e3,
        }
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


def main() -> None:
    parser = arguments(__doc__, requests=3000)
    parser.add_argument("--headers", help="JSON object of HTTP headers (default: a minted token)")
    parser.add_argument("--prepare-only", action="store_true", help="load the dataset and stop")
    args = parser.parse_args()
    if args.prepare_only:
        settings = bench_settings(args.subjects)
        asyncio.run(
            ensure_dataset(settings, args.subjects, args.seed, dt.date.fromisoformat(args.today))
        )
        return
    results = asyncio.run(run(args))
    out = ROOT / "bench" / "results" / f"credit_check-{args.subjects}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
