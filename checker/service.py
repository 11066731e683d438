"""The core as one call: load and compile a matter once, then check applications against it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .application import Application, load_application, parse_application
from .compiler import CompiledMatter, compile_matter
from .decide import decide
from .errors import Location
from .evaluate import evaluate
from .loader import load_matter
from .notice import Notice

_CACHE: dict[tuple[str, float, str], CompiledMatter] = {}


def compiled_matter(path: Path | str, rules_dir: Path | str | None = None) -> CompiledMatter:
    """Load and compile a matter file, cached per file version within the process."""
    p = Path(path).resolve()
    key = (str(p), p.stat().st_mtime, str(rules_dir or ""))
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = compile_matter(load_matter(p, rules_dir))
    return found


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
