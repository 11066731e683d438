"""A notice reprinted exactly as issued: read back from its stored JSON (notice_from_json,
event_notice_from_json), it renders byte for byte as the notice did, in every format and both
languages; JSON that is not such a notice is refused naming the field (E029); and
`checker register show NUMBER --format ...` prints the stored notice, not a summary of it."""

from __future__ import annotations

import copy
import json
import sqlite3

import pytest
from typer.testing import CliRunner

from checker.errors import CheckerError
from checker.notice.event import EventNotice, event_notice_from_json, stored_notice_from_json
from checker.notice.notice import Notice, notice_from_json
from checker.notice.render import FORMATS, render
from checker.shells.cli import app
from checker.source.local import load_office
from checker.workspace import Workspace
from conftest import REPO

IB = "individual-business-registration"
EXAMPLE = REPO / "examples" / "individual-business-leased-agent.yaml"
OFFICE = REPO / "examples" / "office.yaml"
LANGS = ("zh", "en")


def matter_notices() -> list[tuple[str, Notice]]:
    """Every example notice of tests/golden (each matter's examples, then its case file's), as
    tests/golden.py makes them."""
    from checker.run.compiler import compile_matter
    from checker.source.loader import load_matter
    from checker.tools.testing import load_cases, run_example
    cases: dict[str, list] = {}
    for path in sorted((REPO / "tests" / "cases").glob("*.yaml")):
        matter, examples = load_cases(path)
        cases.setdefault(matter, []).extend(examples)
    out = []
    for path in sorted((REPO / "matters").glob("*.yaml")):
        compiled = compile_matter(load_matter(path, REPO / "rules"))
        for ex in list(compiled.matter.examples) + cases.get(compiled.matter.id, []):
            notice = run_example(compiled, ex).notice
            if notice is not None:
                out.append((f"{compiled.matter.id}: {ex.name}", notice))
    return out


def event_notices() -> list[tuple[str, EventNotice]]:
    """Every bundle example's event notice."""
    from checker.tools.testing import run_bundle_examples
    ws = Workspace(REPO)
    out = []
    for bundle in ws.bundle_ids():
        _, results = run_bundle_examples(ws, bundle)
        out += [(f"{bundle}: {r.example.name}", r.notice) for r in results if r.notice is not None]
    return out


def as_issued(notice, seq: int):
    """The notice as an office issues it: its office block, a document number and the number it
    replaces (an event's members each numbered), so that the official layout is read back too."""
    notice.office = load_office(OFFICE, REPO).header()
    if isinstance(notice, EventNotice):
        for i, m in enumerate(notice.members):
            if m.notice is not None:
                m.notice.number = f"示例政务审补〔2026〕第{seq:03d}{i}号"
    else:
        notice.number, notice.supersedes = f"示例政务审补〔2026〕第{seq:04d}号", "示例政务审补〔2025〕第0001号"
    return notice


@pytest.fixture(scope="module")
def plain():
    """Every example's notice, matters' and events', as a self-check (do not change them)."""
    return matter_notices() + event_notices()


@pytest.fixture(scope="module")
def every_notice(plain):
    assert len(plain) > 60  # every matter's examples and every bundle's: not a handful
    assert any(isinstance(n, EventNotice) for _, n in plain) and any(n.locality for _, n in plain)
    issued = [(f"{name} (issued)", as_issued(copy.deepcopy(n), i)) for i, (name, n) in enumerate(plain)]
    return plain + issued


def first(plain, kind=Notice, missing=False):
    return copy.deepcopy(next(n for _, n in plain if isinstance(n, kind) and (not missing or n.missing)))


def test_every_notice_reads_back_and_renders_byte_for_byte(every_notice):
    differ = []
    for name, notice in every_notice:
        stored = render(notice, "json")
        back = stored_notice_from_json(stored, name)
        assert type(back) is type(notice)
        for fmt in FORMATS:
            for lang in LANGS:
                if render(back, fmt, lang) != render(notice, fmt, lang):
                    differ.append(f"{name}: {fmt} {lang}")
    assert differ == []


def test_the_issued_notice_keeps_its_office_number_and_what_it_replaces(plain):
    notice = as_issued(first(plain), 42)
    back = notice_from_json(render(notice, "json"))
    assert back.number == "示例政务审补〔2026〕第0042号" and back.supersedes == "示例政务审补〔2025〕第0001号"
    # examples/office.yaml: the header of the office's notices
    assert back.office["name"]["zh"] == "示例县政务服务中心"
    assert back.office["address"]["zh"] == "示例县人民路1号政务服务中心一楼综合窗口"
    assert back.office["phones"] == {"consultation": "0000-1234567", "complaint": "12345"}
    text = render(back, "text", "zh")
    assert "咨询电话：0000-1234567" in text and "投诉电话：12345" in text and "文号：示例政务审补〔2026〕第0042号" in text


def test_each_kind_is_read_by_its_own_reader(plain):
    matter = render(first(plain), "json")
    event = render(first(plain, EventNotice), "json")
    assert isinstance(event_notice_from_json(event), EventNotice)
    with pytest.raises(CheckerError) as e:
        event_notice_from_json(matter, "stored")
    assert "E029" in str(e.value) and "'checker.notice/1'" in str(e.value)
    with pytest.raises(CheckerError) as e:
        notice_from_json(event, "stored")
    assert "E029" in str(e.value) and "'checker.event-notice/1'" in str(e.value)


def _refused(text: str) -> str:
    with pytest.raises(CheckerError) as e:
        notice_from_json(text, "register: X审补〔2026〕第0001号")
    [problem] = e.value.problems
    assert problem.code == "E029" and problem.location.file == "register: X审补〔2026〕第0001号"
    return problem.message


def test_what_is_not_a_stored_notice_is_refused_naming_the_field(plain):
    notice = as_issued(first(plain, missing=True), 1)
    data = json.loads(render(notice, "json"))
    assert "not JSON" in _refused(render(notice, "json")[:-40])  # cut short
    assert "not JSON" in _refused("")
    assert "schema None" in _refused("[]")
    assert "schema 'checker.notice/2'" in _refused(json.dumps(dict(data, schema="checker.notice/2")))
    del data["missing"][0]["why"]
    assert "the field missing[0].why is missing" in _refused(json.dumps(data))
    data["missing"][0]["why"] = ["not", "a", "text"]
    assert "the field missing[0].why is a list, not an object" in _refused(json.dumps(data))
    data["missing"][0]["why"] = {"zh": "理由", "en": "why"}
    data["missing"][0]["copies"] = "two"
    assert "the field missing[0].copies is a text, not a whole number" in _refused(json.dumps(data))
    data["missing"][0]["copies"] = True
    assert "the field missing[0].copies is true or false, not a whole number" in _refused(json.dumps(data))
    data["missing"][0]["copies"] = None  # the sources give no number: allowed
    data["missing"][0]["facts"] = {}
    assert "the field missing[0].facts is an object, not a list" in _refused(json.dumps(data))
    data["missing"][0]["facts"] = []
    data["missing"][0]["script"] = "print(1)"
    assert "the field missing[0].script is not a field of a notice" in _refused(json.dumps(data))
    del data["missing"][0]["script"]
    assert notice_from_json(json.dumps(data)).missing[0].copies is None
    # a field added after a notice was stored (it has a default) may be absent: older notices read
    del data["office"], data["supersedes"]
    assert notice_from_json(json.dumps(data)).supersedes == ""


# ------------------------------------------------------------------ the command line

def _screen_into_register(tmp_path):
    """The shipped example screened by the example office into a SQLite register: one notice."""
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "register.sqlite"
    r = CliRunner().invoke(app, ["screen", str(batch), "--matter", IB, "--out", str(tmp_path / "out"), "--db", str(db),
                                 "--office", str(OFFICE), "--root", str(REPO)])
    assert r.exit_code == 1, r.output  # the example lacks two materials
    return db, "示例政务审补〔2026〕第0001号"  # the office's abbreviation, 补 for a notice to supply


def show(db, *args):
    return CliRunner().invoke(app, ["register", "show", *args, "--db", str(db), "--office", str(OFFICE)])


def test_register_show_prints_the_stored_notice_in_each_format(tmp_path):
    db, number = _screen_into_register(tmp_path)
    stored = show(db, number, "--format", "json")
    assert stored.exit_code == 0 and json.loads(stored.output)["number"] == number
    issued = notice_from_json(stored.output)
    for fmt in ("text", "markdown", "html"):
        for lang in LANGS:
            r = show(db, number, "--format", fmt, "--lang", lang)
            assert r.exit_code == 0, r.output
            assert r.output == render(issued, fmt, lang)
    html = show(db, number, "--format", "html").output
    assert html.startswith("<!DOCTYPE html>") and f"<dd>{number}</dd>" in html and "0000-1234567" in html
    out = tmp_path / "n.md"
    assert show(db, number, "--format", "markdown", "--lang", "en", "--output", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == render(issued, "markdown", "en")
    # without --format: the register's record of it, as before
    record = show(db, number)
    assert record.exit_code == 0 and len(record.output.splitlines()) == 2 and "rules of hunan" in record.output


def test_register_show_pdf_needs_a_file(tmp_path):
    db, number = _screen_into_register(tmp_path)
    r = show(db, number, "--format", "pdf")
    assert r.exit_code == 2 and "E028" in r.output and "--output" in r.output and "%PDF" not in r.output
    r = show(db, "no-such-number", "--format", "pdf")  # the usage is refused before the register is read
    assert r.exit_code == 2 and "E028" in r.output


def test_register_show_refuses_a_notice_changed_in_the_register(tmp_path):
    db, number = _screen_into_register(tmp_path)
    con = sqlite3.connect(db)
    stored = json.loads(con.execute("select notice_json from notice_register").fetchone()[0])
    stored["missing"][0]["name"] = "IB-03"
    con.execute("update notice_register set notice_json = ?", (json.dumps(stored, ensure_ascii=False),))
    con.commit()
    con.close()
    r = show(db, number, "--format", "html")
    assert r.exit_code == 2 and "E029" in r.output and "missing[0].name is a text, not an object" in r.output
    assert "Traceback" not in r.output and "<html" not in r.output
    assert show(db, number, "--format", "json").exit_code == 0  # as stored, still
