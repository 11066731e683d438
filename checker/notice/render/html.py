"""HTML rendering: one self-contained, printable page; every text is escaped."""

from __future__ import annotations

from html import escape

from checker.notice.notice import Notice
from checker.notice.render.layout import layout
from checker.texts import t

_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;max-width:48em;margin:2em auto;line-height:1.6;color:#111}
h1{text-align:center;font-size:1.5em}
.outcome{border:2px solid #333;padding:.6em 1em;margin:1em 0}
.outcome.accept{border-color:#2e7d32}.outcome.correct,.outcome.rongque{border-color:#ed6c02}
.outcome.refuse,.outcome.redirect,.outcome.not_required{border-color:#c62828}
dl.header{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dt{font-weight:bold}dd{margin:0}
ol li{margin-bottom:.8em}
table.lines td{vertical-align:top;padding:0 .6em .2em 0}
.footer p{margin:.3em 0}.digests{font-size:.8em;color:#555;word-break:break-all}
@media print{body{margin:0}}
"""


def render(notice: Notice, lang: str = "zh") -> str:
    lay = layout(notice, lang)
    e = escape
    html_lang = t("html_lang", lang)
    out = [f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head>\n<meta charset="utf-8">',
           f"<title>{e(lay.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>",
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
