"""The online importer against a plain batched ``UNWIND $rows AS r MERGE … SET …``.

    .venv/bin/python -m bench.import_throughput --subjects 100000

The same generated files, kind after kind, through both in one run, each into a fresh
database of its own instance (``prov-online`` for the importer, ``prov-load`` for the
plain statements; both migrated and seeded): for every kind the two run one after the
other, the importer first for subjects and entries and second for roles and records, so
that whatever else the machine does hits both alike.

The plain statements are what a hand-written loader does with these files: rows as read
(no validation, no identity checks, no versions, no 实施办法 第四条, no propagation), the
same batch size, one transaction per batch, and as many batches at once as the importer
may write (``--plain-concurrency``, default ``--concurrency``; each batch in file order
to a free session), against the same constraints and indexes (both databases migrated).
Results go to stdout and ``bench/results/import-<subjects>.json``.

Both servers are warmed first (``--warmup``, default 20,000 subjects): a smaller dataset of
another seed goes through each one's own path, kind after kind, and is deleted again, so
that the timed files meet servers whose code is compiled, as a server taking daily
increments is. A fresh JVM spends much of its first minute compiling (at 100,000 subjects
the JIT compiler was the busiest thread of the importer's server) and the importer, with
more and larger statements, has more to compile. ``--warmup 0`` times the cold servers.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
from neo4j import AsyncDriver, AsyncGraphDatabase

from bench.instances import ROOT, instance, load_average, machine, wipe
from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.ops import neo4j_server
from graph_schema.migrate import migrate
from seeds import load_all
from seeds.generator import generate
from seeds.importer import Importer, ImportKind

KINDS = ("subjects", "roles", "entries", "records")

PLAIN = {
    "subjects": [
        "UNWIND $orgs AS r MERGE (s:Subject:Organization {uscc: r.uscc}) SET s += r",
        "UNWIND $persons AS r MERGE (s:Subject:Person {idNumber: r.id_number}) SET s += r",
    ],
    "roles": [
        """UNWIND $rows AS r
MATCH (p:Person {idNumber: r.id_number})
MATCH (o:Organization {uscc: r.uscc})
MERGE (p)-[x:HOLDS_ROLE {kind: r.role, start: date(r.start)}]->(o)
SET x.end = date(r.end)"""
    ],
    "entries": [
        """UNWIND $rows AS r
OPTIONAL MATCH (o:Organization {uscc: r.uscc})
OPTIONAL MATCH (p:Person {idNumber: r.id_number})
WITH r, coalesce(o, p) AS s
MATCH (d:Department {id: r.department_id})
MERGE (e:ListEntry {key: r.source_system + ':' + r.source_ref})
SET e += r
MERGE (e)-[:CONCERNS]->(s)
MERGE (e)-[:RECOGNISED_BY]->(d)"""
    ],
    "records": [
        """UNWIND $rows AS r
OPTIONAL MATCH (o:Organization {uscc: r.uscc})
OPTIONAL MATCH (p:Person {idNumber: r.id_number})
WITH r, coalesce(o, p) AS s
MATCH (d:Department {id: r.department_id})
MERGE (c:CreditRecord {key: r.source_system + ':' + r.source_ref})
SET c += r
MERGE (c)-[:CONCERNS]->(s)
MERGE (c)-[:PROVIDED_BY]->(d)"""
    ],
}


def batches(path: Path, size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    with open(path, "rb") as f:
        for line in f:
            batch.append(orjson.loads(line))
            if len(batch) >= size:
                yield batch
                batch = []
    if batch:
        yield batch


async def plain(
    driver: AsyncDriver, database: str, kind: str, path: Path, size: int, concurrency: int = 1
) -> int:
    """The file through the plain statements, ``concurrency`` batches at once (each in a
    session of its own, in file order); returns the rows sent."""
    rows = 0
    source = batches(path, size)

    async def worker() -> None:
        nonlocal rows
        async with driver.session(database=database) as session:
            for batch in source:  # one iterator: each batch goes to one worker
                rows += len(batch)
                if kind == "subjects":
                    params = {
                        "orgs": [r for r in batch if "uscc" in r],
                        "persons": [r for r in batch if "uscc" not in r],
                    }
                else:
                    params = {"rows": batch}

                async def work(tx: Any, params: dict[str, Any] = params) -> None:
                    for statement in PLAIN[kind]:
                        await (await tx.run(statement, params)).consume()

                await session.execute_write(work)

    await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
    return rows


async def fresh(settings: Settings) -> Database:
    wipe(settings)
    neo4j_server.start(settings)
    db = Database.connect(settings)
    await migrate(db)
    await load_all(db)
    return db


# Everything an import writes, deleted after the warm-up (the migrations and reference data
# stay); auto-commit, in batches.
FORGET_IMPORTED = """
MATCH (n) WHERE n:Subject OR n:ListEntry OR n:CreditRecord OR n:Version
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
"""


def dataset(subjects: int, seed: int, today: dt.date, folder: str | None = None) -> Path:
    """The generated files of ``subjects`` subjects (generated on first use)."""
    path = Path(folder or ROOT / "var" / f"synthetic-prov-{subjects}-{seed}")
    if not (path / "records.jsonl").exists():
        print(f"generating {subjects:,} subjects into {path} …", flush=True)
        generate(subjects, seed, path, today)
    return path


async def warm_up(
    importer: Importer,
    online_db: Database,
    baseline_db: Database,
    driver: AsyncDriver,
    database: str,
    folder: Path,
    args: argparse.Namespace,
) -> None:
    """Both paths through the warm-up files, then the warm-up's data deleted from both."""
    for kind in KINDS:
        path = folder / f"{kind}.jsonl"
        await importer.run(path, ImportKind(kind))
        await plain(driver, database, kind, path, args.batch_size, args.plain_concurrency)
    for db in (online_db, baseline_db):
        await db.in_transactions(FORGET_IMPORTED, op="bench:forget")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    today = dt.date.fromisoformat(args.today)
    folder = dataset(args.subjects, args.seed, today, args.folder)
    online, baseline = instance("prov-online"), instance("prov-load")
    online_db, baseline_db = await fresh(online), await fresh(baseline)
    driver = AsyncGraphDatabase.driver(
        baseline.bolt_uri, auth=(baseline.neo4j_user, baseline.password())
    )
    results: dict[str, Any] = {
        "subjects": args.subjects,
        "batch_size": args.batch_size,
        "importer_concurrency": args.concurrency,
        "plain_concurrency": args.plain_concurrency,
        "warmup_subjects": args.warmup,
        "machine": machine(),
        "kinds": {},
    }
    importer = Importer(
        online_db, batch_size=args.batch_size, today=today, concurrency=args.concurrency
    )
    try:
        if args.warmup:
            warm = dataset(args.warmup, args.seed + 1, today)
            print(f"warming both servers with {args.warmup:,} subjects …", flush=True)
            await warm_up(
                importer, online_db, baseline_db, driver, baseline.neo4j_database, warm, args
            )
        for i, kind in enumerate(KINDS):
            path = folder / f"{kind}.jsonl"
            figures: dict[str, Any] = {"load_average_before": load_average()}

            async def via_importer(path: Path = path, kind: str = kind) -> tuple[int, float]:
                t = time.perf_counter()
                report = await importer.run(path, ImportKind(kind))
                assert not report.rejected, report.reject_codes
                return report.read, time.perf_counter() - t

            async def via_plain(path: Path = path, kind: str = kind) -> tuple[int, float]:
                t = time.perf_counter()
                rows = await plain(
                    driver,
                    baseline.neo4j_database,
                    kind,
                    path,
                    args.batch_size,
                    args.plain_concurrency,
                )
                return rows, time.perf_counter() - t

            order = (via_importer, via_plain) if i % 2 == 0 else (via_plain, via_importer)
            timings = {}
            for call in order:
                timings[call] = await call()
            (rows, t_importer), (_, t_plain) = timings[via_importer], timings[via_plain]
            figures.update(
                rows=rows,
                importer_s=round(t_importer, 2),
                plain_s=round(t_plain, 2),
                importer_rows_per_s=round(rows / t_importer),
                plain_rows_per_s=round(rows / t_plain),
                ratio=round(t_plain / t_importer, 3),
                first="importer" if i % 2 == 0 else "plain",
                load_average_after=load_average(),
            )
            results["kinds"][kind] = figures
            print(kind, json.dumps(figures), flush=True)
    finally:
        await driver.close()
        await online_db.close()
        await baseline_db.close()
        if not args.keep:
            neo4j_server.stop(online)
            neo4j_server.stop(baseline)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--today", default="2026-11-25", help="the dataset's reference date")
    parser.add_argument("--folder", help="generated files (default var/synthetic-prov-<n>-<seed>)")
    parser.add_argument("--batch-size", type=int, default=2000, help="both paths")
    parser.add_argument("--concurrency", type=int, default=2, help="the importer's")
    parser.add_argument(
        "--plain-concurrency",
        type=int,
        help="batches the plain statements write at once (default: the importer's)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=20_000,
        help="subjects of another seed through both paths first, then deleted (0: none)",
    )
    parser.add_argument("--keep", action="store_true", help="leave both instances running")
    parser.add_argument("--out", help="results file (default bench/results/import-<n>.json)")
    args = parser.parse_args()
    if args.plain_concurrency is None:
        args.plain_concurrency = args.concurrency
    results = asyncio.run(run(args))
    out = ROOT / "bench" / "results" / f"import-{args.subjects}.json"
    if args.out:
        out = Path(args.out)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
