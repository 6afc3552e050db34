"""Roles of a subject, in both directions: the posts a person holds, an organisation's officers."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from loaders.base import CypherLoader
from loaders.subject import SUBJECT_MAP

# A role is in force on a date from its start through its end, both inclusive.
ROLES_BY_SUBJECT = f"""
UNWIND range(0, size($keys) - 1) AS i
WITH i, $keys[i] AS k
CALL (k) {{
  MATCH (s:Subject {{id: k.id}})-[r:HOLDS_ROLE]-(other:Subject)
  WHERE (k.kinds IS NULL OR r.kind IN k.kinds)
    AND (k.asOf IS NULL OR (r.start <= k.asOf AND (r.end IS NULL OR k.asOf <= r.end)))
  WITH r, CASE WHEN s:Person THEN s ELSE other END AS p,
          CASE WHEN s:Person THEN other ELSE s END AS o
  ORDER BY r.start DESC, r.kind, p.id, o.id
  RETURN collect({{id: r.id, kind: r.kind, start: r.start, end: r.end,
                   person: p {SUBJECT_MAP}, organization: o {SUBJECT_MAP}}}) AS roles
}}
RETURN i, roles AS value
"""


class RoleKey(NamedTuple):
    subject_id: str
    kinds: tuple[str, ...] | None
    as_of: dt.date | None


class RolesBySubject(CypherLoader[RoleKey, list[dict[str, Any]]]):
    """Key: (subject id, role kinds or None, as-of date or None). Value: roles, newest first."""

    query = ROLES_BY_SUBJECT

    def param(self, key: RoleKey) -> dict[str, Any]:
        return {"id": key.subject_id, "kinds": list(key.kinds) if key.kinds else None,
                "asOf": key.as_of}
