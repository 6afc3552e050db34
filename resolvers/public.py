"""The public portal's schema, served at /public/graphql to anonymous callers.

A separate strawberry schema: it is built only from the public types, so nothing
non-public can be asked for (introspection shows it). Search by name or USCC, an
organisation by USCC, the jurisdictions and the policy graph (published documents); no
filter or sort that could reveal restricted information, no count that includes it.
"""

from __future__ import annotations

import warnings
from typing import Annotated, Any

import strawberry
from strawberry import Info

from gateway.base.errors import InvalidInput
from graph_schema.identifiers import normalise_uscc
from graph_schema.model import SUBJECT_NAME_INDEX
from graph_schema.paging import PageInfo, check_page
from graph_schema.public import PublicOrganization, PublicPerson, PublicSubject
from graph_schema.scalars import schema_config
from loaders.cursors import decode_offset, encode_offset
from loaders.public import PUBLIC_BY_USCC, PUBLIC_SEARCH_COMPILED, WINDOW
from loaders.search import lucene_text
from loaders.selection import Shaped, compiled
from resolvers.context import Context
from resolvers.jurisdiction import JurisdictionQuery
from resolvers.policy import PolicyQuery


@strawberry.type(name="PublicSubjectEdge", description="A published subject found by a search.")
class PublicSubjectEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the results after this one.")
    # The public types are built at import (graph_schema/public.py): GraphQL types that a
    # type checker cannot see, so they are named as graphql_type.
    node: Any = strawberry.field(graphql_type=PublicSubject, description="The subject.")


@strawberry.type(
    name="PublicSubjectConnection", description="A page of search results, best match first."
)
class PublicSubjectConnection:
    edges: list[PublicSubjectEdge] = strawberry.field(description="This page of results.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where.")


def _looks_like_uscc(text: str) -> str | None:
    if len(text) != 18 or not text.isalnum():
        return None
    try:
        return normalise_uscc(text)
    except InvalidInput:
        return None


PUBLIC_ORGANIZATION = "MATCH (n:Organization {uscc: $key}) RETURN {value} AS value"


@strawberry.type
class PublicSubjectQuery:
    @strawberry.field(
        description="Published subjects by name (CJK-aware) or by unified social "
        "credit code, best match first.",
        graphql_type=PublicSubjectConnection,
    )  # answered as plain data
    async def search(
        self,
        info: Info[Context, None],
        text: Annotated[
            str,
            strawberry.argument(description="Words of the name, or a whole USCC (exact match)."),
        ],
        first: Annotated[
            int,
            strawberry.argument(description="Page size, 1 to the portal's limit (50 by default)."),
        ] = 10,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The `endCursor` of the page before; null: from the start."
            ),
        ] = None,
    ) -> dict[str, Any]:
        ctx = info.context
        limit = check_page(first, ctx.settings.public_max_page)
        offset = decode_offset(after)
        uscc = _looks_like_uscc(text.strip())
        query = lucene_text(text)
        if uscc is None and not query:
            return {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
        selection = compiled(info, at=("edges", "node"))
        rows = (
            await selection.fetch(
                PUBLIC_BY_USCC if uscc is not None else PUBLIC_SEARCH_COMPILED,
                {
                    "uscc": uscc,
                    "index": SUBJECT_NAME_INDEX,
                    "query": query,
                    "window": WINDOW,
                    "skip": offset,
                    "limit": limit + 1,
                    "today": ctx.today,
                },
            )
            or []
        )
        has_next = uscc is None and len(rows) > limit
        edges = [
            {
                "cursor": encode_offset(offset + i + 1),
                "node": selection.shape(node, "edges", i, "node"),
            }
            for i, node in enumerate(rows[:limit])
        ]
        return {
            "edges": edges,
            "pageInfo": {
                "hasNextPage": has_next,
                "endCursor": edges[-1]["cursor"] if edges else None,
            },
        }

    @strawberry.field(
        description="An organisation by its unified social credit code.",
        graphql_type=PublicOrganization | None,
    )
    async def organization(
        self,
        info: Info[Context, None],
        uscc: Annotated[
            str,
            strawberry.argument(
                description="统一社会信用代码 (18 characters, GB 32100), check digit verified."
            ),
        ],
    ) -> Shaped | None:
        selection = compiled(info)
        raw = await selection.fetch(PUBLIC_ORGANIZATION, {"key": normalise_uscc(uscc)})
        return selection.shape(raw)


@strawberry.type(
    name="Query",
    description="The public portal (社会公开, 管理办法 第十八条): published subjects and list "
    "entries, jurisdictions and the policy graph, for anyone, without a token.",
)
class PublicQuery(PublicSubjectQuery, JurisdictionQuery, PolicyQuery):
    pass


def public_schema() -> strawberry.Schema:
    # The portal is no Federation subgraph (no _entities: nothing is reachable by key);
    # the @key marks on the public policy types it shares are inert here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Federation directive found", UserWarning)
        return strawberry.Schema(
            query=PublicQuery, types=[PublicOrganization, PublicPerson], config=schema_config()
        )
