"""Inputs and page types every part of the schema shares."""

from __future__ import annotations

import strawberry

from gateway.base.errors import QueryTooComplex


@strawberry.input(
    one_of=True,
    description="A subject by exactly one of its keys. Never by "
    "name: same-name subjects are common.",
)
class SubjectRef:
    uscc: str | None = strawberry.UNSET
    id_number: str | None = strawberry.UNSET
    id: strawberry.ID | None = strawberry.UNSET


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def check_page(first: int, max_page: int) -> int:
    """A page size asked of the public portal."""
    if first < 1 or first > max_page:
        raise QueryTooComplex(
            f"first must be between 1 and {max_page}", limit="page", max=max_page, actual=first
        )
    return first
