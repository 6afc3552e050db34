"""The investigators' root fields: one Cypher query each (the subjects they start from, the
walk and the marks of what they show together), and the same answers, errors and register
entries as the per-field path for generated selections and audiences."""

from __future__ import annotations

import os
from typing import Any

import pytest

from gateway.db import Database
from gateway.settings import Settings
from tests.conftest import LiveServer
from tests.integration.audiences import DEPT, OTHER_DEPT, bearer, subject_headers
from tests.integration.differential import compare, compiled, count_queries, legacy
from tests.integration.test_investigate import GRAPH, OFFICERS, ORGS, PATHS, RISK, SHARED, world

__all__ = ["compiled", "legacy"]  # the two gateways, as fixtures of this module

SEEDS = int(os.environ.get("CREDIT_GRAPH_DIFFERENTIAL_SEEDS", "240"))
CONSENT = """mutation($i: GrantConsentInput!) { grantConsent(input: $i) { id } }"""


@pytest.fixture(scope="module")
async def w(db: Database, gql: Any, settings: Settings) -> dict[str, Any]:
    """The crafted graph of ``test_investigate``; B consents to ``DEPT`` (授权查询), and the
    cursors of first pages."""
    w = await world(db, "较")
    body = gql(
        CONSENT,
        {
            "i": {
                "subject": {"uscc": w["uscc"]["B"]},
                "grantee": {"departmentId": DEPT},
                "scope": ["AUTHORISED"],
                "purpose": "调查",
                "validUntil": "2035-01-01T00:00:00+08:00",
            }
        },
        headers=subject_headers(settings, w["id"]["B"]),
    )
    assert "errors" not in body, body
    a, c = {"uscc": w["uscc"]["A"]}, {"uscc": w["uscc"]["C"]}
    pages = {
        "paths": gql(PATHS, {"a": a, "b": c, "h": 4, "first": 1})["data"]["shortestPaths"],
        "risk": gql(RISK, {"s": a, "h": 4, "first": 1})["data"]["riskAround"],
        "officers": gql(OFFICERS, {"o": a, "first": 2})["data"]["officersOfOrganization"],
        "shared": gql(SHARED, {"o": a, "first": 1})["data"]["sharedOfficers"],
    }
    w["cursor"] = {k: p["pageInfo"]["endCursor"] for k, p in pages.items()}
    assert all(w["cursor"].values()), w["cursor"]
    return w


async def test_each_exploration_is_one_query(
    w: dict[str, Any], settings: Settings, compiled: LiveServer
) -> None:
    a, c = {"uscc": w["uscc"]["A"]}, {"uscc": w["uscc"]["C"]}
    nested = """query($o: SubjectRef!) { officersOfOrganization(organization: $o) {
      edges { cursor current node { kind start person { name idNumber
        listEntries { facts recognisingDepartment { name } } } organization { name } } } } }"""
    shared = """query($o: SubjectRef!) { sharedOfficers(organization: $o) { edges { cursor node {
      sharedCount organization { name listEntries { category } }
      officers { rolesHere person { name roles { kind } } } } } } }"""
    reads = [
        (GRAPH, {"s": a, "d": 4, "dep": True, "max": 200}),
        (PATHS, {"a": a, "b": c, "h": 4, "first": 10}),
        (RISK, {"s": a, "h": 4, "first": 10}),
        (ORGS, {"p": {"idNumber": w["idn"]["sup"]}}),
        (OFFICERS, {"o": a, "first": 20}),
        (nested, {"o": a}),
        (SHARED, {"o": a, "first": 10}),
        (shared, {"o": a}),
    ]
    for headers in (bearer(settings), bearer(settings, consent="*")):
        for query, variables in reads:
            body, used = count_queries(compiled, headers, query, variables)
            assert "errors" not in body, body
            assert used == 1, (query, used)
    # A refusal for want of a purpose reads only whom it concerns, to register it.
    body, used = count_queries(
        compiled, bearer(settings, purpose=None), PATHS, {"a": a, "b": c, "h": 4, "first": 10}
    )
    assert body["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED" and used == 1


def _audiences(settings: Settings) -> dict[str, dict[str, str]]:
    return {
        "investigator": bearer(settings, roles=["investigator"]),
        "investigator-no-purpose": bearer(settings, roles=["investigator"], purpose=None),
        "investigator-consent": bearer(settings, roles=["investigator"], consent="*"),
        "credit-admin-other-dept": bearer(settings, roles=["credit_admin"], dept=OTHER_DEPT),
        "approval": bearer(settings, roles=["approval"]),
        "officer": bearer(settings),
    }


async def test_generated_explorations_answer_alike_on_both_paths(
    w: dict[str, Any], settings: Settings, db: Database, legacy: LiveServer, compiled: LiveServer
) -> None:
    u, n, cursor = w["uscc"], w["idn"], w["cursor"]
    a, c, d = f'{{uscc: "{u["A"]}"}}', f'{{uscc: "{u["C"]}"}}', f'{{idNumber: "{n["d"]}"}}'
    sup, nobody = f'{{idNumber: "{n["sup"]}"}}', '{id: "00000000-0000-4000-8000-000000000000"}'
    roots = [
        f"neighbourhood(subject: {a}, depth: 4)",
        f"neighbourhood(subject: {a})",
        f"neighbourhood(subject: {a}, depth: 3, maxNodes: 6)",
        f"neighbourhood(subject: {d}, depth: 1)",
        f'neighbourhood(subject: {a}, depth: 4, roles: {{asOf: "2019-03-01"}})',
        f"neighbourhood(subject: {a}, depth: 4, roles: {{kinds: [DIRECTOR]}}, listKinds: [])",
        f"neighbourhood(subject: {a}, depth: 2, listKinds: [BLACK], departments: false)",
        f"neighbourhood(subject: {nobody})",
        f"neighbourhood(subject: {a}, depth: 9)",
        f"shortestPaths(from: {a}, to: {c}, maxHops: 4)",
        f"shortestPaths(from: {a}, to: {c}, maxHops: 4, first: 1)",
        f'shortestPaths(from: {a}, to: {c}, maxHops: 4, first: 1, after: "{cursor["paths"]}")',
        f'shortestPaths(from: {a}, to: {c}, maxHops: 6, roles: {{asOf: "2021-06-01"}})',
        f"shortestPaths(from: {d}, to: {a}, maxHops: 6)",
        f"shortestPaths(from: {a}, to: {a})",
        f"shortestPaths(from: {a}, to: {nobody})",
        f"shortestPaths(from: {a}, to: {c}, maxHops: 7)",
        f"riskAround(subject: {a})",
        f"riskAround(subject: {a}, maxHops: 4)",
        f"riskAround(subject: {a}, maxHops: 4, first: 1)",
        f'riskAround(subject: {a}, maxHops: 4, first: 1, after: "{cursor["risk"]}")',
        f"riskAround(subject: {sup}, maxHops: 3)",
        f"riskAround(subject: {nobody})",
        f"organizationsOfPerson(person: {sup})",
        f"organizationsOfPerson(person: {a})",
        f"organizationsOfPerson(person: {sup}, tenure: PAST)",
        f"officersOfOrganization(organization: {a})",
        f'officersOfOrganization(organization: {a}, tenure: CURRENT, on: "2019-03-01")',
        f'officersOfOrganization(organization: {a}, first: 2, after: "{cursor["officers"]}")',
        f"officersOfOrganization(organization: {a}, first: 0)",
        f"officersOfOrganization(organization: {nobody})",
        f"sharedOfficers(organization: {a})",
        f"sharedOfficers(organization: {a}, first: 1)",
        f'sharedOfficers(organization: {a}, first: 1, after: "{cursor["shared"]}")',
        f"sharedOfficers(organization: {a}, roles: {{kinds: [SENIOR_MANAGER]}})",
        f"sharedOfficers(organization: {sup})",
    ]
    answered = await compare(
        db, legacy, compiled, roots, _audiences(settings), range(SEEDS), depth=4
    )
    assert answered > SEEDS // 4


async def test_a_selection_reaching_a_field_not_yet_compiled_is_answered_field_by_field(
    w: dict[str, Any], settings: Settings, legacy: LiveServer, compiled: LiveServer
) -> None:
    query = """query($o: SubjectRef!) { officersOfOrganization(organization: $o) { edges {
      node { kind organization { name creditCheck(matter: FISCAL_FUNDS) { hits { kind } } } }
    } } sharedOfficers(organization: $o) { edges { node { organization {
      creditCheck(matter: FISCAL_FUNDS) { hits { kind } } } } } } }"""
    variables = {"o": {"uscc": w["uscc"]["A"]}}
    answers = [
        count_queries(server, bearer(settings), query, variables)[0]
        for server in (legacy, compiled)
    ]
    assert "errors" not in answers[1], answers[1]
    assert answers[0] == answers[1] and answers[1]["data"]["officersOfOrganization"]["edges"]
