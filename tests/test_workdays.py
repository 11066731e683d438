"""Working-day deadlines (checker/run/workdays.py).

Every expected date below was worked out by hand from the State Council's published holiday
schedules, never from the program's output; the count is shown next to each case. Sources:

- 2024: 国务院办公厅关于2024年部分节假日安排的通知, 国办发明电〔2023〕7号, 2023-10-25
  (人民日报 2023-10-26 p. 6, http://paper.people.com.cn/rmrb/html/2023-10/26/nw.D110000renmrb_20231026_3-06.htm)
  春节 02-10..02-17 off, Sun 02-04 and Sun 02-18 worked, 除夕 02-09 NOT a holiday (employers are
  only "encouraged" to give it);
- 2025: 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号, 2024-11-12 (新华社):
  元旦 01-01 only, no 调休; 春节 01-28 (除夕) .. 02-04 off, Sun 01-26 and Sat 02-08 worked;
  清明 04-04..04-06; 劳动节 05-01..05-05 off, Sun 04-27 worked; 端午 05-31..06-02;
  国庆节+中秋节 10-01..10-08 off, Sun 09-28 and Sat 10-11 worked;
- 2026: 国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04 (新华社,
  https://politics.gmw.cn/2025-11/04/content_38391083.htm): 春节 02-15..02-23 off, Sat 02-14 and
  Sat 02-28 worked; 国庆节 10-01..10-07 off, Sun 09-20 and Sat 10-10 worked.

Weekdays: 2025-01-01 is a Wednesday; 2024-01-01 a Monday; 2026-01-01 a Thursday.
"""

from __future__ import annotations

import datetime

import pytest

from checker.run import workdays as wd
from checker.run.workdays import CalendarGap, Deadline


def _days(first: str, last: str) -> list[str]:
    """Every date from first to last inclusive."""
    a, b = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    return [(a + datetime.timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


# --------------------------------------------------------------------------- coverage

def test_covered_years_include_the_schedules_tested_here():
    years = wd.covered_years()
    assert isinstance(years, range)
    # chinesecalendar 1.9 stops at 2024 and 1.10 at 2025: the tests below need 1.11 or later.
    for year in (2024, 2025, 2026):
        assert year in years


def test_every_covered_year_has_holidays_in_the_data():
    # A year inside the range without data would be counted as plain Monday-Friday: a silent guess.
    import chinese_calendar
    with_data = {day.year for day in chinese_calendar.holidays}
    assert set(wd.covered_years()) <= with_data


# --------------------------------------------------------------------------- 2025 Spring Festival

def test_spring_festival_2025_days_off():
    for day in _days("2025-01-28", "2025-02-04"):
        assert wd.is_working_day(day) is False, day
    assert wd.is_working_day("2025-02-03") is False  # a Monday inside the holiday


def test_spring_festival_2025_adjusted_working_days():
    assert wd.is_working_day("2025-01-26") is True   # Sunday, worked (调休)
    assert wd.is_working_day("2025-02-08") is True   # Saturday, worked (调休)
    assert wd.is_working_day("2025-01-25") is False  # the Saturday before: an ordinary weekend
    assert wd.is_working_day("2025-02-09") is False  # the Sunday after: an ordinary weekend
    assert wd.is_working_day("2025-01-27") is True   # Monday before 除夕
    assert wd.is_working_day("2025-02-05") is True   # Wednesday after 初七


def test_spring_festival_2025_counting():
    # Mon 01-27 received; 01-28..02-04 off; Wed 02-05 is the 1st working day.
    assert wd.add_working_days("2025-01-27", 1) == "2025-02-05"
    # The one-time notice: 02-05 (1), 02-06 (2), 02-07 (3), Sat 02-08 worked (4), Sun 02-09 off,
    # Mon 02-10 (5).
    assert wd.add_working_days("2025-01-27", 5) == "2025-02-10"
    # Fri 01-24: Sat 01-25 off, Sun 01-26 worked (1).
    assert wd.add_working_days("2025-01-24", 1) == "2025-01-26"


# --------------------------------------------------------------------------- 2025 National Day

def test_national_day_2025_days():
    for day in _days("2025-10-01", "2025-10-08"):
        assert wd.is_working_day(day) is False, day
    assert wd.is_working_day("2025-09-28") is True  # Sunday, worked
    assert wd.is_working_day("2025-10-11") is True  # Saturday, worked
    assert wd.is_working_day("2025-10-12") is False  # Sunday, off


def test_national_day_2025_counting():
    # Mon 09-29 received: Tue 09-30 (1); 10-01..10-08 off; Thu 10-09 (2), Fri 10-10 (3),
    # Sat 10-11 worked (4), Sun 10-12 off, Mon 10-13 (5).
    assert wd.add_working_days("2025-09-29", 5) == "2025-10-13"
    # Fri 09-26: Sat 09-27 off, Sun 09-28 worked (1).
    assert wd.add_working_days("2025-09-26", 1) == "2025-09-28"
    # Tue 09-30: 10-01..10-08 off, Thu 10-09 (1).
    assert wd.add_working_days("2025-09-30", 1) == "2025-10-09"


# --------------------------------------------------------------------------- other 2025 days

def test_new_year_2025_is_one_day_without_adjustment():
    assert wd.is_working_day("2025-01-01") is False  # Wednesday, off
    assert wd.is_working_day("2024-12-31") is True   # Tuesday: nothing arranged
    # Tue 2024-12-31: Wed 01-01 off, Thu 01-02 (1) -- the count crosses the year.
    assert wd.add_working_days("2024-12-31", 1) == "2025-01-02"


def test_labour_day_2025():
    for day in _days("2025-05-01", "2025-05-05"):
        assert wd.is_working_day(day) is False, day
    assert wd.is_working_day("2025-04-27") is True  # Sunday, worked
    # Wed 04-30: 05-01..05-05 off, Tue 05-06 (1).
    assert wd.add_working_days("2025-04-30", 1) == "2025-05-06"


def test_qingming_and_dragon_boat_2025():
    assert wd.is_working_day("2025-04-04") is False  # Friday, 清明
    assert wd.is_working_day("2025-04-07") is True   # Monday after
    assert wd.is_working_day("2025-06-02") is False  # Monday, 端午
    assert wd.is_working_day("2025-06-03") is True   # Tuesday after


# --------------------------------------------------------------------------- 2024 and 2026

def test_spring_festival_2024_new_year_eve_is_a_working_day():
    assert wd.is_working_day("2024-02-09") is True   # Friday, 除夕: not in the schedule
    assert wd.is_working_day("2024-02-04") is True   # Sunday, worked
    assert wd.is_working_day("2024-02-18") is True   # Sunday, worked
    for day in _days("2024-02-10", "2024-02-17"):
        assert wd.is_working_day(day) is False, day
    # Thu 02-08: Fri 02-09 (1); 02-10..02-17 off; Sun 02-18 (2), Mon 02-19 (3), Tue 02-20 (4),
    # Wed 02-21 (5).
    assert wd.add_working_days("2024-02-08", 5) == "2024-02-21"


def test_spring_festival_and_national_day_2026():
    assert wd.is_working_day("2026-02-14") is True   # Saturday, worked
    assert wd.is_working_day("2026-02-15") is False  # Sunday, first day off
    assert wd.is_working_day("2026-02-23") is False  # Monday, 初七
    assert wd.is_working_day("2026-02-28") is True   # Saturday, worked
    # Sat 02-14 (worked) received: 02-15..02-23 off, Tue 02-24 (1).
    assert wd.add_working_days("2026-02-14", 1) == "2026-02-24"
    # Wed 09-30: 10-01..10-07 off; Thu 10-08 (1), Fri 10-09 (2), Sat 10-10 worked (3),
    # Sun 10-11 off, Mon 10-12 (4), Tue 10-13 (5).
    assert wd.add_working_days("2026-09-30", 5) == "2026-10-13"


# --------------------------------------------------------------------------- an ordinary week

def test_ordinary_week():
    # 2025-03-07 is a Friday (Mar 1 is a Saturday); no holiday in March 2025.
    assert wd.add_working_days("2025-03-07", 1) == "2025-03-10"  # Monday
    assert wd.add_working_days("2025-03-07", 5) == "2025-03-14"  # Mon..Fri
    assert wd.add_working_days("2025-03-08", 1) == "2025-03-10"  # from a Saturday
    assert wd.add_working_days("2025-03-04", 1) == "2025-03-05"  # Tuesday -> Wednesday


def test_zero_working_days():
    assert wd.add_working_days("2025-03-07", 0) == "2025-03-07"  # a Friday: itself
    assert wd.add_working_days("2025-03-08", 0) == "2025-03-10"  # Saturday -> Monday
    assert wd.add_working_days("2025-03-09", 0) == "2025-03-10"  # Sunday -> Monday
    assert wd.add_working_days("2025-10-01", 0) == "2025-10-09"  # inside National Day
    assert wd.add_working_days("2025-10-11", 0) == "2025-10-11"  # a Saturday that is worked


# --------------------------------------------------------------------------- calendar days

def test_calendar_days_ignore_holidays():
    # 01-27 + 15: 4 days to 01-31, 11 more -> 02-11 (the Spring Festival counts like any day).
    assert wd.add_days("2025-01-27", 15) == "2025-02-11"
    assert wd.add_days("2024-02-20", 10) == "2024-03-01"  # 2024-02 has 29 days
    assert wd.add_days("2025-02-20", 10) == "2025-03-02"  # 2025-02 has 28 days
    assert wd.add_days("2025-12-25", 15) == "2026-01-09"
    assert wd.add_days("2025-03-01", -30) == "2025-01-30"
    assert wd.add_days("2025-03-01", 0) == "2025-03-01"
    assert wd.add_days("2099-01-01", 20) == "2099-01-21"  # no holiday schedule needed


# --------------------------------------------------------------------------- deadline()

def test_deadline_in_working_days():
    assert wd.deadline("2025-09-29", 5, True) == Deadline("2025-10-13", True, 5, None)


def test_deadline_in_calendar_days():
    assert wd.deadline("2025-01-27", 15, False) == Deadline("2025-02-11", False, 15, None)
    assert wd.deadline("2099-03-02", 15, False) == Deadline("2099-03-17", False, 15, None)


# --------------------------------------------------------------------------- calendar gaps

GAP_2101 = {
    "zh": "无法推算2101年的节假日，无法按工作日计算期限",
    "en": "the holidays of 2101 cannot be reckoned: the working-day deadline cannot be computed",
}


def test_gap_past_the_years_whose_holidays_can_be_reckoned():
    # the `holidays` package computes China's lunar holidays up to 2100
    with pytest.raises(CalendarGap) as caught:
        wd.is_working_day("2101-03-02")
    gap = caught.value
    assert isinstance(gap, ValueError)
    assert (gap.year, gap.text, str(gap)) == (2101, GAP_2101, GAP_2101["en"])
    assert wd.deadline("2101-03-02", 5, True) == Deadline(None, True, 5, GAP_2101)
    with pytest.raises(CalendarGap):
        wd.add_working_days("2100-12-30", 5)
    with pytest.raises(CalendarGap):
        wd.add_working_days("2101-03-07", 0)


def test_gap_before_the_data():
    first = wd.covered_years().start
    with pytest.raises(CalendarGap) as caught:
        wd.is_working_day(f"{first - 1}-10-08")
    assert caught.value.year == first - 1
    assert f"{first - 1}年" in caught.value.text["zh"]


# --------------------------------------------------------------------------- across the new year
# 2027's schedule is not published in the data (chinesecalendar 1.11 stops at 2026): its dates are
# provisional, reckoned by hand from 全国年节及纪念日放假办法 (2024 revision) art. 2 and art. 6:
# 元旦 2027-01-01 (Friday); 春节 4 days from 除夕: 2027-02-05 (Fri) .. 02-08 (Mon), of which Sat 02-06
# and Sun 02-07 fall on a weekend and are made up on the next working days, 02-09 and 02-10.

PROVISIONAL_2027 = wd.provisional_note(2027)


def _unpublished(monkeypatch, *years):
    """Pretend the installed packages lack these years' notices (they may gain them later)."""
    cut = min(years)
    covered, published = wd.covered_years(), wd._holidays_published()
    monkeypatch.setattr(wd, "covered_years", lambda: range(covered.start, min(covered.stop, cut)))
    monkeypatch.setattr(wd, "_holidays_published", lambda: frozenset(y for y in published if y < cut))
    wd._day.cache_clear()


@pytest.fixture
def without_2027(monkeypatch):
    _unpublished(monkeypatch, 2027)
    yield
    wd._day.cache_clear()


def test_a_december_2026_decision_deadline_runs_into_2027_provisionally(without_2027):
    # 20 working days from Friday 2026-12-04: Dec 7-11 (5), 14-18 (10), 21-25 (15), 28-31 (19),
    # Friday 2027-01-01 is New Year's Day, Monday 2027-01-04 is the 20th
    assert wd.deadline("2026-12-04", 20, True) == Deadline("2027-01-04", True, 20, PROVISIONAL_2027, True)


def test_the_2027_spring_festival_is_reckoned_from_the_statutory_rule(without_2027):
    for day in _days("2027-02-05", "2027-02-10"):
        assert wd.is_working_day(day) is False, day
    assert wd.is_working_day("2027-02-04") is True and wd.is_working_day("2027-02-11") is True
    # 10 working days from Monday 2027-02-01: Feb 2-4 (3), Feb 11-12 (5), Feb 15-19 (10)
    assert wd.deadline("2027-02-01", 10, True) == Deadline("2027-02-19", True, 10, PROVISIONAL_2027, True)


def test_late_december_of_the_last_published_year_is_provisional(without_2027):
    # The next year's notice arranges New Year and has moved Dec 29-31 before: the 2019 notice
    # (国办发明电〔2018〕15号, 2018-12-04: 元旦 2018-12-30..2019-01-01 off, Sat 2018-12-29 worked)
    # made 2018-12-29 (Saturday) a working day and 2018-12-31 (Monday) a day off.
    assert wd.is_working_day("2018-12-29") is True
    assert wd.is_working_day("2018-12-31") is False
    # 5 working days from Friday 2026-12-18: Dec 21-25, all before the 29th: published
    assert wd.deadline("2026-12-18", 5, True) == Deadline("2026-12-25", True, 5)
    # 6: Monday Dec 28 (6) is still published; 7: Tuesday Dec 29 is provisional
    assert wd.deadline("2026-12-18", 6, True) == Deadline("2026-12-28", True, 6)
    assert wd.deadline("2026-12-18", 7, True) == Deadline("2026-12-29", True, 7, PROVISIONAL_2027, True)


def test_a_published_schedule_replaces_the_provisional_one(monkeypatch):
    # once a package carries 2027's notice (pretended here for the `holidays` package: 2026 stands
    # in as "the next year" to keep the data real), its dates are no longer provisional
    _unpublished(monkeypatch, 2026)
    try:
        monkeypatch.setattr(wd, "_holidays_published", lambda: frozenset({2026}))
        wd._day.cache_clear()
        # 2026 from the `holidays` package's copy of the 2026 notice: 春节 02-15..02-23 off, Sat 02-14
        # and Sat 02-28 worked. 5 working days from Tuesday 2026-02-10: Feb 11, 12, 13 (3),
        # Sat 14 (4, worked), Tue 24 (5)
        assert wd.deadline("2026-02-10", 5, True) == Deadline("2026-02-24", True, 5)
    finally:
        wd._day.cache_clear()


def test_calendar_days_are_never_provisional():
    assert wd.deadline("2026-12-04", 60, False) == Deadline("2027-02-02", False, 60)


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("text", ["2025-02-30", "2025/01/01", "20250101", "", "2025-1-1"])
def test_not_a_date(text):
    with pytest.raises(ValueError) as caught:
        wd.is_working_day(text)
    assert not isinstance(caught.value, CalendarGap)
    with pytest.raises(ValueError):
        wd.add_working_days(text, 1)
    with pytest.raises(ValueError):
        wd.add_days(text, 1)


def test_bad_counts():
    with pytest.raises(ValueError):
        wd.add_working_days("2025-03-07", -1)
    with pytest.raises(TypeError):
        wd.add_working_days("2025-03-07", 1.0)
    with pytest.raises(TypeError):
        wd.add_working_days("2025-03-07", True)
    with pytest.raises(ValueError):
        wd.add_days("9999-12-31", 1)


# --------------------------------------------------------------------------- issue 19: the counting rules
# More cases worked out by hand from the schedules listed at the top, so that a changed constant, a
# flipped comparison or a dropped rule of the counting fails a test.

def test_a_decision_deadline_across_the_2025_spring_festival():
    # 20 working days from Monday 2025-01-20: Jan 21-24 (4), Sun 26 worked (5), Mon 27 (6);
    # 01-28..02-04 off; Feb 5-7 (9), Sat 8 worked (10), Feb 10-14 (15), Feb 17-21 (20)
    assert wd.add_working_days("2025-01-20", 20) == "2025-02-21"
    assert wd.deadline("2025-01-20", 20, True) == Deadline("2025-02-21", True, 20)


def test_a_decision_deadline_across_the_2026_spring_festival():
    # 20 working days from Monday 2026-02-02: Feb 3-6 (4), Feb 9-13 (9), Sat 14 worked (10);
    # 02-15..02-23 off; Feb 24-27 (14), Sat 28 worked (15), Mar 2-6 (20)
    assert wd.add_working_days("2026-02-02", 20) == "2026-03-06"
    # 15 from the same day ends on the make-up Saturday itself
    assert wd.add_working_days("2026-02-02", 15) == "2026-02-28"


def test_a_make_up_saturday_is_counted_as_a_working_day():
    assert wd.add_working_days("2026-02-27", 1) == "2026-02-28"  # Fri -> Sat 02-28 (worked)
    assert wd.add_working_days("2025-02-07", 1) == "2025-02-08"  # Fri -> Sat 02-08 (worked)
    assert wd.add_working_days("2025-10-10", 1) == "2025-10-11"  # Fri -> Sat 10-11 (worked)
    # and the ordinary weekend after it is not: Sat 02-08 (1), Sun 02-09 off, Mon 02-10 (2)
    assert wd.add_working_days("2025-02-07", 2) == "2025-02-10"


def test_the_day_of_receipt_is_not_counted():
    """民法典 art. 201: a period in days starts on the next day, whatever the first day is."""
    assert wd.add_working_days("2025-03-05", 1) == "2025-03-06"  # a working Wednesday
    assert wd.add_working_days("2025-02-08", 1) == "2025-02-10"  # a worked Saturday: Sun off, Mon
    assert wd.add_working_days("2025-10-01", 1) == "2025-10-09"  # a holiday: first working day after
    assert wd.add_working_days("2025-10-01", 2) == "2025-10-10"
    assert wd.add_working_days("2026-02-15", 1) == "2026-02-24"  # first day of the 2026 festival


def test_a_limit_of_zero_days_falling_on_a_holiday_moves_to_the_next_working_day():
    assert wd.add_working_days("2026-02-15", 0) == "2026-02-24"  # inside the Spring Festival
    assert wd.add_working_days("2026-02-23", 0) == "2026-02-24"  # its last day, a Monday
    assert wd.add_working_days("2025-01-25", 0) == "2025-01-26"  # Saturday -> worked Sunday
    assert wd.add_working_days("2026-02-14", 0) == "2026-02-14"  # a worked Saturday: itself


def test_the_first_year_of_the_data_2004():
    # 国务院办公厅关于2004年部分节假日安排的通知: 国庆节 10-01..10-07 off, Sat 10-09 and Sun 10-10
    # worked. 2004-10-01 is a Friday.
    assert wd.covered_years().start == 2004
    assert wd.is_working_day("2004-10-07") is False  # Thursday, off
    assert wd.is_working_day("2004-10-08") is True   # Friday
    assert wd.is_working_day("2004-10-09") is True   # Saturday, worked
    assert wd.is_working_day("2004-10-10") is True   # Sunday, worked
    # Thu 09-30: 10-01..10-07 off, Fri 10-08 (1), Sat 10-09 (2), Sun 10-10 (3), Mon 10-11 (4)
    assert wd.add_working_days("2004-09-30", 4) == "2004-10-11"


GAP_2003 = {
    "zh": "节假日数据不包含2003年（覆盖2004年起），无法按工作日计算期限",
    "en": "the holiday data does not cover 2003 (it starts in 2004): the working-day deadline cannot be computed",
}


def test_the_year_before_the_data_is_a_gap_with_its_own_words():
    with pytest.raises(CalendarGap) as caught:
        wd.is_working_day("2003-12-31")
    assert (caught.value.year, caught.value.text) == (2003, GAP_2003)
    assert wd.deadline("2003-12-30", 1, True) == Deadline(None, True, 1, GAP_2003)
    # a limit of 0 days asks whether the day itself is a working day: unknown in 2003
    with pytest.raises(CalendarGap):
        wd.add_working_days("2003-12-31", 0)


def test_the_last_year_whose_holidays_can_be_reckoned_is_2100():
    # 2100 is past every published schedule: its days are provisional but not a gap.
    # 2100-03-10 is a Wednesday with no holiday near it; 2100-03-13 a Saturday.
    assert wd.is_working_day("2100-03-10") is True
    assert wd.is_working_day("2100-03-13") is False
    got = wd.deadline("2100-03-10", 1, True)
    assert (got.date, got.provisional) == ("2100-03-11", True)
    with pytest.raises(CalendarGap):
        wd.is_working_day("2101-01-04")


def test_a_zero_day_limit_that_moves_into_an_unpublished_stretch_is_provisional(monkeypatch):
    # Pretend the 2026 notice is not out: from Saturday 2025-12-27 (published, an ordinary weekend)
    # the next working day is Monday 12-29, inside the days the next year's New Year arrangement
    # could move: provisional, though the day received was not.
    _unpublished(monkeypatch, 2026)
    try:
        assert wd.deadline("2025-12-27", 0, True) == Deadline("2025-12-29", True, 0, wd.provisional_note(2026), True)
        assert wd.deadline("2025-12-24", 0, True) == Deadline("2025-12-24", True, 0)  # a Wednesday: itself
    finally:
        wd._day.cache_clear()


def test_the_provisional_note_names_the_unpublished_year():
    assert wd.provisional_note(2027) == {
        "zh": "2027年节假日安排尚未公布：此日期按法定节假日（含补假）推算，以国务院公布的安排为准",
        "en": "the 2027 holiday schedule is not published yet: this date is reckoned from the statutory "
              "holidays (with their make-up days) and may change when the schedule is published",
    }


def test_a_year_in_either_package_counts_as_published(monkeypatch):
    # with the `holidays` package carrying no notice at all, chinesecalendar's 2026 alone makes
    # late December 2025 certain: Mon 2025-12-29 received, Tue 12-30 (1)
    monkeypatch.setattr(wd, "_holidays_published", lambda: frozenset())
    wd._day.cache_clear()
    try:
        assert wd.deadline("2025-12-29", 1, True) == Deadline("2025-12-30", True, 1)
    finally:
        wd._day.cache_clear()
