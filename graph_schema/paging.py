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
    uscc: str | None = strawberry.field(
        default=strawberry.UNSET, description="统一社会信用代码 (18 characters, GB 32100)."
    )
    id_number: str | None = strawberry.field(
        default=strawberry.UNSET, description="公民身份号码 (18 characters, GB 11643)."
    )
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The internal id (`Subject.id`)."
    )


@strawberry.type(description="Where a page ends and whether another follows.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; null for an empty page."
    )


def check_page(first: int, max_page: int) -> int:
    """A page size asked of the public portal."""
    if first < 1 or first > max_page:
        raise QueryTooComplex(
            f"first must be between 1 and {max_page}", limit="page", max=max_page, actual=first
        )
    return first
