"""Benchmark: `checker screen` and `checker serve` with one worker process and with two.

    python bench/bench_workers.py [--size 4000] [--rounds 5] [--seconds 8] [--only screen|serve]
                                  [--modes notices "summary only" register]

Screening: batches of generated applications (bench/generate.py) of one matter (as the issue
measured it) and of every matter mixed, screened by `checker screen` in a fresh process with
`--workers 1` and `--workers 2` in turn (interleaved rounds: the machine's other load falls on both
alike), with notices written, summary only, and numbered in a SQLite register. The first round
also checks that both wrote the same files byte for byte. Serving: `checker serve --workers 1` and
`--workers 2` in turn, each loaded for SECONDS by a small asyncio client (keep-alive connections,
CONCURRENCY at a time, each for PER_CONNECTION requests, in this process: it uses some of the same
cores) posting generated applications to the JSON API. Medians, the spread (lowest-highest) and the ratio of medians.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
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

IB = "individual-business-registration"
CONCURRENCY = 16
PER_CONNECTION = 20


def write_batch(path: Path, n: int, seed: int, only: str | None) -> None:
    rng = random.Random(seed)
    files = [ROOT / "matters" / f"{only}.yaml"] if only else sorted((ROOT / "matters").glob("*.yaml"))
    matters = [load_matter(p, ROOT / "rules") for p in files]
    samples = {m.id: [random_application(rng, m) for _ in range(200)] for m in matters}
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            m = matters[i % len(matters)]
            f.write(json.dumps(dict(samples[m.id][rng.randrange(200)], matter=m.id, reference=f"R{i}"),
                               ensure_ascii=False) + "\n")


def screen_once(batch: Path, out: Path, workers: int, mode: str) -> float:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "checker", "screen", str(batch), "--out", str(out), "--root", str(ROOT),
           "--workers", str(workers)]
    if mode == "summary only":
        cmd.append("--summary-only")
    elif mode == "register":
        cmd += ["--db", str(out.parent / f"{out.name}.sqlite"), "--abbr", "X"]
        Path(out.parent / f"{out.name}.sqlite").unlink(missing_ok=True)
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode > 1:
        sys.exit(f"checker screen failed ({done.returncode}): {done.stderr}")
    return elapsed


def same_files(a: Path, b: Path) -> bool:
    def files(root: Path) -> dict:
        return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    return files(a) == files(b)


def spread(xs: list[float]) -> str:
    return f"{min(xs):.2f}-{max(xs):.2f}"


MODES = ("notices", "summary only", "register")


def bench_screen(size: int, rounds: int, tmp: Path, modes: list[str]) -> None:
    print(f"checker screen, {size} generated applications, {rounds} interleaved rounds (seconds, whole command)")
    print(f"{'batch':<12} {'mode':<13} {'1 worker':>9} {'spread':>11} {'2 workers':>10} {'spread':>11} {'speed-up':>9} {'same':>5}")
    for name, only in (("one matter", IB), ("all matters", None)):
        batch = tmp / f"{name.replace(' ', '-')}.jsonl"
        write_batch(batch, size, 1, only)
        for mode in modes:
            times: dict[int, list[float]] = {1: [], 2: []}
            same = True
            for r in range(rounds):
                for w in ((1, 2) if r % 2 == 0 else (2, 1)):
                    times[w].append(screen_once(batch, tmp / f"out{w}", w, mode))
                if r == 0 and mode != "summary only":
                    same = same_files(tmp / "out1", tmp / "out2")
            one, two = statistics.median(times[1]), statistics.median(times[2])
            print(f"{name:<12} {mode:<13} {one:9.2f} {spread(times[1]):>11} {two:10.2f} {spread(times[2]):>11} "
                  f"{one / two:8.2f}x {'yes' if same else 'NO':>5}", flush=True)


async def load(host: str, port: int, bodies: list[bytes], seconds: float) -> tuple[int, int]:
    """Requests answered (and how many were not 200) in `seconds`, CONCURRENCY connections at a time."""
    done, bad = 0, 0
    stop = time.monotonic() + seconds

    async def client(k: int) -> None:
        nonlocal done, bad
        i = k
        while time.monotonic() < stop:
            # a connection serves PER_CONNECTION requests, then a new one is opened (as browsers
            # and proxies do): whichever worker process accepts it takes them
            reader, writer = await asyncio.open_connection(host, port)
            for _ in range(PER_CONNECTION):
                if time.monotonic() >= stop:
                    break
                body = bodies[i % len(bodies)]
                i += CONCURRENCY
                writer.write(f"POST /api/matters/{IB}/check HTTP/1.1\r\nHost: {host}\r\n"
                             f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
                await reader.readexactly(length)
                done += 1
                bad += not head.startswith(b"HTTP/1.1 200")
            writer.close()
    await asyncio.gather(*(client(k) for k in range(CONCURRENCY)))
    return done, bad


def serve_once(workers: int, bodies: list[bytes], seconds: float, tmp: Path) -> float:
    log = tmp / f"serve{workers}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--root", str(ROOT), "--port", "0",
                                 "--workers", str(workers)], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        for _ in range(600):
            text = log.read_text("utf-8", "replace")
            found = re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", text)
            if found and len(re.findall(r"Application startup complete|Started server process", text)) >= workers:
                break
            time.sleep(0.1)
        port = int(found.group(1))
        asyncio.run(load("127.0.0.1", port, bodies[:50], 1.0))  # every worker compiles its matter first
        done, bad = asyncio.run(load("127.0.0.1", port, bodies, seconds))
        if bad:
            sys.exit(f"{bad} answers were not 200")
        return done / seconds
    finally:
        proc.terminate()
        proc.wait(30)


def bench_serve(rounds: int, seconds: float, tmp: Path) -> None:
    rng = random.Random(2)
    matter = load_matter(ROOT / "matters" / f"{IB}.yaml", ROOT / "rules")
    bodies = [json.dumps(random_application(rng, matter), ensure_ascii=False).encode() for _ in range(500)]
    print(f"\nchecker serve, POST /api/matters/{IB}/check, {CONCURRENCY} keep-alive connections at a time "
          f"({PER_CONNECTION} requests each), "
          f"{seconds:g} s per run, {rounds} interleaved rounds (requests per second)")
    rates: dict[int, list[float]] = {1: [], 2: []}
    for r in range(rounds):
        for w in ((1, 2) if r % 2 == 0 else (2, 1)):
            rates[w].append(serve_once(w, bodies, seconds, tmp))
    one, two = statistics.median(rates[1]), statistics.median(rates[2])
    print(f"{'1 worker':>10} {one:8.0f} ({min(rates[1]):.0f}-{max(rates[1]):.0f})   "
          f"{'2 workers':>10} {two:8.0f} ({min(rates[2]):.0f}-{max(rates[2]):.0f})   speed-up {two / one:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=4000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--only", choices=("screen", "serve"))
    ap.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    args = ap.parse_args()
    print(f"cores available: {len(os.sched_getaffinity(0))}; load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        if args.only != "serve":
            bench_screen(args.size, args.rounds, Path(tmp), args.modes)
        if args.only != "screen":
            bench_serve(args.rounds, args.seconds, Path(tmp))
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
