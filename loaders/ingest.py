"""Set-based writes: subjects, roles, list entries and credit records.

Each statement takes a batch of already validated rows (``$rows``) and writes
them with one ``UNWIND``. Writes are idempotent on natural keys (USCC, citizen
ID number, role kind + start, entry key): a row equal to what the graph holds
changes nothing; a changed row updates the node and adds a ``Version`` holding
the new state, so every earlier state stays readable. Every row returns its
number ``n`` so the caller can report the ones that could not be linked.
"""

from __future__ import annotations

from typing import Any

from gateway.db import Database, Transaction
from graph_schema.rules.propagation import PROPAGATE, PROPAGATING_ROLES, VOID_REASON, VOID_STALE

_VERSION = """
CREATE (x)-[:HAS_VERSION]->(v:Version)
SET v = properties(x), v.versionOf = $versionOf, v.versionAt = $now, v.versionActor = $actor,
    v.versionChange = CASE x.version WHEN 1 THEN 'RECORDED' ELSE 'UPDATED' END,
    v.versionReason = $reason
"""

# One record per batch (the driver pays per record): how many rows created and updated.
_COUNTS = ("count(*) AS written, sum(CASE x.version WHEN 1 THEN 1 ELSE 0 END) AS created, "
           "[] AS misses")

# A row changes a node when one of its (non-null) properties differs.
_CHANGED = "x.version = 0 OR any(k IN keys(row.props) WHERE x[k] IS NULL OR x[k] <> row.props[k])"

UPSERT_ORGANIZATIONS = f"""
UNWIND $rows AS row
MERGE (x:Subject:Organization {{uscc: row.uscc}})
ON CREATE SET x.id = randomUUID(), x.version = 0, x.createdAt = $now
WITH x, row WHERE {_CHANGED}
SET x += row.props, x.version = x.version + 1, x.updatedAt = $now
{_VERSION}
RETURN {_COUNTS}
"""

UPSERT_PERSONS = f"""
UNWIND $rows AS row
MERGE (x:Subject:Person {{idNumber: row.idNumber}})
ON CREATE SET x.id = randomUUID(), x.version = 0, x.createdAt = $now
WITH x, row WHERE {_CHANGED}
SET x += row.props, x.version = x.version + 1, x.updatedAt = $now
{_VERSION}
RETURN {_COUNTS}
"""

# A role is keyed by (person, organisation, kind, start). Only the end date may
# change later; an import without an end date never erases a known one.
UPSERT_ROLES = """
UNWIND $rows AS row
OPTIONAL MATCH (p:Person {idNumber: row.idNumber})
OPTIONAL MATCH (o:Organization {uscc: row.uscc})
OPTIONAL CALL (row, p, o) {
  WITH row, p, o WHERE p IS NOT NULL AND o IS NOT NULL
  MERGE (p)-[x:HOLDS_ROLE {kind: row.kind, start: row.start}]->(o)
  ON CREATE SET x.id = randomUUID(), x.version = 0, x.createdAt = $now
  WITH x, row, p WHERE x.version = 0 OR (row.end IS NOT NULL AND
                                          coalesce(x.end <> row.end, true))
  SET x.end = coalesce(row.end, x.end), x.source = row.source, x.version = x.version + 1,
      x.updatedAt = $now
  CREATE (p)-[:HAS_VERSION]->(v:Version)
  SET v = properties(x), v.versionOf = 'HOLDS_ROLE', v.organizationUscc = row.uscc,
      v.versionAt = $now, v.versionActor = $actor,
      v.versionChange = CASE x.version WHEN 1 THEN 'RECORDED' ELSE 'UPDATED' END,
      v.versionReason = $reason
  RETURN x.version AS version
}
RETURN count(version) AS written, sum(CASE version WHEN 1 THEN 1 ELSE 0 END) AS created,
       collect(CASE WHEN p IS NULL THEN [row.n, 'id_number'] WHEN o IS NULL THEN [row.n, 'uscc']
               END) AS misses,
       collect(DISTINCT CASE WHEN version IS NOT NULL THEN o.id END) AS touched
"""

UPSERT_LIST_ENTRIES = f"""
UNWIND $rows AS row
OPTIONAL MATCH (o:Organization {{uscc: row.uscc}})
OPTIONAL MATCH (p:Person {{idNumber: row.idNumber}})
WITH row, coalesce(o, p) AS s
OPTIONAL MATCH (d:Department {{id: row.departmentId}})
OPTIONAL CALL (row, s, d) {{
  WITH row, s, d WHERE s IS NOT NULL AND d IS NOT NULL
  MERGE (x:ListEntry {{key: row.key}})
  ON CREATE SET x.id = randomUUID(), x.version = 0, x.createdAt = $now, x.derived = false,
                x.status = row.status
  WITH x, row, s, d WHERE {_CHANGED}
  SET x += row.props, x.version = x.version + 1, x.updatedAt = $now
  MERGE (x)-[:CONCERNS]->(s)
  MERGE (x)-[:RECOGNISED_BY]->(d)
  {_VERSION}
  RETURN x.id AS entryId, x.version AS version
}}
RETURN count(version) AS written, sum(CASE version WHEN 1 THEN 1 ELSE 0 END) AS created,
       collect(CASE WHEN s IS NULL THEN [row.n, 'subject'] WHEN d IS NULL THEN [row.n, 'department']
               END) AS misses,
       collect(entryId) AS entryIds
"""

UPSERT_CREDIT_RECORDS = f"""
UNWIND $rows AS row
OPTIONAL MATCH (o:Organization {{uscc: row.uscc}})
OPTIONAL MATCH (p:Person {{idNumber: row.idNumber}})
WITH row, coalesce(o, p) AS s
OPTIONAL MATCH (d:Department {{id: row.departmentId}})
OPTIONAL CALL (row, s, d) {{
  WITH row, s, d WHERE s IS NOT NULL AND d IS NOT NULL
  MERGE (x:CreditRecord {{key: row.key}})
  ON CREATE SET x.id = randomUUID(), x.version = 0, x.createdAt = $now
  WITH x, row, s, d WHERE {_CHANGED}
  SET x += row.props, x.version = x.version + 1, x.updatedAt = $now
  MERGE (x)-[:CONCERNS]->(s)
  MERGE (x)-[:PROVIDED_BY]->(d)
  {_VERSION}
  RETURN x.id AS recordId, x.version AS version
}}
RETURN count(version) AS written, sum(CASE version WHEN 1 THEN 1 ELSE 0 END) AS created,
       collect(CASE WHEN s IS NULL THEN [row.n, 'subject'] WHEN d IS NULL THEN [row.n, 'department']
               END) AS misses
"""

# 实施办法 第四条: a subject put on a black list leaves the red lists it was on before.
END_RED_ON_BLACK = """
UNWIND $entryIds AS entryId
MATCH (b:ListEntry {id: entryId})-[:CONCERNS]->(s:Subject)
WHERE b.kind = 'BLACK' AND b.endedOn IS NULL
MATCH (x:ListEntry {kind: 'RED'})-[:CONCERNS]->(s)
WHERE x.endedOn IS NULL AND x.recognisedOn <= b.recognisedOn
  AND (x.validUntil IS NULL OR x.validUntil >= b.recognisedOn)
SET x.endedOn = b.recognisedOn, x.endStatus = 'REVOKED', x.status = 'REVOKED',
    x.endReason = '实施办法 第四条: listed on black list entry ' + b.id,
    x.version = x.version + 1, x.updatedAt = $now
CREATE (x)-[:HAS_VERSION]->(v:Version)
SET v = properties(x), v.versionOf = 'ListEntry', v.versionAt = $now, v.versionActor = $actor,
    v.versionChange = 'REVOKED', v.versionReason = x.endReason
RETURN count(x) AS ended
"""

DEPARTMENT_DIRECTORY = """
MATCH (d:Department)
RETURN d.id AS id, d.name AS name, coalesce(d.aliases, []) AS aliases,
       d.jurisdictionCode AS jurisdictionCode
"""


def version_params(now: Any, actor: str, reason: str | None, version_of: str) -> dict[str, Any]:
    return {"now": now, "actor": actor, "reason": reason, "versionOf": version_of}


async def propagate(tx: Transaction, *, now: Any, actor: str, reason: str | None,
                    source_ids: list[str] | None = None,
                    org_ids: list[str] | None = None) -> dict[str, int]:
    """管理办法 第二十六条 for the sources (or organisations) in scope; None means all.

    Returns how many derived entries were recorded, updated and voided.
    """
    params = {"now": now, "actor": actor, "reason": reason, "roles": list(PROPAGATING_ROLES),
              "sourceIds": source_ids, "orgIds": org_ids, "voidReason": VOID_REASON}
    counts = {"RECORDED": 0, "UPDATED": 0, "VOIDED": 0}
    for statement in (PROPAGATE, VOID_STALE):
        for record in await tx.run(statement, params):
            counts[record["change"]] += record["n"]
    return counts


async def write_list_entries(tx: Transaction, rows: list[dict[str, Any]], *, now: Any,
                             actor: str, reason: str | None) -> Any:
    """Upsert entries, then 实施办法 第四条 and 管理办法 第二十六条, in one transaction."""
    [record] = await tx.run(
        UPSERT_LIST_ENTRIES,
        {"rows": rows, **version_params(now, actor, reason, "ListEntry")},
    )
    written = record["entryIds"]
    if written:
        await tx.run(END_RED_ON_BLACK, {"entryIds": written, "now": now, "actor": actor})
        await propagate(tx, now=now, actor=actor, reason=reason, source_ids=written)
    return record


async def write_roles(tx: Transaction, rows: list[dict[str, Any]], *, now: Any, actor: str,
                      reason: str | None) -> Any:
    """Upsert roles; derived entries of the organisations touched follow the new dates."""
    [record] = await tx.run(UPSERT_ROLES, {"rows": rows, "now": now, "actor": actor,
                                           "reason": reason})
    if record["touched"]:
        await propagate(tx, now=now, actor=actor, reason=reason, org_ids=record["touched"])
    return record


async def recompute(db: Database, *, now: Any, actor: str) -> dict[str, int]:
    """Propagation over the whole graph; idempotent (a second run changes nothing)."""

    async def work(tx: Transaction) -> dict[str, int]:
        return await propagate(tx, now=now, actor=actor, reason="recompute")

    return await db.transaction(work, op="recompute")
