"""What the read root fields share to answer with one Cypher query each.

A root field gives the template that finds its objects (``n``, with a ``{value}``
placeholder; see ``loaders/selection.py``) and returns what these helpers shape:

- ``one`` / ``many``: the object(s) the template finds, shaped (a selection reaching a
  field that declares no Cypher is a schema defect: ``NotCompiled``, a
  ``ConfigurationError``, at the first request that selects it);
- ``anchor(ref, var)``: a ``SubjectRef`` as the pattern that finds its subject inside
  that query (validated first, like every code), and ``subject_ids``, the one query a
  refusal needs to know whom it concerns;
- ``known_access``: the consents a query brought along, handed to the context so that
  the register names the consents each sight relied on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gateway.base.errors import InvalidInput
from graph_schema.identifiers import normalise_id_number, normalise_uscc
from graph_schema.paging import SubjectRef
from graph_schema.rules.disclosure import Grant
from loaders.selection import compiled
from resolvers.context import Context


async def one(info: Any, template: str, **params: Any) -> Any:
    """The object the template finds, ``Shaped`` (None for none)."""
    selection = compiled(info)
    return selection.shape(await selection.fetch(template, params))


async def many(info: Any, template: str, **params: Any) -> Any:
    """The objects the template collects, in its order, each ``Shaped``."""
    selection = compiled(info)
    rows = await selection.fetch(template, params) or []
    return [selection.shape(row, i) for i, row in enumerate(rows)]


def anchor(ref: SubjectRef, var: str, param: str = "key") -> tuple[str, str]:
    """``(pattern, key)``: the node pattern binding ``var`` to the subject ``ref`` names
    (by ``$param``), and the normalised key to pass as that parameter."""
    if ref.uscc:
        return f"({var}:Organization {{uscc: ${param}}})", normalise_uscc(ref.uscc)
    if ref.id_number:
        return f"({var}:Person {{idNumber: ${param}}})", normalise_id_number(ref.id_number)
    if ref.id:
        return f"({var}:Subject {{id: ${param}}})", str(ref.id)
    raise InvalidInput("give exactly one of uscc, idNumber or id")


def anchors(refs: Sequence[SubjectRef]) -> tuple[list[str], dict[str, str]]:
    """Patterns ``s0``, ``s1``, … for several refs (keys ``$k0``, ``$k1``, …), validated
    in order."""
    patterns, keys = [], {}
    for i, ref in enumerate(refs):
        pattern, keys[f"k{i}"] = anchor(ref, f"s{i}", f"k{i}")
        patterns.append(pattern)
    return patterns, keys


async def subject_ids(ctx: Context, refs: Sequence[SubjectRef], op: str) -> list[str | None]:
    """The ids of the subjects ``refs`` name (None for none), in one query."""
    patterns, keys = anchors(refs)
    cypher = " ".join(f"OPTIONAL MATCH {p}" for p in patterns)
    columns = ", ".join(f"s{i}.id" for i in range(len(patterns)))
    records = await ctx.db.read(f"{cypher} RETURN [{columns}] AS ids", keys, op=op)
    return list(records[0]["ids"])


def known_access(ctx: Context, subject_id: str, maps: Iterable[Mapping[str, Any]] | None) -> None:
    """The caller's access to a subject, from the consents the query brought along."""
    ctx.known_access(subject_id, [Grant.from_map(m) for m in maps or ()])
