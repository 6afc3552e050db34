"""The importer's set-based writes: subjects, roles, list entries and credit records.

Each statement takes a run of already validated rows (``$rows``) whose keys are all
different (``runs`` splits a batch so), and writes them with one ``UNWIND``: with no
two rows of a run touching the same node, no row's outcome depends on another's, and
the rows of a batch are still judged in file order, run after run, like rows of
successive imports. Writes are idempotent on natural keys (USCC, citizen ID number,
role kind + start, entry key): a row equal to what the graph holds changes nothing.

A row that would change what a key identifies (graph_schema/rules/identity.py) is not
written: it comes back as a miss ``[n, what, details]`` naming what it clashes with.

History: a changed list entry keeps every state as a ``(:Version)`` from its creation
on (its life goes on through procedures/, which add versions of their own). Subjects,
roles and credit records change only through imports; their current properties are
their latest state, and their first change keeps the state before it as a ``RECORDED``
version before the ``UPDATED`` one, so a changed node has its whole history while the
millions never changed carry none (half the writes of an import).

Rows whose key the graph does not hold yet (nearly every row of a first import, most of
a daily increment) take a shorter way: one read of which keys exist, then a plain
``CREATE`` of what an empty graph would get from the full statement (the same
properties, links and first version), with the same identity checks. Every other row,
and every row the short way refuses, goes through the full statement, which judges and
reports it. Should another import create one of those keys in between, the uniqueness
constraint fails the transaction and the batch is written again the full way
(seeds/importer.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from gateway.base.db import Transaction
from graph_schema.list_entry import SYNCED
from graph_schema.rules.identity import SINGLE_HOLDER_ROLES
from graph_schema.rules.propagation import PROPAGATING_ROLES, propagate_new_sources
from graph_schema.rules.red_black import END_RED_ON_BLACK
from procedures.propagation import propagate

# 管理办法 第二十六条 for new sources: the derived entries they give, created outright (they
# have none yet, to update or to void).
PROPAGATE_FROM_SOURCES = propagate_new_sources(SYNCED)


def runs(
    rows: list[dict[str, Any]], keys_of: Callable[[dict[str, Any]], Iterable[Hashable]]
) -> list[list[dict[str, Any]]]:
    """Consecutive runs of rows in which no key occurs twice (file order kept)."""
    out: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    seen: set[Hashable] = set()
    for row in rows:
        keys = set(keys_of(row))
        if not seen.isdisjoint(keys):
            out.append(current)
            current, seen = [], set()
        current.append(row)
        seen |= keys
    if current:
        out.append(current)
    return out


# A row differs from the node: one of its (non-null) properties is new or different.
_DIFFERS = "any(k IN keys(row.props) WHERE x[k] IS NULL OR x[k] <> row.props[k])"


def _first_change(owner: str, of: str, extra: str = "", mine: str = "") -> str:
    """Before the first change of a node created without versions: its state so far."""
    return f"""
  FOREACH (_ IN CASE WHEN x.version = 1 AND NOT EXISTS {{
      ({owner})-[:HAS_VERSION]->(:Version {{versionOf: {of}{mine}}}) }} THEN [1] ELSE [] END |
    CREATE ({owner})-[:HAS_VERSION]->(r:Version)
    SET r = properties(x), r.versionOf = {of}, r.versionAt = x.updatedAt,
        r.versionChange = 'RECORDED'{extra})"""


def _change(owner: str, of: str, extra: str = "") -> str:
    """After a change of a node that was there before: its new state, an UPDATED version."""
    return f"""
  FOREACH (_ IN CASE WHEN x.version > 1 THEN [1] ELSE [] END |
    CREATE ({owner})-[:HAS_VERSION]->(v:Version)
    SET v = properties(x), v.versionOf = {of}, v.versionAt = $now, v.versionActor = $actor,
        v.versionChange = 'UPDATED', v.versionReason = $reason{extra})"""


def _upsert_subjects(label: str, code: str, other_label: str, other_code: str) -> str:
    """Organisations or persons; a code that is the other kind's is refused (管理办法 第十五条)."""
    other_kind = "PERSON" if other_label == "Person" else "ORGANIZATION"
    return f"""
UNWIND $rows AS row
OPTIONAL MATCH (h:{other_label} {{{other_code}: row.{code}}})
WITH collect(CASE WHEN h IS NOT NULL THEN
               [row.n, 'subject_type', {{other: {{kind: '{other_kind}', name: h.name}}}}] END)
       AS misses,
     collect(CASE WHEN h IS NULL THEN row END) AS rows
CALL (rows) {{
  UNWIND rows AS row
  MERGE (x:Subject:{label} {{{code}: row.{code}}})
  ON CREATE SET x.id = randomUUID(), x.version = 0, x.createdAt = $now, x += row.defaults
  WITH x, row WHERE CASE WHEN x.version = 0 THEN true ELSE {_DIFFERS} END
  {_first_change("x", f"'{label}'")}
  SET x += row.props, x.version = x.version + 1, x.updatedAt = $now
  {_change("x", f"'{label}'")}
  RETURN count(x) AS written, sum(CASE x.version WHEN 1 THEN 1 ELSE 0 END) AS created
}}
RETURN written, created, misses
"""


UPSERT_ORGANIZATIONS = _upsert_subjects("Organization", "uscc", "Person", "idNumber")
UPSERT_PERSONS = _upsert_subjects("Person", "idNumber", "Organization", "uscc")


def _create_subjects(label: str, code: str, other_label: str, other_code: str) -> str:
    """New organisations or persons, as ``_upsert_subjects`` creates them; a code that is
    the other kind's is left to it (the look-up locks the code against a concurrent import)."""
    return f"""
UNWIND $rows AS row
OPTIONAL MATCH (h:{other_label} {{{other_code}: row.{code}}})
WITH row WHERE h IS NULL
CREATE (x:Subject:{label})
SET x = row.defaults, x += row.props, x.{code} = row.{code}, x.id = randomUUID(),
    x.version = 1, x.createdAt = $now, x.updatedAt = $now
RETURN collect(row.n) AS made
"""


CREATE_ORGANIZATIONS = _create_subjects("Organization", "uscc", "Person", "idNumber")
CREATE_PERSONS = _create_subjects("Person", "idNumber", "Organization", "uscc")


def _existing(label: str, key: str) -> str:
    """Which of ``$keys`` the graph holds already."""
    return f"""
UNWIND $keys AS k
MATCH (x:{label} {{{key}: k}})
RETURN collect(k) AS existing
"""


EXISTING_ORGANIZATIONS = _existing("Organization", "uscc")
EXISTING_PERSONS = _existing("Person", "idNumber")
EXISTING_LIST_ENTRIES = _existing("ListEntry", "key")
EXISTING_CREDIT_RECORDS = _existing("CreditRecord", "key")

# The subject a code names when it belongs to the other kind (管理办法 第十五条).
_OTHER_KIND = """head(COLLECT {
    MATCH (h:Person {idNumber: row.uscc}) RETURN {kind: 'PERSON', name: h.name} AS h
    UNION ALL
    MATCH (h:Organization {uscc: row.idNumber}) RETURN {kind: 'ORGANIZATION', name: h.name} AS h
  })"""

# A role is keyed by (person, organisation, kind, start). Only the end date may
# change later; an import without an end date never erases a known one. A post only
# one person holds (SINGLE_HOLDER_ROLES) is not given to a second one from the same day.
# MERGE, not CREATE: no constraint keeps two imports running at once from making one
# role twice. The holders of a post are read from the organisation's relationships, told
# apart by ``type()``: with a typed pattern the planner may read every role of that kind
# through the HOLDS_ROLE(kind) index instead, which it prices as free while the graph
# holds no roles yet (the first import), and then does once per row.
# Only organisations something concerns come back as ``touched``: propagation starts
# from the entries of an organisation, so one without any has nothing to propagate or
# void (a first import of roles, before any entry, propagates nothing).
UPSERT_ROLES = f"""
UNWIND $rows AS row
OPTIONAL MATCH (p:Person {{idNumber: row.idNumber}})
OPTIONAL MATCH (o:Organization {{uscc: row.uscc}})
WITH row, p, o, CASE WHEN o IS NOT NULL AND row.kind IN $singleHolder THEN
       [(o)<-[r]-(h:Person) WHERE type(r) = 'HOLDS_ROLE' AND r.kind = row.kind
                                  AND r.start = row.start AND h <> p | h]
     ELSE [] END AS holders
WITH row, p, o, holders, CASE
    WHEN p IS NULL AND EXISTS {{ MATCH (:Organization {{uscc: row.idNumber}}) }}
      THEN 'id_number_type'
    WHEN p IS NULL THEN 'id_number'
    WHEN o IS NULL AND EXISTS {{ MATCH (:Person {{idNumber: row.uscc}}) }} THEN 'uscc_type'
    WHEN o IS NULL THEN 'uscc'
    WHEN size(holders) > 0 THEN 'role_holder'
  END AS clash
WITH collect(CASE WHEN clash IS NOT NULL THEN [row.n, clash, {{
       holder: [h IN holders | h {{.idNumber, .name}}][0],
       other: CASE WHEN clash ENDS WITH '_type' THEN {_OTHER_KIND} END}}] END) AS misses,
     collect(CASE WHEN clash IS NULL THEN {{row: row, p: p, o: o}} END) AS good
CALL (good) {{
  UNWIND good AS g
  WITH g.row AS row, g.p AS p, g.o AS o
  MERGE (p)-[x:HOLDS_ROLE {{kind: row.kind, start: row.start}}]->(o)
  ON CREATE SET x.id = randomUUID(), x.version = 0, x.createdAt = $now
  WITH row, p, o, x WHERE x.version = 0 OR (row.end IS NOT NULL AND
                                            coalesce(x.end <> row.end, true))
  {_first_change("p", "'HOLDS_ROLE'", ", r.organizationUscc = row.uscc", ", id: x.id")}
  SET x.end = coalesce(row.end, x.end), x.source = row.source, x.version = x.version + 1,
      x.updatedAt = $now
  {_change("p", "'HOLDS_ROLE'", ", v.organizationUscc = row.uscc")}
  RETURN count(x) AS written, sum(CASE x.version WHEN 1 THEN 1 ELSE 0 END) AS created,
         collect(DISTINCT CASE WHEN EXISTS {{ (o)<-[:CONCERNS]-() }} THEN o.id END) AS touched
}}
RETURN written, created, misses, touched
"""


# The organisations of a run under their write locks, in one order: while a run creates
# roles, no other import adds one to them (no constraint would stop a second copy).
CLAIM_ORGANIZATIONS = """
UNWIND $usccs AS uscc
MATCH (o:Organization {uscc: uscc})
SET o._LOCK_ = true REMOVE o._LOCK_
"""

# New roles (no role of that kind and start between the two, and, for a post only one
# person holds, no other holder), as UPSERT_ROLES creates them; every other row is left
# to it. Run after CLAIM_ORGANIZATIONS in the same transaction.
CREATE_ROLES = """
UNWIND $rows AS row
MATCH (p:Person {idNumber: row.idNumber})
MATCH (o:Organization {uscc: row.uscc})
WITH row, p, o
WHERE NOT EXISTS {
    MATCH (p)-[r]->(o)
    WHERE type(r) = 'HOLDS_ROLE' AND r.kind = row.kind AND r.start = row.start }
  AND NOT (row.kind IN $singleHolder AND EXISTS {
    MATCH (o)<-[r]-(h:Person)
    WHERE type(r) = 'HOLDS_ROLE' AND r.kind = row.kind AND r.start = row.start AND h <> p })
CREATE (p)-[x:HOLDS_ROLE]->(o)
SET x.kind = row.kind, x.start = row.start, x.id = randomUUID(), x.version = 1,
    x.createdAt = $now, x.end = row.end, x.source = row.source, x.updatedAt = $now
RETURN collect(row.n) AS made,
       collect(DISTINCT CASE WHEN EXISTS { (o)<-[:CONCERNS]-() } THEN o.id END) AS touched
"""


# The entry differs from the row, and the row is not the source row imported before.
_CHANGED_SOURCE = f"coalesce(x.sourceDigest <> row.digest, true) AND {_DIFFERS}"

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


def _keyed_upsert(label: str, kind: str, given_by: str, *, entries: bool) -> str:
    """Entries and records: one key names one subject, kind and department for good.

    ``kind`` is the property that says what the fact is (list or category) and
    ``given_by`` the relationship to the department answerable for it. A list entry
    remembers the digest of the source row that last wrote it: the same row again
    changes nothing, and a changed row of an entry a procedure has ended or corrected is
    refused (``procedure``) instead of undoing what the procedure did. A new node's links
    are created (a node made in this transaction has none, and CREATE, unlike MERGE, does
    not lock the department, so imports of several batches at once do not wait on it).
    """
    procedure_clash = (
        f"WHEN x IS NOT NULL AND {_CHANGED_SOURCE} AND {_PROCEDURE_TOUCHED} THEN 'procedure'"
        if entries
        else ""
    )
    procedure_details = (
        f", endStatus: x.endStatus, endedOn: x.endedOn, endReason: x.endReason, "
        f"correctedAt: CASE clash WHEN 'procedure' THEN {_LAST_CORRECTION} END"
        if entries
        else ""
    )
    on_create = ", x.derived = false, x.status = row.status" if entries else ""
    differs = _CHANGED_SOURCE if entries else _DIFFERS
    # Equal to the graph but said differently (the source caught up with a correction):
    # remember the new source row, without a version, since nothing changed.
    remember = (
        """FOREACH (_ IN CASE WHEN NOT changed AND coalesce(x.sourceDigest <> row.digest, true)
                 THEN [1] ELSE [] END | SET x.sourceDigest = row.digest)"""
        if entries
        else ""
    )
    digest = "x.sourceDigest = row.digest, " if entries else ""
    if entries:  # every state of an entry, from its creation on
        before, after = (
            "",
            f"""
  CREATE (x)-[:HAS_VERSION]->(v:Version)
  SET v = properties(x), v.versionOf = '{label}', v.versionAt = $now, v.versionActor = $actor,
      v.versionChange = CASE x.version WHEN 1 THEN 'RECORDED' ELSE 'UPDATED' END,
      v.versionReason = $reason""",
        )
    else:
        before, after = _first_change("x", f"'{label}'"), _change("x", f"'{label}'")
    return f"""
UNWIND $rows AS row
OPTIONAL MATCH (o:Organization {{uscc: row.uscc}})
OPTIONAL MATCH (p:Person {{idNumber: row.idNumber}})
WITH row, coalesce(o, p) AS s
OPTIONAL MATCH (d:Department {{id: row.departmentId}})
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
WITH collect(CASE WHEN clash IS NOT NULL THEN [row.n, clash, {{
       held: [h IN held | h {{.uscc, .idNumber, .name}}][0], rowName: s.name, kind: x.{kind},
       givenBy: givenBy[0],
       other: CASE clash WHEN 'subject_type' THEN {_OTHER_KIND} END{procedure_details}}}] END)
       AS misses,
     collect(CASE WHEN clash IS NULL THEN {{row: row, s: s, d: d}} END) AS good
CALL (good) {{
  UNWIND good AS g
  WITH g.row AS row, g.s AS s, g.d AS d
  MERGE (x:{label} {{key: row.key}})
  ON CREATE SET x.id = randomUUID(), x.version = 0, x.createdAt = $now{on_create},
                x += row.defaults
  WITH x, row, s, d, x.version = 0 AS new
  WITH x, row, s, d, new, CASE WHEN new THEN true ELSE {differs} END AS changed
  {remember}
  WITH x, row, s, d, new WHERE changed
  {before}
  SET x += row.props, {digest}x.version = x.version + 1, x.updatedAt = $now
  FOREACH (_ IN CASE WHEN new THEN [1] ELSE [] END |
    CREATE (x)-[:CONCERNS]->(s)
    CREATE (x)-[:{given_by}]->(d))
  FOREACH (_ IN CASE WHEN new THEN [] ELSE [1] END |
    MERGE (x)-[:CONCERNS]->(s)
    MERGE (x)-[:{given_by}]->(d))
  {after}
  RETURN count(x) AS written, sum(CASE WHEN new THEN 1 ELSE 0 END) AS created,
         collect(x.id) AS ids
}}
RETURN written, created, misses, ids
"""


UPSERT_LIST_ENTRIES = _keyed_upsert("ListEntry", "kind", "RECOGNISED_BY", entries=True)
UPSERT_CREDIT_RECORDS = _keyed_upsert("CreditRecord", "category", "PROVIDED_BY", entries=False)


def _keyed_create(label: str, given_by: str, *, entries: bool) -> str:
    """New entries or records (keys the graph does not hold), as ``_keyed_upsert`` creates
    them: a row naming no subject or department is left to it. ``serious`` are the new
    entries 管理办法 第二十六条 propagates from (serious black entries of organisations)."""
    on_create = (
        ", x.derived = false, x.status = row.status, x.sourceDigest = row.digest" if entries else ""
    )
    version = (
        f"""
CREATE (x)-[:HAS_VERSION]->(v:Version)
SET v = properties(x), v.versionOf = '{label}', v.versionAt = $now, v.versionActor = $actor,
    v.versionChange = 'RECORDED', v.versionReason = $reason"""
        if entries
        else ""
    )
    serious = (
        ",\n       collect(CASE WHEN o IS NOT NULL AND x.kind = 'BLACK' AND "
        "x.severity = 'SERIOUS' THEN x.id END) AS serious"
        if entries
        else ""
    )
    return f"""
UNWIND $rows AS row
OPTIONAL MATCH (o:Organization {{uscc: row.uscc}})
OPTIONAL MATCH (p:Person {{idNumber: row.idNumber}})
OPTIONAL MATCH (d:Department {{id: row.departmentId}})
WITH row, o, coalesce(o, p) AS s, d WHERE s IS NOT NULL AND d IS NOT NULL
CREATE (x:{label})
SET x = row.defaults, x += row.props, x.key = row.key, x.id = randomUUID(), x.version = 1,
    x.createdAt = $now, x.updatedAt = $now{on_create}
CREATE (x)-[:CONCERNS]->(s)
CREATE (x)-[:{given_by}]->(d){version}
RETURN collect(row.n) AS made, collect(x.id) AS ids{serious}
"""


CREATE_LIST_ENTRIES = _keyed_create("ListEntry", "RECOGNISED_BY", entries=True)
CREATE_CREDIT_RECORDS = _keyed_create("CreditRecord", "PROVIDED_BY", entries=False)

DEPARTMENT_DIRECTORY = """
MATCH (d:Department)
RETURN d.id AS id, d.name AS name, coalesce(d.aliases, []) AS aliases,
       d.jurisdictionCode AS jurisdictionCode
"""


@dataclass
class Written:
    """What the statements of one batch did: rows written (created among them), misses."""

    written: int = 0
    created: int = 0
    misses: list[Any] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def add(self, record: Any) -> None:
        self.written += record["written"]
        self.created += record["created"]
        self.misses.extend(m for m in record["misses"] if m is not None)


def _subject_keys(row: dict[str, Any]) -> list[Hashable]:
    return [row.get("uscc") or row["idNumber"]]


def _role_keys(row: dict[str, Any]) -> list[Hashable]:
    keys: list[Hashable] = [("role", row["idNumber"], row["uscc"], row["kind"], row["start"])]
    if row["kind"] in SINGLE_HOLDER_ROLES:
        keys.append(("holder", row["uscc"], row["kind"], row["start"]))
    return keys


def _entry_keys(row: dict[str, Any]) -> list[Hashable]:
    return [row["key"]]


# What a row's write depends on, by kind: rows sharing none may be written at once, in
# either order. Rows that share only persons or departments wait on each other's locks at
# most, and their order does not change what either writes.


def subject_depends_on(row: dict[str, Any]) -> tuple[Hashable, ...]:
    """A subject row depends on its code only."""
    return (row.get("uscc") or row["idNumber"],)


def role_depends_on(row: dict[str, Any]) -> tuple[Hashable, ...]:
    """A role depends on its organisation (its posts, their holders, the derived entries
    of the organisation's sources)."""
    return (row["uscc"],)


def entry_depends_on(row: dict[str, Any]) -> tuple[Hashable, ...]:
    """A list entry depends on its key and its subject (实施办法 第四条 weighs all entries
    of the subject)."""
    return (("key", row["key"]), ("subject", row["uscc"] or row["idNumber"]))


def record_depends_on(row: dict[str, Any]) -> tuple[Hashable, ...]:
    """A credit record depends on its key."""
    return (row["key"],)


def _params(now: Any, actor: str, reason: str | None) -> dict[str, Any]:
    return {"now": now, "actor": actor, "reason": reason}


async def _create_new(
    tx: Transaction,
    rows: list[dict[str, Any]],
    key: str,
    existing: str,
    create: str,
    params: dict[str, Any],
    out: Written,
) -> tuple[Any, list[dict[str, Any]]]:
    """Create the rows of a run whose key the graph does not hold (``create``); returns its
    record (None when no row was new) and the rows left to the full statement."""
    [held] = await tx.run(existing, {"keys": [r[key] for r in rows]})
    known = set(held["existing"])
    new = [r for r in rows if r[key] not in known]
    if not new:
        return None, rows
    [record] = await tx.run(create, {"rows": new, **params})
    made = set(record["made"])
    out.written += len(made)
    out.created += len(made)
    return record, [r for r in rows if r["n"] not in made]


async def write_subjects(
    tx: Transaction,
    rows: list[dict[str, Any]],
    *,
    now: Any,
    actor: str,
    reason: str | None,
    create: bool = True,
) -> Written:
    """Upsert organisations and persons, run by run (a code once per run); with ``create``,
    new codes are created first and only the others merged."""
    out = Written()
    params = _params(now, actor, reason)
    kinds = (
        ("uscc", EXISTING_ORGANIZATIONS, CREATE_ORGANIZATIONS, UPSERT_ORGANIZATIONS),
        ("idNumber", EXISTING_PERSONS, CREATE_PERSONS, UPSERT_PERSONS),
    )
    for run in runs(rows, _subject_keys):
        for key, existing, fresh, statement in kinds:
            part = [r for r in run if r.get(key)]
            if part and create:
                _, part = await _create_new(tx, part, key, existing, fresh, params, out)
            if part:
                [record] = await tx.run(statement, {"rows": part, **params})
                out.add(record)
    return out


async def write_roles(
    tx: Transaction,
    rows: list[dict[str, Any]],
    *,
    now: Any,
    actor: str,
    reason: str | None,
    derived: bool = True,
    create: bool = True,
) -> Written:
    """Upsert roles; derived entries of the organisations touched follow the new dates
    (unless ``derived`` is False: an initial load propagates once, after every role).
    With ``create``, new roles are created first and only the others merged."""
    out = Written()
    touched: set[str] = set()
    params = {**_params(now, actor, reason), "singleHolder": list(SINGLE_HOLDER_ROLES)}
    for run in runs(rows, _role_keys):
        # Rows of a run are independent: taking persons in one order everywhere keeps
        # batches written at once from locking them in opposite orders.
        run.sort(key=lambda r: r["idNumber"])
        if create:
            await tx.run(CLAIM_ORGANIZATIONS, {"usccs": sorted({r["uscc"] for r in run})})
            [made] = await tx.run(CREATE_ROLES, {"rows": run, **params})
            out.written += len(made["made"])
            out.created += len(made["made"])
            touched.update(made["touched"])
            done = set(made["made"])
            run = [r for r in run if r["n"] not in done]
        if run:
            [record] = await tx.run(UPSERT_ROLES, {"rows": run, **params})
            out.add(record)
            touched.update(record["touched"])
    if touched and derived:
        await propagate(tx, now=now, actor=actor, reason=reason, org_ids=sorted(touched))
    return out


async def write_list_entries(
    tx: Transaction,
    rows: list[dict[str, Any]],
    *,
    now: Any,
    actor: str,
    reason: str | None,
    create: bool = True,
) -> Written:
    """Upsert entries, then 实施办法 第四条 and 管理办法 第二十六条, in one transaction.

    A new entry has no derived entries to void: of the new ones, only the serious black
    entries of organisations go through propagation, and only its creating statement."""
    out = Written()
    params = _params(now, actor, reason)
    upserted: list[str] = []
    serious: list[str] = []
    for run in runs(rows, _entry_keys):
        if create:
            made, run = await _create_new(
                tx, run, "key", EXISTING_LIST_ENTRIES, CREATE_LIST_ENTRIES, params, out
            )
            if made is not None:
                out.ids.extend(made["ids"])
                serious.extend(made["serious"])
        if run:
            [record] = await tx.run(UPSERT_LIST_ENTRIES, {"rows": run, **params})
            out.add(record)
            out.ids.extend(record["ids"])
            upserted.extend(record["ids"])
    if out.ids:
        await tx.run(END_RED_ON_BLACK, {"entryIds": out.ids, "now": now, "actor": actor})
    if upserted:
        await propagate(tx, now=now, actor=actor, reason=reason, source_ids=upserted)
    if serious:
        await tx.run(
            PROPAGATE_FROM_SOURCES,
            {
                **params,
                "roles": list(PROPAGATING_ROLES),
                "sourceIds": sorted(set(serious) - set(upserted)),
            },
        )
    return out


async def write_records(
    tx: Transaction,
    rows: list[dict[str, Any]],
    *,
    now: Any,
    actor: str,
    reason: str | None,
    create: bool = True,
) -> Written:
    out = Written()
    params = _params(now, actor, reason)
    for run in runs(rows, _entry_keys):
        if create:
            _, run = await _create_new(
                tx, run, "key", EXISTING_CREDIT_RECORDS, CREATE_CREDIT_RECORDS, params, out
            )
        if run:
            [record] = await tx.run(UPSERT_CREDIT_RECORDS, {"rows": run, **params})
            out.add(record)
    return out


# One batch of one kind of import rows, in the caller's transaction (seeds/kinds.py).
Writer = Callable[..., Awaitable[Written]]
