"""Versioned Cypher migrations, each applied once and recorded in the graph.

Migrations are the files ``graph_schema/migrations/NNNN_name.cypher``; statements
end with ``;`` and ``//`` lines are comments. Each statement is its own transaction; one
that commits in batches (``CALL { … } IN TRANSACTIONS``) runs in an auto-commit one. An
applied migration is a ``(:Migration {id, checksum, appliedAt})`` node; a migration whose
text changed after it was applied is an error, not silently re-run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from gateway.base.db import Database
from gateway.base.errors import ConfigurationError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

APPLIED = "MATCH (m:Migration) RETURN m.id AS id, m.checksum AS checksum"
RECORD = """
MERGE (m:Migration {id: $id})
ON CREATE SET m.checksum = $checksum, m.appliedAt = datetime()
"""
AWAIT_INDEXES = "CALL db.awaitIndexes(600)"
# A statement that commits in batches (``CALL { … } IN TRANSACTIONS``) runs auto-commit.
_BATCHED = re.compile(r"\bIN\s+TRANSACTIONS\b", re.IGNORECASE)


@dataclass(frozen=True)
class Migration:
    id: str
    statements: tuple[str, ...]
    checksum: str


def split_statements(text: str) -> tuple[str, ...]:
    lines = [line for line in text.splitlines() if not line.strip().startswith("//")]
    return tuple(s.strip() for s in "\n".join(lines).split(";") if s.strip())


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.cypher")):
        text = path.read_text(encoding="utf-8")
        migrations.append(
            Migration(path.stem, split_statements(text), hashlib.sha256(text.encode()).hexdigest())
        )
    return migrations


async def pending(db: Database) -> list[Migration]:
    applied = {r["id"]: r["checksum"] for r in await db.read(APPLIED, op="migrations")}
    todo = []
    for migration in discover():
        if migration.id not in applied:
            todo.append(migration)
        elif applied[migration.id] != migration.checksum:
            raise ConfigurationError(
                f"migration {migration.id} changed after it was applied; add a new one instead"
            )
    return todo


async def migrate(db: Database) -> list[str]:
    """Apply every pending migration in order; return the ids applied."""
    done = []
    for migration in await pending(db):
        for statement in migration.statements:
            op = f"migrate:{migration.id}"
            if _BATCHED.search(statement):  # e.g. a change to every node of a label
                await db.in_transactions(statement, op=op)
            else:
                await db.write(statement, op=op)
        await db.write(AWAIT_INDEXES, op="migrate:await-indexes")
        await db.write(
            RECORD, {"id": migration.id, "checksum": migration.checksum}, op="migrate:record"
        )
        done.append(migration.id)
    return done
