"""Neo4j's CPU per query against the time between queries: the same query, the same client.

    .venv/bin/python -m bench.neo4j_pacing --subjects 1000000

The worked query's raw statement (``bench.read_path.RAW_WORKED``) is sent one at a time
through the async driver, with nothing between queries, then with a pause after each
answer: the client spinning through it (its CPU busy) or sleeping through it (its CPU
idle, as a client waiting on any HTTP hop is). For each pacing: Neo4j's CPU time per
query (utime + stime of its process, from /proc) and the queries per second, in
``--rounds`` rounds. What it shows on a given machine: how much of a contestant's "Neo4j
CPU per request" in ``bench.read_path`` comes from the pace at which its queries arrive
rather than from the queries. Results go to stdout and
``bench/results/neo4j_pacing-<subjects>.json``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import statistics
import time
from typing import Any

from neo4j import AsyncGraphDatabase

from bench.harness import (
    ROOT,
    arguments,
    bench_settings,
    cpu_seconds,
    ensure_dataset,
    raw_read,
)
from bench.read_path import RAW_WORKED, organisations
from gateway.ops import neo4j_server
from graph_schema.rules.disclosure import GOVERNMENT, PUBLIC

# (name, pause after each answer in seconds, spent spinning or sleeping)
PACINGS = [
    ("back to back", 0.0, "spin"),
    ("0.4 ms spinning", 0.0004, "spin"),
    ("1 ms spinning", 0.001, "spin"),
    ("1 ms sleeping", 0.001, "sleep"),
]


async def pause(seconds: float, how: str) -> None:
    if how == "sleep":
        await asyncio.sleep(seconds)
        return
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def run(args: Any) -> dict[str, Any]:
    settings = bench_settings(args.subjects)
    folder = await ensure_dataset(
        settings, args.subjects, args.seed, dt.date.fromisoformat(args.today)
    )
    pid = neo4j_server.status(settings).pid
    assert pid is not None
    orgs = organisations(folder, 3000, args.seed, 2 / 3)
    today = settings.today_()
    driver = AsyncGraphDatabase.driver(  # configured as the gateway's (gateway/base/db.py)
        settings.bolt_uri,
        auth=(settings.neo4j_user, settings.password()),
        notifications_min_severity="OFF",
    )
    database = settings.neo4j_database

    def params(uscc: str) -> dict[str, Any]:
        return {"uscc": uscc, "today": today, "kind": "BLACK", "classes": [PUBLIC, GOVERNMENT]}

    per_query: dict[str, list[float]] = {name: [] for name, _, _ in PACINGS}
    per_s: dict[str, list[float]] = {name: [] for name, _, _ in PACINGS}
    try:
        for uscc in orgs[:500]:  # warm the plan and the pages
            await raw_read(driver, RAW_WORKED, params(uscc), database)
        for n in range(args.rounds):
            for name, seconds, how in PACINGS if n % 2 == 0 else PACINGS[::-1]:
                before = cpu_seconds(pid)
                began = time.perf_counter()
                for i in range(args.requests):
                    await raw_read(driver, RAW_WORKED, params(orgs[i % len(orgs)]), database)
                    await pause(seconds, how)
                elapsed = time.perf_counter() - began
                per_query[name].append((cpu_seconds(pid) - before) / args.requests * 1e6)
                per_s[name].append(args.requests / elapsed)
                print(
                    f"  round {n + 1} {name:16} neo4j cpu {per_query[name][-1]:5.0f} µs/query, "
                    f"{per_s[name][-1]:6,.0f}/s",
                    flush=True,
                )
    finally:
        await driver.close()
    return {
        "subjects": args.subjects,
        "requests": args.requests,
        "rounds": args.rounds,
        "pacings": {
            name: {
                "pause_ms": seconds * 1e3,
                "pause_spent": how,
                "neo4j_cpu_us_per_query_median": statistics.median(per_query[name]),
                "neo4j_cpu_us_per_query": per_query[name],
                "per_s_median": statistics.median(per_s[name]),
            }
            for name, seconds, how in PACINGS
        },
    }


def main() -> None:
    parser = arguments(__doc__, requests=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results = asyncio.run(run(args))
    out = ROOT / "bench" / "results" / f"neo4j_pacing-{args.subjects}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    base = results["pacings"]["back to back"]["neo4j_cpu_us_per_query_median"]
    for name, p in results["pacings"].items():
        print(
            f"{name:16} {p['neo4j_cpu_us_per_query_median']:5.0f} µs/query "
            f"({p['neo4j_cpu_us_per_query_median'] / base:.2f}x back to back), "
            f"{p['per_s_median']:6,.0f}/s"
        )
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
