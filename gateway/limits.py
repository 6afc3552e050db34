"""Limits for anonymous traffic on the public portal.

Depth and cost are graphql-core validation rules, so they run once per distinct
document and are cached with it; page sizes are checked by the resolvers; the
rate limit is a token bucket per client address, in front of the endpoint so
that even unparsable requests count. Every refusal carries a stable code:
``QUERY_TOO_COMPLEX`` (HTTP 200, a GraphQL error) or ``RATE_LIMITED`` (HTTP 429).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)
from starlette.requests import Request
from starlette.responses import Response

from gateway.errors import QueryTooComplex, RateLimited
from gateway.graphql_http import error_payload, json_response

DEFAULT_LIST_SIZE = 10  # assumed length of a list field without a `first` argument


def _too_complex(message: str, node: Any, **details: Any) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": QueryTooComplex.code, **details})


class _Walker:
    """Walks an operation with its fragments; introspection fields are not counted."""

    def __init__(self, context: ValidationContext, max_page: int) -> None:
        self.context = context
        self.schema = context.schema
        self.max_page = max_page

    def _selections(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None,
                    seen: frozenset[str]) -> list[tuple[FieldNode, GraphQLNamedType | None]]:
        """The fields of a selection set with fragments inlined (cycles cut)."""
        out: list[tuple[FieldNode, GraphQLNamedType | None]] = []
        for sel in selection_set.selections if selection_set else ():
            if isinstance(sel, FieldNode):
                out.append((sel, parent))
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition
                t = self.schema.get_type(cond.name.value) if cond else parent
                out += self._selections(sel.selection_set, t, seen)
            elif isinstance(sel, FragmentSpreadNode) and sel.name.value not in seen:
                frag = self.context.get_fragment(sel.name.value)
                if frag is not None:
                    t = self.schema.get_type(frag.type_condition.name.value)
                    out += self._selections(frag.selection_set, t, seen | {sel.name.value})
        return out

    def depth(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None,
              seen: frozenset[str] = frozenset()) -> int:
        deepest = 0
        for field, owner in self._selections(selection_set, parent, seen):
            if field.name.value.startswith("__"):
                continue
            _, child = self._field(owner, field)
            deepest = max(deepest, 1 + self.depth(field.selection_set, child, seen))
        return deepest

    def _field(self, owner: GraphQLNamedType | None, field: FieldNode
               ) -> tuple[Any, GraphQLNamedType | None]:
        if not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
            return None, None
        definition = owner.fields.get(field.name.value)
        if definition is None:
            return None, None
        return definition, get_named_type(definition.type)

    def _first(self, field: FieldNode, definition: Any,
               variables: dict[str, Any]) -> int | None:
        """The page size a field asks for: literal, variable default or worst case, or the
        argument's default; None when the field takes no ``first``."""
        if definition is None or "first" not in definition.args:
            return None
        for arg in field.arguments or ():
            if arg.name.value == "first":
                if isinstance(arg.value, IntValueNode):
                    return max(0, int(arg.value.value))
                if isinstance(arg.value, VariableNode):
                    default = variables.get(arg.value.name.value)
                    return default if isinstance(default, int) else self.max_page
        default = definition.args["first"].default_value
        return default if isinstance(default, int) else self.max_page

    def cost(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None,
             variables: dict[str, Any], pending: int | None = None,
             seen: frozenset[str] = frozenset()) -> int:
        """Composite fields cost 1 each, times the length of every list they sit in. A
        ``first`` argument sets the length of the next list below it (connections)."""
        total = 0
        for field, owner in self._selections(selection_set, parent, seen):
            if field.name.value.startswith("__"):
                continue
            definition, child = self._field(owner, field)
            if field.selection_set is None or definition is None:
                continue
            first = self._first(field, definition, variables)
            carry = first if first is not None else pending
            if _is_list(definition.type):
                size = carry if carry is not None else DEFAULT_LIST_SIZE
                total += 1 + size * self.cost(field.selection_set, child, variables, None, seen)
            else:
                total += 1 + self.cost(field.selection_set, child, variables, carry, seen)
        return total


def _is_list(t: Any) -> bool:
    if isinstance(t, GraphQLNonNull):
        t = t.of_type
    return isinstance(t, GraphQLList)


def _root(context: ValidationContext, node: OperationDefinitionNode) -> GraphQLNamedType | None:
    return context.schema.get_root_type(node.operation)


def _variable_defaults(node: OperationDefinitionNode) -> dict[str, Any]:
    out = {}
    for var in node.variable_definitions or ():
        if isinstance(var.default_value, IntValueNode):
            out[var.variable.name.value] = int(var.default_value.value)
    return out


def depth_limit_rule(max_depth: int) -> type[ASTValidationRule]:
    class DepthLimitRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            depth = _Walker(self.context, 0).depth(node.selection_set, _root(self.context, node))
            if depth > max_depth:
                self.report_error(_too_complex(
                    f"the query is {depth} levels deep; at most {max_depth} are allowed", node,
                    limit="depth", max=max_depth, actual=depth))

    return DepthLimitRule


def cost_limit_rule(max_cost: int, max_page: int) -> type[ASTValidationRule]:
    class CostLimitRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            walker = _Walker(self.context, max_page)
            cost = walker.cost(node.selection_set, _root(self.context, node),
                               _variable_defaults(node))
            if cost > max_cost:
                self.report_error(_too_complex(
                    f"the query may cost {cost}; at most {max_cost} is allowed (ask for fewer "
                    "items or fewer nested lists)", node, limit="cost", max=max_cost,
                    actual=cost))

    return CostLimitRule


def check_page(first: int, max_page: int) -> int:
    """A page size asked of the public portal."""
    if first < 1 or first > max_page:
        raise QueryTooComplex(f"first must be between 1 and {max_page}", limit="page",
                              max=max_page, actual=first)
    return first


class RateLimiter:
    """A token bucket per key: ``rate_per_minute`` requests a minute, bursts up to that."""

    def __init__(self, rate_per_minute: int, *, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
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


def rate_limited(handle: Callable[[Request], Awaitable[Response]], limiter: RateLimiter,
                 header: str | None) -> Callable[[Request], Awaitable[Response]]:
    """Wrap an endpoint: over the limit is HTTP 429 with ``Retry-After``."""

    async def limited(request: Request) -> Response:
        wait = limiter.take(client_address(request, header))
        if wait > 0:
            err = RateLimited("too many requests from this address; slow down",
                              retry_after_s=math.ceil(wait))
            return json_response(error_payload(err), 429,
                                 {"Retry-After": str(math.ceil(wait))})
        return await handle(request)

    return limited
