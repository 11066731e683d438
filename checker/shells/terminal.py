"""The interview in a terminal (`checker ask`): prompts, re-asks on bad input, saves as it goes,
and prints the checklist or the reasons. The logic of what to ask is in interview.py."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml

from checker.shells import interview as iv
from checker.run.compiler import CompiledMatter
from checker.texts import t, tx


def _prompt(q: iv.Question, lang: str, prefix: str = "") -> object:
    text = prefix + tx(q.text, lang)
    if q.choices:
        text += " [" + " / ".join(f"{i}. {tx(label, lang)}" for i, (_, label) in enumerate(q.choices, 1)) + "]"
    elif q.kind == "bool":
        text += t("interview.yes_no", lang)
    elif q.kind == "date":
        text += " [YYYY-MM-DD]"
    if q.unit:
        text += f" ({q.unit})"
    while True:
        answer = typer.prompt(text, default="", show_default=False)
        if iv.is_skip(answer):
            return iv.SKIP
        try:
            return iv.parse_answer(q, answer)
        except iv.AnswerError as e:
            typer.echo(t("interview.error", lang) + e.text[lang])


def _records(q: iv.Question, lang: str) -> object:
    count = _prompt(iv.count_question(q), lang)
    if count is iv.SKIP:
        return iv.SKIP
    records = []
    for i in range(int(count)):  # type: ignore[arg-type]
        prefix = f"  {t('interview.record', lang, i=i + 1)} · "
        record = {}
        for fq in q.fields:
            value = _prompt(fq, lang, prefix)
            record[fq.fact] = None if value is iv.SKIP else value
        records.append(record)
    return records


def interview(compiled: CompiledMatter, answers: dict, on: str, lang: str, target: Path) -> iv.Step:
    """Ask until nothing more can change the result; save the answers after each one."""
    m = compiled.matter
    st, skipped = _ask(m.name, lambda skipped: iv.step(compiled, answers, on, skipped), answers, lang,
                       lambda: iv.application(m, answers, on), target)
    _result(st, lang, skipped, m)
    typer.echo(t("interview.saved", lang, path=target))
    return st


def _ask(name: dict, step, answers: dict, lang: str, application, target: Path):
    """The questions of step(skipped), one at a time, until none is left: each answer (or "don't
    know") kept, and application() saved to `target` after each. Returns the last step and what
    was skipped."""
    typer.echo(t("interview.title", lang, name=tx(name, lang)))
    typer.echo(t("interview.skip_hint", lang))
    skipped: set[str] = set()
    while True:
        st = step(skipped)
        if st.done:
            break
        q = st.questions[0]
        if q.problem:
            typer.echo(t("interview.error", lang) + tx(q.problem, lang))
        value = _records(q, lang) if q.kind == "list" else _prompt(q, lang)
        if value is iv.SKIP:
            skipped.add(q.fact)
            answers.pop(q.fact, None)
        else:
            answers[q.fact] = value
        target.write_text(yaml.safe_dump(application(), allow_unicode=True, sort_keys=False), encoding="utf-8")
    typer.echo("")
    return st, skipped


def event_interview(bundle, compiled_of, answers: dict, on: str, lang: str, target: Path) -> iv.EventStep:
    """An event's interview: each shared fact asked once; then the event's one notice."""
    from checker.notice.render import render
    st, _ = _ask(bundle.name, lambda skipped: iv.event_step(bundle, compiled_of, answers, on, skipped), answers, lang,
                 lambda: iv.event_application(bundle, answers, on), target)
    typer.echo(render(st.notice, "text", lang))
    typer.echo(t("interview.saved", lang, path=target))
    return st


def _result(st: iv.Step, lang: str, skipped: set[str], matter) -> None:
    """The interview's result (interview.result, as the web shows it), as lines of text."""
    r, colon = iv.result(matter, st, skipped, lang), t("colon", lang)
    echo = typer.echo
    echo(t("result.heading", lang))
    if not r["eligible"]:
        echo(r["headline"])
        echo(t("result.reasons", lang) + colon.rstrip())
        for x in r["reasons"]:
            echo(f"  - {x['text']}")
            if x["redirect_to"]:
                echo("    " + t("result.apply_to", lang) + colon + x["redirect_to"])
            if x["qualifies_on"]:
                echo("    " + t("result.qualifies_on", lang) + colon + x["qualifies_on"])
            echo("    " + t("result.basis", lang) + colon + x["basis"])
        return
    if r["corrections"]:
        echo(t("result.corrections", lang) + colon.rstrip())
        for line in r["corrections"]:
            echo(f"  - {line}")
    echo(t("result.bring", lang) if r["items"] else t("result.bring_none", lang))
    for i, item in enumerate(r["items"], 1):
        tag = f" ({t('result.possibly', lang)})" if item["possibly"] else ""
        echo(f"  {i}. [{item['id']}] {item['name']}{tag}")
        if item["form"]:
            echo("      " + t("result.form", lang) + colon + item["form"])
        if item["alternatives"]:
            echo("      " + item["routes_label"] + colon.rstrip())
            for alt in item["alternatives"]:
                echo(f"        - {alt}")
        if item["source"]:
            echo("      " + t("result.source", lang) + colon + item["source"])
        if item["why"]:
            echo("      " + t("result.needed_if" if item["possibly"] else "result.why", lang) + colon + item["why"])
    for key, lines in (("result.exempt", [f"[{e['id']}] {e['name']}" for e in r["exempt"]]),
                       ("result.verify", [v["text"] for v in r["to_verify"]]),
                       ("result.agency_checks", r["agency_checks"]),
                       ("result.declared", [f"{d['text']} ({t('result.declared_on', lang)}{colon}{d['material']})"
                                            for d in r["declared"]]),
                       ("result.unknown", r["unknown"])):  # the questions, never the facts' internal names
        if lines:
            echo(t(key, lang) + colon.rstrip())
            for line in lines:
                echo(f"  - {line}")