"""One Cypher query per root field: the README's worked query, a public search page and a
subject's checks, counted on the gateway's own query counter (``gateway.queries``)."""

from __future__ import annotations

from typing import Any

from gateway.base.db import Database
from gateway.base.settings import Settings
from tests.conftest import LiveServer, unique_uscc
from tests.graph import load_ok, represented_organisation
from tests.integration.audiences import DEPT, bearer

WORKED = """query($u: String!) { organization(uscc: $u) {
  name
  legalRepresentative { name }
  listEntries(kind: BLACK) {
    category severity status validUntil
    recognisingDepartment { name level }
  }
} }"""

PAGE = """query($t: String!) { search(text: $t, first: 20) { edges { cursor node {
  name ... on PublicOrganization { uscc legalRepresentativeName
    listEntries { kind facts recognisedOn recognisingDepartment { name jurisdiction { name } } }
  } } } pageInfo { hasNextPage endCursor } } }"""


def _counted(
    gateway: LiveServer, gql: Any, query: str, variables: dict[str, Any], **kwargs: Any
) -> tuple[dict[str, Any], int]:
    before = gateway.queries
    body = gql(query, variables, **kwargs)
    assert "errors" not in body, body
    return body["data"], gateway.queries - before


async def test_the_worked_query_is_one_query(
    db: Database, gql: Any, gateway: LiveServer, settings: Settings
) -> None:
    org = await represented_organisation(
        db, "淮安市计数物流有限公司", "计数代表", DEPT, ["PUBLIC", "GOVERNMENT", "AUTHORISED"]
    )
    data, used = _counted(gateway, gql, WORKED, {"u": org}, headers=bearer(settings))
    assert data["organization"]["legalRepresentative"] == {"name": "计数代表"}
    assert len(data["organization"]["listEntries"]) == 2  # the authorised one is not shown
    assert used == 1


async def test_a_public_search_page_of_twenty_is_one_query(
    db: Database, gql: Any, gateway: LiveServer
) -> None:
    codes = [unique_uscc() for _ in range(25)]
    await load_ok(
        db,
        "subjects",
        [{"uscc": c, "name": f"淮安市页数{n}商贸有限公司"} for n, c in enumerate(codes)],
    )
    await load_ok(
        db,
        "entries",
        [
            {
                "list": "BLACK",
                "uscc": c,
                "department_id": DEPT,
                "severity": "SERIOUS",
                "recognised_on": "2026-02-01",
                "disclosure": "PUBLIC",
                "facts": f"页数{n}",
            }
            for n, c in enumerate(codes)
        ],
    )
    data, used = _counted(gateway, gql, PAGE, {"t": "页数"}, path="/public/graphql", headers={})
    edges = data["search"]["edges"]
    assert len(edges) == 20 and data["search"]["pageInfo"]["hasNextPage"]
    assert all(len(e["node"]["listEntries"]) == 1 for e in edges)
    assert all(e["node"]["listEntries"][0]["recognisingDepartment"]["jurisdiction"] for e in edges)
    assert used == 1
