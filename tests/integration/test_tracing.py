"""Traces through HTTP: a request is a server span, its GraphQL operation a child span, each
Cypher query a child of that, all in the caller's trace when it sent ``traceparent``.

The gateway gets a tracer provider of the test's own, exporting to memory.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from gateway.app import create_app
from gateway.base.db import Database
from gateway.base.settings import Settings
from tests.conftest import LiveServer, free_port
from tests.integration.audiences import bearer, sentinel_world

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_ID = "00f067aa0ba902b7"
REVIEW = "query Review($u: String!) { organization(uscc: $u) { name listEntries { facts } } }"


@pytest.fixture(scope="module")
def traced(settings: Settings, db: Database) -> Iterator[tuple[LiveServer, InMemorySpanExporter]]:
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    live = LiveServer(create_app(settings, tracer_provider=provider), free_port())
    live.start()
    yield live, exported
    live.stop()
    provider.shutdown()


def of_trace(exported: InMemorySpanExporter, trace_id: int) -> list[ReadableSpan]:
    return [s for s in exported.get_finished_spans() if s.context.trace_id == trace_id]


async def test_a_request_continues_the_callers_trace(
    traced: tuple[LiveServer, InMemorySpanExporter], settings: Settings, db: Database
) -> None:
    server, exported = traced
    world = await sentinel_world(db, "迹")
    headers = {**bearer(settings), "traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"}
    answer = httpx.post(
        f"{server.url}/graphql",
        json={"query": REVIEW, "variables": {"u": world["org"]}},
        headers=headers,
    )
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    spans = of_trace(exported, int(TRACE_ID, 16))
    by_name = {s.name: s for s in spans}
    server_span = by_name["POST /graphql"]
    operation = by_name["query Review"]
    cypher = by_name["organization"]  # the compiled query, named by its root field
    assert server_span.kind is SpanKind.SERVER
    assert server_span.parent is not None and server_span.parent.span_id == int(PARENT_ID, 16)
    assert server_span.parent.is_remote
    assert server_span.attributes is not None
    assert server_span.attributes["http.response.status_code"] == 200
    assert operation.parent is not None
    assert operation.parent.span_id == server_span.context.span_id
    assert operation.attributes == {
        "graphql.operation.type": "query",
        "graphql.operation.name": "Review",
    }
    assert cypher.kind is SpanKind.CLIENT
    assert cypher.parent is not None and cypher.parent.span_id == operation.context.span_id
    assert cypher.attributes is not None and cypher.attributes["db.system.name"] == "neo4j"
    # names and kinds only: no parameter, variable, token or purpose on any span
    token = headers["Authorization"].removeprefix("Bearer ")
    for span in spans:
        shown = f"{span.name} {dict(span.attributes or {})} {span.events}"
        for secret in (world["org"], token, headers["X-Credit-Purpose"], "SENTINEL"):
            assert secret not in shown
    assert answer.headers["x-request-id"]  # the request id is the log's, not the trace's


def test_without_traceparent_a_trace_starts_here(
    traced: tuple[LiveServer, InMemorySpanExporter], settings: Settings
) -> None:
    server, exported = traced
    exported.clear()
    answer = httpx.post(
        f"{server.url}/graphql",
        json={"query": '{ jurisdiction(code: "320800") { name } }'},
        headers=bearer(settings),
    )
    assert answer.status_code == 200
    [root] = [s for s in exported.get_finished_spans() if s.name == "POST /graphql"]
    assert root.parent is None
    spans = of_trace(exported, root.context.trace_id)
    assert sorted(s.name for s in spans) == ["POST /graphql", "jurisdiction", "query"]
    # The register is written in the background, in traces of its own (a batch serves
    # many requests): never inside a request's trace.
    assert all(s.name != "audit" or s.parent is None for s in exported.get_finished_spans())


def test_tracing_is_off_unless_configured(settings: Settings) -> None:
    assert settings.tracing is False  # the suite's environment names no exporter
    app = create_app(settings)
    assert app.state.graphql._tracer is None
