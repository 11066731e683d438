"""Renderers of a notice: text (default), Markdown, HTML and JSON, in Chinese or English, and PDF.

FORMATS is the one list of the text formats: `render()` gives a str in any of them, and the web
pages and the screening read it. BINARY_FORMATS are the formats whose output is bytes (PDF):
`render_bytes()` gives any format as bytes (a text format as UTF-8), and ALL_FORMATS, the
command line's `--format` choices, is both. To add a format, write a module here with
`render(notice, lang) -> str` (or `-> bytes`) and give it one line in FORMATS (BINARY_FORMATS).
"""

from __future__ import annotations

from typing import Callable

from checker.notice.notice import Notice
from checker.notice.render import html, jsonout, markdown, pdf, text

FORMATS: dict[str, Callable[[Notice, str], str]] = {
    "text": text.render,
    "markdown": markdown.render,
    "html": html.render,
    "json": jsonout.render,
}
BINARY_FORMATS: dict[str, Callable[[Notice, str], bytes]] = {
    "pdf": pdf.render,
}
ALL_FORMATS: tuple[str, ...] = (*FORMATS, *BINARY_FORMATS)


def render(notice: Notice, fmt: str = "text", lang: str = "zh") -> str:
    """The notice as text in a text format (a binary one is render_bytes's: KeyError here)."""
    return FORMATS[fmt](notice, lang)


def render_bytes(notice: Notice, fmt: str = "pdf", lang: str = "zh") -> bytes:
    """The notice in any format, as bytes: a binary format's own, a text format's UTF-8."""
    if fmt in BINARY_FORMATS:
        return BINARY_FORMATS[fmt](notice, lang)
    return render(notice, fmt, lang).encode("utf-8")
