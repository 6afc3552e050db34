"""The government schema cut into Federation v2 subgraphs.

One Python schema describes the whole graph (``resolvers/schema.py``); it is itself a
valid subgraph and is what a single process serves at ``/graphql``. For a deployment
behind a router the same types are cut into two subgraphs that run as separate
processes over the same Neo4j:

- ``credit``: subjects, roles, list entries, records, checks, the lifecycle, consents,
  the register and the investigators' queries; entities ``Organization`` (by USCC or
  id), ``Person`` (by internal id: never the citizen ID number) and ``ListEntry``;
- ``policy``: jurisdictions, departments, policy documents, tasks and the measure
  catalogue; entities ``Jurisdiction``, ``Department`` and ``PolicyDocument``.

A subgraph keeps its own root fields, the entities it owns and every type they reach;
an entity owned by the other subgraph is kept as a key-only stub
(``@key(..., resolvable: false)``) that the router completes from its owner, and a
value type both subgraphs use is marked ``@shareable``. The cut is computed on the
printed schema, so the SDL and the executable schema come from one plan; the
executable schema reuses the monolith's resolvers, scalars, enums and inputs, so a
field answers the same wherever it is served.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graphql import (
    BooleanValueNode,
    ConstArgumentNode,
    ConstDirectiveNode,
    ConstListValueNode,
    ConstValueNode,
    FieldDefinitionNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ListTypeNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    parse,
    print_ast,
)
from graphql.language import DocumentNode

ALL = "all"
SUBGRAPH_NAMES = ("credit", "policy")


@dataclass(frozen=True)
class Subgraph:
    """What one subgraph owns: root fields and entities (``None``: whatever no other
    subgraph owns)."""

    name: str
    entities: frozenset[str]
    query_fields: frozenset[str] | None = None
    mutation_fields: frozenset[str] | None = None


def _declared() -> dict[str, Subgraph]:
    """What each subgraph owns, as the types and root fields declare it
    (``graph_schema.fields.owned_by``): entities by their type, root fields by their own
    declaration or their group's."""
    from strawberry.federation.schema_directives import Key
    from strawberry.types.base import StrawberryObjectDefinition

    from graph_schema.fields import subgraph_of
    from resolvers.schema import government_schema

    converter = government_schema().schema_converter
    entities: dict[str, set[str]] = {n: set() for n in SUBGRAPH_NAMES}
    roots: dict[str, dict[str, set[str]]] = {
        n: {"Query": set(), "Mutation": set()} for n in SUBGRAPH_NAMES
    }
    for name, concrete in converter.type_map.items():
        definition = concrete.definition
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        if name in roots[CREDIT_NAME]:
            for f in definition.fields:
                field = f.graphql_name or _camel(f.python_name)
                if field not in _FEDERATION_FIELDS:
                    roots[subgraph_of(f.origin, f)][name].add(field)
        elif any(isinstance(d, Key) for d in definition.directives or ()):
            entities[subgraph_of(definition.origin)].add(name)
    return {
        n: Subgraph(
            n,
            entities=frozenset(entities[n]),
            query_fields=frozenset(roots[n]["Query"]),
            mutation_fields=frozenset(roots[n]["Mutation"]),
        )
        for n in SUBGRAPH_NAMES
    }


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


CREDIT_NAME = "credit"


_FEDERATION_TYPES = {"_Any", "_Entity", "_Service"}
_FEDERATION_FIELDS = {"_entities", "_service"}
_ROOTS = ("Query", "Mutation")


@dataclass
class Plan:
    """The types one subgraph keeps: name → field names kept (all for most types)."""

    subgraph: Subgraph
    kept: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stubs: dict[str, str] = field(default_factory=dict)  # type → the key it is stubbed by
    shareable: set[str] = field(default_factory=set)


def _named(node: TypeNode) -> str:
    while isinstance(node, ListTypeNode | NonNullTypeNode):
        node = node.type
    assert isinstance(node, NamedTypeNode)
    return node.name.value


def _keys(node: Any) -> list[str]:
    return [
        arg.value.value
        for d in node.directives or ()
        if d.name.value == "key"
        for arg in d.arguments
        if arg.name.value == "fields"
    ]


class _Monolith:
    """The printed government schema, indexed."""

    def __init__(self, sdl: str) -> None:
        self.document = parse(sdl)
        self.types: dict[str, Any] = {}
        self.schema_node: SchemaDefinitionNode | None = None
        self.directives: list[Any] = []
        for d in self.document.definitions:
            if isinstance(d, SchemaDefinitionNode):
                self.schema_node = d
            elif isinstance(d, TypeDefinitionNode):
                self.types[d.name.value] = d
            else:
                self.directives.append(d)
        self.implementations: dict[str, list[str]] = {}
        for name, d in self.types.items():
            if isinstance(d, ObjectTypeDefinitionNode):
                for i in d.interfaces or ():
                    self.implementations.setdefault(i.name.value, []).append(name)
        self.owner = {e: s.name for s in _subgraphs().values() for e in s.entities}
        for entity in self.owner:
            if not _keys(self.types[entity]):
                raise ValueError(f"{entity} is owned by a subgraph but has no @key")

    def plan(self, subgraph: Subgraph) -> Plan:
        plan = Plan(subgraph)
        others = {
            f for s in _subgraphs().values() if s is not subgraph for f in (s.query_fields or ())
        }
        other_mutations = {
            f for s in _subgraphs().values() if s is not subgraph for f in (s.mutation_fields or ())
        }
        todo: list[str] = []
        for root, own, taken in (
            ("Query", subgraph.query_fields, others),
            ("Mutation", subgraph.mutation_fields, other_mutations),
        ):
            node = self.types.get(root)
            if node is None:
                continue
            names = tuple(
                f.name.value
                for f in node.fields
                if f.name.value not in _FEDERATION_FIELDS
                and (f.name.value in own if own is not None else f.name.value not in taken)
            )
            if names:
                plan.kept[root] = names
                todo.extend(self._reached(node, names))
        todo.extend(sorted(subgraph.entities))
        while todo:
            name = todo.pop()
            if name in plan.kept or name in plan.stubs or name not in self.types:
                continue  # built-in scalars are not printed
            node = self.types[name]
            if self.owner.get(name, subgraph.name) != subgraph.name:
                plan.stubs[name] = _keys(node)[0]
                continue
            if isinstance(node, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
                names = tuple(f.name.value for f in node.fields or ())
                plan.kept[name] = names
                todo.extend(self._reached(node, names))
                todo.extend(i.name.value for i in node.interfaces or ())
                todo.extend(self.implementations.get(name, ()))
            elif isinstance(node, UnionTypeDefinitionNode):
                plan.kept[name] = ()
                todo.extend(t.name.value for t in node.types or ())
            elif isinstance(node, InputObjectTypeDefinitionNode):
                plan.kept[name] = tuple(f.name.value for f in node.fields or ())
                todo.extend(_named(f.type) for f in node.fields or ())
            else:
                plan.kept[name] = ()
        return plan

    @staticmethod
    def _reached(node: Any, names: Iterable[str]) -> list[str]:
        wanted = set(names)
        out: list[str] = []
        for f in node.fields:
            if f.name.value in wanted:
                out.append(_named(f.type))
                out.extend(_named(a.type) for a in f.arguments or ())
        return out

    def sdl(self, plan: Plan) -> str:
        definitions: list[Any] = list(self.directives)
        imports = ["@key"] + (["@shareable"] if plan.shareable else [])
        assert self.schema_node is not None
        link = ConstDirectiveNode(
            name=NameNode(value="link"),
            arguments=(
                _arg("url", StringValueNode(value=_link_url(self.schema_node))),
                _arg(
                    "import",
                    ConstListValueNode(values=tuple(StringValueNode(value=i) for i in imports)),
                ),
            ),
        )
        operations = tuple(
            o for o in self.schema_node.operation_types if _root_name(o) in plan.kept
        )
        definitions.append(SchemaDefinitionNode(directives=(link,), operation_types=operations))
        for name, node in self.types.items():
            if name in _FEDERATION_TYPES:
                continue
            if name in plan.stubs:
                key = plan.stubs[name]
                fields = tuple(_bare(f) for f in node.fields if f.name.value in key.split())
                definitions.append(
                    ObjectTypeDefinitionNode(
                        name=node.name,
                        fields=fields,
                        interfaces=(),
                        directives=(_key(key, resolvable=False),),
                    )
                )
            elif name in plan.kept:
                definitions.append(self._kept(node, plan))
        return print_ast(DocumentNode(definitions=tuple(definitions))) + "\n"

    @staticmethod
    def _kept(node: Any, plan: Plan) -> Any:
        name = node.name.value
        if name in _ROOTS:
            wanted = set(plan.kept[name])
            return ObjectTypeDefinitionNode(
                name=node.name,
                description=node.description,
                interfaces=(),
                directives=(),
                fields=tuple(f for f in node.fields if f.name.value in wanted),
            )
        if name in plan.shareable:
            shareable = ConstDirectiveNode(name=NameNode(value="shareable"), arguments=())
            return ObjectTypeDefinitionNode(
                name=node.name,
                description=node.description,
                interfaces=node.interfaces,
                directives=(*(node.directives or ()), shareable),
                fields=node.fields,
            )
        return node


def _arg(name: str, value: ConstValueNode) -> ConstArgumentNode:
    return ConstArgumentNode(name=NameNode(value=name), value=value)


def _key(fields: str, *, resolvable: bool) -> ConstDirectiveNode:
    args = [_arg("fields", StringValueNode(value=fields))]
    if not resolvable:
        args.append(_arg("resolvable", BooleanValueNode(value=False)))
    return ConstDirectiveNode(name=NameNode(value="key"), arguments=tuple(args))


def _bare(f: FieldDefinitionNode) -> FieldDefinitionNode:
    return FieldDefinitionNode(name=f.name, type=f.type, arguments=(), directives=())


def _root_name(operation: Any) -> str:
    return operation.type.name.value


def _link_url(schema_node: SchemaDefinitionNode) -> str:
    for d in schema_node.directives or ():
        if d.name.value == "link":
            for arg in d.arguments or ():
                if arg.name.value == "url" and isinstance(arg.value, StringValueNode):
                    return arg.value.value
    raise ValueError("the government schema has no @link to the federation spec")


@dataclass(frozen=True)
class Cut:
    """One subgraph: its SDL and executable schema."""

    name: str
    sdl: str
    schema: GraphQLSchema


@cache
def _subgraphs() -> dict[str, Subgraph]:
    return _declared()


def subgraph_plan(name: str) -> Subgraph:
    """What subgraph ``name`` owns, as declared."""
    return _subgraphs()[name]


@cache
def subgraphs() -> dict[str, Cut]:
    """Every subgraph of the government schema, and ``all``, the whole of it."""
    from resolvers.schema import government_schema

    whole = government_schema()
    monolith = _Monolith(whole.as_str())
    plans = {name: monolith.plan(s) for name, s in _subgraphs().items()}
    # A value type both subgraphs resolve must say so (federation's @shareable).
    seen: dict[str, int] = {}
    for plan in plans.values():
        for name in plan.kept:
            seen[name] = seen.get(name, 0) + 1
    for plan in plans.values():
        plan.shareable = {
            n
            for n in plan.kept
            if seen[n] > 1
            and n not in _ROOTS
            and isinstance(monolith.types[n], ObjectTypeDefinitionNode)
        }
        clash = plan.shareable & set(monolith.owner)
        if clash:
            raise ValueError(f"entities resolved by two subgraphs: {sorted(clash)}")
    out = {ALL: Cut(ALL, _strip_federation(whole.as_str()), whole._schema)}
    for name, plan in plans.items():
        sdl = monolith.sdl(plan)
        out[name] = Cut(name, sdl, _executable(whole._schema, plan, sdl))
    return out


def subgraph(name: str) -> Cut:
    try:
        return subgraphs()[name]
    except KeyError:
        raise ValueError(
            f"unknown subgraph {name!r}; one of: {ALL}, {', '.join(SUBGRAPH_NAMES)}"
        ) from None


def _strip_federation(sdl: str) -> str:
    """The SDL a subgraph reports in ``_service``: without ``_entities``/``_service``."""
    document = parse(sdl)
    keep: list[Any] = []
    for d in document.definitions:
        name = getattr(getattr(d, "name", None), "value", None)
        if name in _FEDERATION_TYPES:
            continue
        if name in _ROOTS and isinstance(d, ObjectTypeDefinitionNode):
            d = ObjectTypeDefinitionNode(
                name=d.name,
                description=d.description,
                interfaces=(),
                directives=(),
                fields=tuple(f for f in d.fields or () if f.name.value not in _FEDERATION_FIELDS),
            )
        keep.append(d)
    return print_ast(DocumentNode(definitions=tuple(keep))) + "\n"


def _entity_type(value: Any, info: Any, union: GraphQLInterfaceType | GraphQLUnionType) -> str:
    """The ``_Entity`` member a resolved reference is, by its strawberry type's name."""
    definition = getattr(type(value), "__strawberry_definition__", None)
    name = getattr(definition, "name", None)
    assert isinstance(union, GraphQLUnionType)  # _Entity is the one type resolved here
    if name not in {t.name for t in union.types}:
        raise TypeError(f"{type(value).__name__} is not an entity of this subgraph")
    return str(name)


def _executable(whole: GraphQLSchema, plan: Plan, sdl: str) -> GraphQLSchema:
    """The subgraph as graphql-core executes it: copies of the kept object, interface and
    union types (fields cut to the plan), the monolith's own scalars, enums and inputs,
    its resolvers, and ``_entities`` limited to the subgraph's entities."""
    built: dict[str, GraphQLNamedType] = {}

    def ref(t: Any) -> Any:
        if isinstance(t, GraphQLNonNull):
            return GraphQLNonNull(ref(t.of_type))
        if isinstance(t, GraphQLList):
            return GraphQLList(ref(t.of_type))
        return built.get(t.name, t)  # built-in scalars are nobody's to copy

    def copy_field(f: GraphQLField) -> GraphQLField:
        return GraphQLField(
            ref(f.type),
            args=f.args,
            resolve=f.resolve,
            description=f.description,
            deprecation_reason=f.deprecation_reason,
            extensions=f.extensions,
        )

    def fields_of(source: Any, names: Iterable[str]) -> Any:
        return lambda: {n: copy_field(source.fields[n]) for n in names}

    def interfaces_of(source: Any) -> Any:
        return lambda: [built[i.name] for i in source.interfaces if i.name in built]

    def object_type(name: str) -> GraphQLObjectType:
        built_type = built[name]
        assert isinstance(built_type, GraphQLObjectType), name  # union members, entities
        return built_type

    def members_of(source: GraphQLUnionType) -> Callable[[], list[GraphQLObjectType]]:
        return lambda: [object_type(m.name) for m in source.types if m.name in built]

    for name in (*plan.kept, *plan.stubs):
        t = whole.type_map[name]
        if isinstance(t, GraphQLObjectType):
            names = plan.kept.get(name) or tuple(plan.stubs[name].split())
            built[name] = GraphQLObjectType(
                name,
                fields_of(t, names),
                interfaces_of(t),
                is_type_of=t.is_type_of,
                description=t.description,
                extensions=t.extensions,
            )
        elif isinstance(t, GraphQLInterfaceType):
            built[name] = GraphQLInterfaceType(
                name,
                fields_of(t, plan.kept[name]),
                interfaces_of(t),
                resolve_type=t.resolve_type,
                description=t.description,
                extensions=t.extensions,
            )
        elif isinstance(t, GraphQLUnionType):
            built[name] = GraphQLUnionType(
                name,
                members_of(t),
                resolve_type=t.resolve_type,
                description=t.description,
                extensions=t.extensions,
            )
        else:  # scalars, enums, inputs: shared as they are
            assert isinstance(t, GraphQLNamedType)
            built[name] = t

    whole_query = whole.query_type
    assert whole_query is not None
    entities = GraphQLUnionType(
        "_Entity",
        [object_type(e) for e in sorted(plan.subgraph.entities)],
        resolve_type=_entity_type,
    )
    service = GraphQLObjectType("_Service", {"sdl": GraphQLField(GraphQLString)})
    federation_fields = {
        "_entities": GraphQLField(
            GraphQLNonNull(GraphQLList(entities)),
            args=whole_query.fields["_entities"].args,
            resolve=whole_query.fields["_entities"].resolve,
        ),
        "_service": GraphQLField(GraphQLNonNull(service), resolve=lambda *_: {"sdl": sdl}),
    }
    query_names = plan.kept["Query"]
    query = GraphQLObjectType(
        "Query",
        lambda: {
            **federation_fields,
            **{n: copy_field(whole_query.fields[n]) for n in query_names},
        },
    )
    built["Query"] = query
    mutation = None
    if "Mutation" in plan.kept and whole.mutation_type is not None:
        mutation = built["Mutation"] = GraphQLObjectType(
            "Mutation", fields_of(whole.mutation_type, plan.kept["Mutation"])
        )
    types = [t for n, t in built.items() if n not in _ROOTS]
    schema = GraphQLSchema(
        query=query,
        mutation=mutation,
        types=[*types, entities, service],
        directives=whole.directives,
    )
    # strawberry's Info reaches its schema through the graphql-core one
    schema._strawberry_schema = whole._strawberry_schema  # type: ignore[attr-defined]
    return schema
