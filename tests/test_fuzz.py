"""Fuzzing with hypothesis: whatever the input, the loader, the condition parser and the
application validator answer with data or with a clear CheckerError / ParseError — never with
another exception, a hang or a crash. Bounded so that CI stays quick."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.run.application import parse_application
from checker.errors import CheckerError
from checker.lang.expr import ParseError, parse
from checker.lang.typecheck import Checker, Type, TypeProblem
from checker.source.yamlsource import load_text

FUZZ = settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", "400")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

YAML_ALPHABET = string.ascii_letters + string.digits + " \t\n:-[]{},&*!|>'\"#%@`?.\\" + "中文\u3000\ufeff"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20)


@FUZZ
@given(st.text(alphabet=YAML_ALPHABET, max_size=200))
def test_yaml_loader_never_crashes(text):
    try:
        load_text(text, "fuzz.yaml")
    except CheckerError as e:
        assert all(p.location.file == "fuzz.yaml" for p in e.problems)


@FUZZ
@given(st.text(alphabet=string.printable + "且或中文（）", max_size=80))
def test_condition_parser_never_crashes(text):
    try:
        node = parse(text)
    except ParseError as e:
        assert 0 <= e.offset <= len(text)
        return
    env = {"a": Type("integer"), "b": Type("bool"), "d": Type("date"), "s": Type("string")}
    try:
        Checker(env).check(node)
    except TypeProblem as e:
        assert e.message


@FUZZ
@given(st.fixed_dictionaries({"date": st.text(max_size=12) | st.just("2026-03-02")},
                             optional={"facts": st.dictionaries(st.sampled_from(
                                 ["members", "region", "homes", "birth_date", "has_car", "x"]), json_values, max_size=4),
                                 "materials": json_values, "promised": json_values, "rongque": json_values}))
def test_application_validator_never_crashes(test_licence, data):
    try:
        parse_application(data, test_licence.matter)
    except CheckerError as e:
        assert e.problems and all(p.code.startswith("A") for p in e.problems)


@FUZZ
@given(json_values)
def test_any_json_value_as_an_application(test_licence, data):
    try:
        parse_application(data, test_licence.matter)
    except CheckerError as e:
        assert e.problems and all(p.code.startswith("A") for p in e.problems)
