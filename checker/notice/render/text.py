"""Plain-text rendering, for a terminal or a printed window slip."""

from __future__ import annotations

from checker.notice.notice import Notice
from checker.notice.render.layout import layout
from checker.texts import t


def render(notice: Notice, lang: str = "zh") -> str:
    lay = layout(notice, lang)
    colon, numerals = t("colon", lang), t("notice.numerals", lang)
    out = [lay.title, "=" * 40]
    out += [f"{k}{colon}{v}" for k, v in lay.header]
    out.append("")
    out.append(f"{t('outcome', lang)}{colon}{lay.outcome}")
    out.append(f"{t('outcome_basis', lang)}{colon}{lay.outcome_basis}")
    for i, section in enumerate(lay.sections):
        out.append("")
        number = t("notice.section_no", lang, n=numerals[i]) if i < len(numerals) else f"{i + 1}. "
        count = len(section.entries)
        numbered = any(entry.title for entry in section.entries)  # as the HTML renderer decides
        suffix = t("notice.count", lang, n=count) if numbered else ""
        out.append(f"{number}{section.title}{suffix}")
        for j, entry in enumerate(section.entries, 1):
            indent = "   "
            if entry.title:
                out.append(f"  {j}. {entry.title}")
            else:
                indent = "  "
            for label, value in entry.lines:
                if isinstance(value, list):
                    out.append(f"{indent}{label}{colon}")
                    out += [f"{indent}  ({chr(ord('a') + k)}) {sub}" for k, sub in enumerate(value)]
                else:
                    out.append(f"{indent}{label}{colon}{value}")
    out.append("")
    out += lay.footer
    out.append("")
    out += [f"{k}{colon}{v}" for k, v in lay.digests]
    return "\n".join(out) + "\n"
