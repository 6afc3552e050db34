"""Settings: one frozen object, read from the environment in one place.

Neo4j is reached through ``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` /
``NEO4J_DATABASE`` when ``NEO4J_URI`` is set (Aura, a cluster with ``neo4j://``
routing, any server): then nothing is started locally. Otherwise the project
runs its own Neo4j instance under ``CREDIT_GRAPH_HOME`` (default ``./var``) and
reads the generated password from there.

Everything else is ``CREDIT_GRAPH_*``. Secrets never appear in ``repr``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gateway.base.errors import ConfigurationError

NEO4J_VERSION = "5.26.30"

# Default ports of the project's own instances, so that `make demo` and `make test`
# can run side by side and the tests never touch demo data.
INSTANCE_PORTS = {"demo": (7687, 7474), "test": (7688, 7475)}
# The schema a process serves at /graphql: the whole of it, or one subgraph of it
# (resolvers/federation.py) for a deployment behind a Federation router.
SUBGRAPHS = ("all", "credit", "policy")


def _bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"{name} must be true or false, not {value!r}")


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(f"CREDIT_GRAPH_TIMEZONE is not a time zone: {value!r}") from None
    return value


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be a date YYYY-MM-DD, not {value!r}") from None


def _int(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, not {value!r}") from None


def _seconds(value: str, name: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise ConfigurationError(f"{name} must be a positive number of seconds, not {value!r}")
    return seconds


# Who may read /metrics: loopback callers that came through no proxy, anyone, or nobody.
METRICS_ACCESS = ("local", "open", "off")
TRACES_EXPORTERS = {"otlp": "otlp", "console": "console", "none": "none"}


def _tracing(get: Callable[[str], str | None]) -> tuple[bool, str]:
    """Whether traces are exported, and how: ``CREDIT_GRAPH_TRACING`` (on, off, or auto:
    on when the standard OTEL_* variables name an exporter or an OTLP endpoint)."""
    mode = (get("CREDIT_GRAPH_TRACING") or "auto").strip().lower()
    if mode not in {"auto", "on", "off"}:
        raise ConfigurationError(f"CREDIT_GRAPH_TRACING must be auto, on or off, not {mode!r}")
    chosen = (get("OTEL_TRACES_EXPORTER") or "").strip().lower()
    if chosen and chosen not in TRACES_EXPORTERS:
        raise ConfigurationError(
            f"OTEL_TRACES_EXPORTER must be otlp, console or none here, not {chosen!r}"
        )
    protocol = (
        get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
        or get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "http/protobuf"
    ).strip()
    kind = (
        "console" if chosen == "console" else ("otlp-grpc" if protocol == "grpc" else "otlp-http")
    )
    if mode != "auto":
        return mode == "on", kind
    disabled = (get("OTEL_SDK_DISABLED") or "").strip().lower() == "true"
    configured = bool(
        chosen or get("OTEL_EXPORTER_OTLP_ENDPOINT") or get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )
    return configured and not disabled and chosen != "none", kind


_OFFSETS: dict[tuple[dt.date, str], dt.timedelta] = {}


def _pinned_offset(day: dt.date, timezone: str, real: dt.datetime) -> dt.timedelta:
    """Whole days from the local date of the first reading in this process to ``day``."""
    key = (day, timezone)
    offset = _OFFSETS.get(key)
    if offset is None:
        offset = _OFFSETS[key] = day - real.astimezone(ZoneInfo(timezone)).date()
    return offset


@dataclass(frozen=True, slots=True)
class Settings:
    # Neo4j
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = field(default=None, repr=False)
    neo4j_database: str = "neo4j"
    neo4j_read_routing: bool = True
    neo4j_query_timeout_s: float = 30.0
    neo4j_pool_size: int = 100
    # how soon an unreachable Neo4j is noticed (gateway/base/breaker.py)
    neo4j_connect_timeout_s: float = 2.0
    neo4j_acquire_timeout_s: float = 2.0
    neo4j_retry_time_s: float = 10.0
    neo4j_probe_interval_s: float = 1.0
    # the project's own local instance (used only when neo4j_uri is None)
    home: Path = Path("var")
    instance: str = "demo"
    neo4j_version: str = NEO4J_VERSION
    bolt_port: int = 7687
    http_port: int = 7474
    neo4j_heap: str = "1g"
    neo4j_pagecache: str = "1g"
    # transaction logs kept for incremental backups, capped in size: the query register
    # writes on every non-public read, and a busy instance would otherwise fill its disk
    neo4j_tx_log_retention: str = "2 days 2G"
    # the one clock: the day is read in this time zone (a credit decision's "today" is the
    # date in China whatever the server's zone); ``today`` pins it (tests, demos)
    timezone: str = "Asia/Shanghai"
    today: dt.date | None = None
    # the gateway
    host: str = "127.0.0.1"
    port: int = 8000
    environment: str = "development"
    graphiql: bool = True
    introspection: bool = True
    max_batch: int = 1000
    document_cache_size: int = 512
    # /graphql runs only the documents registered in graph_schema/documents (gateway/persisted.py)
    trusted_documents_only: bool = False
    # what one request to /graphql may hold (gateway/limits.py)
    max_request_bytes: int = 1 << 20
    max_tokens: int = 15_000
    max_depth: int = 16
    max_fields: int = 2_000
    # what /graphql serves: the whole schema, or one Federation subgraph behind a router
    subgraph: str = "all"
    # tokens (government audience)
    jwt_secret: str | None = field(default=None, repr=False)
    jwt_algorithms: tuple[str, ...] = ("HS256",)
    jwt_audience: str = "credit-graph"
    jwt_issuer: str | None = None
    jwt_jwks_url: str | None = None
    jwt_public_key_file: Path | None = None
    jwt_leeway_s: int = 30
    # the query register (个人诚信 opinion 四(一))
    audit_write: str = "background"  # or "request": written before the response, fail closed
    audit_flush_ms: int = 250
    # investigators' explorations: time budget inside Neo4j, rows a complete scan may collect
    investigate_timeout_s: float = 5.0
    investigate_max_scan: int = 20_000
    # public audience limits
    public_max_depth: int = 8
    public_max_page: int = 50
    public_max_cost: int = 500
    public_max_request_bytes: int = 16_384
    public_max_tokens: int = 1_000
    public_max_fields: int = 500
    public_rate_per_minute: int = 120
    public_introspection: bool = True
    public_client_header: str | None = None  # e.g. x-forwarded-for, set behind a proxy only
    # what operators see (gateway/metrics.py, gateway/access_log.py, gateway/tracing.py)
    metrics: str = "local"
    access_log: bool = True
    tracing: bool = False
    tracing_exporter: str = "otlp-http"  # or otlp-grpc, console
    service_name: str = "credit-graph"

    @property
    def local_neo4j(self) -> bool:
        """True when the project manages its own Neo4j server."""
        return self.neo4j_uri is None

    @property
    def instance_dir(self) -> Path:
        return self.home / "neo4j" / self.instance

    @property
    def bolt_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.bolt_port}"

    def password(self) -> str:
        """The Neo4j password: given, or generated for the local instance."""
        if self.neo4j_password is not None:
            return self.neo4j_password
        if self.neo4j_uri is not None:
            raise ConfigurationError("NEO4J_PASSWORD is required when NEO4J_URI is set")
        path = self.instance_dir / "password"
        try:
            return path.read_text().strip()
        except FileNotFoundError:
            raise ConfigurationError(
                f"no password at {path}: start the local Neo4j first (credit-graph neo4j start)"
            ) from None

    def now(self) -> dt.datetime:
        """The application's clock (UTC): the system's or, on a pinned day, the system's
        moved by whole days so that it reads the pinned day when first asked. It runs on
        from there and never jumps back, so what happens in a run stays in order (a run
        that passes local midnight sees the day after the pinned one in ``now``)."""
        real = dt.datetime.now(dt.UTC)
        if self.today is None:
            return real
        return real + _pinned_offset(self.today, self.timezone, real)

    def today_(self) -> dt.date:
        """The date in ``timezone``: what "today" means for every rule."""
        if self.today is not None:
            return self.today
        return dt.datetime.now(ZoneInfo(self.timezone)).date()

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        get = env.get
        instance = get("CREDIT_GRAPH_INSTANCE", "demo")
        bolt_default, http_default = INSTANCE_PORTS.get(instance, (7687, 7474))
        jwks_url = get("CREDIT_GRAPH_JWT_JWKS_URL") or None
        public_key = get("CREDIT_GRAPH_JWT_PUBLIC_KEY_FILE") or None
        # A deployment with an identity provider's keys verifies RS256 unless told otherwise.
        default_algorithms = "RS256" if jwks_url or public_key else "HS256"
        algorithms = tuple(
            a.strip()
            for a in get("CREDIT_GRAPH_JWT_ALGORITHMS", default_algorithms).split(",")
            if a.strip()
        )
        audit_write = get("CREDIT_GRAPH_AUDIT_WRITE", "background")
        if audit_write not in {"request", "background"}:
            raise ConfigurationError(
                f"CREDIT_GRAPH_AUDIT_WRITE must be request or background, not {audit_write!r}"
            )
        subgraph = get("CREDIT_GRAPH_SUBGRAPH", "all")
        if subgraph not in SUBGRAPHS:
            raise ConfigurationError(
                f"CREDIT_GRAPH_SUBGRAPH must be one of {', '.join(SUBGRAPHS)}, not {subgraph!r}"
            )
        metrics = get("CREDIT_GRAPH_METRICS", "local")
        if metrics not in METRICS_ACCESS:
            raise ConfigurationError(
                f"CREDIT_GRAPH_METRICS must be one of {', '.join(METRICS_ACCESS)}, not {metrics!r}"
            )
        tracing, tracing_exporter = _tracing(get)
        return cls(
            neo4j_uri=get("NEO4J_URI") or None,
            neo4j_user=get("NEO4J_USER", "neo4j"),
            neo4j_password=get("NEO4J_PASSWORD") or None,
            neo4j_database=get("NEO4J_DATABASE", "neo4j"),
            neo4j_read_routing=_bool(get("NEO4J_READ_ROUTING", "true"), "NEO4J_READ_ROUTING"),
            neo4j_query_timeout_s=float(get("CREDIT_GRAPH_QUERY_TIMEOUT_S", "30")),
            neo4j_pool_size=_int(get("NEO4J_POOL_SIZE", "100"), "NEO4J_POOL_SIZE"),
            neo4j_connect_timeout_s=_seconds(
                get("NEO4J_CONNECT_TIMEOUT_S", "2"), "NEO4J_CONNECT_TIMEOUT_S"
            ),
            neo4j_acquire_timeout_s=_seconds(
                get("NEO4J_ACQUIRE_TIMEOUT_S", "2"), "NEO4J_ACQUIRE_TIMEOUT_S"
            ),
            neo4j_retry_time_s=_seconds(get("NEO4J_RETRY_TIME_S", "10"), "NEO4J_RETRY_TIME_S"),
            neo4j_probe_interval_s=_seconds(
                get("CREDIT_GRAPH_NEO4J_PROBE_S", "1"), "CREDIT_GRAPH_NEO4J_PROBE_S"
            ),
            home=Path(get("CREDIT_GRAPH_HOME", "var")),
            instance=instance,
            neo4j_version=get("CREDIT_GRAPH_NEO4J_VERSION", NEO4J_VERSION),
            bolt_port=_int(
                get("CREDIT_GRAPH_NEO4J_BOLT_PORT", str(bolt_default)),
                "CREDIT_GRAPH_NEO4J_BOLT_PORT",
            ),
            http_port=_int(
                get("CREDIT_GRAPH_NEO4J_HTTP_PORT", str(http_default)),
                "CREDIT_GRAPH_NEO4J_HTTP_PORT",
            ),
            neo4j_heap=get("CREDIT_GRAPH_NEO4J_HEAP", "1g"),
            neo4j_pagecache=get("CREDIT_GRAPH_NEO4J_PAGECACHE", "1g"),
            neo4j_tx_log_retention=get("CREDIT_GRAPH_NEO4J_TX_LOG_RETENTION", "2 days 2G"),
            timezone=_zone(get("CREDIT_GRAPH_TIMEZONE", "Asia/Shanghai")),
            today=_date(get("CREDIT_GRAPH_TODAY") or None, "CREDIT_GRAPH_TODAY"),
            host=get("CREDIT_GRAPH_HOST", "127.0.0.1"),
            port=_int(get("CREDIT_GRAPH_PORT", "8000"), "CREDIT_GRAPH_PORT"),
            environment=get("CREDIT_GRAPH_ENV", "development"),
            graphiql=_bool(get("CREDIT_GRAPH_GRAPHIQL", "true"), "CREDIT_GRAPH_GRAPHIQL"),
            introspection=_bool(
                get("CREDIT_GRAPH_INTROSPECTION", "true"), "CREDIT_GRAPH_INTROSPECTION"
            ),
            max_batch=_int(get("CREDIT_GRAPH_MAX_BATCH", "1000"), "CREDIT_GRAPH_MAX_BATCH"),
            trusted_documents_only=_bool(
                get("CREDIT_GRAPH_TRUSTED_DOCUMENTS_ONLY", "false"),
                "CREDIT_GRAPH_TRUSTED_DOCUMENTS_ONLY",
            ),
            subgraph=subgraph,
            max_request_bytes=_int(
                get("CREDIT_GRAPH_MAX_REQUEST_BYTES", str(1 << 20)),
                "CREDIT_GRAPH_MAX_REQUEST_BYTES",
            ),
            max_tokens=_int(get("CREDIT_GRAPH_MAX_TOKENS", "15000"), "CREDIT_GRAPH_MAX_TOKENS"),
            max_depth=_int(get("CREDIT_GRAPH_MAX_DEPTH", "16"), "CREDIT_GRAPH_MAX_DEPTH"),
            max_fields=_int(get("CREDIT_GRAPH_MAX_FIELDS", "2000"), "CREDIT_GRAPH_MAX_FIELDS"),
            jwt_secret=get("CREDIT_GRAPH_JWT_SECRET") or None,
            jwt_algorithms=algorithms,
            jwt_audience=get("CREDIT_GRAPH_JWT_AUDIENCE", "credit-graph"),
            jwt_issuer=get("CREDIT_GRAPH_JWT_ISSUER") or None,
            jwt_jwks_url=jwks_url,
            jwt_public_key_file=Path(public_key) if public_key else None,
            jwt_leeway_s=_int(get("CREDIT_GRAPH_JWT_LEEWAY_S", "30"), "CREDIT_GRAPH_JWT_LEEWAY_S"),
            audit_write=audit_write,
            audit_flush_ms=_int(
                get("CREDIT_GRAPH_AUDIT_FLUSH_MS", "250"), "CREDIT_GRAPH_AUDIT_FLUSH_MS"
            ),
            investigate_timeout_s=float(get("CREDIT_GRAPH_INVESTIGATE_TIMEOUT_S", "5")),
            investigate_max_scan=_int(
                get("CREDIT_GRAPH_INVESTIGATE_MAX_SCAN", "20000"),
                "CREDIT_GRAPH_INVESTIGATE_MAX_SCAN",
            ),
            public_max_depth=_int(
                get("CREDIT_GRAPH_PUBLIC_MAX_DEPTH", "8"), "CREDIT_GRAPH_PUBLIC_MAX_DEPTH"
            ),
            public_max_page=_int(
                get("CREDIT_GRAPH_PUBLIC_MAX_PAGE", "50"), "CREDIT_GRAPH_PUBLIC_MAX_PAGE"
            ),
            public_max_cost=_int(
                get("CREDIT_GRAPH_PUBLIC_MAX_COST", "500"), "CREDIT_GRAPH_PUBLIC_MAX_COST"
            ),
            public_max_request_bytes=_int(
                get("CREDIT_GRAPH_PUBLIC_MAX_REQUEST_BYTES", "16384"),
                "CREDIT_GRAPH_PUBLIC_MAX_REQUEST_BYTES",
            ),
            public_max_tokens=_int(
                get("CREDIT_GRAPH_PUBLIC_MAX_TOKENS", "1000"), "CREDIT_GRAPH_PUBLIC_MAX_TOKENS"
            ),
            public_max_fields=_int(
                get("CREDIT_GRAPH_PUBLIC_MAX_FIELDS", "500"), "CREDIT_GRAPH_PUBLIC_MAX_FIELDS"
            ),
            public_rate_per_minute=_int(
                get("CREDIT_GRAPH_PUBLIC_RATE_PER_MINUTE", "120"),
                "CREDIT_GRAPH_PUBLIC_RATE_PER_MINUTE",
            ),
            public_introspection=_bool(
                get("CREDIT_GRAPH_PUBLIC_INTROSPECTION", "true"),
                "CREDIT_GRAPH_PUBLIC_INTROSPECTION",
            ),
            public_client_header=(get("CREDIT_GRAPH_PUBLIC_CLIENT_HEADER") or "").lower() or None,
            metrics=metrics,
            access_log=_bool(get("CREDIT_GRAPH_ACCESS_LOG", "true"), "CREDIT_GRAPH_ACCESS_LOG"),
            tracing=tracing,
            tracing_exporter=tracing_exporter,
            service_name=get("OTEL_SERVICE_NAME")
            or ("credit-graph" if subgraph == "all" else f"credit-graph-{subgraph}"),
        )
