"""Run a compiled matter over one application: what the engine decided, condition by condition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .application import Application
from .compiler import CompiledMatter
from .engine import engine
from .kleene import UNKNOWN


@dataclass
class Findings:
    """Each condition's status (True, False or UNKNOWN), every value known at the end, and the trace."""

    status: dict[str, Any]
    values: dict[str, Any]
    trace: list[tuple[str, str, str, int]]  # (durable rule, condition or derived id, kind, stage)

    def of(self, cid: str) -> Any:
        return self.status.get(cid, UNKNOWN)


def engine_input(compiled: CompiledMatter, app: Application) -> dict[str, Any]:
    """The application fact: the application's facts and materials, and the matter's parameter
    values in force on the application date."""
    facts = app.engine_facts()
    facts.update(compiled.matter.parameter_values(app.date))
    facts.update(app.parameters)
    return facts


def ruleset_for(compiled: CompiledMatter):
    """The matter's ruleset, registered with the engine the first time it is asked for."""
    return engine().ruleset(compiled.ruleset_name, compiled.program)


def evaluate(compiled: CompiledMatter, app: Application) -> Findings:
    result = ruleset_for(compiled).evaluate(engine_input(compiled, app))
    status = compiled.initial_status()
    index = compiled.rule_index
    trace = []
    for rule, stage in result.fired:
        ref, kind = index[rule]
        trace.append((rule, ref, kind, stage))
        if kind == "T":
            status[ref] = True
        elif kind == "F":
            status[ref] = False
    return Findings(status, result.values, trace)
