"""Built-in functions of the condition language, for this field: dates, ID numbers, credit codes.

Pure functions over plain values; dates are ISO strings (`YYYY-MM-DD`) everywhere in the checker.
Each returns None when its input cannot give an answer (an ID number with an impossible birth
date has no birth date); the evaluator treats None as unknown.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

# GB 11643-1999: weights and check characters of the 18-digit citizen identity number.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"[0-9]{17}[0-9X]")  # ASCII only: \d would admit full-width digits

# GB 32100-2015: the unified social credit code's 31 characters and weights.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The dates an application may carry. Deadlines are counted from them in days (up to years of
# them), and Python's dates end at 9999-12-31: an application dated near that end overflowed the
# arithmetic. No applicant was born before 1900 or holds a document valid beyond 2199.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2199, 12, 31)


def to_date(text: str) -> date | None:
    """A real calendar date written YYYY-MM-DD, else None (no week dates, no other forms)."""
    if not isinstance(text, str) or not _DATE_RE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def date_fault(text: str) -> str | None:
    """Why `text` is not a date an application may carry, in English; None if it is one."""
    day = to_date(text)
    if day is None:
        return "not a real date"
    if not FIRST_DATE <= day <= LAST_DATE:
        return f"outside the dates the checker handles ({FIRST_DATE} to {LAST_DATE})"
    return None


def id_check_char(first17: str) -> str:
    """The check character (0-9 or X) for the first 17 digits of a resident ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


def id_birth_date(number: str) -> str | None:
    """Birth date encoded in digits 7-14 of an 18-digit ID number, or None if impossible."""
    if not isinstance(number, str) or not _ID_RE.fullmatch(number.upper()):
        return None
    text = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    return text if to_date(text) else None


def id_valid(number: str) -> bool:
    """18 characters, a real birth date, and the GB 11643 check character."""
    if not isinstance(number, str):
        return False
    number = number.upper()
    if not _ID_RE.fullmatch(number) or id_birth_date(number) is None:
        return False
    return id_check_char(number[:17]) == number[17]


def id_sex(number: str) -> str | None:
    """'male' or 'female' from the 17th digit (odd is male), or None for a malformed number."""
    if not isinstance(number, str) or not _ID_RE.fullmatch(number.upper()):
        return None
    return "male" if int(number[16]) % 2 else "female"


def uscc_check_char(first17: str) -> str | None:
    try:
        total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    except ValueError:
        return None
    return _USCC_CHARS[(31 - total % 31) % 31]


def uscc_valid(code: str) -> bool:
    """18 characters from the GB 32100 alphabet with a correct check character."""
    if not isinstance(code, str) or len(code) != 18:
        return False
    code = code.upper()
    if any(c not in _USCC_CHARS for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def full_years(start: str, end: str) -> int | None:
    """Completed years from start to end (周岁): a birthday counts on the day itself.

    A 29 February birthday is reached on 1 March in common years.
    """
    a, b = to_date(start), to_date(end)
    if a is None or b is None:
        return None
    years = b.year - a.year
    if (b.month, b.day) < (a.month, a.day):
        years -= 1
    return years


def days_between(start: str, end: str) -> int | None:
    """end minus start, in days (negative if end is earlier)."""
    a, b = to_date(start), to_date(end)
    if a is None or b is None:
        return None
    return (b - a).days


def add_days(start: str, days: int) -> str | None:
    a = to_date(start)
    if a is None or not isinstance(days, int):
        return None
    try:
        return (a + timedelta(days=days)).isoformat()
    except OverflowError:
        return None


def add_months(start: str, months: int) -> str | None:
    """Same day of month `months` later, clamped to the month's last day (2024-01-31 + 1 = 02-29)."""
    a = to_date(start)
    if a is None or not isinstance(months, int):
        return None
    index = a.year * 12 + (a.month - 1) + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        return None
    day = min(a.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day).isoformat()


def add_years(start: str, years: int) -> str | None:
    return add_months(start, years * 12) if isinstance(years, int) else None


def year(day: str) -> int | None:
    d = to_date(day)
    return d.year if d else None


def month(day: str) -> int | None:
    d = to_date(day)
    return d.month if d else None


def day_of_month(day: str) -> int | None:
    d = to_date(day)
    return d.day if d else None
