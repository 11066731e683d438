"""The applicant's self-check: which questions still matter, how answers are read, and the result.

The interview asks only what can still change the outcome or the list of materials: after each
answer the application (without materials) is checked again, and the next questions are the facts
the notice still needs (`info_needed`), in the order the matter declares them. It stops when
nothing more is needed, or as soon as the applicant is plainly ineligible (or needs no licence,
or belongs to another agency). Facts the agency obtains by data sharing are never asked. The same
logic drives the terminal interview (`checker ask`) and the web form (`checker serve`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any

from checker.run.compiler import CompiledMatter
from checker.lang.numbers import LARGEST
from checker.lang.expr import names_in
from checker.lang.functions import FIRST_DATE, LAST_DATE, date_fault
from checker.source.model import Fact, Matter
from checker.notice.notice import NOT_GOING_AHEAD, Notice
from checker.notice.render.layout import item_form, route_form
from checker.service import check
from checker.texts import LANGS, t, tx

SKIP = {"?", "？", "不知道", "不清楚", "skip", "unknown", "don't know"}
YES = {"y", "yes", "是", "有", "true", "1", "对", "是的"}
NO = {"n", "no", "否", "无", "没有", "false", "0", "不是"}


class AnswerError(ValueError):
    """An answer that does not fit the question; the message (`text`, zh and en) says what would.
    `key` names the message in checker/texts.py; a value given as {zh, en} is filled in per language."""

    def __init__(self, key: str, **values):
        self.text = {lang: t(key, lang, **{k: v[lang] if isinstance(v, dict) else v for k, v in values.items()})
                     for lang in LANGS}
        super().__init__(self.text["en"])


@dataclass
class Question:
    fact: str
    kind: str  # bool integer number string enum date list
    text: dict
    choices: list[tuple[str, dict]] = field(default_factory=list)  # enum: (value, label)
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    fields: list["Question"] = field(default_factory=list)  # list: one question per record field
    remark: dict | None = None  # the fact's plain remark for the applicant
    problem: dict | None = None  # why the previous answer is asked again


@dataclass
class Step:
    questions: list[Question]  # what to ask next (empty when done)
    notice: Notice  # the notice for the answers so far, with no materials presented

    @property
    def done(self) -> bool:
        return not self.questions

    @property
    def eligible(self) -> bool:
        return self.notice.outcome not in NOT_GOING_AHEAD


def question(fact: Fact, name: str | None = None) -> Question:
    fact_type = fact.type
    q = Question(name or fact.name, fact_type.kind, fact.question, unit=fact.unit, minimum=fact.minimum,
                 maximum=fact.maximum, remark=fact.remark)
    if fact_type.kind == "enum":
        q.choices = [(v, fact.value_labels.get(v, {"zh": v, "en": v})) for v in fact_type.values]
    if fact_type.kind == "list":
        for fname, ftype in fact_type.fields:
            spec = fact.field_specs.get(fname, {})
            label = spec.get("label", {"zh": fname, "en": fname})
            sub = Fact(fname, ftype, question=label, label=label, unit=spec.get("unit", ""),
                       value_labels=spec.get("value_labels", {}), minimum=spec.get("minimum"),
                       maximum=spec.get("maximum"))
            q.fields.append(question(sub))
    return q


MAX_RECORDS = 50


def count_question(q: Question) -> Question:
    """For a list (household members, homes, vehicles): how many records there are."""
    return Question(q.fact, "integer", {lang: t("interview.how_many", lang, question=q.text[lang]) for lang in LANGS},
                    minimum=0, maximum=MAX_RECORDS)


def _askable(f: Fact) -> bool:
    """A fact the notice still needs is the applicant's to say unless the agency establishes it;
    a declared fact is listed only when its signed material is not asked for (decide)."""
    return f.source != "agency"


def step(compiled: CompiledMatter, answers: dict[str, Any], on: str | None = None,
         skipped: set[str] | frozenset = frozenset()) -> Step:
    """The notice for these answers, and the questions that can still change it."""
    matter = compiled.matter
    app = {"date": on or Date.today().isoformat(),
           "facts": {k: v for k, v in answers.items() if k in matter.facts}}
    notice = check(compiled, app)
    if notice.outcome in NOT_GOING_AHEAD:
        return Step([], notice)  # plainly not going ahead: no more questions
    wanted: list[Question] = []
    rules = {x.id: x for x in matter.rules}
    for r in notice.reasons:  # a fixable error in an answer (e.g. an ID check digit): ask again
        for name in sorted(names_in(rules[r.rule].when)):
            f = matter.facts.get(name)
            if f is not None and f.asked and name in answers and name not in skipped:
                q = question(f)
                q.problem = r.text
                wanted.append(q)
    for item in notice.info_needed:
        f = matter.facts.get(item.fact)
        if f is None or not _askable(f) or item.fact in skipped:
            continue
        if item.fact in answers:
            continue  # answered, yet something computed from it is not known (records lacking a
            #           field, a division by zero): the notice says so; asking again would loop
        wanted.append(question(f))
    return Step(wanted, notice)


@dataclass
class EventStep:
    """A step of an event's interview: the questions left, and the event's notice so far."""

    questions: list[Question]
    notice: Any  # notice.event.EventNotice

    @property
    def done(self) -> bool:
        return not self.questions


def event_step(bundle, compiled_of, answers: dict[str, Any], on: str | None = None,
               skipped: set[str] | frozenset = frozenset()) -> EventStep:
    """One form for the event (一表申请): the event's notice for these answers, and the questions
    that can still change some member's result, each fact asked once under its event name; a
    member that cannot go ahead asks nothing more, the others go on."""
    from checker.service import check_bundle
    form = bundle.form
    app = {"date": on or Date.today().isoformat(), "facts": {k: v for k, v in answers.items() if k in form.facts}}
    notice = check_bundle(bundle, compiled_of, app)
    wanted: list[Question] = []
    for member in notice.members:  # a fixable error in an answer (an ID check digit): ask again
        if member.notice is None:
            continue
        m = bundle.member(member.matter)
        rules = {x.id: x for x in m.matter.rules}
        for r in member.notice.reasons:
            for name in sorted(names_in(rules[r.rule].when)):
                event_name = m.facts.get(name)
                f = form.facts.get(event_name or "")
                if f is not None and f.asked and event_name in answers and event_name not in skipped \
                        and all(q.fact != event_name for q in wanted):
                    q = question(f)
                    q.problem = r.text
                    wanted.append(q)
    for item in notice.info_needed:
        f = form.facts.get(item.fact)
        if f is None or not _askable(f) or item.fact in skipped or item.fact in answers:
            continue
        if all(q.fact != item.fact for q in wanted):
            wanted.append(question(f))
    return EventStep(wanted, notice)


def parse_answer(q: Question, text: str) -> Any:
    """Read a typed answer; raises AnswerError with a message in both languages."""
    raw = unicodedata.normalize("NFKC", text).strip()  # full-width digits and letters too
    if q.kind == "bool":
        low = raw.lower()
        if low in YES:
            return True
        if low in NO:
            return False
        raise AnswerError("interview.answer.yes_no")
    if q.kind in ("integer", "number"):
        try:
            value: Any = int(raw) if q.kind == "integer" else float(raw.replace(",", ""))
            if not math.isfinite(value) or abs(value) >= LARGEST:
                raise ValueError
        except ValueError:
            raise AnswerError(f"interview.answer.{q.kind}") from None
        if q.minimum is not None and value < q.minimum:
            raise AnswerError("interview.answer.minimum", n=f"{q.minimum:g}")
        if q.maximum is not None and value > q.maximum:
            raise AnswerError("interview.answer.maximum", n=f"{q.maximum:g}")
        return value
    if q.kind == "date":
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", raw)
        text_date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else raw
        fault = date_fault(text_date)
        if fault == "not a real date":
            raise AnswerError("interview.answer.date")
        if fault:
            raise AnswerError("interview.answer.date_range", first=FIRST_DATE, last=LAST_DATE)
        return text_date
    if q.kind == "enum":
        for i, (value, label) in enumerate(q.choices, 1):
            if raw in (str(i), value, label.get("zh"), label.get("en")):
                return value
        options = {lang: t("enum", lang).join(f"{i}. {label[lang]}" for i, (_, label) in enumerate(q.choices, 1))
                   for lang in LANGS}
        raise AnswerError("interview.answer.choose", options=options)
    if not raw:
        raise AnswerError("interview.answer.empty")
    return raw


def is_skip(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip().lower() in SKIP


def application(matter: Matter, answers: dict[str, Any], on: str) -> dict:
    """The answers as an application file that `checker check` accepts and `--resume` continues."""
    return {"matter": matter.id, "date": on, "facts": {k: answers[k] for k in matter.facts if k in answers}}


def event_application(bundle, answers: dict[str, Any], on: str) -> dict:
    """An event's answers as an application file for the bundle."""
    return {"bundle": bundle.id, "date": on, "facts": {k: answers[k] for k in bundle.form.facts if k in answers}}


# --- the result, worded once for every shell ------------------------------------------------

def route_words(alt, lang: str, per_route: bool = False) -> str:
    """An alternative in words, with its parts (and their forms, where routes differ in form)."""
    text = tx(alt.name, lang)
    if per_route:
        return text + t("colon", lang) + route_form(alt, lang)
    if len(alt.parts) > 1:
        parts = t("parts", lang).join(tx(p.name, lang) for p in alt.parts)
        text += t("paren", lang, text=parts)
    return text


def result(m: Matter, st: Step, skipped: set[str], lang: str) -> dict:
    """The result as the applicant reads it, in the terminal (`checker ask`) and on the web: why
    the application cannot succeed, or what to bring and what else the agency will look at;
    `skipped`: the questions answered "don't know"."""
    n = st.notice
    sep = t("semicolon", lang)

    def basis(items: list[dict]) -> str:
        return sep.join(tx(b, lang) for b in items)

    out: dict[str, Any] = {"eligible": st.eligible, "outcome": n.outcome}
    if not st.eligible:
        out["headline"] = t(f"result.outcome.{n.outcome}", lang)
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
            "alternatives": [route_words(alt, lang, not form) for alt in item.alternatives],
            "routes_label": t("result.route_one", lang) if len(item.alternatives) == 1 else t("result.route_any", lang),
            "source": tx(item.source, lang), "why": tx(item.why, lang)})
    out["items"] = items
    out["corrections"] = [tx(r.text, lang) for r in n.reasons if r.outcome == "correct"]
    out["exempt"] = [{"id": i.id, "name": tx(i.name, lang)} for i in n.exempt]
    out["to_verify"] = [{"text": tx(v.text, lang), "basis": basis(v.basis)} for v in n.review_checks]
    out["agency_checks"] = [tx(v.text, lang) for v in n.agency_checks]
    out["declared"] = [{"text": f"{tx(d.label, lang)}{t('colon', lang)}{tx(d.display, lang)}",
                        "material": f"[{d.material}] {tx(d.material_name, lang)}"} for d in n.declared]
    out["unknown"] = [tx(m.facts[f].question, lang) for f in m.facts if f in skipped]
    return out
