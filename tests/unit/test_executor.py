"""The executor's projection of plain data answers as graphql-core's own completion does:
the same data, the same errors at the same paths, the same nulls propagated."""

from __future__ import annotations

import enum
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
    colour: Any = None
    child: Any = None
    children: Any = None


@strawberry.enum
class Colour(enum.Enum):
    RED = "RED"
    GREEN = "GREEN"


@dataclass
class ChildRow:
    label: Any
    size: Any


@strawberry.type
class Child:
    label: str
    size: int | None


@strawberry.type
class Item:
    name: str
    flag: bool
    note: str | None
    tags: list[str]
    colour: Colour | None = None
    child: Child | None = None
    children: list[Child] | None = None


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
    # leaves that are not plain: serialised by their types
    "serialised": [
        {"name": 5, "flag": 1, "note": 7.5, "tags": [3, "t"], "colour": "GREEN"},
        {"name": "b", "flag": 0, "note": True, "tags": [], "colour": None},
    ],
    # nested objects and lists of them
    "nested": [
        {
            "name": "a",
            "flag": True,
            "note": None,
            "tags": [],
            "colour": "RED",
            "child": {"label": "x", "size": 2},
            "children": [{"label": "y", "size": None}],
        },
        {
            "name": "b",
            "flag": True,
            "note": None,
            "tags": [],
            "child": None,
            "children": [{"label": "z", "size": 1}, {"label": "w", "size": 3}],
        },
    ],
}


def _object(row: dict[str, Any]) -> Row:
    values = dict(row)
    if isinstance(values.get("colour"), str) and values["colour"] in Colour.__members__:
        values["colour"] = Colour[values["colour"]]
    if values.get("child") is not None:
        values["child"] = ChildRow(**values["child"])
    if values.get("children") is not None:
        values["children"] = [ChildRow(**c) for c in values["children"]]
    return Row(**values)


def _rows(info: Info, which: str) -> list[Any]:
    rows = ROWS[which]
    if info.context["plain"]:
        return [dict(r) for r in rows]
    return [_object(r) for r in rows]


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
        f'{{ x: {field}(which: "{which}") {{ name flag n: note ...F tags colour '
        "child { label size __typename } children { label s: size } } }"
        " fragment F on Item { __typename flag child { size } }"
    )
    plain, standard = _run(query, plain=True), _run(query, plain=False)
    assert plain == standard
    if which == "fine":
        empty = {"colour": None, "child": None, "children": None}
        assert plain["data"] == {
            "x": [
                {
                    "name": "a",
                    "flag": True,
                    "n": None,
                    "__typename": "Item",
                    "tags": ["x"],
                    **empty,
                },
                {"name": "b", "flag": False, "n": "n", "__typename": "Item", "tags": [], **empty},
            ]
        }
    elif which == "null_in_non_null":
        assert plain["errors"], plain
    else:
        assert not plain["errors"] and plain["data"]["x"][0]["name"] in ("a", "5"), plain
