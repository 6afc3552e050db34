"""Read-path benchmark: GraphQL answers against the same answers from one raw Cypher query.

    .venv/bin/python -m bench.read_path --subjects 1000000
    .venv/bin/python -m bench.read_path --subjects 100000 --seconds 3 --batch-runs 5  # quick

Uses the ``bench`` Neo4j instance and dataset of ``bench.credit_check`` (loaded once,
then reused), starts the gateway as its own uvicorn process and, unless
``--no-neo4j-graphql``, the Neo4j GraphQL Library server of ``bench/neo4j-graphql/``
(``npm ci`` there on first use) over the same database. In one run:

1. The README's worked query (``organization(uscc:)`` with its name, legal representative
   and black entries with their departments) at ``/graphql`` with an approval system's
   token and purpose, for a sample of organisations (two thirds with a black entry),
   against one hand-written Cypher statement through the async driver (only the selected
   properties; the date and the visible disclosure classes as parameters; the legal
   representative through the ``HOLDS_ROLE`` window on that date), and the Neo4j GraphQL
   Library, and, unless ``--no-http-floor``, the HTTP hop alone (``bench/http_floor.py``: a
   bare ASGI app under uvicorn running the raw statement; no GraphQL, token, register or
   log). Every answer is first checked to be identical to raw (dates as ISO strings,
   compared as JSON; a difference exits 2 with a diff). Then, at concurrency 1 and 16,
   in alternating rounds: throughput, p50 and p99 latency, and Neo4j's CPU time per
   request (utime + stime of its process, read from /proc before and after each phase)
   and, for the servers, theirs; and the gateway's resident memory (VmRSS, VmHWM) after
   those phases.
2. A public search page (``search(text:, first: 20)`` with each organisation's published
   entries and their departments) at ``/public/graphql`` against one raw statement:
   identity check, then the same measures.
3. Federation ``_entities`` for 1,000 organisations (name, entries, credit check) posted
   to ``/graphql`` against ``creditCheckBatch`` of the same 1,000 (decisions and hits
   checked equal first).
4. ``creditCheckBatch`` of 1,000 subjects against its raw query (the Cypher the gateway
   runs, ``loaders.credit_check.check_query``).

Each measured phase stops after ``--requests`` requests or ``--seconds`` seconds, whichever
comes first, and is followed by ``--settle`` idle seconds whose Neo4j CPU it is charged;
``--rounds`` rounds alternate the contestants' order, after ``--warmup`` unmeasured
seconds for each; ``--batch-runs`` times the thousand-at-once requests,
interleaved (medians reported). Answers are as of today, the gateway's clock. The targets
(``TARGETS``) are checked here and printed as PASS/FAIL (``--check-targets`` exits 1 on a
FAIL); they are never test assertions. Results go to stdout and
``bench/results/read_path-<subjects>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import difflib
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from neo4j import AsyncDriver, AsyncGraphDatabase

from bench.credit_check import BATCH as CHECK_BATCH
from bench.harness import (
    GATEWAY_PORT,
    ROOT,
    arguments,
    bench_headers,
    bench_settings,
    cpu_seconds,
    ensure_dataset,
    memory_mb,
    percentile,
    raw_read,
    sample_refs,
    serve,
    start_gateway,
    wait_ready,
)
from bench.http import Connection
from gateway.ops import neo4j_server
from graph_schema.rules.disclosure import GOVERNMENT, PUBLIC
from loaders.credit_check import check_params, check_query, officer_request
from loaders.selection import Audience
from seeds.generator import INDUSTRIES, TRADE_NAMES

# The very query the gateway runs for a check without related parties, as an officer.
RAW_CHECK = check_query(Audience(), False)

NEO4J_GRAPHQL_DIR = ROOT / "bench" / "neo4j-graphql"
NEO4J_GRAPHQL_PORT = 8766
HTTP_FLOOR_PORT = 8767

# Targets: (what, measured as, limit). A ratio's direction is in its name.
TARGETS = {
    "worked_throughput_c1_over_raw": (">=", 0.6),
    "worked_throughput_c16_over_raw": (">=", 0.6),
    "worked_p99_c1_over_raw": ("<=", 2.0),
    "worked_p99_c16_over_raw": ("<=", 2.0),
    "worked_neo4j_cpu_per_request_c1_over_raw": ("<=", 1.3),
    "worked_neo4j_cpu_per_request_c16_over_raw": ("<=", 1.3),
    "gateway_peak_rss_mb_after_worked_query": ("<=", 150.0),
    "entities_1000_over_credit_check_batch": ("<=", 1.5),
    "credit_check_batch_1000_over_raw": ("<=", 1.5),
}

# 1. The README's worked query, the uscc as a variable.
WORKED = """query Worked($uscc: String!) {
  organization(uscc: $uscc) {
    name
    legalRepresentative { name }
    listEntries(kind: BLACK) {
      category severity status validUntil
      recognisingDepartment { name level }
    }
  }
}"""

# The same answer as one statement: what the caller may see ($classes) on $today.
RAW_WORKED = """
MATCH (o:Organization {uscc: $uscc})
RETURN o {
  .name,
  legalRepresentative: COLLECT {
    MATCH (o)<-[r:HOLDS_ROLE]-(p:Person)
    WHERE r.kind = 'LEGAL_REPRESENTATIVE' AND r.start <= $today
      AND (r.end IS NULL OR $today <= r.end)
    WITH p, r ORDER BY r.start DESC, p.id LIMIT 1
    RETURN p {.name}
  }[0],
  listEntries: COLLECT {
    MATCH (o)<-[:CONCERNS]-(e:ListEntry)
    WHERE e.kind = $kind AND e.recognisedOn <= $today AND e.disclosure IN $classes
    WITH e ORDER BY e.recognisedOn DESC, e.id
    RETURN e {.category, severity: coalesce(e.severity, 'UNSTATED'),
      status: CASE WHEN e.endedOn <= $today THEN coalesce(e.endStatus, 'REVOKED')
                   WHEN e.validUntil < $today THEN 'EXPIRED' ELSE 'ACTIVE' END,
      .validUntil,
      recognisingDepartment: [(e)-[:RECOGNISED_BY]->(d:Department) | d {.name, .level}][0]}
  }
} AS organization
"""

# The same question to the Neo4j GraphQL Library (bench/neo4j-graphql/typeDefs.graphql).
NEO4J_GRAPHQL_WORKED = """query Worked($uscc: String!, $today: Date!, $classes: [String!]!) {
  organizations(where: {uscc: {eq: $uscc}}, limit: 1) {
    name
    legalRepresentative(asOf: $today) { name }
    listEntries(
      where: {kind: {eq: "BLACK"}, recognisedOn: {lte: $today}, disclosure: {in: $classes}}
      sort: [{recognisedOn: DESC}, {id: ASC}]
    ) {
      category severity status(asOf: $today) validUntil
      recognisingDepartment { name level }
    }
  }
}"""

# 2. A public search page: 20 organisations, their published entries and departments.
PUBLIC_PAGE = """query Page($text: String!) {
  search(text: $text, first: 20) {
    edges { node {
      name
      ... on PublicOrganization { uscc }
      listEntries {
        kind category recognisedOn validUntil
        recognisingDepartment { name level }
      }
    } }
  }
}"""

# The portal's question as one statement: the best $window matches of the name index,
# organisations and persons with a published entry, best first; published = PUBLIC and in
# force on $today (管理办法 第十八条, 第二十七条).
RAW_PUBLIC_PAGE = """
CALL db.index.fulltext.queryNodes('subject_name', $query, {limit: $window})
YIELD node, score
WHERE node:Organization OR EXISTS {
  MATCH (node)<-[:CONCERNS]-(e:ListEntry)
  WHERE e.disclosure = 'PUBLIC' AND e.recognisedOn <= $today
    AND (e.validUntil IS NULL OR $today <= e.validUntil)
    AND (e.endedOn IS NULL OR $today < e.endedOn)
}
WITH node ORDER BY score DESC, node.id LIMIT $first
RETURN collect(node {.name, .uscc, listEntries: COLLECT {
  MATCH (node)<-[:CONCERNS]-(e:ListEntry)
  WHERE e.disclosure = 'PUBLIC' AND e.recognisedOn <= $today
    AND (e.validUntil IS NULL OR $today <= e.validUntil)
    AND (e.endedOn IS NULL OR $today < e.endedOn)
  WITH e ORDER BY e.recognisedOn DESC, e.id LIMIT $entries
  RETURN e {.kind, .category, .recognisedOn, .validUntil,
    recognisingDepartment: [(e)-[:RECOGNISED_BY]->(d:Department) | d {.name, .level}][0]}
}}) AS page
"""
PUBLIC_WINDOW = 1000  # loaders.public.WINDOW: the portal considers the best 1,000 matches

# 3. Federation references with their checks, against the batch root field.
ENTITIES = """query Entities($r: [_Any!]!) {
  _entities(representations: $r) {
    ... on Organization {
      uscc name
      listEntries { kind category status }
      creditCheck(matter: %s) { decision hits { entryId } }
    }
  }
}"""
ENTITY_BATCH = """query Batch($s: [SubjectRef!]!) {
  creditCheckBatch(subjects: $s, matter: %s) { subject { name } decision hits { entryId } }
}"""


def iso(value: Any) -> Any:
    """orjson's fallback: Neo4j temporal values as ISO strings."""
    to_iso = getattr(value, "iso_format", None)
    if to_iso is None:
        raise TypeError(f"cannot serialise {type(value).__name__}")
    return to_iso()


def canonical(answer: Any) -> bytes:
    return orjson.dumps(answer, default=iso, option=orjson.OPT_SORT_KEYS)


def diff(name: str, expected: Any, got: Any) -> str:
    a = json.dumps(json.loads(canonical(expected)), indent=1, ensure_ascii=False).splitlines()
    b = json.dumps(json.loads(canonical(got)), indent=1, ensure_ascii=False).splitlines()
    return "\n".join(difflib.unified_diff(a, b, "raw", name, lineterm="", n=2))


# --- sampling -------------------------------------------------------------------------


def organisations(folder: Path, n: int, seed: int, with_black: float) -> list[str]:
    """USCCs of ``n`` distinct organisations, a share ``with_black`` having a black entry."""
    rng = random.Random(seed)
    black = sorted(
        {
            row["uscc"]
            for row in map(orjson.loads, _lines(folder / "entries.jsonl"))
            if row.get("list") == "BLACK" and "uscc" in row
        }
    )
    orgs = [
        row["uscc"] for row in map(orjson.loads, _lines(folder / "subjects.jsonl")) if "uscc" in row
    ]
    chosen = rng.sample(black, min(len(black), round(n * with_black)))
    seen = set(chosen)
    while len(chosen) < n:
        uscc = rng.choice(orgs)
        if uscc not in seen:
            seen.add(uscc)
            chosen.append(uscc)
    rng.shuffle(chosen)
    return chosen


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines()


def search_terms(n: int, seed: int) -> list[str]:
    """Trade name and industry, as organisations are named (e.g. 华宏物流)."""
    combos = [t + i for t in TRADE_NAMES for i in INDUSTRIES]
    rng = random.Random(seed)
    return rng.sample(combos, min(n, len(combos)))


# --- contestants ----------------------------------------------------------------------

Call = Callable[[Any], Awaitable[Any]]  # one item in, the answer out


@dataclass
class Contestant:
    name: str
    make_worker: Callable[[], Awaitable[Call]]  # a worker with its own connection
    close: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    pid: int | None = None  # the server process whose CPU a phase reads, if any


def graphql_contestant(
    name: str,
    port: int,
    path: str,
    headers: dict[str, str],
    query: str,
    variables: Callable[[Any], dict[str, Any]],
    answer: Callable[[dict[str, Any]], Any],
    pid: int | None = None,
) -> Contestant:
    """Each worker on its own keep-alive connection; ``pid``: the server's process."""

    async def make_worker() -> Call:
        conn = await Connection("127.0.0.1", port, path, headers).open()
        contestant.close.append(conn.close)

        async def call(item: Any) -> Any:
            body = await conn.graphql(query, variables(item))
            if body.get("errors") or "data" not in body:
                raise RuntimeError(f"{name}: {str(body.get('errors'))[:500]}")
            return answer(body["data"])

        return call

    contestant = Contestant(name, make_worker, pid=pid)  # workers close through it, once made
    return contestant


def raw_contestant(
    name: str,
    driver: AsyncDriver,
    database: str,
    query: str,
    params: Callable[[Any], dict[str, Any]],
    answer: Callable[[Any], Any],
) -> Contestant:
    """Workers share the driver's pool; each call is one auto-commit read (``raw_read``),
    the way the gateway runs its own queries."""

    async def make_worker() -> Call:
        async def call(item: Any) -> Any:
            return answer(await raw_read(driver, query, params(item), database))

        return call

    return Contestant(name, make_worker)


def public_page_contestants(
    port: int, driver: AsyncDriver, database: str, today: dt.date
) -> list[Contestant]:
    """A public search page, anonymously at ``/public/graphql`` and as one raw statement
    (answers as of ``today``, the gateway's clock)."""
    return [
        graphql_contestant(
            "gateway",
            port,
            "/public/graphql",
            {},
            PUBLIC_PAGE,
            lambda t: {"text": t},
            lambda d: [e["node"] for e in d["search"]["edges"]],
        ),
        raw_contestant(
            "raw",
            driver,
            database,
            RAW_PUBLIC_PAGE,
            lambda t: {
                "query": f'"{t}"',
                "window": PUBLIC_WINDOW,
                "today": today,
                "first": 20,
                "entries": 10,
            },
            lambda records: records[0]["page"],
        ),
    ]


async def check_identical(
    what: str, items: list[Any], reference: Contestant, others: list[Contestant]
) -> list[Any]:
    """Every contestant's answer equals the reference's for every item, else exit 2.
    Returns the reference's answers."""
    ref_call = await reference.make_worker()
    calls = [(c.name, await c.make_worker()) for c in others]
    answers = []
    for item in items:
        expected = await ref_call(item)
        answers.append(expected)
        for name, call in calls:
            got = await call(item)
            if canonical(got) != canonical(expected):
                print(
                    f"{what}: {name} differs from {reference.name} for {item!r}:\n"
                    + diff(name, expected, got),
                    file=sys.stderr,
                )
                sys.exit(2)
    for c in others:
        for close in c.close:
            await close()
        c.close.clear()
    return answers


@dataclass
class Phase:
    requests: int = 0
    seconds: float = 0.0
    neo4j_cpu_s: float = 0.0
    server_cpu_s: float | None = None
    latencies: list[float] = field(default_factory=list)

    def add(self, other: Phase) -> None:
        self.requests += other.requests
        self.seconds += other.seconds
        self.neo4j_cpu_s += other.neo4j_cpu_s
        if other.server_cpu_s is not None:
            self.server_cpu_s = (self.server_cpu_s or 0.0) + other.server_cpu_s
        self.latencies += other.latencies

    def summary(self) -> dict[str, float]:
        out = {
            "requests": self.requests,
            "per_s": self.requests / self.seconds,
            "p50_ms": percentile(self.latencies, 0.5) * 1e3,
            "p99_ms": percentile(self.latencies, 0.99) * 1e3,
            "neo4j_cpu_ms_per_request": self.neo4j_cpu_s / self.requests * 1e3,
        }
        if self.server_cpu_s is not None:
            out["server_cpu_ms_per_request"] = self.server_cpu_s / self.requests * 1e3
        return out


async def run_phase(
    contestant: Contestant,
    items: list[Any],
    concurrency: int,
    requests: int,
    seconds: float,
    neo4j_pid: int,
    start: int,
    settle: float = 0.0,
) -> Phase:
    """``concurrency`` workers take the items in turn (from ``start``) until ``requests``
    were sent or ``seconds`` have passed. Neo4j's CPU is read ``settle`` seconds after the
    last answer: what the phase left Neo4j to do (the register's deferred write, the
    collection of its garbage) is charged to it, and the next phase starts on a quiet
    server."""
    workers = [await contestant.make_worker() for _ in range(concurrency)]
    order = itertools.islice(itertools.cycle(items), start, None)
    phase = Phase()
    sent = 0
    cpu_before = cpu_seconds(neo4j_pid)
    server_before = cpu_seconds(contestant.pid) if contestant.pid is not None else 0.0
    began = time.perf_counter()
    deadline = began + seconds

    async def work(call: Call) -> None:
        nonlocal sent
        while sent < requests and time.perf_counter() < deadline:
            sent += 1
            item = next(order)
            t = time.perf_counter()
            await call(item)
            phase.latencies.append(time.perf_counter() - t)

    await asyncio.gather(*(work(w) for w in workers))
    phase.seconds = time.perf_counter() - began
    await asyncio.sleep(settle)
    phase.neo4j_cpu_s = cpu_seconds(neo4j_pid) - cpu_before
    if contestant.pid is not None:
        phase.server_cpu_s = cpu_seconds(contestant.pid) - server_before
    phase.requests = len(phase.latencies)
    for close in contestant.close:
        await close()
    contestant.close.clear()
    return phase


async def compare(
    contestants: list[Contestant], items: list[Any], args: argparse.Namespace, neo4j_pid: int
) -> dict[str, dict[str, dict[str, float]]]:
    """Concurrency 1, then 16; in each, ``--rounds`` rounds in alternating order. First each
    contestant runs ``--warmup`` seconds unmeasured (plan caches, JIT, connection pools)."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for c in contestants:
        await run_phase(c, items, 16, args.requests, args.warmup, neo4j_pid, 0, args.settle)
    start = 0
    for concurrency in (1, 16):
        totals = {c.name: Phase() for c in contestants}
        for n in range(args.rounds):
            for c in contestants if n % 2 == 0 else contestants[::-1]:
                phase = await run_phase(
                    c,
                    items,
                    concurrency,
                    args.requests,
                    args.seconds,
                    neo4j_pid,
                    start,
                    args.settle,
                )
                totals[c.name].add(phase)
                print(
                    f"  c{concurrency} round {n + 1} {c.name}: {phase.requests} requests, "
                    f"{phase.requests / phase.seconds:,.0f}/s",
                    flush=True,
                )
            start += 7919  # the next round starts elsewhere in the sample
        out[f"c{concurrency}"] = {name: p.summary() for name, p in totals.items()}
    return out


async def timed(call: Call, item: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    answer = await call(item)
    return time.perf_counter() - t, answer


# --- the Neo4j GraphQL Library server -------------------------------------------------


def start_neo4j_graphql(bolt_uri: str, user: str, password: str) -> subprocess.Popen[bytes]:
    if not (NEO4J_GRAPHQL_DIR / "node_modules").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NEO4J_GRAPHQL_DIR, check=True)
    env = {
        **os.environ,
        "NEO4J_URI": bolt_uri,
        "NEO4J_USER": user,
        "NEO4J_PASSWORD": password,
        "PORT": str(NEO4J_GRAPHQL_PORT),
    }
    return subprocess.Popen(["node", "server.mjs"], cwd=NEO4J_GRAPHQL_DIR, env=env)


# --- the run --------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = bench_settings(args.subjects)
    folder = await ensure_dataset(
        settings, args.subjects, args.seed, dt.date.fromisoformat(args.today)
    )
    neo4j_pid = neo4j_server.status(settings).pid
    assert neo4j_pid is not None
    today = settings.today_()  # the gateway's clock (its time zone): its answers are as of today
    orgs = organisations(folder, args.sample, args.seed, with_black=2 / 3)
    refs_1000 = organisations(folder, 1000, args.seed + 1, with_black=1 / 3)
    check_refs = sample_refs(folder, 1000, args.seed + 2)
    terms = search_terms(args.sample, args.seed)
    headers = bench_headers(settings)
    database = settings.neo4j_database
    # one load generator on loopback: the portal's per-address rate limit would throttle it
    gateway = start_gateway(
        settings, extra_env={"CREDIT_GRAPH_PUBLIC_RATE_PER_MINUTE": "100000000"}
    )
    library = (
        None
        if args.no_neo4j_graphql
        else start_neo4j_graphql(settings.bolt_uri, settings.neo4j_user, settings.password())
    )
    classes = [PUBLIC, GOVERNMENT]  # an approval system: a government role, no consent
    floor = (
        None
        if args.no_http_floor
        else serve(
            "bench.http_floor:from_env",
            HTTP_FLOOR_PORT,
            {
                "NEO4J_URI": settings.bolt_uri,
                "NEO4J_USER": settings.neo4j_user,
                "NEO4J_PASSWORD": settings.password(),
                "NEO4J_DATABASE": settings.neo4j_database,
                "NEO4J_POOL_SIZE": str(settings.neo4j_pool_size),
                "BENCH_FLOOR_TODAY": today.isoformat(),
                "BENCH_FLOOR_CLASSES": ",".join(classes),
            },
            factory=True,
        )
    )
    driver = AsyncGraphDatabase.driver(  # configured as the gateway's (gateway/base/db.py)
        settings.bolt_uri,
        auth=(settings.neo4j_user, settings.password()),
        max_connection_pool_size=settings.neo4j_pool_size,
        notifications_min_severity="OFF",
    )
    results: dict[str, Any] = {
        "subjects": args.subjects,
        "today": today.isoformat(),
        "sample": len(orgs),
        "rounds": args.rounds,
        "warmup_s": args.warmup,
        "settle_s": args.settle,
        "requests_cap": args.requests,
        "seconds_cap": args.seconds,
        "batch_runs": args.batch_runs,
        "matter": args.matter,
    }
    try:
        await wait_ready()
        if floor is not None:
            await wait_ready(HTTP_FLOOR_PORT, "/")
        if library is not None:
            await wait_ready(NEO4J_GRAPHQL_PORT, "/health", 120)

        # 1. The worked query.
        contestants = [
            graphql_contestant(
                "gateway",
                GATEWAY_PORT,
                "/graphql",
                headers,
                WORKED,
                lambda u: {"uscc": u},
                lambda d: d["organization"],
                gateway.pid,
            ),
            raw_contestant(
                "raw",
                driver,
                database,
                RAW_WORKED,
                lambda u: {"uscc": u, "today": today, "kind": "BLACK", "classes": classes},
                lambda records: records[0]["organization"] if records else None,
            ),
        ]
        if floor is not None:
            contestants.append(
                graphql_contestant(
                    "http_floor",
                    HTTP_FLOOR_PORT,
                    "/",
                    {},
                    WORKED,
                    lambda u: {"uscc": u},
                    lambda d: d["organization"],
                    floor.pid,
                )
            )
        if library is not None:
            contestants.append(
                graphql_contestant(
                    "neo4j_graphql",
                    NEO4J_GRAPHQL_PORT,
                    "/graphql",
                    {},
                    NEO4J_GRAPHQL_WORKED,
                    lambda u: {"uscc": u, "today": today.isoformat(), "classes": classes},
                    lambda d: d["organizations"][0] if d["organizations"] else None,
                    library.pid,
                )
            )
        print(f"worked query: checking {len(orgs)} organisations …", flush=True)
        answers = await check_identical(
            "worked query", orgs, contestants[1], [contestants[0], *contestants[2:]]
        )
        results["sample_with_visible_black_entries"] = sum(
            1 for a in answers if a and a["listEntries"]
        )
        results["worked_query"] = await compare(contestants, orgs, args, neo4j_pid)
        results["gateway_memory_mb_after_worked_query"] = memory_mb(gateway.pid)

        # 2. A public search page.
        public = public_page_contestants(GATEWAY_PORT, driver, database, today)
        print(f"public page: checking {len(terms)} searches …", flush=True)
        pages = await check_identical("public page", terms, public[1], public[:1])
        results["public_page_sizes"] = {"min": min(map(len, pages)), "max": max(map(len, pages))}
        results["public_page"] = await compare(public, terms, args, neo4j_pid)

        # 3. and 4. A thousand at once.
        matter = args.matter
        gw = await Connection("127.0.0.1", GATEWAY_PORT, "/graphql", headers).open()
        representations = [{"__typename": "Organization", "uscc": u} for u in refs_1000]
        subjects = [{"uscc": u} for u in refs_1000]

        async def entities(_: Any) -> Any:
            body = await gw.graphql(ENTITIES % matter, {"r": representations})
            if body.get("errors"):
                raise RuntimeError(str(body["errors"])[:500])
            return body["data"]["_entities"]

        async def entity_batch(_: Any) -> Any:
            body = await gw.graphql(ENTITY_BATCH % matter, {"s": subjects})
            if body.get("errors"):
                raise RuntimeError(str(body["errors"])[:500])
            return body["data"]["creditCheckBatch"]

        async def check_batch(_: Any) -> Any:
            body = await gw.graphql(CHECK_BATCH, {"s": check_refs, "m": matter})
            if body.get("errors"):
                raise RuntimeError(str(body["errors"])[:500])
            return body["data"]["creditCheckBatch"]

        async def raw_check_batch(_: Any) -> Any:
            records = await raw_read(
                driver,
                RAW_CHECK,
                {
                    **officer_request(today, dt.datetime.now(dt.UTC)),
                    **check_params(
                        [
                            {"uscc": r.get("uscc"), "idNumber": r.get("idNumber"), "id": None}
                            for r in check_refs
                        ],
                        matter,
                        today,
                    ),
                },
                database,
            )
            return records

        by_ref = await entities(None)
        by_batch = await entity_batch(None)
        for uscc, a, b in zip(refs_1000, by_ref, by_batch, strict=True):
            if (
                a is None
                or a["name"] != b["subject"]["name"]
                or a["creditCheck"] != {"decision": b["decision"], "hits": b["hits"]}
            ):
                print(f"_entities and creditCheckBatch differ for {uscc}: {a} {b}", file=sys.stderr)
                sys.exit(2)
        assert len(await check_batch(None)) == 1000
        await raw_check_batch(None)
        runs: dict[str, list[float]] = {
            "entities": [],
            "entity_batch": [],
            "check_batch": [],
            "raw_check_batch": [],
        }
        calls = {
            "entities": entities,
            "entity_batch": entity_batch,
            "check_batch": check_batch,
            "raw_check_batch": raw_check_batch,
        }
        # Interleaved, so drift hits all alike; each call on a settled machine: the
        # register writes what a call disclosed a moment later (every audit_flush_ms), and
        # that write must not land in the next call's time, raw or gateway.
        settle = 2 * settings.audit_flush_ms / 1000
        for n in range(args.batch_runs):
            for name in list(calls) if n % 2 == 0 else list(calls)[::-1]:
                await asyncio.sleep(settle)
                runs[name].append((await timed(calls[name], None))[0])
        await gw.close()
        p50 = {k: statistics.median(v) * 1e3 for k, v in runs.items()}
        results["entities_1000_ms"] = {
            "entities_p50": p50["entities"],
            "credit_check_batch_p50": p50["entity_batch"],
        }
        results["credit_check_batch_1000_ms"] = {
            "gateway_p50": p50["check_batch"],
            "raw_p50": p50["raw_check_batch"],
        }
        results["gateway_memory_mb_at_end"] = memory_mb(gateway.pid)
        return results
    finally:
        await driver.close()
        for process in (gateway, floor, library):
            if process is not None:
                process.terminate()
                process.wait(timeout=20)


def judge(results: dict[str, Any]) -> dict[str, Any]:
    """Ratios to raw, and each target's verdict."""
    w = results["worked_query"]
    ratios: dict[str, float] = {}
    for c in ("c1", "c16"):
        for contestant in [k for k in w[c] if k != "raw"]:
            prefix = "worked" if contestant == "gateway" else f"worked_{contestant}"
            ratios[f"{prefix}_throughput_{c}_over_raw"] = (
                w[c][contestant]["per_s"] / w[c]["raw"]["per_s"]
            )
            ratios[f"{prefix}_p99_{c}_over_raw"] = (
                w[c][contestant]["p99_ms"] / w[c]["raw"]["p99_ms"]
            )
            ratios[f"{prefix}_neo4j_cpu_per_request_{c}_over_raw"] = (
                w[c][contestant]["neo4j_cpu_ms_per_request"]
                / w[c]["raw"]["neo4j_cpu_ms_per_request"]
            )
        if "http_floor" in w[c]:  # the gateway against the HTTP hop alone
            ratios[f"worked_throughput_{c}_over_http_floor"] = (
                w[c]["gateway"]["per_s"] / w[c]["http_floor"]["per_s"]
            )
            ratios[f"worked_neo4j_cpu_per_request_{c}_over_http_floor"] = (
                w[c]["gateway"]["neo4j_cpu_ms_per_request"]
                / w[c]["http_floor"]["neo4j_cpu_ms_per_request"]
            )
            ratios[f"worked_server_cpu_per_request_{c}_over_http_floor"] = (
                w[c]["gateway"]["server_cpu_ms_per_request"]
                / w[c]["http_floor"]["server_cpu_ms_per_request"]
            )
        p = results["public_page"][c]
        ratios[f"public_throughput_{c}_over_raw"] = p["gateway"]["per_s"] / p["raw"]["per_s"]
        ratios[f"public_p99_{c}_over_raw"] = p["gateway"]["p99_ms"] / p["raw"]["p99_ms"]
        ratios[f"public_neo4j_cpu_per_request_{c}_over_raw"] = (
            p["gateway"]["neo4j_cpu_ms_per_request"] / p["raw"]["neo4j_cpu_ms_per_request"]
        )
    e, b = results["entities_1000_ms"], results["credit_check_batch_1000_ms"]
    ratios["entities_1000_over_credit_check_batch"] = (
        e["entities_p50"] / e["credit_check_batch_p50"]
    )
    ratios["credit_check_batch_1000_over_raw"] = b["gateway_p50"] / b["raw_p50"]
    measured = {
        **ratios,
        "gateway_peak_rss_mb_after_worked_query": results["gateway_memory_mb_after_worked_query"][
            "VmHWM"
        ],
    }
    targets = {}
    for name, (op, limit) in TARGETS.items():
        value = measured[name]
        ok = value >= limit if op == ">=" else value <= limit
        targets[name] = {"value": value, "target": f"{op} {limit}", "pass": ok}
    return {
        "ratios": ratios,
        "targets": targets,
        "all_pass": all(t["pass"] for t in targets.values()),
    }


def report(results: dict[str, Any]) -> str:
    lines = [f"read path at {results['subjects']:,} subjects, as of {results['today']}"]
    for part in ("worked_query", "public_page"):
        for c in ("c1", "c16"):
            for name, s in results[part][c].items():
                lines.append(
                    f"  {part:13} {c:3} {name:14} {s['per_s']:8,.0f}/s  "
                    f"p50 {s['p50_ms']:7.2f} ms  p99 {s['p99_ms']:7.2f} ms  "
                    f"neo4j cpu {s['neo4j_cpu_ms_per_request']:6.3f} ms/req"
                    + (
                        f"  server cpu {s['server_cpu_ms_per_request']:6.3f} ms/req"
                        if "server_cpu_ms_per_request" in s
                        else ""
                    )
                )
    m = results["gateway_memory_mb_after_worked_query"]
    lines.append(
        f"  gateway memory after the worked query: VmRSS {m['VmRSS']:.0f} MB, "
        f"VmHWM {m['VmHWM']:.0f} MB"
    )
    e, b = results["entities_1000_ms"], results["credit_check_batch_1000_ms"]
    lines.append(
        f"  _entities 1,000 p50 {e['entities_p50']:.1f} ms; creditCheckBatch of the "
        f"same 1,000 {e['credit_check_batch_p50']:.1f} ms"
    )
    lines.append(
        f"  creditCheckBatch 1,000 p50 {b['gateway_p50']:.1f} ms; raw {b['raw_p50']:.1f} ms"
    )
    lines.append("ratios:")
    lines += [f"  {k:52} {v:6.2f}" for k, v in results["ratios"].items()]
    lines.append("targets:")
    lines += [
        f"  {'PASS' if t['pass'] else 'FAIL'} {k:52} {t['value']:8.2f} (target {t['target']})"
        for k, t in results["targets"].items()
    ]
    return "\n".join(lines)


def main() -> None:
    parser = arguments(__doc__, requests=20_000)
    parser.set_defaults(batch_runs=11)
    parser.add_argument(
        "--seconds",
        type=float,
        default=15.0,
        help="time cap of each measured phase (--requests caps its count)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=5.0,
        help="unmeasured seconds at concurrency 16 for each contestant before measuring",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=1.0,
        help="idle seconds after each phase, its Neo4j CPU included (see run_phase)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="rounds per concurrency, alternating the contestants' order",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=600,
        help="organisations (and search terms) checked and cycled through",
    )
    parser.add_argument(
        "--no-neo4j-graphql", action="store_true", help="leave out the Neo4j GraphQL Library"
    )
    parser.add_argument(
        "--no-http-floor",
        action="store_true",
        help="leave out the HTTP hop alone (bench/http_floor.py)",
    )
    parser.add_argument(
        "--check-targets", action="store_true", help="exit 1 when a target is missed"
    )
    args = parser.parse_args()
    results = asyncio.run(run(args))
    results.update(judge(results))
    out = ROOT / "bench" / "results" / f"read_path-{args.subjects}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(report(results))
    print(f"written to {out.relative_to(ROOT)}")
    if args.check_targets and not results["all_pass"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
