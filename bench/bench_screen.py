"""Benchmark: batch screening throughput and peak memory as the batch grows.

    python bench/bench_screen.py [--sizes 10000 100000 1000000] [--seed 1]

For each size it writes a JSON Lines batch of random applications over every matter (mixed, as a
hall receives them), then runs `checker screen --summary-only` on it in a fresh process on one
core, and prints applications per second and the process's peak resident memory (it must not
grow with the size: the batch is streamed). One size also runs with notices written to disk.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import random_application  # noqa: E402
from checker.loader import load_matter  # noqa: E402


def write_batch(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    matters = [load_matter(p, ROOT / "rules") for p in sorted((ROOT / "matters").glob("*.yaml"))]
    samples = {m.id: [random_application(rng, m) for _ in range(200)] for m in matters}
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            m = matters[i % len(matters)]
            app = dict(samples[m.id][rng.randrange(200)], matter=m.id, reference=f"R{i}")
            f.write(json.dumps(app, ensure_ascii=False) + "\n")


def run(batch: Path, out: Path, notices: bool) -> tuple[float, int]:
    cmd = [sys.executable, "-m", "checker", "screen", str(batch), "--out", str(out), "--root", str(ROOT)]
    if not notices:
        cmd.append("--summary-only")
    start = time.perf_counter()
    subprocess.run(["taskset", "-c", "0", *cmd] if Path("/usr/bin/taskset").exists() else cmd,
                   check=False, capture_output=True)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(f"{'applications':>12} {'notices':>8} {'seconds':>9} {'apps/s':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for i, n in enumerate(args.sizes):
            batch = Path(tmp) / f"batch{n}.jsonl"
            write_batch(batch, n, args.seed)
            for notices in ((True, False) if i == 0 else (False,)):
                # ru_maxrss of children is the largest child so far: run the sizes in rising order
                elapsed, peak = run(batch, Path(tmp) / f"out{n}{notices}", notices)
                print(f"{n:12d} {'yes' if notices else 'no':>8} {elapsed:9.1f} {n / elapsed:8.0f} {peak / 1024:8.1f}")
            batch.unlink()


if __name__ == "__main__":
    main()
