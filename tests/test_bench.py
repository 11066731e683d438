"""The side-by-side benchmark (bench/compare.py): its translation into GoRules ZEN gives our
engine's results, so that what is timed is the same logic. No timings here.

zen-engine is the benchmark-only extra: the tests that run ZEN are skipped without it (`make
bench` installs it from the lock; `pip install -e .[bench]`)."""

from __future__ import annotations

import random
import sys

import pytest

from conftest import FIXTURES, MATTERS, REPO, RULES
from checker.lang.expr import parse
from checker.run.compiler import compile_matter
from checker.source.loader import load_matter

sys.path.insert(0, str(REPO / "bench"))
import compare  # noqa: E402
from zen_translate import Untranslatable, _Translator, _render, translate  # noqa: E402

IBR = "individual-business-registration"


def _zen():
    return pytest.importorskip("zen", reason="zen-engine is the benchmark extra (pip install -e .[bench])")


@pytest.fixture(scope="module")
def ibr():
    return compile_matter(load_matter(MATTERS / f"{IBR}.yaml", RULES))


def _run(compiled, text: str, facts: dict, condition: bool = True):
    """A condition (or a value) over IBR's names, in ZEN, on `facts`."""
    zen = _zen()
    t = _Translator(compiled)
    node = parse(text)
    body = (f"({t.truth(node, True)}) ? true : (({t.truth(node, False)}) ? false : null)"
            if condition else t.value(node))
    program = " ".join(f"{n} = {_render(v, '')};" for n, v in t.computed) + " " + _render(body, "")
    return zen.evaluate_expression(program, facts)


# Kleene's strong logic, worked by hand: unknown is neither true nor false
@pytest.mark.parametrize("facts, expected", [
    ({"filed_by_agent": True, "operator_stated_age": 5}, True),
    ({"filed_by_agent": True, "operator_stated_age": 2}, False),
    ({"filed_by_agent": False}, False),  # false and unknown: false
    ({"filed_by_agent": True}, None),  # true and unknown: unknown
    ({"operator_stated_age": 2}, False),  # unknown and false: false
    ({"operator_stated_age": 5}, None),  # unknown and true: unknown
    ({}, None),
])
def test_and_with_unknowns(ibr, facts, expected):
    assert _run(ibr, "filed_by_agent and operator_stated_age > 3", facts) is expected


@pytest.mark.parametrize("facts, expected", [
    ({"filed_by_agent": False, "family_operation": True}, True),  # not false: true, whatever follows
    ({"filed_by_agent": False}, True),
    ({"filed_by_agent": True}, None),  # false or unknown: unknown
    ({"filed_by_agent": True, "family_operation": True}, False),
    ({}, None),
])
def test_or_and_not_with_unknowns(ibr, facts, expected):
    assert _run(ibr, "not filed_by_agent or not family_operation", facts) is expected


@pytest.mark.parametrize("facts, expected", [
    ({"operator_stated_age": 1}, True),
    ({}, False),  # known() is never unknown itself
])
def test_known(ibr, facts, expected):
    assert _run(ibr, "known(operator_stated_age)", facts) is expected


@pytest.mark.parametrize("tenure, expected", [("owned", True), ("leased", False), (None, None)])
def test_in_a_list(ibr, tenure, expected):
    facts = {} if tenure is None else {"premises_tenure": tenure}
    assert _run(ibr, 'premises_tenure in ["owned", "no_title_certificate"]', facts) is expected


@pytest.mark.parametrize("birth, day, years", [
    ("2000-02-29", "2001-02-28", 0),  # 周岁: a 29 February birthday is reached on 1 March
    ("2000-02-29", "2001-03-01", 1),
    ("1990-06-15", "2024-06-14", 33),
    ("1990-06-15", "2024-06-15", 34),  # on the birthday itself
])
def test_full_years(ibr, birth, day, years):
    value = _run(ibr, "full_years(operator_birth_date, application_date)",
                 {"operator_birth_date": birth, "application_date": day}, condition=False)
    assert value == years


# GB 11643-1999's own example number, 11010519491231002X: its check character worked by hand
# (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over 11010519491231002 sum to 167; 167 mod 11 = 2 -> X)
@pytest.mark.parametrize("number, valid, birth", [
    ("11010519491231002X", True, "1949-12-31"),
    ("11010519491231002x", True, "1949-12-31"),  # a lower-case x is read as X
    ("110105194912310021", False, "1949-12-31"),  # wrong check character; the birth date stands
    ("110105194913310020", False, None),  # month 13: no birth date
    ("11010519491231002", False, None),  # 17 characters
    ("1101051949123100XX", False, None),
])
def test_id_number_functions(ibr, number, valid, birth):
    facts = {"operator_id_number": number}
    assert _run(ibr, "id_valid(operator_id_number)", facts, condition=False) is valid
    assert _run(ibr, "id_birth_date(operator_id_number)", facts, condition=False) == birth


def test_dates_are_ordered_as_dates(ibr):
    assert _run(ibr, "operator_birth_date > application_date",
                {"operator_birth_date": "2024-01-02", "application_date": "2023-12-31"}) is True
    assert _run(ibr, 'application_date < date("2022-03-01")', {"application_date": "2022-02-28"}) is True
    assert _run(ibr, 'application_date < date("2022-03-01")', {"application_date": "2022-03-01"}) is False


def test_what_is_not_translated_is_refused(ibr):
    t = _Translator(ibr)
    with pytest.raises(Untranslatable):
        t.value(parse('uscc_valid(operator_id_number)'))
    with pytest.raises(Untranslatable):
        t.value(parse(r'''premises_tenure == "a'b\"c"'''))  # ZEN strings have no escapes


@pytest.mark.parametrize("path", [MATTERS / f"{mid}.yaml" for mid in compare.MATTERS]
                         + [FIXTURES / "matters" / "test-licence.yaml"], ids=lambda p: p.stem)
def test_zen_gives_our_engines_results(path):
    """Every condition and derived value, on generated applications (with wrong ID numbers among
    them), from ZEN's expression and its graph, equals our engine's; and the applications reach
    TRUE, FALSE and UNKNOWN, so that the comparison means something."""
    _zen()
    compiled = compile_matter(load_matter(path, RULES))
    subject = compare.Subject(compiled, 60, 7, compare.Zen(), compare.floor_column())
    counts = compare.verify(subject)
    assert set(counts) >= {"zen-expr", "zen-graph"}
    for column, tally in counts.items():
        assert tally == {"compared": 60 * (len(subject.translation.conditions) + len(subject.translation.derived))}, column
    assert all(compare.outcomes(subject).values())  # some true, some false, some unknown


def test_a_wrong_translation_is_counted(ibr):
    """The check can fail: a ZEN expression that says TRUE for every rule is caught, per kind."""
    zen = _zen()
    subject = compare.Subject(ibr, 20, 3, compare.Zen(), compare.floor_column())
    t = translate(ibr)
    t.conditions = {cid: ("true" if cid.startswith("rule:") else text) for cid, text in t.conditions.items()}
    subject.expression = zen.compile_expression(t.expression())
    counts = compare.verify(subject)
    assert counts["zen-expr"].get("rule", 0) > 0
    assert set(counts["zen-expr"]) <= {"compared", "rule"}
    assert counts["zen-graph"] == {"compared": counts["zen-expr"]["compared"]}


def test_synthetic_matters_add_their_conditions(ibr, tmp_path):
    base = len([c for c in ibr.conditions if not c.startswith("derive:")])
    grown = compare.synthetic(10, tmp_path)
    added = [c for c in grown.conditions if c.startswith("rule:synthetic-")]
    assert len(added) == 10
    assert len([c for c in grown.conditions if not c.startswith("derive:")]) == base + 10


def test_slope_and_ratio():
    assert compare.slope([10, 20, 40], [5.0, 7.0, 11.0]) == pytest.approx(0.2)
    times = {"a": [2.0, 3.0, 9.0], "b": [1.0, 1.0, 1.0]}
    assert compare.ratio(times, "a", "b") == 3.0  # the median of 2, 3, 9


def test_the_floor_column_is_named():
    name, fn = compare.floor_column()
    assert name in ("floor (direct)", "floor (generated)") and callable(fn)
