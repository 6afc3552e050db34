import datetime as dt

import pytest

from graph_schema.model import EntryStatus, ListKind, Severity
from graph_schema.rules.validity import add_years, default_valid_until, status_on, validity_years

D = dt.date


def test_years_end_on_the_corresponding_date_and_29_february_on_28() -> None:
    assert add_years(D(2025, 1, 10), 1) == D(2026, 1, 10)
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)


@pytest.mark.parametrize(
    ("severity", "years"),
    [(Severity.GENERAL, 1), (Severity.SERIOUS, 3), (Severity.UNSTATED, 3), (Severity.MAJOR, 3)],
)
def test_article_27_terms_for_black_entries(severity: Severity, years: int) -> None:
    assert validity_years(ListKind.BLACK, severity) == years
    assert default_valid_until(ListKind.BLACK, severity, D(2023, 6, 1)) == D(2023 + years, 6, 1)


def test_red_entries_have_no_statutory_term() -> None:
    assert default_valid_until(ListKind.RED, Severity.UNSTATED, D(2023, 6, 1)) is None


def test_status_on_a_date() -> None:
    rec, until = D(2024, 1, 10), D(2025, 1, 10)
    assert status_on(D(2024, 1, 9), rec, until) is None
    assert status_on(rec, rec, until) is EntryStatus.ACTIVE
    assert status_on(until, rec, until) is EntryStatus.ACTIVE  # the last day counts
    assert status_on(D(2025, 1, 11), rec, until) is EntryStatus.EXPIRED
    ended = D(2024, 6, 1)
    assert status_on(D(2024, 5, 31), rec, until, ended, EntryStatus.REPAIRED) is EntryStatus.ACTIVE
    assert status_on(ended, rec, until, ended, EntryStatus.REPAIRED) is EntryStatus.REPAIRED
    assert status_on(D(2030, 1, 1), rec, None) is EntryStatus.ACTIVE
