"""The commands that check one application: check (the notice), ask (the interview), explain (the trace)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from checker.errors import Location, Problem
from checker.shells.cli.common import (ApplicationArgument, Lang, LangOption, ListedMatterArgument, LocalOption,
                                       MatterArgument, NoticeFormatOption, OfficeOption, ProblemFormat,
                                       RootOption, Format, die, emit_notice, guarded, load_compiled, locality,
                                       need_output, office_of, workspace)
from checker.workspace import Workspace


@guarded
def check(matter: MatterArgument,
          application: ApplicationArgument,
          fmt: NoticeFormatOption = Format.text,
          lang: LangOption = Lang.zh,
          output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the notice to this file."),
          local: LocalOption = None,
          office: OfficeOption = None,
          root: RootOption = None) -> None:
    """The one-time notice for an application. Exit 0: acceptable as it is; 1: see the notice.
    A PDF is written to --output only."""
    from checker.service import check as run_check
    need_output(fmt, output)
    ws = workspace(root)
    the_office = office_of(office, ws)
    if ws.is_bundle(matter):
        notice = _check_bundle(ws, matter, application, local, the_office)
        emit_notice(notice, fmt, lang, output)
        raise typer.Exit(0 if notice.acceptable else 1)
    compiled, app_ = _compiled_and_application(ws, matter, application, local, the_office)
    notice = run_check(compiled, app_, office=the_office)
    emit_notice(notice, fmt, lang, output)
    raise typer.Exit(0 if notice.acceptable else 1)


def _check_bundle(ws: Workspace, name: str, application: Path, local: Optional[str], office=None):
    """An event's one notice: the bundle and its members under the locality that applies."""
    from checker.service import check_bundle
    from checker.source.yamlsource import load_file
    doc = load_file(application)
    named = doc.data.get("locality") if isinstance(doc.data, dict) else None
    named = named if isinstance(named, str) else ""
    chosen = locality(ws, local, office, named, doc.where(("locality",)) if named else None)
    bundle = ws.bundle(name, chosen)
    from checker.run.event import parse_event
    app_ = parse_event(bundle, doc.data, doc)
    return check_bundle(bundle, lambda mid: ws.compiled(mid, chosen), app_, office=office)


def _compiled_and_application(ws: Workspace, matter: str, application: Path, local: Optional[str], office=None):
    """The compiled matter under the locality that applies to this application (the office's or
    --local's, which the application may name but not contradict; else the one it names), and the
    application."""
    from checker.run.application import parse_application
    from checker.source.yamlsource import load_file
    doc = load_file(application)
    named = doc.data.get("locality") if isinstance(doc.data, dict) else None
    named = named if isinstance(named, str) else ""
    chosen = locality(ws, local, office, named, doc.where(("locality",)) if named else None)
    compiled = ws.compiled(matter, chosen)
    return compiled, parse_application(doc.data, compiled.matter, doc)


@guarded
def ask(matter: ListedMatterArgument,
        lang: LangOption = Lang.zh,
        resume: Optional[Path] = typer.Option(None, "--resume", help="Continue from a saved answers file."),
        save: Optional[Path] = typer.Option(None, "--save", help="Where to save the answers (default: MATTER-answers.yaml)."),
        on: Optional[str] = typer.Option(None, "--date", help="The application date, YYYY-MM-DD (default: today)."),
        local: LocalOption = None,
        root: RootOption = None) -> None:
    """A guided interview: only the questions that can still change the result, then what to bring
    (or why the application cannot succeed). The answers are saved as an application file."""
    from checker.run.application import load_application
    from checker.shells.terminal import interview
    ws = workspace(root)
    if ws.is_bundle(matter):
        _ask_bundle(ws, matter, lang.value, resume, save, on, local)
        return
    compiled = load_compiled(ws, matter, local)
    answers, on = _resumed(lambda path: load_application(path, compiled.matter), resume, on)
    target = save or Path(f"{compiled.matter.id}-answers.yaml")
    try:
        interview(compiled, answers, on, lang.value, target)
    except OSError as e:
        die([Problem(Location(str(target)), "E004", f"cannot write: {e.strerror}")])


def _resumed(load, resume: Optional[Path], on: Optional[str]) -> tuple[dict, str]:
    """The answers saved in `resume` (read by load(path)) and the application date: --date, else
    the saved one, else today; a date that is not real or out of range is an input error."""
    import datetime

    from checker.lang.functions import date_fault
    answers: dict = {}
    if resume is not None:
        app_ = load(resume)
        answers = {k: v for k, v in app_.facts.items() if v is not None}
        on = on or app_.date
    on = on or datetime.date.today().isoformat()
    fault = date_fault(on)
    if fault:
        die([Problem(Location("--date"), "A003" if fault == "not a real date" else "A005",
                     f"'{on}' is {fault}", "write YYYY-MM-DD")])
    return answers, on


def _ask_bundle(ws: Workspace, name: str, lang: str, resume: Optional[Path], save: Optional[Path], on: Optional[str],
                local: Optional[str]) -> None:
    """The event's interview (一表申请): each fact the members share asked once."""
    from checker.run.event import parse_event
    from checker.shells.terminal import event_interview
    from checker.source.yamlsource import load_file
    chosen = locality(ws, local)
    bundle = ws.bundle(name, chosen)
    def load(path: Path):
        doc = load_file(path)
        return parse_event(bundle, doc.data, doc)
    answers, on = _resumed(load, resume, on)
    target = save or Path(f"{bundle.id}-answers.yaml")
    try:
        event_interview(bundle, lambda mid: ws.compiled(mid, chosen), answers, on, lang, target)
    except OSError as e:
        die([Problem(Location(str(target)), "E004", f"cannot write: {e.strerror}")])


@guarded
def explain(matter: MatterArgument,
            application: ApplicationArgument,
            fmt: ProblemFormat = typer.Option(ProblemFormat.text, "--format", "-f", help="text or json"),
            lang: LangOption = Lang.en,
            local: LocalOption = None,
            root: RootOption = None) -> None:
    """The trace of an evaluation: which rules fired, in order, with the facts that made each fire and
    the values derived; and for each condition that did not hold, why not."""
    from checker.describe import explain as ex
    from checker.run.evaluate import evaluate
    ws = workspace(root)
    if ws.is_bundle(matter):
        _explain_bundle(ws, matter, application, local, fmt, lang.value)
        return
    compiled, app_ = _compiled_and_application(ws, matter, application, local)
    data = ex.trace(compiled, app_, evaluate(compiled, app_), lang.value)
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2) if fmt is ProblemFormat.json else ex.render(data),
               nl=fmt is ProblemFormat.json)


def _explain_bundle(ws: Workspace, name: str, application: Path, local: Optional[str], fmt, lang: str) -> None:
    """Each member's trace on its share of the event's application, in the members' order; a member
    that does not apply (or may not) says why it was not evaluated."""
    from checker.describe import explain as ex
    from checker.run.evaluate import evaluate
    from checker.run.event import check_event, parse_event
    from checker.service import evaluate_and_decide
    from checker.source.yamlsource import load_file
    from checker.texts import tx
    doc = load_file(application)
    named = doc.data.get("locality") if isinstance(doc.data, dict) else None
    chosen = locality(ws, local, None, named if isinstance(named, str) else "",
                      doc.where(("locality",)) if isinstance(named, str) else None)
    bundle = ws.bundle(name, chosen)
    shares: dict = {}
    notice = check_event(bundle, lambda mid: ws.compiled(mid, chosen), parse_event(bundle, doc.data, doc),
                         lambda c, a: evaluate_and_decide(c, a)[1], shares)
    traces = []
    for r in notice.members:
        if r.matter not in shares:
            traces.append({"matter": r.matter, "outcome": r.outcome, "trace": None})
            continue
        compiled = ws.compiled(r.matter, chosen)
        traces.append({"matter": r.matter, "outcome": r.outcome,
                       "trace": ex.trace(compiled, shares[r.matter], evaluate(compiled, shares[r.matter]), lang)})
    if fmt is ProblemFormat.json:
        typer.echo(json.dumps({"bundle": bundle.id, "outcome": notice.outcome, "members": traces},
                              ensure_ascii=False, indent=2))
        return
    for t_ in traces:
        member = bundle.member(t_["matter"])
        typer.echo(f"== {tx(member.matter.name, lang)} ({t_['matter']}): {t_['outcome']}")
        typer.echo(ex.render(t_["trace"]) if t_["trace"] is not None else
                   f"not evaluated: its condition `{member.when_text}` is {'false' if t_['outcome'] == 'not_applicable' else 'not known'}\n",
                   nl=False)
