"""The processing-flow chart (checker.describe.flow): a time limit in words (`limit_text`) in both
languages, the Mermaid text and the SVG. Expectations come from the matter files' `flow` and
`time_limit` sections and the reference's matter guides ("当场或5个工作日", "15日", "不少于7天")."""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from checker.describe.flow import limit_text, mermaid, svg
from checker.source.loader import load_matter
from conftest import MATTERS, RULES

SVG_NS = "{http://www.w3.org/2000/svg}"
MATTER_FILES = sorted(MATTERS.glob("*.yaml"))


@functools.cache
def _load(path: Path):
    return load_matter(path, RULES)


def _matter(name: str):
    return _load(MATTERS / f"{name}.yaml")


def _raw(name: str) -> dict:
    return yaml.safe_load((MATTERS / f"{name}.yaml").read_text(encoding="utf-8"))


def _step(name: str, key: str) -> dict:
    return next(st for st in _raw(name)["flow"] if st["step"] == key)


# --- limit_text: hand-written limits ----------------------------------------------------------

@pytest.mark.parametrize("limit, zh, en", [
    ({"on_the_spot": True, "days": 5, "working_days": True}, "当场或5个工作日", "on the spot or 5 working days"),
    ({"days": 3, "working_days": True}, "3个工作日", "3 working days"),
    ({"days": 7}, "7日", "7 days"),                                    # calendar days by default
    ({"days": 15, "working_days": False}, "15日", "15 days"),
    ({"on_the_spot": True, "days": 5}, "当场或5日", "on the spot or 5 days"),
    ({"on_the_spot": True}, "当场", "on the spot"),
    ({"on_the_spot": False, "days": 10, "working_days": True}, "10个工作日", "10 working days"),
    ({}, "", ""),
])
def test_limit_text(limit, zh, en):
    assert limit_text(limit, "zh") == zh
    assert limit_text(limit, "en") == en


def test_limit_text_only_text():
    """A limit given only as text is that text, with or without detail."""
    limit = {"text": {"zh": "不少于7天", "en": "at least 7 days"}}
    for detail in (False, True):
        assert limit_text(limit, "zh", detail=detail) == "不少于7天"
        assert limit_text(limit, "en", detail=detail) == "at least 7 days"


def test_limit_text_detail():
    limit = {"on_the_spot": True, "days": 3, "working_days": True,
             "text": {"zh": "材料齐全的当场登记", "en": "on the spot if complete"}}
    assert limit_text(limit, "zh") == "当场或3个工作日"
    assert limit_text(limit, "en") == "on the spot or 3 working days"
    assert limit_text(limit, "zh", detail=True) == "当场或3个工作日（材料齐全的当场登记）"
    assert limit_text(limit, "en", detail=True) == "on the spot or 3 working days (on the spot if complete)"


def test_limit_text_detail_without_text_adds_nothing():
    assert limit_text({"days": 20, "working_days": True}, "zh", detail=True) == "20个工作日"
    assert limit_text({"days": 20, "working_days": True}, "en", detail=True) == "20 working days"


def test_limit_text_never_shows_the_authors_note():
    limit = {"days": 3, "note": {"zh": "作者说明", "en": "an author's note"}}
    assert limit_text(limit, "zh", detail=True) == "3日"
    assert limit_text(limit, "en", detail=True) == "3 days"


# --- limit_text: the matters' own limits --------------------------------------------------------

@pytest.mark.parametrize("matter, key, zh, en", [
    # the reference (A1, 行政许可法 art. 32): an incomplete application is told on the spot or within 5 days
    ("individual-business-registration", "accept", "当场或5个工作日", "on the spot or 5 working days"),
    ("individual-business-registration", "decide", "当场或3个工作日", "on the spot or 3 working days"),
    ("company-registration", "accept", "当场或5个工作日", "on the spot or 5 working days"),
    ("construction-permit", "accept", "当场或5日", "on the spot or 5 days"),      # calendar days
    ("construction-permit", "decide", "7日", "7 days"),
    ("residence-permit", "decide", "15日", "15 days"),
    ("marriage-registration", "accept", "当场", "on the spot"),
    ("minimum-living-allowance", "public_notice", "不少于7天", "at least 7 days"),  # text only
    ("unemployment-registration", "accept", "材料不齐全的，一次性告知并退回材料",
     "incomplete: one-time notice and the materials are returned"),
    ("unemployment-benefit", "decide", "10个工作日", "10 working days"),
    ("disability-certificate", "deliver", "7个工作日", "7 working days"),
])
def test_limit_text_of_a_matter_step(matter, key, zh, en):
    limit = _step(matter, key).get("time_limit", {})
    assert limit_text(limit, "zh") == zh
    assert limit_text(limit, "en") == en


@pytest.mark.parametrize("matter, key, zh, en", [
    ("individual-business-registration", "statutory",
     "当场或3个工作日（材料齐全、符合法定形式的当场登记；不能当场登记的，3个工作日内登记，情形复杂的经批准可再延长3个工作日）",
     "on the spot or 3 working days (registered on the spot if complete; otherwise within 3 working days, "
     "extendable by 3 with the head's approval)"),
    ("residence-permit", "statutory", "15日（", "15 days ("),
    ("marriage-registration", "statutory", "当场（证件和证明材料齐全的，当场办理）",
     "on the spot (registered on the spot if the documents are complete)"),
    ("birth-registration", "promised", "本地户籍居民当场办结；跨省流动人口在承诺时限内办结",
     "on the spot for residents with a local hukou; within the promised time for cross-province migrants"),
])
def test_limit_text_of_a_matter_with_detail(matter, key, zh, en):
    limit = _raw(matter)["time_limit"][key]
    assert limit_text(limit, "zh", detail=True).startswith(zh)
    assert limit_text(limit, "en", detail=True).startswith(en)


def _every_step_limit():
    for path in MATTER_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for st in data.get("flow", []):
            if st.get("time_limit"):
                yield pytest.param(st["time_limit"], id=f"{path.stem}:{st['step']}")


@pytest.mark.parametrize("limit", list(_every_step_limit()))
def test_every_step_limit_says_its_days(limit):
    """For every step of every matter: on the spot first, then the days with their kind."""
    zh, en = limit_text(limit, "zh"), limit_text(limit, "en")
    days, spot = limit.get("days"), bool(limit.get("on_the_spot"))
    if days is None and not spot:  # only text: the text itself
        assert zh == limit["text"]["zh"] and en == limit["text"]["en"]
        return
    assert zh.startswith("当场") == spot and en.startswith("on the spot") == spot
    if days is None:
        assert zh == "当场" and en == "on the spot"
    elif limit.get("working_days"):
        assert zh.endswith(f"{days}个工作日") and en.endswith(f"{days} working days")
    else:
        assert zh.endswith(f"{days}日") and not zh.endswith("工作日")
        assert en.endswith(f"{days} days") and "working" not in en


# --- Mermaid ----------------------------------------------------------------------------------

def _mermaid_nodes(text: str) -> dict[str, tuple[str, bool]]:
    """node id -> (label, is a decision)"""
    out = {}
    for line in text.splitlines():
        m = re.fullmatch(r'  (\w+)(\["(.*)"\]|\{"(.*)"\})', line)
        if m:
            out[m.group(1)] = (m.group(3) if m.group(3) is not None else m.group(4), m.group(4) is not None)
    return out


def _mermaid_edges(text: str) -> set[tuple[str, str, str]]:
    out = set()
    for line in text.splitlines():
        m = re.fullmatch(r'  (\w+) -- "(.*)" --> (\w+)', line) or re.fullmatch(r"  (\w+) --> (\w+)", line)
        if m and m.lastindex == 3:
            out.add((m.group(1), m.group(3), m.group(2)))
        elif m:
            out.add((m.group(1), m.group(2), ""))
    return out


@pytest.mark.parametrize("path", MATTER_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_mermaid_has_every_step_in_order(path, lang):
    matter = _load(path)
    text = mermaid(matter, lang)
    assert text.startswith("flowchart TD\n") and text.endswith("\n")
    nodes, edges = _mermaid_nodes(text), _mermaid_edges(text)
    steps = yaml.safe_load(path.read_text(encoding="utf-8"))["flow"]
    for i, st in enumerate(steps):
        label, decision = nodes[st["step"]]
        lines = label.split("<br/>")
        assert lines[0] == st["name"][lang].replace('"', "#quot;")
        if st.get("actor"):
            assert lines[1] == st["actor"][lang].replace('"', "#quot;")
        limit = limit_text(st.get("time_limit", {}), lang)
        assert (limit in lines) == bool(limit)
        assert decision == (st["kind"] in ("accept", "decide"))
        if i + 1 < len(steps):  # each step leads to the next
            assert any(a == st["step"] and b == steps[i + 1]["step"] for a, b, _ in edges)


@pytest.mark.parametrize("lang, complete, incomplete, refused, granted, not_granted", [
    ("zh", "材料齐全", "材料不齐全", "不予受理", "准予", "不予准予"),
    ("en", "complete", "incomplete", "not accepted", "granted", "refused"),
])
def test_mermaid_branches(lang, complete, incomplete, refused, granted, not_granted):
    """Acceptance branches as 行政许可法 art. 32 prescribes; the decision branches into grant and refusal."""
    text = mermaid(_matter("individual-business-registration"), lang)
    edges = _mermaid_edges(text)
    assert ("apply", "accept", "") in edges
    assert ("accept", "review", complete) in edges
    assert ("accept", "accept_notice", incomplete) in edges
    assert ("accept_notice", "apply", "") in edges  # resubmission starts again at the first step
    assert ("accept", "accept_refuse", refused) in edges
    assert ("decide", "deliver", granted) in edges
    assert ("decide", "decide_refused", not_granted) in edges
    assert ("review", "decide", "") in edges
    assert not any(a == "deliver" for a, _, _ in edges)  # the last step leads nowhere
    nodes = _mermaid_nodes(text)
    assert {"accept_notice", "accept_refuse", "decide_refused"} <= set(nodes)


def test_mermaid_quotes_are_replaced(tmp_path):
    text = mermaid(load_matter(_odd_matter(tmp_path), RULES), "en")
    assert 'apply["Apply <now> & #quot;wait#quot;<br/>the applicant <self> & agent"]' in text
    for line in text.splitlines()[1:]:  # no bare quote inside a label: "..." would end early
        m = re.fullmatch(r'  \w+(\["(.*)"\]|\{"(.*)"\})', line)
        if m:
            assert '"' not in (m.group(2) or m.group(3) or "")


# --- SVG --------------------------------------------------------------------------------------

ODD = """\
matter: odd-flow
name: {zh: '名称<含>&"引号"', en: 'Name <with> & "quotes"'}
department: {zh: 测试局, en: Test bureau}
level: county
type: licence
basis:
  - {zh: 测试条例, en: Test Regulation}
time_limit: {}
fee: {amount: 0}
materials:
  - {id: OF-01, name: {zh: 申请书, en: Form}, form: original, copies: 1}
flow:
  - step: apply
    kind: apply
    name: {zh: '提交<申请> & "材料"', en: 'Apply <now> & "wait"'}
    actor: {zh: '申请人 <本人>', en: 'the applicant <self> & agent'}
  - step: accept
    kind: accept
    name: {zh: '受理 A&B', en: 'Accept A&B <1>'}
    time_limit: {on_the_spot: true, days: 5, working_days: true}
  - step: decide
    kind: decide
    name: {zh: 决定, en: Decide}
    time_limit: {text: {zh: '二十日<内>', en: 'within <20> days'}}
  - step: deliver
    kind: deliver
    name: {zh: 这是一个非常非常非常非常非常非常长的发证环节名称用于测试换行,
           en: 'A very very very very very long step name for delivering the licence, to test wrapping'}
"""


def _odd_matter(tmp_path: Path) -> Path:
    path = tmp_path / "matters" / "odd-flow.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(ODD, encoding="utf-8")
    return path


def _svg_texts(text: str) -> list[str]:
    root = ET.fromstring(text)
    assert root.tag == f"{SVG_NS}svg"
    return [t.text or "" for t in root.iter(f"{SVG_NS}text")]


def _shows(texts: list[str], wanted: str) -> bool:
    """`wanted` is written by one or more consecutive <text> lines (a long line is wrapped)."""
    return any(wanted in "".join(texts[i:j]) for i in range(len(texts)) for j in range(i + 1, min(len(texts), i + 6) + 1))


@pytest.mark.parametrize("path", MATTER_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_svg_parses_and_shows_every_step(path, lang):
    matter = _load(path)
    text = svg(matter, lang)
    texts = _svg_texts(text)  # parses as XML
    root = ET.fromstring(text)
    assert root.get("aria-label") == matter.name[lang]
    steps = yaml.safe_load(path.read_text(encoding="utf-8"))["flow"]
    for st in steps:
        assert _shows(texts, st["name"][lang]), st["name"][lang]
        limit = limit_text(st.get("time_limit", {}), lang)
        if limit:
            assert _shows(texts, limit), limit
    decisions = [st for st in steps if st["kind"] in ("accept", "decide")]
    assert len(list(root.iter(f"{SVG_NS}polygon"))) == len(decisions)
    # the main boxes plus one side box per refusal / notice branch
    side = sum(2 if st["kind"] == "accept" else 1 for st in decisions)
    assert len(list(root.iter(f"{SVG_NS}rect"))) == len(steps) - len(decisions) + side


@pytest.mark.parametrize("lang, words", [
    ("zh", ["材料齐全", "材料不齐全", "不予受理", "准予", "不予准予", "出具一次性告知书", "出具不予受理通知书"]),
    ("en", ["complete", "incomplete", "not accepted", "granted", "refused", "one-time notice",
            "notice of non-acceptance with reasons"]),
])
def test_svg_branch_labels(lang, words):
    texts = _svg_texts(svg(_matter("company-registration"), lang))
    for w in words:
        assert _shows(texts, w), w


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_svg_escapes_text(tmp_path, lang):
    matter = load_matter(_odd_matter(tmp_path), RULES)
    text = svg(matter, lang)
    texts = _svg_texts(text)  # would raise on a bare < or &
    root = ET.fromstring(text)
    assert root.get("aria-label") == matter.name[lang]
    for st in matter.flow:
        assert _shows(texts, st.name[lang]), st.name[lang]
    assert _shows(texts, {"zh": "申请人 <本人>", "en": "the applicant <self> & agent"}[lang])
    assert _shows(texts, {"zh": "二十日<内>", "en": "within <20> days"}[lang])
    assert "<now>" not in text and "<本人>" not in text and "A&B" not in text
    assert ("&lt;now&gt;" if lang == "en" else "&lt;申请&gt;") in text


def test_svg_wraps_a_long_name_but_keeps_it_whole(tmp_path):
    matter = load_matter(_odd_matter(tmp_path), RULES)
    texts = _svg_texts(svg(matter, "zh"))
    name = "这是一个非常非常非常非常非常非常长的发证环节名称用于测试换行"
    assert name not in texts  # too wide for one line
    assert _shows(texts, name)


def test_svg_without_time_limits_or_actors(tmp_path):
    """A step with neither actor nor limit is just its name (no empty lines)."""
    matter = load_matter(_odd_matter(tmp_path), RULES)
    texts = _svg_texts(svg(matter, "en"))
    assert "" not in texts
