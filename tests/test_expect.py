"""What an example's `expect` may state beyond outcome and lists: the materials accepted as
presented and on a written promise, where the notice offers a promise, the computed facts it
shows, its deadline and whether it gives a 容缺 due date; each compared with a clear diff,
validated by the matter schema and kept in order by `checker fmt`."""

from __future__ import annotations

import pytest

from checker.service import check
from checker.tools.testing import compare
from conftest import FIXTURES, RULES
from conftest import complete_test_application as appl


def without(application, *material_ids):
    application["materials"] = [m for m in application["materials"] if m["id"] not in material_ids]
    return application


@pytest.fixture(scope="module")
def rongque_notice(test_licence):
    """Monday 2025-03-03, TL-02 deferred (容缺): 5 working days to supply (03-10), the decision
    within 20 working days (03-31); TL-03 missing on the promise route; 3 members, 2999 yuan."""
    a = without(appl(has_car=True, promise_route=True, monthly_income=2999.0), "TL-03")
    a["date"], a["rongque"] = "2025-03-03", True
    n = check(test_licence, a)
    assert n.outcome == "correct"  # TL-03 is no secondary material: no 容缺
    a["promised"] = ["TL-03"]
    return check(test_licence, a)


def test_expectations_that_hold_give_no_difference(rongque_notice):
    assert rongque_notice.outcome == "rongque"
    expect = {"outcome": "rongque", "accepted": ["TL-01", "TL-05", "TL-08", "TL-09", "TL-10"],
              "promised": ["TL-03"], "promise_offered": [], "deferred": ["TL-02"],
              "computed": {"age": 35, "adult": True, "per_capita_income": 999.67, "income_band": "low"},
              "deadline": {"notice_by": None, "decision_by": "2025-03-31", "supply_by": "2025-03-10",
                           "supply_within_days": 5},
              "rongque_due": True}
    assert compare(expect, rongque_notice) == []


def test_each_expectation_that_fails_says_what_was_expected_and_what_came(rongque_notice):
    expect = {"accepted": ["TL-01", "TL-02"], "promised": [], "promise_offered": ["TL-02"],
              "computed": {"per_capita_income": 1000, "age": None},
              "deadline": {"supply_by": "2025-03-11", "notice_by": "2025-03-10"},
              "rongque_due": False}
    assert compare(expect, rongque_notice) == [
        "accepted:\n  - TL-02\n  + TL-05\n  + TL-08\n  + TL-09\n  + TL-10",
        "promised:\n  + TL-03",
        "promise_offered:\n  - TL-02",
        "computed.per_capita_income:\n  - 1000\n  + 999.6666666666666",
        "computed.age:\n  - None\n  + 35",
        "deadline.supply_by:\n  - '2025-03-11'\n  + '2025-03-10'",
        "deadline.notice_by:\n  - '2025-03-10'\n  + None",
        "rongque_due:\n  - False\n  + True",
    ]


def test_an_ordinary_correction_gives_no_rongque_due_and_offers_the_promise(test_licence):
    a = without(appl(has_car=True, promise_route=True), "TL-03")
    a["date"] = "2025-03-03"
    n = check(test_licence, a)
    expect = {"outcome": "correct", "missing": ["TL-02", "TL-03"], "promise_offered": ["TL-03"],
              "rongque_due": False,
              "deadline": {"notice_by": "2025-03-10", "decision_by": None, "supply_by": None,
                           "supply_within_days": None}}
    assert compare(expect, n) == []


def test_a_redirect_shows_no_computed_value(test_licence):
    n = check(test_licence, appl(region="other_province"))
    assert n.derived["age"] == 36
    assert compare({"computed": {"age": None}}, n) == []
    assert compare({"derived": {"age": 36}}, n) == []


def _matter_with_example(tmp_path, expect: str):
    text = (FIXTURES / "matters" / "test-licence.yaml").read_text("utf-8")
    text += ("examples:\n  - name: e\n    application:\n      date: \"2026-03-02\"\n"
             "      facts: {members: 1}\n    expect:\n" + expect)
    (tmp_path / "matters").mkdir(exist_ok=True)
    path = tmp_path / "matters" / "test-licence.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("expect, code", [
    ("      outcome: accept\n      accepted: [TL-99]\n", "M013"),
    ("      outcome: accept\n      promise_offered: [TL-3]\n", "M013"),
    ("      outcome: accept\n      computed: {members: 1}\n", "M013"),  # a fact, not computed
    ("      outcome: accept\n      deadline: {due: \"2026-03-09\"}\n", "S001"),
    ("      outcome: accept\n      deadline: {supply_by: \"9 March\"}\n", "S001"),
    ("      outcome: accept\n      rongque_due: yes please\n", "S001"),
])
def test_expectations_naming_nothing_or_malformed_are_refused(tmp_path, expect, code):
    from checker.errors import CheckerError
    from checker.source.loader import load_matter
    with pytest.raises(CheckerError) as e:
        load_matter(_matter_with_example(tmp_path, expect), RULES)
    assert code in {p.code for p in e.value.problems}


def test_a_well_formed_expectation_loads(tmp_path):
    from checker.source.loader import load_matter
    m = load_matter(_matter_with_example(tmp_path, "      outcome: accept\n      accepted: [TL-01]\n"
                                                   "      computed: {age: 36}\n"
                                                   "      deadline: {supply_by: null, decision_by: \"2026-03-30\"}\n"
                                                   "      rongque_due: false\n"), RULES)
    assert m.examples[0].expect["deadline"] == {"supply_by": None, "decision_by": "2026-03-30"}


def test_fmt_puts_the_new_expectations_in_their_place(tmp_path):
    from checker.tools.fmt import format_file
    path = _matter_with_example(tmp_path, "      rongque_due: false\n      deadline: {supply_by: null}\n"
                                          "      computed: {age: 36}\n      accepted: [TL-01]\n"
                                          "      outcome: accept\n")
    _, out = format_file(path)
    tail = out[out.index("    expect:"):]
    keys = [line.split(":")[0].strip() for line in tail.splitlines()[1:]]
    assert keys == ["outcome", "accepted", "computed", "deadline", "rongque_due"]


def test_a_rongque_due_in_days_the_calendar_cannot_date_is_still_due(test_licence):
    """Past 2100 the working-day calendar gives no date: the notice still gives 5 working days."""
    a = appl(has_car=True)
    a["date"], a["rongque"] = "2101-03-02", True
    n = check(test_licence, a)
    assert compare({"outcome": "rongque", "rongque_due": True,
                    "deadline": {"supply_by": None, "supply_within_days": 5}}, n) == []
