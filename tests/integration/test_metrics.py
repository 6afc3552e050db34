"""``/metrics`` through HTTP: the counters move by what the requests did, and the text parses.

A gateway of the module's own (so that no other test's requests move its counters), with a
public rate limit of three a minute. Each test scrapes before and after its requests and
compares the two.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gateway.app import create_app
from gateway.base.db import Database
from gateway.base.settings import Settings
from tests.conftest import LiveServer, free_port
from tests.integration.audiences import DEPT, bearer, sentinel_world

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]

JURISDICTION = 'query Jurisdiction { jurisdiction(code: "320800") { name } }'
REVIEW = """query Review($u: String!) { organization(uscc: $u) {
  name listEntries { facts } legalRepresentative { idNumber } } }"""


@pytest.fixture(scope="module")
def server(settings: Settings, db: Database) -> Iterator[LiveServer]:
    live = LiveServer(create_app(settings.with_(public_rate_per_minute=3)), free_port())
    live.start()
    yield live
    live.stop()


def scrape(server: LiveServer, **headers: str) -> Samples:
    response = httpx.get(f"{server.url}/metrics", headers=headers, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


class Moved:
    """How far each sample moved between two scrapes."""

    def __init__(self, before: Samples, after: Samples) -> None:
        self.before, self.after = before, after

    def __call__(self, name: str, **labels: str) -> float:
        name = f"credit_graph_{name}"
        return value(self.after, name, **labels) - value(self.before, name, **labels)


def post(
    server: LiveServer,
    settings: Settings,
    query: str,
    variables: dict[str, Any] | None = None,
    path: str = "/graphql",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return httpx.post(
        f"{server.url}{path}",
        json={"query": query, "variables": variables or {}},
        headers=bearer(settings) if headers is None else headers,
        timeout=60,
    )


def test_requests_latency_and_cypher_by_operation(server: LiveServer, settings: Settings) -> None:
    before = scrape(server)
    queries = server.queries
    for _ in range(2):
        assert post(server, settings, JURISDICTION).status_code == 200
    assert post(server, settings, '{ jurisdiction(code: "320800") { level } }').status_code == 200
    after = scrape(server)
    moved = Moved(before, after)
    used = server.queries - queries

    graphql = {"endpoint": "/graphql"}
    assert moved("http_requests_total", **graphql, operation="Jurisdiction", status="200") == 2
    assert moved("http_requests_total", **graphql, operation="(anonymous)", status="200") == 1
    assert moved("http_request_duration_seconds_count", **graphql, operation="Jurisdiction") == 2
    buckets = "http_request_duration_seconds_bucket"
    assert moved(buckets, **graphql, operation="Jurisdiction", le="+Inf") == 2
    assert moved("http_request_duration_seconds_sum", **graphql, operation="Jurisdiction") > 0
    # One compiled query per request, named after its root field; every Cypher query the
    # app counted is in the histogram (the register's writes go through their own view).
    assert moved("cypher_duration_seconds_count", query="jurisdiction") == 3 == used
    assert moved("cypher_failures_total", query="jurisdiction") == 0
    # the scrape itself is a request like any other
    assert moved("http_requests_total", endpoint="/metrics", operation="(none)", status="200") == 1


def test_errors_by_code_and_operation_labels_stay_bounded(
    server: LiveServer, settings: Settings
) -> None:
    before = scrape(server)
    assert post(server, settings, "{ jurisdiction(").status_code == 400
    assert post(server, settings, "query Broken { noSuchField }").status_code == 200
    no_token = post(server, settings, JURISDICTION, headers={})
    assert no_token.status_code == 401
    # An operation name that could hold an identifier is never a label value.
    named = 'query Q320402198405170011 { jurisdiction(code: "320800") { name } }'
    assert post(server, settings, named).status_code == 200
    assert httpx.get(f"{server.url}/no/such/path/320402198405170011").status_code == 404
    after = scrape(server)
    moved = Moved(before, after)

    errors = "graphql_errors_total"
    assert moved(errors, endpoint="/graphql", code="GRAPHQL_PARSE_FAILED") == 1
    assert moved(errors, endpoint="/graphql", code="GRAPHQL_VALIDATION_FAILED") == 1
    assert moved(errors, endpoint="/graphql", code="UNAUTHENTICATED") == 1
    requests = "http_requests_total"
    # refused before a valid document was read: no operation name, whatever the body says
    assert moved(requests, endpoint="/graphql", operation="(none)", status="400") == 1
    assert moved(requests, endpoint="/graphql", operation="(none)", status="401") == 1
    assert moved(requests, endpoint="/graphql", operation="(none)", status="200") == 1
    assert (
        "credit_graph_http_requests_total",
        (("endpoint", "/graphql"), ("operation", "Broken"), ("status", "200")),
    ) not in after
    assert moved(requests, endpoint="/graphql", operation="(other)", status="200") == 1
    assert moved(requests, endpoint="other", operation="(none)", status="404") == 1
    text = httpx.get(f"{server.url}/metrics").text
    assert "320402198405170011" not in text and "/no/such/path" not in text


def test_rate_limit_refusals(server: LiveServer, settings: Settings) -> None:
    before = scrape(server)
    public = '{ jurisdiction(code: "320800") { name } }'
    statuses = [
        post(server, settings, public, path="/public/graphql", headers={}).status_code
        for _ in range(5)
    ]
    after = scrape(server)
    moved = Moved(before, after)
    assert statuses == [200, 200, 200, 429, 429]  # a bucket of three, refilled 1 in 20 s
    refused = 2
    assert moved("rate_limited_total", endpoint="/public/graphql") == refused
    assert moved("graphql_errors_total", endpoint="/public/graphql", code="RATE_LIMITED") == refused
    portal = {"endpoint": "/public/graphql"}
    assert moved("http_requests_total", **portal, operation="(none)", status="429") == refused


async def test_register_writer_and_breaker_and_no_restricted_data(
    server: LiveServer, settings: Settings, db: Database
) -> None:
    world = await sentinel_world(db, "度")
    before = scrape(server)
    purpose = "度量-核查-7731"
    headers = bearer(settings, purpose=purpose)
    answer = post(server, settings, REVIEW, {"u": world["org"]}, headers=headers)
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    deadline = time.monotonic() + 30  # the register is written in the background
    after = scrape(server)
    while Moved(before, after)("register_events_written_total") < 2:
        assert time.monotonic() < deadline, "the register was not written"
        time.sleep(0.05)
        after = scrape(server)
    moved = Moved(before, after)
    # one request about the organisation and its legal representative: two events, one write
    assert moved("register_events_written_total") == 2
    assert moved("register_writes_total") == 1
    assert moved("register_write_failures_total") == 0
    assert value(after, "credit_graph_register_queue_depth") == 0
    assert value(after, "credit_graph_register_failing") == 0
    assert moved("cypher_duration_seconds_count", query="audit") == 1
    assert value(after, "credit_graph_neo4j_breaker_open") == 0
    assert ("credit_graph_neo4j_breaker_opens_total", ()) in after

    text = httpx.get(f"{server.url}/metrics").text
    token = headers["Authorization"].removeprefix("Bearer ")
    for secret in (
        world["org"],
        world["rep"],
        token,
        purpose,
        urllib.parse.quote(purpose),
        DEPT,
        "SENTINEL",
    ):
        assert secret not in text


def test_only_local_callers_without_a_proxy_may_scrape(
    server: LiveServer, settings: Settings
) -> None:
    proxied = httpx.get(f"{server.url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert proxied.status_code == 403
    assert proxied.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert httpx.get(f"{server.url}/metrics").status_code == 200


def test_open_and_off(settings: Settings, db: Database) -> None:
    for access, status in (("open", 200), ("off", 404)):
        live = LiveServer(create_app(settings.with_(metrics=access)), free_port())
        live.start()
        try:
            scraped = httpx.get(f"{live.url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
            assert scraped.status_code == status
            assert (live.app.state.metrics is None) == (access == "off")  # off: nothing counted
        finally:
            live.stop()
