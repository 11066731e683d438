"""Outcomes and items of the notice (行政许可法 art. 32), on the fixture matter."""

from __future__ import annotations

import pytest

from checker.service import check
from conftest import complete_test_application as appl


def ids(items):
    return [i.id for i in items]


def without(application, material_id):
    application["materials"] = [m for m in application["materials"] if m["id"] != material_id]
    return application


def test_complete_application_is_accepted(test_licence):
    n = check(test_licence, appl())
    assert n.outcome == "accept"
    assert n.missing == [] and n.defective == [] and n.info_needed == []
    assert ids(n.exempt) == ["TL-04"]  # shared: obtained by the agency, never asked for
    assert n.acceptable


def test_missing_secondary_material_with_rongque_requested_is_rongque(test_licence):
    a = appl(has_car=True)
    a["rongque"] = True
    n = check(test_licence, a)
    assert n.outcome == "rongque"
    assert ids(n.deferred) == ["TL-02"] and n.missing == []
    assert n.deadline["supply_within_days"] == 5  # not beyond the promised time limit (A3)


def test_rongque_is_optional_for_the_applicant(test_licence):
    n = check(test_licence, appl(has_car=True))
    assert n.outcome == "correct"
    assert ids(n.missing) == ["TL-02"]


def test_credit_bar_refuses_rongque(test_licence):
    a = appl(has_car=True, credit_barred=True)
    a["rongque"] = True
    n = check(test_licence, a)
    assert n.outcome == "correct" and ids(n.missing) == ["TL-02"]


def test_an_unknown_credit_record_is_the_agencys_to_check_not_asked(test_licence):
    # credit_barred comes `from: {agency: ...}` (rules/credit.yaml): the agency checks the credit
    # platform itself, so it is never a question for the applicant and never a reason for 补正
    a = appl(has_car=True, credit_barred=...)
    a["rongque"] = True
    n = check(test_licence, a)
    assert n.outcome == "rongque" and n.info_needed == []
    [credit] = [v for v in n.to_verify if v.facts == ["credit_barred"]]
    assert "信用信息共享平台" in credit.text["zh"]


def test_main_material_missing_blocks_rongque(test_licence):
    a = without(appl(has_car=True), "TL-01")
    a["rongque"] = True
    n = check(test_licence, a)
    assert n.outcome == "correct"
    assert ids(n.missing) == ["TL-01", "TL-02"]


def test_written_promise_replaces_a_proof(test_licence):
    a = without(appl(promise_route=True), "TL-03")
    a["promised"] = ["TL-03"]
    n = check(test_licence, a)
    assert n.outcome == "accept"
    assert ids(n.promised) == ["TL-03"]


def test_credit_bar_refuses_the_written_promise(test_licence):
    a = without(appl(credit_barred=True, promise_route=True), "TL-03")
    a["promised"] = ["TL-03"]
    n = check(test_licence, a)
    assert n.outcome == "correct" and ids(n.missing) == ["TL-03"]
    # one message: the proof is needed; never also "a written promise may replace it"
    assert n.missing[0].promise_allowed is False
    from checker.notice.render import render
    text = render(n, "text", "zh")
    assert "不适用告知承诺" in text and "可以书面承诺代替" not in text


@pytest.mark.parametrize("route, offered", [(True, True), (False, False)])
def test_the_notice_offers_a_promise_only_where_one_may_be_made(test_licence, route, offered):
    n = check(test_licence, without(appl(promise_route=route), "TL-03"))
    assert n.missing[0].id == "TL-03" and n.missing[0].promise_allowed is offered


@pytest.mark.parametrize("date, required", [("2024-12-31", False), ("2025-01-01", True)])
def test_material_applies_from_its_effective_date(test_licence, date, required):
    a = without(appl(), "TL-05")
    a["date"] = date
    n = check(test_licence, a)
    assert ("TL-05" in ids(n.missing)) is required


def test_unknown_trigger_makes_material_possibly_required_and_asks(test_licence):
    # nothing certainly required is missing: a question to answer, not a 补正
    n = check(test_licence, appl(has_car=...))
    assert n.outcome == "questions" and n.missing == []
    assert ids(n.possibly_required) == ["TL-02"]
    assert [(q.fact, q.affects) for q in n.info_needed] == [("has_car", ["TL-02"])]


def test_unknown_trigger_needs_nothing_when_material_is_presented(test_licence):
    a = appl(has_car=...)
    a["materials"].append({"id": "TL-02", "form": "copy", "copies": 1})
    n = check(test_licence, a)
    assert n.outcome == "accept"


@pytest.mark.parametrize("birth, outcome", [("2008-03-02", "accept"), ("2008-03-03", "refuse")])
def test_chained_derived_facts_decide_at_the_birthday(test_licence, birth, outcome):
    # age -> adult -> rule 'minor': 18 full years on 2026-03-02 for a birth on 2008-03-02
    n = check(test_licence, appl(birth_date=birth))
    assert n.outcome == outcome
    assert n.derived["age"] == (18 if outcome == "accept" else 17)


def test_refusal_lists_reasons_with_facts_and_no_materials(test_licence):
    a = without(appl(birth_date="2010-01-01"), "TL-01")
    n = check(test_licence, a)
    assert n.outcome == "refuse"
    assert [r.rule for r in n.reasons] == ["minor"]
    assert {f.fact: f.value for f in n.reasons[0].facts} == {"adult": False}
    assert n.missing == []


def test_redirect_takes_precedence_over_refusal(test_licence):
    n = check(test_licence, appl(region="other_province", birth_date="2010-01-01"))
    assert n.outcome == "redirect"
    # the competent agency decides on eligibility: only the redirect is stated
    assert [r.rule for r in n.reasons] == ["other-province"]


def test_not_required_takes_precedence_over_refusal(test_licence):
    n = check(test_licence, appl(small_scale=True, birth_date="2010-01-01"))
    assert n.outcome == "not_required"


@pytest.mark.parametrize("members, income, outcome", [
    (3, 2999.0, "accept"),    # 999.67 per person < 1000
    (3, 3000.0, "refuse"),    # exactly 1000: not below the line
    (0, 100.0, "questions"),  # no members: per-capita income unknown, so the band is unknown
])
def test_derived_with_when_and_otherwise(test_licence, members, income, outcome):
    n = check(test_licence, appl(members=members, monthly_income=income))
    assert n.outcome == outcome


def test_unknown_derived_input_is_asked(test_licence):
    n = check(test_licence, appl(monthly_income=...))
    assert n.outcome == "questions"
    assert [q.fact for q in n.info_needed] == ["monthly_income"]
    assert n.info_needed[0].affects == ["high-income"]


@pytest.mark.parametrize("areas, required", [([60, 51], True), ([60, 50], False), ([], False)])
def test_counts_over_lists(test_licence, areas, required):
    homes = [{"area": a, "from_demolition": False} for a in areas]
    n = check(test_licence, appl(homes=homes))
    assert ("TL-06" in ids(n.missing)) is required


def test_correct_rule_reports_the_fix(test_licence):
    n = check(test_licence, appl(id_number="110105194912310021"))
    assert n.outcome == "correct"
    assert [r.rule for r in n.reasons] == ["bad-id"]


def test_alternatives_name_the_routes_that_apply(test_licence):
    a = without(appl(region=...), "TL-08/title")
    a["materials"].append({"id": "TL-08/lease", "form": "copy", "copies": 1})
    n = check(test_licence, a)
    item = n.missing[0]
    assert item.id == "TL-08"
    assert [(alt.option, alt.applies) for alt in item.alternatives] == [("own", None), ("any", True)]
    assert [(p.id, p.presented) for p in item.alternatives[1].parts] == [("TL-08/lease", True), ("TL-08/title", False)]
    assert [q.fact for q in n.info_needed] == ["region"]


def test_alternative_route_that_does_not_apply_is_not_offered(test_licence):
    a = without(appl(), "TL-08/title")
    n = check(test_licence, a)
    assert [alt.option for alt in n.missing[0].alternatives] == ["own", "any"]
    n2 = check(test_licence, without(appl(region="local"), "TL-08/title"))
    assert n2.missing[0].alternatives[0].applies is True


@pytest.mark.parametrize("attrs, kinds", [
    ({"form": "copy"}, ["form"]),
    ({"form": "original", "copies": 0}, ["copies"]),
    ({"form": "original", "signed": False}, ["unsigned"]),
    ({"form": "original_and_copy", "copies": 2, "signed": True}, []),
])
def test_defects_of_a_presented_material(test_licence, attrs, kinds):
    a = without(appl(), "TL-01")
    a["materials"].append({"id": "TL-01", **attrs})
    n = check(test_licence, a)
    found = [p.kind for i in n.defective for p in i.problems]
    assert found == kinds
    assert n.outcome == ("correct" if kinds else "accept")


def test_a_number_of_copies_the_sources_do_not_give_is_not_checked(test_licence):
    # TL-02 states no number of copies: presenting none of them still presents it, no count is
    # printed; TL-01 states 1, and 0 copies is a defect
    a = appl(has_car=True)
    a["materials"].append({"id": "TL-02", "form": "copy", "copies": 0})
    n = check(test_licence, a)
    assert "TL-02" not in ids(n.defective) and "TL-02" not in ids(n.missing)
    n = check(test_licence, appl(has_car=True))
    item = next(i for i in n.missing if i.id == "TL-02")
    assert item.copies is None
    from checker.notice.render.layout import layout
    entry = next(e for s in layout(n, "zh").sections for e in s.entries if e.title.startswith("[TL-02]"))
    assert [v for k, v in entry.lines if k == "提交形式"] == ["复印件"]


def test_agent_template_from_shared_rule_set(test_licence):
    n = check(test_licence, appl(filed_by_agent=True))
    item = n.missing[0]
    assert item.id == "TL-07"
    assert item.name["zh"] == "授权委托书及代理人身份证明"
    assert [(f.fact, f.value) for f in item.facts] == [("filed_by_agent", True)]


def test_household_explanation_names_the_matching_records(test_licence):
    homes = [{"area": 60, "from_demolition": False}, {"area": 40, "from_demolition": False},
             {"area": 70, "from_demolition": True}]
    n = check(test_licence, appl(homes=homes))
    [item] = [i for i in n.missing if i.id == "TL-06"]
    [fact] = item.facts
    assert fact.fact == "homes"
    assert fact.display == {"zh": "3 条记录，涉及第 1, 3 条",
                            "en": "3 record(s); concerns record(s) 1, 3"}


def test_review_stage_condition_unknown_is_verified_later_not_asked(test_licence):
    n = check(test_licence, appl())  # premises_hygienic not given
    assert n.outcome == "accept" and n.info_needed == []
    assert [(v.rule, v.facts) for v in n.to_verify] == [("unhygienic", ["premises_hygienic"])]


def test_review_stage_refusal_is_a_refusal_of_the_licence(test_licence):
    from checker.notice.render import render
    n = check(test_licence, appl(premises_hygienic=False))
    assert n.outcome == "refuse" and [(r.rule, r.stage) for r in n.reasons] == [("unhygienic", "review")]
    n.number = "测审不〔2026〕第0001号"  # issued through the register
    out = render(n, "text", "zh")
    assert "预审意见：不符合许可条件" in out and "第三十八条第二款" in out and "不予受理通知书" not in out


def test_review_stage_condition_met_is_not_listed(test_licence):
    n = check(test_licence, appl(premises_hygienic=True))
    assert n.outcome == "accept" and n.to_verify == []


def test_a_record_missing_a_field_asks_for_the_list_and_names_the_record(test_licence):
    homes = [{"area": 60, "from_demolition": False}, {"area": None, "from_demolition": False}]
    n = check(test_licence, appl(homes=homes))
    assert n.outcome == "questions" and [i.id for i in n.possibly_required] == ["TL-06"]
    [q] = n.info_needed
    assert q.fact == "homes" and q.affects == ["TL-06"]
    assert q.question["en"] == "Homes (record 2 lacks area)"
    assert n.possibly_required[0].facts[0].display["zh"] == "2 条记录，涉及第 1 条，第 2 条情况不明"


def test_only_the_undecided_part_of_a_condition_is_asked(test_licence):
    # TL-06 needs two homes over 50 m²: with one record known to be 40 m², nothing about it is asked
    homes = [{"area": 40, "from_demolition": None}]
    n = check(test_licence, appl(homes=homes))
    assert n.info_needed == [] and n.outcome == "accept"


def test_a_route_presented_whose_condition_is_unknown_is_asked_not_assumed(test_licence):
    # TL-08 'own' (title only) applies when region is local; region unknown
    n = check(test_licence, appl(region=...))
    assert n.outcome == "questions" and n.missing == []
    assert [(q.fact, q.affects) for q in n.info_needed] == [("region", ["TL-08", "other-province"])]


def test_a_promise_is_accepted_only_on_the_promise_route(test_licence):
    a = without(appl(promise_route=False), "TL-03")
    a["promised"] = ["TL-03"]
    n = check(test_licence, a)
    assert n.outcome == "correct" and ids(n.missing) == ["TL-03"] and n.promised == []


@pytest.mark.parametrize("date, refused", [("2019-12-31", True), ("2020-01-01", False)])
def test_a_rule_applies_until_its_end_date(test_licence, date, refused):
    a = appl(has_car=True)
    a["date"] = date
    a["materials"].append({"id": "TL-02", "form": "copy", "copies": 1})
    a["materials"] = [m for m in a["materials"] if m["id"] != "TL-05"]  # not required before 2025
    n = check(test_licence, a)
    assert (n.outcome == "refuse") is refused


def test_sharing_set_by_a_parameter(test_licence):
    n = check(test_licence, without(appl(), "TL-10"))
    assert "TL-10" in ids(n.missing)  # by default the licence is not obtained by sharing
    n2 = check(test_licence, without(appl(), "TL-10"), parameters={"licence_shared": True})
    assert "TL-10" not in ids(n2.missing) and "TL-10" in ids(n2.exempt)


def test_the_one_time_notice_deadline_counts_working_days_across_national_day(test_licence):
    # 2025 schedule (国办发明电〔2024〕12号): 10-01..10-08 off, Saturday 10-11 worked.
    # 5 working days after Monday 2025-09-29: 09-30, 10-09, 10-10, 10-11, 10-13.
    a = appl(has_car=True)
    a["date"] = "2025-09-29"
    n = check(test_licence, a)
    assert n.outcome == "correct" and n.deadline["notice_by"] == "2025-10-13"


def test_rongque_supply_and_decision_dates(test_licence):
    # promised 5 working days, statutory 20 working days, from Monday 2025-01-27 across the
    # Spring Festival (01-28..02-04 off, Saturday 02-08 worked): 02-05, 06, 07, 08, 10 -> 02-10
    a = appl(has_car=True)
    a["date"], a["rongque"] = "2025-01-27", True
    n = check(test_licence, a)
    assert n.outcome == "rongque" and n.deadline["supply_by"] == "2025-02-10"
    assert n.deadline["decision_by"] is not None and n.deadline["decision_by"] > "2025-02-10"


def test_a_year_the_calendar_does_not_cover_is_said_not_guessed(test_licence):
    a = appl(has_car=True)
    a["date"] = "2101-03-02"  # past 2100, China's holidays are not reckoned by the `holidays` package
    n = check(test_licence, a)
    assert n.deadline["notice_by"] is None
    assert "2101" in n.deadline["notes"][0]["en"] and "cannot be computed" in n.deadline["notes"][0]["en"]


def test_a_date_in_a_year_not_yet_published_is_given_and_marked_provisional(test_licence):
    from checker.run.workdays import provisional_note
    a = appl(has_car=True)
    a["date"] = "2099-03-02"  # Monday; 2099 has no holiday in March: 5 working days end Monday 03-09
    n = check(test_licence, a)
    assert n.deadline["notice_by"] == "2099-03-09"
    assert n.deadline["notes"] == [provisional_note(2099)]


def test_an_answer_that_only_picks_the_route_says_so(test_licence):
    # TL-08 is required whatever the region; the region decides which proof counts
    a = appl()
    del a["facts"]["region"]
    a["materials"] = [m for m in a["materials"] if not m["id"].startswith("TL-08")]
    n = check(test_licence, a)
    [q] = [q for q in n.info_needed if q.fact == "region"]
    assert {"zh": "[TL-08]场所证明提交哪一种", "en": "which form of [TL-08] Premises proof counts"} in q.effects
    assert not any("是否需要提交[TL-08]" in e["zh"] for e in q.effects)


def test_money_is_shown_to_two_decimals():
    from checker.run.why import display
    from checker.source.loader import load_matter
    from conftest import MATTERS, RULES
    m = load_matter(MATTERS / "minimum-living-allowance.yaml", RULES)
    assert display(m, "per_capita_income", 2000 / 3)["zh"] == "666.67 元/人·月"


def test_a_promise_whose_condition_is_unknown_asks_it_and_is_not_called_missing(test_licence):
    a = without(appl(), "TL-03")  # the promise route not stated
    a["promised"] = ["TL-03"]
    n = check(test_licence, a)
    assert "TL-03" not in ids(n.missing) and ids(n.promised) == ["TL-03"]
    assert "promise_route" in [q.fact for q in n.info_needed] and n.outcome == "questions"
