"""The project's own Neo4j server: idempotent start/stop/status, data survives a restart."""

from __future__ import annotations

import os

import pytest
from neo4j import GraphDatabase

from gateway.base.settings import Settings
from gateway.ops import neo4j_server


def test_a_second_start_does_not_start_a_second_server(settings: Settings) -> None:
    if not settings.local_neo4j:
        pytest.skip("the suite runs against an external Neo4j (CREDIT_GRAPH_TEST_NEO4J_URI)")
    before = neo4j_server.status(settings)
    again = neo4j_server.start(settings)
    assert before.running and again.pid == before.pid
    assert settings.instance != "demo" and settings.bolt_port != 7687  # never the demo instance


def test_auth_is_on_and_data_survives_a_restart(settings: Settings, tmp_path: object) -> None:
    if not settings.local_neo4j:
        pytest.skip("the suite runs against an external Neo4j (CREDIT_GRAPH_TEST_NEO4J_URI)")
    own = settings.with_(
        instance=f"{settings.instance}-restart",
        bolt_port=settings.bolt_port + 100,
        http_port=settings.http_port + 100,
    )
    try:
        neo4j_server.start(own)
        password = own.password()
        with GraphDatabase.driver(own.bolt_uri, auth=("neo4j", password)) as driver:
            driver.execute_query("MERGE (:Marker {name: 'kept'})")
        with (
            GraphDatabase.driver(own.bolt_uri, auth=("neo4j", "wrong-" + password)) as driver,
            pytest.raises(Exception, match="(?i)auth|credentials|unauthori"),
        ):
            driver.verify_connectivity()
        assert neo4j_server.stop(own).running is False
        assert neo4j_server.stop(own).running is False  # idempotent
        neo4j_server.start(own)
        with GraphDatabase.driver(own.bolt_uri, auth=("neo4j", password)) as driver:
            records, _, _ = driver.execute_query("MATCH (m:Marker) RETURN m.name AS name")
        assert [r["name"] for r in records] == ["kept"]
        conf = (own.instance_dir / "conf" / "neo4j.conf").read_text()
        assert "server.default_listen_address=127.0.0.1" in conf
        assert oct(os.stat(own.instance_dir / "password").st_mode & 0o777) == "0o600"
    finally:
        neo4j_server.stop(own)
