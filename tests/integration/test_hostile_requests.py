"""Hostile requests: each refused with its stable code, none stalling the server.

Documents are held to their limits before graphql-core's own validation (linear in
their size, gateway/limits.py); large ones are checked off the event loop; bodies,
variables, cursors and headers are checked before they reach a resolver or Neo4j.
"""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.conftest import (
    DEFAULT_PURPOSE,
    LiveServer,
    free_port,
    government_token,
    unique_id_number,
    unique_uscc,
)

PUBLIC = "/public/graphql"


def doubling(n: int) -> str:
    """``{ ...F0 }`` where each fragment spreads the next one twice: 2**n selections."""
    parts = ["{ ...F0 }"]
    parts += [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(n)]
    parts.append(f"fragment F{n} on Query {{ __typename }}")
    return "\n".join(parts)


def _code(body: dict[str, Any]) -> tuple[str, str | None]:
    ext = body["errors"][0]["extensions"]
    return ext["code"], ext.get("limit")


def test_a_fragment_bomb_is_refused_and_the_server_answers_meanwhile(
    gateway: LiveServer, settings: Any
) -> None:
    token = {"Authorization": f"Bearer {government_token(settings)}"}
    hostile = [
        (PUBLIC, {}, doubling(40), ("QUERY_TOO_COMPLEX", "fields")),
        ("/graphql", token, doubling(40), ("QUERY_TOO_COMPLEX", "fields")),
        ("/graphql", token, doubling(3000), ("QUERY_TOO_COMPLEX", "tokens")),
        (
            "/graphql",
            token,
            "{" + " ".join(f"a{i}: __typename" for i in range(3000)) + "}",
            ("QUERY_TOO_COMPLEX", "fields"),
        ),
        ("/graphql", token, "{" + " __typename" * 100_000 + "}", ("REQUEST_TOO_LARGE", None)),
        (PUBLIC, {}, "{" + " a: __typename" * 2_000 + "}", ("REQUEST_TOO_LARGE", None)),
        (PUBLIC, {}, "{" + " __typename" * 1_200 + "}", ("QUERY_TOO_COMPLEX", "tokens")),
    ]
    with (
        httpx.Client(base_url=gateway.url, timeout=60) as client,
        ThreadPoolExecutor(max_workers=4) as pool,
    ):
        sent = [
            pool.submit(client.post, path, json={"query": q}, headers=headers)
            for path, headers, q, _ in hostile * 3
        ]
        # The event loop stays free while they are checked: every probe is answered.
        probes = [httpx.get(f"{gateway.url}/healthz", timeout=5).status_code for _ in range(20)]
        answers = [f.result() for f in sent]
    assert probes == [200] * 20
    for (_, _, _, expected), response in zip(hostile * 3, answers, strict=True):
        assert _code(response.json()) == expected, response.text[:300]
        assert response.status_code in (200, 400, 413)
    [error] = answers[0].json()["errors"]
    assert error["extensions"]["actual"] == 2**40 and error["extensions"]["max"] == 500


def test_no_token_is_refused_before_the_body_is_read(gateway: LiveServer) -> None:
    response = httpx.post(
        f"{gateway.url}/graphql",
        timeout=30,
        content=b'{"query": "{' + b" __typename" * 200_000 + b'}"}',
    )
    assert response.status_code == 401
    assert _code(response.json()) == ("UNAUTHENTICATED", None)


def test_oversized_batches_are_refused_before_coercion(gql: Any) -> None:
    q = """query($s: [SubjectRef!]!) {
      creditCheckBatch(subjects: $s, matter: ADMINISTRATIVE_LICENSING)
      { decision } }"""
    many = [{"uscc": "91320800MA1MXXXX0X"}] * 1_001
    body = gql(q, {"s": many})
    assert _code(body) == ("BAD_USER_INPUT", None) and "1001 items" in body["errors"][0]["message"]
    huge = [{"uscc": "91320800MA1MXXXX0X"}] * 100_000
    body = gql(q, {"s": huge}, status=413)
    assert _code(body) == ("REQUEST_TOO_LARGE", None)
    literal = (
        "{ creditCheckBatch(subjects: ["
        + ",".join(['{uscc: "91320800MA1MXXXX0X"}'] * 5_000)
        + "], matter: ADMINISTRATIVE_LICENSING) { decision } }"
    )
    body = gql(literal, status=400)
    assert _code(body) == ("QUERY_TOO_COMPLEX", "tokens")


@pytest.mark.parametrize("value", [None, ["x"], 1, {"a": 1}])
def test_variables_that_do_not_coerce_are_bad_user_input(gql: Any, value: Any) -> None:
    public = gql(
        "query($t: String!) { search(text: $t) { edges { cursor } } }",
        {"t": value},
        path=PUBLIC,
        headers={},
    )
    government = gql(
        "query($t: String!) { searchSubjects(name: $t) { edges { cursor } } }", {"t": value}
    )
    for body in (public, government):
        assert body.get("data") is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "$t" in error["message"]


def test_an_int_given_text_is_bad_user_input(gql: Any) -> None:
    body = gql(
        'query($n: Int) { search(text: "华宏", first: $n) { edges { cursor } } }',
        {"n": "abc"},
        path=PUBLIC,
        headers={},
    )
    assert _code(body) == ("BAD_USER_INPUT", None) and "$n" in body["errors"][0]["message"]


def _cursor(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode()


BAD_CURSORS = [
    "bzo5OTk5OTk5OTk5OTk5OTk5OTk5",  # "o:99999999999999999999": an old-style offset overflow
    "garbage",
    "!!!!",
    _cursor("o", 10**30),
    _cursor("o", -1),
    _cursor("o", "1"),
    _cursor("t", 5, {"x": 1}),
    _cursor("t", "not-a-date", "x"),
    _cursor("s", 1.5, "x"),
    "A" * 5000,
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
def test_every_bad_cursor_is_bad_user_input_everywhere(gql: Any, cursor: str) -> None:
    org, other, person = unique_uscc(), unique_uscc(), unique_id_number()
    calls = [
        ('query($a: String) { search(text: "华宏", after: $a) { edges { cursor } } }', PUBLIC),
        (
            'query($a: String) { searchSubjects(name: "华宏", after: $a) { edges { cursor } } }',
            None,
        ),
        (
            'query($a: String) { officersOfOrganization(organization: {uscc: "%(org)s"},'
            " after: $a) { edges { cursor } } }",
            None,
        ),
        (
            'query($a: String) { organizationsOfPerson(person: {idNumber: "320402198405170013"}, '
            "after: $a) { edges { cursor } } }",
            None,
        ),
        (
            'query($a: String) { riskAround(subject: {uscc: "91320800MA1MXXXX0X"}, after: $a) '
            "{ edges { cursor } } }",
            None,
        ),
        (
            'query($a: String) { shortestPaths(from: {uscc: "91320800MA1MXXXX0X"}, '
            'to: {uscc: "%(other)s"}, after: $a) { edges { cursor } } }',
            None,
        ),
        (
            'query($a: String) { sharedOfficers(organization: {uscc: "91320800MA1MXXXX0X"}, '
            "after: $a) { edges { cursor } } }",
            None,
        ),
        ('query($a: String) { auditEvents(caller: "x", after: $a) { edges { cursor } } }', None),
    ]
    for query, path in calls:
        query = query.replace("91320800MA1MXXXX0X", org).replace("320402198405170013", person)
        query = query.replace("%(other)s", other)
        body = (
            gql(query, {"a": cursor}, path=path, headers={}) if path else gql(query, {"a": cursor})
        )
        assert [(e["extensions"]["code"], e["message"]) for e in body["errors"]] == [
            ("BAD_USER_INPUT", "invalid cursor")
        ], (query, body)


def test_a_forwarded_for_header_does_not_reset_the_public_rate_limit(
    settings: Any, db: Any
) -> None:
    from gateway.app import create_app

    server = LiveServer(create_app(settings.with_(public_rate_per_minute=3)), free_port())
    server.start()
    try:
        statuses = [
            httpx.post(
                f"{server.url}{PUBLIC}",
                json={"query": "{ __typename }"},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
            ).status_code
            for i in range(5)
        ]
    finally:
        server.stop()
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]


def test_a_configured_client_header_keys_the_rate_limit(settings: Any, db: Any) -> None:
    from gateway.app import create_app

    app = create_app(
        settings.with_(public_rate_per_minute=2, public_client_header="x-forwarded-for")
    )
    server = LiveServer(app, free_port())
    server.start()
    try:

        def status(address: str) -> int:
            return httpx.post(
                f"{server.url}{PUBLIC}",
                json={"query": "{ __typename }"},
                headers={"X-Forwarded-For": address},
            ).status_code

        assert [status("203.0.113.1") for _ in range(3)] == [200, 200, 429]
        assert status("203.0.113.2") == 200
    finally:
        server.stop()


@pytest.mark.parametrize("purpose", [b"%E8%A1", b"\xe8\xa1", b"%FF", b"a%00b"])
def test_a_purpose_that_is_not_utf8_is_refused_not_stored(
    gateway: LiveServer, settings: Any, purpose: bytes
) -> None:
    headers = [
        (b"authorization", f"Bearer {government_token(settings)}".encode()),
        (b"x-credit-purpose", purpose),
    ]
    response = httpx.post(
        f"{gateway.url}/graphql", headers=headers, json={"query": "{ __typename }"}
    )
    assert response.status_code == 400
    assert _code(response.json()) == ("BAD_USER_INPUT", None)
    assert "X-Credit-Purpose" in response.json()["errors"][0]["message"]
    ok = httpx.post(
        f"{gateway.url}/graphql",
        json={"query": "{ __typename }"},
        headers={
            "Authorization": f"Bearer {government_token(settings)}",
            "X-Credit-Purpose": DEFAULT_PURPOSE,
        },
    )
    assert ok.status_code == 200
