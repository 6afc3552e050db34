"""The code checks of graph_schema/identifiers.py, with a fast path for the common case.

An import checks one code per row, ten million of them for a province, nearly all
already in their stored form (upper case, no separators) and valid. For such a code the
check digit (GB 32100, GB 11643), the birth date and the region are checked here
without python-stdnum's general clean-up; any other code goes to
``normalise_uscc`` / ``normalise_id_number``, so every answer, and every error with its
message, is theirs. tests/unit/test_codes.py checks that both agree.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from graph_schema.identifiers import _region_existed, normalise_id_number, normalise_uscc

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(_ALPHABET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CHECK = frozenset("0123456789X")


def uscc(text: str) -> str:
    """A valid USCC in its stored form, else whatever ``normalise_uscc`` says."""
    if len(text) == 18 and text[:8].isascii() and text[:8].isdigit():
        try:
            total = sum(_VALUE[c] * w for c, w in zip(text, _WEIGHTS, strict=False))
        except KeyError:
            return normalise_uscc(text)
        if _ALPHABET[(31 - total) % 31] == text[17]:
            return text
    return normalise_uscc(text)


@lru_cache(maxsize=65536)
def _birth_date_exists(yyyymmdd: str) -> bool:
    try:
        dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:]))
    except ValueError:
        return False
    return True


def id_number(text: str) -> str:
    """A valid citizen ID number in its stored form, else what ``normalise_id_number`` says."""
    head = text[:17]
    if len(text) == 18 and head.isascii() and head.isdigit() and text[17] in _CHECK:
        checksum = (1 - 2 * int(head, 13)) % 11
        if (
            ("X" if checksum == 10 else str(checksum)) == text[17]
            and _birth_date_exists(text[6:14])
            and _region_existed(text[:6], int(text[6:10]))
        ):
            return text
    return normalise_id_number(text)
