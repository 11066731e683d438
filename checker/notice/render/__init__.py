"""Renderers of a notice: text (default), Markdown, HTML and JSON, in Chinese or English."""

from __future__ import annotations

from checker.notice.notice import Notice
from checker.notice.render import html, jsonout, markdown, text


def render(notice: Notice, fmt: str = "text", lang: str = "zh") -> str:
    if fmt == "json":
        return jsonout.render(notice)
    module = {"text": text, "markdown": markdown, "html": html}[fmt]
    return module.render(notice, lang)
