"""The public portal's schema, served at /public/graphql to anonymous callers.

A separate strawberry schema: it is built only from the public types, so nothing
non-public can be asked for (introspection shows it). Search by name or USCC, an
organisation by USCC, the jurisdictions and the policy graph (published documents); no
filter or sort that could reveal restricted information, no count that includes it.
"""

from __future__ import annotations

import warnings

import strawberry
from strawberry import Info

from gateway.context import Context
from gateway.errors import InvalidInput
from gateway.limits import check_page
from graph_schema.identifiers import normalise_uscc
from graph_schema.public import PublicOrganization, PublicPerson, PublicSubject, public_subject
from graph_schema.scalars import schema_config
from loaders.cursors import decode_offset, encode_offset
from loaders.public import public_search
from resolvers.jurisdiction import JurisdictionQuery
from resolvers.policy import PolicyQuery
from resolvers.subject import PageInfo


@strawberry.type(name="PublicSubjectEdge")
class PublicSubjectEdge:
    cursor: str
    node: PublicSubject


@strawberry.type(name="PublicSubjectConnection")
class PublicSubjectConnection:
    edges: list[PublicSubjectEdge]
    page_info: PageInfo


def _looks_like_uscc(text: str) -> str | None:
    if len(text) != 18 or not text.isalnum():
        return None
    try:
        return normalise_uscc(text)
    except InvalidInput:
        return None


@strawberry.type
class PublicSubjectQuery:
    @strawberry.field(description="Published subjects by name (CJK-aware) or by unified social "
                      "credit code, best match first.")
    async def search(self, info: Info[Context, None], text: str, first: int = 10,
                     after: str | None = None) -> PublicSubjectConnection:
        ctx = info.context
        limit = check_page(first, ctx.settings.public_max_page)
        offset = decode_offset(after)
        uscc = _looks_like_uscc(text.strip())
        if uscc is not None:
            m = await ctx.loaders.organizations_by_uscc.load(uscc)
            rows, has_next = ([m] if m and offset == 0 else []), False
        else:
            rows = await public_search(ctx.db, text, ctx.today, offset, limit + 1)
            has_next = len(rows) > limit
            rows = rows[:limit]
        edges = [PublicSubjectEdge(cursor=encode_offset(offset + i + 1),
                                   node=public_subject(m, ctx.today))
                 for i, m in enumerate(rows)]
        return PublicSubjectConnection(edges=edges, page_info=PageInfo(
            has_next_page=has_next, end_cursor=edges[-1].cursor if edges else None))

    @strawberry.field(description="An organisation by its unified social credit code.")
    async def organization(self, info: Info[Context, None],
                           uscc: str) -> PublicOrganization | None:
        m = await info.context.loaders.organizations_by_uscc.load(normalise_uscc(uscc))
        return PublicOrganization.from_map(m) if m else None


@strawberry.type(name="Query")
class PublicQuery(PublicSubjectQuery, JurisdictionQuery, PolicyQuery):
    pass


def public_schema() -> strawberry.Schema:
    # The portal is no Federation subgraph (no _entities: nothing is reachable by key);
    # the @key marks on the public policy types it shares are inert here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Federation directive found", UserWarning)
        return strawberry.Schema(query=PublicQuery, types=[PublicOrganization, PublicPerson],
                                 config=schema_config())
