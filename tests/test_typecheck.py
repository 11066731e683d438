"""Load-time type check of conditions, against environments built directly from Type objects."""

from __future__ import annotations

import pytest

from checker.lang.expr import parse
from checker.lang.typecheck import (BOOL, DATE, INTEGER, NUMBER, SEX, STRING, Checker, Type, TypeProblem,
                               fact_type)

REGION = Type("enum", ("local", "other_province"))
HOMES = Type("list", fields=(("area", NUMBER), ("rooms", INTEGER), ("city", STRING),
                             ("bought", DATE), ("owned", BOOL)))
MEMBERS = Type("list", fields=(("age", INTEGER),))

ENV = {
    "age": INTEGER, "income": NUMBER, "birth_date": DATE, "application_date": DATE,
    "name": STRING, "id_number": STRING, "sex": SEX, "region": REGION, "married": BOOL,
    "homes": HOMES, "members": MEMBERS,
    "city": INTEGER,  # a fact with the same name as a field of homes' records
}


def check(text: str, env=None):
    return Checker(ENV if env is None else env).check(parse(text))


def ok(text: str, env=None) -> None:
    Checker(ENV if env is None else env).condition(parse(text))


def problem(text: str, env=None) -> TypeProblem:
    with pytest.raises(TypeProblem) as info:
        ok(text, env)
    return info.value


# --------------------------------------------------------------------------- names

def test_unknown_fact_gets_a_did_you_mean_hint_and_its_position():
    p = problem("age > 18 and incme < 3000")
    assert p.message == "unknown fact 'incme'"
    assert p.hint == "did you mean 'income'?"
    assert p.pos == 13


def test_unknown_fact_with_nothing_close_suggests_declaring_it():
    p = problem("zzqqx > 1")
    assert "zzqqx" in p.message
    assert "declare" in p.hint


# --------------------------------------------------------------------------- enums

@pytest.mark.parametrize("text, pos, suggestion", [
    ('region == "locl"', 10, "local"),
    ('"locl" == region', 0, "local"),
    ('region != "other_provinces"', 10, "other_province"),
    ('region in ["local", "abroad_x"]', 20, None),
    ('id_sex(id_number) == "femal"', 21, "female"),
])
def test_enum_compared_with_a_value_it_cannot_take_is_refused(text, pos, suggestion):
    p = problem(text)
    assert p.pos == pos
    if suggestion:
        assert p.hint == f"did you mean '{suggestion}'?"


def test_enum_value_with_nothing_close_lists_the_values():
    assert problem('sex == "x"').hint == "one of: male, female"


@pytest.mark.parametrize("text", [
    'region == "local"',
    'region in ["local", "other_province"]',
    'sex != "female"',
    'region == name',          # an enum against a string fact: values unknown until run time
])
def test_enum_compared_with_its_own_values_is_accepted(text):
    ok(text)


# --------------------------------------------------------------------------- mismatched kinds

@pytest.mark.parametrize("text", [
    "birth_date > 3",
    "birth_date == 20000101",
    "3 < birth_date",
])
def test_date_against_number_is_refused(text):
    problem(text)


@pytest.mark.parametrize("text", [
    'birth_date < "2000-01-01"',
    'birth_date == "2000-01-01"',
    '"2000-01-01" >= birth_date',
    'birth_date in ["2000-01-01"]',
])
def test_date_against_string_is_refused_with_date_literal_hint(text):
    assert 'date("' in problem(text).hint


@pytest.mark.parametrize("text", [
    'birth_date < date("2000-01-01")',
    "birth_date <= application_date",
    'birth_date in [date("2000-01-01"), application_date]',
    "age == income",           # integer and number compare
    "age < 17.5",
    "married == false",
    'name == "张三"',
])
def test_compatible_comparisons_are_accepted(text):
    ok(text)


@pytest.mark.parametrize("text", [
    'name < "b"',            # strings have no order here
    "married < true",
    'region > "local"',
])
def test_ordering_needs_numbers_or_dates(text):
    problem(text)


@pytest.mark.parametrize("text", [
    "married == 1",
    'age == "18"',
    "homes == homes",
])
def test_other_mismatches_are_refused(text):
    problem(text)


# --------------------------------------------------------------------------- arithmetic

@pytest.mark.parametrize("text", [
    "birth_date + 1 > application_date",
    "application_date - birth_date > 6570",
])
def test_arithmetic_on_dates_is_refused_with_a_hint(text):
    p = problem(text)
    assert "days_between" in p.hint


@pytest.mark.parametrize("text", ['name + 1 == 2', "-birth_date < application_date", "married * 2 > 1"])
def test_arithmetic_needs_numbers(text):
    problem(text)


@pytest.mark.parametrize("text, t", [
    ("age + 1", INTEGER),
    ("age * age", INTEGER),
    ("age / 2", NUMBER),        # division gives a number even for integers
    ("age + income", NUMBER),
    ("-age", INTEGER),
    ("1.5 * 2", NUMBER),
])
def test_arithmetic_result_types(text, t):
    assert check(text) == t


# --------------------------------------------------------------------------- in / lists

@pytest.mark.parametrize("text", ["age in age", 'region in "local"', "age in (1)"])
def test_in_needs_a_list_literal(text):
    assert "list" in problem(text).message


def test_in_with_an_empty_list_is_refused():
    assert "empty" in problem("age in []").message


def test_in_items_must_match_the_left_side():
    p = problem('age in [1, "2"]')
    assert p.pos == 11


def test_list_literal_outside_in_is_refused():
    problem("[1] == [1]")


# --------------------------------------------------------------------------- conditions are boolean

@pytest.mark.parametrize("text", ["age", "age + 1", '"yes"', "birth_date", "not age", "married and age",
                                  "age or married"])
def test_conditions_must_be_boolean(text):
    problem(text)


@pytest.mark.parametrize("text", ["married", "true", "not married", "married or age > 3"])
def test_boolean_conditions_are_accepted(text):
    ok(text)


def test_non_boolean_condition_hint_suggests_a_comparison():
    p = problem("age")
    assert "true or false" in p.message
    assert "compare" in p.hint


# --------------------------------------------------------------------------- functions

@pytest.mark.parametrize("text, t", [
    ("full_years(birth_date, application_date)", INTEGER),
    ("days_between(birth_date, application_date)", INTEGER),
    ("add_days(birth_date, 30)", DATE),
    ("add_months(birth_date, age)", DATE),
    ("add_years(birth_date, 18)", DATE),
    ("id_valid(id_number)", BOOL),
    ("id_birth_date(id_number)", DATE),
    ("id_sex(id_number)", SEX),
    ("uscc_valid(name)", BOOL),
])
def test_function_result_types(text, t):
    assert check(text) == t


@pytest.mark.parametrize("text, expected_count", [
    ("full_years(birth_date) > 1", "2"),
    ("full_years(birth_date, application_date, age) > 1", "2"),
    ("id_valid() == true", "1"),
    ("add_days(birth_date) < application_date", "2"),
])
def test_functions_check_argument_counts(text, expected_count):
    assert f"takes {expected_count} argument" in problem(text).message


@pytest.mark.parametrize("text, pos", [
    ("full_years(age, application_date) > 1", 11),         # a date is needed
    ('full_years("2000-01-01", application_date) > 1', 11),
    ("add_days(birth_date, 1.5) < application_date", 21),  # an integer is needed, not a number
    ("add_months(birth_date, income) < application_date", 23),
    ("id_valid(age)", 9),                                    # a string is needed
    ("id_valid(birth_date)", 9),
])
def test_functions_check_argument_types(text, pos):
    assert problem(text).pos == pos


def test_enum_is_accepted_where_a_string_is_needed():
    ok("id_valid(region)")


def test_unknown_function_gets_a_did_you_mean_hint():
    p = problem("full_year(birth_date, application_date) >= 18")
    assert p.message == "unknown function 'full_year'"
    assert p.hint == "did you mean 'full_years'?"


def test_function_result_is_checked_like_any_value():
    problem('full_years(birth_date, application_date) == "18"')
    problem("id_birth_date(id_number) > 1")


# --------------------------------------------------------------------------- known()

def test_known_takes_a_fact_name():
    ok("known(age)")
    ok("not known(homes)")


@pytest.mark.parametrize("text", ["known(age + 1)", "known()", 'known("age")', "known(age, income)"])
def test_known_refuses_anything_but_one_name(text):
    assert "known() takes one fact name" == problem(text).message


def test_known_of_an_unknown_fact_is_refused():
    assert problem("known(agee)").hint == "did you mean 'age'?"


# --------------------------------------------------------------------------- aggregates

@pytest.mark.parametrize("text", [
    "any(homes, area > 90)",
    "all(homes, owned)",
    "count(homes) >= 1",
    "count(homes, rooms > 2 and owned) == 0",
    "sum(homes, area) > 100.5",
    "min(homes, bought) < application_date",
    "max(homes, area * 2) > income",
    "any(homes, known(area))",
    "any(homes, area > income)",    # facts remain visible inside
])
def test_record_fields_are_in_scope_inside_aggregates(text):
    ok(text)


def test_record_fields_are_not_in_scope_outside_aggregates():
    assert problem("area > 90").message == "unknown fact 'area'"


def test_record_field_shadows_a_fact_of_the_same_name():
    ok('any(homes, city == "北京")')    # inside: the string field
    problem('city == "北京"')            # outside: the integer fact


def test_outer_record_fields_are_in_scope_in_a_nested_aggregate():
    ok("any(homes, count(members, age > rooms) > 0)")


def test_unknown_field_inside_an_aggregate_gets_a_field_suggestion():
    assert problem("any(homes, aera > 90)").hint == "did you mean 'area'?"


@pytest.mark.parametrize("text, t", [
    ("count(homes)", INTEGER),
    ("count(homes, owned)", INTEGER),
    ("sum(homes, rooms)", INTEGER),
    ("sum(homes, area)", NUMBER),
    ("min(homes, bought)", DATE),
    ("max(homes, rooms)", INTEGER),
    ("any(homes, owned)", BOOL),
    ("all(homes, owned)", BOOL),
])
def test_aggregate_result_types(text, t):
    assert check(text) == t


@pytest.mark.parametrize("text", ["sum(homes, city) > 0", "sum(homes, owned) > 0", "sum(homes, bought) > 0"])
def test_sum_needs_numbers(text):
    assert "sum() needs numbers" in problem(text).message


@pytest.mark.parametrize("text", ['min(homes, city) == "a"', "max(homes, owned)"])
def test_min_max_need_numbers_or_dates(text):
    problem(text)


@pytest.mark.parametrize("text", ["count(homes, area) > 0", "any(homes, rooms)", "all(homes, city)"])
def test_count_any_all_need_a_condition(text):
    assert "needs a condition" in problem(text).message


@pytest.mark.parametrize("text", ["any(age, true)", "count(name) > 0", "sum(birth_date, 1) > 0"])
def test_first_argument_must_be_a_list_fact(text):
    assert "needs a list of records" in problem(text).message


@pytest.mark.parametrize("text", ["count() > 0", "count([1]) > 0", "any(1, true)"])
def test_first_argument_must_be_a_name(text):
    assert "takes a list fact first" in problem(text).message


@pytest.mark.parametrize("text", ["any(homes)", "sum(homes) > 0", "count(homes, owned, owned) > 0",
                                  "all(homes, owned, owned)"])
def test_aggregates_check_argument_counts(text):
    problem(text)


# --------------------------------------------------------------------------- fact_type

def test_fact_type_builds_enums_and_lists():
    assert fact_type({"type": "enum", "values": ["a", "b"]}) == Type("enum", ("a", "b"))
    spec = {"type": "list", "fields": {"area": {"type": "number"}, "kind": {"type": "enum", "values": ["x"]}}}
    assert fact_type(spec) == Type("list", fields=(("area", NUMBER), ("kind", Type("enum", ("x",)))))
    assert fact_type({"type": "date"}) == DATE
