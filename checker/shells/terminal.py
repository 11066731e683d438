"""The interview in a terminal (`checker ask`): prompts, re-asks on bad input, saves as it goes,
and prints the checklist or the reasons. The logic of what to ask is in interview.py."""

from __future__ import annotations

from pathlib import Path

import typer
import yaml

from checker.shells import interview as iv
from checker.run.compiler import CompiledMatter
from checker.notice.render.layout import item_form, route_form
from checker.texts import tx


def _prompt(q: iv.Question, lang: str, prefix: str = "") -> object:
    zh = lang == "zh"
    text = prefix + tx(q.text, lang)
    if q.choices:
        text += " [" + " / ".join(f"{i}. {tx(label, lang)}" for i, (_, label) in enumerate(q.choices, 1)) + "]"
    elif q.kind == "bool":
        text += " [是/否]" if zh else " [yes/no]"
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
            typer.echo(("  ✗ " if zh else "  x ") + e.text[lang])


def _records(q: iv.Question, lang: str) -> object:
    zh = lang == "zh"
    count = _prompt(iv.count_question(q), lang)
    if count is iv.SKIP:
        return iv.SKIP
    records = []
    for i in range(int(count)):  # type: ignore[arg-type]
        prefix = f"  {'第' + str(i + 1) + '条' if zh else 'record ' + str(i + 1)} · "
        record = {}
        for fq in q.fields:
            value = _prompt(fq, lang, prefix)
            record[fq.fact] = None if value is iv.SKIP else value
        records.append(record)
    return records


def interview(compiled: CompiledMatter, answers: dict, on: str, lang: str, target: Path) -> iv.Step:
    """Ask until nothing more can change the result; save the answers after each one."""
    m = compiled.matter
    zh = lang == "zh"
    typer.echo(f"{tx(m.name, lang)}（自助预审）" if zh else f"{tx(m.name, lang)} (self-check)")
    typer.echo("输入 ? 表示不清楚。" if zh else "Answer ? if you do not know.")
    skipped: set[str] = set()
    while True:
        st = iv.step(compiled, answers, on, skipped)
        if st.done:
            break
        q = st.questions[0]
        if q.problem:
            typer.echo(("  ✗ " if zh else "  x ") + tx(q.problem, lang))
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
    typer.echo(("答案已保存到 " if zh else "Answers saved to ") + str(target))
    return st


def _result(st: iv.Step, lang: str, skipped: set[str], matter) -> None:
    n, zh = st.notice, lang == "zh"
    if not st.eligible:
        typer.echo(("结论：" if zh else "Result: ") + (tx(n.reasons[0].text, lang) if n.reasons else ""))
        for r in n.reasons:
            basis = ("；" if zh else "; ").join(tx(b, lang) for b in r.basis)
            typer.echo(f"  - {tx(r.text, lang)}（{basis}）" if zh else f"  - {tx(r.text, lang)} ({basis})")
            if r.redirect_to:
                typer.echo(("    请向：" if zh else "    Apply to: ") + tx(r.redirect_to, lang))
        return
    for title, items, possibly in (("请携带以下材料：" if zh else "Bring these materials:", n.missing, False),
                                   ("视情况可能需要的材料：" if zh else "Materials that may be needed:",
                                    n.possibly_required, True)):
        if not items:
            continue
        typer.echo(title)
        for item in items:
            form = item_form(item, lang)
            typer.echo(f"  [{item.id}] {tx(item.name, lang)}" + (f" — {form}" if form else ""))
            single = len(item.alternatives) == 1
            for alt in item.alternatives:
                word = ("方式" if single else "或") if zh else ("as" if single else "or")
                typer.echo(f"      {word}: {tx(alt.name, lang)}" + ("" if form else f" — {route_form(alt, lang)}"))
            if item.source:
                typer.echo(("      获取：" if zh else "      where: ") + tx(item.source, lang))
            # a possibly required item is conditional: its reason is what would make it needed
            why = (("      如属下列情形则需要：" if zh else "      needed if this applies: ") if possibly
                   else ("      原因：" if zh else "      why: "))
            typer.echo(why + tx(item.why, lang))
    if not n.missing and not n.possibly_required:
        typer.echo("无需另外准备材料。" if zh else "No materials to prepare.")
    for item in n.exempt:
        typer.echo(f"  ({item.id} {tx(item.name, lang)}: "
                   f"{'无需提交，由部门共享获取' if zh else 'not needed, obtained by the agency'})")
    for d in n.declared:
        typer.echo((f"按您签署的[{d.material}]认定：" if zh else f"As you declare on [{d.material}]: ")
                   + f"{tx(d.label, lang)}{'：' if zh else ': '}{tx(d.display, lang)}")
    checks = n.agency_checks
    if checks:
        typer.echo("受理机关将自行核实（无需您提供）：" if zh else "The agency will check itself (nothing to bring):")
        for v in checks:
            typer.echo(f"  - {tx(v.text, lang)}")
    if skipped:  # the questions, never the facts' internal names
        typer.echo("尚不清楚的情况：" if zh else "Not known yet:")
        for name in sorted(skipped):
            f = matter.facts.get(name)
            typer.echo(f"  - {tx(f.question, lang) if f else name}")
