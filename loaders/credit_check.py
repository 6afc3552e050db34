"""The credit check's one query: subjects, their hits, related parties and the measures.

One round trip answers a whole batch: the measures that apply to the matter are read
once, then for every known reference (USCC, ID number or internal id) the subject,
its list entries in force on ``$asOf`` (direct and derived), and, for an
organisation, officers carrying a serious black entry (information only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from gateway.base.db import Database
from graph_schema.credit_check import check_cypher, measures_cypher
from loaders.selection import Audience, grants_cypher, visible_cypher

# One index probe per reference: the caller splits them by key ([position, key] pairs).
_SUBJECTS = """
CALL () {
  UNWIND $byUscc AS ref MATCH (s:Organization {uscc: ref[1]}) RETURN ref[0] AS i, s
  UNION ALL
  UNWIND $byIdNumber AS ref MATCH (s:Person {idNumber: ref[1]}) RETURN ref[0] AS i, s
  UNION ALL
  UNWIND $byId AS ref MATCH (s:Subject {id: ref[1]}) RETURN ref[0] AS i, s
}
"""


@cache
def check_query(audience: Audience, related: bool) -> str:
    """The check of a batch: the matter's measures once, then per known reference the
    subject, its hits with the details the caller may not see withheld inside Neo4j, and
    (when asked for) related parties. One query, one record."""
    check = check_cypher(
        "s", "$asOf", visible_cypher(audience, "s"), grants_cypher(audience, "s"), related=related
    )
    return (
        f"CALL () {{ {measures_cypher('$matter', 'measures')} }}\n{_SUBJECTS}\n"
        f"RETURN measures, collect([i, {check}]) AS subjects"
    )


def officer_request(today: dt.date, now: dt.datetime) -> dict[str, Any]:
    """The caller parameters of a government officer relying on no consent: what a raw
    check (a benchmark's floor) runs with."""
    return {
        "today": today,
        "now": now,
        "self": None,
        "government": True,
        "base": ["PUBLIC", "GOVERNMENT"],
        "checks": True,
    }


def check_params(
    refs: Sequence[Mapping[str, str | None]], matter: str, as_of: dt.date
) -> dict[str, Any]:
    """The check's parameters: references split by key, each with its position."""
    by: dict[str, list[list[Any]]] = {"uscc": [], "idNumber": [], "id": []}
    for n, ref in enumerate(refs):
        for key in ("uscc", "idNumber", "id"):
            if ref.get(key):
                by[key].append([n, ref[key]])
                break
    return {
        "byUscc": by["uscc"],
        "byIdNumber": by["idNumber"],
        "byId": by["id"],
        "matter": matter,
        "asOf": as_of,
    }


async def credit_check(
    db: Database,
    refs: list[dict[str, str | None]],
    matter: str,
    as_of: dt.date,
    *,
    audience: Audience,
    request: dict[str, Any],
    related: bool = True,
) -> tuple[list[list[Any] | None], list[dict[str, Any]]]:
    """One raw check per reference in input order (None when unknown; see
    ``graph_schema.credit_check.check_cypher``), and the matter's measures; one query.
    ``request``: the caller's parameters (``loaders.selection.request_params``)."""
    if not refs:
        return [], []
    records = await db.read(
        check_query(audience, related),
        {**request, **check_params(refs, matter, as_of)},
        op="credit_check",
    )
    answers: list[list[Any] | None] = [None] * len(refs)
    if not records:  # none of the references is known
        return answers, []
    for i, check in records[0]["subjects"]:
        answers[i] = check
    return answers, records[0]["measures"]


# The measure catalogue as a compiled read's root objects (loaders/selection.py): every
# measure (those that apply to ``$matter`` when given), by id.
MEASURES = """
MATCH (n:Measure)
WHERE $matter IS NULL OR EXISTS { (n)-[:APPLIES_TO]->(:MatterType {code: $matter}) }
WITH n ORDER BY n.id
RETURN collect({value}) AS value
"""
