import datetime as dt

import pytest

from gateway.base.errors import InvalidIdNumber, InvalidUSCC
from graph_schema.identifiers import (
    age_on,
    mask_id_number,
    normalise_id_number,
    normalise_uscc,
    sex_from_id_number,
)


def test_uscc_is_normalised_to_upper_case_without_separators() -> None:
    assert normalise_uscc(" 91110000600037341l ") == "91110000600037341L"
    assert normalise_uscc("9 1 110000 600037341L") == "91110000600037341L"


@pytest.mark.parametrize(
    "bad", ["91110000600037341M", "9111000060003734", "I1110000600037341L", ""]
)
def test_bad_uscc_raises_with_code_and_value(bad: str) -> None:
    with pytest.raises(InvalidUSCC) as info:
        normalise_uscc(bad)
    assert info.value.code == "INVALID_USCC"
    assert info.value.details["value"] == bad


def test_id_number_checks_digit_birth_date_and_region() -> None:
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"
    for bad in ("110105194912310021", "110105194913310028", "990105194912310025"):
        with pytest.raises(InvalidIdNumber) as info:
            normalise_id_number(bad)
        assert info.value.extensions() == {"code": "INVALID_ID_NUMBER", "value": bad}


def test_sex_age_and_mask_come_from_the_number() -> None:
    number = "11010519491231002X"
    assert sex_from_id_number(number) == "FEMALE"
    assert age_on(number, dt.date(2026, 11, 25)) == 76
    assert age_on(number, dt.date(2026, 12, 31)) == 77
    masked = mask_id_number(number)
    assert masked == "110105************"
    assert "19491231" not in masked


def test_a_non_ascii_digit_is_an_invalid_id_number_not_a_crash() -> None:
    """'²' and '１' pass str.isdigit(); the check digit must not be computed from them."""
    for text in ("3202001979²910504X", "３２０４０２１９８４０５１７００１０"):
        with pytest.raises(InvalidIdNumber):
            normalise_id_number(text)
