"""What the query register costs a request: ``request`` versus ``background`` audit writes.

    CREDIT_GRAPH_INSTANCE=test-audience CREDIT_GRAPH_NEO4J_BOLT_PORT=7720 \\
    CREDIT_GRAPH_NEO4J_HTTP_PORT=7721 .venv/bin/python -m bench.audit_write --requests 2000

Uses the local instance named by the environment (its data is left alone apart from
two organisations it adds). For each mode it starts the gateway as its own uvicorn
process and measures, at concurrency 1 and 16, the same government query on an
organisation whose entries are all public (no register entry: the baseline) and on
one whose entries are government-shared (one register entry per request).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.http import Connection
from gateway.auth import mint_token
from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.ops import neo4j_server
from graph_schema.migrate import migrate
from seeds import load_all
from seeds.importer import Importer, ImportKind

ROOT = Path(__file__).resolve().parent.parent
PORT = 8766
DEPT = "320800/淮安市市场监督管理局"
QUERY = """query Look($u: String!) { organization(uscc: $u) { name
  listEntries { kind category facts severity recognisedOn validUntil } } }"""
ORGS = {"public": "91320800MABENCH01U", "government": "91320800MABENCH02U"}


def _uscc(body: str) -> str:
    from stdnum.cn import uscc

    return body + uscc.calc_check_digit(body)


async def prepare(settings: Settings) -> dict[str, str]:
    neo4j_server.start(settings)
    db = Database.connect(settings)
    try:
        await migrate(db)
        await load_all(db)
        codes = {k: _uscc(v[:17]) for k, v in ORGS.items()}
        importer = Importer(db, actor="bench")
        rows = [{"uscc": c, "name": f"淮安市基准{k}有限公司"} for k, c in codes.items()]
        await importer.load(enumerate(rows, 1), ImportKind.SUBJECTS)
        entries = [
            {
                "list": "BLACK",
                "uscc": c,
                "department_id": DEPT,
                "facts": f"基准事实{i}",
                "recognised_on": "2026-06-01",
                "severity": "SERIOUS",
                "disclosure": "PUBLIC" if k == "public" else "GOVERNMENT",
                "source_system": "bench",
                "source_ref": f"{k}-{i}",
            }
            for k, c in codes.items()
            for i in range(5)
        ]
        await importer.load(enumerate(entries, 1), ImportKind.ENTRIES)
        return codes
    finally:
        await db.close()


def start(settings: Settings, mode: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "CREDIT_GRAPH_AUDIT_WRITE": mode,
        "CREDIT_GRAPH_PORT": str(PORT),
        "CREDIT_GRAPH_GRAPHIQL": "false",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "gateway.asgi:app",
            "--port",
            str(PORT),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )  # access log
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{PORT}/readyz").status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the gateway did not start")


async def measure(
    headers: dict[str, str], codes: dict[str, str], n: int, concurrency: int
) -> dict[str, dict[str, float]]:
    """Public and government requests interleaved on every connection, so that both kinds
    see the same load on this shared machine; latencies per kind."""
    conns = [
        await Connection("127.0.0.1", PORT, "/graphql", headers).open() for _ in range(concurrency)
    ]
    for c in conns:  # warm up: parse cache, connection pool
        for _ in range(20):
            await c.graphql(QUERY, {"u": codes["government"]})
    latencies: dict[str, list[float]] = {"public": [], "government": []}

    async def worker(c: Connection, count: int) -> None:
        for i in range(count):
            kind = "public" if i % 2 == 0 else "government"
            t = time.perf_counter()
            body = await c.graphql(QUERY, {"u": codes[kind]})
            latencies[kind].append(time.perf_counter() - t)
            assert "errors" not in body, body

    started = time.perf_counter()
    await asyncio.gather(*(worker(c, n // concurrency) for c in conns))
    elapsed = time.perf_counter() - started
    for c in conns:
        await c.close()
    out = {}
    for kind, values in latencies.items():
        ordered = sorted(values)
        out[kind] = {
            "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": ordered[int(0.99 * (len(ordered) - 1))] * 1000,
        }
    out["all"] = {"per_s": sum(map(len, latencies.values())) / elapsed}
    return out


async def audit_events(settings: Settings) -> int:
    db = Database.connect(settings)
    try:
        rows = await db.read("MATCH (a:AuditEvent {sub: 'bench-audit'}) RETURN count(a) AS n")
        return int(rows[0]["n"])
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    settings = Settings.from_env()
    codes = asyncio.run(prepare(settings))
    token = mint_token(
        settings, sub="bench-audit", roles=["approval"], dept=DEPT, ttl=dt.timedelta(hours=1)
    )
    headers = {"Authorization": f"Bearer {token}", "X-Credit-Purpose": "benchmark"}
    for mode in ("request", "background"):
        proc = start(settings, mode)
        try:
            for concurrency in (1, 16):
                key = f"{mode}/c{concurrency}"
                r = asyncio.run(measure(headers, codes, args.requests, concurrency))
                for kind in ("public", "government"):
                    print(
                        f"{key:14} {kind:10} p50 {r[kind]['p50_ms']:6.2f} ms  "
                        f"p99 {r[kind]['p99_ms']:6.2f} ms",
                        flush=True,
                    )
                print(f"{key:14} both       {r['all']['per_s']:7.0f} requests/s", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    written = asyncio.run(audit_events(settings))
    print(f"register entries written by the benchmark so far: {written}")


if __name__ == "__main__":
    main()
