"""Can a condition be true, can it be false (checker.lang.satisfiable.can_be), given the facts'
declared types and ranges. Every expected answer below is worked out by hand: a contradiction can
never be true, a tautology can never be false, anything else can be both. None means "too large to
tell" and must never be confused with False (the linter warns only on False)."""

from __future__ import annotations

import math

import pytest

from checker.lang.expr import parse
from checker.lang.satisfiable import MAX_TERMS, can_be
from checker.lang.typecheck import Type

TYPES = {
    "kind": Type("enum", ("a", "b", "c")),
    "flag": Type("bool"),
    "other": Type("bool"),
    "n": Type("number"),
    "m": Type("number"),
    "i": Type("integer"),
    "d": Type("date"),
    "s": Type("string"),
}


def can(text: str, value: bool, bounds: dict | None = None, types: dict | None = None):
    return can_be(parse(text), value, TYPES if types is None else types, bounds or {})


def both(text: str, **kw) -> tuple:
    """(can be true, can be false)."""
    return can(text, True, **kw), can(text, False, **kw)


NEVER_TRUE, NEVER_FALSE, EITHER = (False, True), (True, False), (True, True)


# --- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("n > 5", EITHER),
    ("n > 5 and n < 3", NEVER_TRUE),               # the brief's example
    ("n < 3 and n > 5", NEVER_TRUE),               # order does not matter
    ("n > 5 and n < 5", NEVER_TRUE),
    ("n > 5 and n <= 5", NEVER_TRUE),              # open at 5 on one side, closed on the other
    ("n >= 5 and n < 5", NEVER_TRUE),
    ("n >= 5 and n <= 5", EITHER),                 # n == 5 only
    ("n >= 5 and n <= 5 and n != 5", NEVER_TRUE),  # ... and 5 is excluded
    ("n > 5 and n < 6", EITHER),                   # 5.5 (a number, not an integer)
    ("n > 4 and n < 6 and n != 5", EITHER),        # 4.5
    ("n < 5 and n <= 5 and n > 4.9", EITHER),      # tighter bound wins: (4.9, 5)
    ("n <= 5 and n < 5 and n >= 5", NEVER_TRUE),   # the strict bound is kept whatever the order
    ("n < 5 and n <= 5 and n >= 5", NEVER_TRUE),
    ("n > 5 and n >= 5 and n <= 5", NEVER_TRUE),
    ("n >= 5 and n > 5 and n <= 5", NEVER_TRUE),
    ("n == 5 and n > 6", NEVER_TRUE),
    ("n == 5 and n != 5", NEVER_TRUE),
    ("n == 5 and n >= 5", EITHER),
    ("n == 5 and n == 6", NEVER_TRUE),
    ("n in [1, 2] and n > 5", NEVER_TRUE),
    ("n in [1, 7] and n > 5", EITHER),
    ("n > 5 or n <= 5", NEVER_FALSE),              # a tautology
    ("n > 5 or n < 5", EITHER),                    # false at exactly 5
    ("n >= 5 or n < 5", NEVER_FALSE),
    ("n != 5 or n == 5", NEVER_FALSE),
    ("n > 5 and m < 3", EITHER),                   # two facts do not constrain each other
])
def test_numbers(text, expected):
    assert both(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("5 < n and n < 3", NEVER_TRUE),               # a literal on the left is swapped: n > 5
    ("3 > n and n > 5", NEVER_TRUE),               # n < 3
    ("5 <= n and n <= 5", EITHER),
    ("5 == n and n != 5", NEVER_TRUE),
    ("5 != n or n == 5", NEVER_FALSE),
])
def test_literal_on_the_left(text, expected):
    assert both(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("not (n > 5) and n > 6", NEVER_TRUE),         # not (n > 5) is n <= 5
    ("not (n <= 5) and n < 5", NEVER_TRUE),        # n > 5
    ("not (n == 5) and n >= 5 and n <= 5", NEVER_TRUE),
    ("not (n in [1, 2]) and n in [1, 2]", NEVER_TRUE),
    ("not (n > 5 or n < 3)", EITHER),              # 3 <= n <= 5
    ("not (n > 5 or n <= 5)", NEVER_TRUE),         # the negation of a tautology
    ("not (n > 5 and n < 3)", NEVER_FALSE),        # the negation of a contradiction
    ("not not (n > 5 and n < 3)", NEVER_TRUE),
    ("not (n > 5) or not (n < 3)", NEVER_FALSE),   # De Morgan of the contradiction
])
def test_negation(text, expected):
    assert both(text) == expected


# --- integers: no value strictly between two neighbours ----------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("i > 5 and i < 6", NEVER_TRUE),               # nothing between 5 and 6
    ("i >= 5 and i < 6", EITHER),                  # 5
    ("i > 4 and i < 6 and i != 5", NEVER_TRUE),    # 5 was the only one
    ("i >= 1 and i <= 3 and i != 1 and i != 2 and i != 3", NEVER_TRUE),
    ("i >= 1 and i <= 3 and i != 1 and i != 3", EITHER),  # 2
    ("i > 5.5 and i < 6", NEVER_TRUE),
    ("i >= 5.5 and i <= 6", EITHER),               # 6
    ("i > 5 and i < 6.5", EITHER),                 # 6
    ("i >= 5.2 and i <= 5.8", NEVER_TRUE),
    ("i > -2 and i < 0", EITHER),                  # -1
    ("i > -2 and i < -1", NEVER_TRUE),
    ("i > 5", EITHER),                             # one-sided: unbounded above
])
def test_integers(text, expected):
    assert both(text) == expected


def test_integer_negative_fractional_lower_bound_closed():
    assert can("i >= -1.5 and i <= -1", True) is True


def test_integer_negative_fractional_lower_bound_open():
    assert can("i > -1.5 and i < 0", True) is True


def test_integer_negative_fractional_upper_bound():
    assert can("i > -1 and i < -0.5", True) is False


def test_integer_gap_only_for_integers():
    """The same condition over a number can be true (5.5): only integers have gaps."""
    assert can("n > 5 and n < 6", True) is True
    assert can("i > 5 and i < 6", True) is False


# --- declared ranges (minimum / maximum) -----------------------------------------------------

@pytest.mark.parametrize("text, bounds, expected", [
    ("n < 0", {"n": (0, None)}, NEVER_TRUE),        # income < 0 with minimum 0
    ("n <= 0", {"n": (0, None)}, EITHER),            # 0 itself
    ("n >= 0", {"n": (0, None)}, NEVER_FALSE),       # always true given the minimum
    ("n > 100", {"n": (None, 100)}, NEVER_TRUE),
    ("n > 50", {"n": (0, 100)}, EITHER),
    ("n < 0 or n > 100", {"n": (0, 100)}, NEVER_TRUE),
    ("n >= 0 and n <= 100", {"n": (0, 100)}, NEVER_FALSE),
    ("n == 200", {"n": (0, 100)}, NEVER_TRUE),
    ("n in [-1, 101]", {"n": (0, 100)}, NEVER_TRUE),
    ("n in [-1, 50]", {"n": (0, 100)}, EITHER),
    ("n > -5", {"n": (0, None)}, NEVER_FALSE),       # a weaker bound does not loosen the minimum
    ("n < 0", {"m": (0, None)}, EITHER),             # another fact's range does not apply
    ("i > 0 and i < 1", {"i": (0, 10)}, NEVER_TRUE),
    ("i < 1", {"i": (0, 10)}, EITHER),               # 0
])
def test_declared_ranges(text, bounds, expected):
    assert both(text, bounds=bounds) == expected


# --- enums and strings -----------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ('kind == "a"', EITHER),
    ('kind == "a" and kind == "b"', NEVER_TRUE),
    ('kind == "d"', NEVER_TRUE),                     # not one of the enum's values
    ('kind != "d"', NEVER_FALSE),
    ('kind in ["a", "b"]', EITHER),                  # false for c
    ('kind in ["a", "b", "c"]', NEVER_FALSE),        # every value listed
    ('kind in ["a", "b"] or kind == "c"', NEVER_FALSE),
    ('kind == "a" or kind == "b" or kind == "c"', NEVER_FALSE),
    ('kind != "a" and kind != "b" and kind != "c"', NEVER_TRUE),
    ('kind not in ["a", "b"] and kind != "c"', NEVER_TRUE),
    ('kind not in ["a", "b"]', EITHER),              # c
    ('kind in ["a", "b"] and kind not in ["a"]', EITHER),  # b
    ('kind in ["a", "b"] and kind == "c"', NEVER_TRUE),
    ('kind in ["a", "d"]', EITHER),                  # a
    ('kind in ["d", "e"]', NEVER_TRUE),
    ('kind in []', NEVER_TRUE),
    ('kind not in []', NEVER_FALSE),
    ('not (kind in ["a", "b", "c"])', NEVER_TRUE),
])
def test_enums(text, expected):
    assert both(text) == expected


@pytest.mark.parametrize("text, expected", [
    ('s == "x"', EITHER),
    ('s == "x" and s == "y"', NEVER_TRUE),
    ('s == "x" and s != "x"', NEVER_TRUE),
    ('s in ["x", "y"] and s != "x"', EITHER),        # y
    ('s in ["x", "y"] and s not in ["x", "y"]', NEVER_TRUE),
    ('s in ["x", "y", "z"]', EITHER),                # a string is not limited to a list of values
    ('s == "x" or s != "x"', NEVER_FALSE),
])
def test_strings(text, expected):
    assert both(text) == expected


# --- booleans and literals -------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("flag", EITHER),
    ("not flag", EITHER),
    ("not not flag", EITHER),
    ("flag and not flag", NEVER_TRUE),
    ("flag or not flag", NEVER_FALSE),
    ("flag == true", EITHER),
    ("flag == true and flag == false", NEVER_TRUE),
    ("flag != true and flag != false", NEVER_TRUE),  # a bool has only two values
    ("flag == true or flag == false", NEVER_FALSE),
    ("flag and flag == false", NEVER_TRUE),          # a bare name and a comparison agree
    ("flag and other", EITHER),
    ("flag and not other", EITHER),                  # two facts are independent
    ("(flag or other) and not flag and not other", NEVER_TRUE),
    ("(flag and other) or (not flag and not other) or (flag and not other) or (not flag and other)",
     NEVER_FALSE),
    ("true", NEVER_FALSE),
    ("false", NEVER_TRUE),
    ("false and flag", NEVER_TRUE),
    ("true or flag", NEVER_FALSE),
    ("true and flag", EITHER),
    ("false or flag", EITHER),
    ("not true", NEVER_TRUE),
    ("n > 5 or true", NEVER_FALSE),
    ("n > 5 and false", NEVER_TRUE),
])
def test_booleans(text, expected):
    assert both(text) == expected


# --- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ('d < date("2020-01-01")', EITHER),
    ('d < date("2020-01-01") and d > date("2021-01-01")', NEVER_TRUE),
    ('d > date("2021-01-01") and d < date("2020-01-01")', NEVER_TRUE),
    ('d >= date("2020-01-01") and d <= date("2020-01-01")', EITHER),
    ('d >= date("2020-01-01") and d < date("2020-01-01")', NEVER_TRUE),
    ('d > date("2020-01-01") and d < date("2020-12-31")', EITHER),
    ('d == date("2020-01-01") and d > date("2020-06-01")', NEVER_TRUE),
    ('d > date("2020-01-01") or d <= date("2020-01-01")', NEVER_FALSE),
    ('date("2021-01-01") < d and d < date("2020-01-01")', NEVER_TRUE),  # swapped
])
def test_dates(text, expected):
    assert both(text) == expected


def test_dates_have_no_date_between_neighbours():
    assert can('d > date("2020-09-30") and d < date("2020-10-01")', True) is False


# --- what the module cannot see into (opaque atoms) --------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("full_years(d, application_date) >= 18", EITHER),
    ("full_years(d, application_date) >= 18 and not (full_years(d, application_date) >= 18)", NEVER_TRUE),
    ("full_years(d, application_date) >= 18 or not (full_years(d, application_date) >= 18)", NEVER_FALSE),
    ("n > m", EITHER),                               # two facts compared: opaque
    ("n > m and not (n > m)", NEVER_TRUE),           # ... but the same atom both ways is a contradiction
    ("n > m or not (n > m)", NEVER_FALSE),
    ("n + 1 > 5", EITHER),                           # arithmetic is opaque
    ("n + 1 > 5 and m + 1 > 5", EITHER),             # two different opaque atoms are independent
    ("n in [m, 1]", EITHER),                         # a list that is not all literals
    ("id_valid(s) and not id_valid(s)", NEVER_TRUE),
    ("id_valid(s) and n > 5 and n < 3", NEVER_TRUE),  # the numeric part alone is a contradiction
])
def test_opaque_atoms(text, expected):
    assert both(text) == expected


def test_names_without_a_declared_type():
    """A name with no declared type still has interval and value-set reasoning."""
    assert both("x > 5 and x < 3", types={}) == NEVER_TRUE
    assert both('x == "a" and x == "b"', types={}) == NEVER_TRUE
    assert both("x and not x", types={}) == NEVER_TRUE
    assert both("x > 5", types={}) == EITHER
    assert both("x > 5 and x < 6", types={}) == EITHER  # not known to be an integer


# --- the size limit --------------------------------------------------------------------------

def _pairs(k: int) -> str:
    """(f0 or g0) and (f1 or g1) and ...: its normal form has 2**k conjunctions."""
    return " and ".join(f"(f{j} or g{j})" for j in range(k))


def test_max_terms_largest_normal_form_that_is_answered():
    k = int(math.log2(MAX_TERMS))  # 2**k <= MAX_TERMS
    assert 2 ** k <= MAX_TERMS < 2 ** (k + 1)
    assert can(_pairs(k), True, types={}) is True
    assert can(_pairs(k) + " and flag and not flag", True) is False


def test_max_terms_gives_up_beyond_the_limit():
    k = int(math.log2(MAX_TERMS)) + 1  # 2**k > MAX_TERMS
    assert can(_pairs(k), True, types={}) is None
    # a contradiction hidden in too large a form is "cannot tell", never "never true"
    assert can(_pairs(k) + " and flag and not flag", True) is None
    # the negation of the same condition is small (k conjunctions of two atoms): answered
    assert can(_pairs(k), False, types={}) is True


def test_max_terms_flat_or():
    """A plain `or` of more than MAX_TERMS atoms is too large as well; MAX_TERMS atoms are not."""
    at_limit = " or ".join(f"n == {j}" for j in range(MAX_TERMS))
    beyond = " or ".join(f"n == {j}" for j in range(MAX_TERMS + 1))
    assert can(at_limit, True) is True
    assert can(beyond, True) is None


def test_none_is_not_false():
    """The linter warns on `is False` only; None must stay distinct from False."""
    result = can(_pairs(int(math.log2(MAX_TERMS)) + 1), True, types={})
    assert result is None and result is not False


def test_a_wide_integer_range_with_exclusions_is_answered_without_counting_it():
    """A wide range with a few values excluded is satisfiable; a narrow one whose every value is
    excluded is not."""
    assert can("i > 0 and i < 1000000000000000 and i != 5", True) is True
    assert can("i >= 5 and i <= 6 and i != 5 and i != 6", True) is False
