"""A root field's selection set compiled into ONE Cypher query, and its answer shaped.

The root resolver gives the Cypher that finds the root objects (a whole query returning
one column ``value``, with a ``{value}`` placeholder); the compiler fills the
placeholder with a projection of the request's selection set, written from the
declarations of the selected fields (``graph_schema/fields.py``): only the selected
properties, related objects as ``COLLECT { }`` subqueries, arguments as parameters, and
the audience's rules as predicates, so that nothing the caller may not see leaves Neo4j.

Each object comes back as a list in selection order (an abstract type's starts with
its type name); a converter compiled with the query turns those lists into the
response's maps, keyed by response names, in order. Items of a subject's information
carry their disclosure class and subject; the converter registers what was seen (the
query register, 个人诚信 opinion 四(一)) and applies the purpose rule (管理办法
第三十三条) exactly as the rest of the gateway does (``Context.disclose``).

A plan (Cypher and converter) is compiled once per (document, operation, field,
audience shape) and cached; a request pays for its parameters and its conversion.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    BREAK,
    DirectiveNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_named_type,
    located_error,
    visit,
)
from graphql.execution.collect_fields import FieldDetails, FragmentDetails, collect_subfields
from graphql.execution.values import VariableValues, get_argument_values

from gateway.base.errors import ConfigurationError, CreditGraphError, PurposeRequired
from graph_schema.credit_check import CHECK_ROLES
from graph_schema.fields import Assembled, Guarded, Read, Related, declaration, label_of
from graph_schema.rules.disclosure import (
    AUTHORISED,
    CLASSES,
    GOVERNMENT,
    ID_NUMBER,
    PUBLIC,
    Grant,
    consent_cypher,
)

if TYPE_CHECKING:
    from resolvers.context import Context

Path = tuple[Any, Any] | None  # (parent path, key), linked; None at the compiled root
Converter = Callable[[Any, "Run", Path], Any]


class Shaped:
    """A value already in the response's shape: the executor passes it through, or, when
    an error made it null, raises that error where it sits (so a non-null position
    propagates it, as GraphQL says)."""

    __slots__ = ("value", "error")

    def __init__(self, value: Any, error: Exception | None = None) -> None:
        self.value = value
        self.error = error


class NotCompiled(ConfigurationError):
    """A selected field has no declaration (a schema defect, found at the first request)."""


class _Null(Exception):
    """A field met ``error``: its nearest nullable ancestor becomes null and reports it."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


# ---------------------------------------------------------------------------------------
# Audience: what shapes the Cypher text (values travel as parameters)


@dataclass(frozen=True, slots=True)
class Audience:
    """``consents``: how the request relies on consents: ``none``, ``any`` (``*``) or
    ``ids`` (the ids it names). Everything else about the caller is a parameter."""

    consents: str = "none"

    @classmethod
    def of(cls, ctx: Context) -> Audience:
        viewer = ctx.viewer
        if viewer is None or not ctx.consents or not viewer.grantee_ids:
            return _NO_CONSENTS
        return _ANY if ctx.consents == ("*",) else _IDS


_NO_CONSENTS, _ANY, _IDS = Audience("none"), Audience("any"), Audience("ids")


def visible_cypher(audience: Audience, subject: str) -> str:
    """管理办法 第十八条–第二十一条: the classes the caller may see of ``subject``."""
    consented = ""
    if audience.consents != "none":
        consented = " + " + consent_cypher(
            subject, "classes", "$grantees", "$consentIds", "$now", "$base"
        )
    return f"CASE WHEN {subject}.id = $self THEN {list(CLASSES)!r} ELSE $base{consented} END"


def history_cypher(subject: str) -> str:
    """管理办法 第二十七条: expired and ended information, for government and the subject."""
    return f"($government OR {subject}.id = $self)"


def id_number_cypher(audience: Audience, subject: str) -> str:
    consented = ""
    if audience.consents != "none":
        consented = " OR " + consent_cypher(
            subject, "id_number", "$grantees", "$consentIds", "$now", "$base"
        )
    return f"($government OR {subject}.id = $self{consented})"


def grants_cypher(audience: Audience, subject: str) -> str:
    """The consents of ``subject`` this request relies on, for the register."""
    if audience.consents == "none":
        return "[]"
    return consent_cypher(subject, "grants", "$grantees", "$consentIds", "$now", "$base")


REQUEST_PARAMS = ("today", "now", "self", "government", "base", "checks", "grantees", "consentIds")


def request_params(ctx: Context, audience: Audience) -> dict[str, Any]:
    viewer = ctx.viewer
    government = bool(viewer and viewer.government)
    acts_for = (
        viewer.subject_id
        if viewer is not None and viewer.acts_for(viewer.subject_id or "")
        else None
    )
    params: dict[str, Any] = {
        "today": ctx.today,
        "now": ctx.now,
        "self": acts_for,
        "government": government,
        "base": [PUBLIC, GOVERNMENT] if government else [PUBLIC],
        # a credit check needs a checking role and a stated purpose (管理办法 第三十三条)
        "checks": bool(viewer and viewer.has_any(*CHECK_ROLES) and ctx.purpose),
    }
    if audience.consents != "none":
        params["grantees"] = list(viewer.grantee_ids) if viewer else []
        params["consentIds"] = [] if audience.consents == "any" else list(ctx.consents or ())
    return params


# ---------------------------------------------------------------------------------------
# Compilation


@dataclass(frozen=True, slots=True)
class _Arguments:
    """A field's arguments that depend on variables: computed per request."""

    definition: GraphQLField
    details: FieldDetails
    params: tuple[tuple[str, str], ...]  # (argument name, parameter name)


@dataclass(frozen=True, slots=True)
class Plan:
    cypher: str
    constants: dict[str, Any]
    arguments: tuple[_Arguments, ...]
    convert: Converter
    names: tuple[str, ...]  # the selected field and its subfields, for the register
    checks: tuple[
        tuple[GraphQLField, FieldDetails, Callable[[dict[str, Any], Any], None]], ...
    ] = ()
    sidecars: tuple[str, ...] = ()  # values read once beside the answer (``Scope.once``)
    uses: tuple[str, ...] = ()  # the request's parameters the query reads (only those are sent)

    def check(self, variables: Any, ctx: Any) -> None:
        """Validate the arguments declarations check (e.g. a page size) before running."""
        for definition, details, check in self.checks:
            values = get_argument_values(
                definition, details.node, variables, details.fragment_variable_values
            )
            check({k: plain(v) for k, v in values.items()}, ctx)

    def params(self, variables: Any) -> dict[str, Any]:
        out = dict(self.constants)
        for a in self.arguments:
            values = get_argument_values(
                a.definition, a.details.node, variables, a.details.fragment_variable_values
            )
            for arg, param in a.params:
                out[param] = plain(values.get(arg))
        return out


def plain(value: Any) -> Any:
    """An argument value as Cypher takes it: enums by value, inputs as maps."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    return value


def _uses_variables(node: FieldNode) -> bool:
    found = False

    class Finder(Visitor):
        def enter_variable(self, *_: Any) -> Any:
            nonlocal found
            found = True
            return BREAK

    for arg in node.arguments or ():
        visit(arg, Finder())
    return found


class _Compiler:
    def __init__(self, info: GraphQLResolveInfo[Any], audience: Audience) -> None:
        self.schema = info.schema
        self.fragments = {n: FragmentDetails(d) for n, d in info.fragments.items()}
        self.variables = variables_of(info)
        self.operation = info.operation
        self.audience = audience
        self.constants: dict[str, Any] = {}
        self.arguments: list[_Arguments] = []
        self.bound: list[dict[str, str]] = []  # values enclosing fields bound, innermost last
        self.sidecars: dict[tuple[Any, ...], tuple[str, str]] = {}
        self.checks: list[tuple[GraphQLField, FieldDetails, Any]] = []
        self._n = 0

    def var(self, hint: str = "v") -> str:
        self._n += 1
        return f"{hint}{self._n}"

    # The audience's rules, as Cypher over a subject variable (管理办法 第十八条–第二十一条).

    def visible(self, subject: str) -> str:
        return visible_cypher(self.audience, subject)

    def history(self, subject: str) -> str:
        return history_cypher(subject)

    def id_number_visible(self, subject: str) -> str:
        return id_number_cypher(self.audience, subject)

    def grants(self, subject: str) -> str:
        return grants_cypher(self.audience, subject)

    def once(self, key: tuple[Any, ...], build: Callable[[str], str]) -> str:
        """A value read once per query, beside the answer, by ``build(name)`` (a query of
        its own returning one column ``name``): what many objects of the answer share. Its
        converters find it as ``ctx.sidecars[name]``."""
        known = self.sidecars.get(key)
        if known is None:
            name = self.var("side")
            self.sidecars[key] = known = (name, build(name))
        return known[0]

    # Projection

    def project(
        self, type_: GraphQLOutputType, details: list[FieldDetails], var: str
    ) -> tuple[str, Converter]:
        """The selection ``details`` on the named type of ``type_`` read from ``var``."""
        named = get_named_type(type_)
        if isinstance(named, GraphQLObjectType):
            return self._object(named, details, var, tagged=False)
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            branches, converters = [], {}
            for possible in self.schema.get_possible_types(named):
                label = label_of(possible)
                cypher, convert = self._object(possible, details, var, tagged=True)
                branches.append(f"WHEN {var}:`{label}` THEN {cypher}")
                converters[possible.name] = convert
            cypher = f"CASE {' '.join(branches)} END"

            def abstract(raw: Any, run: Run, path: Path) -> Any:
                return None if raw is None else converters[raw[0]](raw, run, path)

            return cypher, abstract
        raise NotCompiled(f"{named} is not an object type")

    def _object(
        self, type_: GraphQLObjectType, details: list[FieldDetails], var: str, *, tagged: bool
    ) -> tuple[str, Converter]:
        grouped = collect_subfields(
            self.schema, self.fragments, self.variables, self.operation, type_, details
        ).grouped_field_set
        items: list[str] = [repr(type_.name)] if tagged else []
        plan: list[tuple[str, int, Converter | None, bool]] = []
        constants: list[tuple[str, Any]] = []
        for response, group in grouped.items():
            name = group[0].node.name.value
            if name == "__typename":
                constants.append((response, type_.name))
                plan.append((response, -1, None, True))
                continue
            definition = type_.fields[name]
            read = declaration_of(type_, name)
            if read is None:
                raise NotCompiled(
                    f"{type_.name}.{name} has no declaration of how it is read "
                    "(graph_schema/fields.py)"
                )
            cypher, convert = self._field(read, definition, group, var)
            plan.append((response, len(items), convert, is_nullable(definition.type)))
            items.append(cypher)
        return "[" + ", ".join(items) + "]", _object_converter(plan, dict(constants))

    def _field(
        self, read: Read, definition: GraphQLField, group: list[FieldDetails], var: str
    ) -> tuple[str, Converter | None]:
        scope = _FieldScope(self, var, definition, group[0])
        convert: Converter | None
        if isinstance(read, Related):
            cypher, convert = self._related(read, scope, definition, group)
        elif isinstance(read, Assembled):
            cypher = read.cypher(scope)
            convert = _assembled(read, self.plain(definition.type, group))
        elif isinstance(read, Guarded):
            cypher, convert = self._guarded(read, scope, definition, group)
        else:
            cypher, convert = read.expression(scope), self._leaf(definition.type)
            if get_named_type(definition.type).name == "Date":
                cypher = f"toString({cypher})"
        scope.close()
        return cypher, convert

    def _leaf(self, type_: GraphQLOutputType) -> Converter | None:
        named = get_named_type(type_)
        if not isinstance(named, GraphQLScalarType):
            if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
                raise NotCompiled(f"a declaration of a {named} field must be Related")
            return None  # enums are stored by name
        if named.name in ("String", "ID", "Int", "Float", "Boolean", "Date"):
            return None
        serialize = _natively(named.serialize)
        if isinstance(_unwrap(type_), GraphQLList):
            return lambda raw, run, path: None if raw is None else [serialize(v) for v in raw]
        return lambda raw, run, path: None if raw is None else serialize(raw)

    def plain(self, type_: GraphQLOutputType, details: list[FieldDetails]) -> Callable[[Any], Any]:
        """A projector of plain data keyed by field names (what Python assembles) onto the
        selection ``details``, by response names, leaves serialised by their types."""
        if isinstance(type_, GraphQLNonNull):
            return self.plain(type_.of_type, details)
        if isinstance(type_, GraphQLList):
            item = self.plain(type_.of_type, details)
            return lambda value: None if value is None else [item(v) for v in value]
        if isinstance(type_, GraphQLObjectType):
            grouped = collect_subfields(
                self.schema, self.fragments, self.variables, self.operation, type_, details
            ).grouped_field_set
            steps: list[tuple[str, str | None, Callable[[Any], Any]]] = []
            for response, group in grouped.items():
                name = group[0].node.name.value
                if name == "__typename":
                    steps.append((response, None, lambda _: type_.name))
                else:
                    steps.append((response, name, self.plain(type_.fields[name].type, group)))

            def project(value: Any) -> Any:
                if value is None:
                    return None
                return {
                    r: convert(value.get(n) if n is not None else None) for r, n, convert in steps
                }

            return project
        if isinstance(type_, GraphQLScalarType):
            serialize = type_.serialize
            return lambda value: None if value is None else serialize(value)
        if isinstance(type_, GraphQLEnumType):
            return lambda value: value.value if isinstance(value, enum.Enum) else value
        raise NotCompiled(f"{type_} cannot be assembled")

    def _related(
        self, read: Related, scope: _FieldScope, definition: GraphQLField, group: list[FieldDetails]
    ) -> tuple[str, Converter]:
        target = self.var("m")
        if read.check is not None:
            self.checks.append((definition, group[0], read.check))
        clauses = [read.match(scope, target)]
        # What the field binds for what it reaches: first from the enclosing object (binds),
        # then from each target (locals); where, order and the target's fields read them.
        frame = {name: self.var("b") for name, _ in read.binds}
        if read.binds:
            clauses.append(
                "WITH *"
                + "".join(f", {cypher(scope)} AS {frame[name]}" for name, cypher in read.binds)
            )
        # The field's own clauses see what the enclosing object was bound too; the
        # target's fields see only what this field binds for them.
        outer = self.bound[-1] if self.bound else {}
        self.bound.append({**outer, **frame})
        try:
            for name, local in read.locals:
                var = self.var("b")
                clauses.append(f"WITH *, {local(scope, target)} AS {var}")
                frame[name] = self.bound[-1][name] = var
            where = [read.where(scope, target)] if read.where else []
            audited = read.audit is not None
            if audited:
                subject = read.subject(scope, target) if read.subject else scope.node
                where.append(f"{target}.disclosure IN {self.visible(subject)}")
            if where:
                clauses.append("WHERE " + " AND ".join(f"({w})" for w in where))
            many = isinstance(_unwrap(definition.type), GraphQLList)
            limit = read.limit(scope) if read.limit else None if many else "1"
            if read.order or limit:
                clauses.append("WITH *")
            if read.order:
                clauses.append("ORDER BY " + read.order(scope, target))
            if limit:
                clauses.append("LIMIT " + limit)
            self.bound[-1] = frame
            inner, convert = self.project(definition.type, group, target)
        finally:
            self.bound.pop()
        if read.audit is not None:  # audited
            inner = f"[{inner}, {target}.disclosure, {subject}.id, {self.grants(subject)}]"
            convert = _audited(convert, read.audit, selected_names(group, self.fragments), many)
        elif many:
            convert = _list(convert)
        plain = not (read.order or read.limit or read.binds or read.locals)
        pattern = _path(clauses[0]) if plain else None
        if pattern is not None:
            # a plain path: a pattern comprehension costs Neo4j less than a subquery
            filters = "".join(f" {c}" for c in clauses[1:] if c.startswith("WHERE "))
            cypher = f"[{pattern}{filters} | {inner}]"
            return (cypher if many else f"{cypher}[0]"), convert
        cypher = f"COLLECT {{ {' '.join(clauses)} RETURN {inner} }}"
        if not many:
            cypher = f"head({cypher})"
        return cypher, convert

    def _guarded(
        self, read: Guarded, scope: _FieldScope, definition: GraphQLField, group: list[FieldDetails]
    ) -> tuple[str, Converter]:
        node = scope.node
        guard = read.guard(scope)
        cypher = (
            f"[CASE WHEN {guard} THEN {read.value(scope)} END, {guard}, {node}.id, "
            f"{self.grants(node)}]"
        )
        return cypher, _guarded(read, selected_names(group, self.fragments))


class Rules(_Compiler):
    """The audience's rules as Cypher over a subject variable (``visible``, ``history``,
    ``id_number_visible``, ``grants``), for the parts of a root field's query that no
    declaration writes: its anchor, its gates, a fixed-structure answer. The same text the
    compiled fields get, over the parameters ``request_params`` gives; it uses nothing of
    a compiler but the audience."""

    def __init__(self, audience: Audience) -> None:  # no selection: nothing else is needed
        self.audience = audience

    @classmethod
    def of(cls, ctx: Context) -> Rules:
        return cls(Audience.of(ctx))


class _FieldScope:
    """The ``Scope`` a declaration writes one field's Cypher in."""

    def __init__(
        self, compiler: _Compiler, node: str, definition: GraphQLField, details: FieldDetails
    ) -> None:
        self._c = compiler
        self.node = node
        self._definition = definition
        self._details = details
        self._args: dict[str, str] = {}

    def var(self, hint: str = "v") -> str:
        return self._c.var(hint)

    def arg(self, name: str) -> str:
        if name not in self._definition.args:
            raise NotCompiled(f"no argument {name!r}")
        if name not in self._args:
            self._args[name] = self._c.var("a")
        return f"${self._args[name]}"

    def param(self, name: str) -> str:
        return f"${name}"

    def visible(self, subject: str) -> str:
        return self._c.visible(subject)

    def history(self, subject: str) -> str:
        return self._c.history(subject)

    def id_number_visible(self, subject: str) -> str:
        return self._c.id_number_visible(subject)

    def grants(self, subject: str) -> str:
        return self._c.grants(subject)

    def once(self, key: tuple[Any, ...], build: Callable[[str], str]) -> str:
        return self._c.once(key, build)

    def selects(self, name: str) -> bool:
        fragments = self._c.fragments

        def walk(selection_set: SelectionSetNode | None) -> bool:
            for sel in selection_set.selections if selection_set else ():
                if isinstance(sel, FieldNode):
                    found = sel.name.value == name or walk(sel.selection_set)
                elif isinstance(sel, InlineFragmentNode):
                    found = walk(sel.selection_set)
                elif isinstance(sel, FragmentSpreadNode) and sel.name.value in fragments:
                    found = walk(fragments[sel.name.value].definition.selection_set)
                else:
                    found = False
                if found:
                    return True
            return False

        return walk(self._details.node.selection_set)

    def bound(self, name: str, default: str) -> str:
        """Only the field that reached this object binds for it."""
        frame = self._c.bound[-1] if self._c.bound else {}
        return frame.get(name, default)

    def close(self) -> None:
        if not self._args:
            return
        pairs = tuple(self._args.items())
        node = self._details.node
        if _uses_variables(node):
            self._c.arguments.append(_Arguments(self._definition, self._details, pairs))
            return
        values = get_argument_values(
            self._definition, node, self._c.variables, self._details.fragment_variable_values
        )
        for arg, param in pairs:
            self._c.constants[param] = plain(values.get(arg))


def _natively(serialize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A scalar's serializer fed Python values: neo4j.time values (a ``DateTime``'s
    nanoseconds, its ``Z``) print as the Python values they stand for."""

    def convert(value: Any) -> Any:
        to_native = getattr(value, "to_native", None)
        return serialize(to_native() if to_native is not None else value)

    return convert


def _path(match: str) -> str | None:
    """The pattern of ``MATCH <pattern>`` when it is one path through a relationship (what
    a pattern comprehension can say), else None."""
    if not match.startswith("MATCH ("):
        return None
    pattern = match[len("MATCH ") :]
    if "-[" not in pattern or any(w in pattern.upper() for w in (" WHERE ", " WITH ", "), (")):
        return None
    return pattern


def declaration_of(type_: GraphQLObjectType, name: str) -> Read | None:
    definition = type_.fields[name].extensions.get("strawberry-definition")
    return declaration(definition) if definition is not None else None


def is_nullable(type_: GraphQLOutputType) -> bool:
    return not isinstance(type_, GraphQLNonNull)


def _unwrap(type_: GraphQLOutputType) -> GraphQLOutputType:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def selected_names(
    group: list[FieldDetails], fragments: dict[str, FragmentDetails]
) -> tuple[str, ...]:
    """The field and its direct subfields as ``field.subfield`` (fragments flattened, by
    field name): what a register entry lists as the fields returned."""
    name = group[0].node.name.value
    out = {name}

    def walk(selection_set: SelectionSetNode | None) -> None:
        for sel in selection_set.selections if selection_set else ():
            if isinstance(sel, FieldNode):
                out.add(f"{name}.{sel.name.value}")
            elif isinstance(sel, InlineFragmentNode):
                walk(sel.selection_set)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value in fragments:
                walk(fragments[sel.name.value].definition.selection_set)

    for details in group:
        walk(details.node.selection_set)
    return tuple(sorted(out))


# ---------------------------------------------------------------------------------------
# Converters: Cypher's lists into the response's maps


def _object_converter(
    plan: list[tuple[str, int, Converter | None, bool]], constants: dict[str, Any]
) -> Converter:
    if all(convert is None and index >= 0 for _, index, convert, _ in plan):
        keys = tuple(response for response, *_ in plan)
        offset = plan[0][1] if plan else 0
        if offset == 0:
            return lambda raw, run, path: (
                None if raw is None else dict(zip(keys, raw, strict=False))
            )
        return lambda raw, run, path: (
            None if raw is None else dict(zip(keys, raw[offset:], strict=False))
        )
    steps = tuple(plan)

    def convert(raw: Any, run: Run, path: Path) -> Any:
        if raw is None:
            return None
        out: dict[str, Any] = {}
        for response, index, child, nullable in steps:
            if index < 0:
                out[response] = constants[response]
            elif child is None:
                out[response] = raw[index]
            else:
                try:
                    out[response] = child(raw[index], run, (path, response))
                except _Null as null:
                    if not nullable:
                        raise
                    run.ctx.errors.append(null.error)
                    out[response] = None
        return out

    return convert


def _list(item: Converter) -> Converter:
    def convert(raw: Any, run: Run, path: Path) -> Any:
        if raw is None:
            return None
        return [item(v, run, (path, i)) for i, v in enumerate(raw)]

    return convert


def _audited(item: Converter, operation: str, names: tuple[str, ...], many: bool) -> Converter:
    """Items of subjects' information: each ``[value, class, subject id, grants]``.

    A list without a stated purpose is partial data, not a refusal of everything: it
    holds the public items, and the non-public ones (管理办法 第三十三条 wants a purpose)
    are left out with one ``PURPOSE_REQUIRED`` error at the list's path, so the rest of
    the answer stands. A single item without a purpose is null with that error."""

    def convert(raw: Any, run: Run, path: Path) -> Any:
        if raw is None:
            return None
        rows = raw if many else [raw]
        seen: dict[str, tuple[list[Any], set[str]]] = {}
        for _, disclosure, subject, grants in rows:
            seen.setdefault(subject, (grants, set()))[1].add(disclosure)
        refused: set[str] = set()
        for subject, (grants, classes) in seen.items():
            try:
                run.disclose(subject, grants, operation, names, classes, path)
            except _Null as null:
                if not many or not _purpose_missing(null):
                    raise
                if not refused:
                    run.ctx.errors.append(null.error)
                refused.add(subject)
        if many:
            if refused:
                rows = [r for r in rows if r[1] == PUBLIC or r[2] not in refused]
            return [item(r[0], run, (path, i)) for i, r in enumerate(rows)]
        return item(raw[0], run, path)

    return convert


def _purpose_missing(null: _Null) -> bool:
    original = getattr(null.error, "original_error", None)
    return isinstance(original, CreditGraphError) and original.code == PurposeRequired.code


def _assembled(read: Assembled, project: Callable[[Any], Any]) -> Converter:
    def convert(raw: Any, run: Run, path: Path) -> Any:
        try:
            return project(read.assemble(raw, run.ctx))
        except CreditGraphError as exc:
            raise _Null(run.located(exc, path)) from None

    return convert


def _guarded(read: Guarded, names: tuple[str, ...]) -> Converter:
    def convert(raw: Any, run: Run, path: Path) -> Any:
        value, allowed, subject, grants = raw
        if allowed:
            run.disclose(
                subject,
                grants,
                read.operation,
                names,
                {read.disclosure},
                path,
                consent_item=read.consent_item,
            )
            return value
        run.refuse(subject, grants, read.operation, names, {read.disclosure}, path, read.denied())

    return convert


# ---------------------------------------------------------------------------------------
# Running


class Run:
    """One request's use of a plan: the context, and where its errors go."""

    __slots__ = ("ctx", "base")

    def __init__(self, ctx: Context, base: list[Any]) -> None:
        self.ctx = ctx
        self.base = base

    def _path(self, path: Path) -> list[Any]:
        keys: list[Any] = []
        while path is not None:
            path, key = path
            keys.append(key)
        return self.base + keys[::-1]

    def _access(self, subject: str, grants: list[dict[str, Any]]) -> None:
        self.ctx.known_access(subject, [Grant.from_map(g) for g in grants])

    def disclose(
        self,
        subject: str,
        grants: list[dict[str, Any]],
        operation: str,
        names: Sequence[str],
        classes: set[str],
        path: Path,
        *,
        consent_item: str | None = None,
    ) -> None:
        self._access(subject, grants)
        consent = None
        if consent_item is not None:
            found = self.ctx.known_access_of(subject).consent_for([consent_item])
            consent = found[0] if found else None
        try:
            self.ctx.disclose(subject, operation, names, classes, consent_id=consent)
        except CreditGraphError as exc:
            raise _Null(self.located(exc, path)) from None

    def refuse(
        self,
        subject: str,
        grants: list[dict[str, Any]],
        operation: str,
        names: Sequence[str],
        classes: set[str],
        path: Path,
        exc: CreditGraphError,
    ) -> None:
        self._access(subject, grants)
        self.ctx.audit.record(subject, operation, names, classes, outcome=exc.code)
        raise _Null(self.located(exc, path))

    def located(self, exc: CreditGraphError, path: Path) -> Exception:
        return located_error(exc, None, self._path(path))


_PLANS: dict[tuple[Any, ...], tuple[Any, Plan]] = {}
_MAX_PLANS = 2048


def variables_of(info: GraphQLResolveInfo[Any]) -> VariableValues:
    """The request's coerced variables (strawberry hands resolvers a plain dict)."""
    values = info.variable_values
    return values if isinstance(values, VariableValues) else VariableValues({}, values or {})


_CONDITIONS: dict[int, tuple[Any, tuple[str, ...]]] = {}


def _conditional_key(info: GraphQLResolveInfo[Any]) -> tuple[Any, ...]:
    """The values of the variables @skip/@include read: plans depend on them. Which
    variables those are is found once per (cached) operation."""
    operation = info.operation
    known = _CONDITIONS.get(id(operation))
    if known is None or known[0] is not operation:
        names: list[str] = []

        class Finder(Visitor):
            def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
                if node.name.value in ("skip", "include"):
                    names.extend(
                        a.value.name.value
                        for a in node.arguments or ()
                        if isinstance(a.value, VariableNode)
                    )

        visit(operation, Finder())
        for fragment in info.fragments.values():
            visit(fragment, Finder())
        if len(_CONDITIONS) >= _MAX_PLANS:
            _CONDITIONS.clear()
        known = _CONDITIONS[id(operation)] = (operation, tuple(sorted(set(names))))
    if not known[1]:
        return ()
    coerced = variables_of(info).coerced
    return tuple((n, coerced.get(n)) for n in known[1])


class Selection:
    """The root field being answered, with the selection below ``at`` compiled.

    ``bound``: values the root field binds for the objects it finds, as an enclosing
    field does (``Scope.bound``), as (name, Cypher over parameters) pairs, e.g.
    ``(("asOf", "$asOf"),)``. ``runtime``: the object type to read when the field's type
    is abstract (an entity type of ``_entities``)."""

    def __init__(
        self,
        info: GraphQLResolveInfo[Any],
        at: tuple[str, ...] = (),
        bound: tuple[tuple[str, str], ...] = (),
        runtime: str | None = None,
    ) -> None:
        self.info = info
        self.ctx: Context = info.context
        self.at = at
        self.bound = bound
        self.runtime = runtime
        self._sidecars: dict[str, Any] = {}
        self.audience = Audience.of(self.ctx)

    @property
    def rules(self) -> Rules:
        """The audience's rules for the root field's own Cypher (anchor, gates)."""
        return Rules(self.audience)

    def _details(self, compiler: _Compiler) -> tuple[GraphQLOutputType, list[FieldDetails]]:
        """The field type and field details at ``at`` below the root field."""
        type_: GraphQLOutputType = self.info.return_type
        details = [FieldDetails(n, None) for n in self.info.field_nodes]
        for name in self.at:
            named = get_named_type(type_)
            assert isinstance(named, GraphQLObjectType)
            grouped = collect_subfields(
                compiler.schema,
                compiler.fragments,
                compiler.variables,
                compiler.operation,
                named,
                details,
            ).grouped_field_set
            details = [
                d
                for response, group in grouped.items()
                for d in group
                if group[0].node.name.value == name
            ]
            type_ = named.fields[name].type
        if self.runtime is not None:
            runtime = compiler.schema.get_type(self.runtime)
            assert isinstance(runtime, GraphQLObjectType)  # an entity type, named by the caller
            type_ = runtime
        return type_, details

    def plan(self, template: str, var: str) -> Plan:
        info = self.info
        key = (
            template,
            var,
            self.at,
            self.bound,
            self.runtime,
            self.audience,
            *(id(n) for n in info.field_nodes),
            *_conditional_key(info),
        )
        known = _PLANS.get(key)
        if known is not None:
            return known[1]
        compiler = _Compiler(info, self.audience)
        compiler.bound.append(dict(self.bound))
        type_, details = self._details(compiler)
        if details:
            value, convert = compiler.project(type_, details, var)
        else:  # nothing selected below `at`
            value, convert = "null", (lambda raw, run, path: None)
        cypher = template.replace("{value}", value)
        sidecars = tuple(name for name, _ in compiler.sidecars.values())
        if sidecars:  # the answer and what it shares, side by side in one record
            cypher = "\n".join(
                [
                    f"CALL () {{ {cypher} }}",
                    *(f"CALL () {{ {text} }}" for _, text in compiler.sidecars.values()),
                    f"RETURN [value, {', '.join(sidecars)}] AS value",
                ]
            )
        plan = Plan(
            cypher,
            compiler.constants,
            tuple(compiler.arguments),
            convert,
            selected_names(details, compiler.fragments) if details else (),
            tuple(compiler.checks),
            sidecars,
            tuple(n for n in REQUEST_PARAMS if re.search(rf"\${n}\b", cypher)),
        )
        if len(_PLANS) >= _MAX_PLANS:
            _PLANS.clear()
        _PLANS[key] = (list(info.field_nodes), plan)  # keeps the nodes (and their ids) alive
        return plan

    async def fetch(
        self,
        template: str,
        params: dict[str, Any],
        *,
        var: str = "n",
        op: str | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Run the compiled query (``timeout``: its transaction's, in seconds, when not the
        default): the first column of its one record (None for none)."""
        plan = self._plan = self.plan(template, var)
        plan.check(variables_of(self.info), self.ctx)
        request = request_params(self.ctx, self.audience)
        values = {
            **{k: request[k] for k in plan.uses},
            **plan.params(variables_of(self.info)),
            **params,
        }
        records = await self.ctx.db.read(
            plan.cypher, values, op=op or self.info.field_name, timeout=timeout
        )
        if not records:
            return None
        value = records[0][0]
        if plan.sidecars:
            value, *sides = value
            self._sidecars = dict(zip(plan.sidecars, sides, strict=True))
        return value

    def shape(self, raw: Any, *below: Any) -> Shaped | None:
        """One projected object of the fetched answer, ``below`` the root field's path to
        where it sits (e.g. ``"edges", 3, "node"``)."""
        if raw is None:
            return None
        run = Run(self.ctx, [*self.info.path.as_list(), *below])
        self.ctx.sidecars = self._sidecars  # what the answer's converters share
        try:
            return Shaped(self._plan.convert(raw, run, None))
        except _Null as null:  # the executor raises it where the object sits
            return Shaped(None, null.error)

    def disclose(
        self,
        subject: str,
        grants: list[dict[str, Any]],
        operation: str,
        classes: set[str],
        *below: Any,
    ) -> Exception | None:
        """Register the sight of a root object's information (``Context.disclose``); the
        error when it is refused."""
        run = Run(self.ctx, [*self.info.path.as_list(), *below])
        try:
            run.disclose(subject, grants, operation, self._plan.names, classes, None)
        except _Null as null:
            return null.error
        return None


def compiled(
    info: Any,
    at: tuple[str, ...] = (),
    bound: tuple[tuple[str, str], ...] = (),
    runtime: str | None = None,
) -> Selection:
    """The selection of the root field being resolved (strawberry's ``Info`` or
    graphql-core's)."""
    return Selection(getattr(info, "_raw_info", info), at, bound, runtime)


__all__ = [
    "AUTHORISED",
    "ID_NUMBER",
    "Audience",
    "NotCompiled",
    "Plan",
    "Rules",
    "Selection",
    "Shaped",
    "compiled",
    "grants_cypher",
    "history_cypher",
    "plain",
    "request_params",
    "visible_cypher",
]
