"""Benchmark: batch screening throughput and peak memory as the batch grows.

    python bench/bench_screen.py [--sizes 10000 100000] [--seed 1]

For each size it writes a JSON Lines batch of random applications over every matter (mixed, as a
hall receives them), then runs `checker screen --summary-only` on it in a fresh process on one
core, and prints applications per second and the process's peak resident memory (it must not
grow with the size: the batch is streamed). One size also runs with notices written to disk.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import random_application  # noqa: E402
from checker.source.loader import load_matter  # noqa: E402


def write_batch(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    matters = [load_matter(p, ROOT / "rules") for p in sorted((ROOT / "matters").glob("*.yaml"))]
    samples = {m.id: [random_application(rng, m) for _ in range(200)] for m in matters}
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            m = matters[i % len(matters)]
            app = dict(samples[m.id][rng.randrange(200)], matter=m.id, reference=f"R{i}")
            f.write(json.dumps(app, ensure_ascii=False) + "\n")


def _hwm_kb(pid: int) -> int:
    """The peak resident memory (VmHWM) of a running process, in KiB; 0 once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def run(batch: Path, out: Path, notices: bool) -> tuple[float, int]:
    """Seconds and peak memory (KiB) of `checker screen` on `batch`. The peak is read from the
    child's /proc status while it runs (every 20 ms): getrusage's ru_maxrss survives exec, so it
    would report this process's own peak for a small child."""
    cmd = [sys.executable, "-m", "checker", "screen", str(batch), "--out", str(out), "--root", str(ROOT)]
    if not notices:
        cmd.append("--summary-only")
    start = time.perf_counter()
    proc = subprocess.Popen(["taskset", "-c", "0", *cmd] if Path("/usr/bin/taskset").exists() else cmd,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak_kb = 0
    while proc.poll() is None:
        peak_kb = max(peak_kb, _hwm_kb(proc.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if proc.returncode > 1:
        sys.exit(f"checker screen failed with exit code {proc.returncode}")
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
                elapsed, peak = run(batch, Path(tmp) / f"out{n}{notices}", notices)
                print(f"{n:12d} {'yes' if notices else 'no':>8} {elapsed:9.1f} {n / elapsed:8.0f} {peak / 1024:8.1f}")
            batch.unlink()


if __name__ == "__main__":
    main()
