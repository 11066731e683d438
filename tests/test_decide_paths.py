"""Paths of decide.py and why.py no matter example takes: every later material still checked
after a promised one, a refusal rule that cannot be computed, where a written promise may be
offered, and the 容缺 due date (行政许可法 art. 32; the fixture matter tests/fixtures/matters/test-licence.yaml)."""

from __future__ import annotations

import pytest

from checker.errors import CheckerError
from checker.notice.render import render
from checker.run.compiler import compile_matter
from checker.service import check
from checker.source.loader import load_matter
from conftest import FIXTURES, RULES
from conftest import complete_test_application as appl

FIXTURE = FIXTURES / "matters" / "test-licence.yaml"


def ids(items):
    return [i.id for i in items]


def without(application, *material_ids):
    application["materials"] = [m for m in application["materials"] if m["id"] not in material_ids]
    return application


def variant(tmp_path, *edits):
    """The fixture matter with text replaced (old, new), each old text present once."""
    text = FIXTURE.read_text("utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (tmp_path / "matters").mkdir(exist_ok=True)
    path = tmp_path / "matters" / "test-licence.yaml"
    path.write_text(text, encoding="utf-8")
    return compile_matter(load_matter(path, RULES))


# -- the loop over materials after a promised one ------------------------------------------------

def _promised_then_more_to_supply(**facts):
    """TL-03 promised; later in the matter's order TL-05 and TL-08 (title) not presented, TL-09
    presented with 1 photo where photo_count is 3, TL-04 shared, TL-10 presented."""
    a = without(appl(**facts), "TL-03", "TL-05", "TL-08/title", "TL-09")
    a["materials"].append({"id": "TL-09", "form": "original", "copies": 1})
    a["promised"] = ["TL-03"]
    return a


@pytest.mark.parametrize("facts", [
    {"promise_route": True, "credit_barred": ...},    # the promise holds, the credit record unknown
    {"promise_route": True, "credit_barred": False},  # the promise holds, no credit bar
    {"promise_route": ...},                           # whether the promise may be made is unknown
], ids=["credit-unknown", "credit-clear", "promise-condition-unknown"])
def test_every_material_after_a_promised_one_is_still_checked(test_licence, facts):
    """One-time notice (art. 32(4)): a promised material must not end the check of the others."""
    n = check(test_licence, _promised_then_more_to_supply(**facts))
    assert n.outcome == "correct"
    assert ids(n.promised) == ["TL-03"]
    assert ids(n.missing) == ["TL-05", "TL-08"]
    assert ids(n.defective) == ["TL-09"] and [p.kind for p in n.defective[0].problems] == ["copies"]
    assert ids(n.exempt) == ["TL-04"]
    assert [a["id"] for a in n.accepted] == ["TL-01", "TL-10"]


def test_a_promise_the_credit_record_bars_is_missing_with_the_others(test_licence):
    n = check(test_licence, _promised_then_more_to_supply(promise_route=True, credit_barred=True))
    assert n.outcome == "correct" and n.promised == []
    assert ids(n.missing) == ["TL-03", "TL-05", "TL-08"] and ids(n.defective) == ["TL-09"]
    barred = n.missing[0]
    assert barred.promise_allowed is False and "不适用告知承诺" in barred.why["zh"]


def test_an_unknown_credit_record_behind_a_promise_is_the_agencys_to_check(test_licence):
    a = without(appl(promise_route=True, credit_barred=...), "TL-03")
    a["promised"] = ["TL-03"]
    n = check(test_licence, a)
    assert n.outcome == "accept" and n.info_needed == [] and ids(n.promised) == ["TL-03"]
    assert "credit_barred" in [f for v in n.to_verify for f in v.facts]


# -- a refusal rule that cannot be computed ----------------------------------------------------

def test_a_household_of_no_members_is_asked_to_be_confirmed_not_accepted(test_licence):
    """high-income needs per_capita_income = monthly_income / members, computed only when
    members > 0: with 0 members the rule is undecided, so the number of members is to be checked."""
    n = check(test_licence, appl(members=0, monthly_income=100.0))
    assert n.outcome == "questions" and not n.acceptable
    assert [(q.fact, q.affects) for q in n.info_needed] == [("members", ["high-income"])]
    assert n.info_needed[0].question == {"zh": "请核实：家庭人数（所填：0）",
                                         "en": "Please check: Household members (given: 0)"}
    assert "per_capita_income" not in n.derived and "income_band" not in n.derived


def test_a_division_by_zero_written_in_a_rule_asks_both_its_inputs(tmp_path):
    """Every input known and the condition still undecided: the inputs are what to confirm."""
    compiled = variant(tmp_path, ("  - id: bad-id\n", "  - id: rich\n    when: monthly_income / members >= 5000\n"
                                  "    outcome: refuse\n    reason: {zh: 收入高, en: rich}\n"
                                  "    basis: [{zh: 测试条例第八条, en: \"Test Regulation, art. 8\"}]\n"
                                  "  - id: bad-id\n"))
    n = check(compiled, appl(members=0, monthly_income=100.0))
    assert n.outcome == "questions"
    asked = {q.fact: q.affects for q in n.info_needed}
    assert asked == {"members": ["high-income", "rich"], "monthly_income": ["rich"]}
    n2 = check(compiled, appl(members=1, monthly_income=6000.0))
    assert n2.outcome == "refuse" and {r.rule for r in n2.reasons} == {"rich", "high-income"}


def test_a_derived_division_by_zero_asks_the_facts_it_is_computed_from(tmp_path):
    """A derived fact with no `when` that cannot be computed: its inputs are asked, never the
    computed value itself (no applicant can state it)."""
    compiled = variant(tmp_path,
                       ("derived:\n", "derived:\n  ratio:\n    type: number\n    value: monthly_income / members\n"
                                      "    label: {zh: 比率, en: ratio}\n"),
                       ("  - id: bad-id\n", "  - id: rich\n    when: ratio >= 5000\n"
                                            "    outcome: refuse\n    reason: {zh: 收入高, en: rich}\n"
                                            "    basis: [{zh: 测试条例第八条, en: \"Test Regulation, art. 8\"}]\n"
                                            "  - id: bad-id\n"))
    n = check(compiled, appl(members=0, monthly_income=100.0))
    assert n.outcome == "questions"
    asked = {q.fact: q.affects for q in n.info_needed}
    assert asked == {"members": ["high-income", "rich"], "monthly_income": ["rich"]}
    assert "ratio" not in n.derived


# -- where a written promise may be offered ------------------------------------------------------

def _offers(n) -> bool:
    return "可以书面承诺代替" in render(n, "text", "zh")


def test_a_material_whose_promise_is_not_allowed_is_never_offered_as_promisable(tmp_path):
    compiled = variant(tmp_path, ("    promise_allowed: promise_route\n", "    promise_allowed: false\n"))
    n = check(compiled, without(appl(promise_route=True), "TL-03"))
    assert ids(n.missing) == ["TL-03"] and n.missing[0].promise_allowed is False and not _offers(n)
    a = without(appl(promise_route=True), "TL-03")
    a["promised"] = ["TL-03"]  # a promise where none may ever be made: not a valid application
    with pytest.raises(CheckerError) as e:
        check(compiled, a)
    assert [p.code for p in e.value.problems] == ["A002"]


def test_a_material_whose_promise_is_allowed_is_offered_and_the_promise_accepted(tmp_path):
    compiled = variant(tmp_path, ("    promise_allowed: promise_route\n", "    promise_allowed: true\n"))
    n = check(compiled, without(appl(), "TL-03"))
    assert ids(n.missing) == ["TL-03"] and n.missing[0].promise_allowed is True and _offers(n)
    a = without(appl(), "TL-03")
    a["promised"] = ["TL-03"]
    n = check(compiled, a)
    assert n.outcome == "accept" and ids(n.promised) == ["TL-03"] and n.missing == []


@pytest.mark.parametrize("route, offered", [(True, True), (False, False), (..., True)],
                         ids=["condition-holds", "condition-fails", "condition-unknown"])
def test_a_conditional_promise_is_offered_unless_its_condition_fails(test_licence, route, offered):
    """TL-03's promise is allowed on the promise route: offered where the route is chosen, and
    where it is not yet known (the applicant may still choose it); never where it is refused."""
    n = check(test_licence, without(appl(promise_route=route), "TL-03"))
    assert ids(n.missing) == ["TL-03"]
    assert n.missing[0].promise_allowed is offered and _offers(n) is offered


# -- the 容缺 due date ---------------------------------------------------------------------------

def test_the_rongque_due_date_is_on_a_rongque_notice(test_licence):
    # Monday 2025-03-03; promised 5 working days: 03-04, 05, 06, 07, 10; statutory 20 working
    # days: 4 in the first week, 5 in each of the next three, then Monday 03-31
    a = appl(has_car=True)
    a["date"], a["rongque"] = "2025-03-03", True
    n = check(test_licence, a)
    assert n.outcome == "rongque" and ids(n.deferred) == ["TL-02"]
    assert n.deadline["supply_by"] == "2025-03-10" and n.deadline["supply_within_days"] == 5
    assert n.deadline["decision_by"] == "2025-03-31" and n.deadline["notice_by"] is None
    text = render(n, "text", "zh")
    assert "容缺材料补齐最迟日期" in text and "2025-03-10" in text


@pytest.mark.parametrize("rongque, drop", [(False, ()), (True, ("TL-01",))],
                         ids=["not-requested", "main-material-missing"])
def test_an_ordinary_correction_notice_has_no_rongque_due_date(test_licence, rongque, drop):
    a = without(appl(has_car=True), *drop)
    a["date"], a["rongque"] = "2025-03-03", rongque
    n = check(test_licence, a)
    assert n.outcome == "correct" and n.deferred == []
    assert n.deadline["supply_by"] is None and n.deadline["supply_within_days"] is None
    assert n.deadline["notice_by"] == "2025-03-10" and n.deadline["decision_by"] is None
    text = render(n, "text", "zh")
    assert "容缺材料补齐最迟日期" not in text


def test_a_correction_rule_that_fires_blocks_rongque(test_licence):
    """An entry to correct is a 补正 whatever is secondary (the 容缺 list defers materials only)."""
    a = appl(has_car=True, id_number="110105194912310021")
    a["rongque"] = True
    n = check(test_licence, a)
    assert n.outcome == "correct" and ids(n.missing) == ["TL-02"] and n.deferred == []
    assert [r.rule for r in n.reasons] == ["bad-id"]


def test_an_open_question_blocks_rongque(test_licence):
    a = appl(has_car=True, monthly_income=...)
    a["rongque"] = True
    n = check(test_licence, a)
    assert n.outcome == "correct" and ids(n.missing) == ["TL-02"] and n.deferred == []
    assert [q.fact for q in n.info_needed] == ["monthly_income"]


def test_an_accepted_application_gives_the_decision_date_only(test_licence):
    a = appl()
    a["date"] = "2025-03-03"
    n = check(test_licence, a)
    assert n.outcome == "accept"
    assert (n.deadline["decision_by"], n.deadline["notice_by"], n.deadline["supply_by"]) == ("2025-03-31", None, None)


# -- what a notice that ends the application leaves out ------------------------------------------

def test_a_refusal_asks_nothing_else(test_licence):
    """Refused: no material is asked and no question put (nothing can be granted)."""
    a = without(appl(birth_date="2010-01-01", has_car=..., monthly_income=...), "TL-01")
    n = check(test_licence, a)
    assert n.outcome == "refuse" and [r.rule for r in n.reasons] == ["minor"]
    assert n.info_needed == [] and n.missing == [] and n.possibly_required == [] and n.accepted == []


def test_a_redirect_states_no_computed_facts_nor_what_the_agency_checks(test_licence):
    n = check(test_licence, appl(region="other_province", premises_hygienic=...))
    assert n.outcome == "redirect"
    assert n.computed == [] and n.to_verify == [] and n.declared == []
    n2 = check(test_licence, appl())
    assert {f.fact for f in n2.computed} == {"age", "adult", "per_capita_income", "income_band"}


def test_a_fact_declared_on_a_part_is_not_asked_while_its_material_is_to_be_supplied():
    """birth-registration in Hunan (where an unmarried couple must register the marriage first, so
    the rule reads `couple_married`): the fact is declared on BR-02/paper (the paper marriage
    certificate, one way of presenting BR-02). Without BR-02 the notice asks for BR-02, and
    presenting it answers the question: the fact is not asked besides (decide, settle_declarations)."""
    from conftest import REPO
    compiled = compile_matter(load_matter(REPO / "matters" / "birth-registration.yaml", RULES,
                                          local=REPO / "local" / "hunan.yaml"))
    notice = check(compiled, {"date": "2026-03-02", "facts": {}, "materials": []})
    assert "BR-02" in [i.id for i in notice.missing]
    assert "couple_married" not in [q.fact for q in notice.info_needed]
    presented = check(compiled, {"date": "2026-03-02", "facts": {},
                                 "materials": [{"id": "BR-02/paper", "form": "original"}]})
    assert [d.fact for d in presented.declared] == ["couple_married"]
    assert [d.material_name["zh"] for d in presented.declared] == [compiled.matter.piece("BR-02/paper")[1].name["zh"]]


def test_without_the_credit_rule_set_a_promise_and_rongque_are_open(tmp_path):
    """A matter that does not include rules/credit.yaml has no credit record to bar 告知承诺 or
    容缺受理: the promise is accepted (decide: credit_barred is False, not unknown or true)."""
    compiled = variant(tmp_path, ("include: [credit, agent]\n", "include: [agent]\n"),
                       ("    promise_allowed: promise_route\n", "    promise_allowed: true\n"))
    assert "credit_barred" not in compiled.matter.facts
    a = without(appl(), "TL-03")
    a["facts"].pop("credit_barred", None)
    a["promised"] = ["TL-03"]
    n = check(compiled, a)
    assert n.outcome == "accept" and ids(n.promised) == ["TL-03"] and n.missing == []


def test_a_date_of_qualifying_that_is_not_after_the_application_date_is_not_given(tmp_path):
    """A refusal names the date from which the applicant would qualify only when it is after the
    application date (decide.qualifies_on): on the day itself there is nothing to wait for."""
    from conftest import REPO
    matter = REPO / "matters" / "unemployment-registration.yaml"
    compiled = compile_matter(load_matter(matter, RULES))
    rule = next(r for r in compiled.matter.rules if r.id == "under-16")
    assert rule.qualifies_from is not None
    # born 2010-03-02: 16 on 2026-03-02; the day before, the refusal names that day
    before = check(compiled, {"date": "2026-03-01", "facts": {"applicant_birth_date": "2010-03-02"}})
    assert [(r.rule, r.qualifies_on) for r in before.reasons if r.rule == "under-16"] == [("under-16", "2026-03-02")]
    # a rule whose date is the application date itself (a date the applicant gives): no date named
    from checker.codes import matter_head
    text = matter_head("waiting", "等待", "Waiting") + """facts:
  open_from:
    type: date
    question: {zh: 开放日期, en: Opening date}
    from: applicant
rules:
  - id: not-open
    when: application_date <= open_from
    qualifies_from: open_from
    outcome: refuse
    reason: {zh: 尚未开放, en: Not open yet}
    basis: [{zh: 测试条例第三条, en: "Test Regulation, art. 3"}]
materials:
  - {id: TM-01, name: {zh: 申请表, en: Application form}, form: original, basis: [{zh: 测试条例第二条, en: "Test Regulation, art. 2"}]}
"""
    (tmp_path / "matters").mkdir()
    path = tmp_path / "matters" / "waiting.yaml"
    path.write_text(text, encoding="utf-8")
    waiting = compile_matter(load_matter(path, RULES))
    same_day = check(waiting, {"date": "2026-03-02", "facts": {"open_from": "2026-03-02"}})
    later = check(waiting, {"date": "2026-03-02", "facts": {"open_from": "2026-03-05"}})
    assert [(r.rule, r.qualifies_on) for r in same_day.reasons] == [("not-open", None)]
    assert [(r.rule, r.qualifies_on) for r in later.reasons] == [("not-open", "2026-03-05")]


@pytest.mark.parametrize("edit, supply_by, within", [
    # promised 5 calendar days from Monday 2025-03-03: Saturday 03-08 (the promise counts its own days)
    (("  promised: {days: 5, working_days: true}\n", "  promised: {days: 5}\n"), "2025-03-08", 5),
    # no promised time: the statutory 20 working days bound the deferred materials (A3): 03-31
    (("  promised: {days: 5, working_days: true}\n", ""), "2025-03-31", 20),
], ids=["promised-in-calendar-days", "statutory-only"])
def test_the_rongque_due_date_counts_as_the_promised_time_does(tmp_path, edit, supply_by, within):
    compiled = variant(tmp_path, edit)
    a = appl(has_car=True)
    a["date"], a["rongque"] = "2025-03-03", True
    n = check(compiled, a)
    assert n.outcome == "rongque"
    assert (n.deadline["supply_by"], n.deadline["supply_within_days"]) == (supply_by, within)
