"""``deploy/SIZING.md``: what a county, a city, a province and the country need, from the
benchmark results in ``bench/results/``.

    .venv/bin/python -m bench.sizing            # write deploy/SIZING.md again

The document is a function of the result files and the assumptions below, so a new run
of a benchmark (a 10M row in ``scaling.json``, say) updates it by running this again;
``tests/unit/test_sizing_doc.py`` keeps the committed document in step. Every figure is
either measured (the file and the command it comes from are named) or extrapolated (the
rule is stated); the assumptions are constants here, each with its reason.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "deploy" / "SIZING.md"
GB = 1e9
PROVINCE_SIZE = 10_000_000  # the scaling table's province-scale row


@dataclass(frozen=True)
class Level:
    name: str
    market_entities: int
    range_note: str
    deployment: str


# Assumptions, not measurements (see the document's "Assumptions" section).
LEVELS = (
    Level(
        "county (县、县级市、区)",
        200_000,
        "50k–200k; the upper end",
        "no server of its own: the city's deployment with tokens scoped to the county "
        "(`jur`), as `deploy/README.md` describes; or, for a county that runs its own, one "
        "Neo4j Community server",
    ),
    Level(
        "city (地级市)",
        2_000_000,
        "0.5M–2M; the upper end",
        "one Neo4j Community server (no clustering in Community: a standby is a restored "
        "dump, and `neo4j-admin database dump` needs the database stopped); Enterprise "
        "(a 3-server cluster) or Aura where the approval systems must never wait",
    ),
    Level(
        "province (省)",
        15_000_000,
        "5M–15M; the upper end",
        "Neo4j Enterprise: a cluster of 3 primaries (writes survive one loss) and read "
        "secondaries as the read load needs (the gateway's reads are read transactions, "
        "routed to them); or AuraDB where provincial data may be hosted there. One server "
        "holds it, but an approval platform of this size should not stop for one",
    ),
    Level(
        "country (all provinces)",
        180_000_000,
        "about 1.8×10^8 registered market entities",
        "one graph: an Enterprise cluster of large-memory servers (each holding the page "
        "cache above); or, as the platforms are organised, the province row for each "
        "province with mutual recognition (互认) by import between them",
    ),
)
SUBJECTS_PER_ENTITY = 2.5  # the generator: 2 organisations in 5 subjects (seeds/generator.py)
CHECKS_PER_ENTITY_YEAR = 12  # approvals, licences, procurement, subsidies screened per year
WORKING_SECONDS_YEAR = 250 * 8 * 3600  # 250 working days of 8 hours
PEAK_FACTOR = 5  # the busiest hour against the year's average working hour
UTILISATION = 0.5  # a gateway process or a Neo4j core planned at half its measured capacity
MIN_GATEWAYS = 2  # one may fail or restart
GROWTH = 1.3  # page cache headroom: the graph grows between re-sizings
HEAP_GB = {"county": 2, "city": 4, "province": 8, "country": 16}  # see "Assumptions"
OS_GB = 2


def _json(name: str) -> dict[str, Any] | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


@dataclass(frozen=True)
class Figure:
    value: float
    source: str  # the file, and the command that wrote it

    def cite(self) -> str:
        return self.source


def _bench_cmd(name: str, n: int) -> str:
    return f"`bench/results/{name}-{n}.json` (`python -m bench.{name} --subjects {n}`)"


def _scaling_cmd(n: int) -> str:
    return f"`bench/results/scaling.json` [{n:,}] (`python -m bench.scaling --subjects {n}`)"


class Basis:
    """The measured figures the extrapolation rests on: from the largest size measured by
    ``bench.scaling``; where that is below 1M, the 1M figures of the earlier benchmarks."""

    def __init__(self) -> None:
        self.scaling = _json("scaling.json") or {}
        self.load_1m = _json("load-1000000.json")
        self.check_1m = _json("credit_check-1000000.json")
        self.read_1m = _json("read_path-1000000.json")
        self.federation_1m = _json("federation-1000000.json")
        sizes = sorted(map(int, self.scaling))
        self.largest = sizes[-1] if sizes else None
        self.top = self.scaling[str(self.largest)] if self.largest else None

    def _top_at_least_1m(self) -> bool:
        return self.largest is not None and self.largest >= 1_000_000

    def page_cache_per_subject(self) -> Figure:
        """Bytes of store and native indexes per subject (what the page cache must hold)."""
        assert self.top is not None, "bench/results/scaling.json has no run yet"
        if self._top_at_least_1m() or not self.load_1m:
            parts = self.top["store_parts"]
            return Figure(
                parts["page_cache_bytes"] / self.top["subjects_in_graph"],
                _scaling_cmd(self.top["subjects"]),
            )
        # the store at 1M, split as the largest scaling run split its own
        parts = self.top["store_parts"]
        share = parts["page_cache_bytes"] / self.top["store_bytes"]
        return Figure(
            self.load_1m["store_bytes"] * share / self.load_1m["subjects"],
            "`bench/results/load-1000000.json` store_bytes (`python -m bench.load --subjects "
            f"1000000`) × the page-cache share of the store at {self.top['subjects']:,} "
            f"({share:.0%}, {_scaling_cmd(self.top['subjects'])})",
        )

    def lucene_per_subject(self) -> Figure:
        assert self.top is not None
        parts = self.top["store_parts"]
        return Figure(
            parts["lucene_indexes"] / self.top["subjects_in_graph"],
            _scaling_cmd(self.top["subjects"]),
        )

    def checks_per_gateway(self) -> Figure:
        """``creditCheck`` per second at concurrency 16 of one gateway process."""
        if self._top_at_least_1m() or not self.check_1m:
            assert self.top is not None
            return Figure(
                self.top["credit_check"]["c16"]["gateway"]["per_s"],
                _scaling_cmd(self.top["subjects"]),
            )
        return Figure(
            self.check_1m["single_c16_per_s"]["gateway"],
            "`bench/results/credit_check-1000000.json` (`python -m bench.credit_check "
            "--subjects 1000000`)",
        )

    def batch_ms(self) -> Figure:
        """``creditCheckBatch`` of 1,000 at the gateway, p50."""
        if self._top_at_least_1m() or not self.read_1m:
            assert self.top is not None
            return Figure(
                self.top["credit_check_batch_1000_ms"]["gateway_p50"],
                _scaling_cmd(self.top["subjects"]),
            )
        return Figure(
            self.read_1m["credit_check_batch_1000_ms"]["gateway_p50"],
            "`bench/results/read_path-1000000.json` (`make bench SUBJECTS=1000000`)",
        )

    def neo4j_cpu_ms_per_check(self) -> Figure:
        assert self.top is not None
        return Figure(
            self.top["credit_check"]["c16"]["gateway"]["neo4j_cpu_ms_per_request"],
            _scaling_cmd(self.top["subjects"]),
        )


def approval_load(entities: int) -> float:
    """Checks per second in the busiest hour (the assumptions above)."""
    return entities * CHECKS_PER_ENTITY_YEAR / WORKING_SECONDS_YEAR * PEAK_FACTOR


def _gb(v: float) -> str:
    if v < GB:
        return f"{v / GB:.2f}"
    return f"{v / GB:,.1f}" if v < 100 * GB else f"{v / GB:,.0f}"


def _measured(b: Basis) -> list[str]:
    rows = ["| figure | value | from |", "|---|---|---|"]
    for n in sorted(map(int, b.scaling)):
        r = b.scaling[str(n)]
        c = r["credit_check"]
        cite = _scaling_cmd(n)
        rows += [
            f"| {n:,} subjects: store on disk / page cache needed (store + native indexes) / "
            f"Lucene | {_gb(r['store_bytes'])} / {_gb(r['store_parts']['page_cache_bytes'])} / "
            f"{_gb(r['store_parts']['lucene_indexes'])} GB | {cite} |",
            f"| {n:,} subjects: `creditCheck` c16, one gateway process / raw | "
            f"{c['c16']['gateway']['per_s']:,.0f} / {c['c16']['raw']['per_s']:,.0f} per s | "
            f"{cite} |",
            f"| {n:,} subjects: `creditCheck` p50 / p99 c1, gateway | "
            f"{c['c1']['gateway']['p50_ms']:.2f} / {c['c1']['gateway']['p99_ms']:.2f} ms "
            f"| {cite} |",
            f"| {n:,} subjects: Neo4j CPU per check at c16 | "
            f"{c['c16']['gateway']['neo4j_cpu_ms_per_request']:.2f} ms | {cite} |",
            f"| {n:,} subjects: `creditCheckBatch` of 1,000 p50, gateway | "
            f"{r['credit_check_batch_1000_ms']['gateway_p50']:,.0f} ms | {cite} |",
            f"| {n:,} subjects: gateway memory after the run (VmHWM) | "
            f"{r['gateway_memory_mb']['VmHWM']:.0f} MB | {cite} |",
        ]
    if b.load_1m:
        src = _bench_cmd("load", 1_000_000)
        rows += [
            f"| 1,000,000 subjects: initial load from nothing | {b.load_1m['rows']:,} rows in "
            f"{b.load_1m['total_s']:,.0f} s, {b.load_1m['rows_per_s']:,} rows/s | {src} |",
            f"| 1,000,000 subjects: store on disk after the load | "
            f"{_gb(b.load_1m['store_bytes'])} GB | {src} |",
        ]
    if b.check_1m:
        src = _bench_cmd("credit_check", 1_000_000)
        c = b.check_1m
        rows += [
            f"| 1,000,000 subjects: `creditCheck` c16, one gateway process / raw | "
            f"{c['single_c16_per_s']['gateway']:,.0f} / {c['single_c16_per_s']['raw']:,.0f} "
            f"per s | {src} |",
            f"| 1,000,000 subjects: `creditCheck` p50 / p99 c1, gateway | "
            f"{c['single_c1_ms']['gateway_p50']:.2f} / {c['single_c1_ms']['gateway_p99']:.2f} ms "
            f"| {src} |",
        ]
    if b.read_1m:
        src = "`bench/results/read_path-1000000.json` (`make bench SUBJECTS=1000000`)"
        r = b.read_1m
        rows += [
            f"| 1,000,000 subjects: `creditCheckBatch` of 1,000 p50, gateway / raw | "
            f"{r['credit_check_batch_1000_ms']['gateway_p50']:.0f} / "
            f"{r['credit_check_batch_1000_ms']['raw_p50']:.0f} ms | {src} |",
            f"| 1,000,000 subjects: gateway memory at the end (VmHWM) | "
            f"{r['gateway_memory_mb_at_end']['VmHWM']:.0f} MB | {src} |",
        ]
    if b.federation_1m:
        src = _bench_cmd("federation", 1_000_000)
        f = b.federation_1m["joined_query_c1_ms"]
        rows.append(
            f"| 1,000,000 subjects: an application joined to its check through Hive Gateway, "
            f"p50 / p99 | {f['router_p50']:.1f} / {f['router_p99']:.1f} ms | {src} |"
        )
    province = b.scaling.get(str(PROVINCE_SIZE))
    if province is None:
        rows.append(
            f"| {PROVINCE_SIZE:,} subjects: every figure of the scaling table | **not yet "
            'measured**: run the command under "The 10M run" and then this generator | — |'
        )
    return rows


def _levels(b: Basis) -> list[str]:
    cache, lucene = b.page_cache_per_subject(), b.lucene_per_subject()
    per_gw, cpu = b.checks_per_gateway(), b.neo4j_cpu_ms_per_check()
    rows = [
        "| | " + " | ".join(level.name for level in LEVELS) + " |",
        "|---" * (len(LEVELS) + 1) + "|",
    ]

    def row(what: str, cells: list[str]) -> None:
        rows.append(f"| {what} | " + " | ".join(cells) + " |")

    subjects = [lv.market_entities * SUBJECTS_PER_ENTITY for lv in LEVELS]
    loads = [approval_load(lv.market_entities) for lv in LEVELS]
    caches = [s * cache.value * GROWTH for s in subjects]
    lucenes = [s * lucene.value * GROWTH for s in subjects]
    heaps = [HEAP_GB[lv.name.split()[0]] for lv in LEVELS]
    row("market entities (assumed)", [f"{lv.market_entities:,} ({lv.range_note})" for lv in LEVELS])
    row("subjects: entities and their officers (assumed ×2.5)", [f"{s:,.0f}" for s in subjects])
    row("page cache, GB (extrapolated)", [_gb(c) for c in caches])
    row("Lucene indexes in the OS file cache, GB (extrapolated)", [_gb(x) for x in lucenes])
    row("Neo4j heap, GB (assumed)", [str(h) for h in heaps])
    row(
        "Neo4j server memory, GB: heap + page cache + Lucene + OS",
        [
            f"{math.ceil(h + (c + x) / GB + OS_GB)}"
            for h, c, x in zip(heaps, caches, lucenes, strict=True)
        ],
    )
    row("approval load in the busiest hour, checks/s (assumed)", [f"{x:,.0f}" for x in loads])
    row(
        "gateway processes (extrapolated, at least 2)",
        [f"{max(MIN_GATEWAYS, math.ceil(x / (per_gw.value * UTILISATION)))}" for x in loads],
    )
    row(
        "Neo4j cores for that load (extrapolated)",
        [f"{max(1, math.ceil(x * cpu.value / 1000 / UTILISATION))}" for x in loads],
    )
    row("Neo4j deployment", [lv.deployment for lv in LEVELS])
    return rows


def render() -> str:
    b = Basis()
    cache, lucene = b.page_cache_per_subject(), b.lucene_per_subject()
    per_gw, cpu = b.checks_per_gateway(), b.neo4j_cpu_ms_per_check()
    batch = b.batch_ms()
    lines = [
        "# Sizing: a county, a city, a province, the country",
        "",
        "<!-- generated by `python -m bench.sizing` from bench/results/*.json: edit",
        "     bench/sizing.py, not this file; tests/unit/test_sizing_doc.py fails when it is",
        "     stale -->",
        "",
        "What a deployment of credit-graph needs at each administrative level: the Neo4j store",
        "and the memory to hold it, the gateway processes for an approval load, and the kind of",
        "Neo4j deployment. Figures are **measured** (the file and the command are named) or",
        "**extrapolated** from measured figures by a stated rule; the counts and the load are",
        "**assumptions**, stated with their reasons below. All measurements ran on one 2-core,",
        "24 GiB machine shared by Neo4j, the gateway and the load generator (and by other work:",
        "each result file records the load average), so per-process throughputs are lower",
        "bounds for a machine of their own.",
        "",
        "## By level",
        "",
    ]
    lines += _levels(b)
    lines += [
        "",
        "How each extrapolated row is worked out:",
        "",
        f"- page cache = subjects × {cache.value:,.0f} bytes per subject × {GROWTH} (headroom "
        f"for growth). The bytes per subject (node, relationship and property stores and the "
        f"native indexes, i.e. what Neo4j reads through its page cache) come from "
        f"{cache.cite()}. The graph per subject is the generator's (entries, records, roles "
        "per subject in the same proportions at every size), so the store grows linearly "
        "with the subjects; the scaling table shows how far that held up to the largest size "
        "measured.",
        f"- Lucene (the full-text name index, read through the operating system's file cache, "
        f"not the page cache) = subjects × {lucene.value:,.0f} bytes × {GROWTH}, from "
        f"{lucene.cite()}.",
        f"- gateway processes = the load / ({per_gw.value:,.0f} checks/s per process × "
        f"{UTILISATION}), at least {MIN_GATEWAYS}. {per_gw.value:,.0f} is one gateway process "
        f"(one uvicorn worker, one core at most) at concurrency 16, from {per_gw.cite()}. "
        "`credit-graph serve --workers N` runs N such processes on one host.",
        f"- Neo4j cores = the load × {cpu.value:.2f} ms of Neo4j CPU per check (at c16, "
        f"{cpu.cite()}) / {UTILISATION}.",
        "- server memory = heap + page cache + Lucene + "
        f"{OS_GB} GB for the operating system; a page cache smaller than the store still "
        "answers, from disk, at latencies this document does not cover.",
        "",
        f"Batch screening is cheaper per subject than single checks: a `creditCheckBatch` "
        f"of 1,000 took {batch.value:,.0f} ms at the gateway ({batch.cite()}), so one gateway "
        f"process re-screens a province's {LEVELS[2].market_entities / 1e6:,.0f}M entities "
        f"in about {LEVELS[2].market_entities / 1000 * batch.value / 1000 / 60:,.0f} minutes "
        "(extrapolated); screening is not what sizes the gateway.",
        "",
        "## Measured",
        "",
    ]
    lines += _measured(b)
    lines += [
        "",
        "The scaling table (every size measured, gateway against raw Cypher, the page cache",
        "each size needs) is `bench/results/scaling.md`.",
        "",
        "## The 10M run",
        "",
    ]
    if str(PROVINCE_SIZE) in b.scaling:
        lines.append(
            f"Measured: the {PROVINCE_SIZE:,} column of `bench/results/scaling.md`; the "
            "extrapolations above start from it."
        )
    else:
        lines += [
            f"**Placeholder**: nothing at {PROVINCE_SIZE:,} subjects has been measured yet; the",
            "rows above are extrapolated from the sizes that have. Measure 1M and 10M the same",
            "way (loaded by `bench.load`, so both stores are fresh and compact; each load wipes",
            "the instance, so measure 1M before loading 10M), then regenerate this document:",
            "",
            "```sh",
            ".venv/bin/python -m bench.load --subjects 1000000 --heap 3g --pagecache 4g",
            ".venv/bin/python -m bench.scaling --subjects 1000000 --loaded --instance prov-load",
            f".venv/bin/python -m bench.load --subjects {PROVINCE_SIZE} --heap 4g --pagecache 16g",
            f".venv/bin/python -m bench.scaling --subjects {PROVINCE_SIZE} --loaded "
            "--instance prov-load",
            ".venv/bin/python -m bench.sizing",
            "```",
            "",
            "`bench.scaling` asks the server for the heap and page cache it runs with; the",
            "scaling table says whether the page cache held the store (at 10M it needs about",
            f"{PROVINCE_SIZE * cache.value / GB:,.0f} GB by the extrapolation above). "
            "`--instance NAME --bolt P --http P` names another instance.",
        ]
    lines += [
        "",
        "## Assumptions",
        "",
        "- Market entities per level: the ranges are working assumptions for planning, not",
        "  counts of a real jurisdiction; each column takes the upper end. The country's",
        "  figure is the order of magnitude of SAMR's published count of registered market",
        "  entities (经营主体, about 1.8×10^8 in 2023–2024, about two thirds of them individual",
        "  businesses 个体工商户); it was not checked against a source here.",
        f"- Subjects per market entity: {SUBJECTS_PER_ENTITY}, the synthetic dataset's mix (2",
        "  organisations in 5 subjects, the rest their officers as persons). Individual",
        "  businesses have one operator, so a real count is likely lower: this over-sizes.",
        f"- Approval load: {CHECKS_PER_ENTITY_YEAR} checks per market entity per year,",
        "  spread over 250 working days of 8 hours, the busiest hour",
        f"  {PEAK_FACTOR}× the average. No approval platform's logs were available.",
        f"- Capacity is planned at {UTILISATION:.0%} of the measured throughput, and at least",
        f"  {MIN_GATEWAYS} gateway processes run wherever the approval systems depend on them.",
        "- Heap: the gateway's reads are small (one subject's check, a neighbourhood of at",
        "  most 200 nodes, a batch of 1,000), so the heap follows concurrency, not the graph;",
        "  the measured runs at 1M subjects ran with 2–3 GB heaps (`bench.load`'s 2g,",
        "  `bench.harness`'s 3g). The larger heaps for larger levels allow for more concurrent",
        "  queries and for the initial load's propagation step (`CALL { … } IN TRANSACTIONS`).",
        "- Aura: offered on public clouds; whether a government's credit data may be hosted",
        "  there (数据安全法, 个人信息保护法, local rules) is for the operator to decide. Its",
        "  instance sizes were not checked against the figures above.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    DOC.write_text(render())
    print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
