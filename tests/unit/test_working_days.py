"""Deadlines in working days on the PRC calendar, across holidays and past 2026."""

import datetime as dt

import pytest

from graph_schema.rules.working_days import WorkingCalendar

D = dt.date
CAL = WorkingCalendar()


def test_ten_working_days_across_the_national_day_week() -> None:
    # Filed Tue 2026-09-29: 30 Sep is a working day, 1–7 Oct are holidays, Sat 10 Oct is an
    # adjusted working day: 30 Sep, 8, 9, 10(Sat), 12, 13, 14, 15, 16, 19 Oct.
    due = CAL.add_working_days(D(2026, 9, 29), 10)
    assert due.date == D(2026, 10, 19) and not due.provisional


def test_an_adjusted_working_sunday_counts_and_the_mid_autumn_break_does_not() -> None:
    # Filed Fri 2026-09-18: Sun 20 Sep is a working day; 25–27 Sep are holidays.
    assert CAL.add_working_days(D(2026, 9, 18), 1).date == D(2026, 9, 20)
    assert CAL.add_working_days(D(2026, 9, 18), 5).date == D(2026, 9, 24)
    assert CAL.add_working_days(D(2026, 9, 18), 6).date == D(2026, 9, 28)


def test_the_start_day_never_counts_even_when_it_is_a_holiday() -> None:
    # chinese_calendar.find_workday would call 2 Oct "day 0" and answer a day late.
    assert CAL.add_working_days(D(2026, 10, 2), 1).date == D(2026, 10, 8)
    assert CAL.add_working_days(D(2026, 10, 9), 1).date == D(2026, 10, 10)


def test_past_the_library_a_deadline_is_provisional_on_the_weekday_rule() -> None:
    due = CAL.add_working_days(D(2026, 12, 24), 10)
    # 25, 28, 29, 30, 31 Dec 2026, then 1 Jan 2027 (unannounced: a Friday counts), 4–7 Jan.
    assert due.date == D(2027, 1, 7) and due.provisional
    assert CAL.add_working_days(D(2026, 12, 24), 5) == type(due)(D(2026, 12, 31), False)


def test_recorded_arrangements_take_over_after_2026() -> None:
    cal = WorkingCalendar(recorded={D(2027, 1, 1): False}, announced_years=frozenset({2027}))
    due = cal.add_working_days(D(2026, 12, 24), 10)
    assert due.date == D(2027, 1, 8) and not due.provisional
    assert cal.working_days_between(D(2026, 12, 31), D(2027, 1, 8)) == 5


def test_counts_must_be_positive() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2026, 1, 5), 0)
