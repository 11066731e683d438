"""The guide a person reads (checker.describe.guide): `guide_text`, `guide_markdown` and `guide_html`
in zh and en, with and without the authors' notes, with and without a locality. Every material
appears by its ID and name; a conditional material says when it is needed; authors' notes and
confidence marks appear only with notes=True; a locality's own values appear only with it; HTML
escapes the text."""

from __future__ import annotations

import functools
import html
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from checker.describe.flow import limit_text
from checker.describe.guide import fee_text, guide_html, guide_markdown, guide_text
from checker.source.loader import load_matter
from conftest import FIXTURES, MATTERS, REPO, RULES

MATTER_FILES = sorted(MATTERS.glob("*.yaml"))
LOCAL = REPO / "local"
LANGS = ["zh", "en"]


@functools.cache
def _load(path: Path, local: Path | None = None):
    return load_matter(path, RULES, local)


class _Text(HTMLParser):
    """The text a browser shows of an HTML page (entities decoded), without the SVG's."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.svg = 0

    def handle_starttag(self, tag, attrs):
        self.svg += tag == "svg"

    def handle_endtag(self, tag):
        self.svg -= tag == "svg"

    def handle_data(self, data):
        if not self.svg:
            self.parts.append(data)


def html_text(page: str) -> str:
    p = _Text()
    p.feed(page)
    return "".join(p.parts)


def _formats(matter, lang: str, notes: bool = False) -> dict[str, str]:
    """The guide as a reader sees it in each format (HTML: its shown text)."""
    return {"text": guide_text(matter, lang, notes=notes),
            "markdown": guide_markdown(matter, lang, notes=notes),
            "html": html_text(guide_html(matter, lang, notes=notes))}


# --- every material, by its reference ID and name ------------------------------------------------

@pytest.mark.parametrize("path", MATTER_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", LANGS)
def test_every_material_by_id_and_name(path, lang):
    matter = _load(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for fmt, text in _formats(matter, lang).items():
        assert f"{matter.name[lang]} ({matter.id})" in text or f"{matter.name[lang]} (`{matter.id}`)" in text
        for m in matter.materials:  # a material's name may come from a rule set's template (`use`)
            assert f"{m.id} {m.name[lang]}" in text, (fmt, m.id)
            for option in m.options:
                for part in option.parts:
                    assert f"{part.id} {part.name[lang]}" in text, (fmt, part.id)
    # ... and the model's materials are exactly the file's
    assert [m.id for m in matter.materials] == [spec["id"] for spec in data["materials"]]


@pytest.mark.parametrize("path", MATTER_FILES, ids=lambda p: p.stem)
def test_conditional_materials_say_when(path):
    """A conditional material says it is needed only when its condition holds; the others say they
    are always required."""
    matter = _load(path)
    for lang, when, always in (("zh", "适用条件", "必须提交"), ("en", "required when", "always required")):
        text = guide_text(matter, lang)
        for m in matter.materials:
            entry = _entry(text, f"{m.id} {m.name[lang]}")
            if m.when_text:  # in words where the matter gives them (checked below), else as written
                assert f"{when}: {m.why[lang]}" in entry if m.why else f"{when}: `{m.when_text}`" in entry
                assert always not in entry
            else:
                assert always in entry
                assert when not in entry


@pytest.mark.parametrize("lang", LANGS)
def test_conditional_materials_say_their_condition_in_words(lang):
    matter = _load(MATTERS / "company-registration.yaml")
    text = guide_text(matter, lang)
    worded = [m for m in matter.materials if m.when_text and m.why]
    assert worded
    for m in worded:
        assert m.why[lang] in _entry(text, f"{m.id} {m.name[lang]}")
        # the condition as written is for rule authors: only with notes
        assert f"`{m.when_text}`" not in _entry(text, f"{m.id} {m.name[lang]}")
        assert f"`{m.when_text}`" in _entry(guide_text(matter, lang, notes=True), f"{m.id} {m.name[lang]}")


def _entry(text: str, head: str) -> str:
    """The lines of a guide_text item: its head and its indented detail lines."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  - {head}"))
    out = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("      "):
            break
        out.append(line)
    return "\n".join(out)


# --- authors' notes and confidence marks ----------------------------------------------------------

def _author_texts(matter, lang: str) -> list[str]:
    """Every author's note the guide could print, and where it belongs: matter, rules, materials,
    the facts it shows, derived facts, parameters, flow steps."""
    used = matter.referenced_names()
    facts = [f for f in matter.facts.values() if f.name in used or f.record_only]
    things = [matter, *matter.rules, *matter.materials, *facts, *matter.derived.values(),
              *matter.parameters.values(), *matter.flow]
    return [t.note[lang] for t in things if getattr(t, "note", None)]


CONFIDENCE_MARK = {"zh": "可信度: ", "en": "confidence: "}


def _marked(path: Path):
    """The matter with each author's note replaced by a marker of its own (NOTE0001 ...), so that
    a note is never confused with public text that happens to contain the same words."""
    matter = load_matter(path, RULES)
    used = matter.referenced_names()
    things = [matter, *matter.rules, *matter.materials, *matter.facts.values(), *matter.derived.values(),
              *matter.parameters.values(), *matter.flow]
    shown = [matter, *matter.rules, *matter.materials, *(f for f in matter.facts.values() if f.name in used
                                                          or f.record_only),
             *matter.derived.values(), *matter.parameters.values(), *matter.flow]
    markers = []
    for i, t in enumerate(things):
        if getattr(t, "note", None):
            t.note = {"zh": f"NOTE{i:04d}", "en": f"NOTE{i:04d}"}
            if any(t is x for x in shown):
                markers.append(f"NOTE{i:04d}")
    return matter, markers


@pytest.mark.parametrize("path", MATTER_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", LANGS)
def test_no_authors_notes_without_notes(path, lang):
    matter, markers = _marked(path)
    assert markers  # every matter has notes: the test would be empty otherwise
    for fmt, text in _formats(matter, lang).items():
        assert CONFIDENCE_MARK[lang] not in text, fmt
        assert "NOTE0" not in text, fmt
    for fmt, text in _formats(matter, lang, notes=True).items():  # the same markers with notes
        for marker in markers:
            assert marker in text, (fmt, marker)


@pytest.mark.parametrize("path", MATTER_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", LANGS)
def test_time_limit_and_fee_notes_never_shown(path, lang):
    """The notes on a time limit or the fee are the authors' too; the guide prints neither."""
    matter = _load(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    notes = [lim["note"][lang] for lim in data.get("time_limit", {}).values() if "note" in lim]
    notes += [data["fee"]["note"][lang]] if "note" in data["fee"] else []
    for notes_flag in (False, True):
        for fmt, text in _formats(matter, lang, notes=notes_flag).items():
            for note in notes:
                assert note.replace("`", "") not in text.replace("`", ""), (fmt, note[:40])


@pytest.mark.parametrize("path", MATTER_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", LANGS)
def test_authors_notes_with_notes(path, lang):
    matter = _load(path)
    confident = [t for t in (*matter.rules, *matter.materials, *matter.parameters.values()) if t.confidence]
    for fmt, text in _formats(matter, lang, notes=True).items():
        for note in _author_texts(matter, lang):
            if fmt == "html":  # backticked spans are shown as code, without the backticks
                note = note.replace("`", "")
            assert note in text, (fmt, note[:40])
        assert (CONFIDENCE_MARK[lang] in text) == bool(confident)


def test_confidence_marks_are_worded(tmp_path):
    matter = _load(_odd(tmp_path))
    assert "可信度: 第三方资料，未经官方核实" in guide_text(matter, "zh", notes=True)
    assert "confidence: third-party source, not verified officially" in guide_text(matter, "en", notes=True)
    assert "note: the authors' own remark on OD-01" in guide_text(matter, "en", notes=True)
    for lang in LANGS:
        plain = guide_text(matter, lang)
        assert CONFIDENCE_MARK[lang] not in plain
        assert "OD-01" in plain and "authors' own remark" not in plain and "作者自己的说明" not in plain


# --- localities ----------------------------------------------------------------------------------

def _locality_cases():
    for path in sorted(LOCAL.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for matter_id in data.get("matters", {}):
            yield pytest.param(path, matter_id, id=f"{path.stem}:{matter_id}")


def _chain(path: Path) -> list[dict]:
    """The locality's file and the files of the places it lies in (part_of), outermost first."""
    out = []
    while True:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.insert(0, data)
        if not data.get("part_of"):
            return out
        path = path.parent / f"{data['part_of']}.yaml"


def _local_values(path: Path, matter_id: str, lang: str) -> list[str]:
    """What the guide must show of this locality for this matter (the innermost file wins)."""
    chain = _chain(path)
    values = [f"{('适用地方规定' if lang == 'zh' else 'Local rules applied')}: {chain[-1]['name'][lang]}"]
    limits: dict = {}
    fee = handling = None
    for data in chain:
        entry = data["matters"].get(matter_id, {})
        limits.update(entry.get("time_limit", {}))
        fee = entry.get("fee", fee)
        handling = entry.get("handling", handling)
        values += [b[lang] for b in entry.get("basis", [])]
        for name, given in entry.get("parameters", {}).items():
            value = given["value"] if isinstance(given, dict) else given
            shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
            word = "本地设置" if lang == "zh" else "local setting"
            values.append(f"{word} ({data['local']}): {shown}")
        for changes in entry.get("materials", {}).values():
            if "standard" in changes:
                values.append(changes["standard"][lang])
    zh = lang == "zh"
    for kind, lim in limits.items():
        label = f"{'办理时限' if zh else 'Time limit'} ({({'statutory': '法定', 'promised': '承诺'}[kind]) if zh else kind})"
        values.append(f"{label}: {limit_text(lim, lang, detail=True)}")
    if fee:
        values.append(f"{'收费' if zh else 'Fee'}: {fee_text(fee, lang)}")
    if handling and handling.get("text"):
        values.append(f"{'办理地点和方式' if zh else 'Where and how'}: {handling['text'][lang]}")
    return values


@pytest.mark.parametrize("path, matter_id", list(_locality_cases()))
@pytest.mark.parametrize("lang", LANGS)
def test_locality_values_appear_only_with_the_locality(path, matter_id, lang):
    national = _load(MATTERS / f"{matter_id}.yaml")
    local = _load(MATTERS / f"{matter_id}.yaml", path)
    values = _local_values(path, matter_id, lang)
    national_text = guide_text(national, lang)
    for fmt, text in _formats(local, lang).items():
        for v in values:
            assert v in text, (fmt, v)
    matter_file = (MATTERS / f"{matter_id}.yaml").read_text(encoding="utf-8")
    for v in values:
        if v.split(": ", 1)[-1] not in matter_file:  # a value the matter itself states is not the locality's own
            assert v not in national_text, v


def test_locality_parameter_and_copies(tmp_path):
    """The fixture locality sets photo_count 6: the parameter and the copies it counts show 6 with
    the locality, the national 3 without."""
    path = FIXTURES / "matters" / "test-licence.yaml"
    national = guide_text(_load(path), "en")
    local = guide_text(_load(path, FIXTURES / "local" / "sample-city.yaml"), "en")
    assert "`photo_count` = 3" in national and "`photo_count` = 6" not in national
    assert "local setting (sample-city): 6" in local and "local setting" not in national
    assert "Local rules applied: Sample City" in local and "Local rules applied" not in national
    assert "×`photo_count` = 6" in local and "×`photo_count` = 3" in national


@pytest.mark.parametrize("lang", LANGS)
def test_locality_material_remark_appears(lang):
    local = _load(MATTERS / "public-place-hygiene-licence.yaml", LOCAL / "guangzhou.yaml")
    remark = next(m.remark for m in local.materials if m.id == "PH-05")
    assert remark is not None
    assert remark[lang] in guide_text(local, lang)


# --- formats --------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_markdown_has_the_flow_chart(lang):
    matter = _load(MATTERS / "individual-business-registration.yaml")
    md = guide_markdown(matter, lang)
    assert md.startswith(f"# {matter.name[lang]} (`{matter.id}`)\n")
    assert "```mermaid\nflowchart TD\n" in md
    assert guide_text(matter, lang, markdown=True) == md
    assert guide_markdown(matter, lang, level=2).startswith(f"## {matter.name[lang]}")
    assert ("\n### " + ("办理流程" if lang == "zh" else "Processing flow") + "\n") in guide_markdown(matter, lang, level=2)


@pytest.mark.parametrize("lang", LANGS)
def test_html_is_a_page_with_the_svg_flow(lang):
    matter = _load(MATTERS / "individual-business-registration.yaml")
    page = guide_html(matter, lang)
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page
    assert page.count("<svg ") == 1 and page.rstrip().endswith("</html>")
    assert "<code>filed_by_agent</code>" in page  # backticked spans become code


def test_guide_text_sections_in_both_languages():
    matter = _load(MATTERS / "individual-business-registration.yaml")
    zh, en = guide_text(matter, "zh"), guide_text(matter, "en")
    for word in ("受理条件与不予受理情形", "申请材料", "需要了解的情况", "办理流程", "办理时限 (法定): 当场或3个工作日"):
        assert word in zh
    for word in ("Conditions", "Materials", "Facts asked", "Processing flow",
                 "Time limit (statutory): on the spot or 3 working days"):
        assert word in en
    assert "  - 2. 受理审查\n      登记窗口\n      当场或5个工作日（" in zh
    assert "  - 2. Acceptance check\n      registration window\n      on the spot or 5 working days (" in en


ODD = """\
matter: odd-names
name: {zh: '名称<含>&"引号"', en: 'Name <with> & "quotes"'}
department: {zh: '测试局<b>', en: 'Bureau <b>'}
level: county
type: licence
basis:
  - {zh: '条例 <第一条> & 附则', en: 'Regulation <art. 1> & annex'}
time_limit:
  statutory: {days: 5, text: {zh: '5日<内>', en: 'within <5> days'}}
fee: {amount: 0}
facts:
  flag:
    type: bool
    question: {zh: '是否<x>?', en: 'Is <x>?'}
materials:
  - id: OD-01
    name: {zh: '申请书<script>alert(1)</script>', en: 'Form <script>alert(1)</script> & co'}
    form: original
    copies: 1
    confidence: third_party
    note: {zh: 作者自己的说明，关于OD-01, en: "the authors' own remark on OD-01"}
  - id: OD-02
    name: {zh: '证明 & 副本', en: 'Proof & copy'}
    form: copy
    when: flag
flow:
  - step: apply
    kind: apply
    name: {zh: '提交<申请>', en: 'Apply <now>'}
  - step: accept
    kind: accept
    name: {zh: 受理, en: Acceptance}
"""


def _odd(tmp_path: Path) -> Path:
    path = tmp_path / "matters" / "odd-names.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(ODD, encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("notes", [False, True])
def test_html_escapes_text(tmp_path, lang, notes):
    matter = load_matter(_odd(tmp_path), RULES)
    page = guide_html(matter, lang, notes=notes)
    assert "<script>" not in page and "<b>" not in page and "<x>" not in page
    assert "&lt;script&gt;" in page
    shown = html_text(page)
    for wanted in (matter.name[lang], matter.department[lang], matter.basis[0][lang],
                   f"OD-01 {matter.materials[0].name[lang]}", f"OD-02 {matter.materials[1].name[lang]}",
                   matter.facts["flag"].question[lang], {"zh": "5日<内>", "en": "within <5> days"}[lang]):
        assert wanted in shown, wanted
    assert f"<title>{html.escape(matter.name[lang])}</title>" in page


@pytest.mark.parametrize("fee, zh, en", [
    ({}, "未注明", "not stated"),
    ({"amount": 0}, "不收费", "free of charge"),
    ({"amount": 50}, "50 元", "RMB 50"),
    ({"amount": 50, "text": {"zh": "每件50元", "en": "RMB 50 each"}}, "每件50元", "RMB 50 each"),
])
def test_fee_text(fee, zh, en):
    assert fee_text(fee, "zh") == zh
    assert fee_text(fee, "en") == en
