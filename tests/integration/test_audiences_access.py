"""Authentication on /graphql, purpose, roles, and the portal's switches and rate limit.

A second gateway (``strict``) runs with an issuer, introspection off on both endpoints,
a public rate of 3 requests a minute and the register written before each response
(``request`` mode), so these are tested without disturbing the session gateway.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from gateway.app import create_app
from gateway.auth import resolve_secret
from gateway.base.db import Database
from gateway.base.settings import Settings
from tests.conftest import LiveServer, free_port, government_token
from tests.integration.audiences import SENTINEL, audit_events, bearer, sentinel_world, unpacked

ISSUER = "https://idp.credit-graph.test"
QUERY = '{ jurisdiction(code: "320800") { name } }'


@pytest.fixture(scope="module")
def strict(settings: Settings, db: Database) -> Iterator[LiveServer]:
    server = LiveServer(
        create_app(
            settings.with_(
                jwt_issuer=ISSUER,
                introspection=False,
                public_introspection=False,
                public_rate_per_minute=3,
                audit_write="request",
            )
        ),
        free_port(),
    )
    server.start()
    yield server
    server.stop()


def post(url: str, query: str, headers: dict[str, str], path: str = "/graphql") -> httpx.Response:
    return httpx.post(url + path, json={"query": query}, headers=headers, timeout=30)


def claims(settings: Settings, **changes: Any) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)  # token lifetimes are on the system clock (gateway/auth.py)
    c = {
        "sub": "officer-9",
        "aud": settings.jwt_audience,
        "roles": ["approval"],
        "dept": "320800/淮安市市场监督管理局",
        "jur": "320800",
        "exp": int((now + dt.timedelta(hours=1)).timestamp()),
    }
    c.update(changes)
    return c


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_every_bad_token_gets_401_and_no_data(
    gql: Any, settings: Settings, strict: LiveServer
) -> None:
    secret = resolve_secret(settings)
    assert secret
    past = int((dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).timestamp())
    bad = {
        "missing": {},
        "not bearer": {"Authorization": f"Basic {base64.b64encode(b'a:b').decode()}"},
        "forged": {
            "Authorization": "Bearer " + jwt.encode(claims(settings), "f" * 48, algorithm="HS256")
        },
        "expired": {
            "Authorization": "Bearer "
            + jwt.encode(claims(settings, exp=past), secret, algorithm="HS256")
        },
        "audience": {
            "Authorization": "Bearer "
            + jwt.encode(claims(settings, aud="other-app"), secret, algorithm="HS256")
        },
        "alg none": {"Authorization": f"Bearer {_b64({'alg': 'none'})}.{_b64(claims(settings))}."},
        "garbage": {"Authorization": "Bearer abc.def"},
    }
    for case, headers in bad.items():
        r = gql.bare.post("/graphql", json={"query": QUERY}, headers=headers)
        body = r.json()
        assert r.status_code == 401, case
        assert r.headers["www-authenticate"] == "Bearer"
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", case
        assert "data" not in body, case
    # The issuer is checked where one is configured.
    wrong = jwt.encode(claims(settings, iss="https://evil.test"), secret, algorithm="HS256")
    r = post(strict.url, QUERY, {"Authorization": f"Bearer {wrong}"})
    assert r.status_code == 401 and "issuer" in r.json()["errors"][0]["message"]
    right = jwt.encode(claims(settings, iss=ISSUER), secret, algorithm="HS256")
    assert post(strict.url, QUERY, {"Authorization": f"Bearer {right}"}).json() == {
        "data": {"jurisdiction": {"name": "淮安市"}}
    }


def test_graphiql_needs_no_token_but_queries_do(gql: Any) -> None:
    page = gql.bare.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()
    assert gql.bare.get("/graphql", params={"query": QUERY}).status_code == 401


async def test_purpose_is_required_for_non_public_data_only(
    gql: Any, settings: Settings, db: Database
) -> None:
    w = await sentinel_world(db, "目")
    q = "query($u: String!) { organization(uscc: $u) { name listEntries { facts } } }"
    public_only = gql(
        '{ jurisdiction(code: "320800") { name } }', headers=bearer(settings, purpose=None)
    )
    assert "errors" not in public_only
    refused = gql(q, {"u": w["org"]}, headers=bearer(settings, purpose=None))
    assert refused["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"
    assert refused["errors"][0]["path"] == ["organization", "listEntries"]
    assert "管理办法 第三十三条" in refused["errors"][0]["message"]
    # Partial data: the public entries (history included) answer, the others are left out.
    organization = refused["data"]["organization"]
    assert organization["name"] == "淮安市哨兵目物流有限公司"
    assert sorted(e["facts"] for e in organization["listEntries"]) == sorted(
        ["公开的失信事实甲", f"{SENTINEL}-EXPIRED-目", f"{SENTINEL}-REPAIRED-目"]
    )
    text = json.dumps(refused, ensure_ascii=False)
    assert "-GOV-" not in text and "-AUTH-" not in text
    raw_utf8: Any = {**bearer(settings, purpose=None), "X-Credit-Purpose": "行政许可".encode()}
    for headers in (bearer(settings, purpose="行政许可"), raw_utf8):
        granted = gql(q, {"u": w["org"]}, headers=headers)
        assert any(SENTINEL in e["facts"] for e in granted["data"]["organization"]["listEntries"])
    events = await audit_events(db, w["org_id"], 3)
    assert sorted(e.get("purpose") or "" for e in events) == ["", "行政许可", "行政许可"]


async def test_roles_are_named_when_missing(gql: Any, settings: Settings) -> None:
    approver = bearer(settings, roles=["approval"])
    r = gql("{ auditEvents(first: 1) { edges { cursor } } }", headers=approver)
    assert r["errors"][0]["extensions"] == {"code": "FORBIDDEN", "required": ["supervisor"]}
    assert "supervisor" in r["errors"][0]["message"]


def test_introspection_switches_and_the_public_rate_limit(
    strict: LiveServer, settings: Settings
) -> None:
    token = {"Authorization": f"Bearer {government_token(settings.with_(jwt_issuer=ISSUER))}"}
    for path, headers in (("/graphql", token), ("/public/graphql", {})):
        r = post(strict.url, "{ __schema { types { name } } }", headers, path)
        assert r.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", path
    assert post(strict.url, "{ __typename }", {}, "/public/graphql").json() == {
        "data": {"__typename": "Query"}
    }
    # Three requests a minute, two used above: one more passes, the next gets 429.
    answers = [post(strict.url, QUERY, {}, "/public/graphql") for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 429]
    assert answers[-1].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert post(strict.url, QUERY, token).status_code == 200  # government traffic is not limited


async def test_request_mode_writes_the_register_before_answering(
    strict: LiveServer, settings: Settings, db: Database
) -> None:
    w = await sentinel_world(db, "即")
    token = government_token(settings.with_(jwt_issuer=ISSUER))
    q = f'{{ organization(uscc: "{w["org"]}") {{ listEntries {{ facts }} }} }}'
    r = post(strict.url, q, {"Authorization": f"Bearer {token}", "X-Credit-Purpose": "check"})
    assert SENTINEL in r.text
    rows = await db.read(
        "MATCH (a:AuditEvent {subjectId: $s}) RETURN a {.*} AS a", {"s": w["org_id"]}
    )
    assert [unpacked(row["a"])["purpose"] for row in rows] == [
        "check"
    ]  # already there when the answer arrived
