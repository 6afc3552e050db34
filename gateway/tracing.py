"""OpenTelemetry traces: a span per HTTP request, per GraphQL operation, per Cypher query.

Off unless configured (``CREDIT_GRAPH_TRACING``, or the standard ``OTEL_*`` variables:
see gateway/base/settings.py). When on, spans go to an OTLP collector over HTTP or gRPC (the
exporter reads ``OTEL_EXPORTER_OTLP_*`` itself) in batches, off the request path. A
request carrying a W3C ``traceparent`` (a Federation router, an approval system) is
continued: its spans join the caller's trace.

Spans carry names and kinds, never values: an operation span is named by the
operation's type and name, a Cypher span by the query's ``op`` name (gateway/base/db.py),
with no query parameters, variables, tokens or purposes as attributes.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from opentelemetry.context import Context as TraceContext
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from opentelemetry.trace import Span, SpanKind, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from gateway.base.settings import Settings

TRACER_NAME = "credit_graph"
_PROPAGATOR = TraceContextTextMapPropagator()
_TRACE_HEADERS = {b"traceparent": "traceparent", b"tracestate": "tracestate"}
_NO_SPAN: AbstractContextManager[None] = nullcontext()


def exporter(kind: str) -> SpanExporter:
    if kind == "console":
        return ConsoleSpanExporter()
    if kind == "otlp-grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[assignment]
            OTLPSpanExporter,
        )
    return OTLPSpanExporter()


def provider(settings: Settings) -> TracerProvider | None:
    """The process's tracer provider when tracing is on, else None (and no cost at all)."""
    if not settings.tracing:
        return None
    traces = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
    traces.add_span_processor(BatchSpanProcessor(exporter(settings.tracing_exporter)))
    return traces


def incoming(headers: Iterable[tuple[bytes, bytes]]) -> TraceContext | None:
    """The caller's trace context from ASGI headers, when it sent ``traceparent``."""
    carrier: dict[str, str] = {}
    for name, value in headers:
        key = _TRACE_HEADERS.get(name)
        if key is not None:
            carrier[key] = value.decode("latin-1")
    return _PROPAGATOR.extract(carrier) if carrier else None


def server_span(
    tracer: Tracer, method: str, route: str, context: TraceContext | None
) -> AbstractContextManager[Span]:
    return tracer.start_as_current_span(
        f"{method} {route}",
        context=context,
        kind=SpanKind.SERVER,
        attributes={"http.request.method": method, "http.route": route},
    )


def operation_span(
    tracer: Tracer | None, operation_type: str | None, name: str | None
) -> AbstractContextManager[Any]:
    """The span of one GraphQL operation (none when tracing is off)."""
    if tracer is None:
        return _NO_SPAN
    kind = operation_type or "operation"
    attributes = {"graphql.operation.type": kind}
    if name:
        attributes["graphql.operation.name"] = name[:128]
    return tracer.start_as_current_span(
        f"{kind} {name[:128]}" if name else kind, attributes=attributes
    )


def query_span(tracer: Tracer, op: str, database: str) -> AbstractContextManager[Span]:
    """The span of one Cypher query or transaction, named by its op."""
    return tracer.start_as_current_span(
        op,
        kind=SpanKind.CLIENT,
        attributes={"db.system.name": "neo4j", "db.namespace": database, "db.operation.name": op},
    )
