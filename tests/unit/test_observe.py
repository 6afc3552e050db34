"""What operators see, without a server: tracing switched by the environment, request ids,
metric labels that stay bounded, and who counts as a local caller of /metrics."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.requests import Request

from gateway.access_log import request_id
from gateway.base.errors import ConfigurationError
from gateway.base.settings import Settings
from gateway.metrics import MAX_OPERATIONS, OTHER, Metrics, is_local
from gateway.observe import YOUNG_GARBAGE, Observe

BASE = {"CREDIT_GRAPH_JWT_SECRET": "s" * 40}


def settings(**env: str) -> Settings:
    return Settings.from_env({**BASE, **env})


def test_tracing_is_off_unless_the_environment_configures_it() -> None:
    assert settings().tracing is False
    assert settings(OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318").tracing is True
    assert settings(OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://c:4318/v1/traces").tracing
    assert settings(OTEL_TRACES_EXPORTER="console").tracing_exporter == "console"
    assert settings(OTEL_TRACES_EXPORTER="none", OTEL_EXPORTER_OTLP_ENDPOINT="x").tracing is False
    assert settings(OTEL_SDK_DISABLED="true", OTEL_EXPORTER_OTLP_ENDPOINT="x").tracing is False
    assert settings(CREDIT_GRAPH_TRACING="on").tracing is True
    assert settings(CREDIT_GRAPH_TRACING="off", OTEL_EXPORTER_OTLP_ENDPOINT="x").tracing is False
    grpc = settings(OTEL_EXPORTER_OTLP_ENDPOINT="x", OTEL_EXPORTER_OTLP_PROTOCOL="grpc")
    assert grpc.tracing_exporter == "otlp-grpc"
    assert settings(OTEL_EXPORTER_OTLP_ENDPOINT="x").tracing_exporter == "otlp-http"
    assert settings().service_name == "credit-graph"
    assert settings(CREDIT_GRAPH_SUBGRAPH="policy").service_name == "credit-graph-policy"
    assert settings(OTEL_SERVICE_NAME="cg-huaian").service_name == "cg-huaian"
    with pytest.raises(ConfigurationError, match="CREDIT_GRAPH_TRACING"):
        settings(CREDIT_GRAPH_TRACING="maybe")
    with pytest.raises(ConfigurationError, match="OTEL_TRACES_EXPORTER"):
        settings(OTEL_TRACES_EXPORTER="zipkin")
    with pytest.raises(ConfigurationError, match="CREDIT_GRAPH_METRICS"):
        settings(CREDIT_GRAPH_METRICS="public")
    assert settings(CREDIT_GRAPH_ACCESS_LOG="false").access_log is False


def test_request_ids() -> None:
    assert request_id([(b"x-request-id", b"router-1f:2")]) == "router-1f:2"
    for bad in (b"", b"a b", b"-a", b"a" * 129, "引".encode(), b"a\r\nSet-Cookie: x"):
        made = request_id([(b"x-request-id", bad)])
        assert len(made) == 32 and int(made, 16) >= 0
    assert request_id([]) != request_id([])


def test_operation_labels_stay_bounded() -> None:
    metrics = Metrics(process=False)
    assert metrics.operation(None) == "(none)" and metrics.operation("") == "(anonymous)"
    assert metrics.operation("CreditCheck") == "CreditCheck"
    assert metrics.operation("Check913208000000000041") == OTHER  # could be an identifier
    for n in range(MAX_OPERATIONS * 2):
        metrics.request("/graphql", f"Op{n}", 200, 0.001)
    families = {f.name: f for f in text_string_to_metric_families(metrics.expose().decode())}
    labels = {s.labels["operation"] for s in families["credit_graph_http_requests"].samples}
    # CreditCheck took one of the names; past the cap every other name is (other)
    assert len(labels - {OTHER}) == MAX_OPERATIONS - 1 and OTHER in labels
    metrics.errors("/graphql", ["NOT_FOUND", "lower case", "X" * 80])
    text = metrics.expose().decode()
    errors = {f.name: f for f in text_string_to_metric_families(text)}[
        "credit_graph_graphql_errors"
    ]
    assert {s.labels["code"] for s in errors.samples} == {"NOT_FOUND", "OTHER"}


def request(client: str, headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "client": (client, 5000), "headers": raw})


def test_local_callers() -> None:
    assert is_local(request("127.0.0.1"), None)
    assert is_local(request("::1"), None)
    assert not is_local(request("10.1.2.3"), None)
    assert not is_local(request("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}), None)
    assert not is_local(request("127.0.0.1", {"Forwarded": "for=203.0.113.9"}), None)
    assert not is_local(request("127.0.0.1", {"X-Client": "203.0.113.9"}), "x-client")
    assert not is_local(request("testclient"), None)


def test_the_access_log_writes_the_same_line_with_or_without_a_log_record(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Its own handler alone: a line straight to standard output; with another handler
    too: through ``logging``, formatted by ``JsonLines``. Both lines hold the same."""
    import logging

    from gateway import access_log

    fields = {
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "seconds": 0.0123456,
        "operation": "Worked",
        "request": "req-1",
        "codes": ["FORBIDDEN"],
        "trace_id": None,
    }
    saved = access_log.log.handlers[:], access_log.log.level, access_log.log.propagate
    access_log.log.handlers.clear()
    try:
        access_log.install()
        handled: list[logging.LogRecord] = []
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(access_log.log, "handle", handled.append)
            access_log.write(**fields)  # type: ignore[arg-type]
        assert handled == []  # no LogRecord on the direct path
        direct = capsys.readouterr().out.splitlines()
        records: list[logging.LogRecord] = []

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                records.append(record)

        access_log.log.addHandler(Keep())
        access_log.write(**fields)  # type: ignore[arg-type]
        through_logging = capsys.readouterr().out.splitlines()
    finally:
        access_log.log.handlers[:] = saved[0]
        access_log.log.setLevel(saved[1])
        access_log.log.propagate = saved[2]
    assert len(direct) == 1 and len(through_logging) == 1 and len(records) == 1
    first, second = json.loads(direct[0]), json.loads(through_logging[0])
    assert first.pop("time") and second.pop("time")
    expected = {
        "level": "info",
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "duration_ms": 12.346,
        "operation": "Worked",
        "request_id": "req-1",
        "error_codes": ["FORBIDDEN"],
    }
    assert first == expected and second == expected
    assert json.loads(access_log.JsonLines().format(records[0])) | {"time": 0} == {
        **expected,
        "time": 0,
    }


class _Cycle:
    def __init__(self) -> None:
        self.me = self


async def _garbage_app(scope: Any, receive: Any, send: Any) -> None:
    """Leaves 1,000 objects in reference cycles, as a request leaves its driver session,
    result and executor, and answers."""
    for _ in range(1000):
        _Cycle()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def _request(app: Observe) -> None:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        pass

    scope = {"type": "http", "method": "GET", "path": "/x", "headers": []}
    await app(scope, receive, send)


@pytest.fixture
def collector() -> Iterator[list[int]]:
    """The generations collected while the test runs, the automatic threshold out of reach."""
    collected: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "stop":
            collected.append(info["generation"])

    threshold, enabled = gc.get_threshold(), gc.isenabled()
    gc.collect()
    gc.set_threshold(1_000_000)
    gc.enable()
    gc.callbacks.append(note)
    try:
        yield collected
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*threshold)
        (gc.enable if enabled else gc.disable)()


async def test_a_requests_young_garbage_is_collected_once_it_is_answered(
    collector: list[int],
) -> None:
    app = Observe(_garbage_app, metrics=None, tracer=None, log=False, routes=["/x"])
    await _request(app)
    assert collector == [0]
    assert gc.get_count()[0] <= YOUNG_GARBAGE


async def test_a_paused_collector_is_left_alone(collector: list[int]) -> None:
    app = Observe(_garbage_app, metrics=None, tracer=None, log=False, routes=["/x"])
    gc.disable()  # as during a bulk request, or by the host
    await _request(app)
    assert collector == []
    assert gc.get_count()[0] > YOUNG_GARBAGE
