"""Side by side, in one run: our engine path, GoRules ZEN (one compiled expression, a decision
graph) and the floor, on the same matters and the same applications; then the full check; then
the cost of each added condition. Prints the table and whether each target of issue 18 is met.

    python bench/compare.py [--n 1000] [--rounds 7] [--seed 1] [--matter ID ...]
                            [--sizes 10 20 40 80] [--verify-only]

Needs the benchmark extra: `pip install -e .[bench]` (`make bench` installs it from the lock).

Columns, each from an already parsed application to every condition's TRUE/FALSE/UNKNOWN:
  engine     this project's engine path: `evaluate` (the durable-rules C core through the adapter,
             the lifted terms and derived values in Python), as bench/bench.py measures it
  zen-expr   ZEN, one compiled expression per matter (bench/zen_translate.py)
  zen-graph  ZEN, a decision graph (JDM) of two expression nodes, through ZenEngine.evaluate
  floor      straight-line Python: checker/run/pygen.py's `generated` once it is there, until then
             bench/floor.py's `direct` (kleene.evaluate over the tree), named in the output
  full       parse and validate the raw application, engine, decide, JSON notice (ours only)
  input      `engine_input` alone: what every other column builds first
Every column starts from the same input: `engine_input(compiled, app)` (the facts, the materials'
fields, declared values, parameters in force), built inside each timed call as `evaluate` builds
it. ZEN is handed it as JSON bytes (orjson); a dict measured the same (within 3%, both forms, the
three matters, interleaved).

Method. The machine has 2 cores and other work: the process pins itself to one core; in each
round the columns take turns over the same N applications, 50 at a time, in an order rotated at
every turn (so a disturbance falls on all columns alike); a figure is the median over the rounds
of µs per application, with its spread (min-max); a ratio is the median of the per-round ratios. Before anything is timed,
every result of every column is compared with our engine's on every application: a mismatch is
counted by the kind of condition and printed; derived numbers are equal within 1e-9 relative
(ZEN computes in decimals, Python in binary floats: 11001.53 against 11001.529999999999).

Targets (issue 18): the engine path at most 1.5x ZEN's compiled expression; the full check at
most 1.5x the engine path; the cost per added condition (the slope over synthetic matters: the
individual business registration with 10, 20, 40, 80 conditions added) no steeper than ZEN's.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import orjson  # noqa: E402
import yaml  # noqa: E402

from checker.lang.kleene import UNKNOWN  # noqa: E402
from checker.notice.render import render  # noqa: E402
from checker.run.application import parse_application  # noqa: E402
from checker.run.compiler import CompiledMatter, compile_matter  # noqa: E402
from checker.run.decide import decide  # noqa: E402
from checker.run.evaluate import engine_input, evaluate  # noqa: E402
from checker.source.loader import load_matter  # noqa: E402
from generate import random_application  # noqa: E402
from zen_translate import graph_key, translate  # noqa: E402

MATTERS = ["individual-business-registration", "food-business-licence", "minimum-living-allowance"]
SYNTHETIC_BASE = "individual-business-registration"
TARGET = 1.5


def zen_module():
    try:
        import zen
    except ImportError:
        sys.exit("zen-engine is not installed: it is the benchmark extra (make bench, or pip install -e .[bench])")
    return zen


# --- the floor: the generated function when checker/run/pygen.py exists, else bench/floor.py ----
def floor_column() -> tuple[str, Callable]:
    """The hook for the floor column: (its name, fn(compiled, app) -> statuses or None)."""
    try:
        from checker.run.pygen import generated  # the straight-line Python of issue 18
    except ImportError:
        from floor import direct  # kleene over the tree, until pygen is merged
        return "floor (direct)", direct
    return "floor (generated)", lambda c, app: generated(c)(engine_input(c, app))


# --- the matters, the applications ---------------------------------------------------------------
def varied(rng: random.Random, raw: dict) -> dict:
    """A generated application with, one time in four, an ID number made wrong (check digit,
    birth date, length, a lower-case x), so that id_valid and id_birth_date are seen failing."""
    facts = raw["facts"]
    for name, value in list(facts.items()):
        if "id_number" in name and isinstance(value, str) and rng.random() < 0.25:
            how = rng.randrange(4)
            if how == 0:
                value = value[:17] + ("0" if value[17] != "0" else "1")
            elif how == 1:
                value = value[:10] + "13" + value[12:]
            elif how == 2:
                value = value[:17]
            else:
                value = value[:17] + "x"
            facts[name] = value
    return raw


class Subject:
    """One matter made ready for every column: compiled, translated, registered, its applications."""

    def __init__(self, compiled: CompiledMatter, n: int, seed: int, graphs: "Zen", floor: tuple[str, Callable]):
        zen = zen_module()
        self.compiled = compiled
        self.id = compiled.matter.id
        translation = translate(compiled)
        self.translation = translation
        self.expression = zen.compile_expression(translation.expression())
        content = zen.ZenDecisionContent(json.dumps(translation.graph(), ensure_ascii=False))
        self.key = compiled.ruleset_name
        graphs.contents[self.key] = content
        self.graphs = graphs.engine
        rng = random.Random(seed)
        m = compiled.matter
        self.raw = [varied(rng, random_application(rng, m)) for _ in range(n)]
        self.apps = [parse_application(r, m) for r in self.raw]
        evaluate(compiled, self.apps[0])  # registered outside the timings
        self.floor = floor
        self.conditions = len([c for c in compiled.conditions if not c.startswith("derive:")])

    def columns(self) -> dict[str, tuple[Callable, list]]:
        c, expr, zen, key, floor_fn = self.compiled, self.expression, self.graphs, self.key, self.floor[1]
        dumps = orjson.dumps
        parsed = [(a,) for a in self.apps]
        return {
            "engine": (lambda a: evaluate(c, a), parsed),
            "input": (lambda a: engine_input(c, a), parsed),
            "zen-expr": (lambda a: expr.evaluate(dumps(engine_input(c, a))), parsed),
            "zen-graph": (lambda a: zen.evaluate(key, dumps(engine_input(c, a))), parsed),
            "floor": (lambda a: floor_fn(c, a), parsed),
            "full": (lambda r: render(decide(c, app := parse_application(r, c.matter), evaluate(c, app)), "json"),
                     [(r,) for r in self.raw]),
        }


class Zen:
    """One ZenEngine for every graph, its loader handing out the graph's precompiled content
    (ZenDecisionContent; measured 2 to 4 times faster than ZenEngine.create_decision(...).evaluate,
    which starts a runtime at every call, or than a graph handed over as text, compiled at every call)."""

    def __init__(self):
        zen = zen_module()
        self.contents: dict[str, Any] = {}
        self.engine = zen.ZenEngine({"loader": lambda key: self.contents[key]})


def library(ids: list[str]) -> list[CompiledMatter]:
    return [compile_matter(load_matter(ROOT / "matters" / f"{mid}.yaml", ROOT / "rules")) for mid in ids]


def synthetic(added: int, folder: Path) -> CompiledMatter:
    """The individual business registration with `added` rules more, each a condition of its own
    (its constants differ, so no engine shares its tests): over a derived age, an enum and a flag,
    a stated number, the application date, in turn."""
    doc = yaml.safe_load((ROOT / "matters" / f"{SYNTHETIC_BASE}.yaml").read_text(encoding="utf-8"))
    model = next(r for r in doc["rules"] if r["id"] == "operator-under-16")
    tenures = ["owned", "leased", "no_title_certificate"]
    for i in range(added):
        shape = i % 4
        when = [f"operator_age >= {18 + i}",
                f'filed_by_agent and premises_tenure == "{tenures[i % 3]}" and operator_age < {30 + i}',
                f"known(operator_stated_age) and operator_stated_age > {20 + i}",
                f'application_date >= date("{date(2023, 1, 1) + timedelta(days=7 * i)}")'][shape]
        doc["rules"].append(dict(copy.deepcopy(model), id=f"synthetic-{i + 1}", when=when))
    path = folder / f"added-{added}" / f"{SYNTHETIC_BASE}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return compile_matter(load_matter(path, ROOT / "rules"))


# --- the same results ----------------------------------------------------------------------------
def _same(ours: Any, theirs: Any) -> bool:
    if ours is UNKNOWN:
        ours = None
    if isinstance(ours, bool) or isinstance(theirs, bool) or ours is None or theirs is None:
        return ours is theirs or ours == theirs and type(ours) is type(theirs)
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-12)
    return ours == theirs


def results(subject: Subject) -> dict[str, Callable]:
    """Each column that gives results: fn(app) -> {condition id or derived name: value}."""
    c = subject.compiled

    def graph(app) -> dict:
        out = subject.graphs.evaluate(subject.key, orjson.dumps(engine_input(c, app)))["result"]
        return {k: out.get(graph_key(k)) for k in list(subject.translation.conditions) + subject.translation.derived}
    out = {"zen-expr": lambda a: subject.expression.evaluate(orjson.dumps(engine_input(c, a))),
           "zen-graph": graph}  # (the graph's output leaves out what is null)
    if subject.floor[0] == "floor (generated)":
        out["floor"] = lambda a: subject.floor[1](c, a)
    return out


def verify(subject: Subject) -> dict[str, dict[str, int]]:
    """Mismatches against our engine, per column and kind of result (rule, req, opt, defect,
    promise, derived), over every application; also 'compared' (results compared)."""
    counts: dict[str, dict[str, int]] = {}
    shown = 0
    derived = subject.translation.derived
    for app in subject.apps:
        ours = evaluate(subject.compiled, app)
        for column, fn in results(subject).items():
            theirs = fn(app)
            tally = counts.setdefault(column, {"compared": 0})
            for cid in subject.translation.conditions:
                tally["compared"] += 1
                if not _same(ours.status[cid], theirs.get(cid)):
                    kind = cid.split(":")[0]
                    tally[kind] = tally.get(kind, 0) + 1
                    if shown < 5:
                        shown += 1
                        print(f"   mismatch {subject.id} {column} {cid}: ours {ours.status[cid]!r}, "
                              f"theirs {theirs.get(cid)!r}; input {engine_input(subject.compiled, app)}")
            for name in derived:
                tally["compared"] += 1
                if not _same(ours.values.get(name), theirs.get(name)):
                    tally["derived"] = tally.get("derived", 0) + 1
                    if shown < 5:
                        shown += 1
                        print(f"   mismatch {subject.id} {column} {name}: ours {ours.values.get(name)!r}, "
                              f"theirs {theirs.get(name)!r}")
    return counts


def outcomes(subject: Subject) -> dict[str, int]:
    """How many of our conditions' results are TRUE, FALSE and UNKNOWN over the applications:
    a comparison means little unless all three are reached."""
    tally = {"true": 0, "false": 0, "unknown": 0}
    for app in subject.apps:
        status = evaluate(subject.compiled, app).status
        for cid in subject.translation.conditions:
            v = status[cid]
            tally["unknown" if v is UNKNOWN else str(v).lower()] += 1
    return tally


# --- timing --------------------------------------------------------------------------------------
def interleaved(columns: dict[str, tuple[Callable, list]], rounds: int, block: int = 50) -> dict[str, list[float]]:
    """µs per application of each column, one figure per round. Within a round the columns take
    turns block by block (A B C D on the same 50 applications, then the next 50), the order
    rotating at each block, so that a disturbance from the rest of the machine falls on all."""
    names = list(columns)
    out: dict[str, list[float]] = {name: [] for name in names}
    count = len(next(iter(columns.values()))[1])
    clock = time.perf_counter
    for _ in range(rounds):
        spent = dict.fromkeys(names, 0.0)
        for turn, first in enumerate(range(0, count, block)):
            for name in names[turn % len(names):] + names[:turn % len(names)]:
                fn, items = columns[name]
                part = items[first:first + block]
                start = clock()
                for item in part:
                    fn(*item)
                spent[name] += clock() - start
        for name in names:
            out[name].append(spent[name] / count * 1e6)
    return out


def ratio(times: dict[str, list[float]], a: str, b: str) -> float:
    """The median of the per-round ratios a / b."""
    return statistics.median(x / y for x, y in zip(times[a], times[b]))


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.1f} [{min(values):.0f}-{max(values):.0f}]"


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares µs per condition."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="applications per matter")
    ap.add_argument("--rounds", type=int, default=7, help="interleaved rounds")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--matter", nargs="*", default=MATTERS, help="matter ids (default: three, one a household)")
    ap.add_argument("--sizes", type=int, nargs="*", default=[10, 20, 40, 80],
                    help="conditions added to the synthetic matters (none: no slope)")
    ap.add_argument("--verify-only", action="store_true", help="compare the results, time nothing")
    args = ap.parse_args()
    from bench import pin_to_one_core
    pin_to_one_core()
    zen_module()
    floor = floor_column()
    graphs = Zen()
    import importlib.metadata as md
    print(f"zen-engine {md.version('zen-engine')}, Python {sys.version.split()[0]}, {args.n} applications "
          f"per matter (seed {args.seed}), {args.rounds} interleaved rounds, one core; floor: {floor[0]}")

    subjects = [Subject(c, args.n, args.seed, graphs, floor) for c in library(args.matter)]
    folder = Path(tempfile.mkdtemp(prefix="checker-compare-"))
    grown = [Subject(synthetic(k, folder), args.n, args.seed, graphs, floor) for k in args.sizes]

    print("\n1. The same results: every condition and derived value of every application, against our engine")
    clean = True
    for s in subjects + grown:
        seen = outcomes(s)
        print(f"   {s.id}{'' if s in subjects else ' +' + str(args.sizes[grown.index(s)])}: our results "
              f"{seen['true']:,} true, {seen['false']:,} false, {seen['unknown']:,} unknown")
        for column, tally in verify(s).items():
            wrong = {k: v for k, v in tally.items() if k != "compared"}
            clean &= not wrong
            label = s.id if s in subjects else f"{s.id} +{args.sizes[grown.index(s)]}"
            print(f"   {label:42} {column:10} {tally['compared']:8,} compared, "
                  + (f"MISMATCHES {wrong}" if wrong else "0 mismatches"))
    if not clean:
        sys.exit("results differ: nothing is timed")
    if args.verify_only:
        return

    print(f"\n2. µs per application, median of {args.rounds} rounds [min-max]; (×) the median ratio to our engine path")
    header = ["matter", "conditions", "engine path", "ZEN expression", "ZEN graph", floor[0], "full check",
              "of which the input"]
    rows, targets = [], []
    for s in subjects:
        t = interleaved(s.columns(), args.rounds)
        rows.append([s.id, str(s.conditions), spread(t["engine"])]
                    + [f"{spread(t[k])} (×{ratio(t, k, 'engine'):.2f})" for k in ("zen-expr", "zen-graph", "floor", "full")]
                    + [spread(t["input"])])
        targets.append((s.id, ratio(t, "engine", "zen-expr"), ratio(t, "full", "engine")))
    print("   | " + " | ".join(header) + " |")
    print("   |" + "---|" * len(header))
    for row in rows:
        print("   | " + " | ".join(row) + " |")

    slopes: dict[str, list[float]] = {}
    if grown:
        print(f"\n3. Cost per added condition: {SYNTHETIC_BASE} with {', '.join(map(str, args.sizes))} conditions "
              "added, every size and column in the same rounds; the slope (least squares) per round, its median")
        kinds = ["engine", "zen-expr", "zen-graph", "floor"]
        cols = {(s.conditions, k): v for s in grown for k, v in s.columns().items() if k in kinds}
        t = interleaved(cols, args.rounds)
        xs = [s.conditions for s in grown]
        for x in xs:
            print(f"   {x:4} conditions: " + ", ".join(f"{k} {statistics.median(t[(x, k)]):.1f}" for k in kinds) + " µs")
        slopes = {k: [slope(xs, [t[(x, k)][r] for x in xs]) for r in range(args.rounds)] for k in kinds}
        print("   µs per added condition: " + ", ".join(
            f"{k} {statistics.median(v):.2f} [{min(v):.2f}-{max(v):.2f}]" for k, v in slopes.items()))

    print("\n4. Targets (issue 18)")
    for mid, engine_zen, full_engine in targets:
        print(f"   {mid}: engine path / ZEN expression = {engine_zen:.2f} (≤ {TARGET}) "
              f"{'MET' if engine_zen <= TARGET else 'NOT MET'}; full check / engine path = {full_engine:.2f} "
              f"(≤ {TARGET}) {'MET' if full_engine <= TARGET else 'NOT MET'}")
    if slopes:
        steeper = statistics.median(a / b for a, b in zip(slopes["engine"], slopes["zen-expr"]))
        print(f"   cost per added condition: engine path {statistics.median(slopes['engine']):.2f} µs, ZEN expression "
              f"{statistics.median(slopes['zen-expr']):.2f} µs; engine path / ZEN expression = {steeper:.2f} (≤ 1) "
              f"{'MET' if steeper <= 1 else 'NOT MET'}")

if __name__ == "__main__":
    main()
