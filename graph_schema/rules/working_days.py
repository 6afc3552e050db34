"""Working days on the official PRC calendar, adjusted working weekends included.

实施办法 第九条、第十六条、第十九条 and 管理办法 第二十九条–第三十条 count their
deadlines in working days (工作日). ``chinese_calendar`` carries the State Council's
holiday arrangements for 2004–2026 only and raises for any later date. Beyond its
last year the calendar uses the arrangements an administrator has recorded in the
graph (``(:CalendarDay {date, working, name})`` and ``(:CalendarYear {year})`` once a
year's notice is complete), and otherwise Monday to Friday less the statutory holidays,
which are known in advance (``statutory_holidays``): only the weekends moved to make
bridges are announced each year. A date computed across such an unannounced year is
marked provisional so nobody mistakes it for final.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

import chinese_calendar
from borax.calendars.lunardate import LunarDate

LIBRARY_YEARS = range(2004, 2027)  # the years chinese_calendar 1.11 knows


@cache
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """全国年节及纪念日放假办法 (as amended 2024, from 2025) 第二条: the days off everyone
    has every year, before any bridge is arranged: 元旦 1 day; 春节 4 days, 除夕 to 正月初三;
    清明节 1 day, on the solar term; 劳动节 2 days; 端午节 (五月初五) 1 day; 中秋节 (八月十五)
    1 day; 国庆节 3 days. Lunar dates from ``borax``, 清明 from chinese_calendar's solar
    terms (both computed, not tabulated, so any year is covered)."""
    spring = LunarDate(year, 1, 1).to_solar_date()
    [(qingming, _)] = [
        t
        for t in chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 10))
        if t[1] == "清明"
    ]
    days = {
        dt.date(year, 1, 1): "元旦",
        spring - dt.timedelta(days=1): "春节",
        qingming: "清明节",
        dt.date(year, 5, 1): "劳动节",
        dt.date(year, 5, 2): "劳动节",
        LunarDate(year, 5, 5).to_solar_date(): "端午节",
        LunarDate(year, 8, 15).to_solar_date(): "中秋节",
    }
    days.update({spring + dt.timedelta(days=n): "春节" for n in range(3)})
    days.update({dt.date(year, 10, n): "国庆节" for n in (1, 2, 3)})
    return days


@dataclass(frozen=True)
class DueDate:
    date: dt.date
    provisional: bool  # some day counted lies in a year whose arrangements are not announced


@dataclass(frozen=True)
class WorkingCalendar:
    recorded: Mapping[dt.date, bool] = field(default_factory=dict)  # True: working day
    announced_years: frozenset[int] = frozenset()

    def is_known(self, day: dt.date) -> bool:
        """The day's status comes from an official arrangement, not the weekday rule."""
        return day.year in LIBRARY_YEARS or day.year in self.announced_years or day in self.recorded

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.recorded:
            return self.recorded[day]
        if day.year in LIBRARY_YEARS:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5 and day not in statutory_holidays(day.year)

    def add_working_days(self, start: dt.date, days: int) -> DueDate:
        """The ``days``-th working day after ``start`` (the start day itself never counts).

        Counted one day at a time from the day after ``start``: chinese_calendar's
        ``find_workday`` counts a non-working start day as day 0, one day late.
        """
        if days < 1:
            raise ValueError("count at least one working day")
        day, counted, provisional = start, 0, False
        while counted < days:
            day += dt.timedelta(days=1)
            provisional = provisional or not self.is_known(day)
            if self.is_working_day(day):
                counted += 1
        return DueDate(day, provisional)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        day, counted = start, 0
        while day < end:
            day += dt.timedelta(days=1)
            counted += self.is_working_day(day)
        return counted
