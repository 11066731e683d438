"""Examples as tests (YAML test cases beside the rules, and case files under tests/cases/), and
rule coverage: which rules, conditional materials, alternatives and derived facts no example
exercises — the `opa test --coverage` of this project.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from checker.run.application import parse_application
from checker.run.compiler import CompiledMatter
from checker.errors import CheckerError, Problem
from checker.run.evaluate import Findings
from checker.source.model import Example
from checker.notice.notice import Notice
from checker.service import evaluate_and_decide
from checker.workspace import Workspace
from checker.source.yamlsource import load_file
from checker.workspace import Workspace

@dataclass
class ExampleResult:
    example: Example
    notice: Notice | None
    differences: list[str]
    findings: Findings | None = None

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
        "declared": sorted(d.fact for d in notice.declared),
        "verified": sorted(f for v in notice.to_verify for f in v.facts),
        "reasons": sorted(r.rule for r in notice.reasons),
        "accepted": sorted(a["id"] for a in notice.accepted),
        "promised": sorted(i.id for i in notice.promised),
        # the materials the notice says a written promise may replace (告知承诺)
        "promise_offered": sorted(i.id for i in [*notice.missing, *notice.defective, *notice.deferred,
                                                 *notice.possibly_required] if i.promise_allowed),
        # whether the notice gives a date or a number of days by which to supply deferred materials
        "rongque_due": bool(notice.deadline.get("supply_by") or notice.deadline.get("supply_within_days")),
    }


# the dates and days of the notice's deadline an example may state (null: the notice gives none)
DEADLINE_KEYS = ("notice_by", "decision_by", "supply_by", "supply_within_days")


def _same_shown(want, got) -> bool:
    """Equal as the notice shows them: numbers to two decimals (money and ratios), anything else
    exactly."""
    def number(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if number(want) and number(got):
        return round(float(want), 2) == round(float(got), 2)
    return want == got


def _difference(key: str, want, got) -> list[str]:
    """One expectation against what the notice shows, as '- expected / + actual' (a list as a set)."""
    want = sorted(want) if isinstance(want, list) else want
    if got == want:
        return []
    if isinstance(want, list):
        lines = [f"  - {x}" for x in sorted(set(want) - set(got))] + [f"  + {x}" for x in sorted(set(got) - set(want))]
        return [f"{key}:\n" + "\n".join(lines)]
    return [f"{key}:\n  - {want}\n  + {got}"]


def compare(expect: dict, notice: Notice) -> list[str]:
    """Differences between what an example expects and the notice, as '- expected / + actual'."""
    got = observed(notice)
    out = []
    for key, want in expect.items():
        if key == "derived":
            for name, value in want.items():
                if notice.derived.get(name) != value:
                    out.append(f"derived.{name}:\n  - {value!r}\n  + {notice.derived.get(name)!r}")
            continue
        if key == "computed":  # the computed facts the notice shows (null: it shows no value)
            shown = {f.fact: f.value for f in notice.computed}
            for name, value in want.items():
                if not _same_shown(value, shown.get(name)):
                    out.append(f"computed.{name}:\n  - {value!r}\n  + {shown.get(name)!r}")
            continue
        if key == "deadline":
            for name, value in want.items():
                if notice.deadline.get(name) != value:
                    out.append(f"deadline.{name}:\n  - {value!r}\n  + {notice.deadline.get(name)!r}")
            continue
        if key == "time_limit":  # days of each limit the notice cites (None: it cites none)
            for kind, days in want.items():
                cited = (notice.time_limit.get(kind) or {}).get("days")
                if cited != days:
                    out.append(f"time_limit.{kind}:\n  - {days!r}\n  + {cited!r}")
            continue
        out += _difference(key, want, got[key])
    return out


@functools.lru_cache(maxsize=None)
def _library(root: Path) -> Workspace:
    """The library a matter file is in, one per folder: it compiles each locality's matter once."""
    return Workspace(root)


def _with_locality(compiled: CompiledMatter, locality: str) -> CompiledMatter:
    """The matter compiled with a locality's settings, once per matter and locality."""
    path = Path(compiled.matter.path)
    library = _library(path.resolve().parent.parent)
    return library.compiled(str(path), library.locality_file(locality))


def run_example(compiled: CompiledMatter, ex: Example) -> ExampleResult:
    if ex.locality and ex.locality != compiled.matter.local:
        compiled = _with_locality(compiled, ex.locality)
    try:
        app = parse_application(ex.application, compiled.matter, where=ex.location)
    except CheckerError as e:
        return ExampleResult(ex, None, [f"invalid application: {p}" for p in e.problems])
    app.parameters = dict(ex.parameters)
    findings, notice = evaluate_and_decide(compiled, app)
    return ExampleResult(ex, notice, compare(ex.expect, notice), findings)


def run_examples(compiled: CompiledMatter, examples: list[Example] | None = None) -> list[ExampleResult]:
    return [run_example(compiled, ex) for ex in (compiled.matter.examples if examples is None else examples)]


def load_cases(path: Path) -> tuple[str, list[Example]]:
    """A case file: `matter: ID` and `examples:` in the matter file's example format."""
    doc = load_file(path)
    data = doc.data
    if not isinstance(data, dict) or set(data) - {"matter", "examples"} or "matter" not in data \
            or not isinstance(data.get("examples"), list):
        raise CheckerError(Problem(doc.where(()), "S001", "a case file has `matter:` and `examples:` only",
                                   "see tests/cases/ for the form"))
    from checker.source.schemas import schema
    import jsonschema
    validator = jsonschema.Draft202012Validator({**schema("matter")["$defs"]["example"],
                                                 "$defs": schema("matter")["$defs"]})
    problems = []
    examples = []
    for i, e in enumerate(data["examples"]):
        for err in validator.iter_errors(e):
            problems.append(Problem(doc.where(("examples", i) + tuple(err.absolute_path)), "S001",
                                    f"examples.{i}: {err.message}"))
        if not problems:
            examples.append(Example(name=e["name"], application=e["application"], expect=e["expect"],
                                    source=e.get("source", ""), location=doc.where(("examples", i)), index=i,
                                    parameters=e.get("parameters", {}), locality=e.get("locality", "")))
    if problems:
        raise CheckerError(problems)
    return data["matter"], examples


@dataclass
class Coverage:
    """What the examples exercised: each item is covered when some example shows it happening."""

    matter: str
    items: dict[str, bool] = field(default_factory=dict)  # "rule:x", "material:IB-04", ...
    both_ways: dict[str, bool] = field(default_factory=dict)  # condition seen TRUE and FALSE

    @property
    def covered(self) -> int:
        return sum(self.items.values())

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / len(self.items) if self.items else 100.0

    def missing(self) -> list[str]:
        return [k for k, v in self.items.items() if not v]


def coverage(compiled: CompiledMatter, results: list[ExampleResult]) -> Coverage:
    m = compiled.matter
    cov = Coverage(m.id)
    seen_true: set[str] = set()
    seen_false: set[str] = set()
    derived: set[str] = set()
    for r in results:
        if r.findings is None:
            continue
        for cid, status in r.findings.status.items():
            if status is True:
                seen_true.add(cid)
            elif status is False:
                seen_false.add(cid)
        derived |= {n for n in m.derived if r.findings.values.get(n) is not None}
    for rule in m.rules:
        cov.items[f"rule:{rule.id}"] = f"rule:{rule.id}" in seen_true
    for mat in m.materials:
        if mat.when is not None or mat.effective_from or mat.effective_until:
            cov.items[f"material:{mat.id}"] = f"req:{mat.id}" in seen_true
        for o in mat.options:
            if o.when is not None:
                key = f"opt:{mat.id}/{o.key}"
                cov.items[f"alternative:{mat.id}/{o.key}"] = key in seen_true
    for name in m.derived:
        cov.items[f"derived:{name}"] = name in derived
    for cid in compiled.conditions:
        if cid.startswith(("rule:", "req:", "opt:")) and compiled.conditions[cid].needs_false:
            cov.both_ways[cid] = cid in seen_true and cid in seen_false
    return cov



def bundle_suites(ws: Workspace, paths: list[str] | None = None) -> list[str]:
    """The bundles `checker test` runs: those named (ids or files), else every bundle."""
    if not paths:
        return ws.bundle_ids()
    return [p for p in paths if ws.is_bundle(p)]


def example_suites(ws: Workspace, paths: list[str] | None = None) -> dict[str, list[Example]]:
    """What `checker test` runs, in order: each matter (an id or a matter file) with the extra
    examples of the case files that name it. Default: every matter and every case file."""
    if not paths:
        paths = ws.matter_ids() + [str(p) for p in ws.case_files()]
    paths = [p for p in paths if not ws.is_bundle(p)]
    suites: dict[str, list[Example]] = {}  # matter id or file -> extra examples from case files
    for item in paths:
        p = Path(item)
        if p.is_file() and ws.kind_of(p) != "matter":
            matter_id, examples = load_cases(p)
            suites.setdefault(matter_id, []).extend(examples)
            continue
        suites.setdefault(str(p) if p.suffix in (".yaml", ".yml") else item, [])
    return suites


# ------------------------------------------------------------------ bundles (一件事)

def observed_event(notice) -> dict:
    """An event's notice reduced to what a bundle example's `expect` can state."""
    return {
        "outcome": notice.outcome,
        "members": {m.matter: m.outcome for m in notice.members},
        "missing": sorted(i.id for i in notice.missing),
        "defective": sorted(i.id for i in notice.defective),
        "produced": sorted(p.material for p in notice.produced),
        "waiting": {m.matter: sorted(m.waits_on) for m in notice.members if m.waits_on},
        "info_needed": sorted(q.fact for q in notice.info_needed),
    }


def compare_event(expect: dict, notice) -> list[str]:
    """Differences between a bundle example's expectation and the event's notice."""
    got = observed_event(notice)
    out = []
    for key, want in expect.items():
        if key in ("members", "waiting"):
            want = {k: sorted(v) if isinstance(v, list) else v for k, v in want.items()}
            for name in sorted(set(want) | (set(got[key]) if key == "waiting" else set())):
                if want.get(name) != got[key].get(name):
                    out.append(f"{key}.{name}:\n  - {want.get(name)!r}\n  + {got[key].get(name)!r}")
            continue
        out += _difference(key, want, got[key])
    return out


@dataclass
class EventResult:
    example: Example
    notice: object | None
    differences: list[str]

    @property
    def passed(self) -> bool:
        return not self.differences


def run_bundle_examples(ws: Workspace, name: str, local: Path | None = None) -> tuple[object, list[EventResult]]:
    """A bundle's examples, each under its own locality if it names one (else `local`)."""
    from checker.run.event import check_event, parse_event
    bundle = ws.bundle(name, local)
    results = []
    for ex in bundle.examples:
        where = ws.locality_file(ex.locality) if ex.locality else local
        b = ws.bundle(name, where)
        try:
            app = parse_event(b, ex.application, where=ex.location)
        except CheckerError as e:
            results.append(EventResult(ex, None, [f"invalid application: {p}" for p in e.problems]))
            continue
        notice = check_event(b, lambda mid: ws.compiled(mid, where), app,
                             lambda compiled, member_app: evaluate_and_decide(compiled, member_app)[1])
        results.append(EventResult(ex, notice, compare_event(ex.expect, notice)))
    return bundle, results


def bundle_coverage(bundle, results: list[EventResult]) -> Coverage:
    """What a bundle's examples exercised: each conditional member seen applying and not applying,
    each produced material seen produced, each shared document seen needed by two members or more."""
    cov = Coverage(bundle.id)
    notices = [r.notice for r in results if r.notice is not None]
    for m in bundle.members:
        if m.when is not None:
            outcomes = [next(x.outcome for x in n.members if x.matter == m.id) for n in notices]
            cov.items[f"member:{m.id} applies"] = any(o not in ("not_applicable", "undecided") for o in outcomes)
            cov.items[f"member:{m.id} does not apply"] = "not_applicable" in outcomes
        for material_id in m.produced:
            cov.items[f"produced:{m.id}/{material_id}"] = any(
                p.material == material_id and p.used_by == m.id for n in notices for p in n.produced)
    for d in bundle.documents:  # presented once for its members, or asked once of several
        cov.items[f"document:{d.id}"] = any(a["id"] == d.id for n in notices for a in n.accepted) or any(
            i.id == d.id and len(i.needs) > 1 for n in notices for i in n.missing)
    return cov
