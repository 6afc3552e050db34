"""Consents and the query register: ``consents``, ``auditEvents`` and ``myAccessLog`` in
one Cypher query each, nested selections included."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from gateway.base.db import Database
from gateway.base.settings import Settings
from tests.conftest import LiveServer, count_queries
from tests.integration.audiences import (
    DEPT,
    OTHER_DEPT,
    audit_events,
    bearer,
    sentinel_world,
    subject_headers,
)
from tests.integration.test_audiences_consent import REVOKE, grant

LOOK = "query Look($u: String!) { organization(uscc: $u) { listEntries { facts } } }"


@pytest.fixture(scope="module")
async def world(db: Database, gql: Any, settings: Settings) -> dict[str, Any]:
    """A sentinel world with consents in every state and register entries of one caller
    about its subjects, from two departments."""
    w = await sentinel_world(db, "册")
    me, org = subject_headers(settings, w["rep_id"]), subject_headers(settings, w["org_id"])
    admin = bearer(settings, roles=["credit_admin"], sub="admin-register")
    consents = [
        grant(gql, me, w["rep_id"], ["AUTHORISED", "ID_NUMBER"]),
        grant(gql, me, w["rep_id"], ["GOVERNMENT"], {"uscc": w["red_org"]}),
        grant(gql, org, w["org_id"], ["AUTHORISED"], {"departmentId": OTHER_DEPT}),
        grant(gql, admin, w["org_id"], ["AUTHORISED"], documentRef="淮信授〔2026〕9号"),
    ]
    ids = [c["data"]["grantConsent"]["id"] for c in consents]
    assert "errors" not in gql(REVOKE, {"id": ids[3]}, headers=admin)
    w["probe"] = f"probe-{uuid.uuid4()}"
    for n in range(4):
        dept = OTHER_DEPT if n == 3 else DEPT
        gql(
            LOOK,
            {"u": w["org"]},
            headers=bearer(settings, sub=w["probe"], dept=dept, purpose=f"核查{n}"),
        )
    gql(LOOK, {"u": w["red_org"]}, headers=bearer(settings, sub=w["probe"]))
    await audit_events(db, w["org_id"], 4)
    await _settled(db)  # the background writer has written what the looks left
    return w


async def _settled(db: Database) -> None:
    """Wait until the register stops growing (the count holds still for half a second)."""
    counts: list[int] = []
    while len(counts) < 2 or counts[-1] != counts[-2]:
        if counts:
            await asyncio.sleep(0.5)
        counts.append(int((await db.read("MATCH (a:AuditEvent) RETURN count(a) AS n"))[0]["n"]))


async def test_consents_and_the_register_are_one_query_each(
    world: dict[str, Any], settings: Settings, gateway: LiveServer
) -> None:
    w = world
    reads = [
        (
            bearer(settings),
            f"""{{ consents(subject: {{id: "{w["rep_id"]}"}}) {{ id scope inForce
            validFrom revokedAt grantee {{ kind name }} subject {{ name listEntries {{ facts }} }}
            }} }}""",
        ),
        (
            bearer(settings, roles=["supervisor"]),
            f"""{{ auditEvents(caller: "{w["probe"]}",
            subject: {{uscc: "{w["org"]}"}}, first: 3) {{ edges {{ cursor node {{ at caller
            classes subject {{ name }} }} }} pageInfo {{ hasNextPage }} }} }}""",
        ),
        (
            subject_headers(settings, w["org_id"]),
            """{ myAccessLog(first: 3) {
            edges { cursor node { at department purpose classes } } } }""",
        ),
    ]
    for headers, query in reads:
        body, used = count_queries(gateway, headers, query)
        assert "errors" not in body, body
        assert used == 1, (query, used)


async def test_credit_checks_of_the_subjects_they_name_are_read_in_their_query(
    world: dict[str, Any], settings: Settings, gateway: LiveServer
) -> None:
    check = "creditCheck(matter: FISCAL_FUNDS) { found hits { kind } }"
    reads = [
        (
            bearer(settings),
            f'{{ consents(subject: {{id: "{world["rep_id"]}"}}) {{ id subject {{ {check} }} }} }}',
            "consents",
        ),
        (
            bearer(settings, roles=["supervisor", "approval"]),
            f'{{ auditEvents(caller: "{world["probe"]}") '
            f"{{ edges {{ node {{ id subject {{ {check} }} }} }} }} }}",
            "auditEvents",
        ),
    ]
    for headers, query, root in reads:
        body, used = count_queries(gateway, headers, query)
        assert "errors" not in body, body
        assert used == 1, (query, used)
        found = body["data"][root]
        nodes = found if root == "consents" else [e["node"] for e in found["edges"]]
        assert nodes and all(n["subject"]["creditCheck"]["found"] for n in nodes), nodes
