"""GraphQL over HTTP, lean: cached parsing and validation, orjson, one context per request.

The strawberry schema is executed directly through graphql-core. A document is
parsed and validated once per distinct query text (an LRU cache), so a repeated
check costs only execution. Errors never leak a stack trace: a project error
shows its message and ``extensions.code``; anything else is logged and reported
as ``INTERNAL``.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    execute,
    parse,
    specified_rules,
    validate,
)
from graphql.pyutils import is_awaitable
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.exceptions import StrawberryInputCoercionError

from gateway.errors import CreditGraphError
from gateway.executor import Executor

log = logging.getLogger("credit_graph.graphql")

ContextFactory = Callable[[Request, DocumentNode, "str | None"], Awaitable[Any]]


def _json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError


def json_response(
    payload: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(payload, default=_json_default),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def error_payload(err: CreditGraphError) -> dict[str, Any]:
    return {"errors": [{"message": err.message, "extensions": err.extensions()}]}


def format_error(error: GraphQLError, default_code: str = "BAD_USER_INPUT") -> dict[str, Any]:
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if isinstance(original, CreditGraphError):
        message, extensions = original.message, original.extensions()
    elif isinstance(original, StrawberryInputCoercionError):
        message, extensions = str(original), {"code": "BAD_USER_INPUT"}
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


class DocumentCache:
    """Parsed and validated documents by query text, least recently used evicted."""

    def __init__(self, schema: Any, rules: Sequence[type[ASTValidationRule]], size: int) -> None:
        self._schema = schema
        self._rules = tuple(rules)
        self._size = size
        self._entries: OrderedDict[str, tuple[DocumentNode | None, list[dict[str, Any]]]] = (
            OrderedDict()
        )

    def get(self, query: str) -> tuple[DocumentNode | None, list[dict[str, Any]]]:
        hit = self._entries.get(query)
        if hit is not None:
            self._entries.move_to_end(query)
            return hit
        try:
            document = parse(query)
        except GraphQLError as exc:
            entry: tuple[DocumentNode | None, list[dict[str, Any]]] = (
                None,
                [format_error(exc, "GRAPHQL_PARSE_FAILED")],
            )
        else:
            errors = validate(self._schema, document, self._rules)
            entry = (document, [format_error(e, "GRAPHQL_VALIDATION_FAILED") for e in errors])
        self._entries[query] = entry
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)
        return entry


def operation_type(document: DocumentNode, name: str | None) -> OperationType | None:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            name is None or (definition.name and definition.name.value == name)
        ):
            return definition.operation
    return None


class GraphQLEndpoint:
    """A Starlette endpoint serving one schema."""

    def __init__(
        self,
        schema: GraphQLSchema,
        context: ContextFactory,
        *,
        graphiql: bool = False,
        extra_rules: Sequence[type[ASTValidationRule]] = (),
        cache_size: int = 512,
    ) -> None:
        self.schema = schema
        self._core = schema
        self._executor = Executor
        self._context = context
        self._graphiql = graphiql
        self.documents = DocumentCache(self._core, [*specified_rules, *extra_rules], cache_size)

    async def handle(self, request: Request) -> Response:
        try:
            if request.method == "GET":
                if self._graphiql and "text/html" in request.headers.get("accept", ""):
                    return HTMLResponse(GRAPHIQL_HTML)
                params: Any = dict(request.query_params)
                if "variables" in params:
                    params["variables"] = orjson.loads(params["variables"])
            elif request.method == "POST":
                params = orjson.loads(await request.body())
            else:
                return json_response(
                    {
                        "errors": [
                            {"message": "use GET or POST", "extensions": {"code": "BAD_REQUEST"}}
                        ]
                    },
                    405,
                )
        except orjson.JSONDecodeError:
            return json_response(
                {
                    "errors": [
                        {
                            "message": "the body is not valid JSON",
                            "extensions": {"code": "BAD_REQUEST"},
                        }
                    ]
                },
                400,
            )
        if not isinstance(params, dict) or not isinstance(params.get("query"), str):
            return json_response(
                {
                    "errors": [
                        {
                            "message": "a query string is required",
                            "extensions": {"code": "BAD_REQUEST"},
                        }
                    ]
                },
                400,
            )
        variables = params.get("variables")
        operation_name = params.get("operationName")
        if variables is not None and not isinstance(variables, dict):
            return json_response(
                {
                    "errors": [
                        {
                            "message": "variables must be an object",
                            "extensions": {"code": "BAD_REQUEST"},
                        }
                    ]
                },
                400,
            )
        document, errors = self.documents.get(params["query"])
        if document is None or errors:
            return json_response({"errors": errors}, 400 if document is None else 200)
        op = operation_type(document, operation_name)
        if request.method == "GET" and op is not OperationType.QUERY:
            return json_response(
                {
                    "errors": [
                        {
                            "message": "only queries may use GET",
                            "extensions": {"code": "BAD_REQUEST"},
                        }
                    ]
                },
                405,
            )
        try:
            context = await self._context(request, document, operation_name)
        except CreditGraphError as exc:
            status = (
                401
                if exc.code == "UNAUTHENTICATED"
                else 403
                if exc.code in {"FORBIDDEN", "PURPOSE_REQUIRED"}
                else 429
                if exc.code == "RATE_LIMITED"
                else 400
            )
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return json_response(error_payload(exc), status, headers)
        result = execute(
            self._core,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            executor_class=self._executor,
        )
        if is_awaitable(result):
            result = await result  # type: ignore[misc]
        payload: dict[str, Any] = {}
        if result.errors:  # type: ignore[union-attr]
            payload["errors"] = [format_error(e) for e in result.errors]  # type: ignore[union-attr]
        payload["data"] = result.data  # type: ignore[union-attr]
        finish = getattr(context, "finish", None)
        if finish is not None:
            await finish(payload)
        headers = None
        db = getattr(context, "db", None)
        if op is OperationType.MUTATION and db is not None:
            # read-your-writes on another replica: send these back with the next query
            headers = {BOOKMARKS_HEADER: ",".join(await db.bookmarks())}
        return json_response(payload, headers=headers)


GRAPHIQL_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>credit-graph GraphiQL</title>
<link rel="stylesheet" href="https://unpkg.com/graphiql@3/graphiql.min.css"></head>
<body style="margin:0"><div id="graphiql" style="height:100vh"></div>
<script src="https://unpkg.com/react@18/umd/react.production.min.js"></script>
<script src="https://unpkg.com/react-dom@18/umd/react-dom.production.min.js"></script>
<script src="https://unpkg.com/graphiql@3/graphiql.min.js"></script>
<script>
const fetcher = GraphiQL.createFetcher({url: window.location.pathname,
  headers: JSON.parse(localStorage.getItem('credit-graph-headers') || '{}')});
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {fetcher, shouldPersistHeaders: true}));
</script></body></html>
"""
