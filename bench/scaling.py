"""The scaling table, one dataset size per run: the gateway against raw Cypher at that size.

    # the harness's own dataset (bench.harness.ensure_dataset) on the ``bench`` instance
    .venv/bin/python -m bench.scaling --subjects 1000000
    # the same on another instance, by name and ports
    .venv/bin/python -m bench.scaling --subjects 100000 --instance scal --bolt 7821 --http 7822
    # an instance already holding var/synthetic-prov-<n>-<seed>, as bench.load left it
    .venv/bin/python -m bench.scaling --subjects 10000000 --loaded \\
        --instance prov-load --bolt 7803 --http 7804

Without ``--loaded`` the instance is given the synthetic dataset of that size by the
harness (loaded by the online importer once, restored from its dump afterwards). With
``--loaded`` nothing is loaded, migrated or seeded: the instance must already hold the
files of ``var/synthetic-prov-<n>-<seed>`` (``bench.load``, i.e. ``credit-graph load``), and
the only writes are the gateway's query register. Subjects are sampled from the files by
streaming them (``bench.load.sample_refs``: a third named by an entry, then shuffled), so
10M subjects cost no memory here; the neighbourhoods start from the first
``--hops-sample`` of them.

The gateway runs as its own uvicorn process (``bench.harness.start_gateway``) with its
clock pinned to ``--today``, the dataset's reference date. Against it, each measure sends
the same answer's Cypher through the async driver ("raw"), one statement:

- ``creditCheck`` (approval token): raw is the very query the gateway runs
  (``loaders.credit_check.check_query``);
- ``creditCheckBatch`` of 1,000 against that query for the 1,000;
- a 2-hop ``neighbourhood`` (investigator token, ``maxNodes: 200``, the selection of
  ``bench.investigate``): raw is ``loaders.investigate_reads.neighbourhood``, the query the
  gateway runs;
- a public name search page (``bench.read_path``'s, anonymous, against its hand-written
  statement).

Before anything is timed, every answer is checked identical: raw's records go through the
same pure assembly the gateway uses (the decision rules, ``build_graph``), are projected onto
the GraphQL selection and compared as JSON with the gateway's answer; a difference exits 2
with a diff. Timing is ``bench.read_path``'s: per measure, a warm-up, then concurrency 1
and 16 in rounds of alternating order, each phase capped by ``--requests`` and
``--seconds``; batches interleaved, medians reported. Then the gateway's memory, the store
on disk and the page cache it needs (``bench.instances.store_parts``, read before the run's
query register entries are written), and the load's rows
per second from ``bench/results/load-<n>.json`` when that size was loaded by ``bench.load``.

The run is merged into ``bench/results/scaling.json`` (keyed by size) and
``bench/results/scaling.md`` is rendered again from it (``bench/scaling_table.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from graphql import FieldNode, InlineFragmentNode, OperationDefinitionNode, SelectionSetNode, parse
from neo4j import AsyncGraphDatabase

from bench import scaling_table
from bench.credit_check import BATCH, CHECK, RAW_CHECK
from bench.harness import (
    GATEWAY_PORT,
    ROOT,
    bench_headers,
    bench_settings,
    ensure_dataset,
    memory_mb,
    raw_read,
    start_gateway,
    wait_ready,
)
from bench.http import Connection
from bench.instances import instance, load_average, machine, store_bytes, store_parts
from bench.investigate import CAP
from bench.investigate import QUERY as NEIGHBOURHOOD
from bench.load import sample_refs
from bench.read_path import (
    Contestant,
    canonical,
    check_identical,
    compare,
    diff,
    graphql_contestant,
    public_page_contestants,
    raw_contestant,
    search_terms,
    timed,
)
from gateway.base.settings import Settings
from gateway.ops import neo4j_server
from graph_schema.credit_check import Plain, answer, not_found, record_of
from graph_schema.investigate_plain import build_graph
from graph_schema.paging import SubjectRef
from graph_schema.rules.decision import Measure
from loaders import investigate, investigate_reads
from loaders.credit_check import check_params, officer_request
from loaders.selection import Audience, Rules
from resolvers.reads import anchor

DEPTH = 2
LIST_KINDS = ["BLACK", "RED"]  # the neighbourhood's default: both lists


# --- answers as the gateway gives them ------------------------------------------------


def root_selection(query: str) -> SelectionSetNode | None:
    """The selection set under the (only) root field of a one-operation document."""
    operation = parse(query).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    root = operation.selection_set.selections[0]
    assert isinstance(root, FieldNode)
    return root.selection_set


def project(value: Any, selection: SelectionSetNode | None) -> Any:
    """Plain data (dicts keyed by GraphQL field names) cut down to a selection, as the
    executor answers it."""
    if selection is None or value is None:
        return value
    if isinstance(value, list):
        return [project(v, selection) for v in value]
    out: dict[str, Any] = {}
    for node in selection.selections:
        if isinstance(node, FieldNode):
            key = (node.alias or node.name).value
            out[key] = project(value.get(node.name.value), node.selection_set)
        elif isinstance(node, InlineFragmentNode):
            out.update(project(value, node.selection_set))
    return out


def checks_of(records: list[Any], count: int, matter: str, day: dt.date) -> list[Plain]:
    """Raw check records as the answers the gateway builds from them: the decision rules
    (``graph_schema.credit_check.answer``) over each subject's record, in input order."""
    answers = [not_found(matter, day) for _ in range(count)]
    if records:
        measures = [Measure.from_map(m) for m in records[0]["measures"]]
        for i, raw in records[0]["subjects"]:
            answers[i] = answer(record_of(raw), measures, matter, day)
    return answers


def graph_of(value: Mapping[str, Any] | None) -> Plain | None:
    """A raw neighbourhood as the gateway draws it (``build_graph``, its defaults)."""
    if value is None:
        return None
    graph, _ = build_graph(
        value,
        {m["id"]: m for m in value["marks"]},
        root_id=value["rootId"],
        depth=DEPTH,
        as_of=None,
        cap=CAP,
        list_kinds=LIST_KINDS,
        departments=True,
    )
    return graph


def neighbourhood_cypher(ref: Mapping[str, str]) -> tuple[str, str]:
    """The gateway's neighbourhood query for this reference's key, and the key."""
    root, key = anchor(SubjectRef(uscc=ref.get("uscc"), id_number=ref.get("idNumber")), "root")
    return investigate_reads.neighbourhood(root, DEPTH, Rules(Audience())), key


# --- the contestants ------------------------------------------------------------------


def identical_or_exit(what: str, item: Any, expected: Any, got: Any) -> None:
    if canonical(got) != canonical(expected):
        print(f"{what}: gateway differs from raw for {item!r}:\n" + diff("gateway", expected, got))
        sys.exit(2)


class Measures:
    """The contestants of each measure over one gateway and one driver."""

    def __init__(self, settings: Settings, driver: Any, port: int, today: dt.date, matter: str):
        self.settings, self.driver, self.port = settings, driver, port
        self.today, self.matter = today, matter
        self.database = settings.neo4j_database
        self.officer = officer_request(today, dt.datetime.now(dt.UTC))

    def check_params(self, refs: Sequence[Mapping[str, str]]) -> dict[str, Any]:
        keys = [{"uscc": r.get("uscc"), "idNumber": r.get("idNumber"), "id": None} for r in refs]
        return {**self.officer, **check_params(keys, self.matter, self.today)}

    async def raw_checks(self, refs: Sequence[Mapping[str, str]]) -> list[Any]:
        return await raw_read(self.driver, RAW_CHECK, self.check_params(refs), self.database)

    def credit_check(self) -> tuple[Contestant, Contestant, Contestant]:
        """gateway, raw (the records, as timed) and raw as the answer (for the check)."""
        selection = root_selection(CHECK)
        gateway = graphql_contestant(
            "gateway",
            self.port,
            "/graphql",
            bench_headers(self.settings),
            CHECK,
            lambda ref: {"s": ref, "m": self.matter},
            lambda d: d["creditCheck"],
        )
        raw = raw_contestant(
            "raw", self.driver, self.database, RAW_CHECK, lambda r: self.check_params([r]), list
        )
        as_answer = raw_contestant(
            "raw",
            self.driver,
            self.database,
            RAW_CHECK,
            lambda r: self.check_params([r]),
            lambda records: project(checks_of(records, 1, self.matter, self.today)[0], selection),
        )
        return gateway, raw, as_answer

    def neighbourhood(self) -> tuple[Contestant, Contestant, Contestant]:
        selection = root_selection(NEIGHBOURHOOD)
        headers = bench_headers(self.settings, "investigator", "benchmark: investigation")
        gateway = graphql_contestant(
            "gateway",
            self.port,
            "/graphql",
            headers,
            NEIGHBOURHOOD,
            lambda ref: {"s": ref, "depth": DEPTH},
            lambda d: d["neighbourhood"],
        )

        def params(ref: Mapping[str, str]) -> dict[str, Any]:
            return {
                **self.officer,
                "key": neighbourhood_cypher(ref)[1],
                "cap": CAP,
                "maxScan": self.settings.investigate_max_scan,
                "listKinds": LIST_KINDS,
                "perSubject": investigate.ENTRIES_PER_SUBJECT,
                "day": self.today,
                "black": "BLACK",
                **investigate.RoleFilter().params(),
            }

        def contestant(shape: Any) -> Contestant:
            async def make_worker() -> Any:
                async def call(ref: Mapping[str, str]) -> Any:
                    query = neighbourhood_cypher(ref)[0]
                    return shape(await raw_read(self.driver, query, params(ref), self.database))

                return call

            return Contestant("raw", make_worker)

        raw = contestant(list)
        as_answer = contestant(
            lambda records: project(graph_of(records[0]["value"] if records else None), selection)
        )
        return gateway, raw, as_answer

    async def batch(self, refs: list[dict[str, str]], runs: int) -> dict[str, float]:
        """``creditCheckBatch`` of the 1,000 and its raw query: answers checked identical,
        then ``runs`` interleaved runs of each (medians)."""
        headers = bench_headers(self.settings)
        gw = await Connection("127.0.0.1", self.port, "/graphql", headers).open()

        async def gateway(_: Any) -> Any:
            body = await gw.graphql(BATCH, {"s": refs, "m": self.matter})
            if body.get("errors"):
                raise RuntimeError(str(body["errors"])[:500])
            return body["data"]["creditCheckBatch"]

        async def raw(_: Any) -> Any:
            return await self.raw_checks(refs)

        expected = project(
            checks_of(await raw(None), len(refs), self.matter, self.today),
            root_selection(BATCH),
        )
        identical_or_exit(
            "creditCheckBatch", f"{len(refs)} subjects", expected, await gateway(None)
        )
        times: dict[str, list[float]] = {"gateway": [], "raw": []}
        for n in range(runs):
            for name, call in (("gateway", gateway), ("raw", raw))[:: 1 if n % 2 else -1]:
                times[name].append((await timed(call, None))[0])
        await gw.close()
        return {f"{k}_p50": statistics.median(v) * 1e3 for k, v in times.items()}


# --- the run --------------------------------------------------------------------------

UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}


def size_bytes(text: str) -> int:
    """A Neo4j memory setting (``1.00GiB``, ``512m``, ``2g``) in bytes."""
    number = text.strip().rstrip("iBb")
    unit = number[-1].lower() if number[-1].isalpha() else ""
    return round(float(number.rstrip("kKmMgGtT")) * UNITS[unit])


async def neo4j_memory(driver: Any, database: str) -> dict[str, int]:
    """The heap and page cache the server runs with (asked of it: an instance started
    elsewhere may run with other settings than this run's options)."""
    heap = await raw_read(
        driver,
        "CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes "
        "RETURN attributes.HeapMemoryUsage.value.properties.max AS max",
        {},
        database,
    )
    cache = await raw_read(
        driver,
        "SHOW SETTINGS YIELD name, value WHERE name = 'server.memory.pagecache.size' RETURN value",
        {},
        database,
    )
    return {"heap_max_bytes": heap[0]["max"], "pagecache_bytes": size_bytes(cache[0]["value"])}


def settings_of(args: argparse.Namespace) -> Settings:
    if args.instance == "bench" and args.bolt is None:
        return bench_settings(args.subjects)
    return instance(
        args.instance, heap=args.heap, pagecache=args.pagecache, bolt=args.bolt, http=args.http
    )


async def dataset(args: argparse.Namespace, settings: Settings, today: dt.date) -> Path:
    """The folder of the files the instance holds; loaded by the harness unless
    ``--loaded``."""
    if not args.loaded:
        return await ensure_dataset(settings, args.subjects, args.seed, today)
    neo4j_server.start(settings)  # the server only, if it is not running; the data stays
    return Path(args.folder or ROOT / "var" / f"synthetic-prov-{args.subjects}-{args.seed}")


def load_figures(subjects: int) -> dict[str, Any] | None:
    """The initial load of this size as ``bench.load`` measured it, if it was."""
    path = ROOT / "bench" / "results" / f"load-{subjects}.json"
    if not path.exists():
        return None
    load = json.loads(path.read_text())
    return {
        "source": str(path.relative_to(ROOT)),
        "rows": load["rows"],
        "total_s": load["total_s"],
        "rows_per_s": load["rows_per_s"],
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    settings = settings_of(args)
    today = dt.date.fromisoformat(args.today)
    folder = await dataset(args, settings, today)
    neo4j_pid = neo4j_server.status(settings).pid
    assert neo4j_pid is not None
    refs = [{k: v for k, v in r.items() if v} for r in sample_refs(folder, args.sample, args.seed)]
    batch = [{k: v for k, v in r.items() if v} for r in sample_refs(folder, 1000, args.seed + 1)]
    random.Random(args.seed).shuffle(refs)  # sampled entries first, then subjects: mix them
    hop_refs = refs[: args.hops_sample]
    terms = search_terms(args.sample, args.seed)
    # the store as the dataset left it, before this run's register entries
    store = {"store_bytes": store_bytes(settings), "store_parts": store_parts(settings)}
    gateway = start_gateway(
        settings,
        args.gateway_port,
        extra_env={
            "CREDIT_GRAPH_TODAY": args.today,  # answers as of the dataset's date
            "CREDIT_GRAPH_PUBLIC_RATE_PER_MINUTE": "100000000",  # one load generator
        },
    )
    driver = AsyncGraphDatabase.driver(  # configured as the gateway's (gateway/base/db.py)
        settings.bolt_uri,
        auth=(settings.neo4j_user, settings.password()),
        max_connection_pool_size=settings.neo4j_pool_size,
        notifications_min_severity="OFF",
    )
    m = Measures(settings, driver, args.gateway_port, today, args.matter)
    results: dict[str, Any] = {
        "subjects": args.subjects,
        "instance": settings.instance,
        "dataset": str(folder.relative_to(ROOT)) if folder.is_relative_to(ROOT) else str(folder),
        "prepared_by": "bench.load (credit-graph load)" if args.loaded else "bench.harness",
        "machine": machine(),
        "today": args.today,
        "matter": args.matter,
        "options": {
            k: getattr(args, k)
            for k in ("sample", "hops_sample", "seconds", "requests", "warmup", "rounds")
        }
        | {"batch_runs": args.batch_runs},
        "load": load_figures(args.subjects),
        **store,
    }
    try:
        await wait_ready(args.gateway_port)
        counted = await raw_read(
            driver, "MATCH (s:Subject) RETURN count(s) AS n", {}, settings.neo4j_database
        )
        results["subjects_in_graph"] = counted[0]["n"]
        if not counted[0]["n"]:
            raise SystemExit(f"instance {settings.instance} holds no subjects")

        for name, contestants, items in (
            ("credit_check", m.credit_check(), refs),
            ("neighbourhood_2_hops", m.neighbourhood(), hop_refs),
        ):
            gateway_c, raw_c, as_answer = contestants
            print(f"{name}: checking {len(items)} answers …", flush=True)
            await check_identical(name, items, as_answer, [gateway_c])
            results[name] = await compare([gateway_c, raw_c], items, args, neo4j_pid)

        public = public_page_contestants(args.gateway_port, driver, settings.neo4j_database, today)
        print(f"public_search: checking {len(terms)} searches …", flush=True)
        await check_identical("public_search", terms, public[1], public[:1])
        results["public_search"] = await compare(public, terms, args, neo4j_pid)

        print("creditCheckBatch of 1,000 …", flush=True)
        results["credit_check_batch_1000_ms"] = await m.batch(batch, args.batch_runs)
        results["gateway_memory_mb"] = memory_mb(gateway.pid)
        results["neo4j"] = await neo4j_memory(driver, settings.neo4j_database)
    finally:
        await driver.close()
        gateway.terminate()
        gateway.wait(timeout=20)
    results["store_bytes_after_run"] = store_bytes(settings)  # with the register's writes
    results["load_average_after"] = load_average()
    results["ratios"] = scaling_table.ratios(results)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--today", default="2026-11-25", help="the dataset's reference date")
    parser.add_argument("--matter", default="ADMINISTRATIVE_LICENSING")
    parser.add_argument(
        "--instance", help="default: bench, or prov-load with --loaded (bench/instances.py)"
    )
    parser.add_argument("--bolt", type=int, help="Bolt port (default: the instance's)")
    parser.add_argument("--http", type=int, help="HTTP port (default: the instance's)")
    parser.add_argument("--heap", default="2g", help="if the instance is started here")
    parser.add_argument("--pagecache", default="2g", help="if the instance is started here")
    parser.add_argument("--loaded", action="store_true", help="the instance holds the data")
    parser.add_argument("--folder", help="with --loaded: the dataset's files")
    parser.add_argument("--gateway-port", type=int, default=GATEWAY_PORT)
    parser.add_argument("--sample", type=int, default=600, help="subjects and search terms")
    parser.add_argument("--hops-sample", type=int, default=200, help="neighbourhood roots")
    parser.add_argument("--seconds", type=float, default=8.0, help="time cap of each phase")
    parser.add_argument("--requests", type=int, default=20_000, help="count cap of each phase")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured s per contestant")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch-runs", type=int, default=7)
    args = parser.parse_args()
    args.instance = args.instance or ("prov-load" if args.loaded else "bench")
    started = time.perf_counter()
    results = asyncio.run(run(args))
    results["run_s"] = round(time.perf_counter() - started)
    table = scaling_table.merge(results)
    print(scaling_table.summary(results))
    print(f"written to {table.relative_to(ROOT)} and {scaling_table.MARKDOWN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
