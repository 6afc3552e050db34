"""The lifecycle's read root fields: one Cypher query each."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.base.db import Database
from gateway.base.settings import Settings
from tests.conftest import LiveServer, count_queries
from tests.integration.audiences import bearer
from tests.integration.test_audiences_lifecycle import procedure_world


@pytest.fixture(scope="module")
async def world(db: Database, gql: Any, settings: Settings) -> dict[str, Any]:
    return await procedure_world(db, gql, settings, "译")


async def test_each_lifecycle_read_is_one_query(
    world: dict[str, Any], settings: Settings, gateway: LiveServer
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
        body, used = count_queries(gateway, officer, query, variables)
        assert "errors" not in body, body
        assert used == 1, (query, used)
