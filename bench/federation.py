"""Federation benchmark: a joined query through Hive Gateway against the single process.

    .venv/bin/python -m bench.federation --subjects 1000000

Uses the credit-check benchmark's Neo4j instance and dataset (``bench.credit_check``,
loaded once), then starts, each as its own process on 127.0.0.1: the single-process
gateway (the whole schema), the credit and policy subgraphs, the sample approval
subgraph of ``tests/federation/approval.py`` holding one application per sampled
organisation, and Hive Gateway over the composed supergraph. It measures in one run:

- latency (p50, p99) of one joined query through the router, an application with its
  applicant's credit check, against the same check at the single-process ``/graphql``
  (paired, alternating order, one keep-alive connection each, concurrency 1);
- the cost of ``_entities`` for 1,000 organisation references with their credit
  checks, sent straight to the credit subgraph, against ``creditCheckBatch`` of the
  same 1,000 at the single process; and 1,000 applications joined through the router.

Results go to stdout and ``bench/results/federation-<subjects>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import statistics
import time
from pathlib import Path
from typing import Any

from bench.harness import (
    JWT_SECRET,
    ROOT,
    arguments,
    bench_headers,
    bench_settings,
    ensure_dataset,
    paired_latencies,
    percentile,
    sample_refs,
)
from bench.http import Connection
from gateway.ops import router

FIELDS = """found decision hits { entryId kind category severity derived recognisedOn validUntil
  department { name level } legalBasis { itemId article } } measures { id effect }"""
SINGLE = (
    "query Check($u: String!, $m: MatterType!) { creditCheck(subject: {uscc: $u}, "
    "matter: $m) { " + FIELDS + " } }"
)
JOINED = (
    "query Application($id: ID!) { application(id: $id) { id applicant { uscc name "
    "creditCheck(matter: %s) { " + FIELDS + " } } } }"
)
ALL_JOINED = (
    "query Applications { applications { id applicant { uscc "
    "creditCheck(matter: %s) { " + FIELDS + " } } } }"
)
ENTITIES = (
    "query Entities($r: [_Any!]!) { _entities(representations: $r) { "
    "... on Organization { uscc creditCheck(matter: %s) { " + FIELDS + " } } } }"
)
BATCH = (
    "query Batch($s: [SubjectRef!]!, $m: MatterType!) { creditCheckBatch(subjects: $s, "
    "matter: $m) { " + FIELDS + " } }"
)
PORTS = {"all": 8771, "credit": 8772, "policy": 8773, "approval": 8774, "router": 8775}


def organisations(folder: Path, n: int, seed: int) -> list[str]:
    """USCCs of ``n`` organisations: sampled as the credit-check bench samples subjects."""
    found: list[str] = []
    attempt = 0
    while len(found) < n:
        refs = sample_refs(folder, 3 * n, seed + attempt)
        found = list(dict.fromkeys(found + [r["uscc"] for r in refs if "uscc" in r]))
        attempt += 1
    return found[:n]


async def timed(conn: Connection, query: str, variables: dict[str, Any], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        body = await conn.graphql(query, variables)
        out.append(time.perf_counter() - t)
        if body.get("errors"):
            raise RuntimeError(str(body["errors"])[:500])
    return out


async def run(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    settings = bench_settings(args.subjects)
    folder = await ensure_dataset(
        settings, args.subjects, args.seed, dt.date.fromisoformat(args.today)
    )
    usccs = organisations(folder, max(args.requests, 1000), args.seed)
    applications = [
        {"id": f"A{n}", "matter": args.matter, "uscc": u} for n, u in enumerate(usccs[:1000])
    ]
    applications += [
        {"id": f"S{n}", "matter": args.matter, "uscc": u}
        for n, u in enumerate(usccs[: args.requests])
    ]
    (work / "applications.json").write_text(json.dumps(applications))
    headers = bench_headers(settings)
    env = {
        "NEO4J_URI": settings.bolt_uri,
        "NEO4J_PASSWORD": settings.password(),
        "CREDIT_GRAPH_HOME": str(settings.home),
        "CREDIT_GRAPH_GRAPHIQL": "false",
        "CREDIT_GRAPH_JWT_SECRET": JWT_SECRET,
        "APPROVAL_APPLICATIONS_FILE": str(work / "applications.json"),
    }
    apps = {
        name: (
            "tests.federation.approval:app" if name == "approval" else "gateway.asgi:app",
            PORTS[name],
        )
        for name in ("credit", "policy", "approval")
    }
    whole = router.start_subgraph("all", PORTS["all"], env)
    try:
        processes, _ = router.serve_composed(apps, work, env, headers, PORTS["router"])
    except BaseException:
        router.stop([whole])
        raise
    processes.append(whole)
    try:
        router.wait_ready(f"http://127.0.0.1:{PORTS['all']}/readyz", whole, 120)

        single = await Connection("127.0.0.1", PORTS["all"], "/graphql", headers).open()
        routed = await Connection("127.0.0.1", PORTS["router"], "/graphql", headers).open()
        credit = await Connection("127.0.0.1", PORTS["credit"], "/graphql", headers).open()
        matter = args.matter
        joined = JOINED % matter
        sample = [f"S{n}" for n in range(args.requests)]
        by_id = {a["id"]: a["uscc"] for a in applications}

        async def at_single(app_id: str) -> Any:
            body = await single.graphql(SINGLE, {"u": by_id[app_id], "m": matter})
            if body.get("errors"):
                raise RuntimeError(body["errors"])
            return body

        async def through_router(app_id: str) -> Any:
            body = await routed.graphql(joined, {"id": app_id})
            if body.get("errors"):
                raise RuntimeError(body["errors"])
            return body

        # the same answer both ways, then warm-up (plans, caches, page cache)
        for app_id in sample[:20]:
            a = (await at_single(app_id))["data"]["creditCheck"]
            b = (await through_router(app_id))["data"]["application"]["applicant"]
            assert a == b["creditCheck"], (a, b)
        for app_id in sample[: min(300, len(sample))]:
            await at_single(app_id)
            await through_router(app_id)
        single_lat, routed_lat = await paired_latencies(at_single, through_router, sample)
        results: dict[str, Any] = {
            "subjects": args.subjects,
            "requests": len(sample),
            "matter": matter,
            "joined_query_c1_ms": {
                "single_process_p50": percentile(single_lat, 0.5) * 1e3,
                "single_process_p99": percentile(single_lat, 0.99) * 1e3,
                "router_p50": percentile(routed_lat, 0.5) * 1e3,
                "router_p99": percentile(routed_lat, 0.99) * 1e3,
            },
        }
        refs = [{"__typename": "Organization", "uscc": u} for u in usccs[:1000]]
        subjects = [{"uscc": u} for u in usccs[:1000]]
        await timed(credit, ENTITIES % matter, {"r": refs}, 2)  # warm-up
        await timed(single, BATCH, {"s": subjects, "m": matter}, 2)
        entities, batch, joined_all = [], [], []
        for _ in range(args.batch_runs):  # interleaved so drift hits all three alike
            entities += await timed(credit, ENTITIES % matter, {"r": refs}, 1)
            batch += await timed(single, BATCH, {"s": subjects, "m": matter}, 1)
            joined_all += await timed(routed, ALL_JOINED % matter, {}, 1)
        results["references_1000_ms"] = {
            "entities_at_credit_subgraph_p50": statistics.median(entities) * 1e3,
            "credit_check_batch_single_process_p50": statistics.median(batch) * 1e3,
            "applications_1000_through_router_p50": statistics.median(joined_all) * 1e3,
        }
        j = results["joined_query_c1_ms"]
        results["ratios"] = {
            "router_over_single_p50": j["router_p50"] / j["single_process_p50"],
            "entities_over_batch": (
                results["references_1000_ms"]["entities_at_credit_subgraph_p50"]
                / results["references_1000_ms"]["credit_check_batch_single_process_p50"]
            ),
        }
        for conn in (single, routed, credit):
            await conn.close()
        return results
    finally:
        router.stop(processes)


def main() -> None:
    args = arguments(__doc__, requests=2000).parse_args()
    work = ROOT / "var" / "bench" / "federation"
    work.mkdir(parents=True, exist_ok=True)
    results = asyncio.run(run(args, work))
    out = ROOT / "bench" / "results" / f"federation-{args.subjects}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
