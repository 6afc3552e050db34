"""The query register read back: the anchors and page of the compiled ``auditEvents`` and
``myAccessLog`` reads. The register is written by procedures/audit.py, append-only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# The register read newest first, in one compiled query (the ``auditEvents`` and
# ``myAccessLog`` root fields). Each filter has its own anchor so an index serves it (a
# MATCH binding ``a``: the events of one subject, caller or department, or all); then the
# other filters and the page, each event as ``[at, id, {value}]``: its sort key and its
# projection of the selection.
EVENTS_OF_SUBJECT_ID = "MATCH (a:AuditEvent {subjectId: $subjectId})"
_ANCHORS = {
    "sub": "MATCH (a:AuditEvent {sub: $sub})",
    "dept": "MATCH (a:AuditEvent {dept: $dept})",
    "all": "MATCH (a:AuditEvent)",
}
_FILTERS = """
WHERE ($sub IS NULL OR a.sub = $sub) AND ($dept IS NULL OR a.dept = $dept)
  AND ($from IS NULL OR a.at >= $from) AND ($to IS NULL OR a.at < $to)
  AND ($afterAt IS NULL OR a.at < $afterAt OR (a.at = $afterAt AND a.id > $afterId))
WITH a ORDER BY a.at DESC, a.id LIMIT $limit
RETURN collect([a.at, a.id, {value}]) AS value
"""


def events_page(anchor: str) -> str:
    return anchor + _FILTERS


def events_anchor(subject: str | None, sub: str | None, dept: str | None) -> str:
    """The anchor an index serves: the subject (a node pattern binding ``s``), the caller,
    the department, or all events."""
    if subject is not None:
        return f"MATCH {subject} MATCH (a:AuditEvent {{subjectId: s.id}})"
    if sub is not None:
        return _ANCHORS["sub"]
    return _ANCHORS["dept"] if dept is not None else _ANCHORS["all"]


def page_params(
    *,
    sub: str | None = None,
    dept: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    after: tuple[Any, ...] | None = None,
    limit: int,
) -> dict[str, Any]:
    after_at, after_id = after if after else (None, None)
    return {
        "sub": sub,
        "dept": dept,
        "from": start,
        "to": end,
        "afterAt": after_at,
        "afterId": after_id,
        "limit": limit,
    }
