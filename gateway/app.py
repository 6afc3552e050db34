"""The ASGI application: ``create_app(settings)``.

The lifespan owns the one async Neo4j driver of the process: it connects,
applies pending migrations, and closes the driver at shutdown.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from graphql import DocumentNode
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.context import Context
from gateway.db import Database
from gateway.errors import CreditGraphError
from gateway.graphql_http import GraphQLEndpoint, json_response
from gateway.settings import Settings
from graph_schema.migrate import migrate, pending
from resolvers.schema import government_schema

log = logging.getLogger("credit_graph")


def create_app(settings: Settings | None = None, *, db: Database | None = None,
               run_migrations: bool = True) -> Starlette:
    settings = settings or Settings.from_env()
    state: dict[str, Any] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        database = db or Database.connect(settings)
        app.state.db = database
        state["db"] = database
        try:
            if run_migrations:
                applied = await migrate(database)
                if applied:
                    log.info("applied migrations: %s", ", ".join(applied))
            yield
        finally:
            if db is None:
                await database.close()

    async def government_context(request: Request, document: DocumentNode,
                                 operation: str | None) -> Context:
        return Context(state["db"], settings, request)

    graphql = GraphQLEndpoint(government_schema(), government_context,
                              graphiql=settings.graphiql, cache_size=settings.document_cache_size)

    async def healthz(request: Request) -> Response:
        return json_response({"status": "alive"})

    async def readyz(request: Request) -> Response:
        database: Database = state["db"]
        try:
            await database.verify()
            todo = await pending(database)
        except CreditGraphError as exc:
            return json_response({"status": "unavailable", "reason": exc.message}, 503)
        if todo:
            return json_response({"status": "migrating", "pending": [m.id for m in todo]}, 503)
        return json_response({"status": "ready"})

    async def internal_error(request: Request, exc: Exception) -> Response:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        return json_response({"errors": [{"message": "internal error",
                                          "extensions": {"code": "INTERNAL"}}]}, 500)

    app = Starlette(
        exception_handlers={Exception: internal_error},
        routes=[
            Route("/graphql", graphql.handle, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.graphql = graphql
    return app
