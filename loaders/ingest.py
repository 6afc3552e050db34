"""Set-based writes: subjects, roles, list entries and credit records.

Each statement takes a batch of already validated rows (``$rows``) and writes
them with one ``UNWIND``. Writes are idempotent on natural keys (USCC, citizen
ID number, role kind + start, entry key): a row equal to what the graph holds
changes nothing; a changed row updates the node and adds a ``Version`` holding
the new state, so every earlier state stays readable. Every row returns its
number ``n`` so the caller can report the ones that could not be linked.

A row that would change what a key identifies (graph_schema/rules/identity.py) is
not written: it comes back as a miss naming what it clashes with. Each row is
checked (and its key merged) in its own ``CALL``, which sees the writes of the rows
before it, so rows of one batch are judged in order, like rows of successive imports.
"""

from __future__ import annotations

from typing import Any

from gateway.db import Database, Transaction
from graph_schema.rules.identity import SINGLE_HOLDER_ROLES
from graph_schema.rules.propagation import (
    PROPAGATING_ROLES,
    SCOPES,
    VOID_REASON,
    propagate_statement,
    void_statement,
)
from graph_schema.rules.red_black import END_RED_ON_BLACK


def _version(of: str) -> str:
    return f"""
CREATE (x)-[:HAS_VERSION]->(v:Version)
SET v = properties(x), v.versionOf = {of}, v.versionAt = $now, v.versionActor = $actor,
    v.versionChange = CASE x.version WHEN 1 THEN 'RECORDED' ELSE 'UPDATED' END,
    v.versionReason = $reason
"""


_VERSION = _version("$versionOf")

# A row changes a node when one of its (non-null) properties differs.
_CHANGED = "x.version = 0 OR any(k IN keys(row.props) WHERE x[k] IS NULL OR x[k] <> row.props[k])"

# The subject a code names when it belongs to the other kind (管理办法 第十五条).
_OTHER_KIND = """head(COLLECT {
    MATCH (h:Person {idNumber: row.uscc}) RETURN {kind: 'PERSON', name: h.name} AS h
    UNION ALL
    MATCH (h:Organization {uscc: row.idNumber}) RETURN {kind: 'ORGANIZATION', name: h.name} AS h
  })"""

# Organisations and persons in one statement, in row order, so that a code claimed by
# an earlier row (or an earlier import) as one kind is refused as the other kind.
UPSERT_SUBJECTS = f"""
UNWIND $rows AS row
OPTIONAL CALL (row) {{
  WITH row WHERE row.uscc IS NOT NULL AND NOT EXISTS {{ MATCH (:Person {{idNumber: row.uscc}}) }}
  MERGE (x:Subject:Organization {{uscc: row.uscc}})
  ON CREATE SET x.id = randomUUID(), x.version = 0, x.createdAt = $now, x += row.defaults
  RETURN x
  UNION ALL
  WITH row
  WHERE row.idNumber IS NOT NULL AND NOT EXISTS {{ MATCH (:Organization {{uscc: row.idNumber}}) }}
  MERGE (x:Subject:Person {{idNumber: row.idNumber}})
  ON CREATE SET x.id = randomUUID(), x.version = 0, x.createdAt = $now, x += row.defaults
  RETURN x
}}
WITH row, x, coalesce(x IS NOT NULL AND ({_CHANGED}), false) AS changed
FOREACH (_ IN CASE WHEN changed THEN [1] ELSE [] END |
  SET x += row.props, x.version = x.version + 1, x.updatedAt = $now
  {_version("CASE WHEN x:Organization THEN 'Organization' ELSE 'Person' END")}
)
RETURN sum(CASE WHEN changed THEN 1 ELSE 0 END) AS written,
       sum(CASE WHEN changed AND x.version = 1 THEN 1 ELSE 0 END) AS created,
       collect(CASE WHEN x IS NULL THEN [row.n, 'subject_type', {{other: {_OTHER_KIND}}}] END)
       AS misses
"""

# A role is keyed by (person, organisation, kind, start). Only the end date may
# change later; an import without an end date never erases a known one. A post only
# one person holds (SINGLE_HOLDER_ROLES) is not given to a second one from the same day.
UPSERT_ROLES = f"""
UNWIND $rows AS row
OPTIONAL MATCH (p:Person {{idNumber: row.idNumber}})
OPTIONAL MATCH (o:Organization {{uscc: row.uscc}})
CALL (row, p, o) {{
  WITH row, p, o, CASE WHEN row.kind IN $singleHolder THEN
         [(h:Person)-[:HOLDS_ROLE {{kind: row.kind, start: row.start}}]->(o) WHERE h <> p | h]
       ELSE [] END AS holders
  WITH row, p, o, holders, CASE
    WHEN p IS NULL AND EXISTS {{ MATCH (:Organization {{uscc: row.idNumber}}) }}
      THEN 'id_number_type'
    WHEN p IS NULL THEN 'id_number'
    WHEN o IS NULL AND EXISTS {{ MATCH (:Person {{idNumber: row.uscc}}) }} THEN 'uscc_type'
    WHEN o IS NULL THEN 'uscc'
    WHEN size(holders) > 0 THEN 'role_holder'
  END AS clash
  OPTIONAL CALL (row, p, o, clash) {{
    WITH row, p, o, clash WHERE clash IS NULL
    MERGE (p)-[x:HOLDS_ROLE {{kind: row.kind, start: row.start}}]->(o)
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
  }}
  RETURN version, CASE WHEN clash IS NOT NULL THEN [row.n, clash, {{
    holder: [h IN holders | h {{.idNumber, .name}}][0],
    other: CASE WHEN clash ENDS WITH '_type' THEN {_OTHER_KIND} END}}] END AS miss
}}
RETURN count(version) AS written, sum(CASE version WHEN 1 THEN 1 ELSE 0 END) AS created,
       collect(miss) AS misses,
       collect(DISTINCT CASE WHEN version IS NOT NULL THEN o.id END) AS touched
"""


# The entry differs from the row, and the row is not the source row imported before.
_CHANGED_SOURCE = (
    "coalesce(x.sourceDigest <> row.digest, true) AND "
    "any(k IN keys(row.props) WHERE x[k] IS NULL OR x[k] <> row.props[k])"
)

# 实施办法 第二十条: an entry a procedure has ended (revoked, repaired, 第四条) or corrected
# (管理办法 第二十九条) changes only through procedures.
_PROCEDURE_TOUCHED = (
    "(x.endedOn IS NOT NULL OR EXISTS { (x)-[:HAS_VERSION]->(:Version {versionChange: "
    "'CORRECTED'}) })"
)
_LAST_CORRECTION = (
    "head(COLLECT { MATCH (x)-[:HAS_VERSION]->(c:Version {versionChange: 'CORRECTED'}) "
    "RETURN c.versionAt ORDER BY c.versionAt DESC })"
)


def _keyed_upsert(
    label: str, kind: str, given_by: str, on_create: str, returned: str, *, guarded: bool
) -> str:
    """Entries and records: one key names one subject, kind and department for good.

    ``kind`` is the property that says what the fact is (list or category) and
    ``given_by`` the relationship to the department answerable for it. A ``guarded``
    kind (list entries) remembers the digest of the source row that last wrote it: the
    same row again changes nothing, and a changed row of an entry a procedure has ended
    or corrected is refused (``procedure``) instead of undoing what the procedure did.
    """
    procedure_clash = (
        f"WHEN x IS NOT NULL AND {_CHANGED_SOURCE} AND {_PROCEDURE_TOUCHED} THEN 'procedure'"
        if guarded
        else ""
    )
    procedure_details = (
        f", endStatus: x.endStatus, endedOn: x.endedOn, endReason: x.endReason, "
        f"correctedAt: CASE clash WHEN 'procedure' THEN {_LAST_CORRECTION} END"
        if guarded
        else ""
    )
    changed = f"x.version = 0 OR ({_CHANGED_SOURCE})" if guarded else _CHANGED
    # Equal to the graph but said differently (the source caught up with a correction):
    # remember the new source row, without a version, since nothing changed.
    remember = (
        "FOREACH (_ IN CASE WHEN NOT changed AND coalesce(x.sourceDigest <> row.digest, true) "
        "THEN [1] ELSE [] END | SET x.sourceDigest = row.digest)\n    WITH x, row, s, d, changed "
        "WHERE changed\n    SET x.sourceDigest = row.digest"
        if guarded
        else "WITH x, row, s, d, changed WHERE changed"
    )
    return f"""
UNWIND $rows AS row
OPTIONAL MATCH (o:Organization {{uscc: row.uscc}})
OPTIONAL MATCH (p:Person {{idNumber: row.idNumber}})
WITH row, coalesce(o, p) AS s
OPTIONAL MATCH (d:Department {{id: row.departmentId}})
CALL (row, s, d) {{
  OPTIONAL MATCH (x:{label} {{key: row.key}})
  WITH row, s, d, x, [(x)-[:CONCERNS]->(h:Subject) | h] AS held,
       [(x)-[:{given_by}]->(g:Department) | g.id] AS givenBy
  WITH row, s, d, x, held, givenBy, CASE
    WHEN any(h IN held WHERE NOT coalesce(h.uscc = row.uscc OR h.idNumber = row.idNumber, false))
      THEN 'source_key'
    WHEN s IS NULL AND (EXISTS {{ MATCH (:Person {{idNumber: row.uscc}}) }}
                        OR EXISTS {{ MATCH (:Organization {{uscc: row.idNumber}}) }})
      THEN 'subject_type'
    WHEN s IS NULL THEN 'subject'
    WHEN d IS NULL THEN 'department'
    WHEN x.{kind} <> row.props.{kind} THEN 'kind'
    WHEN any(g IN givenBy WHERE g <> row.departmentId) THEN 'given_by'
    {procedure_clash}
  END AS clash
  OPTIONAL CALL (row, s, d, clash) {{
    WITH row, s, d, clash WHERE clash IS NULL
    MERGE (x:{label} {{key: row.key}})
    ON CREATE SET x.id = randomUUID(), x.version = 0, x.createdAt = $now{on_create},
                  x += row.defaults
    WITH x, row, s, d, {changed} AS changed
    {remember}
    SET x += row.props, x.version = x.version + 1, x.updatedAt = $now
    MERGE (x)-[:CONCERNS]->(s)
    MERGE (x)-[:{given_by}]->(d)
    {_VERSION}
    RETURN x.id AS writtenId, x.version AS version
  }}
  RETURN writtenId, version, CASE WHEN clash IS NOT NULL THEN [row.n, clash, {{
    held: [h IN held | h {{.uscc, .idNumber, .name}}][0], rowName: s.name, kind: x.{kind},
    givenBy: givenBy[0],
    other: CASE clash WHEN 'subject_type' THEN {_OTHER_KIND} END{procedure_details}}}] END AS miss
}}
RETURN count(version) AS written, sum(CASE version WHEN 1 THEN 1 ELSE 0 END) AS created,
       collect(miss) AS misses, collect(writtenId) AS {returned}
"""


UPSERT_LIST_ENTRIES = _keyed_upsert(
    "ListEntry",
    "kind",
    "RECOGNISED_BY",
    ", x.derived = false, x.status = row.status",
    "entryIds",
    guarded=True,
)

UPSERT_CREDIT_RECORDS = _keyed_upsert(
    "CreditRecord", "category", "PROVIDED_BY", "", "recordIds", guarded=False
)

DEPARTMENT_DIRECTORY = """
MATCH (d:Department)
RETURN d.id AS id, d.name AS name, coalesce(d.aliases, []) AS aliases,
       d.jurisdictionCode AS jurisdictionCode
"""


def version_params(now: Any, actor: str, reason: str | None, version_of: str) -> dict[str, Any]:
    return {"now": now, "actor": actor, "reason": reason, "versionOf": version_of}


_PROPAGATION = {scope: (propagate_statement(scope), void_statement(scope)) for scope in SCOPES}


async def propagate(
    tx: Transaction,
    *,
    now: Any,
    actor: str,
    reason: str | None,
    source_ids: list[str] | None = None,
    org_ids: list[str] | None = None,
) -> dict[str, int]:
    """管理办法 第二十六条 for the sources (or organisations) in scope; neither means all.

    Returns how many derived entries were recorded, updated and voided.
    """
    if source_ids is not None and org_ids is not None:
        raise ValueError("scope propagation by sources or by organisations, not both")
    scope = (
        "sources" if source_ids is not None else "organizations" if org_ids is not None else "all"
    )
    params = {
        "now": now,
        "actor": actor,
        "reason": reason,
        "roles": list(PROPAGATING_ROLES),
        "sourceIds": sorted(set(source_ids or [])),
        "orgIds": sorted(set(org_ids or [])),
        "voidReason": VOID_REASON,
    }
    counts = {"RECORDED": 0, "UPDATED": 0, "VOIDED": 0}
    for statement in _PROPAGATION[scope]:
        for record in await tx.run(statement, params):
            counts[record["change"]] += record["n"]
    return counts


async def write_list_entries(
    tx: Transaction, rows: list[dict[str, Any]], *, now: Any, actor: str, reason: str | None
) -> Any:
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


async def write_roles(
    tx: Transaction, rows: list[dict[str, Any]], *, now: Any, actor: str, reason: str | None
) -> Any:
    """Upsert roles; derived entries of the organisations touched follow the new dates."""
    params = {"now": now, "actor": actor, "reason": reason}
    [record] = await tx.run(
        UPSERT_ROLES, {"rows": rows, **params, "singleHolder": list(SINGLE_HOLDER_ROLES)}
    )
    if record["touched"]:
        await propagate(tx, now=now, actor=actor, reason=reason, org_ids=record["touched"])
    return record


async def recompute(db: Database, *, now: Any, actor: str) -> dict[str, int]:
    """Propagation over the whole graph; idempotent (a second run changes nothing)."""

    async def work(tx: Transaction) -> dict[str, int]:
        return await propagate(tx, now=now, actor=actor, reason="recompute")

    return await db.transaction(work, op="recompute")
