"""Rule files checked as code, every kind of them: matters (schema, facts, conditions, types, IDs,
examples, the engine's limits, and lint warnings), rule sets, localities (against every matter
they name) and office files — what `checker validate` reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checker.errors import CheckerError, Location, Problem
from checker.workspace import SUFFIXES, Workspace


@dataclass
class Report:
    files: list[Path]
    problems: list[Problem]
    inferred: set[tuple[str, str]] = field(default_factory=set)  # (file, item) cited as inferred


def rule_files(ws: Workspace, paths: list[Path] | None) -> list[Path]:
    """The files to check: each file given, the rule files of each folder given, else every rule
    file of the library. A path that does not exist is E001."""
    if not paths:
        return ws.rule_files()
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files += [q for suffix in SUFFIXES for q in sorted(p.glob(f"*{suffix}"))]
        elif p.exists():  # a FIFO or a device too: the reader refuses it with its own message
            files.append(p)
        else:
            raise CheckerError(Problem(Location(str(p)), "E001", "no such file or folder"))
    return files


def validate(ws: Workspace, paths: list[Path] | None = None, *, lint: bool = True) -> Report:
    """Every problem of the files (see rule_files), each kind checked as its folder says; a file
    outside matters/, rules/ and local/ is an office file if its first key is `office`, else a matter."""
    from checker.source.loader import load_ruleset_file
    from checker.source.local import load_office
    files = rule_files(ws, paths)
    report = Report(files, [])
    for f in files:
        kind = ws.kind_of(f)
        if kind is None and is_office(f):
            try:
                load_office(f, ws.root)
            except CheckerError as e:
                report.problems += e.problems
        elif kind == "ruleset":
            report.problems += load_ruleset_file(f)
        elif kind == "local":
            report.problems += local_problems(ws, f)
        elif kind == "bundle":
            report.problems += bundle_problems(ws, f)
        else:
            _matter_problems(ws, f, report, lint)
    report.problems = sorted(set(report.problems))
    return report


def bundle_problems(ws: Workspace, f: Path) -> list[Problem]:
    """A bundle's problems: its file, its members as the bundle uses them, its examples' applications."""
    from checker.run.event import parse_event
    from checker.source.bundle import load_bundle
    try:
        b = load_bundle(f, lambda mid: ws.matter(mid))
    except CheckerError as e:
        return list(e.problems)
    problems = []
    for ex in b.examples:
        try:
            parse_event(b, ex.application, where=ex.location)
        except CheckerError as e:
            problems += [Problem(ex.location, p.code, f"example '{ex.name}': {p.message}", p.hint) for p in e.problems]
    return problems


def _matter_problems(ws: Workspace, f: Path, report: Report, lint: bool) -> None:
    from checker.run.application import parse_application
    from checker.run.compiler import compile_matter
    from checker.source.loader import load_matter
    from checker.source.model import cite_kind
    from checker.tools.lint import lint as lint_matter
    try:
        sibling = f.resolve().parent.parent / "rules"
        m = load_matter(f, sibling if sibling.is_dir() else ws.rules)
    except CheckerError as e:
        report.problems += e.problems
        return
    for ex in m.examples:
        try:
            parse_application(ex.application, m, where=ex.location)
        except CheckerError as e:
            report.problems += [Problem(ex.location, p.code, f"example '{ex.name}': {p.message}", p.hint)
                                for p in e.problems]
    try:  # within the engine's limits (engine.LIMITS), as compiled
        compile_matter(m)
    except CheckerError as e:
        report.problems += e.problems
    if lint:
        report.problems += lint_matter(m)
    items = [*m.rules, *m.materials, *m.parameters.values(), *m.derived.values()]
    report.inferred |= {(i.location.file if i.location else "", getattr(i, "id", None) or i.name)
                        for i in items if cite_kind(i.cite) == "inferred"}


def local_problems(ws: Workspace, path: Path) -> list[Problem]:
    """A local settings file checked against its schema and against every matter it names."""
    from checker.source.loader import schema_problems
    from checker.source.yamlsource import load_file
    try:
        doc = load_file(path)
    except CheckerError as e:
        return e.problems
    if not isinstance(doc.data, dict):
        return [Problem(doc.where(()), "S002", "a local file must be a mapping")]
    found = schema_problems(doc, "local")
    if found:
        return found
    problems = []
    for matter_id in doc.data["matters"]:
        if not ws.knows(matter_id):
            problems.append(Problem(doc.where(("matters", matter_id), key=True), "L004",
                                    f"no matter '{matter_id}'", "see `checker list`"))
            continue
        try:
            ws.matter(matter_id, path)
        except CheckerError as e:
            problems += [p for p in e.problems if p.location.file == str(path)]
    return problems


def is_office(path: Path) -> bool:
    """Whether a file outside matters/, rules/ and local/ is an office file (its first key is office)."""
    from checker.source.yamlsource import load_file
    try:
        data = load_file(path).data
    except CheckerError:
        return False
    return isinstance(data, dict) and "office" in data


def codes(text: str | None) -> set[str]:
    """'W001,M0' -> codes or code prefixes."""
    return {c.strip().upper() for c in (text or "").split(",") if c.strip()}


def selected(problems: list[Problem], select: set[str], ignore: set[str]) -> list[Problem]:
    """The problems whose codes start with one of `select` (all if empty) and with none of `ignore`."""
    return [p for p in problems
            if (not select or any(p.code.startswith(s) for s in select))
            and not any(p.code.startswith(i) for i in ignore)]
