"""Markdown rendering, for a web page, an e-mail or a case file."""

from __future__ import annotations

from checker.notice.notice import Notice
from checker.notice.render.layout import layout
from checker.texts import t


def _md(text: str) -> str:
    """Escape the characters that would change Markdown structure inside a line."""
    for ch in ("\\", "*", "_", "`", "[", "]", "<", ">", "|"):
        text = text.replace(ch, "\\" + ch)
    return text


def render(notice: Notice, lang: str = "zh") -> str:
    lay = layout(notice, lang)
    colon = t("colon", lang)
    out = [f"# {_md(lay.title)}", ""]
    out += [f"- **{_md(k)}**{colon}{_md(v)}" for k, v in lay.header]
    out += ["", f"> **{_md(lay.outcome)}**", ">", f"> {_md(lay.outcome_basis)}"]
    for section in lay.sections:
        out += ["", f"## {_md(section.title)}", ""]
        for j, entry in enumerate(section.entries, 1):
            if entry.title:
                out.append(f"{j}. **{_md(entry.title)}**")
                pad = "   "
            else:
                pad = ""
            for label, value in entry.lines:
                if isinstance(value, list):
                    out.append(f"{pad}- {_md(label)}{colon}")
                    out += [f"{pad}  - {_md(sub)}" for sub in value]
                else:
                    out.append(f"{pad}- {_md(label)}{colon}{_md(value)}")
    out.append("")
    out += [f"{_md(line)}  " for line in lay.footer]
    out += ["", "---", ""]
    out += [f"- {_md(k)}{colon}`{v}`" for k, v in lay.digests]
    return "\n".join(out) + "\n"
