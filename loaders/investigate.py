"""The Cypher behind the investigators' queries: neighbourhoods, paths, roles, risk.

Every statement here is bounded twice. In size, inside the Cypher: hops are a literal
quantifier (1–4 for neighbourhoods and risk, 1–6 for paths), a neighbourhood stops after
``$cap`` subjects (``ANY SHORTEST`` walks breadth first, so the nearest come first and
the walk ends at the cap), and a scan that must be complete to be right (risk, paths,
shared officers) collects at most ``$maxScan + 1`` rows and reports ``over`` instead of
going on. In time, by the transaction timeout the caller passes (Neo4j terminates the
query; ``gateway.db`` turns that into ``QueryBudgetExceeded``).

Roles are the only relationships walked: list entries hang off the subjects reached
(departments off the entries), they are never a step between two subjects. A role is
held on a date from its start through its end, both inclusive.

Disclosure classes go in as parameters (per subject where they differ), so entries a
caller may not see never leave Neo4j; the one exception is ``RISK_SCAN``, which returns
the *classes* (never the entries) of each hit's black entries for the caller to check
against consents it has not loaded yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from gateway.db import Database
from graph_schema.model import (
    CONCERNS,
    DEPARTMENT,
    HOLDS_ROLE,
    LIST_ENTRY,
    ORGANIZATION,
    PERSON,
    RECOGNISED_BY,
    SUBJECT,
    ListKind,
)
from graph_schema.rules.validity import in_force_cypher
from loaders.subject import SUBJECT_MAP as FULL_SUBJECT

MAX_DEPTH = 4  # neighbourhood and risk
MAX_PATH_HOPS = 6
ENTRIES_PER_SUBJECT = 20  # entries drawn per subject, black first, newest first

SUBJECT_FIELDS = ".id, .name, .kind, .uscc, .idNumber, .status"
ENTRY_MAP = (
    "{.id, .kind, .category, .facts, .severity, .disclosure, .recognisedOn, .validUntil, "
    ".actOn, .derived, .derivedRoles, .throughOrganizationId, .sourceEntryId, "
    f"department: [(e)-[:{RECOGNISED_BY}]->(d:{DEPARTMENT}) | "
    "d {.id, .name, .level, .jurisdictionCode}][0], "
    f"through: COLLECT {{ MATCH (t:{SUBJECT} {{id: e.throughOrganizationId}}) "
    "RETURN t.name }[0]}"
)
ROLE_FIELDS = ".id, .kind, .start, .end"


def role_filter(r: str) -> str:
    """Roles of the wanted kinds, held on ``$heldOn`` when given (start and end inclusive)."""
    return (f"($kinds IS NULL OR {r}.kind IN $kinds) AND ($heldOn IS NULL OR "
            f"({r}.start <= $heldOn AND ({r}.end IS NULL OR $heldOn <= {r}.end)))")


def _role_step(r: str = "r") -> str:
    return f"-[{r}:{HOLDS_ROLE} WHERE {role_filter(r)}]-"


def _neighbourhood(depth: int) -> str:
    return f"""
MATCH (root:{SUBJECT} {{id: $id}})
CALL (root) {{
  MATCH p = ANY SHORTEST (root){_role_step()}{{1,{depth}}}(n:{SUBJECT})
  WHERE n <> root
  WITH n, length(p) AS hops LIMIT $cap
  RETURN collect(n) AS found, collect(n {{{SUBJECT_FIELDS}, hops: hops}}) AS maps
}}
WITH [root] + found AS nodes, [root {{{SUBJECT_FIELDS}, hops: 0}}] + maps AS maps
WITH nodes[..$cap] AS nodes, maps[..$cap] AS maps, size(nodes) > $cap AS truncated
CALL (nodes) {{
  UNWIND nodes AS a
  MATCH (a:{PERSON})-[r:{HOLDS_ROLE} WHERE {role_filter('r')}]->(b:{ORGANIZATION})
  WHERE b IN nodes
  RETURN collect(r {{{ROLE_FIELDS}, person: a.id, organization: b.id}}) AS roles
}}
RETURN maps AS subjects, roles, truncated
"""


# By depth: the quantifier is part of the text, so one constant per depth.
NEIGHBOURHOOD = {d: _neighbourhood(d) for d in range(1, MAX_DEPTH + 1)}

# The entries of many subjects, each under its own classes: ``$subjects`` = [{id, classes}].
# blackClasses: the classes of the black entries in force (what a black-listed mark rests
# on); entries: up to ``$perSubject`` entries of ``$listKinds`` in force, black first.
def _marks(x: str, classes: str) -> str:
    """The marks of subject ``x`` under ``classes``: a CALL yielding ``black``, ``more``
    and ``entries``."""
    return f"""
CALL ({x}, {classes}) {{
  UNWIND [({x})<-[:{CONCERNS}]-(e:{LIST_ENTRY})
          WHERE e.disclosure IN {classes} AND {in_force_cypher('e', '$day')} | e] AS e
  WITH e ORDER BY e.kind, e.recognisedOn DESC, e.id
  WITH collect(e) AS inForce
  WITH [e IN inForce WHERE e.kind = $black | e.disclosure] AS black,
       [e IN inForce WHERE e.kind IN $listKinds] AS drawn
  UNWIND drawn[..$perSubject] + [null] AS e
  RETURN black, size(drawn) > $perSubject AS more,
         collect(e {ENTRY_MAP}) AS entries
}}"""


_BLACK_CLASSES = "reduce(c = [], d IN black | CASE WHEN d IN c THEN c ELSE c + d END)"

SUBJECT_MARKS = f"""
UNWIND $subjects AS s
MATCH (x:{SUBJECT} {{id: s.id}})
WITH x, s, s.classes AS classes
{_marks('x', 'classes')}
RETURN collect({{id: s.id, entries: entries, more: more, blackClasses: {_BLACK_CLASSES}}})
  AS marks
"""

_PATH_MAP = (f"{{key: key, nodes: [n IN nodes(p) | n {{{SUBJECT_FIELDS}}}], "
             f"roles: [r IN relationships(p) | r {{{ROLE_FIELDS}}}]}}")


def _paths(hops: int) -> str:
    return f"""
MATCH (a:{SUBJECT} {{id: $from}}), (b:{SUBJECT} {{id: $to}})
CALL (a, b) {{
  MATCH p = ALL SHORTEST (a){_role_step()}{{1,{hops}}}(b)
  WITH p LIMIT $maxScan + 1
  RETURN collect(p) AS found
}}
WITH found, size(found) AS total
CALL (found, total) {{
  UNWIND CASE WHEN total > $maxScan THEN [] ELSE found END AS p
  WITH p, reduce(k = '', r IN relationships(p) | k + r.id + '/') AS key
  WHERE $after IS NULL OR key > $after
  WITH p, key ORDER BY key LIMIT $limit
  RETURN collect({_PATH_MAP}) AS page
}}
RETURN total, total > $maxScan AS over, page
"""


# All shortest paths between two subjects, ordered by the ids of their roles (a unique
# key: the same roles in the same order are the same path), one page after ``$after``.
PATHS = {h: _paths(h) for h in range(1, MAX_PATH_HOPS + 1)}


def _risk_scan(hops: int) -> str:
    return f"""
MATCH (root:{SUBJECT} {{id: $id}})
CALL (root) {{
  MATCH p = ANY SHORTEST (root){_role_step()}{{1,{hops}}}(n:{SUBJECT})
  WHERE n <> root
  WITH n, length(p) AS hops LIMIT $maxScan + 1
  RETURN collect([n, hops]) AS walked
}}
WITH walked, size(walked) > $maxScan AS over
CALL (walked, over) {{
  UNWIND CASE WHEN over THEN [] ELSE walked END AS w
  WITH w[0] AS n, w[1] AS hops
  WITH n, hops, [(n)<-[:{CONCERNS}]-(b:{LIST_ENTRY})
                 WHERE b.kind = $black AND b.disclosure IN $classes
                   AND {in_force_cypher('b', '$day')} | b.disclosure] AS classes
  WHERE size(classes) > 0
  RETURN collect(n {{{SUBJECT_FIELDS}, hops: hops, classes: classes}}) AS hits
}}
RETURN size(walked) AS walked, over, hits
"""


# Every subject within N hops carrying a black entry in force (the walk is the budget).
RISK_SCAN = {h: _risk_scan(h) for h in range(1, MAX_DEPTH + 1)}


def _one_path_each(hops: int) -> str:
    return f"""
MATCH (root:{SUBJECT} {{id: $id}})
UNWIND $targets AS target
MATCH (h:{SUBJECT} {{id: target}})
CALL (root, h) {{
  MATCH p = ANY SHORTEST (root){_role_step()}{{1,{hops}}}(h)
  WITH p, '' AS key
  RETURN {_PATH_MAP} AS path
}}
RETURN collect([h.id, path]) AS paths
"""


# One shortest path from a subject to each of ``$targets``.
ONE_PATH_EACH = {h: _one_path_each(h) for h in range(1, MAX_DEPTH + 1)}

# A subject's roles, newest first, keyset-paged on (start, role id). ``$held``: true for
# roles held on ``$on``, false for roles ended before it, null for all.
ROLES_PAGE = f"""
MATCH (s:{SUBJECT} {{id: $id}})-[r:{HOLDS_ROLE}]-(other:{SUBJECT})
WHERE ($kinds IS NULL OR r.kind IN $kinds)
  AND ($held IS NULL OR ($held AND r.start <= $on AND (r.end IS NULL OR $on <= r.end))
       OR (NOT $held AND r.end < $on))
  AND ($afterStart IS NULL OR r.start < $afterStart
       OR (r.start = $afterStart AND r.id > $afterId))
WITH r, CASE WHEN s:{PERSON} THEN s ELSE other END AS p,
        CASE WHEN s:{PERSON} THEN other ELSE s END AS o
ORDER BY r.start DESC, r.id LIMIT $limit
RETURN collect(r {{{ROLE_FIELDS}, person: p {FULL_SUBJECT}, organization: o {FULL_SUBJECT}}})
  AS roles
"""

# Organisations sharing an officer with one: most shared officers first, keyset-paged on
# (shared count, organisation id). ``walked`` counts the role pairs: the size budget.
SHARED_OFFICERS = f"""
MATCH (o:{SUBJECT} {{id: $id}}) WHERE o:{ORGANIZATION}
WITH o, COUNT {{ MATCH (o)<-[r1:{HOLDS_ROLE}]-(:{PERSON})-[r2:{HOLDS_ROLE}]->(o2:{ORGANIZATION})
                WHERE o2 <> o AND {role_filter('r1')} AND {role_filter('r2')} }} AS walked
CALL (o, walked) {{
  WITH o WHERE walked <= $maxScan
  MATCH (o)<-[r1:{HOLDS_ROLE}]-(p:{PERSON})-[r2:{HOLDS_ROLE}]->(o2:{ORGANIZATION})
  WHERE o2 <> o AND {role_filter('r1')} AND {role_filter('r2')}
  WITH o2, p, collect(DISTINCT r1.kind) AS here, collect(DISTINCT r2.kind) AS there
  ORDER BY p.id
  WITH o2, collect({{person: p {FULL_SUBJECT}, here: here, there: there}}) AS officers
  WITH o2, officers, size(officers) AS shared
  WHERE $afterShared IS NULL OR shared < $afterShared
     OR (shared = $afterShared AND o2.id > $afterId)
  WITH o2, officers, shared ORDER BY shared DESC, o2.id LIMIT $limit
  RETURN collect({{organization: o2 {FULL_SUBJECT}, officers: officers, shared: shared}}) AS page
}}
RETURN walked, walked > $maxScan AS over, page
"""


class RoleFilter(NamedTuple):
    """Roles walked: of these kinds (None: all), held on ``as_of`` (None: ever)."""

    kinds: tuple[str, ...] | None = None
    as_of: dt.date | None = None

    def params(self) -> dict[str, Any]:
        return {"kinds": list(self.kinds) if self.kinds else None, "heldOn": self.as_of}


class Budget(NamedTuple):
    """The time (seconds, the transaction timeout) and size (rows a scan may collect)."""

    timeout_s: float
    max_scan: int


async def neighbourhood(db: Database, root_id: str, depth: int, roles: RoleFilter, cap: int,
                        budget: Budget) -> dict[str, Any] | None:
    """Subjects within ``depth`` role hops (nearest first, at most ``cap`` with the root)
    and the roles among them; None when the root is unknown."""
    records = await db.read(NEIGHBOURHOOD[depth], {"id": root_id, "cap": cap, **roles.params()},
                            op="neighbourhood", timeout=budget.timeout_s)
    return dict(records[0]) if records else None


async def subject_marks(db: Database, subjects: Sequence[tuple[str, Sequence[str]]],
                        list_kinds: Sequence[str], as_of: dt.date, budget: Budget,
                        per_subject: int = ENTRIES_PER_SUBJECT) -> dict[str, dict[str, Any]]:
    """By subject id: the classes of its black entries in force on ``as_of`` and up to
    ``per_subject`` entries of ``list_kinds`` in force, each under the subject's classes."""
    if not subjects:
        return {}
    records = await db.read(SUBJECT_MARKS, {
        "subjects": [{"id": s, "classes": list(c)} for s, c in subjects],
        "listKinds": list(list_kinds), "perSubject": per_subject, "day": as_of,
        "black": ListKind.BLACK.value}, op="subject_marks", timeout=budget.timeout_s)
    return {m["id"]: m for m in records[0]["marks"]}


async def shortest_paths(db: Database, from_id: str, to_id: str, hops: int, roles: RoleFilter,
                         after: str | None, limit: int, budget: Budget) -> dict[str, Any]:
    """All shortest paths (``total``; ``over`` when more than the budget) and one page."""
    records = await db.read(PATHS[hops], {
        "from": from_id, "to": to_id, "after": after, "limit": limit,
        "maxScan": budget.max_scan, **roles.params()}, op="shortest_paths",
        timeout=budget.timeout_s)
    return dict(records[0]) if records else {"total": 0, "over": False, "page": []}


async def risk_scan(db: Database, root_id: str, hops: int, roles: RoleFilter,
                    classes: Sequence[str], as_of: dt.date, budget: Budget) -> dict[str, Any]:
    """Subjects within ``hops`` carrying a black entry in force of ``classes``."""
    records = await db.read(RISK_SCAN[hops], {
        "id": root_id, "classes": list(classes), "day": as_of, "black": ListKind.BLACK.value,
        "maxScan": budget.max_scan, **roles.params()}, op="risk_scan",
        timeout=budget.timeout_s)
    return dict(records[0]) if records else {"walked": 0, "over": False, "hits": []}


async def one_path_each(db: Database, root_id: str, targets: Sequence[str], hops: int,
                        roles: RoleFilter, budget: Budget) -> dict[str, dict[str, Any]]:
    """By target id: one shortest path from the root."""
    if not targets:
        return {}
    records = await db.read(ONE_PATH_EACH[hops], {
        "id": root_id, "targets": list(targets), **roles.params()}, op="risk_paths",
        timeout=budget.timeout_s)
    return {t: path for t, path in records[0]["paths"]} if records else {}


async def roles_page(db: Database, subject_id: str, kinds: tuple[str, ...] | None,
                     held: bool | None, on: dt.date, after: list[Any] | None, limit: int,
                     budget: Budget) -> list[dict[str, Any]]:
    """A subject's roles, newest first, ``limit`` at most after the (start, id) cursor."""
    after_start = after[0] if after else None
    records = await db.read(ROLES_PAGE, {
        "id": subject_id, "kinds": list(kinds) if kinds else None, "held": held, "on": on,
        "afterStart": after_start, "afterId": after[1] if after else None, "limit": limit},
        op="roles_page", timeout=budget.timeout_s)
    return list(records[0]["roles"]) if records else []


async def shared_officers(db: Database, org_id: str, roles: RoleFilter, after: list[Any] | None,
                          limit: int, budget: Budget) -> dict[str, Any]:
    """Organisations sharing an officer with ``org_id``; ``over`` when the role pairs to
    walk exceed the budget."""
    records = await db.read(SHARED_OFFICERS, {
        "id": org_id, "afterShared": after[0] if after else None,
        "afterId": after[1] if after else None, "limit": limit, "maxScan": budget.max_scan,
        **roles.params()}, op="shared_officers", timeout=budget.timeout_s)
    return dict(records[0]) if records else {"walked": 0, "over": False, "page": []}
