"""Prometheus metrics of one gateway process, served at ``/metrics`` in the text format.

What is counted on the request path (requests, latency, error codes, Cypher time,
rate-limit refusals) goes through label children bound once and kept in a dict, so a
request costs a few dict lookups. What already has a home elsewhere (the register
writer's queue and counters, the breaker) is read only when Prometheus scrapes.

Label values are bounded and never carry request data: the endpoint is a route of the
app (anything else is ``other``), the operation is the name an operation has in a
valid document (``(anonymous)`` without one, ``(none)`` when no valid document was
read), the error code a stable ``extensions.code``. Beyond ``MAX_OPERATIONS`` distinct
names, and for any name that could hold an identifier (a run of six digits: a USCC, an
ID number, a telephone number), the operation is ``(other)``.

Each process has its own registry: with ``--workers`` above one a scrape reaches one
worker; run one worker per container (or per port) and scrape each.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from gateway.base.errors import Forbidden
from gateway.responses import refusal

if TYPE_CHECKING:
    from gateway.base.breaker import Breaker
    from procedures.audit import AuditWriter

NONE = "(none)"
ANONYMOUS = "(anonymous)"
OTHER = "(other)"
MAX_OPERATIONS = 200
MAX_CODES = 64
_IDENTIFIER_LIKE = re.compile(r"\d{6}")
_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}")

# Seconds. A request spans a cached credit check (about a millisecond) to a batch of a
# thousand or an exploration (seconds); a Cypher query starts below a millisecond.
REQUEST_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
)
CYPHER_BUCKETS = (0.0005, *REQUEST_BUCKETS)

# A request that came through a proxy is not local, even from a loopback peer.
_FORWARDING = ("forwarded", "x-forwarded-for", "x-real-ip")


class Metrics:
    """The process's metrics; see the module docstring."""

    def __init__(
        self,
        *,
        audit: Callable[[], AuditWriter | None] = lambda: None,
        breaker: Callable[[], Breaker | None] = lambda: None,
        process: bool = True,
    ) -> None:
        # No ``_created`` series beside each counter and histogram: they doubled the text
        # and carry nothing a restart counter does not (a process-wide switch).
        disable_created_metrics()
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._requests = Counter(
            "credit_graph_http_requests",
            "HTTP requests answered",
            ["endpoint", "operation", "status"],
            registry=r,
        )
        self._latency = Histogram(
            "credit_graph_http_request_duration_seconds",
            "time from a request's arrival to its answer's last byte",
            ["endpoint", "operation"],
            buckets=REQUEST_BUCKETS,
            registry=r,
        )
        self._errors = Counter(
            "credit_graph_graphql_errors",
            "errors in answers, by extensions.code",
            ["endpoint", "code"],
            registry=r,
        )
        self._cypher = Histogram(
            "credit_graph_cypher_duration_seconds",
            "time of one Cypher query or transaction, by its op name",
            ["query"],
            buckets=CYPHER_BUCKETS,
            registry=r,
        )
        self._cypher_failed = Counter(
            "credit_graph_cypher_failures",
            "Cypher queries or transactions that raised",
            ["query"],
            registry=r,
        )
        self._refused = Counter(
            "credit_graph_rate_limited",
            "requests refused by the public portal's rate limit",
            ["endpoint"],
            registry=r,
        )
        r.register(_StateCollector(audit, breaker))
        if process:
            ProcessCollector(registry=r)
            PlatformCollector(registry=r)
            GCCollector(registry=r)
        self._operations: dict[str | None, str] = {None: NONE, "": ANONYMOUS}
        self._request_children: dict[tuple[str, str, int], Any] = {}
        self._latency_children: dict[tuple[str, str], Any] = {}
        self._error_children: dict[tuple[str, str], Any] = {}
        self._cypher_children: dict[str, tuple[Any, Any]] = {}

    def operation(self, name: str | None) -> str:
        """The label of an operation name (None: no document; "": an anonymous operation)."""
        label = self._operations.get(name)
        if label is None:
            assert name is not None
            if len(self._operations) >= MAX_OPERATIONS + 2 or _IDENTIFIER_LIKE.search(name):
                return OTHER
            label = self._operations[name] = name[:128]
        return label

    def request(self, endpoint: str, operation: str | None, status: int, seconds: float) -> None:
        label = self.operation(operation)
        key = (endpoint, label, status)
        counter = self._request_children.get(key)
        if counter is None:
            counter = self._request_children[key] = self._requests.labels(
                endpoint, label, str(status)
            )
        counter.inc()
        timing = self._latency_children.get((endpoint, label))
        if timing is None:
            timing = self._latency_children[(endpoint, label)] = self._latency.labels(
                endpoint, label
            )
        timing.observe(seconds)

    def errors(self, endpoint: str, codes: Iterable[str]) -> None:
        for code in codes:
            key = (endpoint, code)
            counter = self._error_children.get(key)
            if counter is None:
                known = len(self._error_children) < MAX_CODES and _CODE.fullmatch(code)
                counter = self._errors.labels(endpoint, code if known else "OTHER")
                if known:
                    self._error_children[key] = counter
            counter.inc()

    def cypher(self, op: str, seconds: float, failed: bool) -> None:
        children = self._cypher_children.get(op)
        if children is None:
            # op names are constants of the code (gateway/base/db.py), a bounded set
            children = self._cypher_children[op] = (
                self._cypher.labels(op),
                self._cypher_failed.labels(op),
            )
        children[0].observe(seconds)
        if failed:
            children[1].inc()

    def rate_limited(self, endpoint: str) -> None:
        self._refused.labels(endpoint).inc()

    def expose(self) -> bytes:
        return generate_latest(self.registry)


class _StateCollector(Collector):
    """The register writer and the breaker, read at scrape time."""

    def __init__(
        self, audit: Callable[[], AuditWriter | None], breaker: Callable[[], Breaker | None]
    ) -> None:
        self._audit = audit
        self._breaker = breaker

    def describe(self) -> Iterable[Metric]:
        return list(self._families(None, None))

    def collect(self) -> Iterable[Metric]:
        return list(self._families(self._audit(), self._breaker()))

    @staticmethod
    def _families(audit: AuditWriter | None, breaker: Breaker | None) -> Iterator[Metric]:
        queue = GaugeMetricFamily(
            "credit_graph_register_queue_depth", "query register events waiting to be written"
        )
        events = CounterMetricFamily(
            "credit_graph_register_events_written", "query register events written"
        )
        batches = CounterMetricFamily(
            "credit_graph_register_writes", "query register write statements that committed"
        )
        failures = CounterMetricFamily(
            "credit_graph_register_write_failures", "query register write statements that failed"
        )
        failing = GaugeMetricFamily(
            "credit_graph_register_failing", "1 while the register writer's last attempt failed"
        )
        if audit is not None:
            queue.add_metric([], audit.queue_depth)
            events.add_metric([], audit.events_written)
            batches.add_metric([], audit.batches_written)
            failures.add_metric([], audit.failures)
            failing.add_metric([], 1 if audit.failing else 0)
        is_open = GaugeMetricFamily(
            "credit_graph_neo4j_breaker_open",
            "1 while Neo4j is held unreachable and queries are refused",
        )
        opened = CounterMetricFamily("credit_graph_neo4j_breaker_opens", "times the breaker opened")
        if breaker is not None:
            is_open.add_metric([], 1 if breaker.is_open else 0)
            opened.add_metric([], breaker.opens)
        yield from (queue, events, batches, failures, failing, is_open, opened)


def is_local(request: Request, client_header: str | None) -> bool:
    """A loopback peer with no sign of a proxy in between: a proxy on the same host would
    otherwise make every outside caller look local."""
    host = request.client.host if request.client else ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
    headers = request.headers
    forwarded = any(h in headers for h in _FORWARDING) or bool(
        client_header and client_header in headers
    )
    return loopback and not forwarded


def endpoint(metrics: Metrics, access: str, client_header: str | None) -> Callable[[Request], Any]:
    """The /metrics endpoint: to loopback callers only (``local``) or to anyone (``open``)."""

    async def scrape(request: Request) -> Response:
        if access != "open" and not is_local(request, client_header):
            return refusal(Forbidden("metrics are served to local callers only"))
        return Response(metrics.expose(), media_type=CONTENT_TYPE_LATEST)

    return scrape
