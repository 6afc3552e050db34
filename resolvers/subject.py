"""Root fields for subjects: lookup by code or id, and name search."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import Info

from gateway.base.errors import InvalidInput
from graph_schema.enums import SubjectKind
from graph_schema.identifiers import normalise_id_number, normalise_uscc
from graph_schema.model import SUBJECT_NAME_INDEX
from graph_schema.paging import PageInfo, SubjectRef
from graph_schema.subject import Organization, Person, Subject
from loaders.cursors import decode_offset, encode_offset
from loaders.search import SEARCH_SUBJECTS_COMPILED, lucene_text, search_by_code
from loaders.selection import compiled
from resolvers.context import Context
from resolvers.reads import one

USCC = "统一社会信用代码 (18 characters, GB 32100), check digit verified."

# The root objects of the compiled reads: one query per root field.
BY_USCC = "MATCH (n:Organization {uscc: $key}) RETURN {value} AS value"
BY_ID_NUMBER = "MATCH (n:Person {idNumber: $key}) RETURN {value} AS value"
BY_ID = "MATCH (n:Subject {id: $key}) RETURN {value} AS value"
PERSON_BY_ID = "MATCH (n:Person {id: $key}) RETURN {value} AS value"


def _template(ref: SubjectRef) -> tuple[str, str]:
    if ref.uscc:
        return BY_USCC, normalise_uscc(ref.uscc)
    if ref.id_number:
        return BY_ID_NUMBER, normalise_id_number(ref.id_number)
    if ref.id:
        return BY_ID, str(ref.id)
    raise InvalidInput("give exactly one of uscc, idNumber or id")


async def load_subject(ctx: Context, ref: SubjectRef) -> dict[str, Any] | None:
    """Resolve a SubjectRef through the request's loaders; validates codes first."""
    if ref.uscc:
        return await ctx.loaders.organizations_by_uscc.load(normalise_uscc(ref.uscc))
    if ref.id_number:
        return await ctx.loaders.persons_by_id_number.load(normalise_id_number(ref.id_number))
    if ref.id:
        return await ctx.loaders.subjects_by_id.load(str(ref.id))
    raise InvalidInput("give exactly one of uscc, idNumber or id")


@strawberry.type(description="A subject found by a search.")
class SubjectEdge:
    cursor: str = strawberry.field(description="Pass as `after` for the results after this one.")
    score: float = strawberry.field(
        description="The full-text relevance score: higher is a better match."
    )
    node: Subject = strawberry.field(description="The subject.")


@strawberry.type(description="A page of search results, best match first.")
class SubjectConnection:
    edges: list[SubjectEdge] = strawberry.field(description="This page of results.")
    page_info: PageInfo = strawberry.field(description="Whether more follow, and from where.")


def page_size(first: int, maximum: int) -> int:
    if first < 1 or first > maximum:
        raise InvalidInput(f"first must be between 1 and {maximum}", value=first)
    return first


def _code(text: str) -> tuple[str, str, str] | None:
    """A code typed into the search box: (label, property, normalised code)."""
    if len(text) != 18 or not text[:-1].isalnum():
        return None
    try:
        return "Organization", "uscc", normalise_uscc(text)
    except InvalidInput:
        try:
            return "Person", "idNumber", normalise_id_number(text)
        except InvalidInput:
            return None


async def _search(
    info: Any, text: str, kind: SubjectKind | None, offset: int, limit: int
) -> dict[str, Any]:
    code = _code(text)
    if code is None and not lucene_text(text):
        return {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
    template = search_by_code(code[0], code[1]) if code else SEARCH_SUBJECTS_COMPILED
    selection = compiled(info, at=("edges", "node"))
    exact, rows = await selection.fetch(
        template,
        {
            "index": SUBJECT_NAME_INDEX,
            "query": lucene_text(text) or '"-"',
            "skip": offset,
            "limit": limit + 1,
            "kind": kind.value if kind else None,
            "code": code[2] if code else None,
        },
    ) or (False, [])
    has_next = not exact and len(rows) > limit
    edges = [
        {
            "cursor": encode_offset(offset + i + 1),
            "score": score,
            "node": selection.shape(node, "edges", i, "node"),
        }
        for i, (score, node) in enumerate(rows[:limit])
    ]
    return {
        "edges": edges,
        "pageInfo": {"hasNextPage": has_next, "endCursor": edges[-1]["cursor"] if edges else None},
    }


@strawberry.type
class SubjectQuery:
    @strawberry.field(description="A subject by USCC, citizen ID number or internal id.")
    async def subject(
        self,
        info: Info[Context, None],
        ref: Annotated[SubjectRef, strawberry.argument(description="The subject's key.")],
    ) -> Subject | None:
        template, key = _template(ref)
        return await one(info, template, key=key)

    @strawberry.field(description="An organisation by its unified social credit code.")
    async def organization(
        self, info: Info[Context, None], uscc: Annotated[str, strawberry.argument(description=USCC)]
    ) -> Organization | None:
        return await one(info, BY_USCC, key=normalise_uscc(uscc))

    @strawberry.field(description="A natural person by citizen ID number or internal id.")
    async def person(
        self,
        info: Info[Context, None],
        id_number: Annotated[
            str | None,
            strawberry.argument(description="公民身份号码 (GB 11643); give this or `id`."),
        ] = None,
        id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The internal id; give this or `idNumber`."),
        ] = None,
    ) -> Person | None:
        if (id_number is None) == (id is None):
            raise InvalidInput("give exactly one of idNumber or id")
        if id_number:
            return await one(info, BY_ID_NUMBER, key=normalise_id_number(id_number))
        return await one(info, PERSON_BY_ID, key=str(id))

    @strawberry.field(
        description="Name search (CJK-aware full text), best match first; a "
        "USCC or ID number finds its subject exactly.",
        graphql_type=SubjectConnection,  # answered as plain data, see gateway/executor.py
    )
    async def search_subjects(
        self,
        info: Info[Context, None],
        name: Annotated[
            str,
            strawberry.argument(
                description="Words of the name, or a whole USCC or citizen ID number."
            ),
        ],
        kind: Annotated[
            SubjectKind | None,
            strawberry.argument(description="Only organisations or only persons; null: both."),
        ] = None,
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 100.")] = 20,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The `endCursor` of the page before; null: from the start."
            ),
        ] = None,
    ) -> dict[str, Any]:
        limit = page_size(first, 100)
        found = await _search(info, name.strip(), kind, decode_offset(after), limit)
        return found
