"""Subject identifiers: 统一社会信用代码 (GB 32100) and 公民身份号码 (GB 11643).

People and organisations are linked by these codes (or the internal id), never
by name: same-name subjects are common, and a wrong link punishes an innocent
person. Validation is python-stdnum's; the normalised form it returns (upper
case, no separators) is what the graph stores.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from gateway.base.errors import InvalidIdNumber, InvalidUSCC


@lru_cache(maxsize=65536)
def normalise_uscc(value: str) -> str:
    """Validate a USCC's length, alphabet and check digit; return the stored form."""
    try:
        return str(uscc.validate(value))
    except ValidationError as exc:
        raise InvalidUSCC(f"invalid unified social credit code: {exc}", value=value) from None


@lru_cache(maxsize=8192)
def _region_existed(region: str, year: int) -> bool:
    """GB/T 2260: the region code was in use in the birth year (stdnum's table)."""
    try:
        ric.get_birth_place(f"{region}{year:04d}0101000X")
    except ValidationError:
        return False
    return True


@lru_cache(maxsize=65536)
def normalise_id_number(value: str) -> str:
    """Validate a citizen ID number's region, birth date and check digit.

    The same checks as ``stdnum.cn.ric.validate``, with the region lookup (the slow
    part) cached per region and year.
    """
    number = str(ric.compact(value))
    try:
        if (
            len(number) == 18
            and number[:-1].isascii()
            and number[:-1].isdigit()
            and number[-1] == ric.calc_check_digit(number)
            and _region_existed(number[:6], ric.get_birth_date(number).year)
        ):
            return number
        ric.validate(number)  # raises the precise reason
    except ValidationError as exc:
        raise InvalidIdNumber(f"invalid citizen ID number: {exc}", value=value) from None
    raise InvalidIdNumber("invalid citizen ID number", value=value)


def sex_from_id_number(id_number: str) -> str:
    """GB 11643: the 17th digit is odd for men, even for women."""
    return "MALE" if int(id_number[16]) % 2 else "FEMALE"


def birth_date_from_id_number(id_number: str) -> dt.date:
    return ric.get_birth_date(id_number)


def age_on(id_number: str, on: dt.date) -> int:
    born = birth_date_from_id_number(id_number)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def mask_id_number(id_number: str) -> str:
    """Published form (实施办法 第八条 with the privacy of 第七条): region kept, the rest hidden.

    Neither the birth date nor the sequence number can be read from it.
    """
    return id_number[:6] + "*" * 12


# The same in Cypher, for a property expression (a name, never a value); tests check
# that both agree.
def mask_id_number_cypher(id_number: str) -> str:
    return f"left({id_number}, 6) + '{'*' * 12}'"


def age_cypher(id_number: str, on: str) -> str:
    """``age_on`` in Cypher: whole years from the birth date in the number (positions
    7–14) to ``on`` (names, never values); tests check that both agree."""
    born = (
        f"date({{year: toInteger(substring({id_number}, 6, 4)), "
        f"month: toInteger(substring({id_number}, 10, 2)), "
        f"day: toInteger(substring({id_number}, 12, 2))}})"
    )
    return f"duration.between({born}, {on}).years"
