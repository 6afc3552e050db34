"""The project's own Neo4j Community server: fetch, configure, start, stop, status.

The distribution is resolved with Maven from ``org.neo4j:neo4j`` (the whole
server) into ``<home>/dist/neo4j-<version>/lib`` and shared by every instance.
Each instance (``demo``, ``test``) has its own folder ``<home>/neo4j/<name>`` with
``conf/neo4j.conf``, data, logs, a generated password and the server's PID, and
its own ports, so tests never touch demo data.

The server runs as ``org.neo4j.server.CommunityEntryPoint`` on Java 17+, bound
to 127.0.0.1, authentication on. Used only when ``NEO4J_URI`` is not set.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gateway.base.errors import ConfigurationError
from gateway.base.settings import Settings

POM = Path(__file__).resolve().parents[2] / "deploy" / "neo4j" / "pom.xml"

# The bootloader (neo4j console) normally adds these; we start the entry point directly.
JVM_OPTIONS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    uri: str
    detail: str


def dist_dir(settings: Settings) -> Path:
    return settings.home / "dist" / f"neo4j-{settings.neo4j_version}"


def java_executable() -> str:
    """Java 17 or newer, from JAVA_HOME or the PATH."""
    java_home = os.environ.get("JAVA_HOME")
    candidate = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not candidate or not Path(candidate).exists():
        raise ConfigurationError("Java 17 or newer is required to run Neo4j 5.26: none found")
    out = subprocess.run([candidate, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', out)
    if not match or int(match.group(1)) < 17:
        raise ConfigurationError(f"Neo4j 5.26 needs Java 17 or newer; {candidate} says: {out}")
    return candidate


def fetch(settings: Settings) -> Path:
    """Resolve the Neo4j jars from Maven Central unless this version is already here."""
    target = dist_dir(settings)
    marker = target / ".complete"
    if marker.exists():
        return target
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ConfigurationError("Maven (mvn) is required to fetch Neo4j from Maven Central")
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    subprocess.run(
        [
            mvn,
            "-q",
            "-B",
            "-f",
            str(POM),
            f"-Dneo4j.version={settings.neo4j_version}",
            "dependency:copy-dependencies",
            f"-DoutputDirectory={(staging / 'lib').resolve()}",
            "-DincludeScope=runtime",
        ],
        check=True,
    )
    if not any((staging / "lib").glob(f"neo4j-{settings.neo4j_version}.jar")):
        raise ConfigurationError(f"Maven did not deliver neo4j-{settings.neo4j_version}.jar")
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    marker.write_text(settings.neo4j_version + "\n")
    return target


def _conf_text(settings: Settings) -> str:
    d = settings.instance_dir.resolve()
    return "\n".join(
        [
            "# Written by credit-graph for this instance; edits are overwritten at start.",
            "server.default_listen_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{settings.bolt_port}",
            f"server.http.listen_address=127.0.0.1:{settings.http_port}",
            "server.https.enabled=false",
            "dbms.usage_report.enabled=false",
            "dbms.security.auth_enabled=true",
            f"server.directories.data={d / 'data'}",
            f"server.directories.logs={d / 'logs'}",
            f"server.directories.run={d / 'run'}",
            f"server.directories.plugins={d / 'plugins'}",
            f"server.directories.import={d / 'import'}",
            f"server.memory.pagecache.size={settings.neo4j_pagecache}",
            f"db.tx_log.rotation.retention_policy={settings.neo4j_tx_log_retention}",
            # No keep-alive messages inside a request, and so no receive-timeout hint to
            # the driver (which, below Python 3.12, then wraps every socket read in a task
            # and a timer). A connection that dies mid-query is noticed by the gateway's
            # probe (gateway/base/breaker.py), which cuts off the queries waiting on it.
            "server.bolt.connection_keep_alive_for_requests=OFF",
            "db.transaction.timeout=0",
            "db.logs.query.enabled=OFF",
            "",
        ]
    )


def _env(settings: Settings) -> dict[str, str]:
    d = settings.instance_dir.resolve()
    return {**os.environ, "NEO4J_HOME": str(d), "NEO4J_CONF": str(d / "conf")}


def _classpath(settings: Settings) -> str:
    return str(dist_dir(settings).resolve() / "lib" / "*")


def prepare(settings: Settings) -> None:
    """Write the instance's configuration; set a generated password before the first start."""
    d = settings.instance_dir
    for sub in ("conf", "data", "logs", "run", "plugins", "import"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    (d / "conf" / "neo4j.conf").write_text(_conf_text(settings))
    password_file = d / "password"
    if password_file.exists():
        return
    password = secrets.token_urlsafe(24)
    subprocess.run(
        [
            java_executable(),
            "-cp",
            _classpath(settings),
            "org.neo4j.server.startup.Neo4jAdminCommand",
            "dbms",
            "set-initial-password",
            password,
        ],
        env=_env(settings),
        check=True,
        capture_output=True,
        text=True,
    )
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)


def _pid(settings: Settings) -> int | None:
    try:
        pid = int((settings.instance_dir / "server.pid").read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and b"CommunityEntryPoint" not in cmdline.read_bytes():
        return None  # the PID was reused by another program
    return pid


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _bolt_answers(settings: Settings) -> bool:
    from neo4j import GraphDatabase
    from neo4j.exceptions import Neo4jError, ServiceUnavailable

    try:
        with GraphDatabase.driver(
            settings.bolt_uri, auth=(settings.neo4j_user, settings.password())
        ) as driver:
            driver.execute_query("RETURN 1", database_=settings.neo4j_database)
        return True
    except (ServiceUnavailable, Neo4jError, OSError):
        return False


def status(settings: Settings) -> Status:
    pid = _pid(settings)
    if pid is None:
        return Status(False, None, settings.bolt_uri, "stopped")
    detail = "running" if _port_open(settings.bolt_port) else "starting"
    return Status(True, pid, settings.bolt_uri, detail)


def _log_tail(settings: Settings, lines: int = 30) -> str:
    out: list[str] = []
    for name in ("console.log", "neo4j.log"):
        path = settings.instance_dir / "logs" / name
        if path.exists():
            out.extend(path.read_text(errors="replace").splitlines()[-lines:])
    return "\n".join(out)


def start(settings: Settings, timeout_s: float = 180.0) -> Status:
    """Start the instance unless it runs already; return when Bolt answers queries."""
    current = status(settings)
    if current.running:
        _wait_ready(settings, lambda: _pid(settings) is not None, timeout_s)
        return status(settings)
    if _port_open(settings.bolt_port):
        raise ConfigurationError(
            f"port {settings.bolt_port} is in use by another program; "
            "set CREDIT_GRAPH_NEO4J_BOLT_PORT or stop it"
        )
    fetch(settings)
    prepare(settings)
    argv = [
        java_executable(),
        f"-Xms{settings.neo4j_heap}",
        f"-Xmx{settings.neo4j_heap}",
        *JVM_OPTIONS,
        "-cp",
        _classpath(settings),
        "org.neo4j.server.CommunityEntryPoint",
        f"--home-dir={settings.instance_dir.resolve()}",
        f"--config-dir={(settings.instance_dir / 'conf').resolve()}",
    ]
    console = os.open(
        settings.instance_dir / "logs" / "console.log",
        os.O_WRONLY | os.O_CREAT | os.O_APPEND,
        0o644,
    )
    try:
        # A detached server in its own session: it outlives this command.
        pid = os.posix_spawn(
            argv[0],
            argv,
            _env(settings),
            setsid=True,
            file_actions=[
                (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, console, 1),
                (os.POSIX_SPAWN_DUP2, console, 2),
            ],
        )
    finally:
        os.close(console)
    (settings.instance_dir / "server.pid").write_text(f"{pid}\n")

    def alive() -> bool:
        try:
            return os.waitpid(pid, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return _pid(settings) is not None

    _wait_ready(settings, alive, timeout_s)
    return status(settings)


def _wait_ready(settings: Settings, alive: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not alive():
            raise ConfigurationError(
                f"Neo4j exited during start-up; last log lines:\n{_log_tail(settings)}"
            )
        if _port_open(settings.bolt_port) and _bolt_answers(settings):
            return
        time.sleep(0.5)
    raise ConfigurationError(
        f"Neo4j did not answer on {settings.bolt_uri} within {timeout_s:.0f}s:\n"
        f"{_log_tail(settings)}"
    )


def stop(settings: Settings, timeout_s: float = 60.0) -> Status:
    """Stop the instance cleanly (SIGTERM), forcefully after the timeout."""
    pid = _pid(settings)
    if pid is not None:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and _pid(settings) is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reap it when this process started it
            time.sleep(0.2)
        if _pid(settings) is not None:
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
    (settings.instance_dir / "server.pid").unlink(missing_ok=True)
    return status(settings)
