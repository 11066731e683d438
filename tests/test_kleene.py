"""Three-valued (Kleene) evaluation of condition trees: UNKNOWN is neither false nor zero."""

from __future__ import annotations

import pytest

from checker.lang.expr import parse
from checker.lang.kleene import UNKNOWN, evaluate

T, F, U = True, False, UNKNOWN


def ev(text: str, **env):
    return evaluate(parse(text), env)


def as_env(value):
    """An env value for a truth value: UNKNOWN is written as None (not given)."""
    return None if value is UNKNOWN else value


# --------------------------------------------------------------------------- truth tables

AND_TABLE = [
    (T, T, T), (T, F, F), (T, U, U),
    (F, T, F), (F, F, F), (F, U, F),
    (U, T, U), (U, F, F), (U, U, U),
]
OR_TABLE = [
    (T, T, T), (T, F, T), (T, U, T),
    (F, T, T), (F, F, F), (F, U, U),
    (U, T, T), (U, F, U), (U, U, U),
]


@pytest.mark.parametrize("x, y, result", AND_TABLE)
def test_and_truth_table(x, y, result):
    assert ev("x and y", x=as_env(x), y=as_env(y)) is result


@pytest.mark.parametrize("x, y, result", OR_TABLE)
def test_or_truth_table(x, y, result):
    assert ev("x or y", x=as_env(x), y=as_env(y)) is result


@pytest.mark.parametrize("x, result", [(T, F), (F, T), (U, U)])
def test_not_truth_table(x, result):
    assert ev("not x", x=as_env(x)) is result


def test_a_later_false_settles_and_after_an_unknown():
    assert ev("x and y and z", y=False, z=True) is False


def test_a_later_true_settles_or_after_an_unknown():
    assert ev("x or y or z", y=False, z=True) is True


def test_absent_name_and_name_mapped_to_none_are_both_unknown():
    assert ev("x") is UNKNOWN
    assert ev("x", x=None) is UNKNOWN


def test_false_and_zero_are_known_values():
    assert ev("x", x=False) is False
    assert ev("x == 0", x=0) is True


# --------------------------------------------------------------------------- comparisons

@pytest.mark.parametrize("text", [
    "x > 3", "3 < x", "x == 1", "x != 1", "x <= y", "x == y",
    'x in ["a", "b"]', 'x not in ["a", "b"]',
])
def test_comparison_with_an_unknown_side_is_unknown(text):
    assert ev(text, y=1) is UNKNOWN


def test_comparison_with_unknown_right_side_is_unknown():
    assert ev("1 == y") is UNKNOWN
    assert ev("x != y", x=1) is UNKNOWN


@pytest.mark.parametrize("text, env, result", [
    ("x > 3", {"x": 4}, True),
    ("x > 3", {"x": 3}, False),
    ("x >= 3", {"x": 3}, True),
    ("x != 3", {"x": 3}, False),
    ("x == 3", {"x": 3.0}, True),
    ('x in ["a", "b"]', {"x": "b"}, True),
    ('x in ["a", "b"]', {"x": "c"}, False),
    ('x not in ["a", "b"]', {"x": "c"}, True),
    ('d < date("2025-01-01")', {"d": "2024-12-31"}, True),
    ('d >= date("2025-01-01")', {"d": "2024-12-31"}, False),
])
def test_comparisons_of_known_values(text, env, result):
    assert evaluate(parse(text), env) is result


def test_in_finds_a_match_even_when_another_item_is_unknown():
    assert ev("x in [y, 2]", x=2) is True
    assert ev("x not in [y, 2]", x=2) is False


@pytest.mark.parametrize("op", ["in", "not in"])
def test_in_without_a_match_is_unknown_when_an_item_is_unknown(op):
    # 2 in [y, 1] is (2 == y) or (2 == 1) = unknown or false = unknown
    assert ev(f"x {op} [y, 1]", x=2) is UNKNOWN


# --------------------------------------------------------------------------- arithmetic

@pytest.mark.parametrize("text, result", [
    ("1 + 2 * 3", 7),
    ("(1 + 2) * 3", 9),
    ("10 - 4 - 3", 3),
    ("-2 * 3", -6),
    ("7 / 2", 3.5),
    ("-x", -5),
])
def test_arithmetic(text, result):
    assert ev(text, x=5) == result


@pytest.mark.parametrize("text", ["x + 1", "1 - x", "x * 2", "x / 2", "-x", "x + 1 > 3"])
def test_arithmetic_with_unknown_is_unknown(text):
    assert ev(text) is UNKNOWN


@pytest.mark.parametrize("text", ["x / y", "x / y > 1", "x / 0 == 0", "x / (y - y) < 1"])
def test_division_by_zero_is_unknown(text):
    assert ev(text, x=6, y=0) is UNKNOWN


def test_division_by_non_zero():
    assert ev("x / y", x=6, y=3) == 2


# --------------------------------------------------------------------------- known()

@pytest.mark.parametrize("env, result", [
    ({"x": 5}, True),
    ({"x": False}, True),     # a false answer is still an answer
    ({"x": 0}, True),
    ({"x": []}, True),
    ({"x": None}, False),
    ({}, False),
])
def test_known_is_never_unknown(env, result):
    assert evaluate(parse("known(x)"), env) is result


def test_not_known_of_a_missing_fact_is_true():
    assert ev("not known(x)") is True


# --------------------------------------------------------------------------- functions

def test_function_of_known_arguments():
    assert ev("full_years(b, d)", b="2004-05-10", d="2026-05-10") == 22
    assert ev('id_birth_date(n) == date("1949-12-31")', n="11010519491231002X") is True


def test_function_returning_none_is_unknown():
    # 19490230 is not a date, so the number has no birth date
    assert ev("id_birth_date(n)", n="110105194902300020") is UNKNOWN
    assert ev("full_years(id_birth_date(n), d) >= 18", n="110105194902300020", d="2026-01-01") is UNKNOWN


def test_function_with_an_unknown_argument_is_unknown():
    assert ev("full_years(b, d)", d="2026-05-10") is UNKNOWN
    assert ev("id_valid(n)") is UNKNOWN


def test_function_returning_false_is_false_not_unknown():
    assert ev("id_valid(n)", n="110105194912310021") is False


# --------------------------------------------------------------------------- aggregates

@pytest.mark.parametrize("text", [
    "count(L)", "count(L, a > 1)", "sum(L, a)", "min(L, a)", "max(L, a)", "any(L, a > 1)", "all(L, a > 1)",
])
def test_aggregate_over_an_unknown_list_is_unknown(text):
    assert ev(text) is UNKNOWN


@pytest.mark.parametrize("records, result", [
    ([], 0),
    ([{"a": 1}, {"a": 5}, {"a": 9}], 3),
    ([{"a": None}, {}], 2),          # records count even when their fields are unknown
])
def test_count_of_records(records, result):
    assert ev("count(L)", L=records) == result


def test_count_with_a_condition():
    assert ev("count(L, a > 4)", L=[{"a": 1}, {"a": 5}, {"a": 9}]) == 2


def test_count_with_an_unknown_condition_is_unknown():
    assert ev("count(L, a > 4)", L=[{"a": 5}, {"a": None}]) is UNKNOWN


@pytest.mark.parametrize("values, result", [
    ([True, None], T), ([None, True], T), ([False, None], U), ([False, False], F), ([], F),
])
def test_any(values, result):
    assert ev("any(L, ok)", L=[{"ok": v} for v in values]) is result


@pytest.mark.parametrize("values, result", [
    ([False, None], F), ([None, False], F), ([True, None], U), ([True, True], T), ([], T),
])
def test_all(values, result):
    assert ev("all(L, ok)", L=[{"ok": v} for v in values]) is result


@pytest.mark.parametrize("values, result", [
    ([], 0),
    ([1, 2.5], 3.5),
    ([4], 4),
])
def test_sum(values, result):
    assert ev("sum(L, a)", L=[{"a": v} for v in values]) == result


def test_sum_with_an_unknown_value_is_unknown():
    assert ev("sum(L, a)", L=[{"a": 1}, {"a": None}]) is UNKNOWN


@pytest.mark.parametrize("func", ["min", "max"])
def test_min_max_of_an_empty_list_is_unknown(func):
    assert ev(f"{func}(L, a)", L=[]) is UNKNOWN


def test_min_max_of_numbers_and_dates():
    nums = [{"a": 3}, {"a": -1}, {"a": 7}]
    assert ev("min(L, a)", L=nums) == -1
    assert ev("max(L, a)", L=nums) == 7
    dates = [{"d": "2024-12-31"}, {"d": "2023-01-15"}, {"d": "2025-02-01"}]
    assert ev("min(L, d)", L=dates) == "2023-01-15"
    assert ev("max(L, d)", L=dates) == "2025-02-01"


def test_min_with_an_unknown_value_is_unknown():
    assert ev("min(L, a)", L=[{"a": 1}, {"a": None}]) is UNKNOWN


def test_record_field_shadows_a_fact_of_the_same_name():
    assert ev("any(L, area > 100)", area=1000, L=[{"area": 50}]) is False
    assert ev("sum(L, area)", area=1000, L=[{"area": 50}, {"area": 20}]) == 70


def test_unknown_record_field_does_not_fall_back_to_the_fact():
    assert ev("any(L, area > 100)", area=1000, L=[{"area": None}]) is UNKNOWN


def test_facts_are_visible_inside_aggregates():
    assert ev("count(L, area > limit)", limit=60, L=[{"area": 50}, {"area": 70}]) == 1


def test_known_inside_an_aggregate_tests_the_record_field():
    assert ev("count(L, known(a))", L=[{"a": 1}, {"a": None}, {"a": False}]) == 2


def test_outer_record_field_is_visible_in_a_nested_aggregate():
    # home 1 has 2 rooms; one member is older than 2 -> the count is 1 > 0 -> any() is true
    env = {"homes": [{"rooms": 2}], "members": [{"age": 1}, {"age": 30}]}
    assert evaluate(parse("any(homes, count(members, age > rooms) > 0)"), env) is True
