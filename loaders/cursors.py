"""Page cursors: opaque to clients, checked strictly when they come back.

A cursor is URL-safe base64 of a JSON list: a kind tag naming the listing, then the
sort key of the last item seen. Whatever a client sends back must decode to exactly
that shape, each part of its declared type and within range; anything else is
``BAD_USER_INPUT`` ("invalid cursor"), never an empty page or a database error.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

import orjson

from gateway.base.errors import InvalidInput

MAX_CURSOR = 1_024  # characters
MAX_OFFSET = 1_000_000  # the deepest page an offset cursor may reach
_MAX_INT = 2**53


def encode(kind: str, *key: Any) -> str:
    parts = [kind, *(k.isoformat() if isinstance(k, dt.date) else k for k in key)]
    return base64.urlsafe_b64encode(orjson.dumps(parts)).decode()


def _part(value: Any, kind: type) -> Any:
    if kind is int:
        if type(value) is not int or not 0 <= value <= _MAX_INT:
            raise ValueError
        return value
    if type(value) is not str or len(value) > 256:
        raise ValueError
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    return value


def decode(cursor: str | None, kind: str, *types: type) -> tuple[Any, ...] | None:
    """The key of ``cursor`` as ``types`` (str, int, date or datetime); None for no cursor."""
    if cursor is None:
        return None
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError
        value = orjson.loads(
            base64.b64decode(cursor.encode("ascii"), altchars=b"-_", validate=True)
        )
        if not isinstance(value, list) or len(value) != len(types) + 1 or value[0] != kind:
            raise ValueError
        return tuple(_part(v, t) for v, t in zip(value[1:], types, strict=True))
    except (ValueError, UnicodeError, binascii.Error, orjson.JSONDecodeError):
        raise InvalidInput("invalid cursor", value=cursor[:MAX_CURSOR]) from None


def encode_offset(offset: int) -> str:
    return encode("o", offset)


def decode_offset(cursor: str | None) -> int:
    """The number of items before the page an offset cursor starts; 0 for no cursor."""
    key = decode(cursor, "o", int)
    if key is None:
        return 0
    if key[0] > MAX_OFFSET:
        raise InvalidInput("invalid cursor", value=cursor)
    return int(key[0])
