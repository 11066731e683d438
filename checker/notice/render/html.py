"""HTML rendering: one self-contained, printable page; every text is escaped.

The page carries its own print stylesheet, used alike by a browser's print and by the PDF
(render/pdf.py): A4 with margins, the page number and the page count at the foot of every page,
the document number at the head of every page after the first, nothing but the notice printed.
The fonts are named, not fetched: Noto CJK (Debian's fonts-noto-cjk) first, then the CJK fonts a
Windows or macOS browser has.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape

from checker.notice.notice import Notice
from checker.notice.render.layout import layout
from checker.texts import t

FONTS = '"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif'
TITLE_FONTS = '"Noto Serif CJK SC","Source Han Serif SC","SimSun","Songti SC",serif'

_STYLE = """
body{font-family:%(fonts)s;max-width:48em;margin:2em auto;line-height:1.6;color:#111}
h1{text-align:center;font-size:1.5em;font-family:%(title_fonts)s}
.outcome{border:2px solid #333;padding:.6em 1em;margin:1em 0}
.outcome.accept{border-color:#2e7d32}.outcome.correct,.outcome.rongque{border-color:#ed6c02}
.outcome.refuse,.outcome.redirect,.outcome.not_required{border-color:#c62828}
dl.header{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dt{font-weight:bold}dd{margin:0}
ol li{margin-bottom:.8em}
table.lines td{vertical-align:top;padding:0 .6em .2em 0}table.lines td:first-child{white-space:nowrap}
table.lines ul{margin:0;padding-left:1.2em;list-style:disc}
.footer p{margin:.3em 0}.digests{font-size:.8em;color:#555;word-break:break-all}
@page{size:A4;margin:20mm 18mm 22mm;font-family:%(fonts)s;font-size:9pt;color:#444;
@top-right{content:%(running_head)s}@bottom-center{content:%(page_of)s}}
@page:first{@top-right{content:none}}
@media print{
body{margin:0;max-width:none;font-size:10.5pt;line-height:1.5}
h1{font-size:16pt;margin:0 0 .8em}h2{font-size:12pt;margin:1.2em 0 .4em;break-after:avoid}
nav,button,form,.no-print{display:none}
.outcome,ol li,tr,.footer,.digests{break-inside:avoid}
a{color:inherit;text-decoration:none}
}
"""

_PAGE, _PAGES = "\0page\0", "\0pages\0"


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that nothing in it can end: every ASCII character but
    letters, digits and the space, and every other control or separator character, written as a
    6-digit escape (so neither a quote nor `</style>` in a document number can break out)."""
    def safe(ch: str) -> bool:
        if ch.isascii():
            return ch.isalnum() or ch == " "
        return unicodedata.category(ch)[0] not in "CZ"
    return '"' + "".join(ch if safe(ch) else f"\\{ord(ch):06x}" for ch in text) + '"'


def page_of(lang: str) -> str:
    """The CSS content "第 N 页 共 M 页" / "Page N of M": the words from texts.py, the numbers the
    printer's counters."""
    out = []
    for part in re.split("(\0pages?\0)", t("notice.page_of", lang, page=_PAGE, pages=_PAGES)):
        if part == _PAGE:
            out.append("counter(page)")
        elif part == _PAGES:
            out.append("counter(pages)")
        elif part:
            out.append(css_string(part))
    return " ".join(out)


def style(number: str, lang: str) -> str:
    """The page's stylesheet: the running head is the document number (none on a self-check)."""
    return _STYLE % {"fonts": FONTS, "title_fonts": TITLE_FONTS, "page_of": page_of(lang),
                     "running_head": css_string(number) if number else "none"}


def render(notice: Notice, lang: str = "zh") -> str:
    lay = layout(notice, lang)
    e = escape
    html_lang = t("html_lang", lang)
    out = [f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">',
           f"<title>{e(lay.title)}</title>\n<style>{style(getattr(notice, 'number', ''), lang)}</style>\n</head>\n<body>",
           f"<h1>{e(lay.title)}</h1>", '<dl class="header">']
    out += [f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in lay.header]
    out.append("</dl>")
    out.append(f'<div class="outcome {e(lay.outcome_key)}"><strong>{e(lay.outcome)}</strong>'
               f"<br><small>{e(lay.outcome_basis)}</small></div>")
    for section in lay.sections:
        out.append(f'<section class="{e(section.key)}">\n<h2>{e(section.title)}</h2>')
        numbered = any(entry.title for entry in section.entries)
        out.append("<ol>" if numbered else "<div>")
        for entry in section.entries:
            out.append("<li>" if numbered else "<div>")
            if entry.title:
                out.append(f"<strong>{e(entry.title)}</strong>")
            if entry.lines:
                out.append('<table class="lines">')
                for k, v in entry.lines:
                    cell = ("<ul>" + "".join(f"<li>{e(s)}</li>" for s in v) + "</ul>"
                            if isinstance(v, list) else e(v))
                    out.append(f"<tr><td>{e(k)}</td><td>{cell}</td></tr>")
                out.append("</table>")
            out.append("</li>" if numbered else "</div>")
        out.append("</ol>" if numbered else "</div>")
        out.append("</section>")
    out.append('<div class="footer">' + "".join(f"<p>{e(line)}</p>" for line in lay.footer) + "</div>")
    out.append('<div class="digests">' + "<br>".join(f"{e(k)}: {e(v)}" for k, v in lay.digests) + "</div>")
    out.append("</body>\n</html>")
    return "\n".join(out) + "\n"
