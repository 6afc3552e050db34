"""graphql-core execution with a fast path for plain data.

A resolver may return a plain ``dict`` keyed by GraphQL field names for an object
type whose fields are all data (no resolvers, no arguments): the executor then
projects the query's selection set over the dict directly (aliases, fragments,
``@skip``/``@include`` and ``__typename`` included, leaves serialised by their
types) instead of calling one resolver per field. The projection is compiled once
per selection (a converter per field) and reused for every item of a list: a credit
check of 1,000 subjects is some 20,000 fields, and resolving them one by one would
cost more than the query in Neo4j. Everything else executes as strawberry's does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLString,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

Convert = Callable[[Any], Any]
Plan = tuple[tuple[str, str | None, Convert], ...]


def _identity(value: Any) -> Any:
    return value


class Executor(StrawberryGraphQLCoreExecutionContext):
    _plans: dict[tuple[int, int], tuple[FieldDetailsList, Plan]]

    def complete_object_value(  # type: ignore[override]
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if type(result) is dict:
            return _project(self._plan(return_type, field_details_list), result)
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context)

    def _plan(self, type_: GraphQLObjectType, fields: FieldDetailsList) -> Plan:
        """(response name, field name or None for __typename, converter) per selected field."""
        try:
            plans = self._plans
        except AttributeError:
            plans = self._plans = {}
        key = (id(type_), id(fields))
        cached = plans.get(key)
        if cached is not None:
            return cached[1]
        grouped = self.collect_subfields(type_, fields).grouped_field_set
        plan: list[tuple[str, str | None, Convert]] = []
        for response_name, group in grouped.items():
            name = group[0].node.name.value
            if name == "__typename":
                plan.append((response_name, None, lambda _, n=type_.name: n))
            else:
                field_type = type_.fields[name].type
                plan.append((response_name, name,
                             self._converter(field_type, group, f"{type_.name}.{name}")))
        plans[key] = (fields, tuple(plan))  # keep `fields` alive: its id is the key
        return plans[key][1]

    def _converter(self, type_: GraphQLOutputType, group: FieldDetailsList, where: str) -> Convert:
        if isinstance(type_, GraphQLNonNull):
            inner = self._converter(type_.of_type, group, where)

            def non_null(value: Any) -> Any:
                if value is None:
                    raise GraphQLError(f"Cannot return null for non-nullable field {where}.",
                                       [d.node for d in group])
                return inner(value)

            return non_null
        convert = self._nullable(type_, group, where)
        if convert is _identity:
            return _identity
        return lambda value: None if value is None else convert(value)

    def _nullable(self, type_: GraphQLOutputType, group: FieldDetailsList, where: str) -> Convert:
        if isinstance(type_, GraphQLList):
            item = self._converter(type_.of_type, group, where)
            if item is _identity:
                return list
            return lambda values: [item(v) for v in values]
        if isinstance(type_, GraphQLObjectType):
            plan_holder: list[Plan] = []

            def obj(value: dict[str, Any]) -> dict[str, Any]:
                if not plan_holder:
                    plan_holder.append(self._plan(type_, group))
                return _project(plan_holder[0], value)

            return obj
        if type_ is GraphQLString or type_ is GraphQLID:
            serialize = type_.serialize
            return lambda value: value if type(value) is str else serialize(value)
        if isinstance(type_, GraphQLEnumType):
            names, serialize = type_.values, type_.serialize
            return lambda value: value if type(value) is str and value in names else serialize(value)
        return type_.serialize  # type: ignore[union-attr, no-any-return]


def _project(plan: Plan, source: dict[str, Any]) -> dict[str, Any]:
    get = source.get
    return {response: convert(get(name) if name is not None else None)
            for response, name, convert in plan}
