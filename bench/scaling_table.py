"""The scaling table: ``bench/results/scaling.json`` (one entry per dataset size, each from
one run of ``bench.scaling``) and its rendering, ``bench/results/scaling.md``.

The markdown is a function of the json alone, so it is regenerated after every run (and
``python -m bench.scaling_table`` regenerates it by hand); a unit test keeps the committed
file in step with the json. Ratios are gateway over raw: above 1 for latencies means
slower than raw, below 1 for throughput means fewer per second.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
JSON = RESULTS / "scaling.json"
MARKDOWN = RESULTS / "scaling.md"
REFERENCE = 1_000_000  # the size the largest one's ratios are held against
TOLERANCE = 0.10

MEASURES = {  # key in a run's results → what the table calls it
    "credit_check": "`creditCheck`",
    "neighbourhood_2_hops": "2-hop `neighbourhood` (investigator, ≤ 200 nodes)",
    "public_search": "public name search page of 20",
}

GB = 1e9


def ratios(run: dict[str, Any]) -> dict[str, float]:
    """Gateway over raw, for every measure of a run."""
    out: dict[str, float] = {}
    for key in MEASURES:
        c1, c16 = run[key]["c1"], run[key]["c16"]
        out[f"{key}_p50_c1"] = c1["gateway"]["p50_ms"] / c1["raw"]["p50_ms"]
        out[f"{key}_p99_c1"] = c1["gateway"]["p99_ms"] / c1["raw"]["p99_ms"]
        out[f"{key}_throughput_c16"] = c16["gateway"]["per_s"] / c16["raw"]["per_s"]
    b = run["credit_check_batch_1000_ms"]
    out["credit_check_batch_1000_p50"] = b["gateway_p50"] / b["raw_p50"]
    return out


def load(path: Path = JSON) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {}


def merge(run: dict[str, Any], path: Path = JSON, markdown: Path = MARKDOWN) -> Path:
    """Put a run into the table under its size (replacing an earlier run of that size)
    and render the markdown again."""
    table = load(path)
    table[str(run["subjects"])] = run
    table = {k: table[k] for k in sorted(table, key=int)}
    path.write_text(json.dumps(table, indent=2, ensure_ascii=False) + "\n")
    markdown.write_text(render(table))
    return path


# --- rendering ------------------------------------------------------------------------


def _ms(v: float) -> str:
    return f"{v:,.1f}" if v >= 10 else f"{v:.2f}"


Cell = Callable[[dict[str, Any]], str]


def _latencies(key: str, who: str) -> Cell:
    def cell(r: dict[str, Any]) -> str:
        c1 = r[key]["c1"][who]
        return f"{_ms(c1['p50_ms'])} / {_ms(c1['p99_ms'])}"

    return cell


def _throughputs(key: str) -> Cell:
    def cell(r: dict[str, Any]) -> str:
        c16 = r[key]["c16"]
        return f"{c16['gateway']['per_s']:,.0f} / {c16['raw']['per_s']:,.0f}"

    return cell


def _cpu(key: str) -> Cell:
    def cell(r: dict[str, Any]) -> str:
        c16 = r[key]["c16"]
        return (
            f"{c16['gateway']['neo4j_cpu_ms_per_request']:.2f} / "
            f"{c16['raw']['neo4j_cpu_ms_per_request']:.2f}"
        )

    return cell


def _memory(r: dict[str, Any]) -> str:
    m = r["neo4j"]
    held = "yes" if m["pagecache_bytes"] >= r["store_parts"]["page_cache_bytes"] else "**no**"
    return f"{m['heap_max_bytes'] / GB:.1f} / {m['pagecache_bytes'] / GB:.1f}; {held}"


def _ratios(key: str) -> Cell:
    def cell(r: dict[str, Any]) -> str:
        x = r["ratios"]
        return (
            f"{x[f'{key}_p50_c1']:.2f} / {x[f'{key}_p99_c1']:.2f} / "
            f"{x[f'{key}_throughput_c16']:.2f}"
        )

    return cell


def _rows(runs: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    """(what, one cell per run)."""

    def each(cell: Cell) -> list[str]:
        return [cell(r) for r in runs]

    def load_cell(r: dict[str, Any]) -> str:
        load = r.get("load")
        if not load:
            return "not measured"
        return f"{load['rows_per_s']:,} ({load['rows']:,} rows in {load['total_s']:,.0f} s)"

    rows = [
        ("subjects in the graph", each(lambda r: f"{r['subjects_in_graph']:,}")),
        ("prepared by", each(lambda r: r["prepared_by"])),
        ("initial load, rows/s (`bench.load`)", each(load_cell)),
    ]
    for key, name in MEASURES.items():
        rows += [
            (f"{name} p50 / p99 c1, ms: gateway", each(_latencies(key, "gateway"))),
            (f"{name} p50 / p99 c1, ms: raw", each(_latencies(key, "raw"))),
            (f"{name} c16 per s: gateway / raw", each(_throughputs(key))),
            (f"{name} x raw: p50 c1 / p99 c1 / throughput c16", each(_ratios(key))),
            (f"{name} Neo4j CPU per request c16, ms: gateway / raw", each(_cpu(key))),
        ]
    rows += [
        (
            "`creditCheckBatch` of 1,000 p50, ms: gateway / raw (x raw)",
            each(
                lambda r: (
                    f"{_ms(r['credit_check_batch_1000_ms']['gateway_p50'])} / "
                    f"{_ms(r['credit_check_batch_1000_ms']['raw_p50'])} "
                    f"({r['ratios']['credit_check_batch_1000_p50']:.2f})"
                )
            ),
        ),
        (
            "gateway memory after the run, MB (VmRSS / VmHWM)",
            each(
                lambda r: (
                    f"{r['gateway_memory_mb']['VmRSS']:.0f} / {r['gateway_memory_mb']['VmHWM']:.0f}"
                )
            ),
        ),
        ("Neo4j store on disk, GB", each(lambda r: f"{r['store_bytes'] / GB:.2f}")),
        (
            "page cache it needs, GB (store + native indexes)",
            each(
                lambda r: (
                    f"{r['store_parts']['page_cache_bytes'] / GB:.2f} "
                    f"({r['store_parts']['store'] / GB:.2f} + "
                    f"{r['store_parts']['native_indexes'] / GB:.2f})"
                )
            ),
        ),
        (
            "Lucene indexes (OS file cache), GB",
            each(lambda r: f"{r['store_parts']['lucene_indexes'] / GB:.2f}"),
        ),
        ("Neo4j heap / page cache it ran with, GB; the page cache held the store", each(_memory)),
        ("machine load average after", each(lambda r: " ".join(map(str, r["load_average_after"])))),
    ]
    return rows


def comparison(table: dict[str, Any]) -> list[str]:
    """The largest size's ratios held against those at 1M: within ±10 %?"""
    sizes = sorted(map(int, table))
    if str(REFERENCE) not in table or sizes[-1] <= REFERENCE:
        measured = ", ".join(f"{s:,}" for s in sizes) or "none"
        return [
            f"Not yet comparable: needs {REFERENCE:,} and a larger size in the table "
            f"(measured: {measured})."
        ]
    ref, top = table[str(REFERENCE)]["ratios"], table[str(sizes[-1])]["ratios"]
    lines = [
        f"| ratio (gateway / raw) | {REFERENCE:,} | {sizes[-1]:,} | change | within 10 % |",
        "|---|---|---|---|---|",
    ]
    for name in ref:
        change = top[name] / ref[name] - 1
        ok = "yes" if abs(change) <= TOLERANCE else "**no**"
        lines.append(f"| {name} | {ref[name]:.2f} | {top[name]:.2f} | {change:+.0%} | {ok} |")
    return lines


def render(table: dict[str, Any]) -> str:
    runs = [table[k] for k in sorted(table, key=int)]
    head = "| | " + " | ".join(f"{r['subjects']:,} subjects" for r in runs) + " |"
    lines = [
        "# Scaling table",
        "",
        "Generated by `bench/scaling_table.py` from `bench/results/scaling.json`; each column is",
        "one run of `python -m bench.scaling --subjects N` (its options and machine are in the",
        "json). Raw is the same answer from one Cypher statement through the async Python",
        "driver; every answer was checked identical before timing. c1 and c16 are concurrency",
        "1 and 16; x raw is gateway / raw.",
        "",
        head,
        "|---" * (len(runs) + 1) + "|",
    ]
    lines += [f"| {what} | " + " | ".join(cells) + " |" for what, cells in _rows(runs)]
    lines += ["", f"## Ratios at the largest size against {REFERENCE:,}", ""]
    lines += comparison(table)
    lines += ["", "Measured on:", ""]
    lines += [
        f"- {r['subjects']:,}: {r['machine']['cores']} cores, {r['machine']['memory_gib']} GiB, "
        f"load average {' '.join(map(str, r['machine']['load_average']))} at the start, "
        f"{r['machine']['at']}, niceness {r['machine'].get('nice', 'not recorded')}; "
        f"instance `{r['instance']}`, {r['run_s']:,} s"
        for r in runs
    ]
    return "\n".join(lines) + "\n"


def summary(run: dict[str, Any]) -> str:
    return render({str(run["subjects"]): run})


if __name__ == "__main__":
    MARKDOWN.write_text(render(load()))
    print(f"written to {MARKDOWN.relative_to(ROOT)}")
