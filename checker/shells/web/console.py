"""The staff console (`checker serve --db`): window staff and chiefs in a browser, behind a login,
each seeing their own agency's register only.

Under /staff: log in and out; screen one application (every question of the matter visible, with
the materials received, the notice beside it as answers change) and issue it as a numbered
notice; the register searched, each notice reprinted exactly as issued (HTML to print, PDF) with
the supply recorded; the 容缺/补正 follow-up list; for a chief, statistics and exports; for an
administrator, accounts and offices.

Security: a session cookie (HttpOnly, SameSite=Strict, Secure unless the server was told the hall's
network is closed), a CSRF token in every state-changing request (a form field or the
X-CSRF-Token header), the login's own double-submit token, every issue, supply, reprint, export,
login and account change in the audit log (accounts.py, register.py). A document number of
another agency is a 404, as one that does not exist."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MultiDict
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from checker.errors import CheckerError
from checker.notice.render import render
from checker.shells import interview as iv
from checker.shells.accounts import MAX_HOURS, Accounts, AccountError, Session, csrf_ok
from checker.errors import Location
from checker.service import check, check_bundle
from checker.shells.register import Database, Register, RegisterError
from checker.shells.screen import Numbering, Record, Subject as ScreenSubject
from checker.shells.web.answers import read_answers
from checker.shells.web.batchjobs import MAX_UPLOAD, SUFFIXES, Jobs
from checker.shells.web.library import Library
from checker.shells.web.security import HEADERS, form_answers
from checker.shells.web.views import field_for, list_field_for, language, other_language
from checker.source.local import choose_locality
from checker.texts import LANGS, TEXTS, t, tx
from checker.workspace import Workspace

COOKIE, LOGIN_COOKIE = "checker_staff", "checker_login"
TEMPLATES = Path(__file__).resolve().parent / "templates" / "console"

# The console's one script: the notice beside the form follows the answers (the "preview" button
# does the same without JavaScript). Allowed by the Content-Security-Policy through its hash.
LIVE = ("(function(){var f=document.getElementById('screen');if(!f)return;var p=document.getElementById('notice');"
        "var n=0;function go(){var k=++n;var d=new FormData(f);d.set('action','preview');"
        "fetch(f.getAttribute('data-preview'),{method:'POST',body:new URLSearchParams(d),"
        "headers:{'X-CSRF-Token':d.get('csrf')},credentials:'same-origin'})"
        ".then(function(r){return r.ok?r.text():null}).then(function(h){if(h!==null&&k===n)p.innerHTML=h})}"
        "f.addEventListener('change',go);document.querySelectorAll('button.print').forEach(function(b){"
        "b.addEventListener('click',function(){window.print()})})})();")
PRINT = "document.querySelectorAll('button.print').forEach(function(b){b.addEventListener('click',function(){window.print()})});"
_HASHES = " ".join("'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in (LIVE, PRINT))
CSP = HEADERS["Content-Security-Policy"].replace("script-src ", f"script-src {_HASHES} ").replace(
    "default-src 'none';", "default-src 'none'; connect-src 'self';")


def _body_of(page: str) -> str:
    """A notice's HTML page as a fragment for a console page: its body, inside a
    `div.notice-doc` that carries the page's own styles, each rule scoped to that div (its
    @page and print rules left to the printed notice)."""
    import re
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    start, end = page.find("<body>"), page.rfind("</body>")
    body = page[start + 6:end] if start >= 0 and end > start else page
    css = style.group(1) if style else ""
    while (at := re.search(r"@(page|media)[^{]*\{", css)) is not None:  # drop the block, braces balanced
        depth, i = 1, at.end()
        while i < len(css) and depth:
            depth += {"{": 1, "}": -1}.get(css[i], 0)
            i += 1
        css = css[:at.start()] + css[i:]
    scoped = re.sub(r"([^{}]+)\{", lambda m: ",".join(
        ".notice-doc" if sel.strip() == "body" else f".notice-doc {sel.strip()}"
        for sel in m.group(1).split(",")) + "{", css)
    return f"<style>{scoped}</style><div class=\"notice-doc\">{body}</div>"


def _local_time(stamp: str | None) -> str:
    """A UTC time the register keeps (ISO 8601), as the hall's clock shows it: 2026-12-05 14:41."""
    from checker.shells.register import HALL_TZ, time_zone
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp).astimezone(time_zone(HALL_TZ)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


# the console's texts in each language, for the templates (`t.key`): built once, read only
_TEXTS = {lang: {k.split(".", 1)[1]: t(k, lang) for k in TEXTS if k.startswith("console.")}
          | {k: t(k, lang) for k in ("colon", "semicolon")} for lang in LANGS}


def _texts(lang: str) -> dict:
    return _TEXTS[lang]


@dataclass
class Subject:
    """What is screened: a matter, or a bundle (`event`) through its one form."""

    form: object  # the matter, or the bundle's form (matter-shaped)
    office: object
    check: Callable[[dict], object]  # the notice for an application
    event: bool = False


class Console:
    """The console's handlers over one register database and the matter library."""

    def __init__(self, root: Path, db: str | Database, secure_cookies: bool = True):
        self.root = Path(root)
        self.workspace = Workspace(root)
        self.db = db if isinstance(db, Database) else Database(db)
        self.accounts = Accounts(self.db)
        self.secure = secure_cookies
        self._registers: dict[str, Register] = {}
        self.jobs = Jobs()
        self._libraries: dict[str, Library] = {}
        self.env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters["local"] = _local_time

    def routes(self) -> list[Route]:
        r = [
            ("/staff", self.home, ["GET"]), ("/staff/", self.home, ["GET"]),
            ("/staff/login", self.login, ["GET", "POST"]), ("/staff/logout", self.logout, ["POST"]),
            ("/staff/screen/{matter_id}", self.screen, ["GET", "POST"]),
            ("/staff/screen/{matter_id}/preview", self.preview, ["POST"]),
            ("/staff/notices", self.notices, ["GET"]),
            ("/staff/notices/{number}", self.notice, ["GET"]),
            ("/staff/notices/{number}/print", self.notice_print, ["GET"]),
            ("/staff/notices/{number}/pdf", self.notice_pdf, ["GET"]),
            ("/staff/notices/{number}/supplied", self.supplied, ["POST"]),
            ("/staff/follow-up", self.follow_up, ["GET"]),
            ("/staff/statistics", self.statistics, ["GET"]),
            ("/staff/export", self.export, ["GET"]),
            ("/staff/admin", self.admin, ["GET", "POST"]),
            ("/staff/batch", self.batch, ["GET", "POST"]),
            ("/staff/batch/{job}", self.batch_job, ["GET"]),
            ("/staff/batch/{job}/result.zip", self.batch_result, ["GET"]),
            ("/staff/templates/{subject}.{fmt}", self.template, ["GET"]),
        ]
        return [Route(path, handler, methods=methods) for path, handler, methods in r]

    # -- plumbing

    def register(self, s: Session) -> Register:
        office = self.accounts.office(s.account.office)
        if office is None:
            raise HTTPException(403, "this account has no office")
        if office.id not in self._registers:
            self._registers[office.id] = Register(self.db, office.name["zh"], office.abbr)
        return self._registers[office.id]

    def library(self, s: Session) -> tuple[Library, object]:
        office = self.accounts.office(s.account.office)
        if office is None:
            raise HTTPException(403, "this account has no office")
        if office.id not in self._libraries:
            self._libraries[office.id] = Library(self.workspace, choose_locality(self.root, office=office))
        return self._libraries[office.id], office

    def page(self, name: str, lang: str, s: Session | None, status: int = 200, **context) -> HTMLResponse:
        html = self.env.get_template(name).render(lang=lang, html_lang=t("web.html_lang", lang), t=_texts(lang),
                                                  s=s, q=lambda **kw: "?" + urlencode({"lang": lang, **kw}),
                                                  other=other_language(lang), quote=quote, **context)
        return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP})

    def _token(self, request: Request) -> str | None:
        return request.cookies.get(COOKIE)

    def session(self, request: Request, *roles: str) -> Session:
        """The session of the request, with one of `roles` (any if none); a redirect to the login
        page without one, 403 with a role that may not do this."""
        s = self.accounts.session(self._token(request))
        if s is None:
            raise HTTPException(303, headers={"Location": "/staff/login?" + urlencode(
                {"lang": language(request.query_params.get("lang"))})})
        if roles and s.account.role not in roles:
            raise HTTPException(403, t("console.forbidden", language(request.query_params.get("lang"))))
        return s

    @staticmethod
    def csrf(s: Session, request: Request, form: MultiDict) -> None:
        if not csrf_ok(s, form.get("csrf") or request.headers.get("x-csrf-token")):
            raise HTTPException(403, t("console.csrf", language(request.query_params.get("lang"))))

    # -- logging in and out

    async def login(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        if request.method == "GET":
            nonce = secrets.token_urlsafe(24)
            resp = self.page("login.html", lang, None, nonce=nonce, error="")
            resp.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="strict", secure=self.secure,
                            path="/staff/login", max_age=3600)
            return resp
        form = await form_answers(request)
        sent, cookie = form.get("nonce", ""), request.cookies.get(LOGIN_COOKIE, "")
        if not sent or not secrets.compare_digest(sent.encode(), cookie.encode()):
            raise HTTPException(403, t("console.csrf", lang))
        token = await run_in_threadpool(self.accounts.login, form.get("username", ""), form.get("password", ""))
        if token is None:
            return self.page("login.html", lang, None, status=401, nonce=sent, error=t("console.login_failed", lang))
        resp = RedirectResponse("/staff/?" + urlencode({"lang": lang}), status_code=303)
        resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=self.secure, path="/staff",
                        max_age=MAX_HOURS * 3600)
        resp.delete_cookie(LOGIN_COOKIE, path="/staff/login")
        return resp

    async def logout(self, request: Request) -> Response:
        s = self.session(request)
        self.csrf(s, request, await form_answers(request))
        await run_in_threadpool(self.accounts.logout, self._token(request))
        resp = RedirectResponse("/staff/login", status_code=303)
        resp.delete_cookie(COOKIE, path="/staff")
        return resp

    # -- home

    def home(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        s = self.session(request)
        if s.account.role == "admin":
            return RedirectResponse("/staff/admin?" + urlencode({"lang": lang}), status_code=303)
        library, office = self.library(s)
        matters = [{"id": m.id, "name": tx(m.name, lang)} for m in library.all()]
        bundles = [{"id": b.id, "name": tx(b.name, lang)} for b in library.bundles()]
        waiting = self.register(s).follow_up(date.today())
        return self.page("home.html", lang, s, office=tx(office.name, lang), matters=matters, bundles=bundles,
                         waiting=len(waiting), overdue=sum(1 for f in waiting if f.overdue))

    # -- screening one application

    def _subject(self, s: Session, subject_id: str, lang: str) -> "Subject":
        """The matter (or bundle) to screen, under the office's locality."""
        library, office = self.library(s)
        try:
            if library.knows(subject_id):
                compiled = library.compiled(subject_id)
                return Subject(compiled.matter, office, lambda app: check(compiled, app, office=office))
            if library.knows_bundle(subject_id):
                bundle = library.bundle(subject_id)
                return Subject(bundle.form, office,
                               lambda app: check_bundle(bundle, library.compiled, {**app, "bundle": bundle.id},
                                                        office=office), event=True)
        except CheckerError:
            raise HTTPException(500, t("web.api.broken", lang)) from None
        raise HTTPException(404)

    @staticmethod
    def _application(m, form: MultiDict) -> tuple[dict, object]:
        """The application the form describes: answers read as the self-check reads them, the
        applicant, the reference and the materials received (each in the form the matter asks)."""
        a = read_answers(m, form)
        app = {"date": a.date, "facts": {k: v for k, v in a.answers.items() if k in m.facts}}
        applicant = {k: form.get(f"applicant_{k}", "").strip() for k in ("name", "id_number", "contact")}
        applicant = {k: v for k, v in applicant.items() if v}
        if applicant:
            app["applicant"] = applicant
        materials = []
        for mat in m.materials:
            for pid in [mat.id] + [p.id for o in mat.options for p in o.parts]:
                if form.get(f"got.{pid}"):
                    entry = {"id": pid, "form": mat.form}
                    if isinstance(mat.copies, int):
                        entry["copies"] = mat.copies
                    if "signed" in mat.checks:
                        entry["signed"] = True
                    until = form.get(f"until.{pid}", "").strip()
                    if until:
                        entry["valid_until"] = until
                    materials.append(entry)
        app["materials"] = materials
        promised = [mat.id for mat in m.materials if form.get(f"promise.{mat.id}")]
        if promised:
            app["promised"] = promised
        return app, a

    @staticmethod
    def _fields(m, a, lang: str) -> list:
        out = []
        for name, fact in m.facts.items():
            if fact.source == "agency":
                continue
            q = iv.question(fact)
            out.append(list_field_for(q, a, lang) if q.kind == "list" else field_for(q, name, a, a.answers.get(name), lang))
        return out

    @staticmethod
    def _materials_view(m, form: MultiDict, lang: str) -> list[dict]:
        rows = []
        for mat in m.materials:
            parts = [{"id": p.id, "name": tx(p.name, lang), "got": bool(form.get(f"got.{p.id}")),
                      "until": form.get(f"until.{p.id}", "")} for o in mat.options for p in o.parts]
            rows.append({"id": mat.id, "name": tx(mat.name, lang), "got": bool(form.get(f"got.{mat.id}")),
                         "until": form.get(f"until.{mat.id}", ""), "dated": "unexpired" in mat.checks,
                         "promise": bool(mat.secondary or mat.promise_allowed),
                         "promised": bool(form.get(f"promise.{mat.id}")), "parts": parts})
        return rows

    def _notice_of(self, subject: "Subject", form: MultiDict):
        app, a = self._application(subject.form, form)
        if a.errors or a.date_error:
            return None, a
        try:
            return subject.check(app), a
        except CheckerError as e:
            text = "; ".join(str(p) for p in e.problems)
            a.errors["_"] = {"zh": text, "en": text}
            return None, a

    def _screen_view(self, request: Request, subject_id: str, lang: str, s: Session, form: MultiDict) -> Response:
        subject = self._subject(s, subject_id, lang)
        m = subject.form
        if request.method == "POST":
            self.csrf(s, request, form)
        notice, a = self._notice_of(subject, form)
        if request.method == "POST" and form.get("action") == "issue":
            if notice is None:
                raise HTTPException(422, t("console.fix_first", lang))
            reference = form.get("reference", "").strip()
            if not reference:
                raise HTTPException(422, t("console.reference_needed", lang))
            numbering = Numbering(self.register(s), by=s.username)
            numbering(Record(Location("console"), "console", key=f"{m.id}/{reference}"),
                      ScreenSubject(m.id, tx(m.name, "zh"), None), notice)
            if not numbering.numbered:  # questions before a decision: no notice of the agency
                raise HTTPException(422, t("console.not_a_notice", lang))
            if subject.event:  # each member's notice: the register's list of them
                return RedirectResponse("/staff/notices?" + urlencode({"lang": lang, "reference": f"{m.id}/{reference}/"}),
                                        status_code=303)
            return RedirectResponse(f"/staff/notices/{quote(numbering.last)}?" + urlencode({"lang": lang}),
                                    status_code=303)
        return self.page("screen.html", lang, s, matter={"id": m.id, "name": tx(m.name, lang)},
                         fields=self._fields(m, a, lang), materials=self._materials_view(m, form, lang),
                         date_value=a.date_raw or a.date, date_error=tx(a.date_error, lang) if a.date_error else "",
                         general_error=tx(a.errors.get("_"), lang) if a.errors.get("_") else "",
                         applicant={k: form.get(f"applicant_{k}", "") for k in ("name", "id_number", "contact")},
                         reference=form.get("reference", ""),
                         notice=Markup(self._fragment(notice, lang)) if notice is not None else "",
                         script=Markup(LIVE), status=422 if (a.errors or a.date_error) else 200)

    @staticmethod
    def _fragment(notice, lang: str) -> str:
        """The notice as the printed notice shows it, for a panel of a console page."""
        return _body_of(render(notice, "html", lang))

    async def screen(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "clerk", "chief")
        form = await form_answers(request)
        return await run_in_threadpool(self._screen_view, request, request.path_params["matter_id"], lang, s, form)

    async def preview(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "clerk", "chief")
        form = await form_answers(request)
        self.csrf(s, request, form)

        def run():
            notice, _ = self._notice_of(self._subject(s, request.path_params["matter_id"], lang), form)
            if notice is None:
                return HTMLResponse(f"<p class=msg>{t('console.fix_first', lang)}</p>", status_code=422)
            return HTMLResponse(self._fragment(notice, lang))
        return await run_in_threadpool(run)

    # -- the register

    def _entry(self, s: Session, number: str):
        entry = self.register(s).show(number)
        if entry is None:
            raise HTTPException(404)  # another agency's number too: not found here
        return entry

    def notices(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "clerk", "chief")
        filters = self._filters(request)
        reg = self.register(s)
        try:
            rows, total = reg.search(**filters, limit=200), reg.count(**filters)
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        library, _ = self.library(s)
        given = {k: v for k, v in filters.items() if v}
        return self.page("notices.html", lang, s, rows=[self._row(e, lang) for e in rows], filters=filters,
                         total=total, statuses=["open", "supplied", "closed"],
                         outcomes=["accept", "rongque", "correct", "refuse", "redirect", "not_required"],
                         matters=[{"id": m.id, "name": tx(m.name, lang)} for m in library.all()],
                         export_csv="/staff/export?" + urlencode({"lang": lang, "format": "csv", **given}),
                         export_xlsx="/staff/export?" + urlencode({"lang": lang, "format": "xlsx", **given}))

    FILTERS = ("number", "applicant", "reference", "matter", "status", "outcome", "date_from", "date_to")

    def _filters(self, request: Request) -> dict:
        """The register's filters given in the address (blank: not filtered)."""
        return {k: (request.query_params.get(k) or "").strip() or None for k in self.FILTERS}

    @staticmethod
    def _row(e, lang: str, overdue: bool = False) -> dict:
        from checker.shells.ledger import matter_name
        return {"number": e.number, "matter": matter_name(e, lang), "applicant": e.applicant, "date": e.application_date,
                "outcome": t(f"console.outcome_{e.outcome}", lang), "status": t(f"console.status_{e.status}", lang),
                "deadline": e.deadline or "", "reference": e.application_key.split("/", 1)[-1],
                "overdue": overdue, "issued_by": e.issued_by}

    def _stored_html(self, entry, lang: str) -> str:
        from checker.notice.notice import notice_from_json
        return render(notice_from_json(entry.notice_json), "html", lang)

    def notice(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "clerk", "chief")
        entry = self._entry(s, request.path_params["number"])
        reg = self.register(s)
        return self.page("notice.html", lang, s, e=self._row(entry, lang), entry=entry,
                         body=Markup(_body_of(self._stored_html(entry, lang))), log=reg.audit_log(subject=entry.number),
                         script=Markup(PRINT))

    def notice_print(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "clerk", "chief")
        entry = self._entry(s, request.path_params["number"])
        self.register(s).record("reprint", entry.number, by=s.username, detail="html")
        return HTMLResponse(self._stored_html(entry, lang), headers={"Content-Security-Policy": CSP})

    def notice_pdf(self, request: Request) -> Response:
        from checker.notice.render.pdf import pdf_from_html
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "clerk", "chief")
        entry = self._entry(s, request.path_params["number"])
        pdf = pdf_from_html(self._stored_html(entry, lang))
        self.register(s).record("reprint", entry.number, by=s.username, detail="pdf")
        name = quote(f"{entry.number}.pdf")
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": f"inline; filename*=UTF-8''{name}"})

    async def supplied(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "clerk", "chief")
        self.csrf(s, request, await form_answers(request))
        number = request.path_params["number"]

        def run():
            self._entry(s, number)
            try:
                self.register(s).mark_supplied(number, by=s.username)
            except RegisterError as e:
                raise HTTPException(409, e.message) from None
        await run_in_threadpool(run)
        return RedirectResponse(f"/staff/notices/{quote(number)}?" + urlencode({"lang": lang}), status_code=303)

    def follow_up(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "clerk", "chief")
        rows = [self._row(f.entry, lang, f.overdue) for f in self.register(s).follow_up(date.today())]
        return self.page("follow_up.html", lang, s, rows=rows, today=date.today().isoformat())

    # -- batches

    async def batch(self, request: Request) -> Response:
        """GET: the upload form (and the templates to download); POST: the file, screened in the
        background, then its job's page."""
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "clerk", "chief")
        library, office = self.library(s)
        if request.method == "GET":
            return self.page("batch.html", lang, s, matters=[{"id": m.id, "name": tx(m.name, lang)} for m in library.all()],
                             bundles=[{"id": b.id, "name": tx(b.name, lang)} for b in library.bundles()],
                             suffixes=", ".join(SUFFIXES), limit=MAX_UPLOAD // 2**20, error="")
        length = request.headers.get("content-length", "")
        if not length.isdigit() or int(length) > MAX_UPLOAD + 64 * 1024:
            raise HTTPException(413, t("console.too_large", lang, mb=MAX_UPLOAD // 2**20))
        async with request.form(max_files=1, max_fields=8) as form:
            self.csrf(s, request, form)
            upload = form.get("file")
            name = Path(getattr(upload, "filename", "") or "").name
            suffix = Path(name).suffix.lower()
            if upload is None or not hasattr(upload, "read") or suffix not in SUFFIXES:
                raise HTTPException(422, t("console.batch_kind", lang, kinds=", ".join(SUFFIXES)))
            path = self.jobs.root / f"upload-{secrets.token_hex(8)}{suffix}"
            with path.open("wb") as out:
                while chunk := await upload.read(1 << 20):
                    out.write(chunk)
        from checker.shells.screen import Screener
        screener = Screener(self.workspace, None, None, office)
        job = self.jobs.start(office, s.username, name, path, screener, self.register(s), lang)
        return RedirectResponse(f"/staff/batch/{job.id}?" + urlencode({"lang": lang}), status_code=303)

    def _job(self, request: Request, s: Session):
        job = self.jobs.get(request.path_params["job"], s.account.office)
        if job is None:
            raise HTTPException(404)
        return job

    def batch_job(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "clerk", "chief")
        return self.page("batch_job.html", lang, s, job=self._job(request, s))

    def batch_result(self, request: Request) -> Response:
        s = self.session(request, "clerk", "chief")
        job = self._job(request, s)
        path = job.folder / "result.zip"
        if not job.finished or not path.exists():
            raise HTTPException(404)
        return Response(path.read_bytes(), media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="screening-{job.id}.zip"'})

    def template(self, request: Request) -> Response:
        """A matter's or bundle's columns for a batch, with their allowed values and a worked row."""
        from checker.shells.template import MEDIA_TYPES, template_for
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "clerk", "chief")
        library, _ = self.library(s)
        subject, fmt = request.path_params["subject"], request.path_params["fmt"]
        everything = subject == "all"  # one sheet for a mixed batch: every matter and event
        if fmt not in ("csv", "xlsx") or not (everything or library.knows(subject) or library.knows_bundle(subject)):
            raise HTTPException(404)
        names = [m.id for m in library.all()] + [b.id for b in library.bundles()] if everything else subject
        try:
            data = template_for(self.workspace, names, fmt, lang, library.locality)
        except CheckerError:
            raise HTTPException(500, t("web.api.broken", lang)) from None
        return Response(data, media_type=MEDIA_TYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{subject}.{fmt}"'})

    # -- for a chief

    def statistics(self, request: Request) -> Response:
        from checker.shells import statistics as st
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "chief")
        p = request.query_params
        try:  # the whole register: chains of notices are followed across the period's edges
            stats = st.statistics(self.register(s).list(limit=None), date_from=p.get("date_from") or None,
                                  date_to=p.get("date_to") or None, lang=lang)
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        return self.page("statistics.html", lang, s, report=Markup(st.report_sections(stats)),
                         summary=st.report_summary(stats), date_from=p.get("date_from", ""), date_to=p.get("date_to", ""))

    def export(self, request: Request) -> Response:
        from checker.shells import ledger
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "chief")
        p = request.query_params
        fmt = p.get("format", "csv")
        if fmt not in ("csv", "xlsx"):
            raise HTTPException(400, "format: csv or xlsx")
        reg = self.register(s)
        try:
            entries = reg.search(**self._filters(request), limit=None)
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        data = ledger.export_csv(entries, lang) if fmt == "csv" else ledger.export_xlsx(entries, lang)
        reg.record("export", f"{len(entries)} notices", by=s.username, detail=fmt)
        kind = "text/csv; charset=utf-8" if fmt == "csv" else \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d")
        return Response(data, media_type=kind,
                        headers={"Content-Disposition": f'attachment; filename="register-{stamp}.{fmt}"'})

    # -- for an administrator

    async def admin(self, request: Request) -> Response:
        lang = language(request.query_params.get("lang"))
        s = self.session(request, "admin")
        form = await form_answers(request)
        message, error = "", ""
        if request.method == "POST":
            self.csrf(s, request, form)
            what, user = form.get("do", ""), form.get("username", "")
            try:
                if what == "add":
                    await run_in_threadpool(self.accounts.add, user, form.get("name", ""), form.get("role", ""),
                                            form.get("office", ""), form.get("password", ""), s.username)
                elif what == "disable":
                    await run_in_threadpool(self.accounts.disable, user, s.username)
                elif what == "enable":
                    await run_in_threadpool(self.accounts.enable, user, s.username)
                elif what == "password":
                    await run_in_threadpool(self.accounts.set_password, user, form.get("password", ""), s.username)
                else:
                    raise AccountError("unknown action")
                message = t("console.saved", lang)
            except AccountError as e:
                error = str(e)
        return self.page("admin.html", lang, s, status=422 if error else 200, message=message, error=error,
                         offices=self.accounts.offices(), accounts=self.accounts.list(),
                         log=self.accounts.audit_log(50), roles=["clerk", "chief", "admin"])


__all__ = ["Console", "LANGS"]
