"""Local Neo4j instances for the load benchmarks: named, with their own ports, wiped fresh.

A fresh database is the instance stopped, its ``neo4j`` database files removed (the
``system`` database, with the password, stays) and started again: at a million subjects
this takes seconds where deleting the graph with Cypher takes minutes.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from gateway.base.settings import Settings
from gateway.ops import neo4j_server

ROOT = Path(__file__).resolve().parent.parent

# name → (bolt, http); override with BENCH_<NAME>_PORTS=bolt,http
PORTS = {"prov-load": (7803, 7804), "prov-online": (7805, 7806)}


def instance(
    name: str,
    *,
    heap: str = "2g",
    pagecache: str = "2g",
    bolt: int | None = None,
    http: int | None = None,
) -> Settings:
    """The settings of a local instance by name; ports given here win over the table.
    ``BENCH_INSTANCE_PREFIX`` gives it a folder of its own (``imp-prov-load``), so that
    two benchmarks on one machine never wipe each other's."""
    known_bolt, known_http = PORTS.get(name, (7803, 7804))
    override = os.environ.get(f"BENCH_{name.upper().replace('-', '_')}_PORTS")
    if override:
        known_bolt, known_http = (int(p) for p in override.split(","))
    bolt, http = bolt or known_bolt, http or known_http
    return Settings.from_env(
        {
            "CREDIT_GRAPH_HOME": os.environ.get("CREDIT_GRAPH_HOME", str(ROOT / "var")),
            "CREDIT_GRAPH_INSTANCE": os.environ.get("BENCH_INSTANCE_PREFIX", "") + name,
            "CREDIT_GRAPH_NEO4J_BOLT_PORT": str(bolt),
            "CREDIT_GRAPH_NEO4J_HTTP_PORT": str(http),
            "CREDIT_GRAPH_NEO4J_HEAP": os.environ.get("BENCH_NEO4J_HEAP", heap),
            "CREDIT_GRAPH_NEO4J_PAGECACHE": os.environ.get("BENCH_NEO4J_PAGECACHE", pagecache),
        }
    )


def wipe(settings: Settings) -> None:
    """Stop the instance and remove its ``neo4j`` database; it is recreated at start."""
    neo4j_server.stop(settings)
    data = settings.instance_dir / "data"
    for sub in ("databases", "transactions"):
        shutil.rmtree(data / sub / settings.neo4j_database, ignore_errors=True)
    # what bench.harness.ensure_dataset noted this instance held is gone with it
    for marker in (settings.home / "bench" / settings.instance).glob("loaded-*"):
        marker.unlink()


def store_bytes(settings: Settings) -> int:
    """The size of the database's store files on disk (transaction logs excluded)."""
    folder = settings.instance_dir / "data" / "databases" / settings.neo4j_database
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# Index providers whose files Lucene reads through the operating system's file cache; the
# others (range, point, token lookup) are Neo4j's own structures, read through its page cache.
LUCENE_PROVIDERS = ("fulltext", "text", "vector")


def store_parts(settings: Settings) -> dict[str, int]:
    """The database's files by how they are cached: ``store`` (nodes, relationships,
    properties, strings, tokens …) and ``native_indexes`` go through Neo4j's page cache, so
    their sum is the page cache that holds the whole graph (``page_cache_bytes``);
    ``lucene_indexes`` are read through the operating system's file cache instead."""
    folder = settings.instance_dir / "data" / "databases" / settings.neo4j_database
    parts = {"store": 0, "native_indexes": 0, "lucene_indexes": 0}
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(folder).parts
        if relative[:2] == ("schema", "index") and len(relative) > 2:
            lucene = relative[2].split("-")[0] in LUCENE_PROVIDERS
            parts["lucene_indexes" if lucene else "native_indexes"] += path.stat().st_size
        else:
            parts["store"] += path.stat().st_size
    return {**parts, "page_cache_bytes": parts["store"] + parts["native_indexes"]}


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (and nothing else), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def peak_rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = os.getloadavg()
    return round(one, 2), round(five, 2), round(fifteen, 2)


def machine() -> dict[str, Any]:
    """What the figures were measured on: cores, memory, and how busy the machine was."""
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) * 1024
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "load_average": load_average(),
        "nice": os.nice(0),  # this process's niceness: a run may yield to other work
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
