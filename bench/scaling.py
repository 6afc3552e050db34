"""Answers at province scale: the gateway against raw Cypher on a loaded instance.

    .venv/bin/python -m bench.load --subjects 1000000        # load prov-load first
    .venv/bin/python -m bench.scaling --subjects 1000000

Reads the ``prov-load`` instance as ``bench.load`` left it (it writes nothing but the
query register entries the gateway makes), starts the gateway as one uvicorn process in
front of it, and measures, the gateway over HTTP against the same Cypher sent raw through
the driver in this process:

- ``creditCheck``: p50/p99 at concurrency 1 (interleaved), checks per second at
  concurrency 16 (the better of two rounds each), a ``creditCheckBatch`` of 1,000 (p50);
- a 2-hop ``neighbourhood`` (investigator, ``maxNodes: 200``): p50/p99;
- a public name search (``search(text:)`` on /public/graphql, anonymous): p50/p99;
- the gateway's resident memory after the run, the store size on disk and the page
  cache configured.

Subjects are drawn from the dataset's files by reservoir sampling (a third named by an
entry), so 10M subjects need no memory to speak of here. Results go to stdout and
``bench/results/scaling-<subjects>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from neo4j import AsyncGraphDatabase, RoutingControl

from bench.credit_check import (
    BATCH,
    CHECK,
    GATEWAY_PORT,
    JWT_SECRET,
    paired_latencies,
    percentile,
    throughput,
    wait_ready,
)
from bench.http import Connection
from bench.instances import ROOT, instance, load_average, machine, rss_bytes, store_bytes
from bench.load import sample_refs
from gateway import neo4j_server
from gateway.auth import mint_token
from gateway.db import Database
from graph_schema.model import SUBJECT_NAME_INDEX
from loaders import investigate as q
from loaders.credit_check import CREDIT_CHECK_WITHOUT_RELATED, check_params
from loaders.public import PUBLIC_SEARCH, WINDOW
from loaders.search import lucene_text

NEIGHBOURHOOD = """query N($s: SubjectRef!) {
  neighbourhood(subject: $s, depth: 2, maxNodes: 200) {
    rootId truncated
    nodes { id kind label hops blackListed subject { id kind name } }
    edges { id kind source target role start end } } }"""
SEARCH = """query S($t: String!) {
  search(text: $t, first: 10) { edges { node { name ... on PublicOrganization { uscc } } } } }"""
TERMS = (
    "华宏",
    "恒通",
    "永盛",
    "金鼎",
    "瑞丰",
    "鑫源",
    "天成",
    "博远",
    "王伟",
    "李娜",
    "张敏",
    "刘洋",
    "陈静",
    "杨勇",
    "黄艳",
    "赵军",
    "吴杰",
    "周涛",
    "长江化纤",
    "运河物流",
)


def start_gateway(settings: Any) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "NEO4J_URI": settings.bolt_uri,
        "NEO4J_PASSWORD": settings.password(),
        "CREDIT_GRAPH_HOME": str(settings.home),
        "CREDIT_GRAPH_PORT": str(GATEWAY_PORT),
        "CREDIT_GRAPH_GRAPHIQL": "false",
        "CREDIT_GRAPH_JWT_SECRET": JWT_SECRET,
        "CREDIT_GRAPH_PUBLIC_RATE_PER_MINUTE": "1000000",  # one client asks everything here
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "gateway.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(GATEWAY_PORT),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )


def ms(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 0.5) * 1e3, 2),
        "p99": round(percentile(values, 0.99) * 1e3, 2),
    }


def headers(settings: Any, roles: list[str], purpose: str) -> dict[str, str]:
    token = mint_token(
        settings,
        sub="bench",
        roles=roles,
        dept="320800/淮安市市场监督管理局",
        ttl=dt.timedelta(hours=3),
        secret=JWT_SECRET,
    )
    return {"Authorization": f"Bearer {token}", "X-Credit-Purpose": purpose}


async def run(args: argparse.Namespace) -> dict[str, Any]:
    today = dt.date.fromisoformat(args.today)
    settings = instance(args.instance, heap=args.heap, pagecache=args.pagecache)
    folder = Path(args.folder or ROOT / "var" / f"synthetic-prov-{args.subjects}-{args.seed}")
    neo4j_server.start(settings)
    refs = [
        {k: v for k, v in r.items() if v} for r in sample_refs(folder, args.requests, args.seed)
    ]
    batch = [{k: v for k, v in r.items() if v} for r in sample_refs(folder, 1000, args.seed + 1)]
    gateway = start_gateway(settings)
    driver = AsyncGraphDatabase.driver(
        settings.bolt_uri, auth=(settings.neo4j_user, settings.password())
    )
    db_name = settings.neo4j_database
    matter = "ADMINISTRATIVE_LICENSING"
    results: dict[str, Any] = {
        "subjects": args.subjects,
        "machine": machine(),
        "requests": len(refs),
    }
    try:
        await wait_ready()
        approval = headers(settings, ["approval"], "benchmark: licensing")
        investigator = headers(settings, ["investigator"], "benchmark: investigation")

        def raw_ref(ref: dict[str, str]) -> dict[str, str | None]:
            return {"uscc": ref.get("uscc"), "idNumber": ref.get("idNumber"), "id": None}

        async def raw_check(refs_: list[dict[str, str]]) -> Any:
            return await driver.execute_query(
                CREDIT_CHECK_WITHOUT_RELATED,
                check_params([raw_ref(r) for r in refs_], matter, today),
                routing_=RoutingControl.READ,
                database_=db_name,
            )

        conn = await Connection("127.0.0.1", GATEWAY_PORT, "/graphql", approval).open()

        async def gw_check(ref: dict[str, str], c: Connection = conn) -> Any:
            body = await c.graphql(CHECK, {"s": ref, "m": matter})
            assert "errors" not in body, body
            return body

        for ref in refs[:200]:  # warm: plans, the page cache for the sample
            await raw_check([ref])
            await gw_check(ref)
        raw_lat, gw_lat = await paired_latencies(lambda r: raw_check([r]), gw_check, refs)
        check = {"raw_ms": ms(raw_lat), "gateway_ms": ms(gw_lat)}

        async def raw_worker() -> Any:
            return lambda ref: raw_check([ref])

        async def gw_worker() -> Any:
            c = await Connection("127.0.0.1", GATEWAY_PORT, "/graphql", approval).open()
            return lambda ref: gw_check(ref, c)

        rounds: dict[str, list[float]] = {"raw": [], "gateway": []}
        for _ in range(2):
            rounds["gateway"].append(await throughput(gw_worker, refs, 16))
            rounds["raw"].append(await throughput(raw_worker, refs, 16))
        check["c16_per_s"] = {k: round(max(v)) for k, v in rounds.items()}
        raw_b, gw_b = [], []
        for _ in range(args.batch_runs):
            t = time.perf_counter()
            await raw_check(batch)
            raw_b.append(time.perf_counter() - t)
            t = time.perf_counter()
            body = await conn.graphql(BATCH, {"s": batch, "m": matter})
            gw_b.append(time.perf_counter() - t)
            assert len(body["data"]["creditCheckBatch"]) == 1000
        check["batch_1000_p50_ms"] = {
            "raw": round(statistics.median(raw_b) * 1e3, 1),
            "gateway": round(statistics.median(gw_b) * 1e3, 1),
        }
        check["ratios"] = {
            "p50_gateway_over_raw": round(check["gateway_ms"]["p50"] / check["raw_ms"]["p50"], 2),
            "c16_gateway_over_raw": round(
                check["c16_per_s"]["gateway"] / check["c16_per_s"]["raw"], 2
            ),
            "batch_gateway_over_raw": round(
                check["batch_1000_p50_ms"]["gateway"] / check["batch_1000_p50_ms"]["raw"], 2
            ),
        }
        results["credit_check"] = check

        # A 2-hop neighbourhood: the resolver's statements raw, and /graphql.
        db = Database.connect(settings)
        budget = q.Budget(settings.investigate_timeout_s, settings.investigate_max_scan)
        ids_rows = await db.read(
            "UNWIND $refs AS ref OPTIONAL MATCH (o:Organization {uscc: ref.uscc}) "
            "OPTIONAL MATCH (p:Person {idNumber: ref.idNumber}) "
            "RETURN collect(coalesce(o, p).id) AS ids",
            {"refs": [raw_ref(r) for r in refs[: args.hops_requests]]},
        )
        ids = list(ids_rows[0]["ids"])
        iconn = await Connection("127.0.0.1", GATEWAY_PORT, "/graphql", investigator).open()

        async def raw_hops(ref: dict[str, str]) -> None:
            found = await q.neighbourhood(db, ref["id"], 2, q.RoleFilter(), 200, budget)
            assert found is not None
            await q.subject_marks(
                db,
                [(s["id"], ["PUBLIC", "GOVERNMENT"]) for s in found["subjects"]],
                ["BLACK", "RED"],
                today,
                budget,
            )

        async def gw_hops(ref: dict[str, str]) -> None:
            body = await iconn.graphql(NEIGHBOURHOOD, {"s": {"id": ref["id"]}})
            assert "errors" not in body, body

        hop_refs = [{"id": i} for i in ids]
        for ref in hop_refs[:30]:
            await raw_hops(ref)
            await gw_hops(ref)
        raw_h, gw_h = await paired_latencies(raw_hops, gw_hops, hop_refs[30:])
        results["neighbourhood_2_hops"] = {
            "raw_ms": ms(raw_h),
            "gateway_ms": ms(gw_h),
            "p50_gateway_over_raw": round(percentile(gw_h, 0.5) / percentile(raw_h, 0.5), 2),
        }

        # A public name search: the portal's query raw, and /public/graphql anonymously.
        pconn = await Connection("127.0.0.1", GATEWAY_PORT, "/public/graphql", {}).open()
        terms = [{"t": t} for t in random.Random(args.seed).choices(TERMS, k=args.search_requests)]

        async def raw_search(term: dict[str, str]) -> None:
            await db.read(
                PUBLIC_SEARCH,
                {
                    "index": SUBJECT_NAME_INDEX,
                    "query": lucene_text(term["t"]),
                    "window": WINDOW,
                    "skip": 0,
                    "limit": 11,
                    "today": today,
                },
            )

        async def gw_search(term: dict[str, str]) -> None:
            body = await pconn.graphql(SEARCH, term)
            assert "errors" not in body, body

        for term in terms[:20]:
            await raw_search(term)
            await gw_search(term)
        raw_s, gw_s = await paired_latencies(raw_search, gw_search, terms[20:])
        results["public_search"] = {
            "raw_ms": ms(raw_s),
            "gateway_ms": ms(gw_s),
            "p50_gateway_over_raw": round(percentile(gw_s, 0.5) / percentile(raw_s, 0.5), 2),
        }
        for c in (conn, iconn, pconn):
            await c.close()
        await db.close()
        results["gateway_rss_bytes"] = rss_bytes(gateway.pid)
        results["store_bytes"] = store_bytes(settings)
        results["neo4j"] = {
            "heap": args.heap,
            "pagecache": args.pagecache,
            "rss_bytes": rss_bytes(neo4j_server.status(settings).pid or 0),
        }
        results["load_average_after"] = load_average()
        return results
    finally:
        await driver.close()
        gateway.terminate()
        gateway.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--today", default="2026-11-25")
    parser.add_argument("--folder")
    parser.add_argument("--instance", default="prov-load")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--hops-requests", type=int, default=230)
    parser.add_argument("--search-requests", type=int, default=520)
    parser.add_argument("--batch-runs", type=int, default=11)
    args = parser.parse_args()
    results = asyncio.run(run(args))
    out = ROOT / "bench" / "results" / f"scaling-{args.subjects}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
