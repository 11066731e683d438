"""Built-in functions: dates (周岁, month arithmetic), GB 11643 ID numbers, GB 32100 credit codes.

Every expected value below was worked out by hand from the standard or the calendar; the
arithmetic is shown next to the case.
"""

from __future__ import annotations

import pytest

from checker.lang import functions as fn

# --------------------------------------------------------------------------- GB 11643-1999
# Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; check character "10X98765432"[sum % 11].

# The standard's own example.  Digits 1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2:
# 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 % 11 = 2 -> "X".
STANDARD_EXAMPLE = "11010519491231002X"

# 110105 19900101 001: 7+9+0+5+0+20+2+9+54+0+0+9+0+5+0+0+2 = 122; 122 % 11 = 1 -> "0".
MALE_1990 = "110105199001010010"

# 110105 20000229 001: 7+9+0+5+0+20+4+0+0+0+0+18+20+45+0+0+2 = 130; 130 % 11 = 9 -> "3".
LEAP_DAY_2000 = "110105200002290013"

# 110105 19000229 001 (1900 is not a leap year): 7+9+0+5+0+20+2+9+0+0+0+18+20+45+0+0+2 = 137;
# 137 % 11 = 5 -> "7".  Correct check character, impossible birth date.
FEB_29_1900 = "110105190002290017"

# 110105 19490230 002: 7+9+0+5+0+20+2+9+24+27+0+18+30+0+0+0+4 = 155; 155 % 11 = 1 -> "0".
# Correct check character, 30 February.
FEB_30_1949 = "110105194902300020"


@pytest.mark.parametrize("first17, check", [
    (STANDARD_EXAMPLE[:17], "X"),
    (MALE_1990[:17], "0"),
    (LEAP_DAY_2000[:17], "3"),
    (FEB_29_1900[:17], "7"),
])
def test_id_check_char_follows_gb11643(first17, check):
    assert fn.id_check_char(first17) == check


@pytest.mark.parametrize("number", [STANDARD_EXAMPLE, MALE_1990, LEAP_DAY_2000])
def test_id_valid_accepts_correct_numbers(number):
    assert fn.id_valid(number) is True


@pytest.mark.parametrize("number", [
    "110105194912310021",   # standard example with check 1 instead of X
    "11010519491231002",    # 17 characters
    "11010519491231002X0",  # 19 characters
    "1101051949123100X2",   # X in a digit position
    "11010519491231002Y",   # Y is not a check character
    "",
])
def test_id_valid_rejects_wrong_check_or_shape(number):
    assert fn.id_valid(number) is False


@pytest.mark.parametrize("number", [FEB_29_1900, FEB_30_1949])
def test_id_valid_rejects_impossible_birth_date_even_with_right_check(number):
    assert fn.id_valid(number) is False


@pytest.mark.parametrize("value", [None, 11010519491231002, ["11010519491231002X"]])
def test_id_valid_rejects_non_strings(value):
    assert fn.id_valid(value) is False


def test_id_birth_date_is_none_for_full_width_digits():
    assert fn.id_birth_date("１１０１０５１９４９１２３１００２X") is None


@pytest.mark.parametrize("number, born", [
    (STANDARD_EXAMPLE, "1949-12-31"),
    (MALE_1990, "1990-01-01"),
    (LEAP_DAY_2000, "2000-02-29"),
])
def test_id_birth_date_reads_digits_7_to_14(number, born):
    assert fn.id_birth_date(number) == born


@pytest.mark.parametrize("number", [FEB_29_1900, FEB_30_1949, "1101051949", "abc", None])
def test_id_birth_date_is_none_when_impossible_or_malformed(number):
    assert fn.id_birth_date(number) is None


@pytest.mark.parametrize("number, sex", [
    (STANDARD_EXAMPLE, "female"),   # 17th digit 2
    (MALE_1990, "male"),            # 17th digit 1
    (LEAP_DAY_2000, "male"),        # 17th digit 1
])
def test_id_sex_odd_17th_digit_is_male(number, sex):
    assert fn.id_sex(number) == sex


@pytest.mark.parametrize("number", ["1101051949", "11010519491231002Y", None])
def test_id_sex_is_none_for_malformed_numbers(number):
    assert fn.id_sex(number) is None


def test_id_sex_is_none_for_full_width_digits():
    full_width = "１１０１０５１９４９１２３１００２X"  # the standard example typed in full-width mode
    assert fn.id_valid(full_width) is False
    assert fn.id_sex(full_width) is None


# --------------------------------------------------------------------------- GB 32100-2015
# Alphabet 0-9 A-H J-N P-R T U W-Y (values 0..30): A10 B11 C12 D13 E14 F15 G16 H17 J18 K19 L20
# M21 N22 P23 Q24 R25 T26 U27 W28 X29 Y30.  Weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28;
# check = (31 - sum % 31) % 31.
#
# First 16 characters "91350100M000100Y" -> values 9 1 3 5 0 1 0 0 21 0 0 0 1 0 0 30:
#   9*1 + 1*3 + 3*9 + 5*27 + 0 + 1*26 + 0 + 0 + 21*20 + 0 + 0 + 0 + 1*8 + 0 + 0 + 30*30
#   = 9 + 3 + 27 + 135 + 26 + 420 + 8 + 900 = 1528
# 17th character 4:  1528 + 4*28 = 1640; 1640 % 31 = 28 (31*52 = 1612); (31-28) % 31 = 3  -> "3"
# 17th character 0:  1528;               1528 % 31 = 9  (31*49 = 1519); (31-9)  % 31 = 22 -> "N"
# 17th character 3:  1528 + 3*28 = 1612; 1612 % 31 = 0;                 (31-0)  % 31 = 0  -> "0"
USCC_DIGIT_CHECK = "91350100M000100Y43"
USCC_LETTER_CHECK = "91350100M000100Y0N"
USCC_ZERO_CHECK = "91350100M000100Y30"


@pytest.mark.parametrize("first17, check", [
    (USCC_DIGIT_CHECK[:17], "3"),
    (USCC_LETTER_CHECK[:17], "N"),
    (USCC_ZERO_CHECK[:17], "0"),
])
def test_uscc_check_char_follows_gb32100(first17, check):
    assert fn.uscc_check_char(first17) == check


@pytest.mark.parametrize("code", [USCC_DIGIT_CHECK, USCC_LETTER_CHECK, USCC_ZERO_CHECK])
def test_uscc_valid_accepts_codes_with_correct_check(code):
    assert fn.uscc_valid(code) is True


@pytest.mark.parametrize("code", [
    "11350100M000100Y43",  # first character 9 -> 1
    "91350100N000100Y43",  # M -> N
    "91350100M000100Y44",  # check 3 -> 4
    "91350100M000100Y0P",  # check N -> P
    "91350100M000100Y31",  # check 0 -> 1
])
def test_uscc_valid_rejects_one_changed_character(code):
    # 31 is prime and every weight is below it, so one substitution always changes sum % 31
    assert fn.uscc_valid(code) is False


@pytest.mark.parametrize("code", [
    "9I350100M000100Y43",  # I in place of 1 (valid if I were read as 1)
    "91350100M000100Y3O",  # O in place of 0 (valid if O were read as 0)
    "91350100M000100YZ3",  # Z
    "91350100S000100Y43",  # S
    "91350100V000100Y43",  # V
])
def test_uscc_valid_rejects_letters_outside_the_alphabet(code):
    assert fn.uscc_valid(code) is False


def test_uscc_check_char_is_none_for_letters_outside_the_alphabet():
    assert fn.uscc_check_char("9I350100M000100Y4") is None


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y430", "", None, 913501])
def test_uscc_valid_rejects_wrong_length_and_non_strings(code):
    assert fn.uscc_valid(code) is False


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize("born, on, years", [
    ("2004-05-10", "2026-05-10", 22),   # the birthday itself counts
    ("2004-05-10", "2026-05-09", 21),   # the day before
    ("2004-05-10", "2026-05-11", 22),
    ("2004-05-10", "2004-05-10", 0),
    ("2004-12-31", "2005-01-01", 0),
    ("2004-02-29", "2025-02-28", 20),   # 29 Feb birthday not yet reached in a common year
    ("2004-02-29", "2025-03-01", 21),   # ... reached on 1 March
    ("2004-02-29", "2028-02-28", 23),
    ("2004-02-29", "2028-02-29", 24),   # leap year: reached on 29 Feb
])
def test_full_years_counts_completed_years(born, on, years):
    assert fn.full_years(born, on) == years


@pytest.mark.parametrize("start, end", [
    ("2025-02-30", "2026-01-01"),
    ("2025-01-01", "2026-13-01"),
    ("20250101", "2026-01-01"),
    (None, "2026-01-01"),
])
def test_full_years_is_none_for_impossible_dates(start, end):
    assert fn.full_years(start, end) is None


def test_to_date_refuses_iso_week_dates():
    # "2025-W01-1" is 10 characters and a valid ISO 8601 week date (Monday 2024-12-30)
    assert fn.to_date("2025-W01-1") is None
    assert fn.full_years("2000-W01-1", "2025-01-01") is None


@pytest.mark.parametrize("text", ["2025-02-29", "2025-2-28", "20250228", "", "2025-02-28T00:00", 20250228])
def test_to_date_rejects_other_text(text):
    assert fn.to_date(text) is None


@pytest.mark.parametrize("start, end, days", [
    ("2024-02-28", "2024-03-01", 2),    # leap year: 29 Feb in between
    ("2023-02-28", "2023-03-01", 1),
    ("2024-01-01", "2025-01-01", 366),
    ("2025-01-01", "2026-01-01", 365),
    ("2024-03-01", "2024-02-28", -2),
    ("2024-05-10", "2024-05-10", 0),
])
def test_days_between(start, end, days):
    assert fn.days_between(start, end) == days


@pytest.mark.parametrize("start, days, result", [
    ("2024-02-28", 1, "2024-02-29"),
    ("2024-02-28", 2, "2024-03-01"),
    ("2023-02-28", 1, "2023-03-01"),
    ("2023-12-31", 1, "2024-01-01"),
    ("2024-03-01", -1, "2024-02-29"),
    ("2024-01-01", 366, "2025-01-01"),
])
def test_add_days(start, days, result):
    assert fn.add_days(start, days) == result


@pytest.mark.parametrize("start, days", [
    ("9999-12-31", 1),       # past the last representable date
    ("2024-01-01", 1.5),     # not a whole number of days
    ("2024-02-30", 1),
])
def test_add_days_is_none_without_an_answer(start, days):
    assert fn.add_days(start, days) is None


@pytest.mark.parametrize("start, months, result", [
    ("2024-01-31", 1, "2024-02-29"),    # clamped to the end of a leap February
    ("2023-01-31", 1, "2023-02-28"),    # ... and of a common February
    ("2024-03-31", 1, "2024-04-30"),
    ("2024-03-31", -1, "2024-02-29"),
    ("2024-10-15", 3, "2025-01-15"),    # across the year end
    ("2024-12-31", 12, "2025-12-31"),
    ("2024-01-15", -13, "2022-12-15"),
    ("2024-05-10", 0, "2024-05-10"),
])
def test_add_months_clamps_to_month_end(start, months, result):
    assert fn.add_months(start, months) == result


@pytest.mark.parametrize("start, months", [
    ("9999-12-01", 1),
    ("0001-01-01", -1),
    ("2024-01-31", 1.0),
    ("bad", 1),
])
def test_add_months_is_none_without_an_answer(start, months):
    assert fn.add_months(start, months) is None


@pytest.mark.parametrize("start, years, result", [
    ("2024-02-29", 1, "2025-02-28"),
    ("2024-02-29", 4, "2028-02-29"),
    ("2004-05-10", 18, "2022-05-10"),
    ("2004-05-10", -4, "2000-05-10"),
])
def test_add_years(start, years, result):
    assert fn.add_years(start, years) == result


def test_add_years_is_none_for_fractional_years():
    assert fn.add_years("2024-01-01", 0.5) is None


@pytest.mark.parametrize("func, text, expected", [
    (fn.year, "2024-02-29", 2024), (fn.month, "2024-02-29", 2), (fn.day_of_month, "2024-02-29", 29),
    (fn.day_of_month, "2024-02-30", None), (fn.month, "2024-W01-1", None),
])
def test_parts_of_a_date(func, text, expected):
    assert func(text) == expected


# --------------------------------------------------------------------------- issue 19: the edges

@pytest.mark.parametrize("text", ["1900-01-01", "2026-03-02", "2199-12-31"])
def test_date_fault_accepts_the_dates_the_checker_handles(text):
    assert fn.date_fault(text) is None


@pytest.mark.parametrize("text", ["1899-12-31", "2200-01-01", "0001-01-01", "9999-12-31"])
def test_date_fault_refuses_dates_outside_1900_to_2199(text):
    assert fn.date_fault(text) == "outside the dates the checker handles (1900-01-01 to 2199-12-31)"


@pytest.mark.parametrize("text", ["2025-02-29", "2025-13-01", "2025-W01-1", None])
def test_date_fault_refuses_what_is_not_a_date(text):
    assert fn.date_fault(text) == "not a real date"


@pytest.mark.parametrize("start, end", [("2024-02-30", "2024-03-01"), ("2024-03-01", "2024-02-30")])
def test_days_between_is_none_when_either_date_is_impossible(start, end):
    assert fn.days_between(start, end) is None


@pytest.mark.parametrize("start, months, result", [
    ("0001-02-01", -1, "0001-01-01"),   # the first year Python's dates hold
    ("9999-11-30", 1, "9999-12-30"),    # the last
])
def test_add_months_reaches_the_first_and_last_representable_years(start, months, result):
    assert fn.add_months(start, months) == result


@pytest.mark.parametrize("letter", "IOZSV")
def test_uscc_valid_rejects_a_letter_outside_the_alphabet_in_any_position(letter):
    # 91440300708461136T is valid; each of I O Z S V in each position must be refused
    code = "91440300708461136T"
    for i in range(18):
        assert fn.uscc_valid(code[:i] + letter + code[i + 1:]) is False, (letter, i)
