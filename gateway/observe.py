"""What one request and one Cypher query leave for operators: metrics, a log line, spans.

``Observe`` is the outermost ASGI middleware of the app: it gives each request its
request id (gateway/access_log.py), times it, opens its server span when tracing is on
(gateway/tracing.py), and when the answer has gone, counts it (gateway/metrics.py) and
logs it. What only the GraphQL endpoint knows it notes on the request's ``RequestInfo``
(gateway/request_info.py); ``Telemetry.query`` times each Cypher query ``Database`` runs
and opens its span.
"""

from __future__ import annotations

import gc
from collections.abc import Collection, Sequence
from time import perf_counter
from types import TracebackType
from typing import Any

from opentelemetry.trace import Span, Tracer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway import access_log, tracing
from gateway.metrics import Metrics
from gateway.request_info import CURRENT, RequestInfo


class Telemetry:
    """Metrics and spans for the Cypher a ``Database`` runs (either may be off)."""

    __slots__ = ("metrics", "tracer")

    def __init__(self, metrics: Metrics | None, tracer: Tracer | None) -> None:
        self.metrics = metrics
        self.tracer = tracer

    def query(self, op: str, database: str) -> _Query:
        return _Query(self, op, database)


class _Query:
    __slots__ = ("_telemetry", "_op", "_database", "_start", "_span")

    def __init__(self, telemetry: Telemetry, op: str, database: str) -> None:
        self._telemetry = telemetry
        self._op = op
        self._database = database
        self._span: Any = None

    def __enter__(self) -> None:
        tracer = self._telemetry.tracer
        if tracer is not None:
            self._span = tracing.query_span(tracer, self._op, self._database)
            self._span.__enter__()
        self._start = perf_counter()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        seconds = perf_counter() - self._start
        metrics = self._telemetry.metrics
        if metrics is not None:
            metrics.cypher(self._op, seconds, kind is not None)
        if self._span is not None:
            self._span.__exit__(kind, exc, tb)


class Observe:
    """The ASGI middleware; see the module docstring. ``routes`` are the app's paths and
    ``mounts`` its path prefixes: the endpoint label of any other path is ``other``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        metrics: Metrics | None,
        tracer: Tracer | None,
        log: bool,
        routes: Collection[str],
        mounts: Sequence[str] = (),
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.tracer = tracer
        self.log = log
        self._routes = frozenset(routes)
        self._mounts = tuple(mounts)

    def endpoint(self, path: str) -> str:
        if path in self._routes:
            return path
        for mount in self._mounts:
            if path.startswith(mount + "/"):
                return mount
        return "other"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = perf_counter()
        headers = scope["headers"]
        info = RequestInfo(access_log.request_id(headers))
        id_header = (access_log.REQUEST_ID_HEADER, info.request_id.encode())

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                info.status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            await send(message)

        endpoint = self.endpoint(scope["path"])
        token = CURRENT.set(info)
        try:
            if self.tracer is None:
                await self.app(scope, receive, answer)
            else:
                with tracing.server_span(
                    self.tracer, scope["method"], endpoint, tracing.incoming(headers)
                ) as span:
                    info.trace_id = _trace_id(span)
                    await self.app(scope, receive, answer)
                    span.set_attribute("http.response.status_code", info.status)
        finally:
            CURRENT.reset(token)
            seconds = perf_counter() - start
            if self.metrics is not None:
                self.metrics.request(endpoint, info.operation, info.status, seconds)
                if info.codes:
                    self.metrics.errors(endpoint, info.codes)
            if self.log:
                access_log.write(
                    method=scope["method"],
                    path=scope["path"][:512],
                    status=info.status,
                    seconds=seconds,
                    operation=info.operation or None,
                    request=info.request_id,
                    codes=info.codes,
                    trace_id=info.trace_id,
                )
            collect_young_garbage()


# A request leaves some hundred objects in reference cycles (the driver's session and
# result, graphql-core's executor, the ASGI cycle). Collected when a request has been
# answered, they are unreachable already and nothing of a finished request survives into
# an older generation; left to the collector's own threshold (700), a collection falls in
# the middle of the next request, holds it up and promotes that request's live objects,
# which older-generation collections then walk again. At concurrency 1 the worked query's
# p99 fell from 1.5-2.2 to 1.1-1.35 ms this way (bench/read_path.py), throughput at 16
# unchanged.
YOUNG_GARBAGE = 300


def collect_young_garbage() -> None:
    """Collect the young generation if it holds more than ``YOUNG_GARBAGE`` objects, unless
    the collector is off (a bulk request pauses it, gateway/graphql_http.py; a host may
    disable it)."""
    if gc.get_count()[0] > YOUNG_GARBAGE and gc.isenabled():
        gc.collect(0)


def _trace_id(span: Span) -> str | None:
    context = span.get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
