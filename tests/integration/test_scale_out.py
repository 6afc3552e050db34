"""What several stateless replicas over a Neo4j cluster rely on, checked on one server:
read transactions routed as reads, and bookmarks for read-your-writes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from neo4j.exceptions import ClientError

from gateway.base.db import Database
from gateway.base.errors import InvalidInput
from gateway.base.settings import Settings
from tests.conftest import LiveServer
from tests.integration.audiences import subject_headers
from tests.integration.test_audiences_consent import CONSENTS, GRANT, person, window

DEPT = "320800/淮安市市场监督管理局"


def _routing(settings: Settings, **changes: Any) -> Settings:
    """The same server through a routing (``neo4j://``) URI, as a cluster is addressed."""
    return settings.with_(
        neo4j_uri=f"neo4j://127.0.0.1:{settings.bolt_port}",
        neo4j_password=settings.password(),
        **changes,
    )


async def test_reads_run_as_read_transactions_unless_switched_off(
    settings: Settings, db: Database
) -> None:
    if not settings.local_neo4j:
        pytest.skip("probes the project's own single server")
    routed = Database.connect(_routing(settings))
    try:
        # a read transaction goes to a reader (a secondary on a cluster) and may not write
        with pytest.raises(ClientError) as refused:
            await routed.read("CREATE (:RoutingProbe {at: datetime()})")
        assert "AccessMode" in str(refused.value.code)
        assert (await routed.read("RETURN 1 AS one"))[0]["one"] == 1
    finally:
        await routed.close()
    writer = Database.connect(_routing(settings, neo4j_read_routing=False))
    try:  # NEO4J_READ_ROUTING=false: every query goes to the leader
        await writer.read("CREATE (:RoutingProbe {at: datetime()})")
        await writer.write("MATCH (p:RoutingProbe) DETACH DELETE p")
    finally:
        await writer.close()


async def test_a_write_leaves_bookmarks_that_a_fresh_view_waits_for(
    settings: Settings, db: Database
) -> None:
    before = await db.bookmarks()

    async def work(tx: Any) -> None:
        await tx.run("CREATE (:BookmarkProbe {n: 1})")

    await db.transaction(work, op="probe")
    after = await db.bookmarks()
    assert after and after != before  # transactions and queries share the driver's bookmarks
    view = db.after(after)  # as a second replica would, given the client's header
    rows = await view.read("MATCH (p:BookmarkProbe) RETURN count(p) AS n")
    assert rows[0]["n"] >= 1
    await db.write("MATCH (p:BookmarkProbe) DETACH DELETE p")
    with pytest.raises(InvalidInput):
        await db.after(["not-a-bookmark"]).read("RETURN 1")
    assert db.after(["", ""]) is db  # an empty header waits for nothing more


async def test_a_mutation_answers_with_bookmarks_a_client_sends_back(
    gateway: LiveServer, settings: Settings, db: Database
) -> None:
    p = await person(db)
    me = subject_headers(settings, p["id"])
    granted = httpx.post(
        f"{gateway.url}/graphql",
        headers=me,
        json={
            "query": GRANT,
            "variables": {
                "i": {
                    "subject": {"id": p["id"]},
                    "grantee": {"departmentId": DEPT},
                    "scope": ["AUTHORISED"],
                    "purpose": "办理贷款审批",
                    **window(),
                }
            },
        },
    )
    assert granted.status_code == 200 and "errors" not in granted.json(), granted.text
    bookmarks = granted.headers["x-credit-bookmarks"]
    assert bookmarks
    # another replica, handed the bookmarks, reads the consent just written
    listed = httpx.post(
        f"{gateway.url}/graphql",
        headers={**me, "X-Credit-Bookmarks": bookmarks},
        json={"query": CONSENTS, "variables": {"s": p["id"], "r": False}},
    )
    assert listed.status_code == 200, listed.text
    ids = {c["id"] for c in listed.json()["data"]["consents"]}
    assert granted.json()["data"]["grantConsent"]["id"] in ids
    bad = httpx.post(
        f"{gateway.url}/graphql",
        headers={**me, "X-Credit-Bookmarks": "forged"},
        json={"query": CONSENTS, "variables": {"s": p["id"], "r": False}},
    )
    assert bad.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "x-credit-bookmarks" not in listed.headers  # queries write nothing
