"""What the matter page shows, as plain data for its template: each question as a control
(Field), the answers given, the questions still open, and the result once nothing more can
change it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from checker.notice.render.layout import item_form, route_form
from checker.run.compiler import CompiledMatter
from checker.shells import interview as iv
from checker.shells.web.answers import Answers, first_answer
from checker.source.model import Matter
from checker.texts import LANGS, TEXTS, t, tx


@dataclass
class Field:
    """One question as the template draws it."""

    name: str  # the form field
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


def language(value: str | None) -> str:
    """The language asked for with ?lang=: English if "en", else Chinese."""
    return "en" if value == "en" else "zh"


def other_language(lang: str) -> str:
    """The other of the two languages (a page's language switch, a name's translation)."""
    return "zh" if lang == "en" else "en"


def page_texts(lang: str) -> dict[str, str]:
    """The pages' texts in one language, for the templates (`t.key`): TEXTS' web.* and result.*
    keys without the prefix, and the punctuation. Built once per language; shared: read, do not change."""
    return _PAGE_TEXTS[language(lang)]


_PAGE_TEXTS = {lang: {key.split(".", 1)[1]: t(key, lang) for key in TEXTS if key.startswith(("web.", "result."))}
               | {key: t(key, lang) for key in ("colon", "semicolon")} for lang in LANGS}


def _html_id(name: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", name)


def field_for(q: iv.Question, name: str, a: Answers, value: Any, lang: str) -> Field:
    """The control for one question; `value` is the parsed answer (None: none)."""
    raw = first_answer(a.raw.get(name, []))
    err = a.errors.get(name)
    f = Field(name, _html_id(name), "text", tx(q.text, lang), value=raw, error=tx(err, lang) if err else "",
              note=tx(q.remark, lang) if q.remark else "")
    if q.problem:
        f.problem = tx(q.problem, lang)
    if q.kind == "bool":
        f.kind = "radio"
        f.options = [("yes", t("web.yes", lang)), ("no", t("web.no", lang)), ("?", t("web.dont_know", lang))]
        f.checked = None if value is None else ("yes" if value else "no")
    elif q.kind == "enum":
        f.kind = "radio"
        f.options = [(v, tx(label, lang)) for v, label in q.choices] + [("?", t("web.dont_know", lang))]
        f.checked = value
    else:
        f.skip_box = True
        f.inputmode = {"integer": "numeric", "number": "decimal"}.get(q.kind, "")
        if q.kind == "date":
            f.hint = t("web.date_hint", lang)
        if q.unit:
            unit = t("web.unit", lang, unit=q.unit)
            f.hint = f"{f.hint} {unit}" if f.hint else unit
    if f.kind == "radio" and raw and iv.is_skip(raw):  # a record field answered "don't know"
        f.checked = "?"
    return f


def list_field_for(q: iv.Question, a: Answers, lang: str) -> Field:
    name = q.fact
    f = Field(name, _html_id(name), "list", tx(q.text, lang), value=first_answer(a.raw.get(name, [])),
              count_label=t("web.how_many", lang), skip_box=True, inputmode="numeric", note=tx(q.remark, lang) if q.remark else "")
    if name in a.errors:
        f.error = tx(a.errors[name], lang)
    if q.problem:
        f.problem = tx(q.problem, lang)
    records = a.answers.get(name) or []
    for i, record in enumerate(records):
        fields = []
        for fq in q.fields:
            key = f"{name}.{i}.{fq.fact}"
            sub = field_for(fq, key, a, record.get(fq.fact), lang)
            sub.skip_box = False  # blank is "not known" inside a record
            fields.append(sub)
        f.records.append((t("web.record", lang, i=i + 1), fields))
    return f


def form_view(compiled: CompiledMatter, a: Answers, st: iv.Step, lang: str) -> dict:
    """What the matter page shows: the answers given (editable), the questions still relevant,
    the "don't know" answers, and the result when nothing more can change it."""
    return _form_view(compiled.matter, a, st, lang)


def event_view(bundle, a: Answers, st: iv.EventStep, lang: str) -> dict:
    """What an event's page shows: its one form as a matter's, and when nothing more can change
    a member's result, the event's one notice laid out (each member, one list of materials)."""
    from checker.notice.render.layout import layout
    view = _form_view(bundle.form, a, st, lang, result=False)
    view["event"] = layout(st.notice, lang) if st.done else None
    return view


def _form_view(m: Matter, a: Answers, st, lang: str, result: bool = True) -> dict:
    asked = {q.fact: q for q in st.questions}
    answered, new = [], []
    shown = [n for n in m.facts if n in a.answers or n in a.errors]
    for name in shown:
        q = asked.get(name) or iv.question(m.facts[name])
        f = list_field_for(q, a, lang) if q.kind == "list" else field_for(q, name, a, a.answers.get(name), lang)
        answered.append(f)
    for q in st.questions:
        if q.fact not in shown:
            new.append(list_field_for(q, a, lang) if q.kind == "list" else field_for(q, q.fact, a, None, lang))
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
            "result": iv.result(m, st, a.skipped, lang) if st.done and result else None}
