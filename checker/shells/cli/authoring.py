"""The commands for rule authors: validate, test, fmt, rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from checker.errors import Location, Problem, printable
from checker.shells.cli.common import (LocalOption, ProblemFormat, RootOption, die, guarded, load_compiled, locality,
                                       workspace)


@guarded
def validate(paths: list[Path] = typer.Argument(None, help="Matter, rule-set, local or office files or folders (default: matters/, rules/, local/)."),
             fmt: ProblemFormat = typer.Option(ProblemFormat.text, "--format", "-f", help="text, or json for editors and CI"),
             select: Optional[str] = typer.Option(None, "--select", help="Only these codes or prefixes, e.g. W,M004"),
             ignore: Optional[str] = typer.Option(None, "--ignore", help="Not these codes or prefixes, e.g. W001"),
             no_lint: bool = typer.Option(False, "--no-lint", help="Schema and semantic checks only, no W warnings"),
             root: RootOption = None) -> None:
    """Check rule files as code: schema, facts, conditions, types, IDs, examples, and lint warnings
    (see `checker rule`). Exit 0 clean, 1 problems."""
    from checker.tools.validate import codes, selected, validate as run_validate
    report = run_validate(workspace(root), paths, lint=not no_lint)
    problems = selected(report.problems, codes(select), codes(ignore))
    if fmt is ProblemFormat.json:
        typer.echo(json.dumps({"files": len(report.files), "problems": [p.to_dict() for p in problems]},
                              ensure_ascii=False, indent=2))
    else:
        for p in problems:
            typer.echo(str(p))
        inferred = report.inferred
        typer.echo(f"{len(report.files)} file(s) checked, {len(problems)} problem(s)"
                   + (f"; {len(inferred)} item(s) no source states, cited as inferred (see `checker show MATTER --sources`)"
                      if inferred else ""), err=True)
    raise typer.Exit(1 if problems else 0)


@guarded
def rule(code: Optional[str] = typer.Argument(None, help="A problem code such as W002; none lists them all.")) -> None:
    """Explain a problem code, with a bad and a good example (like `ruff rule`)."""
    from checker.errors import suggest
    from checker.codes import CODES, describe
    if code is None:
        for c in CODES.values():
            typer.echo(f"{c.code}  {c.name:28} {c.severity:8} {c.summary}")
        return
    found = CODES.get(code.upper())
    if found is None:
        close = suggest(code.upper(), list(CODES))
        die([Problem(Location(code), "E021", f"no problem code '{code}'",
                     f"did you mean {close}?" if close else "run `checker rule` for the list")])
    typer.echo(describe(found))


@guarded
def test_examples(paths: list[str] = typer.Argument(None, help="Matter ids, matter files or case files (default: every matter and tests/cases/*.yaml)."),
                  fail_under: float = typer.Option(0.0, "--fail-under", help="Exit 1 if rule coverage is below this percentage."),
                  local: LocalOption = None,
                  root: RootOption = None) -> None:
    """Run the examples in matter files and case files; report failures as diffs and rule coverage
    (rules, conditional materials, alternatives and derived facts no example exercises).
    Exit 0 all pass (and coverage is met), 1 otherwise."""
    from checker.tools.testing import (bundle_coverage, bundle_suites, coverage, example_suites, run_bundle_examples,
                                       run_examples)
    ws = workspace(root)
    failed = total = 0
    covered = items = 0
    uncovered: list[str] = []
    for key in bundle_suites(ws, paths):
        bundle, results = run_bundle_examples(ws, key, locality(ws, local))
        failed += _failures(bundle.id, results)
        total += len(results)
        cov = bundle_coverage(bundle, results)
        covered, items = covered + cov.covered, items + len(cov.items)
        typer.echo(f"{bundle.id:38} {len(results):3d} examples  coverage {cov.percent:5.1f}% "
                   f"({cov.covered}/{len(cov.items)})")
        uncovered += [f"{bundle.id}: {k}" for k in cov.missing()]
    for key, extra in example_suites(ws, paths).items():
        compiled = load_compiled(ws, key, local)
        results = run_examples(compiled) + run_examples(compiled, extra)
        failed += _failures(compiled.matter.id, results)
        total += len(results)
        cov = coverage(compiled, results)
        covered, items = covered + cov.covered, items + len(cov.items)
        both = sum(cov.both_ways.values())
        typer.echo(f"{compiled.matter.id:38} {len(results):3d} examples  coverage {cov.percent:5.1f}% "
                   f"({cov.covered}/{len(cov.items)}), conditions seen both ways {both}/{len(cov.both_ways)}")
        uncovered += [f"{compiled.matter.id}: {k}" for k in cov.missing()]
    percent = 100.0 * covered / items if items else 100.0
    for u in uncovered:
        typer.echo(f"  not covered: {u}")
    typer.echo(f"rule coverage {percent:.1f}% ({covered}/{items})")
    typer.echo(f"{total - failed} passed, {failed} failed")
    raise typer.Exit(1 if failed or percent < fail_under else 0)


def _failures(name: str, results) -> int:
    """Print each failed example with its differences; how many failed."""
    failed = [r for r in results if not r.passed]
    for r in failed:
        typer.echo(f"FAIL {r.example.location}: {name}: {r.example.name}")
        for d in r.differences:
            typer.echo("     " + d.replace("\n", "\n     "))
    return len(failed)


@guarded
def fmt(paths: list[Path] = typer.Argument(None, help="Rule files or folders (default: matters/, rules/, local/)."),
        check_only: bool = typer.Option(False, "--check", help="Exit 1 if a file would change; write nothing."),
        root: RootOption = None) -> None:
    """Rewrite rule files in the canonical key order and style, keeping comments."""
    from checker.tools.fmt import FormatError, format_file
    ws = workspace(root)
    files: list[Path] = [] if paths else ws.rule_files()
    for p in paths or []:
        if p.is_dir():
            files += sorted(p.glob("*.yaml"))
        elif p.exists():
            files.append(p)
        else:
            die([Problem(Location(str(p)), "E001", "no such file or folder")])
    changed = []
    for f in files:
        try:
            original, formatted = format_file(f)
        except (FormatError, ValueError) as e:
            die([Problem(Location(str(f)), "E016", f"cannot format: {e}")])
        if formatted != original:
            changed.append(f)
            if not check_only:
                f.write_text(formatted, encoding="utf-8")
    for f in changed:
        typer.echo(f"{'would reformat' if check_only else 'reformatted'} {printable(str(f))}")
    typer.echo(f"{len(files)} file(s), {len(changed)} {'would change' if check_only else 'changed'}", err=True)
    raise typer.Exit(1 if check_only and changed else 0)
