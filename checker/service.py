"""The core as one call: check an application against a compiled matter."""

from __future__ import annotations

from pathlib import Path

from checker.run.application import Application, load_application, parse_application
from checker.run.compiler import CompiledMatter
from checker.run.decide import decide
from checker.errors import CheckerError, Location, Problem
from checker.source.local import Office
from checker.run.evaluate import evaluate
from checker.notice.notice import Notice

def check(compiled: CompiledMatter, application: Application | dict | Path | str,
          where: Location | None = None, parameters: dict | None = None, office: Office | None = None) -> Notice:
    """The notice for one application (a parsed Application, raw data, or a file path), issued by
    `office` if given. `parameters` sets parameter values for this check only (the matter's
    examples use it). An application that names a locality is checked under that locality's
    rules only: `compiled` must have been loaded with them (see local.choose_locality)."""
    if isinstance(application, (str, Path)):
        app = load_application(application, compiled.matter)
    elif isinstance(application, dict):
        app = parse_application(application, compiled.matter, where=where)
    else:
        app = application
    if parameters:
        app.parameters = dict(parameters)
    if app.locality and app.locality != compiled.matter.local:
        rules = f"the rules of '{compiled.matter.local}'" if compiled.matter.local else "the national rules"
        raise CheckerError(Problem(where or Location("application"), "E027",
                                   f"the application names locality '{app.locality}', but it is being checked under {rules}",
                                   f"check it with --local {app.locality}, or remove `locality` from the application"))
    notice = decide(compiled, app, evaluate(compiled, app))
    if office is not None:
        notice.office = office.header()
    return notice
