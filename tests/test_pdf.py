"""A notice as PDF (checker/notice/render/pdf.py) and the print stylesheet it shares with the
browser (render/html.py): real CJK glyphs from embedded Noto CJK fonts, text that extracts, A4
pages numbered "第 N 页 共 M 页", the document number at the head of every page after the first,
and nothing fetched from anywhere.

The PDF is read with poppler-utils (pdftotext, pdffonts). Where WeasyPrint's libraries or poppler
are missing these tests fail on CI ($CHECKER_REQUIRE_PDF, set by .ci/run) and for root (the
Makefile installs them as root); elsewhere they are skipped, saying what to install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from checker.errors import CheckerError
from checker.notice.render import ALL_FORMATS, BINARY_FORMATS, FORMATS, render, render_bytes
from checker.notice.render import html as html_renderer
from checker.notice.render import pdf
from checker.service import check
from checker.shells.cli import app
from checker.source.local import load_office
from checker.workspace import Workspace
from conftest import REPO

IB = "individual-business-registration"
EXAMPLE = REPO / "examples" / "individual-business-leased-agent.yaml"
OFFICE = REPO / "examples" / "office.yaml"
NUMBER = "示例政务审补〔2026〕第0042号"


def _require_pdf_tools() -> None:
    problem = pdf.weasyprint_problem()
    missing = [tool for tool in ("pdftotext", "pdffonts") if shutil.which(tool) is None]
    if not problem and not missing:
        return
    why = (f"WeasyPrint cannot work ({problem}); install {pdf.SYSTEM_PACKAGES}" if problem else
           f"{' and '.join(missing)} missing: install poppler-utils")
    if os.environ.get("CHECKER_REQUIRE_PDF") or os.geteuid() == 0:
        pytest.fail(f"PDF notices must work here: {why} (`make` installs them as root)")
    pytest.skip(why)


@pytest.fixture(scope="module")
def pdf_tools():
    _require_pdf_tools()


def pdf_text(data: bytes, tmp_path, *pages: int) -> str:
    """The PDF's text as pdftotext extracts it (pages: first and last), in reading order."""
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    args = ["pdftotext", "-enc", "UTF-8"] + (["-f", str(pages[0]), "-l", str(pages[-1])] if pages else [])
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def squeezed(text: str) -> str:
    """Text without line breaks and spaces, so that a name the page wrapped still matches."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def issued():
    """The shipped example, issued by the example office with a document number: leased premises,
    filed by an agent, the proof of premises (IB-03) and the agent's authorisation (IB-05) lacking."""
    ws = Workspace(REPO)
    office = load_office(OFFICE, REPO)
    notice = check(ws.compiled(IB, ws.locality_file(office.locality)), EXAMPLE, office=office)
    notice.number = NUMBER
    return notice


@pytest.fixture(scope="module")
def pdfs(pdf_tools, issued):
    return {lang: render_bytes(issued, "pdf", lang) for lang in ("zh", "en")}


# by hand, from matters/individual-business-registration.yaml, examples/office.yaml and texts.py
EXPECTED = {
    "zh": ["一次性告知书（补正材料通知书）", NUMBER, "经营场所使用证明", "委托代理人证明及代理人身份证复印件",
           "0000-1234567", "12345", "示例县政务服务中心"],
    "en": ["One-time notice of materials to supply or correct", NUMBER, "Proof of the right to use the premises",
           "Agent authorisation and a copy of the agent's ID", "0000-1234567", "12345",
           "Example County Government Service Centre"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pdf_says_what_the_notice_says(pdfs, issued, lang, tmp_path):
    data = pdfs[lang]
    assert data.startswith(b"%PDF-")
    text = squeezed(pdf_text(data, tmp_path))
    for expected in EXPECTED[lang]:
        assert squeezed(expected) in text, expected
    # and every item the notice lists, whatever the example holds
    from checker.texts import tx
    for item in issued.missing + issued.defective:
        assert squeezed(f"[{item.id}]{tx(item.name, lang)}") in text
    assert [i.id for i in issued.missing] == ["IB-03", "IB-05"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_its_fonts_are_noto_cjk_embedded(pdfs, lang, tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(pdfs[lang])
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    fonts = listing.splitlines()[2:]  # after the two header lines
    assert fonts, listing
    for line in fonts:
        name, emb = line.split()[0], line.split()[-5]  # ... emb sub uni object ID
        assert "Noto" in name and "CJK" in name and emb == "yes", listing


def test_pages_are_numbered_and_carry_the_number_after_the_first(pdfs, tmp_path):
    pages = pdf_text(pdfs["zh"], tmp_path).split("\f")[:-1]  # pdftotext ends each page with a form feed
    assert len(pages) >= 2  # the example's notice does not fit one A4 page
    for n, page in enumerate(pages, 1):
        assert f"第{n}页共{len(pages)}页" in squeezed(page)  # pdftotext drops the spaces between CJK
    assert pages[0].count(NUMBER) == 1  # in the header block only: no running head on page 1
    assert all(NUMBER in page for page in pages[1:])
    en = pdf_text(pdfs["en"], tmp_path).split("\f")[:-1]
    assert f"Page 1 of {len(en)}" in en[0] and f"Page {len(en)} of {len(en)}" in en[-1]


def test_a_self_check_has_no_running_head(pdf_tools, issued, tmp_path):
    import copy
    notice = copy.deepcopy(issued)
    notice.number = ""
    pages = pdf_text(render_bytes(notice, "pdf", "zh"), tmp_path).split("\f")[:-1]
    assert "示例政务审补" not in "".join(pages) and "第1页共" in squeezed(pages[0])


# ------------------------------------------------------------------ the print stylesheet

def test_the_html_page_has_the_print_stylesheet(issued):
    page = render(issued, "html", "zh")
    style = page[page.index("<style>"):page.index("</style>")]
    assert "@page{size:A4;margin:20mm 18mm 22mm" in style
    assert '@bottom-center{content:"第 " counter(page) " 页 共 " counter(pages) " 页"}' in style
    assert '@top-right{content:"示例政务审补〔2026〕第0042号"}' in style and "@page:first{@top-right{content:none}}" in style
    assert "@media print{" in style and "nav,button,form,.no-print{display:none}" in style
    assert '"Noto Sans CJK SC"' in style
    assert '@bottom-center{content:"Page " counter(page) " of " counter(pages)}' in render(issued, "html", "en")


def test_a_document_number_cannot_break_out_of_the_stylesheet(issued):
    import copy
    notice = copy.deepcopy(issued)
    notice.number = 'X"}</style><script>alert(1)</script>'
    page = render(notice, "html", "zh")
    assert page.count("</style>") == 1 and "<script>" not in page
    assert '@top-right{content:"X\\000022\\00007d\\00003c\\00002fstyle' in page
    assert html_renderer.css_string("a b\n〔2026〕") == '"a b\\00000a〔2026〕"'


def test_the_formats_say_which_are_bytes(issued):
    assert set(FORMATS) == {"text", "markdown", "html", "json"} and set(BINARY_FORMATS) == {"pdf"}
    assert ALL_FORMATS == ("text", "markdown", "html", "json", "pdf")
    assert render_bytes(issued, "html", "en") == render(issued, "html", "en").encode("utf-8")
    with pytest.raises(KeyError):
        render(issued, "pdf", "zh")  # text only: a PDF is bytes


# ------------------------------------------------------------------ nothing fetched

SECRET = "SECRET-7f3a"


@pytest.fixture
def secret_svg(tmp_path):
    svg = tmp_path / "secret.svg"
    svg.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40">'
                   f'<text x="0" y="20" font-size="16">{SECRET}</text></svg>', encoding="utf-8")
    return svg


def test_a_local_file_named_in_the_page_is_not_read(pdf_tools, secret_svg, tmp_path):
    page = (f'<html><head><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
            f'<style>@import url("file://{secret_svg}"); body{{background:url("data:image/png;base64,AAAA")}}</style>'
            f'</head><body><p>通知</p><img src="file://{secret_svg}"><img src="{secret_svg}"></body></html>')
    # the control: WeasyPrint's own fetcher reads the file, so the check below can fail
    from weasyprint import HTML
    assert SECRET in pdf_text(HTML(string=page).write_pdf(), tmp_path)
    fetcher = pdf.refusing_fetcher()
    text = pdf_text(pdf.pdf_from_html(page, fetcher=fetcher), tmp_path)
    assert "通知" in text and SECRET not in text
    assert f"file://{secret_svg}" in fetcher.refused and "http://127.0.0.1:9/x.css" in fetcher.refused
    assert any(url.startswith("data:") for url in fetcher.refused)


def test_the_fetcher_refuses_every_url(pdf_tools):
    fetcher = pdf.refusing_fetcher()
    for url in ("file:///etc/passwd", "https://example.org/", "data:text/plain,hello", "ftp://x/y"):
        with pytest.raises(pdf.URLRefused):
            fetcher(url)
        with pytest.raises(pdf.URLRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8


def test_without_weasyprints_libraries_the_pdf_is_refused_saying_what_to_install(monkeypatch, issued):
    monkeypatch.setattr(pdf, "weasyprint_problem", lambda: "cannot load library 'libpango-1.0-0'")
    with pytest.raises(CheckerError) as e:
        render_bytes(issued, "pdf", "zh")
    [problem] = e.value.problems
    assert problem.code == "E028" and "libpango-1.0-0" in problem.message
    assert "libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk" in problem.hint


# ------------------------------------------------------------------ the command line

def run(*args):
    return CliRunner().invoke(app, [*map(str, args), "--root", str(REPO)])


def test_check_writes_a_pdf_only_to_a_file(pdf_tools, tmp_path):
    r = run("check", IB, EXAMPLE, "--format", "pdf")
    assert r.exit_code == 2 and "E028" in r.output and "add --output FILE.pdf" in r.output and "%PDF" not in r.output
    out = tmp_path / "notice.pdf"
    r = run("check", IB, EXAMPLE, "--format", "pdf", "--lang", "en", "--office", OFFICE, "-o", out)
    assert r.exit_code == 1, r.output  # the notice lists materials to supply, as with every format
    assert r.output == "" and out.read_bytes().startswith(b"%PDF-")
    assert "Proof of the right to use the premises" in pdf_text(out.read_bytes(), tmp_path)
    r = run("check", IB, EXAMPLE, "--format", "pdf", "-o", tmp_path / "no" / "n.pdf")
    assert r.exit_code == 2 and "E004" in r.output


def test_register_show_writes_the_stored_notice_as_pdf(pdf_tools, tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    db = tmp_path / "register.sqlite"
    r = run("screen", batch, "--matter", IB, "--out", tmp_path / "out", "--db", db, "--office", OFFICE)
    assert r.exit_code == 1, r.output
    out = tmp_path / "reprint.pdf"
    r = CliRunner().invoke(app, ["register", "show", "示例政务审补〔2026〕第0001号", "--db", str(db),
                                 "--office", str(OFFICE), "--format", "pdf", "--output", str(out)])
    assert r.exit_code == 0, r.output
    text = squeezed(pdf_text(out.read_bytes(), tmp_path))
    assert squeezed("示例政务审补〔2026〕第0001号") in text and "经营场所使用证明" in text and "0000-1234567" in text
