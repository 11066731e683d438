"""Deadlines in working days (工作日) and in calendar days.

行政许可法 art. 82: the agency's time limits under the law count working days, excluding
statutory holidays; art. 32(4): the one-time notice is due "on the spot or within 5 days", which
practice reads as 5 working days (reference, part A1). A working day is a Monday to Friday that
is not a statutory holiday, or a Saturday or Sunday that the State Council's yearly notice
(国务院办公厅关于某年部分节假日安排的通知) makes a working day (调休).

The holiday schedules come from the maintained `chinesecalendar` package (import name
`chinese_calendar`), never from a table of our own. A schedule is published once a year, so the
package covers a range of years (`covered_years()`). For a date it does not cover this module
never guesses: it raises `CalendarGap`, and `deadline()` returns a `Deadline` without a date and
with a note saying why, which the caller prints instead of a date.

The last days of December of the last covered year are treated as not covered too: the next
year's notice arranges the New Year holiday and has moved December 29-31 before (2006, 2007,
2011 and 2018 in the package's data), so they are not known until that notice is in the data.

Counting: the day of the start (the receipt of the application) is not counted (民法典 art. 201:
a period in days starts on the next day). Dates are ISO strings `YYYY-MM-DD`, as everywhere in the
checker.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from functools import lru_cache

import chinese_calendar

from .functions import to_date

# The next year's New Year arrangement can reach back to this day of December (month, day).
_NEXT_YEAR_REACHES_BACK_TO = (12, 29)


class CalendarGap(ValueError):
    """The holiday schedule of `year` is not in the calendar data: working days cannot be counted."""

    def __init__(self, year: int):
        self.year = year
        years = covered_years()
        if year < years.start:
            self.text = {
                "zh": f"节假日数据不包含{year}年（覆盖{years.start}—{years.stop - 1}年），无法按工作日计算期限",
                "en": f"the holiday data does not cover {year} (it covers {years.start}-{years.stop - 1}): "
                      "the working-day deadline cannot be computed",
            }
        else:
            self.text = {
                "zh": f"节假日安排尚未公布或未收录（{year}年），无法按工作日计算期限",
                "en": f"the holiday schedule for {year} is not published yet or not in the installed "
                      "calendar data: the working-day deadline cannot be computed",
            }
        super().__init__(self.text["en"])


@dataclass(frozen=True)
class Deadline:
    """The last day of a time limit; `date` is None when it cannot be computed, and `note` says why."""

    date: str | None
    working_days: bool
    days: int
    note: dict | None = None


@lru_cache(maxsize=1)
def covered_years() -> range:
    """The years whose holiday schedule the installed `chinesecalendar` knows (the package's own rule)."""
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def _parse(day: str) -> _dt.date:
    parsed = to_date(day)
    if parsed is None:
        raise ValueError(f"not a date YYYY-MM-DD: {day!r}")
    return parsed


def _count(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"a number of days must be an integer, not {n!r}")
    return n


def _working(day: _dt.date) -> bool:
    years = covered_years()
    if day.year not in years:
        raise CalendarGap(day.year)
    if day.year == years.stop - 1 and (day.month, day.day) >= _NEXT_YEAR_REACHES_BACK_TO:
        raise CalendarGap(day.year + 1)
    try:
        return _is_workday(day)
    except NotImplementedError:  # the package's own coverage check, should it ever differ from ours
        raise CalendarGap(day.year) from None


@lru_cache(maxsize=16384)  # 45 years of days; measured: the package scans its whole table per call
def _is_workday(day: _dt.date) -> bool:
    return bool(chinese_calendar.is_workday(day))


def is_working_day(day: str) -> bool:
    """Whether `day` is a working day; `CalendarGap` for a date whose schedule is not known."""
    return _working(_parse(day))


def add_working_days(start: str, n: int) -> str:
    """The n-th working day after `start` (`start` itself not counted); for n = 0, `start` if it is
    a working day, else the next working day. `CalendarGap` if the count reaches a date whose
    schedule is not known."""
    day = _parse(start)
    if _count(n) < 0:
        raise ValueError(f"a number of working days cannot be negative: {n}")
    if n == 0:
        while not _working(day):
            day += _dt.timedelta(days=1)
        return day.isoformat()
    counted = 0
    while counted < n:
        day += _dt.timedelta(days=1)
        if _working(day):
            counted += 1
    return day.isoformat()


def add_days(start: str, n: int) -> str:
    """`start` plus n calendar days (negative n counts back); holidays play no part."""
    day = _parse(start)
    try:
        return (day + _dt.timedelta(days=_count(n))).isoformat()
    except OverflowError:
        raise ValueError(f"{start} plus {n} days is not a date") from None


def deadline(start: str, days: int, working_days: bool) -> Deadline:
    """The last day of a limit of `days` (working days or calendar days) counted from `start`.

    When the working days reach a year whose schedule is not known, the date is None and the note
    says so, in Chinese and English: print the note, not a date.
    """
    if not working_days:
        return Deadline(add_days(start, days), False, days)
    try:
        return Deadline(add_working_days(start, days), True, days)
    except CalendarGap as gap:
        return Deadline(None, True, days, dict(gap.text))
