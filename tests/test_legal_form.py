"""Each outcome in its legal form, under the law that governs the matter (issue 13, part 3).

Worked from the law, not from the program: 行政许可法 governs only administrative licences (its
art. 2 and art. 12); a registration of marriage, a social assistance benefit or a public service
cites its own instruments. Art. 32(1)(1)-(2) are the only grounds for 不予受理 at the window;
failing a substantive condition cites that condition's basis. An instrument not yet in force on
the application date is not cited (立法法: no retroactive application)."""

from __future__ import annotations

import pytest

from checker.run.compiler import compile_matter
from checker.source.loader import load_matter
from checker.notice.render import render
from checker.service import check
from conftest import MATTERS, RULES

LICENSING_LAW = "行政许可法"


def matter(name):
    return compile_matter(load_matter(MATTERS / f"{name}.yaml", RULES))


NOT_LICENCES = sorted(p.stem for p in MATTERS.glob("*.yaml") if not load_matter(p, RULES).licensing)


@pytest.mark.parametrize("name", NOT_LICENCES)
def test_a_matter_that_is_no_licence_never_rests_its_outcome_on_the_licensing_law(name):
    m = matter(name)
    for ex in m.matter.examples:
        n = check(m, ex.application, parameters=ex.parameters or None)
        assert LICENSING_LAW not in n.outcome_basis["zh"], ex.name
        assert n.outcome_basis["zh"], ex.name  # and it rests on something


def test_a_licence_refused_on_review_cites_art_38_only():
    m = matter("food-business-licence")
    [ex] = [e for e in m.matter.examples if e.expect["outcome"] == "refuse"
            and "premises-unsuitable" in e.expect.get("reasons", [])][:1]
    n = check(m, ex.application)
    assert n.outcome_basis["zh"] == "《中华人民共和国行政许可法》第三十八条第二款"


def test_the_licensing_flag_follows_the_type_of_the_matter():
    # the licences, and the registration of market entities: reference A5 lists 个体工商户 and 企业登记
    # among 行政许可事项 (许可类型: 登记型; 行政许可法 art. 12(5))
    licensed = {p.stem for p in MATTERS.glob("*.yaml") if matter(p.stem).matter.licensing}
    assert licensed == {"construction-permit", "drug-retail-licence", "food-business-licence",
                        "public-place-hygiene-licence", "road-freight-licence",
                        "company-registration", "individual-business-registration"}


def test_only_a_licence_promises_deemed_acceptance(test_licence):
    # 行政许可法 art. 32(4): "逾期不告知的，自收到申请材料之日起即为受理" is the licensing law's; the
    # minimum living allowance's notice neither says it nor gives a notice-by date
    from checker.notice.render import render
    n = check(matter("minimum-living-allowance"), {"date": "2026-03-02", "facts": {}})
    assert n.deadline["notice_by"] is None and n.deadline["deemed_accepted_if_not_notified"] is False
    assert "即为受理" not in render(n, "text", "zh")
    from conftest import complete_test_application
    a = complete_test_application()
    a["materials"] = [m for m in a["materials"] if m["id"] != "TL-03"]
    n = check(test_licence, a)
    assert n.outcome == "correct" and n.deadline["notice_by"] == "2026-03-09" and "即为受理" in render(n, "text", "zh")


def test_the_minimum_living_allowance_cites_its_own_instruments():
    m = matter("minimum-living-allowance")
    n = check(m, {"date": "2026-03-02"})
    assert LICENSING_LAW not in n.outcome_basis["zh"] and "社会救助暂行办法" in n.outcome_basis["zh"]


def test_a_refusal_of_a_licence_cites_the_condition_not_the_grounds_for_non_acceptance():
    # road freight: a driver over 60 is a substantive condition (道路货物运输及站场管理规定), not one
    # of art. 32(1)(1)-(2)
    m = matter("road-freight-licence")
    [ex] = [e for e in m.matter.examples if "driver-over-60" in e.expect.get("reasons", [])][:1]
    n = check(m, ex.application)
    assert n.outcome == "refuse"
    assert "第三十二条" not in n.outcome_basis["zh"]
    assert n.outcome_basis["zh"] == "；".join(b["zh"] for b in n.reasons[0].basis)
    n.number = "渝运不〔2026〕第0001号"
    out = render(n, "text", "zh")
    assert "不予受理通知书" not in out and "行政复议" in out


def test_a_2014_application_cites_what_was_in_force_in_2014():
    # 市场主体登记管理条例 and its implementing rules took effect on 2022-03-01, the Foreign
    # Investment Law on 2020-01-01; so did the 3-working-day limit of the 2022 Regulation
    m = matter("company-registration")
    old = check(m, {"date": "2014-02-28"})
    cited = "；".join(b["zh"] for b in old.matter["basis"])
    assert "市场主体登记管理条例" not in cited and "外商投资法" not in cited and "公司法" in cited
    assert "statutory" not in old.time_limit
    new = check(m, {"date": "2026-03-02"})
    assert "市场主体登记管理条例" in "；".join(b["zh"] for b in new.matter["basis"])
    assert new.time_limit["statutory"]["days"] == 3


@pytest.mark.parametrize("date, cites_2025, cites_before", [("2025-05-09", False, True), ("2025-05-10", True, False)])
def test_marriage_registration_cites_the_regulation_in_force_on_the_day(date, cites_2025, cites_before):
    n = check(matter("marriage-registration"), {"date": date})
    cited = "；".join(b["zh"] for b in n.matter["basis"])
    assert ("国务院令第804号" in cited) is cites_2025
    assert ("2025年修订前" in cited) is cites_before


@pytest.mark.parametrize("name, facts, rule, day", [
    # born 2004-08-01: 22 full years on 2026-08-01 (Civil Code art. 1047: men from 22)
    ("marriage-registration", {"male_birth_date": "2004-08-01", "female_birth_date": "2000-01-01"}, "male-under-22", "2026-08-01"),
    # born 2006-03-03: 20 on 2026-03-03, the day after the application
    ("marriage-registration", {"male_birth_date": "2000-01-01", "female_birth_date": "2006-03-03"}, "female-under-20", "2026-03-03"),
    # living here since 2026-01-10: half a year on 2026-07-10 (居住证暂行条例 art. 2)
    ("residence-permit", {"residence_start_date": "2026-01-10", "expected_stay_half_year": False},
     "residence-under-half-year", "2026-07-10"),
])
def test_a_refusal_says_from_when_the_applicant_would_qualify(name, facts, rule, day):
    n = check(matter(name), {"date": "2026-03-02", "facts": facts})
    [reason] = [r for r in n.reasons if r.rule == rule]
    assert reason.qualifies_on == day
    assert day in render(n, "text", "zh") and day in render(n, "text", "en")


def test_no_date_is_promised_when_the_facts_do_not_give_one():
    # a stated age alone says nothing of the birthday
    n = check(matter("marriage-registration"), {"date": "2026-03-02", "facts": {"male_stated_age": 21,
                                                                                  "female_stated_age": 25}})
    [reason] = [r for r in n.reasons if r.rule == "male-under-22"]
    assert reason.qualifies_on is None
