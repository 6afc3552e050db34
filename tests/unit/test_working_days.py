"""Deadlines in working days on the PRC calendar, across holidays and past 2026."""

import datetime as dt

import pytest

from graph_schema.rules.working_days import WorkingCalendar, statutory_holidays

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


def test_past_the_library_a_deadline_is_provisional_on_weekdays_less_statutory_holidays() -> None:
    due = CAL.add_working_days(D(2026, 12, 24), 10)
    # 25, 28, 29, 30, 31 Dec 2026; 1 Jan 2027 (a Friday) is 元旦; then 4–8 Jan.
    assert due.date == D(2027, 1, 8) and due.provisional
    assert CAL.add_working_days(D(2026, 12, 24), 5) == type(due)(D(2026, 12, 31), False)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2027, 1, 1), "元旦"),
        (D(2028, 1, 1), "元旦"),
        # 春节: 除夕 to 正月初三 (2027: 6 Feb; 2028: 26 Jan)
        (D(2027, 2, 5), "春节"),
        (D(2027, 2, 8), "春节"),
        (D(2028, 1, 25), "春节"),
        (D(2028, 1, 28), "春节"),
        (D(2027, 4, 5), "清明节"),
        (D(2028, 4, 4), "清明节"),
        (D(2027, 5, 1), "劳动节"),
        (D(2027, 5, 2), "劳动节"),
        (D(2027, 6, 9), "端午节"),
        (D(2028, 5, 28), "端午节"),
        (D(2027, 9, 15), "中秋节"),
        (D(2027, 10, 1), "国庆节"),
        (D(2027, 10, 3), "国庆节"),
        (D(2028, 10, 2), "国庆节"),
    ],
)
def test_statutory_holidays_of_unannounced_years_are_days_off(day: dt.date, name: str) -> None:
    assert statutory_holidays(day.year)[day] == name
    assert not CAL.is_working_day(day) and not CAL.is_known(day)


def test_the_days_around_them_still_count_on_the_weekday_rule() -> None:
    assert CAL.is_working_day(D(2027, 2, 4)) and CAL.is_working_day(D(2027, 2, 9))
    assert CAL.is_working_day(D(2027, 10, 4))  # no bridge is assumed: it is announced yearly
    # 13 days a year; 中秋 2028 falls on 3 Oct, inside 国庆: twelve
    assert len(statutory_holidays(2027)) == 13 and len(statutory_holidays(2028)) == 12
    # Filed Thu 30 Sep 2027: 1–3 Oct are holidays, 4 Oct is the first working day.
    assert CAL.add_working_days(D(2027, 9, 30), 1).date == D(2027, 10, 4)


def test_the_rule_agrees_with_the_library_where_the_library_knows() -> None:
    import chinese_calendar

    for day in statutory_holidays(2026):  # 2026 follows the 2024 revision: same days
        assert chinese_calendar.is_holiday(day), day


def test_recorded_arrangements_take_over_after_2026() -> None:
    cal = WorkingCalendar(recorded={D(2027, 1, 1): False}, announced_years=frozenset({2027}))
    due = cal.add_working_days(D(2026, 12, 24), 10)
    assert due.date == D(2027, 1, 8) and not due.provisional
    assert cal.working_days_between(D(2026, 12, 31), D(2027, 1, 8)) == 5


def test_counts_must_be_positive() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(D(2026, 1, 5), 0)
