"""Benchmark: applications checked per second, and the cost of loading and compiling a matter.

    python bench/bench_check.py [--n 2000] [--matter ID ...] [--seed 1]

For each matter it generates N random applications from the matter's declared facts and
materials (valid by construction, checked by the application schema), then times:

  load      reading, validating, parsing and type-checking the YAML (with its includes)
  compile   lowering the conditions into durable-rules rules
  register  registering the ruleset with durable-rules (on a fresh engine)
  parse     validating and normalising one application
  engine    the durable-rules evaluation alone (all stages)
  check     engine + decision (the full notice object)
  render    check + JSON rendering
  direct    the same conditions evaluated directly in Python (three-valued), for comparison

and prints per-application microseconds, applications per second and ratios.
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

from checker.run.application import parse_application  # noqa: E402
from checker.run.compiler import compile_matter  # noqa: E402
from checker.run.decide import decide  # noqa: E402
from checker.run.engine import Engine  # noqa: E402
from checker.run.evaluate import evaluate  # noqa: E402
from checker.source.loader import load_matter  # noqa: E402
from checker.notice.render import render  # noqa: E402
from bench import pin_to_one_core  # noqa: E402
from floor import direct  # noqa: E402
from generate import random_application  # noqa: E402


def timed(func, repeat: int) -> float:
    """Median seconds of one call over `repeat` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def per_app(func, items) -> float:
    start = time.perf_counter()
    for item in items:
        func(item)
    return (time.perf_counter() - start) / len(items)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="applications per matter")
    ap.add_argument("--matter", nargs="*", help="matter ids (default: all)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    pin_to_one_core()
    paths = sorted((ROOT / "matters").glob("*.yaml"))
    if args.matter:
        paths = [p for p in paths if p.stem in args.matter]
    rng = random.Random(args.seed)
    print(f"{'matter':38} {'rules':>5} {'load ms':>8} {'compile ms':>10} {'register ms':>11}")
    rows = []
    for path in paths:
        matter = load_matter(path, ROOT / "rules")
        load_s = timed(lambda: load_matter(path, ROOT / "rules"), 20)
        compile_s = timed(lambda: compile_matter(matter), 20)
        compiled = compile_matter(matter)

        def register():
            Engine().ruleset("bench", compiled.program)
        register_s = timed(register, 10)
        print(f"{matter.id:38} {len(compiled.rules):5d} {load_s * 1e3:8.2f} {compile_s * 1e3:10.2f} {register_s * 1e3:11.2f}")
        raw = [random_application(rng, matter) for _ in range(args.n)]
        apps = [parse_application(r, matter) for r in raw]
        evaluate(compiled, apps[0])  # register once, outside the timings
        rows.append((matter.id, {
            "parse": per_app(lambda r: parse_application(r, matter), raw),
            "engine": per_app(lambda a: evaluate(compiled, a), apps),
            "check": per_app(lambda a: decide(compiled, a, evaluate(compiled, a)), apps),
            "render": per_app(lambda a: render(decide(compiled, a, evaluate(compiled, a)), "json"), apps),
            "direct": per_app(lambda a: direct(compiled, a), apps),
        }))
    print()
    print(f"{args.n} random applications per matter (seed {args.seed}); µs per application, applications/s")
    print(f"{'matter':38} {'parse':>8} {'engine':>8} {'check':>8} {'render':>8} {'direct':>8} {'check/s':>9} {'engine/direct':>13}")
    for mid, r in rows:
        print(f"{mid:38} {r['parse'] * 1e6:8.0f} {r['engine'] * 1e6:8.0f} {r['check'] * 1e6:8.0f} "
              f"{r['render'] * 1e6:8.0f} {r['direct'] * 1e6:8.0f} {1 / r['check']:9.0f} {r['engine'] / r['direct']:13.1f}")


if __name__ == "__main__":
    main()
