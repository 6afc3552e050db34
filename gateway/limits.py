"""Limits on what one request may ask for, checked before any work is done for it.

A document is measured once, before graphql-core's own validation rules run, in time
and memory linear in its size: the fragment graph is walked with memoisation (a
fragment spread twice is measured once), so a document of fragments that double at
every level costs what its text costs, not what its expansion would. The measures:

- ``tokens`` and ``source``: lexical tokens and characters, enforced by the parser
  while it reads;
- ``nesting``: selection sets inside one another, fragments included;
- ``depth``: fields inside one another (introspection fields are not counted);
- ``fields``: field selections with every fragment spread expanded, ``__typename``
  included: the work execution would do;
- ``cost`` (the public portal): composite fields, each times the length of every list
  it sits in; a ``first`` argument sets the length of the next list below it, and a
  ``first`` given by a variable counts as the largest page, whatever its default.

Every refusal is ``QUERY_TOO_COMPLEX`` with ``limit``, ``max`` and ``actual``. Page
sizes are checked by the resolvers; the rate limit is a token bucket per client
address, in front of the endpoint so that even unparsable requests count
(``RATE_LIMITED``, HTTP 429).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from starlette.requests import Request
from starlette.responses import Response

from gateway.base.errors import QueryTooComplex, RateLimited
from gateway.responses import refusal

DEFAULT_LIST_SIZE = 10  # assumed length of a list field without a `first` argument
_CAP = 2**53  # measures saturate here: a refusal needs no exact astronomical figure


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """What one document may hold; None means not limited."""

    max_tokens: int
    max_source: int  # characters of query text
    max_nesting: int = 64
    max_depth: int | None = None
    max_fields: int | None = None
    max_cost: int | None = None
    max_page: int = 50  # the page a `first` given by a variable may ask for


def too_complex(message: str, node: Any = None, **details: Any) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": QueryTooComplex.code, **details})


class _Measure(NamedTuple):
    depth: int
    cost: int
    fields: int
    height: int  # selection sets inside one another, this one included


_NOTHING = _Measure(0, 0, 0, 0)


class _TooNested(Exception):
    pass


class _Walker:
    """Measures selection sets; fragments are measured once per (name, pending page)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        limits: DocumentLimits,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.max_page = limits.max_page
        self.max_nesting = limits.max_nesting
        self._memo: dict[tuple[str, int | None], _Measure] = {}
        self._active: set[str] = set()  # fragments being measured: a cycle ends here

    def selection_set(
        self,
        node: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        pending: int | None,
        level: int,
    ) -> _Measure:
        if node is None:
            return _NOTHING
        if level > self.max_nesting:
            raise _TooNested
        depth = cost = fields = height = 0
        for sel in node.selections:
            if isinstance(sel, FieldNode):
                m = self.field(sel, parent, pending, level)
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition
                t = self.schema.get_type(cond.name.value) if cond else parent
                m = self.selection_set(sel.selection_set, t, pending, level + 1)
            elif isinstance(sel, FragmentSpreadNode):
                m = self.spread(sel.name.value, pending, level)
            else:  # pragma: no cover - the three kinds of selection
                continue
            depth = max(depth, m.depth)
            cost = min(_CAP, cost + m.cost)
            fields = min(_CAP, fields + m.fields)
            height = max(height, m.height)
        return _Measure(depth, cost, fields, height + 1)

    def spread(self, name: str, pending: int | None, level: int) -> _Measure:
        fragment = self.fragments.get(name)
        if fragment is None or name in self._active:  # unknown or cyclic: validation says so
            return _NOTHING
        key = (name, pending)
        known = self._memo.get(key)
        if known is not None:
            if level + known.height > self.max_nesting:
                raise _TooNested
            return known
        self._active.add(name)
        try:
            parent = self.schema.get_type(fragment.type_condition.name.value)
            known = self.selection_set(fragment.selection_set, parent, pending, level + 1)
        finally:
            self._active.discard(name)
        self._memo[key] = known
        return known

    def field(
        self, node: FieldNode, parent: GraphQLNamedType | None, pending: int | None, level: int
    ) -> _Measure:
        if node.name.value.startswith("__"):  # introspection: counted as work, not as depth
            sub = self.selection_set(node.selection_set, None, None, level + 1)
            return _Measure(0, 0, min(_CAP, 1 + sub.fields), sub.height)
        if node.selection_set is None:
            return _Measure(1, 0, 1, 0)
        definition = _definition(parent, node)
        if definition is None:  # unknown field: validation says so
            sub = self.selection_set(node.selection_set, None, None, level + 1)
            return _Measure(1 + sub.depth, 0, min(_CAP, 1 + sub.fields), sub.height)
        child = get_named_type(definition.type)
        first = self._first(node, definition)
        carry = first if first is not None else pending
        if _is_list(definition.type):
            size = carry if carry is not None else DEFAULT_LIST_SIZE
            sub = self.selection_set(node.selection_set, child, None, level + 1)
            cost = min(_CAP, 1 + size * sub.cost)
        else:
            sub = self.selection_set(node.selection_set, child, carry, level + 1)
            cost = min(_CAP, 1 + sub.cost)
        return _Measure(1 + sub.depth, cost, min(_CAP, 1 + sub.fields), sub.height)

    def _first(self, node: FieldNode, definition: Any) -> int | None:
        """The page size a field asks for: a literal, the largest page for a variable, or
        the argument's default; None when the field takes no ``first``."""
        if "first" not in definition.args:
            return None
        for arg in node.arguments or ():
            if arg.name.value == "first":
                if isinstance(arg.value, IntValueNode):
                    return min(_CAP, max(0, int(arg.value.value)))
                if isinstance(arg.value, VariableNode):
                    return self.max_page
        default = definition.args["first"].default_value
        return default if isinstance(default, int) else self.max_page


def _definition(owner: GraphQLNamedType | None, node: FieldNode) -> Any:
    if not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
        return None
    return owner.fields.get(node.name.value)


def _is_list(t: Any) -> bool:
    if isinstance(t, GraphQLNonNull):
        t = t.of_type
    return isinstance(t, GraphQLList)


def measure_document(
    schema: GraphQLSchema, document: DocumentNode, limits: DocumentLimits
) -> list[GraphQLError]:
    """Every limit an operation of ``document`` exceeds, as coded errors; [] when within."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walker = _Walker(schema, fragments, limits)
    errors: list[GraphQLError] = []
    for op in document.definitions:
        if not isinstance(op, OperationDefinitionNode):
            continue
        try:
            m = walker.selection_set(op.selection_set, schema.get_root_type(op.operation), None, 1)
        except _TooNested:
            errors.append(
                too_complex(
                    f"selections are nested more than {limits.max_nesting} levels deep "
                    "(fragments included)",
                    op,
                    limit="nesting",
                    max=limits.max_nesting,
                )
            )
            continue
        checks = (
            (
                "depth",
                limits.max_depth,
                m.depth,
                "the query is {actual} levels deep; at most {max} are allowed",
            ),
            (
                "fields",
                limits.max_fields,
                m.fields,
                "the query selects {actual} fields with its fragments expanded; at most "
                "{max} are allowed",
            ),
            (
                "cost",
                limits.max_cost,
                m.cost,
                "the query may cost {actual}; at most {max} is allowed (ask for fewer "
                "items or fewer nested lists)",
            ),
        )
        for limit, most, actual, message in checks:
            if most is not None and actual > most:
                errors.append(
                    too_complex(
                        message.format(actual=actual, max=most),
                        op,
                        limit=limit,
                        max=most,
                        actual=actual,
                    )
                )
    return errors


class RateLimiter:
    """A token bucket per key: ``rate_per_minute`` requests a minute, bursts up to that."""

    def __init__(
        self,
        rate_per_minute: int,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = float(max(1, rate_per_minute))
        self.refill = self.capacity / 60.0
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._max_keys = max_keys
        self._clock = clock

    def take(self, key: str) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        now = self._clock()
        tokens, stamp = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - stamp) * self.refill)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.refill
        self._buckets[key] = (tokens, now)
        if len(self._buckets) > self._max_keys:  # the longest idle callers go first
            self._buckets.popitem(last=False)
        return wait


def client_address(request: Request, header: str | None) -> str:
    """The caller's address: the direct peer, or with ``header`` (set only behind a proxy
    that appends to it) the last address that proxy wrote."""
    if header:
        forwarded = request.headers.get(header, "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last
    return request.client.host if request.client else "unknown"


def rate_limited(
    handle: Callable[[Request], Awaitable[Response]],
    limiter: RateLimiter,
    header: str | None,
    on_refusal: Callable[[], None] | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap an endpoint: over the limit is HTTP 429 with ``Retry-After`` (and
    ``on_refusal`` is called: a metric counts it)."""

    async def limited(request: Request) -> Response:
        wait = limiter.take(client_address(request, header))
        if wait > 0:
            if on_refusal is not None:
                on_refusal()
            return refusal(
                RateLimited(
                    "too many requests from this address; slow down", retry_after_s=math.ceil(wait)
                )
            )
        return await handle(request)

    return limited
