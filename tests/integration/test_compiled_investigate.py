"""The investigators' root fields: one Cypher query each (the subjects they start from, the
walk and the marks of what they show together), nested selections included."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.base.db import Database
from gateway.base.settings import Settings
from tests.conftest import LiveServer, count_queries
from tests.integration.audiences import DEPT, bearer, subject_headers
from tests.integration.test_investigate import GRAPH, OFFICERS, ORGS, PATHS, RISK, SHARED, world

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
    w: dict[str, Any], settings: Settings, gateway: LiveServer
) -> None:
    a, c = {"uscc": w["uscc"]["A"]}, {"uscc": w["uscc"]["C"]}
    nested = """query($o: SubjectRef!) { officersOfOrganization(organization: $o) {
      edges { cursor current node { kind start person { name idNumber
        listEntries { facts recognisingDepartment { name } } } organization { name } } } } }"""
    shared = """query($o: SubjectRef!) { sharedOfficers(organization: $o) { edges { cursor node {
      sharedCount organization { name listEntries { category } }
      officers { rolesHere person { name roles { kind } } } } } } }"""
    reads: list[tuple[str, dict[str, Any]]] = [
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
            body, used = count_queries(gateway, headers, query, variables)
            assert "errors" not in body, body
            assert used == 1, (query, used)
    # A refusal for want of a purpose reads only whom it concerns, to register it.
    body, used = count_queries(
        gateway, bearer(settings, purpose=None), PATHS, {"a": a, "b": c, "h": 4, "first": 10}
    )
    assert body["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED" and used == 1


async def test_credit_checks_of_the_subjects_a_page_shows_are_read_in_its_query(
    w: dict[str, Any], settings: Settings, gateway: LiveServer
) -> None:
    query = """query($o: SubjectRef!) { officersOfOrganization(organization: $o) { edges {
      node { kind organization { name creditCheck(matter: FISCAL_FUNDS) { found hits { kind } } } }
    } } sharedOfficers(organization: $o) { edges { node { organization {
      creditCheck(matter: FISCAL_FUNDS) { found hits { kind } } } } } } }"""
    body, used = count_queries(gateway, bearer(settings), query, {"o": {"uscc": w["uscc"]["A"]}})
    assert "errors" not in body, body
    assert used == 2  # one query per root field
    officers = body["data"]["officersOfOrganization"]["edges"]
    shared = body["data"]["sharedOfficers"]["edges"]
    assert officers and shared
    checks = [e["node"]["organization"]["creditCheck"] for e in officers + shared]
    assert all(c["found"] for c in checks)
