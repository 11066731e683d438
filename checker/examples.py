"""Run a matter's examples (YAML test cases beside the rules) and compare with their expectations."""

from __future__ import annotations

from dataclasses import dataclass

from .compiler import CompiledMatter
from .errors import CheckerError
from .model import Example
from .notice import Notice
from .service import check


@dataclass
class ExampleResult:
    example: Example
    notice: Notice | None
    differences: list[str]

    @property
    def passed(self) -> bool:
        return not self.differences


def observed(notice: Notice) -> dict:
    """The notice reduced to what an example's `expect` can state."""
    return {
        "outcome": notice.outcome,
        "missing": sorted(i.id for i in notice.missing),
        "defective": sorted(i.id for i in notice.defective),
        "deferred": sorted(i.id for i in notice.deferred),
        "exempt": sorted(i.id for i in notice.exempt),
        "info_needed": sorted(i.fact for i in notice.info_needed),
        "reasons": sorted(r.rule for r in notice.reasons),
    }


def compare(expect: dict, notice: Notice) -> list[str]:
    got = observed(notice)
    out = []
    for key, want in expect.items():
        if key == "derived":
            for name, value in want.items():
                if notice.derived.get(name) != value:
                    out.append(f"derived {name}: expected {value!r}, got {notice.derived.get(name)!r}")
            continue
        want_cmp = sorted(want) if isinstance(want, list) else want
        if got[key] != want_cmp:
            out.append(f"{key}: expected {want_cmp}, got {got[key]}")
    return out


def run_examples(compiled: CompiledMatter) -> list[ExampleResult]:
    results = []
    for ex in compiled.matter.examples:
        try:
            notice = check(compiled, ex.application, where=ex.location, parameters=ex.parameters)
        except CheckerError as e:
            results.append(ExampleResult(ex, None, [f"invalid application: {p}" for p in e.problems]))
            continue
        results.append(ExampleResult(ex, notice, compare(ex.expect, notice)))
    return results
