"""The lifecycle's read root fields: one Cypher query each, and the same answers (data,
errors, register entries) as the per-field path for generated selections and audiences."""

from __future__ import annotations

import os
from typing import Any

import pytest

from gateway.db import Database
from gateway.settings import Settings
from tests.conftest import LiveServer
from tests.integration.audiences import DEPT, OTHER_DEPT, bearer, subject_headers
from tests.integration.differential import compare, compiled, count_queries, legacy
from tests.integration.test_audiences_lifecycle import procedure_world

__all__ = ["compiled", "legacy"]  # the two gateways, as fixtures of this module

SEEDS = int(os.environ.get("CREDIT_GRAPH_DIFFERENTIAL_SEEDS", "240"))
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
async def world(db: Database, gql: Any, settings: Settings) -> dict[str, Any]:
    return await procedure_world(db, gql, settings, "译")


async def test_each_lifecycle_read_is_one_query(
    world: dict[str, Any], settings: Settings, compiled: LiveServer
) -> None:
    w, officer = world, bearer(settings)
    reads = [
        (
            "query($e: ID!) { entryHistory(entryId: $e) { version change at facts } }",
            {"e": w["entries"]["org-government"]},
        ),
        (
            """{ objections(overdueOnly: false) { id entryId currentStep { kind overdue }
              steps { kind dueOn } } }""",
            {},
        ),
        (
            """query($o: ID!) { objection(id: $o) { id statement evidence
              currentStep { kind } steps { kind outcome } } }""",
            {"o": w["objections"]["org-government"]},
        ),
        (
            "query($e: ID!) { repairEligibility(entryId: $e) { eligible rules { rule passed } } }",
            {"e": w["entries"]["rep-authorised"]},
        ),
        (
            "query($a: ID!) { repairApplication(id: $a) { id status rules { rule } } }",
            {"a": w["public_repair"]["application"]},
        ),
    ]
    for query, variables in reads:
        body, used = count_queries(compiled, officer, query, variables)
        assert "errors" not in body, body
        assert used == 1, (query, used)


def _audiences(settings: Settings, w: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        "officer": bearer(settings),
        "officer-no-purpose": bearer(settings, purpose=None),
        "other-department": bearer(settings, roles=["approval"], dept=OTHER_DEPT),
        "providing-department": bearer(settings, roles=["approval"], dept=DEPT),
        "other-department-consent": bearer(
            settings, roles=["approval"], dept=OTHER_DEPT, consent="*", sub="consented"
        ),
        "supervisor": bearer(settings, roles=["supervisor"], dept=OTHER_DEPT),
        "self-org": subject_headers(settings, w["org_id"]),
        "self-rep": subject_headers(settings, w["rep_id"]),
        "bank-consent": subject_headers(
            settings, w["bank_id"], purpose="贷款审查", sub="bank-clerk-l", consent="*"
        ),
    }


async def test_generated_lifecycle_reads_answer_alike_on_both_paths(
    world: dict[str, Any],
    settings: Settings,
    db: Database,
    legacy: LiveServer,
    compiled: LiveServer,
) -> None:
    w = world
    entries = [*w["entries"].values(), w["public_repair"]["entry"], UNKNOWN]
    roots = [f'entryHistory(entryId: "{e}")' for e in entries]
    roots += [f'objection(id: "{o}")' for o in [*w["objections"].values(), UNKNOWN]]
    roots += ["objections"] * 3
    roots += [f'repairEligibility(entryId: "{e}")' for e in entries]
    roots += [
        f'repairEligibility(entryId: "{e}", committed: false, asOf: "2026-12-01", '
        f'correctedOn: "2025-02-01")'
        for e in entries[:2]
    ]
    roots += [
        f'repairApplication(id: "{a}")'
        for a in (w["public_repair"]["application"], w["authorised_repair"]["application"], UNKNOWN)
    ]
    answered = await compare(db, legacy, compiled, roots, _audiences(settings, w), range(SEEDS))
    assert answered > SEEDS // 4  # not only refusals were compared
