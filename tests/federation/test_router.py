"""Through Hive Gateway: joins across subgraphs, audience rules, the register, parity."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.parse
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.base.db import Database
from gateway.base.settings import Settings
from gateway.ops import router
from tests.conftest import free_port, government_token
from tests.federation.conftest import MATTER, Federation
from tests.integration.audiences import audit_events, bearer, subject_id
from tests.readme_examples import examples

CHECK_FIELDS = """decision found hits { kind disclosure withheld facts documentNumber severity
  legalBasis { itemId article } department { name } } measures { id effect }"""

JOINED = f"""{{ applications {{ id matter applicant {{ uscc name
  creditCheck(matter: {MATTER}) {{ {CHECK_FIELDS} }} }} }} }}"""


async def _registered(db: Database, subject: str) -> int:
    """The register's events about a subject, once the background writer has written what
    earlier requests left (the count holds still for half a second)."""
    query = "MATCH (a:AuditEvent {subjectId: $s}) RETURN count(a) AS n"
    counts: list[int] = []
    while len(counts) < 2 or counts[-1] != counts[-2]:
        if counts:
            await asyncio.sleep(0.5)
        counts.append(int((await db.read(query, {"s": subject}))[0]["n"]))
    return counts[-1]


def _data(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def test_a_joined_query_answers_each_applicant_with_its_credit_check(
    federation: Federation, settings: Settings, gql: Any
) -> None:
    headers = bearer(settings, roles=["approval"])
    applications = _data(federation.post(JOINED, headers=headers))["applications"]
    by_id = {a["id"]: a for a in applications}
    assert set(by_id) == {"APP-1", "APP-2", "APP-3"}
    blocked = by_id["APP-1"]["applicant"]
    assert blocked["uscc"] == federation.applicants["blocked"]
    assert blocked["name"] == "淮安市联邦审批失信有限公司"
    assert blocked["creditCheck"]["decision"] == "BLOCK"
    hits = {h["disclosure"]: h for h in blocked["creditCheck"]["hits"]}
    # audience-filtered: an approval officer sees government-shared details, not the
    # authorised-query ones (管理办法 第二十一条), whose legal basis still shows
    assert hits["GOVERNMENT"]["facts"] == "联邦 政府共享事实" and not hits["GOVERNMENT"]["withheld"]
    assert hits["AUTHORISED"]["withheld"] and hits["AUTHORISED"]["facts"] is None
    assert hits["AUTHORISED"]["legalBasis"]
    assert "SENTINEL" not in str(applications)
    assert by_id["APP-2"]["applicant"]["creditCheck"]["decision"] == "CLEAR"
    assert by_id["APP-3"]["applicant"]["creditCheck"]["decision"] == "GREEN_CHANNEL"
    # the same answer as the root creditCheck at the single-process /graphql
    for application in applications:
        uscc = application["applicant"]["uscc"]
        single = gql(
            f"query($u: String!) {{ creditCheck(subject: {{uscc: $u}}, matter: {MATTER}) "
            f"{{ {CHECK_FIELDS} }} }}",
            {"u": uscc},
            headers=headers,
        )
        assert single["data"]["creditCheck"] == application["applicant"]["creditCheck"]


async def test_every_non_public_access_through_the_router_is_registered_once(
    federation: Federation, settings: Settings, db: Database
) -> None:
    subject = await subject_id(db, uscc=federation.applicants["blocked"])
    before = await _registered(db, subject)
    headers = bearer(settings, purpose="政府采购供应商资格审查", roles=["approval"])
    _data(federation.post(JOINED, headers=headers))
    events = await audit_events(db, subject, expect=before + 1)
    assert len(events) == before + 1
    event = events[-1]
    assert event["purpose"] == "政府采购供应商资格审查"  # the purpose travelled with the query
    assert event["operations"] == ["creditCheck"]
    assert sorted(event["classes"]) == ["AUTHORISED", "GOVERNMENT"]
    # public-only answers are not registered
    clear = await subject_id(db, uscc=federation.applicants["clear"])
    await audit_events(db, clear, expect=0)


async def test_a_forged_or_missing_token_gets_nothing_through_the_router(
    federation: Federation, settings: Settings, db: Database
) -> None:
    subject = await subject_id(db, uscc=federation.applicants["blocked"])
    before = await _registered(db, subject)
    forged = government_token(settings, roles=["approval"])
    head, payload, _ = forged.split(".")
    forgeries = [
        {
            "Authorization": f"Bearer {head}.{payload}.{'A' * 43}",  # signature replaced
            "X-Credit-Purpose": urllib.parse.quote("审批核查"),
        },
        bearer(settings, roles=["approval"])
        | {
            "Authorization": "Bearer "
            + government_token(
                settings.with_(jwt_secret="another-secret-another-secret-another-secret"),
                roles=["approval"],
            )
        },
        {"X-Credit-Purpose": urllib.parse.quote("审批核查")},  # no token at all
    ]
    for headers in forgeries:
        response = federation.post(JOINED, headers=headers)
        body = response.json()
        assert body.get("errors"), body
        text = str(body)
        assert "BLOCK" not in text and "联邦 政府共享事实" not in text and "SENTINEL" not in text
        for application in (body.get("data") or {}).get("applications") or []:
            applicant = application.get("applicant") or {}
            assert applicant.get("creditCheck") is None and applicant.get("name") is None
    assert await _registered(db, subject) == before  # nothing was disclosed


def test_the_purpose_and_role_rules_hold_through_the_router(
    federation: Federation, settings: Settings
) -> None:
    no_purpose = federation.post(
        JOINED, headers=bearer(settings, purpose=None, roles=["approval"])
    ).json()
    assert "PURPOSE_REQUIRED" in str(no_purpose["errors"])
    assert "BLOCK" not in str(no_purpose.get("data"))
    wrong_role = federation.post(JOINED, headers=bearer(settings, roles=["supervisor"])).json()
    assert "FORBIDDEN" in str(wrong_role["errors"])
    assert "BLOCK" not in str(wrong_role.get("data"))


PARITY = [
    (
        """query($u: String!) { organization(uscc: $u) { id name uscc
        jurisdiction { code name parent { name } }
        listEntries { id kind disclosure facts recognisingDepartment { id name aliases
          jurisdiction { name } } } } }""",
        "blocked",
    ),
    (
        """query($u: String!) { creditCheckBatch(subjects: [{uscc: $u}, {uscc: "bad"}],
        matter: FISCAL_FUNDS) { decision found hits { kind withheld department { name } }
        error { code } } }""",
        "blocked",
    ),
    (
        """{ policyDocument(id: "nat-ec-2016") { id title number level
        jurisdiction { name } parts { id } tasks { id } } }""",
        None,
    ),
    (
        """{ department(id: "320800/淮安市市场监督管理局") { id name aliases level
        jurisdiction { code } tasks { id } } }""",
        None,
    ),
    ("""{ measures(matter: FISCAL_FUNDS) { id name legalBasis { itemId article } } }""", None),
    (
        """query($u: String!) { subject(ref: {uscc: $u}) { name
        ... on Organization { creditCheck(matter: FISCAL_FUNDS) { decision } } } }""",
        "red",
    ),
]


def test_the_router_answers_as_the_single_process_gateway_does(
    federation: Federation, settings: Settings, gql: Any
) -> None:
    headers = bearer(settings)
    for query, applicant in PARITY:
        variables = {"u": federation.applicants[applicant]} if applicant else {}
        single = gql(query, variables, headers=headers)
        routed = federation.post(query, variables, headers=headers).json()
        assert "errors" not in single or query.startswith("query($u: String!) { creditCheckB")
        assert routed.get("data") == single.get("data"), (query, routed, single)


async def test_bookmarks_travel_through_the_router(
    federation: Federation, settings: Settings, db: Database
) -> None:
    from tests.integration.audiences import subject_headers
    from tests.integration.test_audiences_consent import CONSENTS, GRANT, person, window

    p = await person(db)
    me = subject_headers(settings, p["id"])
    granted = federation.post(
        GRANT,
        {
            "i": {
                "subject": {"id": p["id"]},
                "grantee": {"departmentId": "320800/淮安市市场监督管理局"},
                "scope": ["AUTHORISED"],
                "purpose": "办理贷款审批",
                **window(),
            }
        },
        headers=me,
    )
    consent = _data(granted)["grantConsent"]["id"]
    bookmarks = granted.headers.get("x-credit-bookmarks")
    assert bookmarks, dict(granted.headers)
    listed = federation.post(
        CONSENTS, {"s": p["id"], "r": False}, headers={**me, "X-Credit-Bookmarks": bookmarks}
    )
    assert consent in {c["id"] for c in _data(listed)["consents"]}


def test_the_router_listens_on_loopback_only(federation: Federation) -> None:
    import socket

    port = int(federation.router.rsplit(":", 1)[1].split("/")[0])
    addresses = {
        a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")
    }
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:  # the address of the default route's interface; nothing is sent
            probe.connect(("10.255.255.255", 1))
            addresses.add(probe.getsockname()[0])
        except OSError:
            pass
    addresses.discard("0.0.0.0")
    if not addresses:
        pytest.skip("this machine has no address but loopback")
    for address in addresses:
        with socket.socket() as s, pytest.raises(OSError):
            s.settimeout(2)
            s.connect((address, port))
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_the_readme_s_joined_query_answers_through_the_router(
    federation: Federation, settings: Settings
) -> None:
    """The README's federation example, as written, with an approval officer's token and
    purpose: every application with its applicant's check."""
    [example] = [e for e in examples() if "federation" in e.options]
    applications = _data(
        federation.post(example.request, headers=bearer(settings, roles=["approval"]))
    )["applications"]
    decisions = {a["id"]: a["applicant"]["creditCheck"]["decision"] for a in applications}
    assert decisions == {"APP-1": "BLOCK", "APP-2": "CLEAR", "APP-3": "GREEN_CHANNEL"}
    blocked = next(a for a in applications if a["id"] == "APP-1")["applicant"]
    assert blocked["name"] == "淮安市联邦审批失信有限公司"
    assert all(h["legalBasis"] for h in blocked["creditCheck"]["hits"])


def test_a_failing_subgraph_call_leaves_no_caller_values_in_the_router_log(
    settings: Settings, tmp_path: Path
) -> None:
    """The credit subgraph is down: the router logs the failure, but not the request it
    sent (the variables name a subject), nor the caller's token or purpose."""
    dead = free_port()
    listed = [
        {
            "name": s.name,
            "sdl": str((router.SUBGRAPHS_JSON.parent / s.sdl).resolve()),
            "url": f"http://127.0.0.1:{dead}/graphql",
        }
        for s in router.services()
    ]
    (tmp_path / "subgraphs.json").write_text(json.dumps(listed))
    router.compose(tmp_path / "subgraphs.json", tmp_path / "supergraph.graphql")
    uscc, purpose = "91320800LOGMARK7731", "路由日志-核查目的-8812"
    token = government_token(settings)
    port = free_port()
    with (tmp_path / "router.log").open("wb") as log:
        process = router.start_router(tmp_path / "supergraph.graphql", port, output=log)
        try:
            router.wait_ready(f"http://127.0.0.1:{port}/healthcheck", process, 120)
            answer = httpx.post(
                f"http://127.0.0.1:{port}/graphql",
                json={
                    "query": "query Q($u: String!) { organization(uscc: $u) { name } }",
                    "variables": {"u": uscc},
                },
                headers={
                    "Authorization": f"Bearer {token}",
                    "X-Credit-Purpose": urllib.parse.quote(purpose),
                },
                timeout=60,
            )
            time.sleep(1)  # the error is logged as the answer leaves
        finally:
            router.stop([process])
    logged = (tmp_path / "router.log").read_text(errors="replace")
    assert answer.status_code == 200 and answer.json()["data"] == {"organization": None}
    assert "SUBREQUEST_HTTP_ERROR" in logged, logged[-2000:]  # the failure is in the log
    for value in (uscc, token, purpose, urllib.parse.quote(purpose)):
        assert value not in logged, logged[-2000:]
