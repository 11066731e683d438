"""The applicant's self-check pages (Chinese by default, English with `?lang=en`; they work
without JavaScript): the matters with a search box, a matter's self-check form with its result,
the full notice to print, and the error pages.

Answers travel only in POST bodies, never in an address (security.form_answers)."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MultiDict
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from checker.errors import CheckerError
from checker.notice.render import render
from checker.run.compiler import CompiledMatter
from checker.shells import interview as iv
from checker.shells.web.answers import Answers, read_answers, run_event_step, run_step
from checker.shells.web.library import Library
from checker.shells.web.security import AUTO_SUBMIT, form_answers
from checker.shells.web.views import event_view, form_view, language, other_language, page_texts
from checker.source.local import Office
from checker.source.model import Matter
from checker.texts import LANGS, t, tx

log = logging.getLogger("checker.web")

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = {"html": "text/html", "text": "text/plain", "markdown": "text/markdown", "json": "application/json"}


def search(matters: list[Matter], q: str) -> list[Matter]:
    """The matters whose id, Chinese or English name contains q (case-insensitive)."""
    q = q.strip().casefold()
    if not q:
        return matters
    return [m for m in matters if any(q in (s or "").casefold() for s in (m.id, m.name.get("zh"), m.name.get("en")))]


def _usable(a: Answers, lang: str) -> Answers:
    """The answers for a notice; 422 if one is refused: a notice without it (or dated today) would
    be a wrong notice."""
    refused = ([f"date: {tx(a.date_error, lang)}"] if a.date_error else []) + [
        f"{name}: {tx(text, lang)}" for name, text in a.errors.items()]
    if refused:
        raise HTTPException(422, "; ".join(refused))
    return a


def search_bundles(bundles: list, q: str) -> list:
    """The bundles whose id or name contains q (case-insensitive)."""
    q = q.strip().casefold()
    return [b for b in bundles if not q or any(q in (s or "").casefold() for s in (b.id, b.name.get("zh"), b.name.get("en")))]


def with_query(params, **replace: str | None) -> str:
    """The query string with some parameters replaced (None: removed)."""
    pairs = [(k, v) for k, v in params.multi_items() if k not in replace]
    pairs += [(k, v) for k, v in replace.items() if v is not None]
    return urlencode(pairs)


class Pages:
    """The pages' handlers over the served matters, with the office's name and telephones on
    every page (and its header on the notices)."""

    def __init__(self, library: Library, office: Office | None = None):
        self.library, self.office = library, office
        # the office as its pages show it, once per language: name, then address, hours and telephones
        self.footer = {lang: None if office is None else {
            "name": tx(office.name, lang),
            "lines": [tx(v, lang) for v in (office.address, office.hours) if v]
            + [f"{t(f'phone.{kind}', lang)}: {number}" for kind, number in office.header()["phones"].items()]}
            for lang in LANGS}
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                               trim_blocks=True, lstrip_blocks=True)

    def agency(self, m: Matter, lang: str) -> str:
        return tx(self.office.name if self.office is not None else m.department, lang)

    def page(self, name: str, lang: str, status: int = 200, **context) -> HTMLResponse:
        html = self.env.get_template(name).render(lang=lang, html_lang=t("web.html_lang", lang), t=page_texts(lang),
                                                  script=Markup(AUTO_SUBMIT), office=self.footer[lang], **context)
        return HTMLResponse(html, status_code=status)

    def index(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        q = request.query_params.get("q", "")
        matters = self.library.all()
        found = search(matters, q)
        rows = [{"id": m.id, "name": tx(m.name, lang), "other": tx(m.name, other_language(lang)),
                 "department": self.agency(m, lang),
                 "href": "/matters/" + m.id + "?" + urlencode({"lang": lang})}
                for m in found]
        events = [{"id": b.id, "name": tx(b.name, lang), "other": tx(b.name, other_language(lang)),
                   "members": t("semicolon", lang).join(tx(m.matter.name, lang) for m in b.members),
                   "href": "/bundles/" + b.id + "?" + urlencode({"lang": lang})}
                  for b in self.library.bundles() if not q.strip() or b in search_bundles([b], q)]
        return self.page("index.html", lang, q=q, rows=rows, total=len(matters), events=events,
                         switch="/?" + with_query(request.query_params, lang=other_language(lang)))

    def _matter_or_404(self, matter_id: str, lang: str) -> CompiledMatter:
        if not self.library.knows(matter_id):
            raise HTTPException(404)
        try:
            return self.library.compiled(matter_id)
        except CheckerError:  # logged once, when it was loaded; not a bug of the server: no traceback
            raise HTTPException(500, t("web.api.broken", lang)) from None

    @staticmethod
    def _step_or_422(compiled: CompiledMatter, a: Answers) -> iv.Step:
        """run_step; answers the application schema refuses and no field takes the blame for
        (none is known) are a 422 naming the problems, never a 500."""
        try:
            return run_step(compiled, a)
        except CheckerError as e:
            raise HTTPException(422, "; ".join(str(p) for p in e.problems)) from None

    def _matter_view(self, matter_id: str, lang: str, params: MultiDict) -> Response:
        compiled = self._matter_or_404(matter_id, lang)
        m = compiled.matter
        a = read_answers(m, params)
        st = self._step_or_422(compiled, a)
        view = form_view(compiled, a, st, lang)
        return self._form_page("matters", m.id, lang, a, view, {
            "id": m.id, "name": tx(m.name, lang), "other": tx(m.name, other_language(lang)),
            "department": self.agency(m, lang),
            "locality": f"{t('locality', lang)}{t('colon', lang)}{tx(m.locality_name, lang)}" if m.locality_name else ""})

    def _form_page(self, kind: str, subject: str, lang: str, a: Answers, view: dict, heading: dict,
                   intro: str = "") -> Response:
        """A self-check form (a matter's or an event's) with its answers, questions and result;
        422 when an answer is refused (each marked on its field)."""
        refused = bool(a.errors or a.date_error)
        return self.page("matter.html", lang, status=422 if refused else 200, matter=heading, intro=intro,
                         date_error=tx(a.date_error, lang) if a.date_error else "",
                         date_value=a.date_raw or a.date, view=view, remaining=len(view["new"]), order=a.order,
                         action=f"/{kind}/{subject}?" + urlencode({"lang": lang}),
                         notice_action=f"/{kind}/{subject}/notice?" + urlencode({"format": "html", "lang": lang}),
                         switch=f"/{kind}/{subject}?" + urlencode({"lang": other_language(lang)}),
                         switch_form="check")

    async def matter(self, request: Request) -> Response:
        """GET: the empty self-check form; POST: the form with its answers (and the result)."""
        lang = language(request.query_params.get("lang"))
        params = await form_answers(request)
        return await run_in_threadpool(self._matter_view, request.path_params["matter_id"], lang, params)

    def _notice_view(self, matter_id: str, lang: str, fmt: str, params: MultiDict) -> Response:
        compiled = self._matter_or_404(matter_id, lang)
        a = _usable(read_answers(compiled.matter, params), lang)
        return self._notice_response(self._step_or_422(compiled, a).notice, fmt, lang)

    def _notice_response(self, notice, fmt: str, lang: str) -> Response:
        if self.office is not None:
            notice.office = self.office.header()
        return Response(render(notice, fmt, lang), media_type=f"{FORMATS[fmt]}; charset=utf-8")

    async def notice(self, request: Request) -> Response:
        """The full notice for the answers so far (nothing presented yet), to print."""
        lang = language(request.query_params.get("lang"))
        fmt = request.query_params.get("format", "html")
        if fmt not in FORMATS:
            raise HTTPException(400, "format must be html, text, markdown or json")
        params = await form_answers(request)
        return await run_in_threadpool(self._notice_view, request.path_params["matter_id"], lang, fmt, params)

    # --- events (一件事): one form, one set of materials, one notice

    def _bundle_or_404(self, bundle_id: str, lang: str):
        if not self.library.knows_bundle(bundle_id):
            raise HTTPException(404)
        try:
            return self.library.bundle(bundle_id)
        except CheckerError:
            raise HTTPException(500, t("web.api.broken", lang)) from None

    def _event_step_or_422(self, bundle, a: Answers):
        try:
            return run_event_step(bundle, self.library.compiled, a)
        except CheckerError as e:
            raise HTTPException(422, "; ".join(str(p) for p in e.problems)) from None

    def _bundle_view(self, bundle_id: str, lang: str, params: MultiDict) -> Response:
        bundle = self._bundle_or_404(bundle_id, lang)
        a = read_answers(bundle.form, params)
        st = self._event_step_or_422(bundle, a)
        view = event_view(bundle, a, st, lang)
        members = t("semicolon", lang).join(tx(m.matter.name, lang) for m in bundle.members)
        return self._form_page("bundles", bundle.id, lang, a, view, {
            "id": bundle.id, "name": tx(bundle.name, lang), "other": tx(bundle.name, other_language(lang)),
            "department": members, "department_label": t("web.event_members", lang), "locality": ""},
            intro=t("web.event_intro", lang))

    async def bundle(self, request: Request) -> Response:
        """GET: an event's empty form; POST: the form with its answers (and the event's result)."""
        lang = language(request.query_params.get("lang"))
        params = await form_answers(request)
        return await run_in_threadpool(self._bundle_view, request.path_params["bundle_id"], lang, params)

    def _bundle_notice_view(self, bundle_id: str, lang: str, fmt: str, params: MultiDict) -> Response:
        bundle = self._bundle_or_404(bundle_id, lang)
        a = _usable(read_answers(bundle.form, params), lang)
        return self._notice_response(self._event_step_or_422(bundle, a).notice, fmt, lang)

    async def bundle_notice(self, request: Request) -> Response:
        """The event's one notice for the answers so far, to print."""
        lang = language(request.query_params.get("lang"))
        fmt = request.query_params.get("format", "html")
        if fmt not in FORMATS:
            raise HTTPException(400, "format must be html, text, markdown or json")
        params = await form_answers(request)
        return await run_in_threadpool(self._bundle_notice_view, request.path_params["bundle_id"], lang, fmt, params)

    async def http_error(self, request: Request, exc: HTTPException) -> Response:
        lang = language(request.query_params.get("lang"))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        title = t("web.not_found" if exc.status_code == 404 else "web.bad_request" if exc.status_code < 500
                  else "web.error", lang)
        return self.page("error.html", lang, status=exc.status_code, title=title,
                         detail=exc.detail if exc.status_code != 404 else "", switch="")


async def server_error(request: Request, exc: Exception) -> Response:
    """A bug: logged (masked, without the request's data); a bare page in both languages."""
    log.error("internal error on %s: %s: %s", request.url.path, type(exc).__name__, exc)
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": "internal error"}, status_code=500)
    both = " / ".join(t("web.error", lang) for lang in LANGS)
    return HTMLResponse(f"<!DOCTYPE html><title>500</title><p>{both}</p>", status_code=500)
