"""The initial load, timed; and, given an instance holding the same files imported
online, the two graphs compared.

    .venv/bin/python -m bench.load --subjects 1000000                  # load, time it
    .venv/bin/python -m bench.load --subjects 1000000 --compare-with prov-online

Wipes the ``prov-load`` instance (bench/instances.py), generates the dataset unless it
is there (``var/synthetic-prov-<n>-<seed>``), runs ``gateway.ops.load.load`` (what ``credit-graph
load`` runs) and records every phase, the rows per second, the peak memory of this
process, of its worker processes and of neo4j-admin, the store size and the machine's
load average. ``--compare-with`` streams both graphs kind by kind (bench/equivalence.py)
and compares the credit checks of a sample of subjects (a third with an entry).
Results go to stdout and ``bench/results/load-<subjects>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import re
import resource
import time
from pathlib import Path
from typing import Any

import orjson

from bench.equivalence import compare_checks, compare_graphs
from bench.instances import ROOT, instance, load_average, machine, store_bytes, wipe
from gateway.base.db import Database
from gateway.ops import neo4j_server
from gateway.ops.load import load
from seeds.generator import generate


def sample_refs(folder: Path, n: int, seed: int) -> list[dict[str, str | None]]:
    """``n`` subjects: a third named by an entry, the rest any subject (streamed)."""
    rng = random.Random(seed)

    def reservoir(path: Path, k: int) -> list[bytes]:
        chosen: list[bytes] = []
        with open(path, "rb") as f:
            for i, line in enumerate(f):
                if i < k:
                    chosen.append(line)
                elif (j := rng.randrange(i + 1)) < k:
                    chosen[j] = line
        return chosen

    rows = [orjson.loads(x) for x in reservoir(folder / "entries.jsonl", n // 3)]
    rows += [orjson.loads(x) for x in reservoir(folder / "subjects.jsonl", n - len(rows))]
    return [{"uscc": r.get("uscc"), "idNumber": r.get("id_number")} for r in rows]


def admin_figures(log: Path) -> dict[str, Any]:
    """What neo4j-admin says it did: stages, entities, peak memory."""
    text = log.read_text(errors="replace") if log.exists() else ""
    figures: dict[str, Any] = {
        "stages": dict(re.findall(r"^(.+?) COMPLETED in (.+)$", text, re.M)),
    }
    for what in ("nodes", "relationships", "properties"):
        m = re.search(rf"^\s+(\d+) {what}$", text, re.M)
        if m:
            figures[what] = int(m.group(1))
    for pattern, name in (
        (r"IMPORT DONE in (.+?)\.\s", "done_in"),
        (r"Peak memory usage: (.+)", "peak_memory"),
    ):
        m = re.search(pattern, text)
        if m:
            figures[name] = m.group(1).strip()
    return figures


async def run(args: argparse.Namespace) -> dict[str, Any]:
    today = dt.date.fromisoformat(args.today)
    folder = Path(args.folder or ROOT / "var" / f"synthetic-prov-{args.subjects}-{args.seed}")
    if not (folder / "records.jsonl").exists():
        t = time.perf_counter()
        generate(args.subjects, args.seed, folder, today)
        print(f"generated in {time.perf_counter() - t:,.0f} s", flush=True)
    settings = instance(
        args.instance, heap=args.heap, pagecache=args.pagecache, bolt=args.bolt, http=args.http
    )
    wipe(settings)
    results: dict[str, Any] = {"subjects": args.subjects, "machine": machine()}
    started = time.perf_counter()
    report, rejected = await load(
        settings,
        folder,
        today=today,
        workers=args.workers,
        import_memory=args.import_memory,
        on_phase=lambda line: print(line, load_average(), flush=True),
    )
    total = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    rows = sum(k.read for k in report.kinds.values())
    results.update(
        total_s=round(total, 1),
        rows=rows,
        rows_per_s=round(rows / total),
        phases_s=report.phases,
        kinds={
            k: {"read": r.read, "offline": r.offline, "online": r.online, "rejected": r.rejected}
            for k, r in report.kinds.items()
        },
        red_entries_ended=report.red_entries_ended,
        derived_entries=report.derived_entries,
        csv_bytes=report.prepared_bytes,
        claims_bytes=report.claims_bytes,
        peak_rss_bytes={"load process": own, "largest child (workers, neo4j-admin)": children},
        neo4j_admin=admin_figures(settings.instance_dir / "logs" / "load-import.log"),
        store_bytes=store_bytes(settings),
        neo4j={"heap": args.heap, "pagecache": args.pagecache},
        load_average_after=load_average(),
    )
    assert not any(rejected.values()), {k: len(v) for k, v in rejected.items()}
    if args.compare_with:
        other = instance(args.compare_with, heap=args.heap, pagecache=args.pagecache)
        neo4j_server.start(other)
        a, b = Database.connect(settings), Database.connect(other)
        try:
            t = time.perf_counter()
            comparison = await compare_graphs(a, b)
            refs = sample_refs(folder, args.checks, args.seed)
            await compare_checks(a, b, refs, today, comparison)
            results["comparison"] = {
                "with": args.compare_with,
                "seconds": round(time.perf_counter() - t, 1),
                **comparison.summary(),
            }
        finally:
            await a.close()
            await b.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--today", default="2026-11-25")
    parser.add_argument("--folder")
    parser.add_argument("--instance", default="prov-load")
    parser.add_argument("--bolt", type=int, help="Bolt port (default: the instance's)")
    parser.add_argument("--http", type=int, help="HTTP port (default: the instance's)")
    parser.add_argument("--heap", default="2g")
    parser.add_argument("--pagecache", default="2g")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--import-memory", default="2g", help="neo4j-admin --max-off-heap-memory")
    parser.add_argument("--compare-with", help="an instance holding the online import")
    parser.add_argument("--checks", type=int, default=1000)
    args = parser.parse_args()
    results = asyncio.run(run(args))
    out = ROOT / "bench" / "results" / f"load-{args.subjects}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
