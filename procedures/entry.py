"""Steps on the entry itself: end (revoke, repair), correct, record an event, expire.

Nothing here deletes an entry or a version (实施办法 第二十条, 管理办法 第三十三条):
every change is a new ``Version`` of the entry with time, actor and reason, and the
source's derived entries follow it in the same transaction (管理办法 第二十六条).
The ``write_*`` functions are statements for other steps to compose inside their own
transaction; ``end_entry`` and ``expire`` are steps of their own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.base.db import Database, Transaction
from procedures import step
from procedures.propagation import propagate

# The entry's state after a change, as a new version (``change`` is bound by the caller).
ENTRY_VERSION = """
CREATE (e)-[:HAS_VERSION]->(v:Version)
SET v = properties(e), v.versionOf = 'ListEntry', v.versionAt = $now, v.versionActor = $actor,
    v.versionChange = change, v.versionReason = $reason
"""

# Any event in an entry's life that changes no field: still a version of its own.
ENTRY_EVENT = f"""
MATCH (e:ListEntry {{id: $entryId}})
SET e.version = e.version + 1, e.updatedAt = $now
WITH e, $change AS change
{ENTRY_VERSION}
RETURN e.id AS id
"""

# Ending an entry (revocation, repair): the entry stays, with its end. Derived entries
# are never ended directly: they follow their source.
END_LIST_ENTRY = """
MATCH (x:ListEntry {id: $id})
WHERE x.derived = false
SET x.endedOn = $on, x.endStatus = $status, x.status = $status, x.endReason = $reason,
    x.version = x.version + 1, x.updatedAt = $now
CREATE (x)-[:HAS_VERSION]->(v:Version)
SET v = properties(x), v.versionOf = 'ListEntry', v.versionAt = $now, v.versionActor = $actor,
    v.versionChange = $status, v.versionReason = $reason
RETURN count(x) AS ended
"""

# A correction is a new version of the entry; the earlier one stays in its history.
CORRECT_ENTRY = f"""
MATCH (e:ListEntry {{id: $entryId}})
SET e += $changes, e.version = e.version + 1, e.updatedAt = $now
WITH e, 'CORRECTED' AS change
{ENTRY_VERSION}
RETURN e.id AS id
"""

# 实施办法 第十九条: after repair the original entry is kept as an archive record.
ARCHIVE_ENTRY = f"""
MATCH (e:ListEntry {{id: $entryId}})
SET e.archivedOn = $on, e.version = e.version + 1, e.updatedAt = $now
WITH e, 'ARCHIVED' AS change
{ENTRY_VERSION}
RETURN e.id AS id
"""

# The recorded status catches up with validity (reporting only; answers use dates).
EXPIRE = f"""
MATCH (e:ListEntry)
WHERE e.status = 'ACTIVE' AND e.validUntil IS NOT NULL AND e.validUntil < $asOf
  AND e.endedOn IS NULL
SET e.status = 'EXPIRED', e.version = e.version + 1, e.updatedAt = $now
WITH e, 'EXPIRED' AS change
{ENTRY_VERSION}
RETURN count(e) AS expired
"""


async def write_end(
    tx: Transaction,
    entry_id: str,
    *,
    status: str,
    on: dt.date,
    reason: str,
    actor: str,
    now: dt.datetime,
) -> bool:
    """End a source entry; its derived entries follow. False for a derived entry."""
    [record] = await tx.run(
        END_LIST_ENTRY,
        {"id": entry_id, "status": status, "on": on, "reason": reason, "actor": actor, "now": now},
    )
    if record["ended"]:
        await propagate(tx, now=now, actor=actor, reason=reason, source_ids=[entry_id])
    return bool(record["ended"])


async def write_correction(
    tx: Transaction,
    entry_id: str,
    changes: dict[str, Any],
    *,
    now: dt.datetime,
    actor: str,
    reason: str,
) -> None:
    """A new version of the entry; its derived entries follow at once."""
    await tx.run(
        CORRECT_ENTRY,
        {"entryId": entry_id, "changes": changes, "now": now, "actor": actor, "reason": reason},
    )
    await propagate(tx, now=now, actor=actor, reason=reason, source_ids=[entry_id])


async def write_event(
    tx: Transaction, entry_id: str, *, change: str, reason: str, actor: str, now: dt.datetime
) -> None:
    """A version recording an event that changes no field (disputed, dispute closed)."""
    await tx.run(
        ENTRY_EVENT,
        {"entryId": entry_id, "now": now, "actor": actor, "change": change, "reason": reason},
    )


async def write_archive(
    tx: Transaction, entry_id: str, *, on: dt.date, reason: str, actor: str, now: dt.datetime
) -> None:
    """实施办法 第十九条: the repaired entry is kept as an archive record."""
    await tx.run(
        ARCHIVE_ENTRY, {"entryId": entry_id, "on": on, "now": now, "actor": actor, "reason": reason}
    )


async def end_entry(
    db: Database,
    entry_id: str,
    *,
    status: str,
    on: dt.date,
    reason: str,
    actor: str,
    now: dt.datetime,
) -> bool:
    """End (revoke, repair) a source entry with its derived entries, in one transaction."""

    async def work(tx: Transaction) -> bool:
        return await write_end(
            tx, entry_id, status=status, on=on, reason=reason, actor=actor, now=now
        )

    return await step.run(db, work, op="end_list_entry")


async def expire(db: Database, *, as_of: dt.date, now: dt.datetime, actor: str) -> int:
    """Mark entries past their validity EXPIRED (idempotent: a second run marks none)."""

    async def work(tx: Transaction) -> int:
        [record] = await tx.run(
            EXPIRE,
            {
                "asOf": as_of,
                "now": now,
                "actor": actor,
                "reason": "管理办法 第二十七条: validity ended",
            },
        )
        return int(record["expired"])

    return await step.run(db, work, op="expire")
