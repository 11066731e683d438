"""Run a compiled matter over one application: what the engine decided, condition by condition."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.run.application import Application, declarations
from checker.lang.numbers import held
from checker.run.compiler import CompiledMatter
from checker.run.engine import engine
from checker.lang.kleene import UNKNOWN


@dataclass
class Findings:
    """Each condition's status (True, False or UNKNOWN), every value known at the end, and the
    engine rules that fired, in order."""

    status: dict[str, Any]
    values: dict[str, Any]
    fired: list[tuple[str, int]]  # (durable rule, stage)
    rule_index: dict[str, tuple[str, str]]  # durable rule -> (condition or derived id, kind)
    declared: dict[str, str]  # fact -> the signed material whose declaration gave its value

    def of(self, cid: str) -> Any:
        return self.status.get(cid, UNKNOWN)

    @property
    def trace(self) -> list[tuple[str, str, str, int]]:
        """(durable rule, condition or derived id, kind, stage) for each rule that fired."""
        return [(rule, *self.rule_index[rule], stage) for rule, stage in self.fired]


def engine_input(compiled: CompiledMatter, app: Application,
                 declared: dict[str, str] | None = None) -> dict[str, Any]:
    """The application fact: the application's facts and materials, the values that signed
    materials declare, and the matter's parameter values in force on the application date."""
    matter = compiled.matter
    facts = app.engine_facts()
    for name in declarations(matter, app) if declared is None else declared:
        facts[name] = matter.facts[name].declared_value
    # parameters as the engine holds every number (numbers.held): a magnitude below 1e-4 is 0.0,
    # so that the three-valued evaluation (kleene, pygen) and the engine see the same values
    for source in (matter.parameter_values(app.date), app.parameters):
        facts.update({k: held(v) if isinstance(v, float) else v for k, v in source.items()})
    return facts


def ruleset_for(compiled: CompiledMatter):
    """The matter's ruleset, registered with the engine the first time it is asked for."""
    return engine().ruleset(compiled.ruleset_name, compiled.program)


def evaluate(compiled: CompiledMatter, app: Application) -> Findings:
    declared = declarations(compiled.matter, app)
    result = ruleset_for(compiled).evaluate(engine_input(compiled, app, declared))
    status = dict(compiled.initial_status)
    verdicts = compiled.verdicts
    fired = result.fired
    for rule, _ in fired:
        verdict = verdicts.get(rule)
        if verdict is not None:
            status[verdict[0]] = verdict[1]
    steps = compiled.steps
    if len(steps) != compiled.stages + 1:  # a stage asserted as several facts: name the stage
        fired = [(rule, steps[step]) for rule, step in fired]
    return Findings(status, result.values, fired, compiled.rule_index, declared)
