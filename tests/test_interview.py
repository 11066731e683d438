"""The guided interview: only questions that can still change the result; then the checklist."""

from __future__ import annotations

import re

import pytest
import yaml
from typer.testing import CliRunner

from checker.shells import interview as iv
from checker.shells.cli import app
from checker.run.compiler import compile_matter
from checker.source.loader import load_matter
from conftest import MATTERS, REPO, RULES

IB = compile_matter(load_matter(MATTERS / "individual-business-registration.yaml", RULES))
MR = compile_matter(load_matter(MATTERS / "marriage-registration.yaml", RULES))
DATE = "2026-03-02"


def asked(compiled, answers, skipped=frozenset()):
    return [q.fact for q in iv.step(compiled, answers, DATE, set(skipped)).questions]


def test_an_owner_is_not_asked_about_a_lease():
    first = asked(IB, {})
    assert "premises_tenure" in first and "filed_by_agent" in first
    after = iv.step(IB, {"premises_tenure": "owned", "filed_by_agent": False, "family_operation": False,
                         "scope_needs_pre_approval": False, "operator_id_number": "11010519491231002X",
                         "civil_servant_or_military": False, "scope_barred": False}, DATE)
    assert after.done and after.eligible
    assert [i.id for i in after.notice.missing] == ["IB-01", "IB-02", "IB-03"]
    # only the ownership route is offered: nothing about leases
    assert [a.option for a in after.notice.missing[2].alternatives] == ["own"]


def test_no_further_questions_once_plainly_ineligible():
    st = iv.step(IB, {"scope_barred": True}, DATE)
    assert st.done and not st.eligible and [r.rule for r in st.notice.reasons] == ["scope-barred"]


def test_the_age_of_a_grown_operator_makes_the_income_question_irrelevant():
    questions = asked(IB, {"operator_id_number": "11010519491231002X"})
    assert "lives_on_own_labour_income" not in questions
    # a 17-year-old is asked whether they live on their own labour income
    assert "lives_on_own_labour_income" in asked(IB, {"operator_id_number": "110105200903010015"})


def test_a_fact_the_agency_verifies_is_listed_for_the_agency_and_not_asked(tmp_path):
    # a rule reads a fact the agency establishes itself: while it is unknown the notice lists it
    # under what the agency will verify, and the applicant is never asked for it
    path = tmp_path / "shared.yaml"
    path.write_text("""matter: shared
name: {zh: 共享, en: Shared}
department: {zh: 局, en: Bureau}
level: county
type: licence
basis: [{zh: 条例, en: Regulation}]
time_limit: {statutory: {days: 20}}
fee: {amount: 0}
facts:
  blacklisted:
    type: bool
    from: {agency: {zh: 查询黑名单, en: the agency checks the blacklist}}
    question: {zh: 是否被列入黑名单？, en: Blacklisted?}
  adult:
    type: bool
    question: {zh: 是否成年？, en: Adult?}
rules:
  - id: barred
    when: blacklisted or not adult
    outcome: refuse
    reason: {zh: 不符合条件, en: not eligible}
    basis: [{zh: 条例第二条, en: "Regulation, art. 2"}]
materials:
  - {id: SH-01, name: {zh: 申请表, en: Form}, form: original}
""", encoding="utf-8")
    shared = compile_matter(load_matter(path, RULES))
    st = iv.step(shared, {"adult": True}, DATE)
    assert st.notice.info_needed == [] and [m.id for m in st.notice.missing] == ["SH-01"]
    assert [v.facts for v in st.notice.to_verify] == [["blacklisted"]]
    assert st.questions == [] and st.done


def test_a_skipped_question_is_not_asked_again():
    assert "premises_tenure" not in asked(IB, {}, skipped={"premises_tenure"})


def test_a_wrong_id_number_is_asked_again_with_the_reason():
    st = iv.step(IB, {"operator_id_number": "110105194912310021"}, DATE)
    q = next(q for q in st.questions if q.fact == "operator_id_number")
    assert "校验不通过" in q.problem["zh"]


@pytest.mark.parametrize("kind, text, value", [
    ("bool", "是", True), ("bool", "No", False), ("integer", "１２", 12), ("number", "3,500.5", 3500.5),
    ("date", "2026/3/2", "2026-03-02"), ("date", "2026年3月2日", "2026-03-02"),
])
def test_answers_are_read_by_type(kind, text, value):
    assert iv.parse_answer(iv.Question("x", kind, {"zh": "x", "en": "x"}), text) == value


@pytest.mark.parametrize("kind, text, message", [
    ("bool", "maybe", "answer yes or no"), ("integer", "1.5", "enter a whole number"),
    ("date", "2026-02-30", "enter a real date as YYYY-MM-DD, e.g. 2026-03-02"),
])
def test_bad_answers_say_what_would_do(kind, text, message):
    with pytest.raises(iv.AnswerError) as e:
        iv.parse_answer(iv.Question("x", kind, {"zh": "x", "en": "x"}), text)
    assert e.value.text["en"] == message


def test_enum_answers_by_number_value_or_label():
    q = iv.question(IB.matter.facts["premises_tenure"])
    assert [iv.parse_answer(q, t) for t in ("2", "leased", "租赁", "leased ")] == ["leased"] * 4


def run_ask(args, answers, tmp_path):
    save = tmp_path / "answers.yaml"
    r = CliRunner().invoke(app, ["ask", *args, "--date", DATE, "--save", str(save), "--root", str(REPO)],
                           input="".join(a + "\n" for a in answers))
    return r, save


def test_terminal_interview_for_an_owner(tmp_path):
    r, save = run_ask(["individual-business-registration"], ["否", "1", "否", "否", "11010519491231002X", "否", "否"], tmp_path)
    assert r.exit_code == 0, r.output
    questions = r.output.split("请携带以下材料")[0]
    # 6 questions: 4 yes/no, the premises, the ID number; nothing about a lease, nor whether the
    # business scope is barred (from: agency: the registry reviews the scope itself)
    assert questions.count("[是/否]") == 4 and "禁止" not in questions and "经营者公民身份号码" in questions and "出租方" not in r.output
    for mid in ("IB-01", "IB-02", "IB-03"):
        assert f"[{mid}]" in r.output
    saved = yaml.safe_load(save.read_text("utf-8"))
    assert saved["facts"]["premises_tenure"] == "owned" and saved["date"] == DATE
    # the saved answers are an application `checker check` accepts
    check = CliRunner().invoke(app, ["check", "individual-business-registration", str(save), "--root", str(REPO)])
    assert check.exit_code == 1 and "[IB-01]" in check.output


def test_terminal_interview_re_asks_a_bad_answer_and_stops_when_ineligible(tmp_path):
    # agent? maybe -> re-asked; yes; then the premises...; the operator is 15: refused, no more questions
    r, _ = run_ask(["individual-business-registration", "--lang", "en"],
                   ["maybe", "no", "1", "no", "no", "110105201012310019"], tmp_path)
    assert r.exit_code == 0
    assert "answer yes or no" in r.output
    result = r.output.split("Self-check result\n", 1)[1]  # worded as on the web (interview.result)
    assert result.startswith("From your answers, the conditions are not met\nReasons:\n  - the operator is under 16")
    assert "Is the operator a civil servant" not in r.output  # not asked after the refusal


def test_resume_continues_from_saved_answers(tmp_path):
    # one answer, then the input runs out (as if the applicant closed the terminal)
    r, save = run_ask(["marriage-registration"], ["110105199905100019"], tmp_path)
    assert yaml.safe_load(save.read_text("utf-8"))["facts"] == {"male_id_number": "110105199905100019"}
    r2 = CliRunner().invoke(app, ["ask", "marriage-registration", "--resume", str(save), "--save", str(save),
                                  "--root", str(REPO)], input="110105199503150021\n")
    assert "男方公民身份号码" not in r2.output  # already answered
    assert "女方公民身份号码" in r2.output
    assert yaml.safe_load(save.read_text("utf-8"))["facts"]["female_id_number"] == "110105199503150021"


def test_a_list_is_asked_record_by_record_with_labelled_fields():
    freight = compile_matter(load_matter(MATTERS / "road-freight-licence.yaml", RULES))
    drivers = next(q for q in iv.step(freight, {}, DATE).questions if q.fact == "drivers")
    assert drivers.kind == "list"
    fields = {f.fact: f.text["zh"] for f in drivers.fields}
    assert fields["name"] == "姓名" and fields["licence_for_class"] == "持有与所驾驶车辆相应车型的机动车驾驶证"


def test_what_a_signed_declaration_states_is_never_asked():
    # the household's members and incomes are stated in the signed declaration DB-04 and
    # established by the township's investigation (reference 04): the interview does not ask them
    dibao = compile_matter(load_matter(MATTERS / "minimum-living-allowance.yaml", RULES))
    assert "members" not in [q.fact for q in iv.step(dibao, {}, DATE).questions]


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", "1e16"])
def test_numbers_that_are_not_finite_or_too_large_are_refused(text):
    with pytest.raises(iv.AnswerError):
        iv.parse_answer(iv.Question("x", "number", {"zh": "x", "en": "x"}), text)


def test_a_list_with_an_unknown_field_is_not_asked_forever():
    freight = compile_matter(load_matter(MATTERS / "road-freight-licence.yaml", RULES))
    driver = {"name": "张三", "birth_date": "1980-01-01", "age": None, "vehicle_total_mass": 18000,
              "licence_for_class": None, "qualification_certificate": True}
    st = iv.step(freight, {"filed_by_agent": False, "cargo_type": "general", "drivers": [driver]}, DATE)
    assert "drivers" not in [q.fact for q in st.questions]
    needed = [q for q in st.notice.info_needed if q.fact == "drivers"]
    question = needed[0].question["zh"]
    assert "持有与所驾驶车辆相应车型的机动车驾驶证）" in question and "licence_for_class" not in question  # by its label


def test_the_interview_keeps_a_possible_material_conditional_and_names_no_fact(tmp_path):
    # the agent question skipped: IB-05 is only possibly required, so it is not among the
    # materials to bring and its reason is the condition that would make it needed; what is not
    # known is said as the question, never as the fact's name
    r, _ = run_ask(["individual-business-registration"], ["?", "1", "否", "否", "11010519491231002X", "否"], tmp_path)
    assert r.exit_code == 0, r.output
    result = r.output.split("请携带以下材料到窗口办理：", 1)[1]  # worded as on the web (interview.result)
    ib05 = re.split(r"\n  \d+\. |\n(?! )", result.split("[IB-05]", 1)[1])[0]  # up to the next entry
    assert ib05.split("\n")[0].endswith("(视情况可能需要)") and "如属下列情形则需要：申请由代理人代为办理" in ib05
    assert "尚不清楚的情况（可能影响所需材料）：\n  - 是否委托他人代为办理？" in result
    assert "filed_by_agent" not in r.output and "scope_barred" not in r.output
    assert "受理机关将自行核实" in result  # the business scope, checked by the registry itself
