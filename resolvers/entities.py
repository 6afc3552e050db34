"""Federation ``_entities``: the references a router sends, one compiled query per type.

A router resolving 1,000 applicants sends one ``_entities`` call with 1,000
representations; they are grouped by type and each group is read by ONE Cypher query,
shaped by the selection the router asks of that type (``loaders/selection.py``), in the
order they came. A list entry is shown only as its subject's disclosure rules let the
caller see it today (管理办法 第十八条, 第二十七条), and every non-public sight is
registered, as ``ListEntry.source`` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import GraphQLResolveInfo

from gateway.base.errors import CreditGraphError, InvalidInput
from graph_schema.identifiers import normalise_uscc
from graph_schema.rules.validity import status_on_cypher
from loaders.selection import (
    Selection,
    compiled,
    grants_cypher,
    history_cypher,
    visible_cypher,
)

# The label of each entity type and how a representation names one: key → property.
KEYS: dict[str, tuple[str, dict[str, str]]] = {
    "Organization": ("Organization", {"uscc": "uscc", "id": "id"}),
    "Person": ("Person", {"id": "id"}),
    "Department": ("Department", {"id": "id"}),
    "Jurisdiction": ("Jurisdiction", {"code": "code"}),
    "PolicyDocument": ("PolicyDocument", {"id": "id"}),
    "ListEntry": ("ListEntry", {"id": "id"}),
}


def _template(label: str, keys: dict[str, str]) -> str:
    probes = " UNION ALL ".join(
        f"UNWIND ${key} AS k MATCH (n:{label} {{{prop}: k[1]}}) RETURN k[0] AS i, n"
        for key, prop in keys.items()
    )
    return f"CALL () {{ {probes} }}\nRETURN collect([i, {{value}}]) AS value"


def _entry_template(selection: Selection) -> str:
    """Entries by id, only those the caller may see of their subject, today."""
    audience = selection.audience
    return (
        "UNWIND $id AS k MATCH (n:ListEntry {id: k[1]})-[:CONCERNS]->(s:Subject) "
        f"WHERE n.disclosure IN {visible_cypher(audience, 's')} "
        f"AND ({history_cypher('s')} OR coalesce({status_on_cypher('n', '$today')}, "
        "'ACTIVE') = 'ACTIVE') "
        f"WITH k, n, s RETURN collect([k[0], {{value}}, n.disclosure, s.id, "
        f"{grants_cypher(audience, 's')}]) AS value"
    )


def _key(type_name: str, key: str, value: Any) -> Any:
    if type_name == "Organization" and key == "uscc":
        return normalise_uscc(str(value))
    return str(value)


async def resolve_entities(
    _: Any, info: GraphQLResolveInfo, representations: list[Mapping[str, Any]]
) -> list[Any]:
    """``_entities(representations)``: answers in the order asked, null for a reference
    that names nothing (or nothing the caller may see)."""
    out: list[Any] = [None] * len(representations)
    groups: dict[str, dict[str, list[list[Any]]]] = {}
    for n, rep in enumerate(representations):
        type_name = str(rep.get("__typename"))
        if type_name not in KEYS:
            out[n] = InvalidInput(f"{type_name} is not an entity here", value=type_name)
            continue
        keys = KEYS[type_name][1]
        for key in keys:
            if rep.get(key) is not None:
                try:
                    value = _key(type_name, key, rep[key])
                except CreditGraphError as exc:
                    out[n] = exc
                    break
                groups.setdefault(type_name, {k: [] for k in keys})[key].append([n, value])
                break
        else:
            out[n] = InvalidInput(f"a {type_name} reference needs one of {', '.join(keys)}")
    for type_name, by_key in groups.items():
        selection = compiled(info, runtime=type_name)
        if type_name == "ListEntry":
            rows = await selection.fetch(_entry_template(selection), dict(by_key))
            for i, value, disclosure, subject, grants in rows or ():
                refused = selection.disclose(subject, grants, "ListEntry", {disclosure}, i)
                out[i] = refused if refused is not None else selection.shape(value, i)
            continue
        label, keys = KEYS[type_name]
        rows = await selection.fetch(_template(label, keys), dict(by_key))
        for i, value in rows or ():
            out[i] = selection.shape(value, i)
    return out
