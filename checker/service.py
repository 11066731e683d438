"""The core as one call: `check` takes one application to its notice, along one path:

    parse (run/application) → evaluate (run/evaluate: the engine's findings)
    → decide (run/decide: the outcome and every item, explained by run/why) → the notice

Everything that checks an application goes through here; the examples (tools/testing) take the
same path after parsing, keeping the findings for coverage.
"""

from __future__ import annotations

from pathlib import Path

from checker.errors import CheckerError, Location, Problem
from checker.notice.notice import Notice
from checker.run.application import Application, load_application, parse_application
from checker.run.compiler import CompiledMatter
from checker.run.decide import decide
from checker.run.evaluate import Findings, evaluate
from checker.source.local import Office


def check(compiled: CompiledMatter, application: Application | dict | Path | str,
          where: Location | None = None, parameters: dict | None = None, office: Office | None = None) -> Notice:
    """The notice for one application (a parsed Application, raw data, or a file path), issued by
    `office` if given. `parameters` sets parameter values for this check only (the matter's
    examples use it). An application that names a locality is checked under that locality's
    rules only: `compiled` must have been loaded with them (see local.choose_locality)."""
    app = parse(compiled, application, where)
    if parameters:
        app.parameters = dict(parameters)
    _, notice = evaluate_and_decide(compiled, app)
    if office is not None:
        notice.office = office.header()
    return notice


def parse(compiled: CompiledMatter, application: Application | dict | Path | str,
          where: Location | None = None) -> Application:
    """The application, validated against the matter, under the locality it is checked in (E027)."""
    if isinstance(application, (str, Path)):
        app = load_application(application, compiled.matter)
    elif isinstance(application, dict):
        app = parse_application(application, compiled.matter, where=where)
    else:
        app = application
    if app.locality and app.locality != compiled.matter.local:
        rules = f"the rules of '{compiled.matter.local}'" if compiled.matter.local else "the national rules"
        raise CheckerError(Problem(where or Location("application"), "E027",
                                   f"the application names locality '{app.locality}', but it is being checked under {rules}",
                                   f"check it with --local {app.locality}, or remove `locality` from the application"))
    return app


def evaluate_and_decide(compiled: CompiledMatter, app: Application) -> tuple[Findings, Notice]:
    """A parsed application's findings (what the engine decided, condition by condition) and its notice."""
    findings = evaluate(compiled, app)
    return findings, decide(compiled, app, findings)


def check_bundle(bundle, compiled_of, application, where: Location | None = None, office: Office | None = None):
    """The event's one notice for an application to a bundle (source/bundle.py): raw data, a file
    path or a parsed Application; `compiled_of(matter_id)` gives each member compiled under the
    locality that applies. Each member goes the same path as a matter's application."""
    from checker.run.event import check_event, parse_event
    from checker.source.yamlsource import load_file
    if isinstance(application, (str, Path)):
        doc = load_file(application)
        app = parse_event(bundle, doc.data, doc)
    elif isinstance(application, dict):
        app = parse_event(bundle, application, where=where)
    else:
        app = application
    notice = check_event(bundle, compiled_of, app, lambda compiled, member_app: evaluate_and_decide(compiled, member_app)[1])
    if office is not None:
        notice.office = office.header()
    return notice
