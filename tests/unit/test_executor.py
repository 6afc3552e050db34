"""The executor's projection of plain data answers as graphql-core's own completion does:
the same data, the same errors at the same paths, the same nulls propagated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import strawberry
from graphql import ExecutionResult, execute, parse
from strawberry.types import Info

from gateway.executor import Executor


@dataclass
class Row:
    name: Any
    flag: Any
    note: Any
    tags: Any


@strawberry.type
class Item:
    name: str
    flag: bool
    note: str | None
    tags: list[str]


ROWS: dict[str, list[dict[str, Any]]] = {
    "fine": [
        {"name": "a", "flag": True, "note": None, "tags": ["x"]},
        {"name": "b", "flag": False, "note": "n", "tags": []},
    ],
    "null_in_non_null": [
        {"name": "a", "flag": True, "note": None, "tags": ["x"]},
        {"name": None, "flag": False, "note": "n", "tags": []},
        {"name": "c", "flag": True, "note": None, "tags": [None]},
    ],
}


def _rows(info: Info, which: str) -> list[Any]:
    rows = ROWS[which]
    if info.context["plain"]:
        return [dict(r) for r in rows]
    return [Row(**r) for r in rows]


@strawberry.type
class Query:
    @strawberry.field
    def items(self, info: Info, which: str) -> list[Item]:
        return _rows(info, which)

    @strawberry.field
    def maybe(self, info: Info, which: str) -> list[Item | None] | None:
        return _rows(info, which)


SCHEMA = strawberry.Schema(query=Query)._schema


def _run(query: str, plain: bool) -> dict[str, Any]:
    result = execute(
        SCHEMA,
        parse(query),
        context_value={"plain": plain},
        executor_class=Executor if plain else None,
    )
    assert isinstance(result, ExecutionResult)
    return {
        "data": result.data,
        "errors": sorted((e.message, tuple(e.path or ())) for e in result.errors or ()),
    }


@pytest.mark.parametrize("which", sorted(ROWS))
@pytest.mark.parametrize("field", ["items", "maybe"])
def test_plain_lists_complete_as_graphql_core_does(which: str, field: str) -> None:
    query = (
        f'{{ x: {field}(which: "{which}") {{ name flag n: note ...F tags }} }}'
        " fragment F on Item { __typename flag }"
    )
    plain, standard = _run(query, plain=True), _run(query, plain=False)
    assert plain == standard
    if which == "fine":
        assert plain["data"] == {
            "x": [
                {"name": "a", "flag": True, "n": None, "__typename": "Item", "tags": ["x"]},
                {"name": "b", "flag": False, "n": "n", "__typename": "Item", "tags": []},
            ]
        }
    else:
        assert plain["errors"], plain
