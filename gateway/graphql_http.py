"""GraphQL over HTTP, lean: cached parsing and validation, orjson, one context per request.

The strawberry schema is executed directly through graphql-core. A document is
parsed and validated once per distinct query text (an LRU cache), so a repeated
check costs only execution. Errors never leak a stack trace: a project error
shows its message and ``extensions.code``; anything else is logged and reported
as ``INTERNAL``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import orjson
from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    OperationType,
    execute,
    parse,
    specified_rules,
    validate,
)
from opentelemetry.trace import Tracer
from starlette.requests import Request
from starlette.responses import Response
from strawberry.exceptions import StrawberryInputCoercionError

from gateway.base.errors import (
    ConfigurationError,
    CreditGraphError,
    DatabaseUnavailable,
    InvalidInput,
    RequestTooLarge,
)
from gateway.executor import Executor
from gateway.graphiql import page as graphiql_page
from gateway.limits import DocumentLimits, measure_document, too_complex
from gateway.persisted import Documents
from gateway.request_info import note_operation
from gateway.responses import bad_request, error_payload, json_response, refusal
from gateway.shaped_roots import ShapedRoots
from gateway.tracing import operation_span

log = logging.getLogger("credit_graph.graphql")

# Who the caller is, established before the request's body is read: a refusal here
# (HTTP 401) costs the server nothing.
Admit = Callable[[Request], Awaitable[Any]]
ContextFactory = Callable[[Request, Any, DocumentNode, "str | None"], Awaitable[Any]]


def format_error(error: GraphQLError, default_code: str = "BAD_USER_INPUT") -> dict[str, Any]:
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if isinstance(original, CreditGraphError):
        message, extensions = original.message, original.extensions()
        if isinstance(original, ConfigurationError):  # the server's defect, not the caller's
            log.error("configuration error at %s: %s", error.path, message)
    elif isinstance(original, StrawberryInputCoercionError):
        message, extensions = str(original), {"code": "BAD_USER_INPUT"}
    elif isinstance(original, GraphQLError):  # a value graphql-core refused to coerce
        message, extensions = error.message, {"code": "BAD_USER_INPUT"}
    elif original is not None:
        log.error("unexpected error at %s", error.path, exc_info=original)
        message, extensions = "internal error", {"code": "INTERNAL"}
    else:
        message = error.message
        extensions = {"code": default_code, **(error.extensions or {})}
    out: dict[str, Any] = {"message": message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = error.path
    out["extensions"] = extensions
    return out


BOOKMARKS_HEADER = "X-Credit-Bookmarks"

Checked = tuple[DocumentNode | None, list[dict[str, Any]]]

# Documents longer than this are parsed and validated on a worker thread, so that no
# request holds the event loop while its document is checked; shorter ones (nearly all)
# are checked in place, which is cheaper than the hand-over.
INLINE_CHECK_CHARS = 2_000
_CHECKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphql-check")


class DocumentCache:
    """Parsed and validated documents by query text, least recently used evicted.

    A document is first held to its ``DocumentLimits`` (linear in its size); only a
    document within them meets graphql-core's validation rules, some of which cost more
    than linear time. The cache holds at most ``size`` documents and ``max_chars`` of
    query text.
    """

    def __init__(
        self,
        schema: Any,
        rules: Sequence[type[ASTValidationRule]],
        limits: DocumentLimits,
        size: int,
        max_chars: int = 32_000_000,
    ) -> None:
        self._schema = schema
        self._rules = tuple(rules)
        self._limits = limits
        self._size = size
        self._max_chars = max_chars
        self._chars = 0
        self._entries: OrderedDict[str, Checked] = OrderedDict()

    async def get(self, query: str) -> Checked:
        hit = self._entries.get(query)
        if hit is not None:
            self._entries.move_to_end(query)
            return hit
        if len(query) > INLINE_CHECK_CHARS:
            entry = await asyncio.get_running_loop().run_in_executor(_CHECKER, self.check, query)
        else:
            entry = self.check(query)
        if query not in self._entries:
            self._entries[query] = entry
            self._chars += len(query)
        while self._entries and (len(self._entries) > self._size or self._chars > self._max_chars):
            old, _ = self._entries.popitem(last=False)
            self._chars -= len(old)
        return entry

    def check(self, query: str) -> Checked:
        """Parse, measure and validate ``query``: (document, errors); no document when it
        could not be parsed."""
        limits = self._limits
        if len(query) > limits.max_source:
            return None, [
                format_error(
                    too_complex(
                        f"the query is {len(query)} characters long; at most {limits.max_source} "
                        "are allowed",
                        limit="source",
                        max=limits.max_source,
                        actual=len(query),
                    )
                )
            ]
        try:
            document = parse(
                query, max_lexical_tokens=limits.max_tokens, max_comments=limits.max_tokens
            )
        except GraphQLSyntaxError as exc:
            if "Parsing aborted" in exc.message:  # a parser limit, not a typo
                limit = "nesting" if "nested too deeply" in exc.message else "tokens"
                return None, [
                    format_error(
                        too_complex(
                            f"the query is too large to read: {exc.message}",
                            limit=limit,
                            max=limits.max_tokens if limit == "tokens" else None,
                        )
                    )
                ]
            return None, [format_error(exc, "GRAPHQL_PARSE_FAILED")]
        errors = measure_document(self._schema, document, limits)
        if not errors:
            errors = validate(self._schema, document, self._rules)
        return document, [format_error(e, "GRAPHQL_VALIDATION_FAILED") for e in errors]


def operation_type(document: DocumentNode, name: str | None) -> OperationType | None:
    definition = operation(document, name)
    return definition.operation if definition is not None else None


def operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    """The operation ``name`` selects (the first one when None)."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name and definition.name.value == name)
        ):
            return definition
    return None


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise RequestTooLarge(f"the request body is larger than {limit} bytes", max=limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestTooLarge(f"the request body is larger than {limit} bytes", max=limit)
        chunks.append(chunk)
    return b"".join(chunks)


def unavailable(payload: dict[str, Any]) -> str | None:
    """``Retry-After`` when the answer's errors say Neo4j could not be reached (then the
    answer is HTTP 503, its body the GraphQL errors as ever); None otherwise."""
    for error in payload.get("errors") or ():
        extensions = error.get("extensions") or {}
        if extensions.get("code") == DatabaseUnavailable.code:
            return str(extensions.get("retry_after_s", 1))
    return None


def check_variables(variables: dict[str, Any], max_items: int) -> int:
    """No list in ``variables`` may be longer than any argument accepts: refused before
    graphql-core coerces (and the resolver refuses) a hundred thousand items. The length
    of the longest list."""
    longest = 0
    stack: list[Any] = [variables]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            if len(value) > max_items:
                raise InvalidInput(
                    f"a list in the variables holds {len(value)} items; at most "
                    f"{max_items} are accepted",
                    max=max_items,
                )
            longest = max(longest, len(value))
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return longest


# A request with a list of this many items in its variables (a batch of checks, Federation
# references) runs with the cyclic garbage collector paused (see ``collector_paused``).
BULK_ITEMS = 100
_pauses = 0


@contextmanager
def collector_paused(pause: bool) -> Iterator[None]:
    """The cyclic garbage collector paused while a bulk request runs.

    Such a request holds some 100,000 live containers at once (the driver's records, the
    answers, the response): each young collection on the way finds them all alive and
    promotes them, and every few requests a full collection walks them again, some 3 ms
    of a 1,000-check batch's 17 ms of CPU. Paused, they are freed by reference counting
    as the request ends and the collector resumes with what is left. Requests running
    alongside simply leave their (few) cycles for that collection.
    """
    global _pauses
    if not pause or (_pauses == 0 and not gc.isenabled()):
        yield
        return
    _pauses += 1
    gc.disable()
    try:
        yield
    finally:
        _pauses -= 1
        if _pauses == 0:
            gc.enable()


class GraphQLEndpoint:
    """A Starlette endpoint serving one schema."""

    def __init__(
        self,
        schema: GraphQLSchema,
        context: ContextFactory,
        *,
        limits: DocumentLimits,
        admit: Admit | None = None,
        max_body: int = 1 << 20,
        max_list: int = 1000,
        graphiql: bool = False,
        extra_rules: Sequence[type[ASTValidationRule]] = (),
        cache_size: int = 512,
        tracer: Tracer | None = None,
        registered: Documents | None = None,
        trusted_only: bool = False,
    ) -> None:
        self.schema = schema
        self._tracer = tracer  # a span per operation (gateway/tracing.py); None: off
        self._context = context
        self._admit = admit
        self._max_body = max_body
        self._max_list = max_list
        self._graphiql = graphiql
        self._registered = registered  # documents sent by id (gateway/persisted.py)
        self._trusted_only = trusted_only
        self.documents = DocumentCache(schema, [*specified_rules, *extra_rules], limits, cache_size)
        self.shaped_roots = ShapedRoots(schema)  # queries of compiled root fields alone

    async def handle(self, request: Request) -> Response:
        if (
            request.method == "GET"
            and self._graphiql
            and "text/html" in request.headers.get("accept", "")
        ):
            return graphiql_page()
        if request.method not in ("GET", "POST"):
            return bad_request("use GET or POST", 405)
        try:
            caller = await self._admit(request) if self._admit is not None else None
            if request.method == "GET":
                params: Any = dict(request.query_params)
                if "variables" in params:
                    params["variables"] = orjson.loads(params["variables"])
            else:
                params = orjson.loads(await read_body(request, self._max_body))
        except orjson.JSONDecodeError:
            return bad_request("the body is not valid JSON")
        except CreditGraphError as exc:
            return refusal(exc)
        if isinstance(params, dict) and self._registered is not None:
            try:
                params["query"] = self._registered.query(params, trusted_only=self._trusted_only)
            except CreditGraphError as exc:
                return refusal(exc)
        if not isinstance(params, dict) or not isinstance(params.get("query"), str):
            return bad_request("a query string is required")
        variables = params.get("variables")
        operation_name = params.get("operationName")
        if variables is not None and not isinstance(variables, dict):
            return bad_request("variables must be an object")
        if operation_name is not None and not isinstance(operation_name, str):
            return bad_request("operationName must be a string")
        try:
            longest = check_variables(variables or {}, self._max_list)
        except CreditGraphError as exc:  # like a variable that does not coerce: HTTP 200
            return json_response(error_payload(exc))
        document, errors = await self.documents.get(params["query"])
        if document is None or errors:
            return json_response({"errors": errors}, 400 if document is None else 200)
        definition = operation(document, operation_name)
        op = definition.operation if definition is not None else None
        if definition is not None:
            note_operation(definition.name.value if definition.name else "")
        if request.method == "GET" and op is not OperationType.QUERY:
            return bad_request("only queries may use GET", 405)
        # the answer, its objects released as _execute returns, before the collector resumes
        with collector_paused(longest >= BULK_ITEMS):
            return await self._execute(
                request, caller, document, definition, operation_name, variables
            )

    async def _execute(
        self,
        request: Request,
        caller: Any,
        document: DocumentNode,
        definition: OperationDefinitionNode | None,
        operation_name: str | None,
        variables: dict[str, Any] | None,
    ) -> Response:
        op = definition.operation if definition is not None else None
        with operation_span(
            self._tracer,
            op.value if op is not None else None,
            definition.name.value if definition and definition.name else None,
        ):
            try:
                context = await self._context(request, caller, document, operation_name)
            except CreditGraphError as exc:
                return refusal(exc)
            result = None
            if definition is not None:
                shaped = self.shaped_roots.operation(document, definition)
                if shaped is not None:
                    result = await self.shaped_roots.run(
                        document, definition, shaped, context, variables
                    )
            if result is None:
                outcome = execute(
                    self.schema,
                    document,
                    context_value=context,
                    variable_values=variables,
                    operation_name=operation_name,
                    executor_class=Executor,
                )
                result = outcome if isinstance(outcome, ExecutionResult) else await outcome
            payload: dict[str, Any] = {}
            failures = [*(result.errors or ()), *getattr(context, "errors", ())]
            if failures:
                payload["errors"] = [format_error(e) for e in failures]
            payload["data"] = result.data
            finish = getattr(context, "finish", None)
            if finish is not None:
                await finish(payload)
            headers: dict[str, str] = {}
            db = getattr(context, "db", None)
            if op is OperationType.MUTATION and db is not None:
                # read-your-writes on another replica: send these back with the next query
                headers[BOOKMARKS_HEADER] = ",".join(await db.bookmarks())
        retry_after = unavailable(payload)
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        return json_response(payload, 503 if retry_after is not None else 200, headers or None)
