"""Inputs and page types every part of the schema shares."""

from __future__ import annotations

import strawberry


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
