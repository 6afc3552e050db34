"""Compiled variable coercion (gateway/variables.py) answers exactly as graphql-core does,
or leaves the answer to it; a batch of SubjectRef takes the compiled road."""

from __future__ import annotations

import random
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
)
from graphql.execution import executor as core_executor
from graphql.execution.values import VariableValues

from gateway import variables
from resolvers.public import public_schema
from resolvers.schema import government_schema


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return government_schema()._schema


def definitions(source: str) -> Any:
    operation = parse(source).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.variable_definitions


def sources(values: VariableValues) -> dict[str, Any]:
    """The sources with each type by name (graphql-core builds a new wrapper each time)."""
    return {
        name: (s.signature.name, str(s.signature.type), s.signature.default, s.value)
        for name, s in values.sources.items()
    }


def core(schema: GraphQLSchema, defs: Any, inputs: dict[str, Any]) -> Any:
    return variables._core_variable_values(schema, defs, inputs, 50, False)


def test_graphql_core_builds_through_the_compiled_road() -> None:
    assert core_executor.get_variable_values is variables.get_variable_values
    assert variables._core_variable_values is not variables.get_variable_values


def test_a_batch_of_subject_refs_is_coerced_by_the_compiled_road(schema: GraphQLSchema) -> None:
    defs = definitions("query($s: [SubjectRef!]!, $m: MatterType!, $d: Date) { __typename }")
    refs = [{"uscc": f"91110000MA00{n:06d}"} for n in range(1000)] + [
        {"idNumber": "x"},
        {"id": "7"},
    ]
    inputs = {"s": refs, "m": "ADMINISTRATIVE_LICENSING", "d": "2026-01-31"}
    compiled = variables.compiled_variable_values(schema, defs, inputs)
    assert compiled is not None
    expected = core(schema, defs, inputs)
    assert isinstance(expected, VariableValues)
    assert compiled.coerced == expected.coerced
    assert sources(compiled) == sources(expected)
    # not given and nullable: omitted by both
    inputs.pop("d")
    compiled = variables.compiled_variable_values(schema, defs, inputs)
    assert compiled is not None and "d" not in compiled.coerced
    assert sources(compiled) == sources(core(schema, defs, inputs))


@pytest.mark.parametrize(
    "value",
    [
        [{"uscc": "a", "idNumber": "b"}],  # oneOf: two keys
        [{"uscc": None}],  # oneOf: null member
        [{}],
        [{"name": "x"}],  # unknown field
        {"uscc": "a"},  # a single value graphql-core wraps in a list
        [{"uscc": 5}],
        [None],
        None,
        "text",
    ],
)
def test_values_off_the_road_are_left_to_graphql_core(schema: GraphQLSchema, value: Any) -> None:
    defs = definitions("query($s: [SubjectRef!]!) { __typename }")
    assert variables.compiled_variable_values(schema, defs, {"s": value}) is None
    # and what the gateway builds with is still graphql-core's verdict
    assert type(variables.get_variable_values(schema, defs, {"s": value})) is type(
        core(schema, defs, {"s": value})
    )


def _random_value(rng: random.Random, fields: list[str], depth: int = 0) -> Any:
    leaves = [
        None,
        "",
        "x",
        "2026-02-30",
        "2026-01-31",
        "ADMINISTRATIVE_LICENSING",
        0,
        7,
        2**40,
        -1,
        1.5,
        True,
        False,
    ]
    roll = rng.random()
    if depth > 2 or roll < 0.55:
        return rng.choice(leaves)
    if roll < 0.75:
        return [_random_value(rng, fields, depth + 1) for _ in range(rng.randrange(3))]
    keys = [*fields, *fields, "uscc", "id", "x"]
    chosen = {rng.choice(keys) for _ in range(rng.randrange(4))}
    return {k: _random_value(rng, fields, depth + 1) for k in chosen}


def _input_types(schema: GraphQLSchema) -> list[str]:
    names = ["String", "ID", "Int", "Float", "Boolean", "Date"]
    for type_ in schema.type_map.values():
        input_type = isinstance(type_, GraphQLInputObjectType | GraphQLEnumType)
        if input_type and not type_.name.startswith("__"):
            names.append(type_.name)
    return names


@pytest.mark.parametrize("which", ["government", "public"])
def test_generated_values_coerce_as_graphql_core_coerces_them(which: str) -> None:
    """Every input type of both schemas, bare, non-null and in lists, with random values:
    the compiled road answers graphql-core's value or steps aside, never anything else."""
    schema = (government_schema() if which == "government" else public_schema())._schema
    rng = random.Random(20261130)
    compiled_count = 0
    for name in _input_types(schema):
        type_ = schema.type_map.get(name)
        if type_ is None:  # e.g. no Date in this schema
            continue
        fields = list(type_.fields) if isinstance(type_, GraphQLInputObjectType) else []
        for wrapped in (name, f"{name}!", f"[{name}!]", f"[{name}]!"):
            defs = definitions(f"query($v: {wrapped}) {{ __typename }}")
            for _ in range(60):
                inputs = {"v": _random_value(rng, fields)} if rng.random() < 0.9 else {}
                compiled = variables.compiled_variable_values(schema, defs, inputs)
                expected = core(schema, defs, inputs)
                if compiled is None:
                    continue
                compiled_count += 1
                assert isinstance(expected, VariableValues), (wrapped, inputs)
                assert compiled.coerced == expected.coerced, (wrapped, inputs)
                assert sources(compiled) == sources(expected), (wrapped, inputs)
    assert compiled_count > 150  # the road is taken, not just stepped aside from


def test_a_variable_with_a_default_is_left_to_graphql_core(schema: GraphQLSchema) -> None:
    defs = definitions("query($m: MatterType = ADMINISTRATIVE_LICENSING) { __typename }")
    assert variables.compiled_variable_values(schema, defs, {}) is None
    assert variables.get_variable_values(schema, defs, {}).coerced["m"] is not None
