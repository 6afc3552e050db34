"""Consents and the query register: ``consents``, ``auditEvents`` and ``myAccessLog`` in
one Cypher query each, answering generated selections as the per-field path does."""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest

from gateway.db import Database
from gateway.settings import Settings
from tests.conftest import LiveServer
from tests.integration.audiences import (
    DEPT,
    OTHER_DEPT,
    audit_events,
    bearer,
    sentinel_world,
    subject_headers,
    subject_id,
)
from tests.integration.differential import compare, compiled, count_queries, legacy
from tests.integration.test_audiences_consent import REVOKE, grant

__all__ = ["compiled", "legacy"]  # the two gateways, as fixtures of this module

SEEDS = int(os.environ.get("CREDIT_GRAPH_DIFFERENTIAL_SEEDS", "240"))
UNKNOWN = "00000000-0000-4000-8000-000000000000"
LOOK = "query Look($u: String!) { organization(uscc: $u) { listEntries { facts } } }"


@pytest.fixture(scope="module")
async def world(db: Database, gql: Any, settings: Settings) -> dict[str, Any]:
    """A sentinel world with consents in every state and register entries of one caller
    (never one of the audiences below) about its subjects, from two departments."""
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
    events = await audit_events(db, w["org_id"], 4)
    w["middle"] = events[1]["at"].to_native().isoformat()
    supervisor = bearer(settings, roles=["supervisor"], sub="supervisor-register")
    page = gql(
        f'{{ auditEvents(caller: "{w["probe"]}", first: 2) {{ pageInfo {{ endCursor }} }} }}',
        headers=supervisor,
    )
    w["cursor"] = page["data"]["auditEvents"]["pageInfo"]["endCursor"]
    gql(LOOK, {"u": w["org"]}, headers=me)  # the representative's own look: not about it
    w["red_org_id"] = await subject_id(db, uscc=w["red_org"])
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
    world: dict[str, Any], settings: Settings, compiled: LiveServer
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
        body, used = count_queries(compiled, headers, query)
        assert "errors" not in body, body
        assert used == 1, (query, used)


def _audiences(settings: Settings, w: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        "officer": bearer(settings),
        "officer-no-purpose": bearer(settings, purpose=None),
        "approval": bearer(settings, roles=["approval"]),
        "approval-other-dept": bearer(settings, roles=["approval"], dept=OTHER_DEPT),
        "supervisor": bearer(settings, roles=["supervisor"], sub="supervisor-d"),
        "supervisor-no-purpose": bearer(settings, roles=["supervisor"], purpose=None),
        "self-rep": subject_headers(settings, w["rep_id"]),
        "self-org": subject_headers(settings, w["org_id"]),
        "red-org-consent": subject_headers(
            settings, w["red_org_id"], purpose="合作核查", consent="*", sub="red-clerk"
        ),
    }


async def test_generated_register_reads_answer_alike_on_both_paths(
    world: dict[str, Any],
    settings: Settings,
    db: Database,
    legacy: LiveServer,
    compiled: LiveServer,
) -> None:
    w = world
    refs = [
        f'{{id: "{w["rep_id"]}"}}',
        f'{{id: "{w["org_id"]}"}}',
        f'{{uscc: "{w["org"]}"}}',
        f'{{idNumber: "{w["rep"]}"}}',
        f'{{id: "{UNKNOWN}"}}',
    ]
    roots = [f"consents(subject: {r})" for r in refs]
    roots += [f"consents(subject: {r}, includeRevoked: false)" for r in refs[:3]]
    probe = f'caller: "{w["probe"]}"'
    roots += [
        f"auditEvents({probe})",
        f"auditEvents({probe}, first: 2)",
        f'auditEvents({probe}, first: 2, after: "{w["cursor"]}")',
        f'auditEvents({probe}, department: "{OTHER_DEPT}")',
        f"auditEvents({probe}, subject: {refs[2]})",
        f"auditEvents({probe}, subject: {refs[4]})",
        f'auditEvents({probe}, from: "{w["middle"]}")',
        f'auditEvents({probe}, to: "{w["middle"]}", first: 1)',
    ]
    roots += ["myAccessLog", "myAccessLog(first: 1)", f'myAccessLog(from: "{w["middle"]}")']
    answered = await compare(db, legacy, compiled, roots, _audiences(settings, w), range(SEEDS))
    assert answered > SEEDS // 4


async def test_a_selection_reaching_a_field_not_yet_compiled_is_answered_field_by_field(
    world: dict[str, Any], settings: Settings, legacy: LiveServer, compiled: LiveServer
) -> None:
    check = "creditCheck(matter: FISCAL_FUNDS) { hits { kind } }"
    reads = [
        (
            bearer(settings),
            f'{{ consents(subject: {{id: "{world["rep_id"]}"}}) {{ id subject {{ {check} }} }} }}',
        ),
        (
            bearer(settings, roles=["supervisor", "approval"]),
            f'{{ auditEvents(caller: "{world["probe"]}") '
            f"{{ edges {{ node {{ id subject {{ {check} }} }} }} }} }}",
        ),
    ]
    for headers, query in reads:
        answers = [count_queries(server, headers, query)[0] for server in (legacy, compiled)]
        assert "errors" not in answers[1], answers[1]
        assert answers[0] == answers[1]
