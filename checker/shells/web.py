"""The applicant's self-check on the web (`checker serve`), and a JSON API for other programs.

Pages (Chinese by default, English with `?lang=en`; they work without JavaScript):

* `GET /` — the matters, with a search box (`?q=` matches the id and both names).
* `GET /matters/{id}` — the self-check form, empty; `POST /matters/{id}` with the form's answers
  (`date`, `<fact>=<answer>`..., `application/x-www-form-urlencoded`) — the same form with its
  answers. Its questions are those `checker.interview.step` says can still change the result (the
  same logic as `checker ask`); answers are read by `interview.parse_answer`, a bad one is shown
  again with its message. When nothing more can change the result, the same page shows what to
  bring, or why the application cannot succeed. Answers travel only in POST bodies, never in an
  address: a shared terminal's history and a proxy's log see the path alone. Every control that
  needs the answers (language switch, taking back a "don't know", the notice) is a submit button
  of the form.
* `POST /matters/{id}/notice?format=html|text|markdown|json` with the same answers — the full
  notice for the answers so far (nothing presented yet), to print.

JSON API (described by the OpenAPI document at `GET /api/openapi.json`):

* `GET /api/matters` — the matters.
* `GET /api/matters/{id}/schema` — the JSON Schema of an application (`application_schema`).
* `POST /api/matters/{id}/check` — an application as JSON in, the notice as JSON out (the shape
  of `checker check --format json`); 422 with the problems, each naming its field; 404 for an
  unknown matter; 400 for a body that is not JSON; 413 for a body over 256 KiB.

Privacy: no application data is stored anywhere. There are no sessions, no cookies, no files
and no database; request bodies and answers are never logged (the access log written by
`serve` shows the method and path, never a query string); every response says
`Cache-Control: no-store` and `Referrer-Policy: no-referrer`.

Concurrency: uvicorn runs the synchronous handlers in a thread pool. Requests share nothing
mutable but the catalogue of loaded and compiled matters, which is built under a lock, each
matter loaded and compiled once; the engine serialises evaluations per rule set itself
(`checker.engine`). Everything else a request touches is its own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MultiDict, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from checker import __version__
from checker.shells import interview as iv
from checker.run.application import application_schema, parse_application
from checker.run.compiler import CompiledMatter, compile_matter
from checker.run.engine import EngineError
from checker.errors import CheckerError, Location
from checker.source.loader import load_matter
from checker.source.model import Matter
from checker.shells.privacy import mask_logs
from checker.notice.render import render
from checker.source.local import Office, choose_locality
from checker.notice.render.layout import item_form, route_form
from checker.texts import t as notice_text, tx
from checker.service import check
from checker.source.yamlsource import MAX_DEPTH, nested_too_deep

log = logging.getLogger("checker.web")

MAX_BODY = 256 * 1024  # bytes of an application sent to the API, or of the form's answers
MAX_FIELDS = 4096  # fields of one form submission (a list fact has one per record field)
MAX_RECORDS = iv.MAX_RECORDS  # records of one list fact on the form (as in `checker ask`)
TEMPLATES = Path(__file__).resolve().parent / "templates"

# Submit the form as soon as an answer changes (progressive enhancement: the submit button
# does the same without JavaScript). Allowed by the Content-Security-Policy through its hash.
AUTO_SUBMIT = ("document.querySelectorAll('form.auto').forEach(function (f) {"
               " f.addEventListener('change', function (e) {"
               " if (e.target.matches('input, select')) { f.submit(); } }); });")
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(AUTO_SUBMIT.encode()).digest()).decode()
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; "
                                "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
}

UI: dict[str, tuple[str, str]] = {
    "site": ("政务服务事项自助预审", "Government services: self-check"),
    "all_matters": ("全部事项", "All matters"),
    "search": ("搜索事项（名称或编号）", "Search the matters (name or id)"),
    "search_button": ("搜索", "Search"),
    "count": ("共 {n} 项", "{n} matters"),
    "none_found": ("没有找到符合条件的事项。", "No matter matches."),
    "department": ("受理机关", "Agency"),
    "intro": ("只询问可能影响结果的问题；不确定的请选择“不清楚”。本页面不保存您填写的任何信息。",
              "Only questions that can change the result are asked; choose “don't know” if you are not sure. "
              "Nothing you enter is stored."),
    "date": ("申请日期", "Application date"),
    "date_hint": ("年-月-日，例如 2026-03-02", "YYYY-MM-DD, e.g. 2026-03-02"),
    "answered": ("您的回答（可以修改）", "Your answers (you can change them)"),
    "questions": ("请回答以下问题", "Please answer these questions"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "dont_know": ("不清楚", "don't know"),
    "submit": ("下一步", "Continue"),
    "back": ("上一步", "Back"),
    "recheck": ("更新结果", "Update the result"),
    "skipped": ("您选择了“不清楚”的问题", "Questions you answered “don't know”"),
    "unskip": ("改为回答", "answer it"),
    "how_many": ("共几条？（没有的填 0）", "How many? (none: 0)"),
    "record": ("第 {i} 条", "Record {i}"),
    "remaining": ("还有 {n} 个问题", "{n} question(s) left"),
    "result": ("自助预审结果", "Self-check result"),
    "bring": ("请携带以下材料到窗口办理：", "Bring these materials:"),
    "bring_none": ("无需另外准备材料。", "No materials to prepare."),
    "possibly": ("视情况可能需要", "may be required"),
    "form": ("提交形式", "Form"),
    "copies": ("份数", "Copies"),
    "route_one": ("应提交", "To supply"),
    "route_any": ("可选择下列任一方式", "Any one of these will do"),
    "source": ("获取途径", "Where to obtain it"),
    "why": ("需要的原因", "Why it is required"),
    "exempt": ("无需提交（由受理部门通过数据共享获取）", "Not needed: obtained by the agency"),
    "verify": ("审查或现场核查时将核实", "Verified later, on review or inspection"),
    "agency_checks": ("受理机关将自行核实（无需您提供）", "The agency will check itself (nothing to bring)"),
    "declared": ("按您签署的声明认定", "Taken from what you sign"),
    "declared_on": ("依据", "as declared on"),
    "needed_if": ("如属下列情形则需要", "Needed if this applies"),
    "qualifies_on": ("符合该条件的日期（届时可再申请）", "You meet this condition from (apply again then)"),
    "unknown": ("尚不清楚的情况（可能影响所需材料）", "Not known yet (may change the materials)"),
    "corrections": ("需更正的信息", "Information to correct"),
    "outcome.refuse": ("根据您的回答，不符合办理条件", "From your answers, the conditions are not met"),
    "outcome.redirect": ("该事项不由本机关办理，请向有关机关申请", "This agency does not handle it: apply to the competent agency"),
    "outcome.not_required": ("根据您的回答，依法无需办理此事项", "From your answers, this is not required by law"),
    "reasons": ("原因", "Reasons"),
    "basis": ("依据", "Basis"),
    "apply_to": ("请向", "Apply to"),
    "notice_link": ("查看并打印完整的预审结果", "View and print the full self-check result"),
    "disclaimer": ("本结果为自助预审，仅供参考，以受理机关的审查为准。",
                   "This self-check is for guidance only; the agency's review decides."),
    "not_found": ("没有这个事项", "No such matter"),
    "bad_request": ("请求无效", "Bad request"),
    "error": ("服务器内部错误", "Internal error"),
    "unusable": ("这个回答无法使用", "this answer cannot be used"),
    "colon": ("：", ": "),
}


_UI_BY_LANG = {lang: {k: pair[i] for k, pair in UI.items()} for i, lang in enumerate(("zh", "en"))}


def ui(lang: str) -> dict[str, str]:
    """The page texts in one language (shared: read, do not change)."""
    return _UI_BY_LANG["zh" if lang == "zh" else "en"]


def _lang(value: str | None) -> str:
    return "en" if value == "en" else "zh"


# --- the catalogue: matters loaded and compiled once, shared by all requests -----------------

class Catalogue:
    """The matters in ROOT/matters, each loaded (and compiled) on first use, once, under a lock."""

    def __init__(self, root: Path, local: Path | None = None):
        self.root, self.local = Path(root), local
        self.paths = {p.stem: p for p in sorted((self.root / "matters").glob("*.yaml"))}
        self._lock = threading.Lock()
        self._matters: dict[str, Matter] = {}
        self._compiled: dict[str, CompiledMatter | CheckerError] = {}
        self._broken: dict[str, CheckerError] = {}

    def known(self, matter_id: str) -> bool:
        return matter_id in self.paths

    def matter(self, matter_id: str) -> Matter:
        """The loaded matter; KeyError if unknown, CheckerError if its files are broken."""
        with self._lock:
            return self._load(matter_id)

    def _load(self, matter_id: str) -> Matter:  # the caller holds the lock
        found = self._matters.get(matter_id)
        if found is not None:
            return found
        if matter_id in self._broken:
            raise self._broken[matter_id]
        try:
            found = load_matter(self.paths[matter_id], self.root / "rules", self.local)
        except CheckerError as e:
            self._broken[matter_id] = e
            log.error("matter %s cannot be loaded:\n%s", matter_id, e)
            raise
        self._matters[matter_id] = found
        return found

    def compiled(self, matter_id: str) -> CompiledMatter:
        """The compiled matter; CheckerError if it does not load or is beyond the engine's limits
        (M018: then it is never registered, and every other matter is served as before)."""
        with self._lock:
            found = self._compiled.get(matter_id)
            if found is None:
                try:
                    found = compile_matter(self._load(matter_id))
                except CheckerError as e:
                    log.error("matter %s cannot be compiled:\n%s", matter_id, e)
                    found = e
                self._compiled[matter_id] = found
            if isinstance(found, CheckerError):
                raise found
            return found

    def all(self) -> list[Matter]:
        """Every matter that loads, in id order (one that does not is logged and left out)."""
        out = []
        with self._lock:
            for matter_id in self.paths:
                try:
                    out.append(self._load(matter_id))
                except CheckerError:
                    continue
        return out


def _summary(m: Matter) -> dict:
    return {"id": m.id, "name": m.name, "code": m.code, "department": m.department, "type": m.type,
            "level": m.level}


def search(matters: list[Matter], q: str) -> list[Matter]:
    """The matters whose id, Chinese or English name contains q (case-insensitive)."""
    q = q.strip().casefold()
    if not q:
        return matters
    return [m for m in matters if any(q in (s or "").casefold() for s in (m.id, m.name.get("zh"), m.name.get("en")))]


# --- the form: answers read from the query, with what to show for each question ----------------

@dataclass
class Field:
    """One question as the template draws it."""

    name: str  # the query parameter
    id: str  # the HTML id
    kind: str  # radio | text | list
    label: str
    value: str = ""  # the raw text answered
    options: list[tuple[str, str]] = field(default_factory=list)  # radio: (value, label)
    checked: str | None = None  # radio: the value checked
    skip_box: bool = False  # text: a "don't know" checkbox
    hint: str = ""
    note: str = ""
    error: str = ""  # why the answer cannot be read (from parse_answer)
    problem: str = ""  # why the checker asks again (e.g. an ID check digit)
    focus: bool = False  # the control the page puts the cursor in (autofocus)
    inputmode: str = ""  # text: the on-screen keyboard to offer
    records: list[tuple[str, list["Field"]]] = field(default_factory=list)  # list: (legend, fields)
    count_label: str = ""


@dataclass
class Answers:
    answers: dict[str, Any]
    skipped: set[str]
    raw: dict[str, list[str]]  # parameter -> values as sent
    errors: dict[str, dict]  # parameter -> {"zh", "en"}
    date: str
    date_raw: str
    date_error: dict | None
    order: list[str] = field(default_factory=list)  # the facts answered or skipped, first answered first


def _first(values: list[str]) -> str:
    """The answer among a parameter's values: "don't know" wins, else the first non-blank one."""
    for v in values:
        if iv.is_skip(v):
            return v
    return next((v for v in values if v.strip()), "")


def read_answers(matter: Matter, params) -> Answers:
    """The answers in a submitted form, parsed question by question with interview.parse_answer.
    A question named by `unskip` (its "answer it" button), or the last one answered when `back` is
    sent (the "back" button: the form's `order` says which), is neither answered nor skipped."""
    answers: dict[str, Any] = {}
    skipped: set[str] = set()
    raw: dict[str, list[str]] = {}
    errors: dict[str, dict] = {}
    skip_params = set(params.getlist("skip"))
    forget = set(params.getlist("unskip"))
    posted_order = [f for f in params.getlist("order") if f in matter.facts]
    if params.get("back") and posted_order:
        forget.add(posted_order[-1])
    for name, fact in matter.facts.items():
        if name in forget:
            continue
        values = params.getlist(name)
        text = _first(values)
        if iv.is_skip(text) or (not text.strip() and name in skip_params):
            skipped.add(name)
            continue
        if not text.strip():
            continue
        raw[name] = values
        q = iv.question(fact)
        if q.kind != "list":
            try:
                answers[name] = iv.parse_answer(q, text)
            except iv.AnswerError as e:
                errors[name] = e.text
            continue
        try:
            count = iv.parse_answer(iv.count_question(q), text)
        except iv.AnswerError as e:
            errors[name] = e.text
            continue
        records = []
        for i in range(int(count)):
            record: dict[str, Any] = {}
            for fq in q.fields:
                key = f"{name}.{i}.{fq.fact}"
                sub = _first(params.getlist(key))
                record[fq.fact] = None
                if not sub.strip():
                    continue
                raw[key] = [sub]
                if iv.is_skip(sub):
                    continue
                try:
                    record[fq.fact] = iv.parse_answer(fq, sub)
                except iv.AnswerError as e:
                    errors[key] = e.text
            records.append(record)
        answers[name] = records
    date_raw = params.get("date", "").strip()
    on, date_error = Date.today().isoformat(), None
    if date_raw:
        try:
            on = iv.parse_answer(iv.Question("date", "date", {"zh": "", "en": ""}), date_raw)
        except iv.AnswerError as e:
            date_error = e.text
    given = set(answers) | set(errors) | skipped
    order = list(dict.fromkeys(f for f in posted_order if f in given))
    order += [f for f in matter.facts if f in given and f not in order]
    return Answers(answers, skipped, raw, errors, on, date_raw, date_error, order)


_FIELD_PATH = re.compile(r"^facts\.([A-Za-z_][A-Za-z0-9_]*)((?:\.[0-9]+\.[A-Za-z_][A-Za-z0-9_]*)?)")


def run_step(compiled: CompiledMatter, a: Answers) -> iv.Step:
    """interview.step over the answers. An answer the application schema still refuses (which
    parse_answer let through) is taken back and shown as an error on its field."""
    for _ in range(len(a.answers) + 2):
        try:
            return iv.step(compiled, a.answers, a.date, a.skipped)
        except CheckerError as e:
            blamed = False
            for p in e.problems:
                m = _FIELD_PATH.match(p.message)
                if not m or m.group(1) not in a.answers:
                    continue
                fact, rest = m.group(1), m.group(2)
                text = {"zh": f"{UI['unusable'][0]}：{p.message}", "en": f"{UI['unusable'][1]}: {p.message}"}
                if rest:
                    _, index, sub = rest.split(".")
                    records = a.answers[fact]
                    if int(index) < len(records) and records[int(index)].get(sub) is not None:
                        records[int(index)][sub] = None
                        a.errors[f"{fact}.{index}.{sub}"] = text
                        blamed = True
                        continue
                a.answers.pop(fact)
                a.errors[fact] = text
                blamed = True
            if not blamed:
                raise
    raise RuntimeError("the answers could not be checked")  # pragma: no cover - each round drops one


def _html_id(name: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def _field(q: iv.Question, name: str, a: Answers, value: Any, lang: str) -> Field:
    """The control for one question; `value` is the parsed answer (None: none)."""
    t = ui(lang)
    raw = _first(a.raw.get(name, []))
    err = a.errors.get(name)
    f = Field(name, _html_id(name), "text", tx(q.text, lang), value=raw, error=tx(err, lang) if err else "",
              note=tx(q.remark, lang) if q.remark else "")
    if q.problem:
        f.problem = tx(q.problem, lang)
    if q.kind == "bool":
        f.kind = "radio"
        f.options = [("yes", t["yes"]), ("no", t["no"]), ("?", t["dont_know"])]
        f.checked = None if value is None else ("yes" if value else "no")
    elif q.kind == "enum":
        f.kind = "radio"
        f.options = [(v, tx(label, lang)) for v, label in q.choices] + [("?", t["dont_know"])]
        f.checked = value
    else:
        f.skip_box = True
        f.inputmode = {"integer": "numeric", "number": "decimal"}.get(q.kind, "")
        if q.kind == "date":
            f.hint = t["date_hint"]
        if q.unit:
            unit = f"（{q.unit}）" if lang == "zh" else f"({q.unit})"
            f.hint = f"{f.hint} {unit}" if f.hint else unit
    if f.kind == "radio" and raw and iv.is_skip(raw):  # a record field answered "don't know"
        f.checked = "?"
    return f


def _list_field(q: iv.Question, a: Answers, lang: str) -> Field:
    t = ui(lang)
    name = q.fact
    f = Field(name, _html_id(name), "list", tx(q.text, lang), value=_first(a.raw.get(name, [])),
              count_label=t["how_many"], skip_box=True, inputmode="numeric", note=tx(q.remark, lang) if q.remark else "")
    if name in a.errors:
        f.error = tx(a.errors[name], lang)
    if q.problem:
        f.problem = tx(q.problem, lang)
    records = a.answers.get(name) or []
    for i, record in enumerate(records):
        fields = []
        for fq in q.fields:
            key = f"{name}.{i}.{fq.fact}"
            sub = _field(fq, key, a, record.get(fq.fact), lang)
            sub.skip_box = False  # blank is "not known" inside a record
            fields.append(sub)
        f.records.append((t["record"].format(i=i + 1), fields))
    return f


def form_view(compiled: CompiledMatter, a: Answers, st: iv.Step, lang: str) -> dict:
    """What the matter page shows: the answers given (editable), the questions still relevant,
    the "don't know" answers, and the result when nothing more can change it."""
    m = compiled.matter
    asked = {q.fact: q for q in st.questions}
    answered, new = [], []
    shown = [n for n in m.facts if n in a.answers or n in a.errors]
    for name in shown:
        q = asked.get(name) or iv.question(m.facts[name])
        f = _list_field(q, a, lang) if q.kind == "list" else _field(q, name, a, a.answers.get(name), lang)
        answered.append(f)
    for q in st.questions:
        if q.fact not in shown:
            new.append(_list_field(q, a, lang) if q.kind == "list" else _field(q, q.fact, a, None, lang))
    skipped = [{"fact": n, "label": tx(m.facts[n].question, lang)} for n in m.facts if n in a.skipped]
    target = None
    for f in answered + new:  # the cursor goes to the first answer to fix, else the first question
        bad = [s for _, fields in f.records for s in fields if s.error]
        if bad or f.error or f.problem:
            target = (bad or [f])[0]
            break
    target = target or (new[0] if new else None)
    if target is not None:
        target.focus = True
    return {"answered": answered, "new": new, "skipped": skipped,
            "result": result_view(m, st, a, lang) if st.done else None}


def _route(alt, lang: str, per_route: bool = False) -> str:
    """An alternative in words, with its parts (and their forms, where routes differ in form)."""
    text = tx(alt.name, lang)
    if per_route:
        return text + ("：" if lang == "zh" else ": ") + route_form(alt, lang)
    if len(alt.parts) > 1:
        sep = "、" if lang == "zh" else "; "
        parts = sep.join(tx(p.name, lang) for p in alt.parts)
        text += f"（{parts}）" if lang == "zh" else f" ({parts})"
    return text


def result_view(m: Matter, st: iv.Step, a: Answers, lang: str) -> dict:
    n = st.notice
    t = ui(lang)
    zh = lang == "zh"
    sep = "；" if zh else "; "

    def basis(items: list[dict]) -> str:
        return sep.join(tx(b, lang) for b in items)

    out: dict[str, Any] = {"eligible": st.eligible, "outcome": n.outcome}
    if not st.eligible:
        out["headline"] = t[f"outcome.{n.outcome}"]
        out["reasons"] = [{"text": tx(r.text, lang), "basis": basis(r.basis),
                           "redirect_to": tx(r.redirect_to, lang) if r.redirect_to else "",
                           "qualifies_on": r.qualifies_on or ""}
                          for r in n.reasons if r.outcome != "correct"]
        return out
    items = []
    for item, possibly in [(i, False) for i in n.missing] + [(i, True) for i in n.possibly_required]:
        form = item_form(item, lang)
        items.append({
            "id": item.id, "name": tx(item.name, lang), "form": form, "possibly": possibly,
            "alternatives": [_route(alt, lang, not form) for alt in item.alternatives],
            "routes_label": t["route_one"] if len(item.alternatives) == 1 else t["route_any"],
            "source": tx(item.source, lang), "why": tx(item.why, lang)})
    out["items"] = items
    out["corrections"] = [tx(r.text, lang) for r in n.reasons if r.outcome == "correct"]
    out["exempt"] = [{"id": i.id, "name": tx(i.name, lang)} for i in n.exempt]
    out["to_verify"] = [{"text": tx(v.text, lang), "basis": basis(v.basis)} for v in n.review_checks]
    out["agency_checks"] = [tx(v.text, lang) for v in n.agency_checks]
    out["declared"] = [{"text": f"{tx(d.label, lang)}{t['colon']}{tx(d.display, lang)}",
                        "material": f"[{d.material}] {tx(d.material_name, lang)}"} for d in n.declared]
    out["unknown"] = [tx(m.facts[f].question, lang) for f in m.facts if f in a.skipped]
    return out


# --- the JSON API --------------------------------------------------------------------------------

class _BodyPaths:
    """Stands in for a YAML document in parse_application: a problem's location is the dotted
    path of the field in the JSON body (a body has no lines to point at)."""

    path = "<request body>"

    def where(self, path: tuple, *, key: bool = False) -> Location:
        return Location(".".join(str(p) for p in path))


_REQUIRED = re.compile(r"'([^']+)' is a required property")


def _problem_json(p) -> dict:
    where = p.location.file
    if not where:
        found = _REQUIRED.search(p.message)
        where = found.group(1) if found else None
    return {"code": p.code, "message": p.message, "hint": p.hint, "field": where}


class BodyError(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:
            raise BodyError(f"duplicate key '{k}'")
        out[k] = v
    return out


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyError(f"number out of range: {text}")
    return value


def _constant(name: str) -> Any:
    raise BodyError(f"{name} is not JSON")


def parse_json(body: bytes) -> Any:
    """Strict JSON: UTF-8, no NaN or Infinity, no duplicate keys."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("not UTF-8 text") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    too_deep = BodyError(f"nested too deeply (more than {MAX_DEPTH} levels)")
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_constant, parse_float=_finite)
    except BodyError:
        raise
    except RecursionError:
        raise too_deep from None
    except ValueError as e:
        raise BodyError(str(e)) from None
    if nested_too_deep(data):
        raise too_deep
    return data


ERRORS = {
    "unknown_matter": ("没有这个事项：{id}", "unknown matter '{id}'"),
    "too_large": ("请求体超过 {n} 字节", "the body is larger than {n} bytes"),
    "bad_length": ("Content-Length 无效", "invalid Content-Length"),
    "not_json": ("请求体不是有效的 JSON：{why}", "the body is not valid JSON: {why}"),
    "bad_lang": ("lang 只能是 zh 或 en", "lang must be zh or en"),
    "engine": ("规则引擎内部错误", "internal error in the rules engine"),
    "broken": ("该事项的规则文件有错误，暂时无法使用", "the rule files of this matter have errors"),
}


def _error(status: int, key: str, lang: str, **kw) -> JSONResponse:
    zh, en = ERRORS[key]
    return JSONResponse({"error": (zh if lang == "zh" else en).format(**kw)}, status_code=status)


def openapi() -> dict:
    """The OpenAPI 3.1 description of the JSON API."""
    matter_id = {"name": "id", "in": "path", "required": True, "description": "matter id, e.g. individual-business-registration",
                 "schema": {"type": "string"}}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    text = {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "gov-checker API", "version": __version__,
                 "description": "Check an application for a government-service matter (事项) and get the one-time "
                                "notice (一次性告知书). No application data is stored."},
        "paths": {
            "/api/matters": {"get": {
                "summary": "The matters",
                "operationId": "listMatters",
                "responses": {"200": {"description": "every matter",
                                      "content": {"application/json": {"schema": {
                                          "type": "array", "items": {"$ref": "#/components/schemas/Matter"}}}}}}}},
            "/api/matters/{id}/schema": {"get": {
                "summary": "The JSON Schema of an application for the matter",
                "operationId": "applicationSchema",
                "parameters": [matter_id],
                "responses": {"200": {"description": "a JSON Schema (draft 2020-12)",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              "404": {"description": "unknown matter", **error}}}},
            "/api/matters/{id}/check": {"post": {
                "summary": "Check an application: the notice",
                "operationId": "checkApplication",
                "parameters": [matter_id, {
                    "name": "lang", "in": "query", "required": False,
                    "description": "language of error messages; the notice carries both languages",
                    "schema": {"type": "string", "enum": ["zh", "en"], "default": "zh"}}],
                "requestBody": {"required": True, "description": (
                    f"the application (at most {MAX_BODY} bytes of UTF-8 JSON); its schema is given by "
                    "GET /api/matters/{id}/schema"),
                    "content": {"application/json": {"schema": {"type": "object", "required": ["date"]},
                                                     "example": {"date": "2026-03-02",
                                                                 "facts": {"premises_tenure": "leased"},
                                                                 "materials": [{"id": "IB-01", "form": "original",
                                                                                "copies": 1, "signed": True}]}}}},
                "responses": {
                    "200": {"description": "the notice (schema checker.notice/1, as `checker check --format json`)",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Notice"}}}},
                    "400": {"description": "the body is not JSON (or lang is not zh or en)", **error},
                    "404": {"description": "unknown matter", **error},
                    "413": {"description": f"the body is larger than {MAX_BODY} bytes", **error},
                    "422": {"description": "the application does not fit the matter's schema",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problems"}}}},
                    "500": {"description": "internal error of the checker", **error}}}},
        },
        "components": {"schemas": {
            "Matter": {"type": "object", "properties": {
                "id": {"type": "string"}, "name": text, "code": {"type": "string"}, "department": text,
                "type": {"type": "string"}, "level": {"type": "string"}}},
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Problems": {"type": "object", "required": ["problems"], "properties": {"problems": {
                "type": "array", "items": {"type": "object", "properties": {
                    "code": {"type": "string", "description": "problem code, see `checker rule CODE`"},
                    "message": {"type": "string"}, "hint": {"type": "string"},
                    "field": {"type": ["string", "null"], "description": "dotted path of the field, e.g. facts.premises_tenure"}}}}}},
            "Notice": {"type": "object", "description": "see README, 'The notice as JSON'", "properties": {
                "schema": {"const": "checker.notice/1"},
                "outcome": {"enum": ["accept", "rongque", "correct", "refuse", "redirect", "not_required"]},
                "missing": {"type": "array", "items": {"type": "object"}},
                "defective": {"type": "array", "items": {"type": "object"}},
                "possibly_required": {"type": "array", "items": {"type": "object"}},
                "reasons": {"type": "array", "items": {"type": "object"}},
                "info_needed": {"type": "array", "items": {"type": "object"}}}},
        }},
    }


# --- the application -------------------------------------------------------------------------------

class _SecurityHeaders:
    """Adds HEADERS to every HTTP response (pure ASGI middleware)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in HEADERS.items():
                    if k not in headers:
                        headers[k] = v
            await send(message)

        await self.app(scope, receive, sending)


def _query(params, **replace: str | None) -> str:
    """The query string with some parameters replaced (None: removed)."""
    pairs = [(k, v) for k, v in params.multi_items() if k not in replace]
    pairs += [(k, v) for k, v in replace.items() if v is not None]
    return urlencode(pairs)


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request) -> bytes:
    """The request body, at most MAX_BODY bytes (BodyTooLarge past it, BodyError for a bad
    Content-Length); the bytes read are counted, whatever Content-Length says."""
    length = request.headers.get("content-length")
    if length is not None:
        if not re.fullmatch(r"[0-9]{1,18}", length.strip()):
            raise BodyError("invalid Content-Length")
        if int(length) > MAX_BODY:
            raise BodyTooLarge()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise BodyTooLarge()
    return bytes(body)


async def form_answers(request: Request) -> MultiDict:
    """The answers of a POSTed form (an HTML form's urlencoded body); none for a GET, even if the
    address carries some: answers are never taken from an address."""
    if request.method != "POST":
        return MultiDict()
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise HTTPException(415, "send the form as application/x-www-form-urlencoded")
    try:
        body = await read_body(request)
    except BodyTooLarge:
        raise HTTPException(413, f"the form is larger than {MAX_BODY} bytes") from None
    except BodyError as e:
        raise HTTPException(400, str(e)) from None
    try:
        return MultiDict(parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                   max_num_fields=MAX_FIELDS, errors="strict"))
    except UnicodeDecodeError:
        raise HTTPException(400, "the form is not UTF-8 text") from None
    except ValueError:
        raise HTTPException(413, f"the form has more than {MAX_FIELDS} fields") from None


class _Broken(Exception):
    """The matter's own files do not load (not the request's fault)."""


def create_app(root: Path, local: Path | str | None = None, office: Office | None = None) -> Starlette:
    """The web application over the matters in ROOT/matters (rule sets in ROOT/rules), under a
    locality's rules (the office's, or `local`) and with the office's name and telephones on its
    pages and notices. Its logs (and the server's) never show a full ID number."""
    mask_logs()
    cat = Catalogue(Path(root), choose_locality(Path(root), office=office, local=local))
    # the office as its pages show it, once per language: name, then address, hours and telephones
    footer = {lang: None if office is None else {
        "name": tx(office.name, lang),
        "lines": [tx(v, lang) for v in (office.address, office.hours) if v]
        + [f"{notice_text(f'phone.{kind}', lang)}: {number}" for kind, number in office.header()["phones"].items()]}
        for lang in ("zh", "en")}

    def agency(m: Matter, lang: str) -> str:
        return tx(office.name if office is not None else m.department, lang)

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)

    def page(name: str, lang: str, status: int = 200, **context) -> HTMLResponse:
        html = env.get_template(name).render(lang=lang, html_lang="zh-CN" if lang == "zh" else "en",
                                             t=ui(lang), script=Markup(AUTO_SUBMIT), office=footer[lang], **context)
        return HTMLResponse(html, status_code=status)

    def index(request: Request) -> Response:
        lang = _lang(request.query_params.get("lang"))
        q = request.query_params.get("q", "")
        matters = cat.all()
        found = search(matters, q)
        rows = [{"id": m.id, "name": tx(m.name, lang), "other": tx(m.name, "en" if lang == "zh" else "zh"),
                 "department": agency(m, lang),
                 "href": "/matters/" + m.id + "?" + urlencode({"lang": lang})}
                for m in found]
        return page("index.html", lang, q=q, rows=rows, total=len(matters),
                    switch="/?" + _query(request.query_params, lang="zh" if lang == "en" else "en"))

    def _matter_or_404(matter_id: str, lang: str) -> CompiledMatter:
        if not cat.known(matter_id):
            raise HTTPException(404)
        try:
            return cat.compiled(matter_id)
        except CheckerError:  # logged once, when it was loaded; not a bug of the server: no traceback
            raise HTTPException(500, ERRORS["broken"][0 if lang == "zh" else 1]) from None

    def _step_or_422(compiled: CompiledMatter, a: Answers) -> iv.Step:
        """run_step; answers the application schema refuses and no field takes the blame for
        (none is known) are a 422 naming the problems, never a 500."""
        try:
            return run_step(compiled, a)
        except CheckerError as e:
            raise HTTPException(422, "; ".join(str(p) for p in e.problems)) from None

    def _matter_view(matter_id: str, lang: str, params: MultiDict) -> Response:
        compiled = _matter_or_404(matter_id, lang)
        m = compiled.matter
        a = read_answers(m, params)
        st = _step_or_422(compiled, a)
        view = form_view(compiled, a, st, lang)
        refused = bool(a.errors or a.date_error)  # the form, with each refused answer marked: 422
        return page("matter.html", lang, status=422 if refused else 200,
                    matter={"id": m.id, "name": tx(m.name, lang),
                            "other": tx(m.name, "en" if lang == "zh" else "zh"),
                            "department": agency(m, lang),
                            "locality": (f"{notice_text('locality', lang)}{ui(lang)['colon']}{tx(m.locality_name, lang)}"
                                         if m.locality_name else "")},
                    date_error=tx(a.date_error, lang) if a.date_error else "",
                    date_value=a.date_raw or a.date, view=view, remaining=len(view["new"]), order=a.order,
                    action=f"/matters/{m.id}?" + urlencode({"lang": lang}),
                    notice_action=f"/matters/{m.id}/notice?" + urlencode({"format": "html", "lang": lang}),
                    switch=f"/matters/{m.id}?" + urlencode({"lang": "zh" if lang == "en" else "en"}),
                    switch_form="check")

    async def matter_page(request: Request) -> Response:
        lang = _lang(request.query_params.get("lang"))
        params = await form_answers(request)
        return await run_in_threadpool(_matter_view, request.path_params["matter_id"], lang, params)

    def _notice_view(matter_id: str, lang: str, fmt: str, params: MultiDict) -> Response:
        compiled = _matter_or_404(matter_id, lang)
        a = read_answers(compiled.matter, params)
        refused = ([f"date: {tx(a.date_error, lang)}"] if a.date_error else []) + [
            f"{name}: {tx(text, lang)}" for name, text in a.errors.items()]
        if refused:  # a notice without these answers (or dated today) would be a wrong notice
            raise HTTPException(422, "; ".join(refused))
        st = _step_or_422(compiled, a)
        media = {"html": "text/html", "text": "text/plain", "markdown": "text/markdown",
                 "json": "application/json"}[fmt]
        if office is not None:
            st.notice.office = office.header()
        return Response(render(st.notice, fmt, lang), media_type=f"{media}; charset=utf-8")

    async def notice_page(request: Request) -> Response:
        lang = _lang(request.query_params.get("lang"))
        fmt = request.query_params.get("format", "html")
        if fmt not in ("html", "text", "markdown", "json"):
            raise HTTPException(400, "format must be html, text, markdown or json")
        params = await form_answers(request)
        return await run_in_threadpool(_notice_view, request.path_params["matter_id"], lang, fmt, params)

    def api_matters(request: Request) -> Response:
        return JSONResponse([_summary(m) for m in cat.all()])

    def api_schema(request: Request) -> Response:
        lang = _lang(request.query_params.get("lang"))
        matter_id = request.path_params["matter_id"]
        if not cat.known(matter_id):
            return _error(404, "unknown_matter", lang, id=matter_id)
        try:
            return JSONResponse(application_schema(cat.matter(matter_id)))
        except CheckerError:
            return _error(500, "broken", lang)

    def _check(matter_id: str, data: Any) -> str:
        try:
            compiled = cat.compiled(matter_id)
        except CheckerError as e:
            raise _Broken() from e
        app = parse_application(data, compiled.matter, doc=_BodyPaths())  # type: ignore[arg-type]
        return render(check(compiled, app, office=office), "json")

    async def api_check(request: Request) -> Response:
        given = request.query_params.get("lang")
        lang = _lang(given)
        if given not in (None, "zh", "en"):
            return _error(400, "bad_lang", lang)
        matter_id = request.path_params["matter_id"]
        if not cat.known(matter_id):
            return _error(404, "unknown_matter", lang, id=matter_id)
        try:
            body = await read_body(request)
        except BodyTooLarge:
            return _error(413, "too_large", lang, n=MAX_BODY)
        except BodyError:
            return _error(400, "bad_length", lang)
        try:
            data = parse_json(body)
        except BodyError as e:
            return _error(400, "not_json", lang, why=str(e))
        try:
            text = await run_in_threadpool(_check, matter_id, data)
        except _Broken:
            return _error(500, "broken", lang)
        except CheckerError as e:
            return JSONResponse({"problems": [_problem_json(p) for p in e.problems]}, status_code=422)
        except EngineError:
            log.exception("engine error on %s", matter_id)
            return _error(500, "engine", lang)
        return Response(text, media_type="application/json; charset=utf-8")

    def api_openapi(request: Request) -> Response:
        return JSONResponse(openapi())

    async def http_error(request: Request, exc: HTTPException) -> Response:
        lang = _lang(request.query_params.get("lang"))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        title = ui(lang)["not_found"] if exc.status_code == 404 else ui(lang)["bad_request"] if exc.status_code < 500 else ui(lang)["error"]
        return page("error.html", lang, status=exc.status_code, title=title,
                    detail=exc.detail if exc.status_code != 404 else "", switch="")

    async def server_error(request: Request, exc: Exception) -> Response:
        log.error("internal error on %s: %s: %s", request.url.path, type(exc).__name__, exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "internal error"}, status_code=500)
        return HTMLResponse("<!DOCTYPE html><title>500</title><p>服务器内部错误 / Internal error</p>", status_code=500)

    routes = [
        Route("/", index),
        Route("/matters/{matter_id}", matter_page, methods=["GET", "POST"]),
        Route("/matters/{matter_id}/notice", notice_page, methods=["GET", "POST"]),
        Route("/api/matters", api_matters),
        Route("/api/matters/{matter_id}/schema", api_schema),
        Route("/api/matters/{matter_id}/check", api_check, methods=["POST"]),
        Route("/api/openapi.json", api_openapi),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(_SecurityHeaders)],
                    exception_handlers={HTTPException: http_error, Exception: server_error})
    app.state.catalogue = cat
    return app


# --- running it ----------------------------------------------------------------------------------

class _NoQuery(logging.Filter):
    """Drop the query string from uvicorn's access log: the form's answers are in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


# Limits of the server. A connection that has not sent a whole request (head and body) within
# REQUEST_TIMEOUT seconds is closed (uvicorn has no such timeout: an idle or slow "slowloris"
# connection was kept for ever); at most MAX_CONNECTIONS are open, so a flood of idle sockets
# cannot use up the process's file descriptors: past the cap the longest-idle connection (one
# that has not sent a whole request head) is closed to make room, or, when every one is busy
# with a request, the new one is refused. uvicorn's own limit_concurrency is not used: it counts
# idle connections too and answers 503 to the real client while idle sockets hold the places.
MAX_CONNECTIONS = 1000
REQUEST_TIMEOUT = 10.0  # seconds
KEEP_ALIVE = 5  # seconds an idle keep-alive connection is kept (uvicorn's timeout_keep_alive)
MAX_HEAD = 16 * 1024  # bytes of a request's head (h11's limit; past it: 400)
# asyncio accepts up to BACKLOG connections at a time, and may do so twice, before the cap can
# act on any of them: the cap leaves twice that many file descriptors free, and FD_RESERVE more
# for everything else (matter files, the thread pool, the log)
BACKLOG = 64
FD_RESERVE = 64

# uvicorn's warnings that a flood of bad requests or connections repeats; one line a minute each
FLOODS = ("Invalid HTTP request received.", "Exceeded concurrency limit.", "Unsupported upgrade request.",
          "closed the longest-idle connection: %d connections open, the cap",
          "refused a connection: %d connections open, the cap, every one busy",
          "closed a connection that sent no complete request in %g s",
          "cannot accept a connection: %s")


class _Throttle(logging.Filter):
    """Let each flood-prone warning (FLOODS, by its message template) through at most once every
    `every` seconds, saying how many like it were held back: a flood of bad connections gives a
    line a minute, not a line per connection."""

    def __init__(self, every: float = 60.0):
        super().__init__()
        self.every = every
        self.last: dict[str, float] = {}
        self.held: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.msg not in FLOODS:
            return True
        now = time.monotonic()
        if now - self.last.get(record.msg, -math.inf) < self.every:
            self.held[record.msg] = self.held.get(record.msg, 0) + 1
            return False
        self.last[record.msg] = now
        held = self.held.pop(record.msg, 0)
        if held:
            record.msg = f"{record.msg} (and {held} more like it in the last {self.every:g} s)"
        return True


def guarded_protocol(max_connections: int = MAX_CONNECTIONS, request_timeout: float = REQUEST_TIMEOUT):
    """uvicorn's h11 protocol with the connection cap and the request timeout described above."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Guarded(H11Protocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self.opened = self.loop.time()
            self.deadline = None
            self._arm()
            if len(self.connections) <= max_connections:
                return
            # one closed a moment ago stays in `connections` until the loop calls connection_lost
            live = [c for c in self.connections if isinstance(c, Guarded) and not c.transport.is_closing()]
            if len(live) <= max_connections:
                return
            idle = [c for c in live if c is not self and c.idle()]
            if idle:
                min(idle, key=lambda c: c.opened).close()
                self.logger.warning(FLOODS[3], len(live))
            else:
                self.logger.warning(FLOODS[4], len(live))
                self.close()

        def idle(self) -> bool:
            """No whole request head received since the connection opened or its last response."""
            return self.conn.their_state is h11.IDLE and (self.cycle is None or self.cycle.response_complete)

        def close(self) -> None:
            if not self.transport.is_closing():
                self.transport.close()

        def _arm(self) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
            self.deadline = self.loop.call_later(request_timeout, self._expire)

        def _expire(self) -> None:
            if self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing():
                self.logger.warning(FLOODS[5], request_timeout)
                self.close()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()  # the next request on this connection gets its own time

        def connection_lost(self, exc) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
            super().connection_lost(exc)

    return Guarded


def _config(app, host: str, port: int, max_connections: int = MAX_CONNECTIONS,
            request_timeout: float = REQUEST_TIMEOUT, **kw):
    import uvicorn
    return uvicorn.Config(app, host=host, port=port, lifespan="off", server_header=False, backlog=BACKLOG,
                          http=guarded_protocol(max_connections, request_timeout),
                          timeout_keep_alive=KEEP_ALIVE, h11_max_incomplete_event_size=MAX_HEAD, **kw)


def _server(config):
    """A uvicorn server whose event loop reports a failed accept (out of file descriptors) as one
    throttled warning: asyncio's own report is a traceback per attempt, thousands a second."""
    import asyncio
    import uvicorn

    def loop_errors(loop, context: dict) -> None:
        if context.get("message") == "socket.accept() out of system resource":
            logging.getLogger("uvicorn.error").warning(FLOODS[6], context.get("exception"))
        else:
            loop.default_exception_handler(context)

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            asyncio.get_running_loop().set_exception_handler(loop_errors)
            await super().startup(sockets)

    return Server(config)


def raise_fd_limit(max_connections: int) -> int:
    """Raise the soft limit on open files to the hard one, and return the connection cap that
    fits under it (BACKLOG and FD_RESERVE kept free)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return max_connections
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return max_connections
    return max(1, min(max_connections, soft - FD_RESERVE - 2 * BACKLOG))


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, local: Path | str | None = None,
          office: Office | None = None, max_connections: int = MAX_CONNECTIONS,
          request_timeout: float = REQUEST_TIMEOUT) -> None:
    """Run the web application with uvicorn until interrupted."""
    cap = raise_fd_limit(max_connections)
    config = _config(create_app(root, local, office), host, port, cap, request_timeout)
    logging.getLogger("uvicorn.access").addFilter(_NoQuery())
    logging.getLogger("uvicorn.error").addFilter(_Throttle())
    if cap < max_connections:
        logging.getLogger("uvicorn.error").warning(
            "at most %d connections: the limit on open files allows no more", cap)
    _server(config).run()


@contextmanager
def running(app, host: str = "127.0.0.1", port: int = 0, timeout: float = 20.0) -> Iterator[str]:
    """Run the app with uvicorn in a background thread (for tests and embedding); yields its
    base URL and stops the server on exit. Port 0 picks a free port."""
    server = _server(_config(app, host, port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, name="checker-web", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError("the web server did not start")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout)
