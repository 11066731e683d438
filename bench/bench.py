"""The benchmark of record: every figure the hardening issue asks for, in one run.

    python bench/bench.py [--n 20000] [--sizes 10000 100000 1000000] [--seed 1]

1. Throughput on one core (the process pins itself to the first CPU it may use), over N applications drawn from
   every matter of the library in random order (mixed, as a service hall receives them):
     engine   the durable-rules evaluation of already-parsed applications
     direct   the same conditions computed by the Python function generated from them
              (checker/run/pygen.py, over the engine's input: the floor; bench/floor.py compares it)
     check    engine + decision: the notice object
     full     parsing and validating the raw application + check + JSON rendering
   with applications per second and the ratio engine / direct.
2. Loading and compiling the whole library, and registering it with the engine, in a fresh process.
3. The cold start of `checker check` on the shipped example: a new process that imports, loads one
   matter and prints a notice (median of 5).
4. Peak resident memory while one process checks 10k, 100k and 1M applications (parse, engine,
   decision; each notice dropped once made): it must not grow with the count.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

EXAMPLE = ["individual-business-registration", "examples/individual-business-leased-agent.yaml"]


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def library() -> list:
    """Every matter of the library, loaded and compiled."""
    from checker.run.compiler import compile_matter
    from checker.source.loader import load_matter
    return [compile_matter(load_matter(p, ROOT / "rules")) for p in sorted((ROOT / "matters").glob("*.yaml"))]


def samples(compiled: list, per_matter: int, seed: int) -> dict[str, list[dict]]:
    from generate import random_application
    rng = random.Random(seed)
    return {c.matter.id: [random_application(rng, c.matter) for _ in range(per_matter)] for c in compiled}


def rate(func, items, repeat: int = 3) -> float:
    """Best seconds per item over `repeat` passes (the least disturbed pass)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            func(*item)
        best = min(best, (time.perf_counter() - start) / len(items))
    return best


def throughput(n: int, seed: int) -> None:
    from checker.run.application import parse_application
    from checker.run.decide import decide
    from checker.run.evaluate import evaluate
    from checker.notice.render import render
    from floor import direct  # imports checker: only here, so that the library child times the imports
    compiled = library()
    pool = samples(compiled, 200, seed)
    rng = random.Random(seed)
    raw = []
    for _ in range(n):
        c = rng.choice(compiled)
        raw.append((c, rng.choice(pool[c.matter.id])))
    parsed = [(c, parse_application(r, c.matter)) for c, r in raw]
    for c in compiled:  # register every ruleset, and generate every function, outside the timings
        evaluate(c, app := parse_application(pool[c.matter.id][0], c.matter))
        direct(c, app)

    def full(c, r):
        render(decide(c, app := parse_application(r, c.matter), evaluate(c, app)), "json")

    figures = {
        "engine": rate(evaluate, parsed),
        "direct": rate(direct, parsed),
        "check": rate(lambda c, a: decide(c, a, evaluate(c, a)), parsed),
        "full": rate(full, raw),
    }
    print(f"1. Throughput on one core: {n:,} applications over {len(compiled)} matters, mixed (seed {seed})")
    print(f"   {'':8} {'µs/app':>8} {'apps/s':>9}")
    for name, secs in figures.items():
        print(f"   {name:8} {secs * 1e6:8.1f} {1 / secs:9,.0f}")
    print(f"   engine / direct = {figures['engine'] / figures['direct']:.2f}")


def library_child() -> None:
    """Run in a fresh process: import, load, compile and register the whole library."""
    t0 = time.perf_counter()
    from checker.run.compiler import compile_matter
    from checker.run.evaluate import ruleset_for
    from checker.source.loader import load_matter
    t1 = time.perf_counter()
    matters = [load_matter(p, ROOT / "rules") for p in sorted((ROOT / "matters").glob("*.yaml"))]
    t2 = time.perf_counter()
    compiled = [compile_matter(m) for m in matters]
    t3 = time.perf_counter()
    for c in compiled:
        ruleset_for(c)
    t4 = time.perf_counter()
    print(json.dumps({"matters": len(matters), "rules": sum(len(c.rules) for c in compiled),
                      "import": t1 - t0, "load": t2 - t1, "compile": t3 - t2, "register": t4 - t3}))


def memory_child(sizes: list[int], seed: int) -> None:
    """Run in a fresh process: check max(sizes) applications, reporting peak RSS at each size."""
    from checker.run.application import parse_application
    from checker.run.decide import decide
    from checker.run.evaluate import evaluate
    compiled = library()
    pool = samples(compiled, 200, seed)
    rng = random.Random(seed)
    start = time.perf_counter()
    checkpoints = sorted(sizes)
    for i in range(1, checkpoints[-1] + 1):
        c = compiled[rng.randrange(len(compiled))]
        app = parse_application(pool[c.matter.id][rng.randrange(200)], c.matter)
        decide(c, app, evaluate(c, app))
        if i == checkpoints[0]:
            checkpoints.pop(0)
            print(json.dumps({"n": i, "seconds": time.perf_counter() - start, "peak_mb": peak_rss_mb()}),
                  flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident memory. Read from /proc (VmHWM) where there is one: getrusage's
    ru_maxrss survives exec, so a child would report its parent's peak (measured: the benchmark's
    own 110 MB) rather than its own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000, help="applications in the throughput run")
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                    help="application counts at which peak memory is reported")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--child", choices=["library", "memory"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    pin_to_one_core()
    if args.child == "library":
        return library_child()
    if args.child == "memory":
        return memory_child(args.sizes, args.seed)

    throughput(args.n, args.seed)

    runs = [json.loads(child(["--child", "library"]).stdout) for _ in range(3)]
    best = {k: min(r[k] for r in runs) for k in ("import", "load", "compile", "register")}
    print(f"\n2. The whole library ({runs[0]['matters']} matters, {runs[0]['rules']} engine rules), "
          "in a fresh process (best of 3)")
    for k, v in best.items():
        print(f"   {k:9} {v * 1e3:8.1f} ms")
    print(f"   {'total':9} {sum(best.values()) * 1e3:8.1f} ms")

    times = []
    for _ in range(5):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "checker", "check", *EXAMPLE], cwd=ROOT,
                              capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode > 1:
            sys.exit(f"checker check failed: {done.stderr}")
    print(f"\n3. Cold start of `checker check {' '.join(EXAMPLE)}`: median {statistics.median(times):.3f} s, "
          f"min {min(times):.3f} s (5 runs)")

    print(f"\n4. Peak memory of one process checking {max(args.sizes):,} applications (mixed)")
    print(f"   {'applications':>12} {'seconds':>9} {'apps/s':>8} {'peak MB':>8}")
    proc = subprocess.Popen([sys.executable, __file__, "--child", "memory", "--seed", str(args.seed),
                             "--sizes", *map(str, args.sizes)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        r = json.loads(line)
        print(f"   {r['n']:12,} {r['seconds']:9.1f} {r['n'] / r['seconds']:8,.0f} {r['peak_mb']:8.1f}", flush=True)
    if proc.wait():
        sys.exit("the memory run failed")


if __name__ == "__main__":
    main()
