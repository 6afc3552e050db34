"""Migrations and the model's constraints on the real Neo4j."""

from __future__ import annotations

import pytest

from gateway.base.db import Database
from gateway.base.errors import ConfigurationError, Conflict
from graph_schema.migrate import discover, migrate, pending
from graph_schema.rules.validity import status_on, status_on_cypher


async def test_migrations_run_once_and_are_recorded(db: Database) -> None:
    assert await migrate(db) == []
    applied = await db.read("MATCH (m:Migration) RETURN m.id AS id ORDER BY id")
    assert [r["id"] for r in applied] == [m.id for m in discover()]
    names = {r["name"] for r in await db.read("SHOW CONSTRAINTS YIELD name RETURN name")}
    assert {"organization_uscc", "person_id_number", "subject_id", "list_entry_key"} <= names
    index = await db.read("SHOW FULLTEXT INDEXES YIELD name, options RETURN name, options")
    assert index[0]["name"] == "subject_name"
    assert index[0]["options"]["indexConfig"]["fulltext.analyzer"] == "cjk"


async def test_an_edited_migration_is_refused(db: Database) -> None:
    first = discover()[0]
    await db.write("MATCH (m:Migration {id: $id}) SET m.checksum = 'edited'", {"id": first.id})
    try:
        with pytest.raises(ConfigurationError):
            await pending(db)
    finally:
        await db.write(
            "MATCH (m:Migration {id: $id}) SET m.checksum = $c",
            {"id": first.id, "c": first.checksum},
        )


async def test_a_batched_migration_removes_the_registers_old_links(db: Database) -> None:
    """0008 runs ``CALL { … } IN TRANSACTIONS`` (auto-commit): the links events written
    before the register named subjects by id are gone; the events and their ids stay."""
    [links] = [m for m in discover() if m.id == "0008_register_links"]
    await db.write(
        """CREATE (s:Subject {id: 'migrate-s'}), (c:Consent {id: 'migrate-c'})
        CREATE (e:AuditEvent {id: 'migrate-e', subjectId: 'migrate-s',
          consentIds: ['migrate-c']})
        CREATE (e)-[:ABOUT]->(s), (e)-[:UNDER]->(c)
        WITH e MATCH (m:Migration {id: $id}) DELETE m""",
        {"id": links.id},
    )
    try:
        assert await migrate(db) == [links.id]
        [row] = await db.read(
            """MATCH (e:AuditEvent {id: 'migrate-e'})
            RETURN e.subjectId AS subject, e.consentIds AS consents,
              COUNT { (e)-[:ABOUT|UNDER]->() } AS links"""
        )
        assert row["subject"] == "migrate-s" and row["consents"] == ["migrate-c"]
        assert row["links"] == 0
        assert await pending(db) == []
    finally:
        await db.write(
            "MATCH (n) WHERE n.id IN ['migrate-s', 'migrate-c', 'migrate-e'] DETACH DELETE n"
        )


async def test_uniqueness_is_enforced_by_neo4j(db: Database) -> None:
    await db.write("CREATE (:Subject:Organization {id: 'dup-1', uscc: 'DUPLICATE-USCC'})")
    with pytest.raises(Conflict):
        await db.write("CREATE (:Subject:Organization {id: 'dup-2', uscc: 'DUPLICATE-USCC'})")


async def test_cypher_status_rule_agrees_with_python(db: Database) -> None:
    import datetime as dt

    from graph_schema.model import EntryStatus

    D = dt.date
    cases = [
        (D(2024, 1, 9), D(2024, 1, 10), D(2025, 1, 10), None, None),
        (D(2025, 1, 10), D(2024, 1, 10), D(2025, 1, 10), None, None),
        (D(2025, 1, 11), D(2024, 1, 10), D(2025, 1, 10), None, None),
        (D(2024, 6, 1), D(2024, 1, 10), D(2025, 1, 10), D(2024, 6, 1), "REPAIRED"),
        (D(2024, 5, 31), D(2024, 1, 10), D(2025, 1, 10), D(2024, 6, 1), "REPAIRED"),
        (D(2030, 1, 1), D(2024, 1, 10), None, None, None),
    ]
    rows = [
        {"asOf": a, "e": {"recognisedOn": r, "validUntil": u, "endedOn": e, "endStatus": s}}
        for a, r, u, e, s in cases
    ]
    records = await db.read(
        f"UNWIND $rows AS row WITH row.e AS e, row.asOf AS asOf "
        f"RETURN {status_on_cypher('e', 'asOf')} AS status",
        {"rows": rows},
    )
    expected = [status_on(a, r, u, e, EntryStatus(s) if s else None) for a, r, u, e, s in cases]
    assert [r["status"] for r in records] == [x.value if x else None for x in expected]
