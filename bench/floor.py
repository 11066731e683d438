"""The floor the engine is compared to: the same conditions computed by one straight-line Python
function generated from the compiled matter (checker/run/pygen.py), over the engine's input.

    python bench/floor.py [--matter ID ...] [--n 400] [--rounds 15] [--seed 1]

measures side by side, in interleaved rounds (each round times every way over the same N random
applications, in a rotating order), per application:

  engine     the engine path: evaluate() (engine input, durable-rules, the conditions' status)
  kleene     the old floor: the engine input, then every derived value and condition
             interpreted three-valued from its syntax tree (kleene.evaluate)
  generated  the engine input, then the generated function (what `direct` does)
  function   the generated function alone, on an engine input made beforehand

and prints medians over the rounds, their spread (lowest and highest round) and the ratios to the
generated function (median of the per-round ratios).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from checker.lang.kleene import evaluate as kleene  # noqa: E402
from checker.run.evaluate import engine_input  # noqa: E402
from checker.run.pygen import generated  # noqa: E402

MATTERS = ["individual-business-registration", "minimum-living-allowance"]


def direct(compiled, app) -> dict:
    """Every derived value and every condition of the compiled matter, by the generated function."""
    return generated(compiled)(engine_input(compiled, app))


def kleene_direct(compiled, app) -> None:
    """The floor before the generated function: the same values by interpreting the syntax trees."""
    env = engine_input(compiled, app)
    for d in compiled.matter.derived.values():
        when = True if d.when is None else kleene(d.when, env)
        node = d.value if when is True else (d.otherwise if when is False else None)
        if node is not None:
            env[d.name] = kleene(node, env)
    for c in compiled.conditions.values():
        kleene(c.source, env)


def interleaved(ways: dict, rounds: int) -> dict[str, list[float]]:
    """Seconds per application of each way in each round; the order rotates from round to round."""
    names = list(ways)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            func, items = ways[name]
            start = time.perf_counter()
            for item in items:
                func(*item)
            times[name].append((time.perf_counter() - start) / len(items))
    return times


def measure(matter_id: str, n: int, rounds: int, seed: int) -> None:
    from checker.run.application import parse_application
    from checker.run.compiler import compile_matter
    from checker.run.evaluate import evaluate
    from checker.source.loader import load_matter
    from generate import random_application
    compiled = compile_matter(load_matter(ROOT / "matters" / f"{matter_id}.yaml", ROOT / "rules"))
    rng = random.Random(seed)
    apps = [parse_application(random_application(rng, compiled.matter), compiled.matter) for _ in range(n)]
    function = generated(compiled)
    inputs = [(engine_input(compiled, a),) for a in apps]
    pairs = [(compiled, a) for a in apps]
    evaluate(compiled, apps[0])  # register the ruleset outside the timings
    times = interleaved({"engine": (evaluate, pairs), "kleene": (kleene_direct, pairs),
                         "generated": (direct, pairs), "function": (function, inputs)}, rounds)
    print(f"\n{matter_id}: {len(compiled.conditions)} conditions, {len(compiled.matter.derived)} derived values; "
          f"{n} random applications (seed {seed}), {rounds} interleaved rounds")
    print(f"   {'':10} {'median µs':>10} {'lowest':>8} {'highest':>8} {'÷ generated':>12}")
    for name, secs in times.items():
        ratio = statistics.median(a / b for a, b in zip(secs, times["generated"]))
        print(f"   {name:10} {statistics.median(secs) * 1e6:10.1f} {min(secs) * 1e6:8.1f} "
              f"{max(secs) * 1e6:8.1f} {ratio:12.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--matter", nargs="*", default=MATTERS, help="matter ids")
    ap.add_argument("--n", type=int, default=400, help="applications per matter")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from bench import pin_to_one_core
    pin_to_one_core()
    for matter_id in args.matter:
        measure(matter_id, args.n, args.rounds, args.seed)


if __name__ == "__main__":
    main()
