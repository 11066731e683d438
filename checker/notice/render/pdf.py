"""PDF rendering: the notice's HTML page (render/html.py, with its print stylesheet) laid out by
WeasyPrint, so that the printed page and the PDF are one design.

WeasyPrint is handed nothing from outside the page: its URL fetcher refuses every URL, `file://`
and `data:` included, so that no text in a notice can make the server read a file or call a host.
The fonts are the system's (fontconfig), named in the stylesheet: Noto CJK, from Debian's
fonts-noto-cjk, embedded in the PDF as subsets.

WeasyPrint needs Pango (>= 1.44) at run time; the Makefile installs it with apt-get where it is
missing. Without it, making a PDF is refused with E028 and what to install, never a traceback.
"""

from __future__ import annotations

from checker.errors import fail
from checker.notice.notice import Notice
from checker.notice.render import html

SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk"


class URLRefused(ValueError):
    """A URL the PDF renderer was asked to fetch: it fetches none."""


def refusing_fetcher():
    """A WeasyPrint URL fetcher that fetches nothing and keeps the URLs it was asked for
    (`.refused`), for the tests to see that it was asked and said no. WeasyPrint 70 (the locked
    version) wants a URLFetcher; an older one takes any callable."""
    from weasyprint import urls
    base = getattr(urls, "URLFetcher", object)

    class RefuseEveryURL(base):
        def __init__(self):
            if base is not object:
                super().__init__(allow_redirects=False, fail_on_errors=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            self.refused.append(url)
            raise URLRefused(f"a notice's PDF fetches nothing: {url[:80]!r} refused")

        def __call__(self, url):
            return self.fetch(url)

    return RefuseEveryURL()


def weasyprint_problem() -> str:
    """Why WeasyPrint cannot work on this machine ("" when it can): its system libraries are
    loaded when it is imported."""
    try:
        import weasyprint  # noqa: F401
    except (OSError, ImportError) as e:
        return str(e).splitlines()[0] if str(e) else type(e).__name__
    return ""


def pdf_from_html(page: str, *, fetcher=None) -> bytes:
    """The PDF of an HTML page that names no outside resource (any it names is refused, not
    fetched). `fetcher`: the refusing fetcher to use, to see what was refused (tests)."""
    problem = weasyprint_problem()
    if problem:
        raise fail("--format pdf", f"cannot make a PDF on this machine: WeasyPrint cannot load its libraries ({problem})",
                   code="E028", hint=f"install the system packages {SYSTEM_PACKAGES} (`make` does it as root)")
    from weasyprint import HTML
    return HTML(string=page, base_url=None, url_fetcher=fetcher or refusing_fetcher()).write_pdf()


def render(notice: Notice, lang: str = "zh") -> bytes:
    """The notice as a PDF: its HTML page, printed."""
    return pdf_from_html(html.render(notice, lang))
