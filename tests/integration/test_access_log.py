"""The access log through HTTP: one JSON line per request, with its request id, and nothing
the caller must keep to itself (token, purpose, variables)."""

from __future__ import annotations

import json
import logging
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateway.access_log import JsonLines
from gateway.access_log import log as access_log
from gateway.base.settings import Settings
from tests.conftest import LiveServer, government_token


class Lines(logging.Handler):
    """The access log's records, as the JSON lines its handler would write."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonLines())
        self.lines: list[str] = []
        self.arrived = threading.Condition()

    def emit(self, record: logging.LogRecord) -> None:
        with self.arrived:
            self.lines.append(self.format(record))
            self.arrived.notify_all()

    def of(self, request_id: str) -> dict[str, Any]:
        """The line of one request: written after the answer, so it may still be coming."""
        with self.arrived:
            found = self.arrived.wait_for(
                lambda: any(request_id in line for line in self.lines), timeout=30
            )
            assert found, f"no access log line for {request_id}"
            [line] = [line for line in self.lines if request_id in line]
        return json.loads(line)


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    access_log.addHandler(handler)
    yield handler
    access_log.removeHandler(handler)


def test_one_line_per_request_with_the_callers_request_id(
    gateway: LiveServer, settings: Settings, lines: Lines
) -> None:
    token = government_token(settings)
    purpose = "访问日志-核查目的-5521"
    variables = {"code": "320800", "marker": "VARIABLE-MARKER-77"}
    answer = httpx.post(
        f"{gateway.url}/graphql",
        json={
            "query": "query Region($code: String!, $marker: String!) "
            "{ jurisdiction(code: $code) { name } other: jurisdiction(code: $marker) { name } }",
            "variables": variables,
        },
        headers={
            "Authorization": f"Bearer {token}",
            "X-Credit-Purpose": urllib.parse.quote(purpose),
            "X-Request-Id": "approval-7f3a:0042",
        },
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-request-id"] == "approval-7f3a:0042"
    line = lines.of("approval-7f3a:0042")
    assert line["method"] == "POST" and line["path"] == "/graphql" and line["status"] == 200
    assert line["operation"] == "Region" and line["error_codes"] == []
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] > 0
    assert line["level"] == "info" and line["time"].endswith("+00:00")
    raw = next(text for text in lines.lines if "approval-7f3a:0042" in text)
    for secret in (token, purpose, urllib.parse.quote(purpose), "VARIABLE-MARKER-77", "320800"):
        assert secret not in raw


def test_a_malformed_request_id_is_replaced_and_errors_are_listed(
    gateway: LiveServer, lines: Lines
) -> None:
    for sent in ("has spaces in it", "x" * 129, "-leading-dash", "引号"):
        answer = httpx.post(
            f"{gateway.url}/graphql",
            json={"query": "{ jurisdiction(code: "},
            headers={"X-Request-Id": urllib.parse.quote(sent) if sent == "引号" else sent},
        )
        generated = answer.headers["x-request-id"]
        assert generated != sent and len(generated) == 32
        int(generated, 16)  # hexadecimal
        line = lines.of(generated)
        # refused before the body is read: no token
        assert line["status"] == 401 and line["error_codes"] == ["UNAUTHENTICATED"]
        assert line["operation"] is None


def test_parse_errors_and_get_requests_keep_the_query_string_out(
    gateway: LiveServer, settings: Settings, lines: Lines
) -> None:
    headers = {"Authorization": f"Bearer {government_token(settings)}"}
    bad = httpx.post(f"{gateway.url}/graphql", json={"query": "{ jurisdiction("}, headers=headers)
    assert bad.status_code == 400
    line = lines.of(bad.headers["x-request-id"])
    assert line["error_codes"] == ["GRAPHQL_PARSE_FAILED"] and line["operation"] is None
    got = httpx.get(
        f"{gateway.url}/graphql",
        params={"query": '{ jurisdiction(code: "320811") { name } }'},
        headers=headers,
    )
    assert got.status_code == 200
    line = lines.of(got.headers["x-request-id"])
    assert line["path"] == "/graphql" and line["operation"] is None  # anonymous
    assert "320811" not in json.dumps(line)
    health = httpx.get(f"{gateway.url}/healthz", headers={"X-Request-Id": "probe-1"})
    assert health.headers["x-request-id"] == "probe-1"
    assert lines.of("probe-1")["path"] == "/healthz"
