"""A sample approval system's own subgraph: applications for permits and funds.

It knows its applicants by USCC only and copies no credit data: ``Organization`` is a
key stub it cannot resolve (``resolvable: false``), so the router completes the
applicant, its credit check included, from the credit subgraph. The applications come
from the JSON file named by ``APPROVAL_APPLICATIONS_FILE``.

    uvicorn tests.federation.approval:app --port 8103
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import strawberry
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet


@strawberry.federation.type(keys=[Key(fields=FieldSet("uscc"), resolvable=False)])
class Organization:
    uscc: str


@strawberry.federation.type(keys=["id"], description="An application under review.")
class Application:
    id: strawberry.ID
    matter: str
    applicant: Organization


def _applications() -> list[Application]:
    path = os.environ.get("APPROVAL_APPLICATIONS_FILE")
    rows = json.loads(Path(path).read_text()) if path else []
    return [
        Application(id=r["id"], matter=r["matter"], applicant=Organization(uscc=r["uscc"]))
        for r in rows
    ]


_BY_ID: dict[str, Application] = {}


def _by_id() -> dict[str, Application]:
    if not _BY_ID:
        _BY_ID.update((str(a.id), a) for a in _applications())
    return _BY_ID


@strawberry.type
class Query:
    @strawberry.field
    def applications(self) -> list[Application]:
        return _applications()

    @strawberry.field
    def application(self, id: strawberry.ID) -> Application | None:
        return _by_id().get(str(id))


schema = strawberry.federation.Schema(query=Query, federation_version="2.9")
app = GraphQL(schema, graphql_ide=None)
