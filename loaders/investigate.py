"""The Cypher the investigators' queries share: role walks, marks, paths, size caps.

``loaders/investigate_reads.py`` builds each root field's one query from these parts.
Every query is bounded twice. In size, inside the Cypher: hops are a literal quantifier
(1–4 for neighbourhoods and risk, 1–6 for paths), a neighbourhood stops after ``$cap``
subjects (``ANY SHORTEST`` walks breadth first, so the nearest come first and the walk
ends at the cap), and a scan that must be complete to be right (risk, paths, shared
officers) collects at most ``$maxScan + 1`` rows and reports ``over`` instead of going
on. In time, by the transaction timeout the caller passes (Neo4j terminates the query;
``gateway.base.db`` turns that into ``QueryBudgetExceeded``).

Roles are the only relationships walked: list entries hang off the subjects reached
(departments off the entries), they are never a step between two subjects. A role is
held on a date from its start through its end, both inclusive.

``NEIGHBOURHOOD`` and ``SUBJECT_MARKS`` read a neighbourhood in two statements, the
disclosure classes of each subject passed in: the floor ``bench/investigate.py``
measures the ``neighbourhood`` root field against.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from gateway.base.db import Database
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
    return (
        f"($kinds IS NULL OR {r}.kind IN $kinds) AND ($heldOn IS NULL OR "
        f"({r}.start <= $heldOn AND ({r}.end IS NULL OR $heldOn <= {r}.end)))"
    )


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
  MATCH (a:{PERSON})-[r:{HOLDS_ROLE} WHERE {role_filter("r")}]->(b:{ORGANIZATION})
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
          WHERE e.disclosure IN {classes} AND {in_force_cypher("e", "$day")} | e] AS e
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
{_marks("x", "classes")}
RETURN collect({{id: s.id, entries: entries, more: more, blackClasses: {_BLACK_CLASSES}}})
  AS marks
"""

# A path as the answers show it: its key, its subjects and its roles in walking order.
_PATH_MAP = (
    f"{{key: key, nodes: [n IN nodes(p) | n {{{SUBJECT_FIELDS}}}], "
    f"roles: [r IN relationships(p) | r {{{ROLE_FIELDS}}}]}}"
)


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


async def neighbourhood(
    db: Database, root_id: str, depth: int, roles: RoleFilter, cap: int, budget: Budget
) -> dict[str, Any] | None:
    """Subjects within ``depth`` role hops (nearest first, at most ``cap`` with the root)
    and the roles among them; None when the root is unknown."""
    records = await db.read(
        NEIGHBOURHOOD[depth],
        {"id": root_id, "cap": cap, **roles.params()},
        op="neighbourhood",
        timeout=budget.timeout_s,
    )
    return dict(records[0]) if records else None


async def subject_marks(
    db: Database,
    subjects: Sequence[tuple[str, Sequence[str]]],
    list_kinds: Sequence[str],
    as_of: dt.date,
    budget: Budget,
    per_subject: int = ENTRIES_PER_SUBJECT,
) -> dict[str, dict[str, Any]]:
    """By subject id: the classes of its black entries in force on ``as_of`` and up to
    ``per_subject`` entries of ``list_kinds`` in force, each under the subject's classes."""
    if not subjects:
        return {}
    records = await db.read(
        SUBJECT_MARKS,
        {
            "subjects": [{"id": s, "classes": list(c)} for s, c in subjects],
            "listKinds": list(list_kinds),
            "perSubject": per_subject,
            "day": as_of,
            "black": ListKind.BLACK.value,
        },
        op="subject_marks",
        timeout=budget.timeout_s,
    )
    return {m["id"]: m for m in records[0]["marks"]}
