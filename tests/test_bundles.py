"""Bundles (一件事): one form, one set of materials, one notice, over two real matters of the
library (unemployment registration and the unemployment benefit).

Every expectation is worked out by hand from the two matter files: UR-01 (an identity document;
for a mainland resident the ID card or the social-security card) and UR-02 (the registration form:
required, `registration_form_not_required` is false nationally) for the registration; UB-01 (the
social-security card or the ID card), UB-02 (only where `older_list_form_required`, false
nationally) and UB-03 (the employer's proof, obtained by the agency: 免提交) for the benefit. The
registration refuses when the applicant cannot work (`unable-to-work`); the benefit refuses a
voluntary resignation (`voluntary-separation`) and an applicant not registered as unemployed
(`not-registered-unemployed`), and its contribution months and separation reason are verified by
the agency (never asked)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.notice.render import FORMATS, render
from checker.run.event import parse_event
from checker.service import check_bundle
from checker.shells import interview as iv
from checker.shells.cli import app
from checker.workspace import Workspace
from conftest import REPO

BUNDLE = """\
bundle: jobless
name: {zh: 失业一件事（测试）, en: Becoming unemployed (test)}
basis: [{zh: 国发〔2024〕3号, en: "State Council 2024 No. 3"}]
members:
  - matter: unemployment-registration
  - matter: unemployment-benefit
    when: insured_here
    when_text: {zh: 在本地参加失业保险的, en: if insured here}
    after: [unemployment-registration]
    produced: {registered_unemployed: unemployment-registration}
    facts: {seeking_work: wishes_to_work}
documents:
  - id: id-card
    name: {zh: 居民身份证, en: Resident ID card}
    materials: {unemployment-registration: UR-01/id_card, unemployment-benefit: UB-01/id_card}
"""

REG, BEN = "unemployment-registration", "unemployment-benefit"
ID = "110105199603150029"  # a valid number (check digit 9), born 1996-03-15: 29 on the application date
FACTS = {"applicant_id_number": ID, "local_connection": True, "applicant_origin": "mainland", "able_to_work": True,
         "wishes_to_work": True, "currently_without_work": True, "entitled_to_basic_pension": False,
         "unemployment_situation": "lost_job", "insured_here": True}
COMPLETE = [{"id": "id-card", "form": "original"}, {"id": "UR-02", "form": "original"}]


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    root = tmp_path_factory.mktemp("library")
    for folder in ("matters", "rules", "local"):
        (root / folder).symlink_to(REPO / folder)
    (root / "bundles").mkdir()
    (root / "bundles" / "jobless.yaml").write_text(BUNDLE, encoding="utf-8")
    return Workspace(root)


def event(library, facts=None, materials=COMPLETE, drop=()):
    b = library.bundle("jobless")
    data = {"date": "2026-03-02", "facts": {k: v for k, v in {**FACTS, **(facts or {})}.items() if k not in drop},
            "materials": materials}
    return check_bundle(b, library.compiled, data)


def members(notice) -> dict:
    return {m.matter: m.outcome for m in notice.members}


def test_a_complete_event_is_accepted_and_the_registration_is_produced_for_the_benefit(library):
    n = event(library)
    assert n.outcome == "accept" and members(n) == {REG: "accept", BEN: "accept"}
    assert n.missing == [] and n.info_needed == []
    assert [(p.material, p.kind, p.produced_by, p.ready) for p in n.produced] == \
        [("registered_unemployed", "fact", REG, True)]
    # the ID card was presented once and counts for both members
    assert [a["id"] for a in n.accepted] == ["id-card", "UR-02"]
    by_member = {m.matter: {a["id"] for a in m.notice.accepted} for m in n.members}
    assert "UR-01" in by_member[REG] and "UB-01" in by_member[BEN]
    # the employer's proof is obtained by the agency, the contributions verified by it: nothing asked
    ben = next(m.notice for m in n.members if m.matter == BEN)
    assert [i.id for i in ben.exempt] == ["UB-03"]


def test_an_incomplete_registration_is_listed_once_and_the_benefit_waits_on_it(library):
    n = event(library, materials=[{"id": "id-card", "form": "original"}])
    assert n.outcome == "correct" and members(n) == {REG: "correct", BEN: "accept"}
    assert [(i.id, [(need.matter, need.material) for need in i.needs]) for i in n.missing] == [("UR-02", [(REG, "UR-02")])]
    assert {m.matter: m.waits_on for m in n.members} == {REG: [], BEN: [REG]}
    assert [(p.material, p.ready, p.blocked) for p in n.produced] == [("registered_unemployed", False, False)]


def test_a_document_both_need_is_asked_once_naming_both(library):
    n = event(library, materials=[{"id": "UR-02", "form": "original"}])
    assert n.outcome == "correct"
    assert [(i.id, [(need.matter, need.material) for need in i.needs]) for i in n.missing] == \
        [("id-card", [(REG, "UR-01"), (BEN, "UB-01")])]


def test_a_member_that_does_not_apply_is_left_out(library):
    n = event(library, facts={"insured_here": False})
    assert n.outcome == "accept" and members(n) == {REG: "accept", BEN: "not_applicable"}
    assert n.produced == [] and next(m for m in n.members if m.matter == BEN).notice is None


def test_whether_a_member_applies_is_asked_when_unknown(library):
    n = event(library, drop=("insured_here",))
    assert n.outcome == "questions" and members(n) == {REG: "accept", BEN: "undecided"}
    assert [(q.fact, q.members) for q in n.info_needed] == [("insured_here", [BEN])]


def test_a_refusal_in_one_member_leaves_the_other_going_on(library):
    n = event(library, facts={"separation_reason": "voluntary_resignation"})
    assert n.outcome == "partial" and members(n) == {REG: "accept", BEN: "refuse"}
    ben = next(m.notice for m in n.members if m.matter == BEN)
    assert [r.rule for r in ben.reasons] == ["voluntary-separation"]


def test_a_registration_that_cannot_be_made_blocks_the_benefit(library):
    """The registration is refused (the applicant cannot work): the benefit, which needs it, cannot
    go ahead in this event either; it is blocked, not refused on a ground of its own, and what it
    would lack besides is still told (here nothing)."""
    n = event(library, facts={"able_to_work": False})
    assert members(n) == {REG: "refuse", BEN: "blocked"} and n.outcome == "refuse"
    ben = next(m for m in n.members if m.matter == BEN)
    assert ben.waits_on == [REG] and ben.notice.reasons == []
    assert [(p.material, p.blocked) for p in n.produced] == [("registered_unemployed", True)]
    assert n.missing == []


def test_the_one_form_asks_each_shared_fact_once(library):
    """The interview over the event against each member's interview alone: the same answers, the
    registration's `wishes_to_work` and the benefit's `seeking_work` being one fact."""
    b = library.bundle("jobless")
    oracle = {**FACTS, "seeking_work": True, "applicant_birth_date": "1996-03-15", "applicant_stated_age": 29}

    def ask(step) -> list[str]:
        answers, asked = {}, []
        for _ in range(40):
            st = step(answers)
            if st.done:
                return asked
            fact = st.questions[0].fact
            asked.append(fact)
            answers[fact] = oracle[fact]
        raise AssertionError("the interview does not end")

    one_by_one = {mid: ask(lambda a, mid=mid: iv.step(library.compiled(mid), a, "2026-03-02")) for mid in (REG, BEN)}
    together = ask(lambda a: iv.event_step(b, library.compiled, a, "2026-03-02"))
    assert len(together) == len(set(together))  # nothing asked twice
    as_event = set(one_by_one[REG]) | {"wishes_to_work" if f == "seeking_work" else f for f in one_by_one[BEN]}
    assert set(together) == as_event
    assert "wishes_to_work" in one_by_one[REG] and "seeking_work" in one_by_one[BEN]
    assert len(together) < len(one_by_one[REG]) + len(one_by_one[BEN])


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_event_notice_in_every_format_names_no_internal_id(library, fmt, lang):
    n = event(library, materials=[{"id": "UR-02", "form": "original"}])
    text = render(n, fmt, lang)
    if fmt == "json":
        data = json.loads(text)
        assert data["schema"] == "checker.event-notice/1" and data["outcome"] == "correct"
        assert [m["notice"]["schema"] for m in data["members"]] == ["checker.notice/1"] * 2
        return
    # one item, however many members need it, by its name (the document's id is the form's key)
    assert "id-card" not in text
    needed = [line for line in text.splitlines() if ("UR-01" in line and "UB-01" in line)]
    assert len(needed) == 1
    for internal in ("registered_unemployed", "wishes_to_work", "not-registered-unemployed", "insured_here"):
        assert internal not in text


def test_an_application_for_another_bundle_is_refused(library):
    b = library.bundle("jobless")
    with pytest.raises(Exception) as e:
        parse_event(b, {"bundle": "newborn", "date": "2026-03-02"})
    assert "A002" in str(e.value)


def test_the_command_line_checks_a_bundle(library, tmp_path):
    application = tmp_path / "app.json"
    application.write_text(json.dumps({"bundle": "jobless", "date": "2026-03-02", "facts": FACTS,
                                       "materials": COMPLETE}), encoding="utf-8")
    r = CliRunner().invoke(app, ["check", "jobless", str(application), "--root", str(library.root), "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["outcome"] == "accept"
    application.write_text(json.dumps({"date": "2026-03-02", "facts": FACTS, "materials": COMPLETE[:1]}), encoding="utf-8")
    r = CliRunner().invoke(app, ["check", "jobless", str(application), "--root", str(library.root)])
    assert r.exit_code == 1 and "UR-02" in r.output
    listed = CliRunner().invoke(app, ["list", "--root", str(library.root), "--format", "json"])
    assert {"id": "jobless", "kind": "bundle"}.items() <= next(x for x in json.loads(listed.output) if x["id"] == "jobless").items()


def test_explain_traces_each_member_on_its_share(library, tmp_path):
    application = tmp_path / "app.json"
    application.write_text(json.dumps({"date": "2026-03-02", "facts": {**FACTS, "insured_here": False},
                                       "materials": COMPLETE}), encoding="utf-8")
    r = CliRunner().invoke(app, ["explain", "jobless", str(application), "--root", str(library.root), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert [(m["matter"], m["outcome"], m["trace"] is None) for m in data["members"]] == \
        [(REG, "accept", False), (BEN, "not_applicable", True)]


def test_screening_an_event_numbers_each_member_under_the_event(library, tmp_path):
    """A batch record naming a bundle gets the event's one notice; with a register, each member's
    notice its own number (the registration 审补: UR-02 missing; the benefit 审受), kept under the
    event's key (BUNDLE/REFERENCE/MEMBER) and shown together by `register show BUNDLE/REFERENCE`."""
    batch = tmp_path / "batch.jsonl"
    record = {"bundle": "jobless", "reference": "E-1", "date": "2026-03-02", "facts": FACTS,
              "materials": [{"id": "id-card", "form": "original"}]}
    batch.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    db = tmp_path / "register.db"
    r = CliRunner().invoke(app, ["screen", str(batch), "--out", str(tmp_path / "out"), "--db", str(db),
                                 "--abbr", "X", "--agency", "某人社局", "--root", str(library.root)])
    assert r.exit_code == 1, r.output  # something to supply
    notice = json.loads((tmp_path / "out" / "notices" / "jobless" / "E-1.json").read_text(encoding="utf-8"))
    assert notice["schema"] == "checker.event-notice/1" and notice["outcome"] == "correct"
    numbers = {m["matter"]: m["notice"]["number"] for m in notice["members"]}
    assert numbers == {REG: "X审补〔2026〕第0001号", BEN: "X审受〔2026〕第0001号"}
    shown = CliRunner().invoke(app, ["register", "show", "jobless/E-1", "--db", str(db), "--abbr", "X",
                                     "--agency", "某人社局"])
    assert shown.exit_code == 0, shown.output
    assert "X审补〔2026〕第0001号" in shown.output and "X审受〔2026〕第0001号" in shown.output
    summary = (tmp_path / "out" / "summary.csv").read_text(encoding="utf-8")
    assert summary.splitlines()[1].startswith("jobless,")


def test_a_document_three_members_need_is_presented_once_for_all_three(tmp_path):
    """None of the four events has a document three members need at once (the unemployment
    event's resident insurance applies only while no benefit is drawn); with that condition lifted,
    the person's ID card serves the registration (UR-01), the benefit (UB-01) and the insurance
    (MI-02), presented once. Worked by hand from bundles/unemployment.yaml's graduate example, here
    insured 30 months with a contract that ended: every member accepts."""
    root = tmp_path / "library"
    root.mkdir()
    for folder in ("matters", "rules", "local"):
        (root / folder).symlink_to(REPO / folder)
    (root / "bundles").mkdir()
    text = (REPO / "bundles" / "unemployment.yaml").read_text(encoding="utf-8")
    condition = ('''      chooses_resident_medical_insurance
      and not (insured_here and contribution_months >= 12 and separation_reason != "voluntary_resignation" and wishes_to_work)''')
    assert text.count(condition) == 1
    (root / "bundles" / "unemployment.yaml").write_text(text.replace(condition, "      chooses_resident_medical_insurance"),
                                                     encoding="utf-8")
    ws = Workspace(root)
    facts = {"applicant_birth_date": "2003-05-01", "local_connection": True, "applicant_origin": "mainland",
             "able_to_work": True, "wishes_to_work": True, "currently_without_work": True,
             "entitled_to_basic_pension": False, "unemployment_situation": "lost_job", "insured_here": True,
             "contribution_months": 30, "separation_reason": "contract_ended",
             "chooses_resident_medical_insurance": True, "has_local_hukou": True}
    n = check_bundle(ws.bundle("unemployment"), ws.compiled, {
        "date": "2026-03-02", "facts": facts,
        "materials": [{"id": "id-card", "form": "original", "copies": 1, "valid_until": "2033-05-01"},
                      {"id": "UR-02", "form": "original", "copies": 1}, {"id": "MI-01", "form": "original", "copies": 1}]})
    assert n.outcome == "accept" and set(members(n).values()) == {"accept"} and len(n.members) == 3
    assert [a["id"] for a in n.accepted].count("id-card") == 1
    assert {m.matter: sorted(a["id"] for a in m.notice.accepted) for m in n.members} == {
        REG: ["UR-01", "UR-02"], BEN: ["UB-01"], "resident-medical-insurance-enrolment": ["MI-01", "MI-02"]}
