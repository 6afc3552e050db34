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
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from gateway.base.db import Transaction
from graph_schema.rules.identity import SINGLE_HOLDER_ROLES
from graph_schema.rules.red_black import END_RED_ON_BLACK
from procedures.propagation import propagate


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
         collect(DISTINCT o.id) AS touched
}}
RETURN written, created, misses, touched
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


# What a batch's writes depend on, by kind: two batches sharing none may run at once.
# Batches that share only persons or departments wait on each other's locks at most, and
# their order does not change what either writes.


def subject_conflicts(rows: list[dict[str, Any]]) -> frozenset[Hashable]:
    """A subject row depends on its code only."""
    return frozenset(r.get("uscc") or r["idNumber"] for r in rows)


def role_conflicts(rows: list[dict[str, Any]]) -> frozenset[Hashable]:
    """A role depends on its organisation (its posts, their holders, the derived entries
    of the organisation's sources)."""
    return frozenset(r["uscc"] for r in rows)


def entry_conflicts(rows: list[dict[str, Any]]) -> frozenset[Hashable]:
    """A list entry depends on its key and its subject (实施办法 第四条 weighs all entries
    of the subject)."""
    return frozenset(
        x for r in rows for x in (("key", r["key"]), ("subject", r["uscc"] or r["idNumber"]))
    )


def record_conflicts(rows: list[dict[str, Any]]) -> frozenset[Hashable]:
    """A credit record depends on its key."""
    return frozenset(r["key"] for r in rows)


def _params(now: Any, actor: str, reason: str | None) -> dict[str, Any]:
    return {"now": now, "actor": actor, "reason": reason}


async def write_subjects(
    tx: Transaction, rows: list[dict[str, Any]], *, now: Any, actor: str, reason: str | None
) -> Written:
    """Upsert organisations and persons, run by run (a code once per run)."""
    out = Written()
    for run in runs(rows, _subject_keys):
        orgs = [r for r in run if r.get("uscc")]
        persons = [r for r in run if not r.get("uscc")]
        for statement, part in ((UPSERT_ORGANIZATIONS, orgs), (UPSERT_PERSONS, persons)):
            if part:
                [record] = await tx.run(statement, {"rows": part, **_params(now, actor, reason)})
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
) -> Written:
    """Upsert roles; derived entries of the organisations touched follow the new dates
    (unless ``derived`` is False: an initial load propagates once, after every role)."""
    out = Written()
    touched: set[str] = set()
    params = {**_params(now, actor, reason), "singleHolder": list(SINGLE_HOLDER_ROLES)}
    for run in runs(rows, _role_keys):
        # Rows of a run are independent: taking persons in one order everywhere keeps
        # batches written at once from locking them in opposite orders.
        run.sort(key=lambda r: r["idNumber"])
        [record] = await tx.run(UPSERT_ROLES, {"rows": run, **params})
        out.add(record)
        touched.update(record["touched"])
    if touched and derived:
        await propagate(tx, now=now, actor=actor, reason=reason, org_ids=sorted(touched))
    return out


async def write_list_entries(
    tx: Transaction, rows: list[dict[str, Any]], *, now: Any, actor: str, reason: str | None
) -> Written:
    """Upsert entries, then 实施办法 第四条 and 管理办法 第二十六条, in one transaction."""
    out = Written()
    for run in runs(rows, _entry_keys):
        [record] = await tx.run(UPSERT_LIST_ENTRIES, {"rows": run, **_params(now, actor, reason)})
        out.add(record)
        out.ids.extend(record["ids"])
    if out.ids:
        await tx.run(END_RED_ON_BLACK, {"entryIds": out.ids, "now": now, "actor": actor})
        await propagate(tx, now=now, actor=actor, reason=reason, source_ids=out.ids)
    return out


async def write_records(
    tx: Transaction, rows: list[dict[str, Any]], *, now: Any, actor: str, reason: str | None
) -> Written:
    out = Written()
    for run in runs(rows, _entry_keys):
        [record] = await tx.run(UPSERT_CREDIT_RECORDS, {"rows": run, **_params(now, actor, reason)})
        out.add(record)
    return out


# One batch of one kind of import rows, in the caller's transaction (seeds/kinds.py).
Writer = Callable[..., Awaitable[Written]]
