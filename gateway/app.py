"""The ASGI application: ``create_app(settings)``.

The lifespan owns the one async Neo4j driver of the process: it connects,
applies pending migrations, probes Neo4j in the background for the driver's breaker
(gateway/base/breaker.py), and closes the driver at shutdown. Every request passes through
``Observe`` (gateway/observe.py): its request id, access log line, metrics and spans.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
)
from opentelemetry.sdk.trace import TracerProvider
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway import access_log, metrics, tracing
from gateway.auth import TokenVerifier
from gateway.base.db import Database, Probe
from gateway.base.errors import CreditGraphError
from gateway.base.settings import Settings
from gateway.base.viewer import Viewer
from gateway.explore import routes as explore_routes
from gateway.graphiql import routes as graphiql_routes
from gateway.graphql_http import BOOKMARKS_HEADER, GraphQLEndpoint
from gateway.limits import DocumentLimits, RateLimiter, rate_limited
from gateway.observe import Observe, Telemetry
from gateway.persisted import Documents
from gateway.responses import json_response
from graph_schema.migrate import migrate, pending
from procedures.audit import AuditWriter
from resolvers.context import Context, read_consents, read_purpose
from resolvers.federation import subgraph
from resolvers.public import public_schema

log = logging.getLogger("credit_graph")

# How uvicorn serves the app. It would otherwise take X-Forwarded-For from any loopback
# peer as the client's address; the caller's address is the direct peer unless
# CREDIT_GRAPH_PUBLIC_CLIENT_HEADER names the header a proxy in front writes.
SERVER_OPTIONS: dict[str, Any] = {
    "proxy_headers": False,
    "http": "gateway.http11:HttpToolsProtocol",  # a response in one write
}


def create_app(
    settings: Settings | None = None,
    *,
    db: Database | None = None,
    run_migrations: bool = True,
    tracer_provider: TracerProvider | None = None,
) -> Starlette:
    """The app; ``tracer_provider`` (a test's, say) is used instead of the one the settings
    would build, and is left to its owner to shut down."""
    settings = settings or Settings.from_env()
    state: dict[str, Any] = {}
    verifier = TokenVerifier(settings)  # a missing secret or key fails here, at start-up
    audit = AuditWriter(
        lambda: state["audit_db"],
        mode=settings.audit_write,
        flush_ms=settings.audit_flush_ms,
        clock=settings.now,
        spill_dir=settings.home / "register",
    )
    counted = (
        None
        if settings.metrics == "off"
        else metrics.Metrics(
            audit=lambda: audit, breaker=lambda: state["db"].breaker if "db" in state else None
        )
    )
    traces = tracer_provider or tracing.provider(settings)
    tracer = traces.get_tracer(tracing.TRACER_NAME) if traces is not None else None
    telemetry = Telemetry(counted, tracer) if counted or tracer else None
    if settings.access_log:
        access_log.install()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        database = db or Database.connect(settings)
        database.telemetry = telemetry
        app.state.db = database
        state["db"] = database
        # The register writes through its own view of the driver: its statements belong to
        # no request, so the per-app query count (which proves batching) leaves them out,
        # and its bookmarks are its own, so no read waits for a register write.
        state["audit_db"] = Database(
            database.driver,
            database.database,
            read_routing=settings.neo4j_read_routing,
            timeout_s=settings.neo4j_query_timeout_s,
            breaker=database.breaker,
            telemetry=telemetry,
        )
        probe = Probe(settings)
        watch: asyncio.Task[None] | None = None
        try:
            if run_migrations:
                applied = await migrate(database)
                if applied:
                    log.info("applied migrations: %s", ", ".join(applied))
            watch = asyncio.create_task(
                database.breaker.watch(
                    probe,
                    interval_s=settings.neo4j_probe_interval_s,
                    timeout_s=settings.neo4j_connect_timeout_s,
                ),
                name="neo4j-probe",
            )
            await audit.start()
            try:
                yield
            finally:
                await audit.close()  # background mode: flush what is queued
        finally:
            if watch is not None:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch
            await probe.close()
            if db is None:
                await database.close()
            if traces is not None and tracer_provider is None:
                traces.shutdown()  # sends the spans still batched

    async def government_context(
        request: Request, viewer: Viewer, document: DocumentNode, operation: str | None
    ) -> Context:
        database: Database = state["db"]
        database.breaker.check()  # Neo4j unreachable: HTTP 503 with Retry-After, at once
        bookmarks = request.headers.get(BOOKMARKS_HEADER)
        if bookmarks:  # a write made through another replica: wait for it
            database = database.after(b.strip() for b in bookmarks.split(","))
        return Context(
            database,
            settings,
            request,
            viewer,
            purpose=read_purpose(request),
            consents=read_consents(request),
            operation_name=operation or _operation_name(document),
            audit_writer=audit,
        )

    async def public_context(
        request: Request, _: None, document: DocumentNode, operation: str | None
    ) -> Context:
        database: Database = state["db"]
        database.breaker.check()
        return Context(database, settings, request)

    government_rules: list[type[ASTValidationRule]] = []
    if not settings.introspection:
        government_rules.append(NoSchemaIntrospectionCustomRule)
    graphql = GraphQLEndpoint(
        subgraph(settings.subgraph).schema,
        government_context,
        admit=verifier.authenticate,  # before the body is read: no token, HTTP 401
        limits=DocumentLimits(
            max_tokens=settings.max_tokens,
            max_source=settings.max_request_bytes,
            max_depth=settings.max_depth,
            max_fields=settings.max_fields,
            max_page=settings.max_batch,
        ),
        max_body=settings.max_request_bytes,
        max_list=settings.max_batch,
        graphiql=settings.graphiql,
        extra_rules=government_rules,
        cache_size=settings.document_cache_size,
        tracer=tracer,
        registered=Documents.load(),
        trusted_only=settings.trusted_documents_only,
    )
    public_rules: list[type[ASTValidationRule]] = []
    if not settings.public_introspection:
        public_rules.append(NoSchemaIntrospectionCustomRule)
    public = GraphQLEndpoint(
        public_schema()._schema,
        public_context,
        limits=DocumentLimits(
            max_tokens=settings.public_max_tokens,
            max_source=settings.public_max_request_bytes,
            max_depth=settings.public_max_depth,
            max_fields=settings.public_max_fields,
            max_cost=settings.public_max_cost,
            max_page=settings.public_max_page,
        ),
        max_body=settings.public_max_request_bytes,
        max_list=settings.public_max_page,
        graphiql=settings.graphiql,
        extra_rules=public_rules,
        cache_size=settings.document_cache_size,
        tracer=tracer,
    )
    limiter = RateLimiter(settings.public_rate_per_minute)

    async def healthz(request: Request) -> Response:
        return json_response({"status": "alive"})

    async def readyz(request: Request) -> Response:
        database: Database = state["db"]
        if database.breaker.is_open:  # what every query is told meanwhile
            return json_response(
                {
                    "status": "unavailable",
                    "reason": database.breaker.reason,
                    "register": audit.health(),
                },
                503,
                {"Retry-After": str(database.breaker.retry_after_s)},
            )
        try:
            await database.verify()
            todo = await pending(database)
        except CreditGraphError as exc:
            return json_response(
                {"status": "unavailable", "reason": exc.message, "register": audit.health()}, 503
            )
        if todo:
            return json_response({"status": "migrating", "pending": [m.id for m in todo]}, 503)
        # Read after the awaits above, so the status and the register's figures agree.
        register = audit.health()
        if register["failing"]:
            # Every sight of restricted data must reach the register: a replica that cannot
            # write it is taken out of rotation until a write succeeds again.
            return json_response(
                {
                    "status": "unavailable",
                    "reason": "the query register cannot be written",
                    "register": register,
                },
                503,
            )
        return json_response({"status": "ready", "register": register})

    async def internal_error(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return json_response(
            {"errors": [{"message": "internal error", "extensions": {"code": "INTERNAL"}}]}, 500
        )

    refused = (lambda: counted.rate_limited("/public/graphql")) if counted else None
    endpoints: dict[str, Endpoint] = {
        "/graphql": graphql.handle,
        "/public/graphql": rate_limited(
            public.handle, limiter, settings.public_client_header, refused
        ),
    }
    routes: list[Route | Mount] = [
        *(Route(path, handle, methods=["GET", "POST"]) for path, handle in endpoints.items()),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *explore_routes(),
        *graphiql_routes(),
    ]
    if counted is not None:
        routes.append(
            Route(
                "/metrics",
                metrics.endpoint(counted, settings.metrics, settings.public_client_header),
            )
        )
    observe = Middleware(
        Observe,
        metrics=counted,
        tracer=tracer,
        log=settings.access_log,
        routes=[r.path for r in routes if isinstance(r, Route)],
        mounts=[r.path for r in routes if isinstance(r, Mount)],
    )
    app = Starlette(
        exception_handlers={Exception: internal_error},
        routes=routes,
        middleware=[observe, Middleware(Direct, endpoints=endpoints)],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.graphql = graphql
    app.state.public_graphql = public
    app.state.audit = audit
    app.state.metrics = counted
    return app


Endpoint = Callable[[Request], Awaitable[Response]]


class Direct:
    """The GraphQL endpoints' GET and POST requests, straight from ``Observe`` to their
    endpoint: past Starlette's exception middleware, router and route wrappers (some
    7 µs of CPU per worked query, measured in-process). Every other request takes the
    routes; an error raised here meets the app's exception handler as a routed one does."""

    def __init__(self, app: ASGIApp, endpoints: dict[str, Endpoint]) -> None:
        self.app = app
        self.endpoints = endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "POST"):
            endpoint = self.endpoints.get(scope["path"])
            if endpoint is not None:
                response = await endpoint(Request(scope, receive, send))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _operation_name(document: DocumentNode) -> str | None:
    names = [
        d.name.value
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name
    ]
    return names[0] if len(names) == 1 else None
