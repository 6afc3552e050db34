"""One trace from the caller through Hive Gateway and the credit subgraph to Neo4j.

Hive Gateway (deploy/federation/tracing.mjs) and the subgraphs (gateway/tracing.py) both
export over OTLP/HTTP to a collector of the test's own, turned on by nothing but the
standard ``OTEL_EXPORTER_OTLP_ENDPOINT``; the router forwards ``traceparent``, the
subgraph continues it.
"""

from __future__ import annotations

import secrets
import time
import urllib.parse
from collections.abc import Iterator

import httpx
import pytest

from gateway.base.settings import Settings
from gateway.ops import router
from tests.conftest import free_port
from tests.federation.collector import CLIENT, SERVER, CollectedSpan, Collector
from tests.federation.conftest import subgraph_env
from tests.federation.test_router import JOINED
from tests.integration.audiences import bearer

ROUTER, CREDIT = "credit-graph-router", "credit-graph-credit"


class Traced:
    def __init__(self, url: str, credit_url: str, collector: Collector) -> None:
        self.url = url
        self.credit_url = credit_url
        self.collector = collector


@pytest.fixture(scope="module")
def traced(
    settings: Settings, applicants: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Traced]:
    assert router.HIVE_GATEWAY.exists(), "run `make federation-deps` first"
    collector = Collector(free_port())
    collector.start()
    # batches leave every 100 ms instead of 5 s, so the test waits less
    otel = {"OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    work = tmp_path_factory.mktemp("traced")
    env = {**subgraph_env(settings, applicants, work), **otel}
    credit_port = free_port()
    apps = {
        "credit": ("gateway.asgi:app", credit_port),
        "approval": ("tests.federation.approval:app", free_port()),
    }
    try:
        processes, url = router.serve_composed(
            apps, work, env, bearer(settings), free_port(), router_env=otel
        )
    except BaseException:
        collector.stop()
        raise
    try:
        yield Traced(url, f"http://127.0.0.1:{credit_port}/graphql", collector)
    finally:
        router.stop(processes)
        collector.stop()


def _ancestors(span: CollectedSpan, by_id: dict[str, CollectedSpan]) -> list[CollectedSpan]:
    chain = []
    while span.parent_id in by_id:
        span = by_id[span.parent_id]
        chain.append(span)
    return chain


def _trace(traced: Traced, trace_id: str) -> list[CollectedSpan]:
    """The trace's spans once the router's request span and, for each of its calls to the
    credit subgraph, that subgraph's request span have come (spans leave in batches)."""
    deadline = time.monotonic() + 60
    while True:
        spans = [s for s in traced.collector.collected() if s.trace_id == trace_id]
        fetches = {
            s.span_id
            for s in spans
            if s.service == ROUTER
            and s.kind == CLIENT
            and s.attributes.get("http.url") == traced.credit_url
        }
        served = {s.parent_id for s in spans if s.service == CREDIT and s.kind == SERVER}
        if (
            fetches
            and fetches <= served
            and any(s.service == ROUTER and s.kind == SERVER for s in spans)
        ):
            return spans
        assert time.monotonic() < deadline, f"the trace did not arrive: {spans}"
        time.sleep(0.2)


def test_a_joined_query_is_one_trace_from_the_router_to_neo4j(
    traced: Traced, settings: Settings
) -> None:
    trace_id, caller = secrets.token_hex(16), secrets.token_hex(8)
    headers = {**bearer(settings, roles=["approval"]), "traceparent": f"00-{trace_id}-{caller}-01"}
    answer = httpx.post(traced.url, json={"query": JOINED}, headers=headers, timeout=60)
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    decisions = {
        a["id"]: a["applicant"]["creditCheck"]["decision"]
        for a in answer.json()["data"]["applications"]
    }
    assert decisions == {"APP-1": "BLOCK", "APP-2": "CLEAR", "APP-3": "GREEN_CHANNEL"}

    spans = _trace(traced, trace_id)
    by_id = {s.span_id: s for s in spans}
    [entry] = [s for s in spans if s.service == ROUTER and s.kind == SERVER]
    assert entry.name == "POST /graphql" and entry.parent_id == caller  # the caller's trace
    subgraph_requests = [s for s in spans if s.service == CREDIT and s.kind == SERVER]
    assert subgraph_requests
    for request in subgraph_requests:
        # the subgraph's request span is the child of the router's fetch from it, which
        # runs under the router's request span
        fetch = by_id[request.parent_id]
        assert (fetch.service, fetch.kind, fetch.name) == (ROUTER, CLIENT, "http.fetch")
        assert fetch.attributes["http.url"] == traced.credit_url
        assert entry in _ancestors(fetch, by_id)
        assert request.name == "POST /graphql"
    cypher = [s for s in spans if s.attributes.get("db.system.name") == "neo4j"]
    assert cypher, [s.name for s in spans]
    for query in cypher:
        # Cypher → the subgraph's GraphQL operation → its request span → the router
        operation = by_id[query.parent_id]
        assert (query.service, query.kind, operation.service) == (CREDIT, CLIENT, CREDIT)
        assert by_id[operation.parent_id] in subgraph_requests
        assert entry in _ancestors(query, by_id)
    assert {s.trace_id for s in spans} == {trace_id}


def test_router_spans_carry_no_caller_values(
    traced: Traced, settings: Settings, applicants: dict[str, str]
) -> None:
    """The GraphQL document and the URL's query string (a GET query) stay out of the
    router's spans, as the subgraphs keep variables out of theirs."""
    trace_id = secrets.token_hex(16)
    uscc = applicants["red"]
    query = f'{{ organization(uscc: "{uscc}") {{ name }} }}'
    answer = httpx.get(
        f"{traced.url}?query={urllib.parse.quote(query)}",
        timeout=60,
        headers={**bearer(settings), "traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
    )
    assert answer.status_code == 200 and answer.json()["data"]["organization"]["name"], answer.text
    spans = _trace(traced, trace_id)
    router_spans = [s for s in spans if s.service == ROUTER]
    assert any(s.attributes.get("http.url") == traced.url for s in router_spans)
    for span in spans:
        assert "graphql.document" not in span.attributes, span
        assert uscc not in str(span.attributes), span
