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
    BREAK,
    DirectiveNode,
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLID,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    GraphQLUnionType,
    Visitor,
    visit,
)
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gateway.variables import install as install_compiled_variables
from loaders.selection import Shaped

install_compiled_variables()

Convert = Callable[[Any], Any]


class Plan:
    """A selection's projection: (response name, field name or None for __typename,
    converter) per selected field, and the same compiled into one function (``fast``)
    that builds the response dict with the common leaves checked inline."""

    __slots__ = ("fast", "fields")

    def __init__(self, fields: tuple[tuple[str, str | None, Convert], ...], fast: Convert) -> None:
        self.fields, self.fast = fields, fast


# Plans outlive a request when the operation has no @skip/@include: they then depend on
# the (cached) document alone. Keys are node ids; values keep those nodes alive so an id
# is never reused while its plan is cached.
_PLANS: dict[tuple[int, ...], tuple[Any, Plan]] = {}
_CONDITIONAL: dict[int, tuple[Any, bool]] = {}
_MAX_CACHED = 4096


def _identity(value: Any) -> Any:
    return value


class Executor(StrawberryGraphQLCoreExecutionContext):
    _plans: dict[tuple[int, int], tuple[Any, Plan]]
    _compiled: dict[tuple[int, int], tuple[Any, Plan]]

    def complete_value(
        self,
        return_type: Any,
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if type(result) is Shaped:  # a compiled answer, already in the response's shape
            if result.error is not None:
                raise result.error
            if result.value is None and isinstance(return_type, GraphQLNonNull):
                raise TypeError(
                    f"Cannot return null for non-nullable field "
                    f"{info.parent_type}.{info.field_name}."
                )
            return result.value
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        # A list of plain objects (a credit check of 1,000 subjects) is projected item by
        # item with one plan, without graphql-core's completion, path and awaitable checks
        # per item. Should an item fail (a null in a non-null field), the list is completed
        # again the standard way, which places the error and propagates the null.
        item_type = return_type.of_type
        inner = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if (
            type(result) is list
            and isinstance(inner, GraphQLObjectType)
            and all(type(item) is dict for item in result)
        ):
            fast = self._plan(inner, field_details_list).fast
            try:
                return [fast(item) for item in result]
            except _ForbiddenNull:
                pass
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if type(result) is dict:
            try:
                return _project(self._plan(return_type, field_details_list), result)
            except _ForbiddenNull as null:
                raise null.located(path) from None
        return super().complete_object_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _conditional(self) -> bool:
        """Does the operation use @skip or @include (then plans depend on variables)?"""
        operation = self.operation
        known = _CONDITIONAL.get(id(operation))
        if known is None:
            nodes = [operation, *(f.definition for f in self.fragments.values())]
            found = any(_has_conditions(n) for n in nodes)
            if len(_CONDITIONAL) >= _MAX_CACHED:
                _CONDITIONAL.clear()
            known = _CONDITIONAL[id(operation)] = (nodes, found)
        return known[1]

    def _plan(self, type_: GraphQLObjectType, fields: FieldDetailsList) -> Plan:
        """(response name, field name or None for __typename, converter) per selected field."""
        if not self._conditional():
            key = (id(type_), *(id(d.node) for d in fields))
            cached = _PLANS.get(key)
            if cached is None:
                if len(_PLANS) >= _MAX_CACHED:
                    _PLANS.clear()
                cached = _PLANS[key] = ([d.node for d in fields], self._compile(type_, fields))
            return cached[1]
        try:
            plans = self._plans
        except AttributeError:
            plans = self._plans = {}
        local = (id(type_), id(fields))
        hit = plans.get(local)
        if hit is None:
            hit = plans[local] = (fields, self._compile(type_, fields))  # keep `fields` alive
        return hit[1]

    def _compile(self, type_: GraphQLObjectType, fields: FieldDetailsList) -> Plan:
        try:
            compiled = self._compiled
        except AttributeError:
            compiled = self._compiled = {}
        key = (id(type_), id(fields))
        hit = compiled.get(key)
        if hit is None:  # a nested plan is asked for twice: by its converter and inline
            hit = compiled[key] = (fields, self._compile_plan(type_, fields))
        return hit[1]

    def _compile_plan(self, type_: GraphQLObjectType, fields: FieldDetailsList) -> Plan:
        grouped = self.collect_subfields(type_, fields).grouped_field_set
        plan: list[tuple[str, str | None, Convert]] = []
        names = _Names()
        lines, values = ["def fast(source):", "    get = source.get"], []
        for response_name, group in grouped.items():
            name = group[0].node.name.value
            if name == "__typename":
                plan.append((response_name, None, _constant(type_.name)))
                values.append(f"{response_name!r}: {type_.name!r}")
                continue
            field_type, where = type_.fields[name].type, f"{type_.name}.{name}"
            convert = self._converter(field_type, group, where)
            plan.append((response_name, name, convert))
            var = names.fresh("v")
            lines.append(f"    {var} = get({name!r})")
            expression = self._inline(field_type, var, convert, group, where, names)
            values.append(f"{response_name!r}: {expression}")
        lines.append("    return {" + ", ".join(values) + "}")
        return Plan(tuple(plan), names.define("\n".join(lines), f"<projection of {type_.name}>"))

    def _inline(
        self,
        type_: GraphQLOutputType,
        var: str,
        convert: Convert,
        group: FieldDetailsList,
        where: str,
        names: _Names,
    ) -> str:
        """An expression converting the value named ``var`` as ``convert`` does: plain
        leaves (a str for String/ID, a bool, a known enum name), dicts of an object type
        and lists of those are taken inline, anything else is handed to ``convert``,
        which also raises for a forbidden null."""
        call = names.bind(convert)
        required = isinstance(type_, GraphQLNonNull)
        leaf = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(leaf, GraphQLObjectType):
            fast = names.bind(self._compile(leaf, group).fast)
            return f"({fast}({var}) if type({var}) is dict else {call}({var}))"
        if isinstance(leaf, GraphQLList):
            item_type = leaf.of_type
            item = names.fresh("x")
            each = self._inline(
                item_type, item, self._converter(item_type, group, where), group, where, names
            )
            return f"([{each} for {item} in {var}] if type({var}) is list else {call}({var}))"
        if leaf in _INLINE:
            plain = f"type({var}) is {_INLINE[leaf]}"
        elif isinstance(leaf, GraphQLEnumType):
            plain = f"(type({var}) is str and {var} in {names.bind(leaf.values)})"
        else:
            return f"{call}({var})"
        if not required:
            plain = f"{var} is None or {plain}"
        return f"({var} if {plain} else {call}({var}))"

    def _converter(self, type_: GraphQLOutputType, group: FieldDetailsList, where: str) -> Convert:
        if isinstance(type_, GraphQLNonNull):
            inner = self._converter(type_.of_type, group, where)

            def non_null(value: Any) -> Any:
                converted = None if value is None else inner(value)
                if converted is None:
                    raise _ForbiddenNull(where, [d.node for d in group])
                return converted

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
            return lambda values: _items(item, values)
        if isinstance(type_, GraphQLObjectType):
            plan = self._compile(type_, group)
            return lambda value: _shaped(value) if type(value) is Shaped else _project(plan, value)
        if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
            return _shaped  # only compiled answers reach here as plain data
        if type_ is GraphQLString or type_ is GraphQLID:
            serialize: Convert = type_.serialize
            return lambda value: value if type(value) is str else serialize(value)
        if type_ is GraphQLBoolean:
            serialize = type_.serialize
            return lambda value: value if type(value) is bool else serialize(value)
        if isinstance(type_, GraphQLEnumType):
            names, serialize = type_.values, type_.serialize
            return lambda value: (
                value if type(value) is str and value in names else serialize(value)
            )
        assert isinstance(type_, GraphQLScalarType)  # _converter unwrapped the non-null
        return type_.serialize


def _constant(value: Any) -> Convert:
    return lambda _: value


def _shaped(value: Shaped) -> Any:
    if value.error is not None:
        raise value.error
    return value.value


def _has_conditions(node: Any) -> bool:
    found = False

    class Finder(Visitor):
        def enter_directive(self, directive: DirectiveNode, *_: Any) -> Any:
            nonlocal found
            if directive.name.value in ("skip", "include"):
                found = True
                return BREAK
            return None

    visit(node, Finder())
    return found


class _ForbiddenNull(Exception):
    """A null where the schema forbids one, on its way up to the object or list item that
    becomes null in its place; ``relative`` is its path below that object, as GraphQL
    reports it (response names and list indexes)."""

    def __init__(self, where: str, nodes: list[Any]) -> None:
        super().__init__(where)
        self.where, self.nodes = where, nodes
        self.relative: list[str | int] = []

    def located(self, path: Path) -> GraphQLError:
        return GraphQLError(
            f"Cannot return null for non-nullable field {self.where}.",
            self.nodes,
            path=[*path.as_list(), *self.relative],
        )


def _project(plan: Plan, source: dict[str, Any]) -> dict[str, Any]:
    try:
        return plan.fast(source)
    except _ForbiddenNull:
        get = source.get
        for response, name, convert in plan.fields:  # which field: converted again, rarely
            try:
                convert(get(name) if name is not None else None)
            except _ForbiddenNull as null:
                null.relative.insert(0, response)
                raise null from None
        raise


_INLINE: dict[Any, str] = {GraphQLString: "str", GraphQLID: "str", GraphQLBoolean: "bool"}


class _Names:
    """The names a generated projection uses: fresh locals and bound helpers."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {}
        self._count = 0

    def fresh(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"

    def bind(self, value: Any) -> str:
        name = self.fresh("h")
        self.namespace[name] = value
        return name

    def define(self, source: str, filename: str) -> Convert:
        exec(compile(source, filename, "exec"), self.namespace)  # noqa: S102
        fast: Convert = self.namespace["fast"]
        return fast


def _items(item: Convert, values: list[Any]) -> list[Any]:
    try:
        return [item(v) for v in values]
    except _ForbiddenNull:
        for index, value in enumerate(values):  # which item: converted again, rarely
            try:
                item(value)
            except _ForbiddenNull as null:
                null.relative.insert(0, index)
                raise null from None
        raise
