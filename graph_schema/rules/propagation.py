"""Propagation of an organisation's serious dishonesty to responsible persons.

管理办法 第二十六条: the dishonesty of a seriously dishonest legal person is recorded
against its legal representative, principal responsible person and other directly
responsible persons; 实施办法 第十四条（十一）（十三） and 003 （十九） let users punish
them. Who held the post on the date of the dishonest act decides: someone who left
before it, or joined after it, is not touched.

A derived entry is a ``ListEntry {derived: true}`` on the person, linked
``-[:DERIVED_FROM]->`` its source, ``-[:THROUGH]->`` the organisation, carrying the
roles it came through and a copy of the source's facts, severity, disclosure and
validity window, so that every query evaluates it exactly like its source. The
Cypher below runs inside the transaction that writes the source or the roles, so a
derived entry follows its source (expiry, repair, revocation, correction) at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from graph_schema.model import ListKind, RoleKind, Severity

# 管理办法 第二十六条: 法定代表人、主要负责人和其他直接责任人.
PROPAGATING_ROLES = (
    RoleKind.LEGAL_REPRESENTATIVE.value,
    RoleKind.PRINCIPAL_RESPONSIBLE.value,
    RoleKind.DIRECTLY_RESPONSIBLE.value,
)

VOID_REASON = "管理办法 第二十六条 does not apply: no propagating role on the date of the act"


def propagates(kind: ListKind, severity: Severity, on_organization: bool) -> bool:
    """管理办法 第二十六条: only a serious black-list entry on an organisation propagates."""
    return kind is ListKind.BLACK and severity is Severity.SERIOUS and on_organization


def held_on(start: dt.date, end: dt.date | None, act_on: dt.date) -> bool:
    """The role was held on the date of the act (start and end inclusive)."""
    return start <= act_on and (end is None or act_on <= end)


def _sync_map(synced: Sequence[str]) -> str:
    """The map of what a derived entry copies from its source: the stored properties the
    list entry's declarations mark ``propagates`` (``graph_schema.list_entry.SYNCED``)."""
    if not synced:
        raise ValueError("a derived entry copies at least the source's kind and severity")
    return "{" + ", ".join(f"`{f}`: src.`{f}`" for f in synced) + "}"


_VERSION = """
CREATE (d)-[:HAS_VERSION]->(v:Version)
SET v = properties(d), v.versionOf = 'ListEntry', v.versionAt = $now, v.versionActor = $actor,
    v.versionChange = change, v.versionReason = reason
"""

# Where a statement starts: the sources it is about, found through an index, never by
# scanning every entry (an import batch or a procedure names a few sources among
# millions). ``src`` is a source entry, ``o`` the organisation it concerns. The anchor's
# index is a hint, entries reached by a relationship are told apart by ``labels()`` rather
# than a label in the pattern, and roles by ``type()`` rather than a type (HOLDS_ROLE has
# an index on its kind): otherwise, while the graph holds few or no entries or roles (the
# first import), the planner prices a scan of an index over all of them as free, joins,
# and runs that scan once per source for the whole import.
SCOPES = ("sources", "organizations", "all")
_SOURCE_HEADS = {
    "sources": """UNWIND $sourceIds AS sourceId
MATCH (src:ListEntry {id: sourceId})-[:CONCERNS]->(o:Organization)
USING INDEX src:ListEntry(id)
WHERE src.derived = false""",
    "organizations": """UNWIND $orgIds AS orgId
MATCH (o:Subject:Organization {id: orgId})<-[:CONCERNS]-(src)
USING INDEX o:Subject(id)
WHERE 'ListEntry' IN labels(src) AND src.derived = false""",
    "all": """MATCH (src:ListEntry)-[:CONCERNS]->(o:Organization)
WHERE src.derived = false""",
}
_SERIOUS_BLACK = "src.kind = 'BLACK' AND src.severity = 'SERIOUS'"

# The persons who held a propagating post in ``o`` on the date of ``src``'s act, with
# the posts they held.
_HOLDERS = """
MATCH (p:Person)-[r]->(o)
WHERE type(r) = 'HOLDS_ROLE' AND r.kind IN $roles
  AND r.start <= src.actOn AND (r.end IS NULL OR src.actOn <= r.end)
WITH src, o, p, collect(DISTINCT r.kind) AS roles"""

# Create or update the derived entries that should exist for ``src`` and ``o``.
_PROPAGATE_BODY = """
WITH src, o, p, roles, {sync_map} AS synced
WITH src, o, p, synced {{.*, derivedRoles: roles, throughOrganizationId: o.id,
     sourceEntryId: src.id}} AS props
MERGE (d:ListEntry {{key: 'derived:' + src.id + ':' + p.id}})
ON CREATE SET d.id = randomUUID(), d.derived = true, d.version = 0, d.createdAt = $now
WITH d, src, o, p, props,
     [k IN keys(props) WHERE NOT (d[k] = props[k] OR (d[k] IS NULL AND props[k] IS NULL))]
     AS changed
WHERE d.version = 0 OR size(changed) > 0
WITH d, src, o, p, props, CASE d.version WHEN 0 THEN 'RECORDED' ELSE 'UPDATED' END AS change
SET d += props, d.version = d.version + 1, d.updatedAt = $now
FOREACH (_ IN CASE change WHEN 'RECORDED' THEN [1] ELSE [] END |
  CREATE (d)-[:DERIVED_FROM]->(src)
  CREATE (d)-[:CONCERNS]->(p)
  CREATE (d)-[:THROUGH]->(o))
FOREACH (dept IN CASE change WHEN 'RECORDED' THEN [(src)-[:RECOGNISED_BY]->(g:Department) | g]
                 ELSE [] END |
  CREATE (d)-[:RECOGNISED_BY]->(dept))
WITH d, src, change, $reason AS reason
{version}"""

# Void derived entries of ``src`` that no longer follow from it (a role's dates or the
# source's severity were corrected): revoked from their recognition date, kept on file.
_VOID_BODY = f"""
MATCH (d)-[:DERIVED_FROM]->(src)
WHERE 'ListEntry' IN labels(d) AND d.derived = true AND coalesce(d.endReason, '') <> $voidReason
MATCH (d)-[:CONCERNS]->(p:Person)
WHERE NOT ({_SERIOUS_BLACK} AND EXISTS {{
  MATCH (p)-[r]->(o)
  WHERE type(r) = 'HOLDS_ROLE' AND r.kind IN $roles
    AND r.start <= src.actOn AND (r.end IS NULL OR src.actOn <= r.end)
}})
SET d.endedOn = d.recognisedOn, d.endStatus = 'REVOKED', d.status = 'REVOKED',
    d.endReason = $voidReason, d.version = d.version + 1, d.updatedAt = $now
WITH d, 'VOIDED' AS change, $voidReason AS reason
{_VERSION}"""


def propagate_statement(scope: str, synced: Sequence[str]) -> str:
    """管理办法 第二十六条 for the sources in ``scope``: create or update derived entries,
    copying the properties ``synced`` from their source."""
    body = _HOLDERS + _PROPAGATE_BODY.format(sync_map=_sync_map(synced), version=_VERSION)
    return f"{_SOURCE_HEADS[scope]} AND {_SERIOUS_BLACK}\n{body}\nRETURN change, count(*) AS n"


def void_statement(scope: str) -> str:
    """Void the derived entries of the sources in ``scope`` that no longer follow."""
    return f"{_SOURCE_HEADS[scope]}\n{_VOID_BODY}\nRETURN change, count(*) AS n"


VOID_STALE = void_statement("all")

# A derived entry of ``src`` for ``p`` (through ``o``, by ``roles``) created outright, as
# ``propagate_statement`` would create it: for sources that have no derived entries yet.
_CREATE_DERIVED = """
WITH src, o, p, roles, {sync_map} AS synced
CREATE (d:ListEntry)
SET d = synced, d.derivedRoles = roles, d.throughOrganizationId = o.id,
    d.sourceEntryId = src.id, d.key = 'derived:' + src.id + ':' + p.id,
    d.id = randomUUID(), d.derived = true, d.version = 1, d.createdAt = $now,
    d.updatedAt = $now
CREATE (d)-[:DERIVED_FROM]->(src)
CREATE (d)-[:CONCERNS]->(p)
CREATE (d)-[:THROUGH]->(o)
FOREACH (dept IN [(src)-[:RECOGNISED_BY]->(g:Department) | g] |
  CREATE (d)-[:RECOGNISED_BY]->(dept))
WITH d, 'RECORDED' AS change, $reason AS reason
{version}"""

# An initial load: the derived entries of every source, for a graph that has none yet,
# read in one pass and created in batches, each its own transaction (one transaction for
# them all would not fit in memory). Created as ``propagate_statement`` would create them:
# the same properties, links and first version.
_PROPAGATE_INITIAL = """
MATCH (src:ListEntry)
WHERE src.derived = false AND {serious_black}
MATCH (src)-[:CONCERNS]->(o:Organization)<-[r:HOLDS_ROLE]-(p:Person)
WHERE r.kind IN $roles AND r.start <= src.actOn AND (r.end IS NULL OR src.actOn <= r.end)
WITH src, o, p, collect(DISTINCT r.kind) AS roles
CALL (src, o, p, roles) {{
{create}
}} IN TRANSACTIONS OF $batch ROWS
RETURN 'RECORDED' AS change, count(*) AS n
"""


def propagate_new_sources(synced: Sequence[str]) -> str:
    """管理办法 第二十六条 for sources created in the same transaction (``$sourceIds``):
    they have no derived entries yet, so theirs are created outright."""
    create = _CREATE_DERIVED.format(sync_map=_sync_map(synced), version=_VERSION)
    return (
        f"{_SOURCE_HEADS['sources']} AND {_SERIOUS_BLACK}\n{_HOLDERS}\n{create}\n"
        "RETURN change, count(*) AS n"
    )


def propagate_initial(synced: Sequence[str]) -> str:
    """管理办法 第二十六条 over a whole graph that has no derived entries yet, in batches."""
    create = _CREATE_DERIVED.format(sync_map=_sync_map(synced), version=_VERSION)
    return _PROPAGATE_INITIAL.format(serious_black=_SERIOUS_BLACK, create=create)
