"""Mutation testing of the core: one small change at a time, each run against the module's tests.

    python scripts/mutation.py                      # every module in scripts/mutation.toml
    python scripts/mutation.py --module checker/run/decide.py --sample 50 --seed 1
    python scripts/mutation.py --list               # the mutants, without running them
    python scripts/mutation.py --id 'checker/run/decide.py:decide:Lt>LtE:n < 0#0'

Operators (on the module's AST; each mutant rewrites the source text of exactly one site):
comparison flips (< <=, > >=, == !=, in / not in, is / is not), and <-> or, True <-> False,
integer constants +1 and -1, continue <-> break, a statement (expression, assignment, augmented
assignment, raise, if) replaced by `pass`, and `not x` -> `x`. Docstrings, annotations,
`if TYPE_CHECKING:`, `__all__`, `__slots__` (memory only), f-strings, logging calls and cache sizes (`@lru_cache(maxsize=N)`)
are left alone.

A mutant's id is module:enclosing-function:operator:site#n, where site is the source text of the
changed node and n counts equal sites in the same function: it survives edits elsewhere in the file.

Each worker has its own copy of the repository in a temporary folder (the real working tree is never
written); the mutated file is written there, the tests run with `python -m pytest -x` in that copy
(PYTHONPATH pointing at it, so child processes running `python -m checker` see the mutant too), and
the file is restored. A run that exceeds the timeout counts as killed by timeout.

The configuration (scripts/mutation.toml) maps each module to its tests (fast files first, so a
killed mutant ends early) and lists equivalent mutants, each with a reason; they are excluded from
the score. Standard library only; pytest is run as a child process.
"""
from __future__ import annotations

import argparse
import ast
import concurrent.futures
import dataclasses
import hashlib
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(__file__).resolve().parent / "mutation.toml"

COMPARE_FLIPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
                 ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In,
                 ast.Is: ast.IsNot, ast.IsNot: ast.Is}
LOGGERS = {"log", "logger", "logging", "_log", "_logger", "LOG", "LOGGER"}
SITE_MAX = 48


@dataclasses.dataclass
class Mutant:
    id: str
    module: str        # path relative to the root, with /
    line: int
    operator: str
    before: str        # the changed lines, before
    after: str         # and after
    source: str        # the whole mutated module


def _site_text(segment: str) -> str:
    text = " ".join(segment.split())
    if len(text) > SITE_MAX:
        text = text[:40] + "~" + hashlib.sha1(text.encode()).hexdigest()[:6]
    return text


def _is_logging_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    while isinstance(f, ast.Attribute):
        if isinstance(f.value, ast.Name) and f.value.id in LOGGERS:
            return True
        f = f.value
    return False


def _is_cache_decorator(node: ast.AST) -> bool:
    # a cache's size (lru_cache(maxsize=N)) changes what is remembered, never an answer
    f = node.func if isinstance(node, ast.Call) else node
    name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
    return name in ("lru_cache", "cache")


def _is_type_checking(test: ast.AST) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _is_docstring(node: ast.stmt, parent_body: list) -> bool:
    return (parent_body and parent_body[0] is node and isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str))


class _Finder:
    """Walks a module and yields (qualname, node, operator, replacement) for every mutation site."""

    def __init__(self, source: str):
        self.source = source
        self.sites: list[tuple[str, ast.AST, str, str]] = []

    def seg(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or ""

    def add(self, qual: str, node: ast.AST, op: str, replacement: str) -> None:
        self.sites.append((qual, node, op, replacement))

    def expr_replacement(self, new: ast.expr, old: ast.expr) -> str:
        # parenthesised, padded with the newlines the old text had: line numbers below are kept
        return "(" + ast.unparse(new) + "\n" * (old.end_lineno - old.lineno) + ")"

    def stmt_replacement(self, node: ast.stmt) -> str:
        lines = self.source.splitlines(keepends=True)
        rest = lines[node.end_lineno - 1][node.end_col_offset:].strip()
        if not rest or rest.startswith("#"):
            return "pass" + "\n" * (node.end_lineno - node.lineno)
        return "pass"

    def visit_body(self, body: list, qual: str) -> None:
        for stmt in body:
            self.visit_stmt(stmt, body, qual)

    def visit_stmt(self, node: ast.stmt, body: list, qual: str) -> None:
        if _is_docstring(node, body):
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for d in node.decorator_list:
                if not _is_cache_decorator(d):
                    self.visit_expr(d, qual)
            if isinstance(node, ast.ClassDef):
                for b in node.bases + [k.value for k in node.keywords]:
                    self.visit_expr(b, qual)
            else:
                for d in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                    self.visit_expr(d, qual)
            inner = node.name if qual == "<module>" else qual + "." + node.name
            self.visit_body(node.body, inner)
            return
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            return
        if isinstance(node, ast.Expr) and _is_logging_call(node.value):
            return
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id in ("__all__", "__slots__") for t in targets):
                return
        # the statement replaced by pass
        is_elif = isinstance(node, ast.If) and self.source.splitlines()[node.lineno - 1][node.col_offset:].startswith("elif")
        if isinstance(node, (ast.Expr, ast.Assign, ast.AugAssign, ast.Raise)) or \
                (isinstance(node, ast.AnnAssign) and node.value is not None) or \
                (isinstance(node, ast.If) and not is_elif):
            self.add(qual, node, "pass", self.stmt_replacement(node))
        if isinstance(node, ast.Continue):
            self.add(qual, node, "continue>break", "break")
        if isinstance(node, ast.Break):
            self.add(qual, node, "break>continue", "continue")
        # the expressions in the statement, and nested bodies (not what is assigned to)
        assigns = isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.AsyncFor,
                                    ast.With, ast.AsyncWith))
        self.visit_fields(node, qual, ("annotation", "returns", "type_comment") + (("targets", "target") if assigns else ()))

    def visit_fields(self, node: ast.AST, qual: str, skip: tuple[str, ...]) -> None:
        """The expressions and nested bodies of a node, except the fields in `skip`."""
        for field, value in ast.iter_fields(node):
            if field in skip:
                continue
            if isinstance(value, list):
                if value and isinstance(value[0], ast.stmt):
                    self.visit_body(value, qual)
                    continue
                for v in value:
                    if isinstance(v, ast.expr):
                        self.visit_expr(v, qual)
                    elif isinstance(v, (ast.excepthandler, ast.withitem, ast.match_case)):
                        self.visit_fields(v, qual, ("optional_vars", "pattern"))
            elif isinstance(value, ast.expr):
                self.visit_expr(value, qual)

    def visit_expr(self, node: ast.expr, qual: str) -> None:
        if isinstance(node, ast.JoinedStr) or _is_logging_call(node):
            return
        if isinstance(node, ast.Lambda):
            self.visit_expr(node.body, qual)
            return
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                new_op = COMPARE_FLIPS.get(type(op))
                if new_op is None:
                    continue
                new = ast.Compare(left=node.left, ops=list(node.ops), comparators=node.comparators)
                new.ops[i] = new_op()
                name = f"{type(op).__name__}>{new_op.__name__}" + (f"@{i}" if i else "")
                self.add(qual, node, name, self.expr_replacement(new, node))
        elif isinstance(node, ast.BoolOp):
            new_op = ast.Or if isinstance(node.op, ast.And) else ast.And
            new = ast.BoolOp(op=new_op(), values=node.values)
            self.add(qual, node, f"{type(node.op).__name__}>{new_op.__name__}", self.expr_replacement(new, node))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            self.add(qual, node, "not>", self.expr_replacement(node.operand, node))
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            self.add(qual, node, f"{node.value}>{not node.value}", repr(not node.value))
        elif isinstance(node, ast.Constant) and type(node.value) is int:
            self.add(qual, node, "int+1", f"({node.value + 1})")
            self.add(qual, node, "int-1", f"({node.value - 1})")
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.visit_expr(child, qual)
            elif isinstance(child, ast.comprehension):
                for e in [child.iter] + child.ifs:
                    self.visit_expr(e, qual)
            elif isinstance(child, ast.keyword):
                self.visit_expr(child.value, qual)


def _offset(line_starts: list[int], lineno: int, col: int, lines: list[str]) -> int:
    # ast columns are UTF-8 byte offsets
    return line_starts[lineno - 1] + len(lines[lineno - 1].encode()[:col].decode())


def mutants_of(source: str, module: str) -> list[Mutant]:
    """Every mutant of one module's source, in source order, each with its stable id."""
    tree = ast.parse(source)
    finder = _Finder(source)
    finder.visit_body(tree.body, "<module>")
    lines = source.splitlines(keepends=True)
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln))
    seen: dict[str, int] = {}
    out = []
    for qual, node, op, replacement in finder.sites:
        key = f"{module}:{qual}:{op}:{_site_text(finder.seg(node))}"
        n = seen.get(key, 0)
        seen[key] = n + 1
        a = _offset(starts, node.lineno, node.col_offset, lines)
        b = _offset(starts, node.end_lineno, node.end_col_offset, lines)
        mutated = source[:a] + replacement + source[b:]
        first, last = node.lineno - 1, node.end_lineno
        before = "".join(lines[first:last]).rstrip("\n")
        after_lines = mutated.splitlines()[first:first + (last - first)]
        after = "\n".join(after_lines)
        out.append(Mutant(f"{key}#{n}", module, node.lineno, op, before, after, mutated))
    return out


# ------------------------------------------------------------------ configuration

def load_config(path: Path) -> dict:
    """{modules: {path: [tests]}, equivalent: {id: reason}}; every equivalent needs a reason."""
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    modules = {m: list(spec["tests"]) for m, spec in raw.get("modules", {}).items()}
    equivalent = {}
    for e in raw.get("equivalent", []):
        if not str(e.get("reason", "")).strip():
            raise SystemExit(f"{path}: the equivalent mutant {e.get('id')!r} has no reason")
        equivalent[e["id"]] = e["reason"].strip()
    return {"modules": modules, "equivalent": equivalent}


# ------------------------------------------------------------------ running

IGNORE = shutil.ignore_patterns(".git", ".venv*", "__pycache__", ".pytest_cache", ".hypothesis",
                                "build", "dist", "*.egg-info", "out", "mutation-report.md")


def make_copy(root: Path, into: Path) -> Path:
    dest = into / "repo"
    shutil.copytree(root, dest, ignore=IGNORE, symlinks=True)
    return dest


def _env(copy: Path) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(copy) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("PYTEST_ADDOPTS", None)
    return env


def run_tests(copy: Path, tests: list[str], timeout: float | None) -> tuple[str, float, str]:
    """('passed' | 'failed' | 'timeout', seconds, tail of the output)."""
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, cwd=copy, env=_env(copy), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True, text=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return "timeout", time.monotonic() - t0, ""
    status = "passed" if p.returncode == 0 else "failed"
    if p.returncode == 5:
        status = "no tests"
    return status, time.monotonic() - t0, out[-2000:]


def _forget_bytecode(path: Path) -> None:
    # the mutant and the original may have the same size and modification second
    for pyc in (path.parent / "__pycache__").glob(path.stem + ".*.pyc"):
        pyc.unlink()


class Workers:
    """N copies of the repository; each mutant borrows one, writes its file, runs, restores."""

    def __init__(self, root: Path, n: int, tmp: Path):
        self.pool: queue.Queue = queue.Queue()
        self.copies = []
        for i in range(n):
            d = tmp / f"w{i}"
            d.mkdir()
            copy = make_copy(root, d)
            self.copies.append(copy)
            self.pool.put(self.copies[-1])

    def baseline(self, module: str, tests: list[str]) -> tuple[str, float, str]:
        copy = self.pool.get()
        try:
            # the module must be imported from the copy, not from an installed package
            name = module.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
            find = f"import importlib.util; print(importlib.util.find_spec({name!r}).origin)"
            origin = subprocess.run([sys.executable, "-c", find], cwd=copy, env=_env(copy),
                                    capture_output=True, text=True).stdout.strip()
            if Path(origin or "/") != copy / module:
                return f"{name} is imported from {origin or '?'}, not from the copy", 0.0, ""
            return run_tests(copy, tests, None)
        finally:
            self.pool.put(copy)

    def run(self, m: Mutant, tests: list[str], timeout: float) -> tuple[str, float]:
        copy = self.pool.get()
        path = copy / m.module
        original = path.read_bytes()
        try:
            path.write_text(m.source, encoding="utf-8")
            _forget_bytecode(path)
            status, seconds, _ = run_tests(copy, tests, timeout)
        finally:
            path.write_bytes(original)
            _forget_bytecode(path)
            self.pool.put(copy)
        return {"passed": "survived", "failed": "killed"}.get(status, status), seconds


# ------------------------------------------------------------------ report

def report(results: dict, excluded: dict, totals: dict, sampled: bool) -> str:
    out = ["# Mutation testing", ""]
    if sampled:
        out += ["A sample: the figures cover the mutants run, not every mutant of each module.", ""]
    out += ["| module | mutants | run | killed | timed out | survived | excluded | score |",
            "|---|---|---|---|---|---|---|---|"]
    for module in totals:
        rs = results.get(module, [])
        k = sum(1 for _, s in rs if s == "killed")
        t = sum(1 for _, s in rs if s == "timeout")
        s = sum(1 for _, st in rs if st == "survived")
        e = len(excluded.get(module, []))
        score = f"{100 * (k + t) / (k + t + s):.1f}%" if k + t + s else "-"
        out.append(f"| {module} | {totals[module]} | {len(rs)} | {k} | {t} | {s} | {e} | {score} |")
    out.append("")
    out.append("Score: (killed + timed out) / run. Equivalent mutants (excluded) are never run; "
               "a sample runs only part of the rest.")
    survivors = [(m, s) for rs in results.values() for m, s in rs if s not in ("killed", "timeout")]
    if survivors:
        out += ["", "## Survivors", ""]
        for m, s in survivors:
            note = "" if s == "survived" else f" ({s})"
            out.append(f"- `{m.id}` line {m.line}{note}")
            out.append("  ```")
            out += ["  - " + ln for ln in m.before.splitlines()]
            out += ["  + " + ln for ln in m.after.splitlines()]
            out.append("  ```")
    if any(excluded.values()):
        out += ["", "## Excluded (equivalent)", ""]
        for module, items in excluded.items():
            for m, reason in items:
                out.append(f"- `{m.id}` line {m.line}: {reason}")
    return "\n".join(out) + "\n"


def survivors_of(report: str) -> list[str]:
    """The ids listed under "## Survivors" in a report."""
    out, inside = [], False
    for line in report.splitlines():
        if line.startswith("## "):
            inside = line == "## Survivors"
        elif inside and line.startswith("- `"):
            out.append(line[3:line.index("`", 3)])
    return out


# ------------------------------------------------------------------ main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    ap.add_argument("--config", type=Path, default=None, help="default: scripts/mutation.toml under the root")
    ap.add_argument("--module", action="append", default=[], help="only this module (repeatable)")
    ap.add_argument("--id", action="append", default=[], help="only this mutant (repeatable)")
    ap.add_argument("--rerun", type=Path, help="only the survivors of an earlier report (after tests were added)")
    ap.add_argument("--sample", type=int, help="run N mutants picked at random (with --seed)")
    ap.add_argument("--fraction", type=float, help="run this fraction of the mutants, picked at random")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--timeout-factor", type=float, default=3.0,
                    help="a mutant times out after factor x the unmutated run + 10 s")
    ap.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    ap.add_argument("--report", type=Path, default=None, help="default: mutation-report.md under the root")
    a = ap.parse_args(argv)

    root = a.root.resolve()
    config = load_config(a.config or root / "scripts" / "mutation.toml")
    modules = config["modules"]
    for m in a.module:
        if m not in modules:
            ap.error(f"{m} is not in the configuration; known: {', '.join(modules)}")
    chosen = a.module or list(modules)

    every: dict[str, list[Mutant]] = {}
    for module in chosen:
        every[module] = mutants_of((root / module).read_text(encoding="utf-8"), module)
    all_ids = {m.id for ms in every.values() for m in ms}
    unknown = [i for i in config["equivalent"] if i not in all_ids and i.split(":")[0] in every]
    for i in unknown:
        print(f"warning: the equivalent mutant {i} no longer exists (its code changed?)", file=sys.stderr)
    excluded = {mod: [(m, config["equivalent"][m.id]) for m in ms if m.id in config["equivalent"]]
                for mod, ms in every.items()}
    candidates = [m for ms in every.values() for m in ms if m.id not in config["equivalent"]]
    if a.rerun is not None:
        a.id = a.id + survivors_of(a.rerun.read_text(encoding="utf-8"))
        gone = [i for i in a.id if i not in all_ids]
        for i in gone:  # its code changed or went away since that report
            print(f"note: {i} is no longer a mutant of the current code", file=sys.stderr)
        a.id = [i for i in a.id if i in all_ids and i not in config["equivalent"]]
        if not a.id:
            print("no survivor of that report is left to run", file=sys.stderr)
            return 0
    if a.id:
        missing = set(a.id) - {m.id for m in candidates}
        if missing:
            ap.error("no such mutant (or it is marked equivalent): " + ", ".join(sorted(missing)))
        candidates = [m for m in candidates if m.id in set(a.id)]
    sampled = False
    if a.sample is not None or a.fraction is not None:
        k = a.sample if a.sample is not None else round(a.fraction * len(candidates))
        rng = random.Random(a.seed)
        picked = {id(m) for m in rng.sample(candidates, min(k, len(candidates)))}
        candidates = [m for m in candidates if id(m) in picked]
        sampled = True

    if a.list:
        for m in candidates:
            print(f"{m.id}\tline {m.line}")
        for items in excluded.values():
            for m, reason in items:
                print(f"{m.id}\tline {m.line}\tequivalent: {reason}")
        return 0

    totals = {mod: len(ms) for mod, ms in every.items()}
    results: dict[str, list[tuple[Mutant, str]]] = {mod: [] for mod in chosen}
    workers = max(1, min(a.workers, len(candidates) or 1))
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        pool = Workers(root, workers, Path(tmp))
        timeouts = {}
        for module in chosen:
            if not any(m.module == module for m in candidates):
                continue
            status, seconds, out = pool.baseline(module, modules[module])
            if status != "passed":
                print(f"{module}: the tests fail without any mutant ({status}); skipped\n{out}", file=sys.stderr)
                continue
            timeouts[module] = a.timeout_factor * seconds + 10
            print(f"{module}: {sum(m.module == module for m in candidates)} mutants, "
                  f"tests take {seconds:.1f} s unmutated", flush=True)
        todo = [m for m in candidates if m.module in timeouts]
        done = 0
        with concurrent.futures.ThreadPoolExecutor(workers) as ex:
            futures = {ex.submit(pool.run, m, modules[m.module], timeouts[m.module]): m for m in todo}
            for f in concurrent.futures.as_completed(futures):
                m = futures[f]
                status, seconds = f.result()
                results[m.module].append((m, status))
                done += 1
                print(f"[{done}/{len(todo)}] {status:8} {seconds:5.1f}s {m.id}", flush=True)
    order = {m.id: i for i, m in enumerate(candidates)}
    for rs in results.values():
        rs.sort(key=lambda r: order[r[0].id])
    text = report(results, excluded, totals, sampled)
    print()
    print(text)
    path = a.report or root / "mutation-report.md"
    path.write_text(text, encoding="utf-8")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
