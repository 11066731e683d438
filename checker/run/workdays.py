"""Deadlines in working days (工作日) and in calendar days.

行政许可法 art. 82: the agency's time limits under the law count working days, excluding
statutory holidays; art. 32(4): the one-time notice is due "on the spot or within 5 days", which
practice reads as 5 working days (reference, part A1). A working day is a Monday to Friday that
is not a statutory holiday, or a Saturday or Sunday that the State Council's yearly notice
(国务院办公厅关于某年部分节假日安排的通知) makes a working day (调休).

The published schedules come from the maintained `chinesecalendar` package (import name
`chinese_calendar`), and, for a year it does not have yet, from the `holidays` package once that
package carries the year's notice (`ChinaStaticHolidays.special_public_holidays`); never from a
table of our own.

A year whose notice is not in either package (the next year, in December) is counted
**provisionally**: the statutory holidays follow from 全国年节及纪念日放假办法 (2024 revision:
New Year 1 day, Spring Festival 4 days from New Year's Eve, Qingming 1, Labour Day 2, Dragon Boat
1, Mid-Autumn 1, National Day 3; lunar dates included) and its art. 6 (a holiday that falls on a
Saturday or Sunday is made up on a working day, here the next one), which the `holidays` package
computes for any year; only the weekends that the notice will make working days are unknown. A
deadline that counts such a day carries `provisional=True` and a note saying so, which the notice
prints beside the date. The last days of December of the last published year are provisional too
until the next year's notice is in the data: that notice arranges New Year and has moved December
29-31 before (2006, 2007, 2011 and 2018 in chinesecalendar's data). Years before chinesecalendar's
data, or past the `holidays` package's range, cannot be counted: `CalendarGap`, and `deadline()`
returns a `Deadline` without a date and with a note saying why.

Counting: the day of the start (the receipt of the application) is not counted (民法典 art. 201:
a period in days starts on the next day). Dates are ISO strings `YYYY-MM-DD`, as everywhere in the
checker.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

from checker.lang.functions import to_date
from checker.texts import both

# The next year's New Year arrangement can reach back to this day of December (month, day).
_NEXT_YEAR_REACHES_BACK_TO = (12, 29)


class CalendarGap(ValueError):
    """Working days cannot be counted in `year`: it is before the calendar data, or past the
    range whose statutory holidays can be computed."""

    def __init__(self, year: int):
        self.year = year
        years = covered_years()
        if year < years.start:
            self.text = both("why.calendar.before", year=year, start=years.start)
        else:
            self.text = both("why.calendar.beyond", year=year)
        super().__init__(self.text["en"])


def provisional_note(year: int) -> dict:
    """What a notice says beside a date counted through a year whose schedule is not published."""
    return both("why.calendar.provisional", year=year)


@dataclass(frozen=True)
class Deadline:
    """The last day of a time limit; `date` is None when it cannot be computed, and `note` says
    why; `provisional` when the count crossed a year whose schedule is not published yet."""

    date: str | None
    working_days: bool
    days: int
    note: dict | None = None
    provisional: bool = False


@lru_cache(maxsize=1)
def covered_years() -> range:
    """The years whose holiday schedule the installed `chinesecalendar` knows (the package's own rule)."""
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


@lru_cache(maxsize=1)
def _holidays_published() -> frozenset[int]:
    """The years whose State Council notice the installed `holidays` package carries."""
    from holidays.countries.china import ChinaStaticHolidays
    return frozenset(ChinaStaticHolidays.special_public_holidays)


@lru_cache(maxsize=1)
def _last_computable_year() -> int:
    from holidays.countries.china import China
    return China.end_year


def _published(year: int) -> bool:
    return year in covered_years() or year in _holidays_published()


@lru_cache(maxsize=256)
def _china(year: int):
    """The `holidays` package's calendar of one year: the published notice where it has one, else
    the statutory holidays with their make-up days."""
    from holidays.countries.china import China
    return China(years=year)


def _parse(day: str) -> _dt.date:
    parsed = to_date(day)
    if parsed is None:
        raise ValueError(f"not a date YYYY-MM-DD: {day!r}")
    return parsed


def _count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a number of days must be an integer, not {n!r}")
    return n


@lru_cache(maxsize=16384)  # 45 years of days; measured: chinesecalendar scans its whole table per call
def _day(day: _dt.date) -> tuple[bool, bool]:
    """(whether `day` is a working day, whether that is provisional); `CalendarGap` where the
    holidays cannot be known or reckoned."""
    year = day.year
    # the `holidays` package is imported only when a date needs it (it takes a tenth of a second)
    late_december = (day.month, day.day) >= _NEXT_YEAR_REACHES_BACK_TO and not _published(year + 1)
    if year in covered_years():  # chinesecalendar's published schedule
        try:
            return bool(chinese_calendar.is_workday(day)), late_december
        except NotImplementedError:  # the package's own coverage check, should it differ from ours
            pass
    if year < covered_years().start or year > _last_computable_year():
        raise CalendarGap(year)
    if year in _holidays_published():
        return _china(year).is_working_day(day), late_december
    return day.weekday() < 5 and day not in _china(year), True


def is_working_day(day: str) -> bool:
    """Whether `day` is a working day (provisionally, for a year whose schedule is not published);
    `CalendarGap` for a date whose holidays cannot be known."""
    return _day(_parse(day))[0]


def _add_working_days(start: str, n: int) -> tuple[str, bool]:
    """The n-th working day after `start`, and whether a day on the way was provisional."""
    day = _parse(start)
    if _count(n) < 0:
        raise ValueError(f"a number of working days cannot be negative: {n}")
    working, provisional = _day(day)
    if n == 0:
        while not working:
            day += _dt.timedelta(days=1)
            working, guessed = _day(day)
            provisional |= guessed
        return day.isoformat(), provisional
    provisional, counted = False, 0
    while counted < n:
        day += _dt.timedelta(days=1)
        working, guessed = _day(day)
        provisional |= guessed
        counted += working
    return day.isoformat(), provisional


def add_working_days(start: str, n: int) -> str:
    """The n-th working day after `start` (`start` itself not counted); for n = 0, `start` if it is
    a working day, else the next working day. `CalendarGap` if the count reaches a date whose
    holidays cannot be known."""
    return _add_working_days(start, n)[0]


def add_days(start: str, n: int) -> str:
    """`start` plus n calendar days (negative n counts back); holidays play no part."""
    day = _parse(start)
    try:
        return (day + _dt.timedelta(days=_count(n))).isoformat()
    except OverflowError:
        raise ValueError(f"{start} plus {n} days is not a date") from None


def deadline(start: str, days: int, working_days: bool) -> Deadline:
    """The last day of a limit of `days` (working days or calendar days) counted from `start`.

    A date counted through a year whose schedule is not published is provisional and its note
    says so; when the working days reach a year whose holidays cannot be known, the date is None
    and the note says why, in Chinese and English: print the note, not a date.
    """
    if not working_days:
        return Deadline(add_days(start, days), False, days)
    try:
        date, provisional = _add_working_days(start, days)
    except CalendarGap as gap:
        return Deadline(None, True, days, dict(gap.text))
    if not provisional:
        return Deadline(date, True, days)
    year = next(y for y in range(_parse(start).year, int(date[:4]) + 2) if not _published(y))
    return Deadline(date, True, days, provisional_note(year), True)
