"""Running the federated deployment locally: subgraph processes, composition, Hive Gateway.

The node tools live in ``deploy/federation`` (pinned by its package-lock.json and
installed with ``npm ci``): ``compose.mjs`` runs @theguild/federation-composition, and
``hive-gateway`` serves a supergraph with ``gateway.config.mjs`` (which headers reach the
subgraphs). Used by ``credit-graph federation …``, the end-to-end tests and the bench.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from gateway.base.errors import ConfigurationError

FEDERATION_DIR = Path(__file__).resolve().parents[2] / "deploy" / "federation"
SUBGRAPHS_JSON = FEDERATION_DIR / "subgraphs.json"
SUPERGRAPH = FEDERATION_DIR / "supergraph.graphql"
HIVE_GATEWAY = FEDERATION_DIR / "node_modules" / ".bin" / "hive-gateway"
# the sample approval system's subgraph (not part of the committed supergraph) and the
# applications it holds for the demo data: `federation up --sample-approval`
SAMPLE_APPROVAL_APP = "tests.federation.approval:app"
SAMPLE_APPLICATIONS = (
    FEDERATION_DIR.parent.parent / "tests" / "federation" / "demo_applications.json"
)
SAMPLE_APPROVAL_PORT = 8103


@dataclass(frozen=True)
class SubgraphService:
    name: str
    sdl: str  # path, relative to the JSON file that lists it
    url: str

    @property
    def port(self) -> int:
        return httpx.URL(self.url).port or 80


def services(config: Path = SUBGRAPHS_JSON) -> list[SubgraphService]:
    return [SubgraphService(**s) for s in json.loads(config.read_text())]


def _require_node_tools() -> None:
    if not HIVE_GATEWAY.exists():
        raise ConfigurationError(
            f"the federation tools are not installed: run `make federation-deps` "
            f"(npm ci in {FEDERATION_DIR})"
        )


def compose(config: Path = SUBGRAPHS_JSON, out: Path = SUPERGRAPH) -> str:
    """Compose the subgraphs ``config`` lists into ``out``; a composition error raises."""
    _require_node_tools()
    done = subprocess.run(
        ["node", str(FEDERATION_DIR / "compose.mjs"), str(config), str(out)],
        cwd=FEDERATION_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ConfigurationError(
            "supergraph composition failed",
            errors=(done.stderr or done.stdout).strip().splitlines(),
        )
    return out.read_text()


def start_subgraph(
    name: str, port: int, env: Mapping[str, str] | None = None, app: str = "gateway.asgi:app"
) -> subprocess.Popen[bytes]:
    """One subgraph (or ``all``) as its own uvicorn process on 127.0.0.1."""
    environment = {**os.environ, **(env or {}), "CREDIT_GRAPH_SUBGRAPH": name}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--no-proxy-headers",
            "--http",
            "gateway.http11:HttpToolsProtocol",  # as gateway.app.SERVER_OPTIONS
        ],
        cwd=FEDERATION_DIR.parent.parent,
        env=environment,
    )


def start_router(
    supergraph: Path,
    port: int,
    env: Mapping[str, str] | None = None,
    output: IO[bytes] | None = None,
) -> subprocess.Popen[bytes]:
    """Hive Gateway on 127.0.0.1 (it binds every interface unless told); ``env`` adds to
    the environment (``OTEL_*`` turns its traces on: deploy/federation/tracing.mjs).
    ``output`` takes its log (standard output and error); by default its standard output
    is discarded and its errors go where this process's go."""
    _require_node_tools()
    return subprocess.Popen(
        [
            str(HIVE_GATEWAY),
            "supergraph",
            str(supergraph),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        cwd=FEDERATION_DIR,
        env={**os.environ, **(env or {}), "NODE_ENV": "production"},
        stdout=output if output is not None else subprocess.DEVNULL,
        stderr=output,
    )


def subgraph_sdl(url: str, headers: Mapping[str, str] | None = None) -> str:
    """The SDL a running subgraph reports in ``_service``."""
    answer = httpx.post(
        url, json={"query": "{ _service { sdl } }"}, headers=dict(headers or {}), timeout=30
    )
    answer.raise_for_status()
    return str(answer.json()["data"]["_service"]["sdl"])


def start_sample_approval(
    port: int = SAMPLE_APPROVAL_PORT, applications: Path = SAMPLE_APPLICATIONS
) -> subprocess.Popen[bytes]:
    """The sample approval subgraph (tests/federation/approval.py) holding ``applications``;
    returns once it answers."""
    process = start_subgraph(
        "approval", port, {"APPROVAL_APPLICATIONS_FILE": str(applications)}, app=SAMPLE_APPROVAL_APP
    )
    wait_ready(f"http://127.0.0.1:{port}/graphql?query=%7B__typename%7D", process, 120)
    return process


def compose_with(
    extra: Mapping[str, tuple[str, str]], work: Path, config: Path = SUBGRAPHS_JSON
) -> Path:
    """Compose the subgraphs ``config`` lists (their committed SDL) and ``extra`` (name →
    SDL text and URL) into ``work/supergraph.graphql``; the committed supergraph is left
    as it is. Returns the composed file."""
    work.mkdir(parents=True, exist_ok=True)
    listed = [
        {"name": s.name, "sdl": str((config.parent / s.sdl).resolve()), "url": s.url}
        for s in services(config)
    ]
    for name, (sdl, url) in extra.items():
        (work / f"{name}.graphql").write_text(sdl)
        listed.append({"name": name, "sdl": f"{name}.graphql", "url": url})
    (work / "subgraphs.json").write_text(json.dumps(listed))
    compose(work / "subgraphs.json", work / "supergraph.graphql")
    return work / "supergraph.graphql"


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    """Until ``url`` answers 200; fails early when the process has exited."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            program = process.args[0] if isinstance(process.args, list) else process.args
            raise RuntimeError(f"{program!s} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} was not ready within {timeout_s:.0f} s")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for p in processes:
        if p.poll() is None:
            p.terminate()
    for p in processes:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()


def serve_composed(
    apps: Mapping[str, tuple[str, int]],
    work: Path,
    env: Mapping[str, str],
    headers: Mapping[str, str],
    router_port: int,
    router_env: Mapping[str, str] | None = None,
) -> tuple[list[subprocess.Popen[bytes]], str]:
    """Start each subgraph (name → ASGI app and port) with ``env``, compose the SDL they
    report in ``_service`` into ``work/supergraph.graphql`` and start Hive Gateway over it
    with ``router_env``.

    Returns the processes (to ``stop``) and the router's URL. What a subgraph reports,
    not a file, is composed: the test of what runs. ``/healthz`` or, for an app without
    one, a ``{__typename}`` query tells a subgraph is up.
    """
    processes: list[subprocess.Popen[bytes]] = []
    try:
        urls = {}
        for name, (app, port) in apps.items():
            processes.append(start_subgraph(name, port, env, app=app))
            urls[name] = f"http://127.0.0.1:{port}/graphql"
        for (name, (app, _)), process in zip(apps.items(), processes, strict=True):
            probe = "/healthz" if app == "gateway.asgi:app" else "/graphql?query=%7B__typename%7D"
            wait_ready(urls[name].replace("/graphql", probe), process, 120)
        listed = []
        for name, url in urls.items():
            (work / f"{name}.graphql").write_text(subgraph_sdl(url, headers))
            listed.append({"name": name, "sdl": f"{name}.graphql", "url": url})
        (work / "subgraphs.json").write_text(json.dumps(listed))
        compose(work / "subgraphs.json", work / "supergraph.graphql")
        processes.append(start_router(work / "supergraph.graphql", router_port, router_env))
        wait_ready(f"http://127.0.0.1:{router_port}/readiness", processes[-1])
    except BaseException:
        stop(processes)
        raise
    return processes, f"http://127.0.0.1:{router_port}/graphql"
