"""The answers of the self-check form: read question by question as `checker ask` reads them
(interview.parse_answer), and run through interview.step, an answer the application schema still
refuses taken back and shown as an error on its field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Any

from checker.errors import CheckerError
from checker.run.compiler import CompiledMatter
from checker.shells import interview as iv
from checker.source.model import Matter
from checker.texts import LANGS, t


@dataclass
class Answers:
    """A submitted form read: the answers parsed, the "don't know"s, what was sent, what was refused."""

    answers: dict[str, Any]
    skipped: set[str]
    raw: dict[str, list[str]]  # parameter -> values as sent
    errors: dict[str, dict]  # parameter -> {"zh", "en"}
    date: str
    date_raw: str
    date_error: dict | None
    order: list[str] = field(default_factory=list)  # the facts answered or skipped, first answered first


def first_answer(values: list[str]) -> str:
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
        text = first_answer(values)
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
                sub = first_answer(params.getlist(key))
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


FIELD_PATH = re.compile(r"^facts\.([A-Za-z_][A-Za-z0-9_]*)((?:\.[0-9]+\.[A-Za-z_][A-Za-z0-9_]*)?)")


def run_step(compiled: CompiledMatter, a: Answers) -> iv.Step:
    """interview.step over the answers. An answer the application schema still refuses (which
    parse_answer let through) is taken back and shown as an error on its field."""
    return _blaming(a, lambda: iv.step(compiled, a.answers, a.date, a.skipped))


def run_event_step(bundle, compiled_of, a: Answers) -> iv.EventStep:
    """interview.event_step over the answers, as run_step does for a matter."""
    return _blaming(a, lambda: iv.event_step(bundle, compiled_of, a.answers, a.date, a.skipped))


def _blaming(a: Answers, step):
    """step(), again without each answer the application schema refuses (shown on its field)."""
    for _ in range(len(a.answers) + 2):
        try:
            return step()
        except CheckerError as e:
            blamed = False
            for p in e.problems:
                m = FIELD_PATH.match(p.message)
                if not m or m.group(1) not in a.answers:
                    continue
                fact, rest = m.group(1), m.group(2)
                text = {lang: t("web.unusable", lang) + t("colon", lang) + p.message for lang in LANGS}
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
