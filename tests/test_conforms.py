"""The fast schema check: a True is never wrong (jsonschema agrees), and valid applications get one."""

from __future__ import annotations

import math

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.run.application import application_schema, parse_application, validator_for
from checker.run.conforms import compile_schema
from checker.source.loader import load_matter
from conftest import MATTERS, RULES, complete_test_application
from test_fuzz import FUZZ, json_values

LIBRARY = [load_matter(p, RULES) for p in sorted(MATTERS.glob("*.yaml"))]


@pytest.mark.parametrize("matter", LIBRARY, ids=lambda m: m.id)
def test_every_valid_example_takes_the_fast_path(matter):
    schema = application_schema(matter)
    fast, validator = compile_schema(schema), jsonschema.Draft202012Validator(schema)
    valid = [ex.application for ex in matter.examples if validator.is_valid(ex.application)]
    assert len(valid) >= 10
    for app in valid:
        assert fast(app), app


def _agrees(schema: dict, instance) -> None:
    if compile_schema(schema)(instance):
        assert jsonschema.Draft202012Validator(schema).is_valid(instance), instance


@pytest.mark.parametrize("value, fast, valid", [
    (3, True, True),
    (3.0, False, True),         # an integer to jsonschema: the fast check leaves it to jsonschema
    (True, False, False),       # a bool is not an integer
    ("3", False, False),
    (-1, False, False),         # below the minimum
    (200, False, False),
    (None, True, True),         # unknown
])
def test_integer_facts(value, fast, valid):
    schema = {"type": "object", "properties": {"age": {"anyOf": [
        {"type": "integer", "minimum": 0, "maximum": 150}, {"type": "null"}]}}}
    assert compile_schema(schema)({"age": value}) is fast
    assert jsonschema.Draft202012Validator(schema).is_valid({"age": value}) is valid


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_left_to_jsonschema(value):
    for schema in ({"type": "number", "minimum": 0}, {"minimum": 0}, {"maximum": 10}):
        assert compile_schema(schema)(value) is False


def test_a_date_with_a_trailing_newline_is_judged_as_jsonschema_judges_it():
    # jsonschema searches the pattern, and `$` matches before a final newline: the parser's
    # real-date check (A003) is what refuses it, on either path
    schema = {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    assert compile_schema(schema)("2026-03-02\n") is True
    assert jsonschema.Draft202012Validator(schema).is_valid("2026-03-02\n")


def test_keywords_it_does_not_know_make_it_always_defer():
    assert compile_schema({"type": "number", "multipleOf": 3})(6) is False
    assert compile_schema({"type": "object", "properties": {"a": {"not": {}}}})({}) is False


def test_closed_objects_required_keys_and_unique_items():
    schema = {"type": "object", "required": ["date"], "additionalProperties": False,
              "properties": {"date": {"type": "string"}, "ids": {"type": "array", "uniqueItems": True,
                                                                 "items": {"enum": ["A", "B"]}}}}
    fast = compile_schema(schema)
    assert fast({"date": "x", "ids": ["A", "B"]})
    assert not fast({"ids": ["A"]})                       # date missing
    assert not fast({"date": "x", "other": 1})            # unknown key
    assert not fast({"date": "x", "ids": ["A", "A"]})     # not unique
    assert not fast({"date": "x", "ids": ["C"]})          # not in the enum
    assert not fast({1: "x", "date": "x"})                # a key that is not a string


@FUZZ
@given(json_values)
def test_a_fast_yes_is_never_wrong_for_any_json_value(value):
    for matter in LIBRARY[:3]:
        _agrees(application_schema(matter), value)


@FUZZ
@given(st.fixed_dictionaries({"date": st.text(max_size=12) | st.just("2026-03-02")},
                             optional={"facts": st.dictionaries(st.sampled_from(
                                 ["members", "region", "homes", "birth_date", "has_car", "monthly_income", "x"]),
                                 json_values | st.integers(-5, 5) | st.floats(), max_size=5),
                                 "materials": st.lists(st.fixed_dictionaries(
                                     {"id": st.sampled_from(["TL-01", "TL-03", "TL-99", 1])},
                                     optional={"form": st.sampled_from(["original", "copy", "scan"]),
                                               "copies": st.integers(-1, 1000) | st.floats(),
                                               "signed": json_values}), max_size=3),
                                 "promised": json_values, "rongque": json_values}))
def test_a_fast_yes_is_never_wrong_for_near_valid_applications(test_licence, data):
    _agrees(application_schema(test_licence.matter), data)


def test_the_fast_path_parses_exactly_as_the_slow_one(test_licence):
    raw = complete_test_application(members=4, monthly_income=3000, homes=[{"area": 80.5, "from_demolition": True}])
    fast = parse_application(raw, test_licence.matter)
    matter = test_licence.matter
    checks = validator_for(matter)
    saved = checks.conforms
    checks.conforms = lambda data: False  # force jsonschema
    try:
        slow = parse_application(raw, matter)
    finally:
        checks.conforms = saved
    assert fast == slow
