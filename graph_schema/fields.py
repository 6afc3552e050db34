"""How each GraphQL field is read from the graph: one declaration per field.

A field of a graph type carries a ``Read`` in its strawberry metadata: the Cypher that
reads it, the disclosure class of what it returns (管理办法 第十八条), whether the
public portal shows it, and how it travels to derived entries. Everything that needs
to know about a field reads this declaration:

- ``loaders/selection.py`` compiles a request's selection set into ONE Cypher query
  from the declarations of the fields it selects, with the caller's audience rules
  (visible classes, as-of dates, role windows) as predicates inside it;
- ``graph_schema/public.py`` builds the public portal's types from the fields declared
  ``public``: a field not declared public does not exist there;
- propagation (管理办法 第二十六条) copies the list-entry fields declared ``propagates``.

The declarations speak Cypher through a ``Scope`` that the compiler provides: the
variable of the object being read, fresh variables, the field's arguments as
parameters, and the audience's predicates. Values are never interpolated.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import strawberry
from strawberry.types.base import get_object_definition

from gateway.base.errors import Forbidden
from graph_schema.model import Disclosure

READ = "credit_graph.read"  # the metadata key a field's declaration sits under
SUBGRAPH = "credit_graph.subgraph"  # the metadata key of a root field's own subgraph
CREDIT = "credit"  # the subgraph of whatever declares none

PUBLIC = Disclosure.PUBLIC.value


class Scope(Protocol):
    """What a declaration may ask of the compiler while it writes Cypher."""

    @property
    def node(self) -> str:
        """The variable of the object being read (a node, or a relationship)."""

    def var(self, hint: str = "v") -> str:
        """A fresh variable name."""

    def arg(self, name: str) -> str:
        """The parameter carrying the field's argument ``name`` (null when not given)."""

    def param(self, name: str) -> str:
        """A request-wide parameter: ``today``, ``now``, ``self`` (the subject the caller
        acts for), ``government`` (the caller holds a government role)."""

    def visible(self, subject: str) -> str:
        """The disclosure classes the caller may see of ``subject`` (a list expression)."""

    def history(self, subject: str) -> str:
        """May the caller see ``subject``'s expired and ended information (a predicate)?"""

    def id_number_visible(self, subject: str) -> str:
        """May the caller see ``subject``'s full ID number (a predicate)?"""

    def grants(self, subject: str) -> str:
        """The consents of ``subject`` the request relies on, as ``Grant.from_map`` reads
        them: what the register names (a list expression)."""

    def bound(self, name: str, default: str) -> str:
        """A value an enclosing field bound for what it reaches (e.g. the ``asOf`` date
        entries are read on), or ``default``."""

    def selects(self, name: str) -> bool:
        """Does the request select field ``name`` anywhere below this field?"""

    def once(self, key: tuple[Any, ...], build: Callable[[str], str]) -> str:
        """A value read once per query, beside the answer, by ``build(name)`` (a query of
        its own returning one column ``name``; e.g. the measures of a matter, shared by
        every check); one per ``key``. Python finds it as ``ctx.sidecars[name]``."""


Cypher = Callable[[Scope], str]


@dataclass(frozen=True, kw_only=True)
class Read:
    """How one field is read. ``public``: the public portal shows it too."""

    public: bool = False

    def expression(self, s: Scope) -> str:
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class Prop(Read):
    """A stored property of the object; ``default`` (a Cypher literal) stands in for a
    missing one. ``propagates``: a derived entry carries a copy (管理办法 第二十六条).
    ``detail``: a credit check withholds it when the caller may not see the entry's class
    (管理办法 第二十一条; the entry still counts for the decision). Withheld unless
    declared otherwise, so a new field never leaks through a check."""

    name: str
    default: str | None = None
    propagates: bool = False
    detail: bool = True

    def expression(self, s: Scope) -> str:
        value = f"{s.node}.`{self.name}`"
        return f"coalesce({value}, {self.default})" if self.default is not None else value


@dataclass(frozen=True, kw_only=True)
class Expr(Read):
    """A value computed in Cypher from the object, the arguments and the audience."""

    cypher: Cypher

    def expression(self, s: Scope) -> str:
        return self.cypher(s)


@dataclass(frozen=True, kw_only=True)
class Related(Read):
    """Other objects reached from this one. ``match`` binds the target variable (given
    as ``target``) from ``s.node``; ``where`` and ``order`` may use the arguments.

    ``binds`` name values computed from the enclosing object (e.g. the date entries are
    read on), ``locals`` values computed per target (e.g. an entry's status on that
    date), once: ``where``, ``order`` and the target's own fields read both through
    ``Scope.bound``. ``check`` validates the field's arguments before the query runs (it
    raises the project's errors).

    ``audit`` names the register operation when what is returned is a subject's
    information of mixed disclosure classes (each item's ``disclosure``): the items
    are filtered to the classes the caller may see inside Neo4j, and every sight of a
    non-public one is registered (个人诚信 opinion 四(一)). ``subject`` then names the
    variable of the subject they belong to (default: the object being read).
    """

    match: Callable[[Scope, str], str]
    where: Callable[[Scope, str], str] | None = None
    order: Callable[[Scope, str], str] | None = None
    limit: Callable[[Scope], str] | None = None
    audit: str | None = None
    subject: Callable[[Scope, str], str] | None = None
    binds: tuple[tuple[str, Cypher], ...] = ()
    locals: tuple[tuple[str, Callable[[Scope, str], str]], ...] = ()
    check: Callable[[dict[str, Any], Any], None] | None = None  # (arguments, context)


@dataclass(frozen=True, kw_only=True)
class Assembled(Read):
    """Read in Cypher, assembled in Python: ``cypher`` reads what the answer needs (one
    expression), ``assemble(raw, ctx)`` builds the answer as plain data keyed by field
    names (a decision from its rules, a table of legal bases), which the compiler then
    projects on the request's selection. ``assemble`` may raise the project's errors:
    the field becomes null with that error."""

    cypher: Cypher
    assemble: Callable[[Any, Any], Any]


@dataclass(frozen=True, kw_only=True)
class Guarded(Read):
    """A subject's information of one class that needs its own grant (the full ID number,
    管理办法 第十八条): shown and registered when ``guard`` holds, otherwise refused with
    ``message`` (``FORBIDDEN``) and the refusal registered."""

    value: Cypher
    guard: Cypher
    disclosure: str
    operation: str
    message: str
    consent_item: str | None = None

    def denied(self) -> Forbidden:
        return Forbidden(self.message)


def _declared(read: Read, description: str | None, name: str | None, resolver: Any = None) -> Any:
    kwargs: dict[str, Any] = {"description": description, "metadata": {READ: read}}
    if name is not None:
        kwargs["name"] = name
    if resolver is not None:
        kwargs["resolver"] = resolver
    return strawberry.field(**kwargs)


def prop(
    name: str,
    *,
    description: str | None = None,
    default: str | None = None,
    public: bool = False,
    propagates: bool = False,
    detail: bool = True,
    graphql_name: str | None = None,
) -> Any:
    """A field read from the stored property ``name``."""
    return _declared(
        Prop(name=name, default=default, public=public, propagates=propagates, detail=detail),
        description,
        graphql_name,
    )


def computed(
    cypher: Cypher,
    *,
    description: str | None = None,
    public: bool = False,
    graphql_name: str | None = None,
) -> Any:
    """A field computed in Cypher."""
    return _declared(Expr(cypher=cypher, public=public), description, graphql_name)


def converted(
    cypher: Cypher,
    convert: Callable[[Any], Any],
    *,
    description: str | None = None,
    public: bool = False,
) -> Any:
    """A field read in Cypher and shaped in Python by ``convert`` (not called for null),
    with no need of the request: e.g. citations of policy articles read from the
    committed extraction (``graph_schema/rules/legal_basis.py``). See ``Assembled``."""
    return _declared(
        Assembled(
            cypher=cypher,
            public=public,
            assemble=lambda raw, ctx: None if raw is None else convert(raw),
        ),
        description,
        None,
    )


def guarded(
    value: Cypher,
    *,
    guard: Cypher,
    disclosure: str,
    operation: str,
    message: str,
    consent_item: str | None = None,
    description: str | None = None,
) -> Any:
    """A field shown only when ``guard`` holds (see ``Guarded``)."""
    return _declared(
        Guarded(
            value=value,
            guard=guard,
            disclosure=disclosure,
            operation=operation,
            message=message,
            consent_item=consent_item,
        ),
        description,
        None,
    )


def related(
    match: Callable[[Scope, str], str],
    *,
    where: Callable[[Scope, str], str] | None = None,
    order: Callable[[Scope, str], str] | None = None,
    limit: Callable[[Scope], str] | None = None,
    audit: str | None = None,
    subject: Callable[[Scope, str], str] | None = None,
    public: bool = False,
    binds: tuple[tuple[str, Cypher], ...] = (),
    description: str | None = None,
    graphql_name: str | None = None,
) -> Any:
    """A field reaching other objects, without arguments."""
    return _declared(
        Related(
            match=match,
            where=where,
            order=order,
            limit=limit,
            audit=audit,
            subject=subject,
            public=public,
            binds=binds,
        ),
        description,
        graphql_name,
    )


def reads(
    read: Read, *, description: str | None = None, graphql_name: str | None = None
) -> Callable[[Callable[..., Any]], Any]:
    """A field with arguments: the decorated function gives its signature (the arguments
    and the type) and its description; ``read`` says how it is read. Its body never runs:
    the field is answered by the compiled query."""

    def declare(signature: Callable[..., Any]) -> Any:
        return _declared(
            read,
            description or inspect.cleandoc(signature.__doc__ or "") or None,
            graphql_name,
            resolver=signature,
        )

    return declare


def assembled(
    cypher: Cypher, assemble: Callable[[Any, Any], Any], *, description: str | None = None
) -> Callable[[Callable[..., Any]], Any]:
    """A field with arguments read in Cypher and assembled in Python (see ``Assembled``)."""
    return reads(Assembled(cypher=cypher, assemble=assemble), description=description)


def declaration(field: Any) -> Read | None:
    """The declaration of a strawberry field (None for a field that has none)."""
    metadata = getattr(field, "metadata", None) or {}
    read = metadata.get(READ)
    return read if isinstance(read, Read) else None


def fields_of(cls: type) -> dict[str, Any]:
    """The strawberry fields of a type, by GraphQL name."""
    definition = get_object_definition(cls, strict=True)
    return {f.graphql_name or _camel(f.python_name): f for f in definition.fields}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


def propagated(cls: type) -> tuple[str, ...]:
    """The stored properties a derived entry copies from its source (管理办法 第二十六条)."""
    return tuple(
        read.name
        for f in fields_of(cls).values()
        if isinstance(read := declaration(f), Prop) and read.propagates
    )


def node(label: str) -> Callable[[type], type]:
    """The node label a graph type is read from (default: its GraphQL name)."""

    def mark(cls: type) -> type:
        return mark_class(cls, "__graph_label__", label)

    return mark


def mark_class(cls: type, name: str, value: Any) -> type:
    """Set a mark the declarations read back with ``getattr`` (a label, a subgraph): an
    attribute no class declares, so it is set by name."""
    setattr(cls, name, value)
    return cls


def label_of(type_: Any) -> str:
    """The label of a GraphQL object type's nodes."""
    definition = type_.extensions.get("strawberry-definition")
    origin = getattr(definition, "origin", None)
    return str(getattr(origin, "__graph_label__", None) or type_.name)


def meta(read: Read) -> dict[str, Read]:
    """The metadata of a strawberry field declared by ``read``."""
    return {READ: read}


def owned_by(subgraph: str) -> Callable[[type], type]:
    """The Federation subgraph that owns a type (an entity: the subgraph that resolves
    it, every other one keeps a key stub) or a group of root fields (``resolvers/
    federation.py`` reads it). Undeclared: ``credit``."""

    def mark(cls: type) -> type:
        return mark_class(cls, "__subgraph__", subgraph)

    return mark


def subgraph_of(owner: Any, field: Any = None) -> str:
    """The subgraph of a type, or of a root field (its own declaration first, then its
    group's)."""
    metadata = getattr(field, "metadata", None) or {}
    return str(metadata.get(SUBGRAPH) or getattr(owner, "__subgraph__", None) or CREDIT)
