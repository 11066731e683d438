"""The interview in a terminal (`checker ask`): prompts, re-asks on bad input, saves as it goes,
and prints the checklist or the reasons. The logic of what to ask is in interview.py."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml

from checker.shells import interview as iv
from checker.run.compiler import CompiledMatter
from checker.notice.render.layout import item_form, route_form
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
    typer.echo(t("interview.title", lang, name=tx(m.name, lang)))
    typer.echo(t("interview.skip_hint", lang))
    skipped: set[str] = set()
    while True:
        st = iv.step(compiled, answers, on, skipped)
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
        target.write_text(yaml.safe_dump(iv.application(m, answers, on), allow_unicode=True, sort_keys=False),
                          encoding="utf-8")
    typer.echo("")
    _result(st, lang, skipped, m)
    typer.echo(t("interview.saved", lang, path=target))
    return st


def _result(st: iv.Step, lang: str, skipped: set[str], matter) -> None:
    n, colon = st.notice, t("colon", lang)
    if not st.eligible:
        typer.echo(t("interview.result", lang) + colon + (tx(n.reasons[0].text, lang) if n.reasons else ""))
        for r in n.reasons:
            basis = t("semicolon", lang).join(tx(b, lang) for b in r.basis)
            typer.echo(f"  - {tx(r.text, lang)}" + t("paren", lang, text=basis))
            if r.redirect_to:
                typer.echo("    " + t("redirect_to", lang) + colon + tx(r.redirect_to, lang))
        return
    for title, items, possibly in (("interview.result.bring", n.missing, False),
                                   ("interview.result.possibly", n.possibly_required, True)):
        if not items:
            continue
        typer.echo(t(title, lang) + colon.rstrip())
        for item in items:
            form = item_form(item, lang)
            typer.echo(f"  [{item.id}] {tx(item.name, lang)}" + (f" — {form}" if form else ""))
            single = len(item.alternatives) == 1
            for alt in item.alternatives:
                word = t("interview.result.route_one" if single else "interview.result.route_any", lang)
                typer.echo(f"      {word}: {tx(alt.name, lang)}" + ("" if form else f" — {route_form(alt, lang)}"))
            if item.source:
                typer.echo("      " + t("interview.result.source", lang) + colon + tx(item.source, lang))
            # a possibly required item is conditional: its reason is what would make it needed
            why = t("interview.result.needed_if" if possibly else "interview.result.why", lang)
            typer.echo("      " + why + colon + tx(item.why, lang))
    if not n.missing and not n.possibly_required:
        typer.echo(t("interview.result.bring_none", lang))
    for item in n.exempt:
        typer.echo(f"  ({item.id} {tx(item.name, lang)}: {t('interview.result.exempt', lang)})")
    for d in n.declared:
        typer.echo(t("interview.result.declared", lang, material=d.material) + colon
                   + f"{tx(d.label, lang)}{colon}{tx(d.display, lang)}")
    checks = n.agency_checks
    if checks:
        typer.echo(t("interview.result.agency_checks", lang) + colon.rstrip())
        for v in checks:
            typer.echo(f"  - {tx(v.text, lang)}")
    if skipped:  # the questions, never the facts' internal names
        typer.echo(t("interview.result.unknown", lang) + colon.rstrip())
        for name in sorted(skipped):
            f = matter.facts.get(name)
            typer.echo(f"  - {tx(f.question, lang) if f else name}")
