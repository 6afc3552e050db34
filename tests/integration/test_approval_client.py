"""The approval-system example (examples/approval_client.py) against a real gateway.

The gateway is ``trusted_gateway``: registered documents only, batches of at most 400. In
front of it, an identity provider of the test's own hands out tokens by client
credentials, signed as the gateway expects (gateway/auth.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import urllib.parse
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from examples.approval_client import (
    CREDIT_CHECK_BATCH,
    DOCUMENT_ID,
    Config,
    CreditCheckClient,
    GatewayError,
    purpose_header,
)
from gateway.auth import mint_token
from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.persisted import Documents
from tests.conftest import (
    DEFAULT_DEPT,
    TODAY,
    LiveServer,
    free_port,
    unique_id_number,
    unique_uscc,
)
from tests.graph import load_ok
from tests.integration.audiences import audit_events

CLIENT_ID, CLIENT_SECRET = "approval-system-7", "approval-system-7-secret"
PURPOSE = "行政许可审查：企业设立登记"


class IdentityProvider:
    """OAuth 2.0 client credentials (RFC 6749 §4.4) for one client; ``expired`` tokens to
    hand out first, to see the client renew after a 401."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.issued = 0
        self.expired = 0

    async def token(self, request: Request) -> JSONResponse:
        form = dict(urllib.parse.parse_qsl((await request.body()).decode()))
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {basic}":
            return JSONResponse({"error": "invalid_client"}, 401)
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, 400)
        ttl = dt.timedelta(hours=1)
        if self.expired:
            self.expired -= 1
            ttl = dt.timedelta(minutes=-10)
        self.issued += 1
        token = mint_token(
            self.settings, sub=CLIENT_ID, roles=["approval"], dept=DEFAULT_DEPT, ttl=ttl
        )
        # an expired token is announced as valid: the client learns otherwise from the gateway
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": 3600})


@pytest.fixture(scope="module")
def idp(settings: Settings) -> Iterator[tuple[IdentityProvider, str]]:
    provider = IdentityProvider(settings)
    server = LiveServer(
        Starlette(routes=[Route("/token", provider.token, methods=["POST"])]), free_port()
    )
    server.start()
    yield provider, f"{server.url}/token"
    server.stop()


def config(server: LiveServer, token_url: str, **changes: Any) -> Config:
    return Config(
        graphql_url=f"{server.url}/graphql",
        token_url=token_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        **changes,
    )


def black(code: str, **extra: str) -> dict[str, str]:
    return {
        "list": "BLACK",
        "uscc": code,
        "department_id": DEFAULT_DEPT,
        "facts": "提供虚假材料骗取登记",
        "basis": "《企业信息公示暂行条例》第十七条",
        "severity": "SERIOUS",
        "recognised_on": (TODAY - dt.timedelta(days=30)).isoformat(),
        "document_number": "淮市监罚〔2026〕8号",
        "source_system": "淮安市市场监管信用系统",
        "source_ref": f"client-{code}",
        **extra,
    }


def test_the_example_sends_a_registered_document() -> None:
    registered = {d.name: d for d in Documents.load().by_id.values()}["CreditCheckBatch"]
    assert (registered.text, registered.id) == (CREDIT_CHECK_BATCH, DOCUMENT_ID)
    assert (
        purpose_header("行政许可审查") == "%E8%A1%8C%E6%94%BF%E8%AE%B8%E5%8F%AF%E5%AE%A1%E6%9F%A5"
    )


async def test_a_thousand_subjects_in_chunks_with_decisions_and_their_basis(
    db: Database, trusted_gateway: LiveServer, idp: tuple[IdentityProvider, str]
) -> None:
    orgs = [unique_uscc() for _ in range(997)]
    await load_ok(
        db,
        "subjects",
        [{"uscc": u, "name": f"淮安市审批客户{n:03d}有限公司"} for n, u in enumerate(orgs)],
    )
    person = unique_id_number()
    await load_ok(db, "subjects", [{"id_number": person, "name": "审批客户个人"}])
    blocked = orgs[5], orgs[400], orgs[996]  # one in each chunk of 400
    await load_ok(db, "entries", [black(u) for u in blocked])
    subjects: list[dict[str, str]] = [{"uscc": u} for u in orgs]
    subjects[7:7] = [{"idNumber": person}, {"uscc": unique_uscc()}, {"uscc": "91320800MA1X0000X0"}]
    requests: list[str] = []
    provider, token_url = idp
    issued = provider.issued
    with (
        httpx.Client(
            timeout=60, event_hooks={"request": [lambda r: requests.append(r.url.path)]}
        ) as http,
        CreditCheckClient(config(trusted_gateway, token_url, batch_size=400), http=http) as client,
    ):
        decisions = client.check(subjects, "ADMINISTRATIVE_LICENSING", PURPOSE)

    assert len(subjects) == 1000
    assert [d.subject for d in decisions] == subjects  # one answer each, in input order
    assert requests == ["/token", "/graphql", "/graphql", "/graphql"]
    assert provider.issued == issued + 1
    by_code = {d.subject.get("uscc") or d.subject.get("idNumber"): d for d in decisions}
    outcomes = [d.outcome for d in decisions]
    assert outcomes.count("BLOCK") == 3 and outcomes.count("NOT_FOUND") == 1
    assert outcomes.count("INVALID") == 1 and outcomes.count("CLEAR") == len(subjects) - 5
    assert by_code[person].outcome == "CLEAR" and by_code[person].name == "审批客户个人"
    invalid = by_code["91320800MA1X0000X0"]
    assert invalid.error is not None and invalid.error.startswith("INVALID_USCC")
    for code in blocked:
        d = by_code[code]
        assert d.outcome == "BLOCK" and d.as_of == TODAY.isoformat()
        [ground] = d.grounds
        assert (ground.kind, ground.severity, ground.department) == (
            "BLACK",
            "SERIOUS",
            "淮安市市场监督管理局",
        )
        assert "第六条" in [c.article for c in ground.legal_basis]
        by_id = {m.id: m for m in d.measures}
        assert by_id["jlcj-14-2"].effect == "BLOCK"
        assert by_id["jlcj-14-2"].entry_ids == (ground.entry_id,)
        assert [str(c) for c in by_id["jlcj-14-2"].legal_basis][0].endswith("第十四条（二）")
        assert d.legal_basis[0] == str(by_id[d.measures[0].id].legal_basis[0])
        assert any(b.endswith("第六条") for b in d.legal_basis)
    # The register holds the purpose as stated, in Chinese, against the approval system.
    row = await db.read("MATCH (s:Organization {uscc: $u}) RETURN s.id AS id", {"u": blocked[0]})
    [event] = await audit_events(db, row[0]["id"], 1)
    assert (event["sub"], event["purpose"], event["operationName"]) == (
        CLIENT_ID,
        PURPOSE,
        "CreditCheckBatch",
    )


async def test_503_is_retried_after_the_time_it_asks_for(
    db: Database, trusted_gateway: LiveServer, idp: tuple[IdentityProvider, str]
) -> None:
    org = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": org, "name": "淮安市重试测试有限公司"}])
    await load_ok(db, "entries", [black(org)])
    breaker = trusted_gateway.app.state.db.breaker
    waits: list[float] = []

    def neo4j_back_after(seconds: float) -> None:  # the client's sleep: nothing is slept
        waits.append(seconds)
        breaker.close()

    breaker.open("the test cut Neo4j off")
    try:
        patient = config(trusted_gateway, idp[1], max_wait_s=7200.0)
        with CreditCheckClient(patient, sleep=neo4j_back_after) as client:
            [decision] = client.check([{"uscc": org}], "ADMINISTRATIVE_LICENSING", PURPOSE)
    finally:
        breaker.close()
    assert waits == [float(breaker.retry_after_s)]  # Retry-After: the gateway's probe interval
    assert decision.outcome == "BLOCK"


async def test_503_is_retried_a_bounded_number_of_times(
    trusted_gateway: LiveServer, idp: tuple[IdentityProvider, str]
) -> None:
    breaker = trusted_gateway.app.state.db.breaker
    waits: list[float] = []
    client = CreditCheckClient(config(trusted_gateway, idp[1], max_attempts=3), sleep=waits.append)
    breaker.open("the test cut Neo4j off")
    try:
        with client, pytest.raises(GatewayError) as refused:
            client.check([{"uscc": unique_uscc()}], "ADMINISTRATIVE_LICENSING", PURPOSE)
    finally:
        breaker.close()
    assert (refused.value.code, refused.value.status) == ("DATABASE_UNAVAILABLE", 503)
    # three attempts, two waits, each Retry-After (an hour here) cut to max_wait_s
    assert breaker.retry_after_s == 3600 and waits == [30.0, 30.0]


def test_an_expired_token_is_renewed_once(
    trusted_gateway: LiveServer, idp: tuple[IdentityProvider, str]
) -> None:
    provider, token_url = idp
    provider.expired = 1
    issued = provider.issued
    with CreditCheckClient(config(trusted_gateway, token_url)) as client:
        [decision] = client.check([{"uscc": unique_uscc()}], "FISCAL_FUNDS", PURPOSE)
    assert decision.outcome == "NOT_FOUND" and provider.issued == issued + 2
    provider.expired = 2  # a provider that only hands out expired tokens: refused, no loop
    client = CreditCheckClient(config(trusted_gateway, token_url))
    with client, pytest.raises(GatewayError) as refused:
        client.check([{"uscc": unique_uscc()}], "FISCAL_FUNDS", PURPOSE)
    assert (refused.value.code, refused.value.status) == ("UNAUTHENTICATED", 401)
