"""Every type, field, argument, input field and enum value of the two served schemas says
what it is: a client reads the schema (introspection, GraphiQL, docs/schema.md) and nothing
else. A declaration without a description fails here, named.

Descriptions are written where the field is declared (``graph_schema/fields.py`` helpers,
``strawberry.field``/``strawberry.argument``, the enums in ``graph_schema/enums.py``). Skipped:
introspection (``__*``), the built-in scalars, and the Federation plumbing strawberry
generates, listed below with the reason.
"""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.type import specified_scalar_types

from resolvers.federation import subgraph
from resolvers.public import public_schema
from resolvers.schema import government_schema

FEDERATION = (
    "Federation plumbing strawberry generates for the subgraph (the spec's own types and "
    "root fields): not declared in this project, so it has nowhere to carry a description; "
    "docs/schema.md leaves it out too"
)
SKIPPED: dict[str, str] = dict.fromkeys(
    [
        "_Any",
        "_Entity",
        "_Service",
        "_FieldSet",
        "link__Import",
        "link__Purpose",
        "Query._entities",
        "Query._service",
    ],
    FEDERATION,
)


def _described(text: str | None) -> bool:
    return bool((text or "").strip())


def undescribed(schema: GraphQLSchema) -> list[str]:
    """What in ``schema`` lacks a description: ``Type``, ``Type.field``,
    ``Type.field(argument)``, ``Input.field``, ``Enum.VALUE``."""
    missing: list[str] = []
    for name, type_ in schema.type_map.items():
        if name.startswith("__") or name in specified_scalar_types or name in SKIPPED:
            continue
        if not _described(type_.description):
            missing.append(name)
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in type_.fields.items():
                path = f"{name}.{field_name}"
                if path in SKIPPED:
                    continue
                if not _described(field.description):
                    missing.append(path)
                for arg_name, arg in (getattr(field, "args", None) or {}).items():
                    if not _described(arg.description):
                        missing.append(f"{path}({arg_name})")
        elif isinstance(type_, GraphQLEnumType):
            for value_name, value in type_.values.items():
                if not _described(value.description):
                    missing.append(f"{name}.{value_name}")
    return missing


def _assert_described(schema: GraphQLSchema, label: str) -> None:
    missing = undescribed(schema)
    assert not missing, f"{len(missing)} without a description in the {label} schema:\n" + (
        "\n".join(f"  {m}" for m in missing)
    )


def test_the_government_schema_describes_everything() -> None:
    _assert_described(government_schema()._schema, "government (/graphql)")


def test_the_served_subgraph_describes_everything() -> None:
    # what /graphql serves and docs/schema.md documents: the whole graph as one subgraph
    _assert_described(subgraph("all").schema, "served (/graphql)")


def test_the_public_schema_describes_everything() -> None:
    _assert_described(public_schema()._schema, "public portal (/public/graphql)")


def test_the_skipped_names_exist() -> None:
    # a skip that no longer names anything would hide a new undescribed field of that name
    schema = government_schema()._schema
    for path in SKIPPED:
        type_name, _, field = path.partition(".")
        assert type_name in schema.type_map, path
        if field:
            fields = getattr(schema.type_map[type_name], "fields", {})
            assert field in fields, path
