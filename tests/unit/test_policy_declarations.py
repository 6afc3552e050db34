"""Every field the policy root fields and the policy subgraph's entities reach declares how
it is read, so that each root field (and ``_entities``, per entity type) compiles into one
query."""

from __future__ import annotations

from graphql import GraphQLObjectType, GraphQLSchema, get_named_type

from loaders.selection import declaration_of
from resolvers.federation import subgraph_plan
from resolvers.public import public_schema
from resolvers.schema import government_schema


def _reached(schema: GraphQLSchema, roots: list[str]) -> set[str]:
    query = schema.query_type
    assert query is not None
    pending = [get_named_type(query.fields[r].type) for r in roots]
    seen: set[str] = set()
    while pending:
        type_ = pending.pop()
        if not isinstance(type_, GraphQLObjectType) or type_.name in seen:
            continue
        seen.add(type_.name)
        pending.extend(get_named_type(f.type) for f in type_.fields.values())
    return seen


def _undeclared(schema: GraphQLSchema, names: set[str]) -> list[str]:
    out = []
    for name in sorted(names):
        type_ = schema.get_type(name)
        assert isinstance(type_, GraphQLObjectType)
        out += [f"{name}.{f}" for f in type_.fields if declaration_of(type_, f) is None]
    return out


def test_every_field_the_policy_subgraph_reaches_is_declared() -> None:
    schema = government_schema()._schema
    query_fields = subgraph_plan("policy").query_fields
    assert query_fields is not None
    reached = _reached(schema, sorted(query_fields))
    assert subgraph_plan("policy").entities <= reached
    assert {
        "Task",
        "TaskUnit",
        "CoverageCell",
        "DocumentWorkload",
        "MeasureInfo",
        "LegalBasis",
    } <= reached
    assert _undeclared(schema, reached - {"LegalBasis"}) == []  # LegalBasis: Converted


def test_every_policy_field_of_the_public_portal_is_declared() -> None:
    schema = public_schema()._schema
    roots = [r for r in subgraph_plan("policy").query_fields or () if r != "measures"]
    assert _undeclared(schema, _reached(schema, roots)) == []
