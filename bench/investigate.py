"""Neighbourhood latency at scale: 2 and 3 hops, raw Cypher against the GraphQL endpoint.

    .venv/bin/python -m bench.investigate            # the 1M-subject ``bench`` instance

Reads the ``bench`` Neo4j instance (ports 7690/7477) READ-ONLY: it never loads, migrates
or writes (run ``python -m bench.credit_check --subjects 1000000`` once to load it), and
the gateway here writes no query register (its context has no audit writer). For
``--requests`` random subjects (default 200, drawn from the dataset's subjects.jsonl with
``--seed``) it times, alternating which goes first:

- raw: the neighbourhood in two statements (``NEIGHBOURHOOD[depth]``, then
  ``SUBJECT_MARKS`` for the subjects found), through the driver in this process;
- graphql: ``neighbourhood(subject, depth, maxNodes: 200)`` with the /explore page's
  selection, POSTed in-process to the same ``GraphQLEndpoint`` /graphql uses (parsing,
  validation cache, execution, JSON), ASGI without a socket.

Prints p50/p99 in milliseconds and the graphs' sizes as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import random
import statistics
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
from starlette.applications import Starlette
from starlette.routing import Route

from bench.harness import bench_settings, paired_latencies, percentile
from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.base.viewer import INVESTIGATOR, Viewer
from gateway.graphql_http import GraphQLEndpoint
from gateway.limits import DocumentLimits
from gateway.ops import neo4j_server
from graph_schema.rules.disclosure import GOVERNMENT, PUBLIC
from loaders import investigate as q
from resolvers.context import Context
from resolvers.schema import government_schema

CAP = 200
QUERY = """query Neighbourhood($s: SubjectRef!, $depth: Int!) {
  neighbourhood(subject: $s, depth: $depth, maxNodes: 200) {
    rootId truncated
    nodes { id kind label hops blackListed
      subject { id kind name uscc idNumberMasked status blackListed }
      entry { id kind category facts severity disclosure recognisedOn validUntil actOn derived
              derivedRoles throughOrganizationName explanation department { name level } }
      department { id name level } }
    edges { id kind source target role start end } } }"""
VIEWER = Viewer(
    sub="bench-investigator",
    roles=frozenset({INVESTIGATOR}),
    dept="320800/淮安市市场监督管理局",
    jur="320800",
)


def sample(folder: Path, n: int, seed: int) -> list[dict[str, str]]:
    lines = (folder / "subjects.jsonl").read_bytes().splitlines()
    rows = [orjson.loads(line) for line in random.Random(seed).sample(lines, n)]
    return [{"uscc": r["uscc"]} if "uscc" in r else {"idNumber": r["id_number"]} for r in rows]


async def subject_ids(db: Database, refs: list[dict[str, str]]) -> list[str]:
    records = await db.read(
        "UNWIND $refs AS ref OPTIONAL MATCH (o:Organization {uscc: ref.uscc}) "
        "OPTIONAL MATCH (p:Person {idNumber: ref.idNumber}) "
        "RETURN collect(coalesce(o, p).id) AS ids",
        {"refs": [{"uscc": r.get("uscc"), "idNumber": r.get("idNumber")} for r in refs]},
    )
    return list(records[0]["ids"])


def endpoint(db: Database, settings: Settings) -> httpx.AsyncClient:
    """/graphql in-process: the government endpoint with an investigator, no register writes."""

    async def context(request: Any, _: Any, document: Any, operation: str | None) -> Context:
        return Context(db, settings, request, VIEWER, purpose="benchmark", operation_name=operation)

    limits = DocumentLimits(
        max_tokens=settings.max_tokens,
        max_source=settings.max_request_bytes,
        max_depth=settings.max_depth,
        max_fields=settings.max_fields,
        max_page=settings.max_batch,
    )
    graphql = GraphQLEndpoint(government_schema()._schema, context, limits=limits)
    app = Starlette(routes=[Route("/graphql", graphql.handle, methods=["POST"])])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")


async def by_ref(
    call: Callable[[int, str], Awaitable[None]], depth: int, ref: dict[str, str]
) -> None:
    await call(depth, ref["id"])


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(values, 0.5) * 1000, 1),
        "p99_ms": round(percentile(values, 0.99) * 1000, 1),
        "mean_ms": round(statistics.fmean(values) * 1000, 1),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = bench_settings(args.subjects)
    if not neo4j_server.status(settings).running:
        neo4j_server.start(settings)  # starts the server only; the data stays as it is
    folder = settings.home / "bench" / f"synthetic-{args.subjects}-{args.seed}"
    db = Database.connect(settings)
    client = endpoint(db, settings)
    budget = q.Budget(settings.investigate_timeout_s, settings.investigate_max_scan)
    classes = [PUBLIC, GOVERNMENT]  # an investigator relying on no consent
    today = settings.today_()  # the clock the gateway reads, in its time zone
    sizes: dict[int, list[int]] = {}
    truncated: dict[int, int] = {}

    async def raw(depth: int, subject_id: str) -> None:
        found = await q.neighbourhood(db, subject_id, depth, q.RoleFilter(), CAP, budget)
        assert found is not None
        await q.subject_marks(
            db, [(s["id"], classes) for s in found["subjects"]], ["BLACK", "RED"], today, budget
        )

    async def graphql(depth: int, subject_id: str) -> None:
        r = await client.post(
            "/graphql",
            content=orjson.dumps(
                {"query": QUERY, "variables": {"s": {"id": subject_id}, "depth": depth}}
            ),
            headers={"content-type": "application/json"},
        )
        body = r.json()
        assert r.status_code == 200 and "errors" not in body, body
        graph = body["data"]["neighbourhood"]
        sizes.setdefault(depth, []).append(len(graph["nodes"]))
        truncated[depth] = truncated.get(depth, 0) + graph["truncated"]

    try:
        ids = await subject_ids(db, sample(folder, args.requests + args.warmup, args.seed))
        warm, measured = ids[: args.warmup], ids[args.warmup :]
        out: dict[str, Any] = {
            "subjects": args.subjects,
            "requests": len(measured),
            "max_nodes": CAP,
            "seed": args.seed,
        }
        for depth in (2, 3):
            for sid in warm:
                await raw(depth, sid)
                await graphql(depth, sid)
            sizes[depth], truncated[depth] = [], 0
            lat_raw, lat_gql = await paired_latencies(
                functools.partial(by_ref, raw, depth),
                functools.partial(by_ref, graphql, depth),
                [{"id": s} for s in measured],
            )
            out[f"{depth}_hops"] = {
                "raw": summary(lat_raw),
                "graphql": summary(lat_gql),
                "nodes_median": statistics.median(sizes[depth]),
                "nodes_max": max(sizes[depth]),
                "truncated": truncated[depth],
            }
        return out
    finally:
        await client.aclose()
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=30)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
