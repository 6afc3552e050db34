"""Variable values coerced by a plan compiled once per variable definition.

graphql-core coerces a request's variables value by value, walking each type afresh
and checking the nesting depth first: for a batch of 1,000 ``SubjectRef`` it costs
more than deciding the 1,000 checks. Here each variable definition of a (cached)
document gets a coercer compiled from its type, and a request whose variables all
take the plain road is coerced by those. Anything else (a wrong type, a missing
required value, a default to apply, a value graphql-core would wrap in a list)
falls back to graphql-core, which then produces its own value or its own errors: the
compiled road only ever answers what graphql-core would have answered.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLString,
    VariableDefinitionNode,
)
from graphql.execution import executor as core_executor
from graphql.execution.get_variable_signature import (
    GraphQLVariableSignature,
    get_variable_signature,
)
from graphql.execution.values import VariableValues, VariableValueSource
from graphql.pyutils import Undefined

Coerce = Callable[[Any], Any]

# Type depth up to which a coercer is compiled: far below graphql-core's nesting limit
# (200), so a value the compiled road accepts is never one graphql-core refuses as
# nested too deeply.
_MAX_DEPTH = 16
_MAX_CACHED = 4096


class _Off(Exception):
    """The value leaves the compiled road: graphql-core decides."""


def _leaf(type_: Any) -> Coerce:
    if type_ is GraphQLString:

        def string(value: Any) -> Any:
            if type(value) is not str:
                raise _Off
            return value

        return string
    coerce = type_.coerce_input_value

    def leaf(value: Any) -> Any:
        try:
            coerced = coerce(value)
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise _Off from None
        if coerced is Undefined:
            raise _Off
        return coerced

    return leaf


def compile_coercer(type_: GraphQLInputType, depth: int = 0) -> Coerce | None:
    """A function from a JSON value to what graphql-core's ``coerce_input_value`` gives,
    raising ``_Off`` where that would fail or take a road not compiled here; None for a
    type not compiled (a field with a default, a recursive or very deep input type)."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(type_, GraphQLNonNull):
        inner = compile_coercer(type_.of_type, depth)
        if inner is None:
            return None

        def non_null(value: Any) -> Any:
            if value is None:
                raise _Off
            return inner(value)

        return non_null
    nullable = _nullable(type_, depth)
    if nullable is None:
        return None
    return lambda value: None if value is None else nullable(value)


def _nullable(type_: GraphQLInputType, depth: int) -> Coerce | None:
    if isinstance(type_, GraphQLList):
        item = compile_coercer(type_.of_type, depth + 1)
        if item is None:
            return None

        def items(value: Any) -> Any:
            if type(value) is not list:  # graphql-core wraps a single value
                raise _Off
            return [item(v) for v in value]

        return items
    if isinstance(type_, GraphQLInputObjectType):
        return _input_object(type_, depth)
    return _leaf(type_)


def _input_object(type_: GraphQLInputObjectType, depth: int) -> Coerce | None:
    fields: list[tuple[str, str, Coerce]] = []
    required: list[str] = []
    for name, field in type_.fields.items():
        if field.default_value is not Undefined or field.default is not None:
            return None
        coerce = compile_coercer(field.type, depth + 1)
        if coerce is None:
            return None
        fields.append((name, field.out_name or name, coerce))
        if isinstance(field.type, GraphQLNonNull):
            required.append(name)
    known = frozenset(name for name, _, _ in fields)
    one_of, out_type = type_.is_one_of, type_.out_type

    def input_object(value: Any) -> Any:
        if type(value) is not dict or not known.issuperset(value):
            raise _Off
        coerced = {out: coerce(value[name]) for name, out, coerce in fields if name in value}
        for name in required:
            if name not in value:
                raise _Off
        if one_of and (len(coerced) != 1 or next(iter(coerced.values())) is None):
            raise _Off
        try:
            return out_type(coerced)
        except Exception:  # noqa: BLE001 - e.g. strawberry's oneOf check; graphql-core reports it
            raise _Off from None

    return input_object


_Plan = tuple[tuple[GraphQLVariableSignature, Coerce | None], ...] | None
_PLANS: dict[tuple[int, int], tuple[Any, _Plan]] = {}


def _plan(schema: GraphQLSchema, definitions: Collection[VariableDefinitionNode]) -> _Plan:
    key = (id(schema), id(definitions))
    cached = _PLANS.get(key)
    if cached is None:
        if len(_PLANS) >= _MAX_CACHED:
            _PLANS.clear()
        cached = _PLANS[key] = ((schema, definitions), _compile_plan(schema, definitions))
    return cached[1]


def _compile_plan(schema: GraphQLSchema, definitions: Collection[VariableDefinitionNode]) -> _Plan:
    plan: list[tuple[GraphQLVariableSignature, Coerce | None]] = []
    for definition in definitions:
        signature = get_variable_signature(schema, definition)
        if isinstance(signature, GraphQLError) or signature.default is not None:
            return None  # graphql-core reports the error or applies the default
        plan.append((signature, compile_coercer(signature.type)))
    return tuple(plan)


def compiled_variable_values(
    schema: GraphQLSchema,
    definitions: Collection[VariableDefinitionNode],
    inputs: dict[str, Any],
) -> VariableValues | None:
    """The coerced variables, or None where graphql-core has to decide."""
    plan = _plan(schema, definitions)
    if plan is None:
        return None
    sources: dict[str, VariableValueSource] = {}
    coerced: dict[str, Any] = {}
    try:
        for signature, coerce in plan:
            name = signature.name
            value = inputs.get(name, Undefined)
            if value is Undefined:
                if isinstance(signature.type, GraphQLNonNull):
                    return None
                sources[name] = VariableValueSource(signature)
                continue
            if coerce is None:
                return None
            sources[name] = VariableValueSource(signature, value)
            coerced[name] = coerce(value)
    except _Off:
        return None
    return VariableValues(sources, coerced)


_core_variable_values = core_executor.get_variable_values


def get_variable_values(
    schema: GraphQLSchema,
    var_def_nodes: Collection[VariableDefinitionNode],
    inputs: dict[str, Any],
    max_errors: int | None = None,
    hide_suggestions: bool = False,
) -> Any:
    """graphql-core's ``get_variable_values``, through the compiled road when it can."""
    compiled = compiled_variable_values(schema, var_def_nodes, inputs)
    if compiled is not None:
        return compiled
    return _core_variable_values(schema, var_def_nodes, inputs, max_errors, hide_suggestions)


def install() -> None:
    """Coerce every execution's variables through ``get_variable_values`` above
    (graphql-core's executor looks the function up by name at each build)."""
    core_executor.get_variable_values = get_variable_values
