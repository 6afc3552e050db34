"""Queries whose root fields answer already shaped, run without graphql-core's executor.

A compiled read root field (``resolvers/reads.py``) returns its answer ``Shaped``: one
Cypher query gave it in the response's shape, and the executor only passes it through.
For a query made of such fields alone, graphql-core's execution machinery (building an
execution context, collecting the root fields, the completion and error bookkeeping
around each) costs about as much CPU as the gateway's whole HTTP layer, to do nothing
to the answer. ``ShapedRoots`` runs such a query itself: the variables are coerced as
the executor would (``gateway/variables.py``), each root field's arguments by
graphql-core's ``get_argument_values``, and its resolver (strawberry's, with argument
conversion and permissions) is called with the resolve info the executor would build.
Root fields start in document order and are awaited together, as graphql-core does, so
DataLoaders still batch across them.

Only the plain road is taken here. When a root field raises, answers an error, a null
where the schema forbids one, or anything that is not ``Shaped`` (a plain dict for
the executor to project, a strawberry object), the operation is completed by
graphql-core's executor with the outcomes already in hand (``_Replay``): no resolver
runs twice, and errors, null propagation and projection are graphql-core's own. A root
field seen answering other than ``Shaped`` is remembered, and operations selecting it
go straight to graphql-core afterwards. Operations with directives, fragments or
introspection at the root, and anything but a query, always do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any, NamedTuple

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    execute,
)
from graphql.execution import executor as core_executor
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, is_awaitable
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.schema.schema import _OperationContextAwareGraphQLResolveInfo

from gateway.executor import Executor
from loaders.selection import Shaped

_MAX_CACHED = 4096


class _Root(NamedTuple):
    """One root field of an operation, as the executor would see it."""

    key: str  # the response name
    node: FieldNode
    nodes: list[FieldNode]
    field: GraphQLField
    path: Path
    item_required: bool | None  # a list field: are its items non-null? None: not a list


class _Operation(NamedTuple):
    query: GraphQLObjectType
    roots: tuple[_Root, ...]
    names: frozenset[str]  # the root fields' names
    fragments: dict[str, FragmentDefinitionNode]


class _Raised(NamedTuple):
    error: BaseException


class ShapedRoots:
    """Runs the queries of one schema whose root fields all answer ``Shaped``."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self._query = schema.query_type
        # operation node id -> (node, its root fields or None); the node is kept so that
        # its id is never reused while cached (documents come from the document cache)
        self._operations: dict[int, tuple[OperationDefinitionNode, _Operation | None]] = {}
        self.plain: set[str] = set()  # root fields seen answering other than Shaped

    def operation(
        self, document: DocumentNode, definition: OperationDefinitionNode
    ) -> _Operation | None:
        """The operation's root fields if it may take this road, else None."""
        hit = self._operations.get(id(definition))
        if hit is None:
            if len(self._operations) >= _MAX_CACHED:
                self._operations.clear()
            hit = self._operations[id(definition)] = (definition, self._plan(document, definition))
        found = hit[1]
        if found is None or (self.plain and not self.plain.isdisjoint(found.names)):
            return None
        return found

    def _plan(
        self, document: DocumentNode, definition: OperationDefinitionNode
    ) -> _Operation | None:
        query = self._query
        if (
            query is None
            or definition.operation is not OperationType.QUERY
            or definition.directives
        ):
            return None
        roots: list[_Root] = []
        keys: set[str] = set()
        for selection in definition.selection_set.selections:
            if not isinstance(selection, FieldNode) or selection.directives:
                return None
            name = selection.name.value
            key = selection.alias.value if selection.alias else name
            field = query.fields.get(name)
            if field is None or name.startswith("__") or key in keys:
                return None  # introspection, or fields merged under one response name
            keys.add(key)
            returns = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            item_required = (
                isinstance(returns.of_type, GraphQLNonNull)
                if isinstance(returns, GraphQLList)
                else None
            )
            path = Path(None, key, query.name)
            roots.append(_Root(key, selection, [selection], field, path, item_required))
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        return _Operation(
            query, tuple(roots), frozenset(r.node.name.value for r in roots), fragments
        )

    async def run(
        self,
        document: DocumentNode,
        definition: OperationDefinitionNode,
        operation: _Operation,
        context: Any,
        variables: dict[str, Any] | None,
    ) -> ExecutionResult | None:
        """The operation's result; None when its variables do not coerce (graphql-core
        then reports that, before any resolver has run)."""
        coerced = core_executor.get_variable_values(
            self.schema, definition.variable_definitions or (), variables or {}
        )
        if isinstance(coerced, list):
            return None
        outcomes = await self._resolve(definition, operation, context, coerced)
        data: dict[str, Any] = {}
        for root, outcome in zip(operation.roots, outcomes, strict=True):
            value = _value(root, outcome)
            if value is _OFF:
                if _plain(outcome):
                    self.plain.add(root.node.name.value)
                return await self._replay(
                    document, definition, operation, context, variables, outcomes
                )
            data[root.key] = value
        return ExecutionResult(data)

    async def _resolve(
        self,
        definition: OperationDefinitionNode,
        operation: _Operation,
        context: Any,
        coerced: Any,
    ) -> list[Any]:
        started: list[Any] = []
        waiting: list[int] = []
        for i, root in enumerate(operation.roots):
            info = _OperationContextAwareGraphQLResolveInfo(
                root.node.name.value,
                root.nodes,
                root.field.type,
                operation.query,
                root.path,
                self.schema,
                operation.fragments,
                None,
                definition,
                coerced.coerced,
                context,
                is_awaitable,
                None,
                _HELPERS,
                None,  # type: ignore[arg-type]  # no operation extensions, as in execute()
            )
            try:
                args = (
                    get_argument_values(root.field, root.node, coerced)
                    if root.field.args or root.node.arguments
                    else {}
                )
                resolve = root.field.resolve
                assert resolve is not None  # strawberry gives every root field a resolver
                result = resolve(None, info, **args)
            except Exception as exc:  # noqa: BLE001 - graphql-core reports it (_Replay)
                result = _Raised(exc)
            else:
                if is_awaitable(result):
                    waiting.append(i)
            started.append(result)
        if len(waiting) == 1:
            i = waiting[0]
            try:
                started[i] = await started[i]
            except Exception as exc:  # noqa: BLE001
                started[i] = _Raised(exc)
        elif waiting:
            done = await asyncio.gather(*(started[i] for i in waiting), return_exceptions=True)
            for i, outcome in zip(waiting, done, strict=True):
                if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
                    raise outcome  # cancellation and the like are not answers
                started[i] = _Raised(outcome) if isinstance(outcome, Exception) else outcome
        return started

    async def _replay(
        self,
        document: DocumentNode,
        definition: OperationDefinitionNode,
        operation: _Operation,
        context: Any,
        variables: dict[str, Any] | None,
        outcomes: list[Any],
    ) -> ExecutionResult:
        """graphql-core's execution of the operation, its root fields answering with
        ``outcomes`` instead of running their resolvers again."""
        replay = _Replay({r.key: o for r, o in zip(operation.roots, outcomes, strict=True)})
        result = execute(
            self.schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=definition.name.value if definition.name else None,
            executor_class=Executor,
            middleware=[replay],
        )
        if not isinstance(result, ExecutionResult):
            result = await result
        return result


_OFF = object()  # not on the plain road: graphql-core completes the operation


def _value(root: _Root, outcome: Any) -> Any:
    """The root field's response value, or ``_OFF``."""
    if type(outcome) is Shaped:
        if outcome.error is not None or (
            outcome.value is None and isinstance(root.field.type, GraphQLNonNull)
        ):
            return _OFF
        return outcome.value
    if outcome is None:
        return _OFF if isinstance(root.field.type, GraphQLNonNull) else None
    if type(outcome) is list and root.item_required is not None:
        values = []
        for item in outcome:
            if type(item) is not Shaped or item.error is not None:
                return _OFF
            if item.value is None and root.item_required:
                return _OFF
            values.append(item.value)
        return values
    return _OFF


def _plain(outcome: Any) -> bool:
    """Is this an answer for graphql-core to complete (not Shaped, nor an error)?"""
    if outcome is None or type(outcome) is Shaped or type(outcome) is _Raised:
        return False
    return not (type(outcome) is list and all(type(item) is Shaped for item in outcome))


class _Replay:
    """graphql-core middleware: a root field answers its recorded outcome."""

    def __init__(self, outcomes: dict[str, Any]) -> None:
        self.outcomes = outcomes

    def resolve(self, next_: Any, root: Any, info: Any, **args: Any) -> Any:
        if info.path.prev is None:
            outcome = self.outcomes[info.path.key]
            if type(outcome) is _Raised:
                raise outcome.error
            return outcome
        return next_(root, info, **args)


async def _gather(values: Sequence[Awaitable[Any]]) -> list[Any]:
    return list(await asyncio.gather(*values))


_TRACKED: set[asyncio.Future[Any]] = set()  # held until settled, as the executor holds them


def _track(values: Sequence[Any]) -> None:
    for value in values:
        if is_awaitable(value):
            future = asyncio.ensure_future(value)
            _TRACKED.add(future)
            future.add_done_callback(_TRACKED.discard)


_HELPERS = GraphQLResolveInfoHelpers(gather=_gather, track=_track)  # as the executor offers
