"""The core as one call: check an application against a compiled matter."""

from __future__ import annotations

from pathlib import Path

from .application import Application, load_application, parse_application
from .compiler import CompiledMatter
from .decide import decide
from .errors import Location
from .evaluate import evaluate
from .notice import Notice

def check(compiled: CompiledMatter, application: Application | dict | Path | str,
          where: Location | None = None, parameters: dict | None = None) -> Notice:
    """The notice for one application (a parsed Application, raw data, or a file path).
    `parameters` sets parameter values for this check only (the matter's examples use it)."""
    if isinstance(application, (str, Path)):
        app = load_application(application, compiled.matter)
    elif isinstance(application, dict):
        app = parse_application(application, compiled.matter, where=where)
    else:
        app = application
    if parameters:
        app.parameters = dict(parameters)
    return decide(compiled, app, evaluate(compiled, app))
