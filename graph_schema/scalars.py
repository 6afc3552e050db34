"""Scalars shared by every schema, registered through ``schema_config()``."""

from __future__ import annotations

import datetime as dt
from typing import Any, NewType

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.types.scalar import ScalarDefinition

from gateway.base.errors import InvalidInput

Date = NewType("Date", dt.date)


def _serialize_date(value: Any) -> str:
    # Python dates, neo4j.time.Date and ISO strings all print as YYYY-MM-DD.
    return value if isinstance(value, str) else str(value.isoformat())


def _parse_date(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput("expected a date as YYYY-MM-DD", value=value) from None


SCALARS: dict[object, ScalarDefinition] = {
    Date: strawberry.scalar(
        name="Date",
        description="A calendar date, YYYY-MM-DD.",
        serialize=_serialize_date,
        parse_value=_parse_date,
    ),
}


def schema_config() -> StrawberryConfig:
    return StrawberryConfig(scalar_map=SCALARS)
