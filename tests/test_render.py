"""Renderers: every item of the notice appears, in either language, and output is reproducible."""

from __future__ import annotations

import json

import pytest

from checker.notice.render import render
from checker.service import check
from conftest import complete_test_application as appl


@pytest.fixture()
def notice(test_licence):
    a = appl(has_car=True, filed_by_agent=True, monthly_income=...)
    a["materials"] = [m for m in a["materials"] if m["id"] != "TL-08/title"]
    a["materials"].append({"id": "TL-08/lease", "form": "copy", "copies": 1})
    a["materials"][0]["signed"] = False
    a["applicant"] = {"name": "张三 <b>", "contact": "010-1234"}
    return check(test_licence, a)


def test_the_fixture_notice_has_every_kind_of_item(notice):
    assert notice.outcome == "correct"
    assert [i.id for i in notice.missing] == ["TL-02", "TL-07", "TL-08"]
    assert [i.id for i in notice.defective] == ["TL-01"]
    assert [q.fact for q in notice.info_needed] == ["monthly_income"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_chinese_notice_lists_everything(notice, fmt):
    out = render(notice, fmt, "zh")
    for text in ("车辆证明", "授权委托书及代理人身份证明", "场所证明", "申请表", "未签字", "家庭月收入",
                 "第三十二条第一款第（四）项", "五个工作日", "委托他人代为办理", "测试条例第一条",
                 notice.rules_sha256, "租约", "尚缺"):
        assert text in out, text


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_english_notice(notice, fmt):
    out = render(notice, fmt, "en")
    for text in ("Car papers", "Power of attorney and the agent's ID" if fmt != "html" else "Power of attorney and the agent&#x27;s ID",
                 "not signed", "Household monthly income", "art. 32 para. 1 item 4", "5 working days"):
        assert text in out, text
    assert "车辆证明" not in out


def test_html_escapes_applicant_text(notice):
    out = render(notice, "html", "zh")
    assert "张三 &lt;b&gt;" in out and "<b>" not in out
    assert out.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in out


def test_markdown_escapes_structure_characters(notice):
    out = render(notice, "markdown", "zh")
    assert "\\[TL-02\\]" in out


def test_json_shape_is_documented_and_stable(notice):
    data = json.loads(render(notice, "json"))
    assert data["schema"] == "checker.notice/1"
    assert data["outcome"] == "correct"
    assert [m["id"] for m in data["missing"]] == ["TL-02", "TL-07", "TL-08"]
    agent = data["missing"][1]
    assert agent["facts"] == [{"fact": "filed_by_agent", "label": {"zh": "委托他人代为办理", "en": "filed by an agent"},
                               "value": True, "display": {"zh": "是", "en": "yes"}}]
    assert data["defective"][0]["problems"][0]["kind"] == "unsigned"
    assert data["info_needed"][0]["fact"] == "monthly_income"
    assert len(data["rules_sha256"]) == 64 and len(data["application_sha256"]) == 64
    assert data["deadline"]["notice_within_working_days"] == 5


def test_same_application_gives_the_same_bytes(test_licence):
    outs = {fmt: render(check(test_licence, appl(has_car=True)), fmt, "zh") for fmt in ("text", "json")}
    again = {fmt: render(check(test_licence, appl(has_car=True)), fmt, "zh") for fmt in ("text", "json")}
    assert outs == again


def test_refusal_notice_gives_reasons_and_remedies(test_licence):
    n = check(test_licence, appl(birth_date="2015-01-01"))
    n.number = "测审不〔2026〕第0001号"  # issued by staff: numbered in the register
    out = render(n, "text", "zh")
    assert "未成年" in out and "行政复议" in out and "受理机关专用章" in out and n.number in out
    assert "需补充提交的材料" not in out


@pytest.mark.parametrize("lang, words", [
    ("zh", ("本机关", "专用章", "经办人", "通知书", "文号", "不予受理", "签收")),
    ("en", ("Notice of", "Agency seal", "Officer", "Received by", "this agency", "Document number")),
])
@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
@pytest.mark.parametrize("facts", [dict(birth_date="2015-01-01"), dict(has_car=True), {}])
def test_a_self_check_is_not_dressed_as_the_agencys_notice(test_licence, lang, words, fmt, facts):
    # no number: not issued by the agency, so no official title, seal, signature lines or
    # remedies of a decision; it says it is a self-check for reference
    out = render(check(test_licence, appl(**facts)), fmt, lang)
    assert ("仅供参考" if lang == "zh" else "for reference only") in out
    assert [w for w in words if w in out] == []


def test_the_notice_as_data_is_exactly_what_dataclasses_asdict_gives():
    # to_dict is a fast replacement for dataclasses.asdict: the same data, for every example
    # notice of the library (all outcomes, alternatives, problems, household records)
    import dataclasses

    from checker.run.compiler import compile_matter
    from checker.tools.testing import run_examples
    from checker.source.loader import load_matter
    from conftest import MATTERS, RULES
    checked = 0
    for path in sorted(MATTERS.glob("*.yaml")):
        for result in run_examples(compile_matter(load_matter(path, RULES))):
            if result.notice is not None:
                data = dataclasses.asdict(result.notice)
                assert result.notice.to_dict() == data, result.example.name
                # and the JSON notice is exactly what the json module writes from that data
                assert render(result.notice, "json") == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
                checked += 1
    assert checked >= 200


def test_a_value_beyond_64_bits_still_renders(notice):
    import copy
    big = copy.deepcopy(notice)
    big.derived["huge"] = 10 ** 30
    assert json.loads(render(big, "json"))["derived"]["huge"] == 10 ** 30


@pytest.mark.parametrize("outcome_facts, accepted", [({}, True), (dict(has_car=True), False)])
def test_an_issued_notice_carries_the_acceptance_line_and_the_copies_footer(test_licence, outcome_facts, accepted):
    # reference A2: the footer says how many copies and where each goes; a 受理通知书 records the
    # acceptance date and the receiving officer (A2, the Guiyang window guide)
    n = check(test_licence, appl(**outcome_facts))
    n.number = "测审受〔2026〕第0001号"
    out = render(n, "text", "zh")
    assert "一式两份，一份交申请人" in out
    assert ("受理日期" in out and "受理人" in out) is accepted
