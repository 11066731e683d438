"""Renderers of a notice: text (default), Markdown, HTML and JSON, in Chinese or English.

FORMATS is the one list of output formats: the command line's `--format` choices and every other
caller read it. To add a format, write a module here with `render(notice, lang) -> str` and give
it one line in FORMATS.
"""

from __future__ import annotations

from typing import Callable

from checker.notice.notice import Notice
from checker.notice.render import html, jsonout, markdown, text

FORMATS: dict[str, Callable[[Notice, str], str]] = {
    "text": text.render,
    "markdown": markdown.render,
    "html": html.render,
    "json": jsonout.render,
}


def render(notice: Notice, fmt: str = "text", lang: str = "zh") -> str:
    return FORMATS[fmt](notice, lang)
