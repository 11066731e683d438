"""The command line: `checker list | show | check | validate | schema | test`.

Exit codes: 0 ok (acceptable as it is / clean), 1 findings (the notice has something to supply
or the outcome is not acceptance; validation or example problems), 2 unusable input or usage,
3 an internal error of the checker (a bug: please report it).
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from checker.run.application import application_schema
from checker.run.engine import EngineError
from checker import __version__
from checker.errors import CheckerError, Location, Problem, printable
from checker.source.loader import load_matter, load_ruleset_file
from checker.workspace import Workspace
from checker.source.model import Matter

app = typer.Typer(no_args_is_help=True,
                  help="Check government-service applications against YAML rule sets and issue the one-time notice (一次性告知书).")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"gov-checker {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")) -> None:
    pass


class Format(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class ShowFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"
    mermaid = "mermaid"
    svg = "svg"


class ProblemFormat(str, Enum):
    text = "text"
    json = "json"


class ListFormat(str, Enum):
    table = "table"
    json = "json"


ROOT_HELP = ("Folder holding matters/ and rules/ (default: $CHECKER_ROOT, else the nearest one above the current "
             "folder, else the library installed with the checker).")
LOCAL_HELP = ("A locality whose rules apply over the national ones: its id (see `checker list --localities`) "
              "or a local settings file (default: $CHECKER_LOCAL; none: the national rules).")
OFFICE_HELP = ("The office's settings file (see examples/office.yaml): its name, address, hours and telephones go "
               "on the notices, and its locality's rules apply (default: $CHECKER_OFFICE).")


def _local(local: Optional[str]) -> Optional[str]:
    """--local, else $CHECKER_LOCAL: a locality id or a local settings file."""
    if local is not None:
        return local
    return os.environ.get("CHECKER_LOCAL") or None


def _office(office: Optional[Path], root: Optional[Path]):
    """--office, else $CHECKER_OFFICE: the office, or None (root None: its locality is not looked up)."""
    from checker.source.local import load_office
    if office is None and os.environ.get("CHECKER_OFFICE"):
        office = Path(os.environ["CHECKER_OFFICE"])
    return load_office(office, root) if office is not None else None


def _locality(root: Path, local: Optional[str], office=None, named: str = "", where=None) -> Optional[Path]:
    """The locality file that applies (see local.choose_locality)."""
    from checker.source.local import choose_locality
    return choose_locality(root, office=office, local=_local(local), application=named, where=where)


def _root(root: Optional[Path]) -> Path:
    """The matter library to use; one that is missing or holds no matters is an error (E025)."""
    return Workspace.find(root).root


def _die(problems: list[Problem], code: int = 2) -> None:
    for p in problems:
        typer.echo(str(p), err=True)
    raise typer.Exit(code)


def _matter_path(name: str, root: Path) -> Path:
    p = Path(name)
    if p.suffix in (".yaml", ".yml") or p.exists():
        if not p.exists():
            _die([Problem(Location(name), "E001", "matter file not found")])
        return p  # whatever it is, the reader says if it is not a regular file
    candidate = root / "matters" / f"{name}.yaml"
    if candidate.exists():
        return candidate
    known = sorted(q.stem for q in (root / "matters").glob("*.yaml"))
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else "run `checker list` to see the matters"
    _die([Problem(Location(name), "E020", f"unknown matter '{name}' in {root / 'matters'}", hint)])
    raise AssertionError  # unreachable


def _load(name: str, root: Path, local: Optional[str] = None, *, chosen: Optional[Path] = None) -> Matter:
    """A matter with the locality's rules applied: `chosen` (a file already chosen) or --local."""
    try:
        return load_matter(_matter_path(name, root), root / "rules", chosen or _locality(root, local))
    except CheckerError as e:
        _die(e.problems)
        raise


def _guarded(func):
    """Turn input errors into messages + exit 2 and engine failures into exit 3, never a traceback."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except CheckerError as e:
            _die(e.problems)
        except EngineError as e:
            typer.echo(f"internal error in the rules engine: {printable(str(e))}", err=True)
            raise typer.Exit(3)
        except BrokenPipeError:
            raise typer.Exit(0)
        except (typer.Exit, typer.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:  # a bug: say so in one line; CHECKER_DEBUG=1 shows the traceback
            if os.environ.get("CHECKER_DEBUG"):
                raise
            typer.echo(f"internal error: {type(e).__name__}: {printable(str(e))} (set CHECKER_DEBUG=1 for the traceback; "
                       "please report it)", err=True)
            raise typer.Exit(3)
    return wrapper


@app.command("list")
@_guarded
def list_matters(fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f"),
                 localities: bool = typer.Option(False, "--localities", help="The localities instead: each one's id, name and the matters whose rules it changes."),
                 root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """The matters (事项) in matters/ (or, with --localities, the localities in local/)."""
    base = _root(root)
    if localities:
        _list_localities(base, fmt)
        return
    rows, problems = [], []
    for path in sorted((base / "matters").glob("*.yaml")):
        try:
            m = load_matter(path, base / "rules")
        except CheckerError as e:
            problems += e.problems
            continue
        rows.append({"id": m.id, "name": m.name, "code": m.code, "department": m.department,
                     "type": m.type, "materials": len(m.materials), "rules": len(m.rules),
                     "examples": len(m.examples)})
    if fmt is ListFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        width = max([len(r["id"]) for r in rows] + [2])
        typer.echo(f"{'ID'.ljust(width)}  {'CODE'.ljust(14)}  MATERIALS  NAME")
        for r in rows:
            typer.echo(f"{r['id'].ljust(width)}  {(r['code'] or '-').ljust(14)}  {str(r['materials']).rjust(9)}  "
                       f"{r['name']['zh']} / {r['name']['en']}")
    if problems:
        _die(problems, 1)


def _list_localities(base: Path, fmt: ListFormat) -> None:
    from checker.source.local import localities
    from checker.source.yamlsource import load_file
    rows = []
    for name in localities(base):
        data = load_file(base / "local" / f"{name}.yaml").data
        data = data if isinstance(data, dict) else {}
        rows.append({"id": name, "name": data.get("name"), "part_of": data.get("part_of"),
                     "matters": sorted(data.get("matters") or {})})
    if fmt is ListFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max([len(r["id"]) for r in rows] + [2])
    typer.echo(f"{'ID'.ljust(width)}  NAME  (IN)  MATTERS")
    for r in rows:
        name = r["name"] if isinstance(r["name"], dict) else {}
        within = f" (in {r['part_of']})" if r["part_of"] else ""
        typer.echo(printable(f"{r['id'].ljust(width)}  {name.get('zh', '?')} / {name.get('en', '?')}{within}  "
                             f"{', '.join(r['matters']) or '-'}"))


@app.command()
@_guarded
def show(matter: str = typer.Argument(..., help="Matter id (see `checker list`) or a path to a matter file."),
         fmt: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f",
                                        help="text, markdown (with a Mermaid flow chart), html (with an SVG flow chart), json, or the flow chart alone: mermaid, svg"),
         lang: Lang = typer.Option(Lang.zh, "--lang", "-l"),
         output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file."),
         local: Optional[str] = typer.Option(None, "--local", help=LOCAL_HELP),
         sources: bool = typer.Option(False, "--sources", help="Where each rule, material and parameter comes from (for auditors)."),
         notes: bool = typer.Option(False, "--notes", help="With the authors' notes and confidence marks (for rule authors)."),
         root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """A matter's conditions, materials and processing flow, as a guide a person can read (with
    --local, as that locality publishes it)."""
    from checker.describe import flow
    from checker.describe import guide
    m = _load(matter, _root(root), local)
    if sources:
        _emit(guide.sources_text(m), output)
        return
    text = {
        ShowFormat.text: lambda: guide.guide_text(m, lang.value, notes=notes),
        ShowFormat.markdown: lambda: guide.guide_markdown(m, lang.value, notes=notes),
        ShowFormat.html: lambda: guide.guide_html(m, lang.value, notes=notes),
        ShowFormat.json: lambda: guide.guide_json(m),
        ShowFormat.mermaid: lambda: flow.mermaid(m, lang.value),
        ShowFormat.svg: lambda: flow.svg(m, lang.value),
    }[fmt]()
    _emit(text, output)


def _emit(text: str, output: Optional[Path]) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        _die([Problem(Location(str(output)), "E004", f"cannot write: {e.strerror}")])


@app.command()
@_guarded
def check(matter: str = typer.Argument(..., help="Matter id or path to a matter file."),
          application: Path = typer.Argument(..., help="The application, YAML or JSON."),
          fmt: Format = typer.Option(Format.text, "--format", "-f"),
          lang: Lang = typer.Option(Lang.zh, "--lang", "-l"),
          output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the notice to this file."),
          local: Optional[str] = typer.Option(None, "--local", help=LOCAL_HELP),
          office: Optional[Path] = typer.Option(None, "--office", help=OFFICE_HELP),
          root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """The one-time notice for an application. Exit 0: acceptable as it is; 1: see the notice."""
    from checker.run.compiler import compile_matter
    from checker.notice.render import render
    from checker.service import check as run_check
    base = _root(root)
    the_office = _office(office, base)
    m, app_ = _matter_and_application(matter, application, base, local, the_office)
    notice = run_check(compile_matter(m), app_, office=the_office)
    _emit(render(notice, fmt.value, lang.value), output)
    raise typer.Exit(0 if notice.acceptable else 1)


def _matter_and_application(matter: str, application: Path, base: Path, local: Optional[str], office=None):
    """The matter under the locality that applies to this application (the office's or --local's,
    which the application may name but not contradict; else the one it names), and the application."""
    from checker.run.application import parse_application
    from checker.source.yamlsource import load_file
    doc = load_file(application)
    named = doc.data.get("locality") if isinstance(doc.data, dict) else None
    named = named if isinstance(named, str) else ""
    m = _load(matter, base, chosen=_locality(base, local, office, named, doc.where(("locality",)) if named else None))
    return m, parse_application(doc.data, m, doc)


def _codes(text: Optional[str]) -> set[str]:
    """'W001,M0' -> codes or code prefixes."""
    return {c.strip().upper() for c in (text or "").split(",") if c.strip()}


def _chosen(code: str, select: set[str], ignore: set[str]) -> bool:
    if select and not any(code.startswith(s) for s in select):
        return False
    return not any(code.startswith(i) for i in ignore)


@app.command()
@_guarded
def ask(matter: str = typer.Argument(..., help="Matter id (see `checker list`) or a path to a matter file."),
        lang: Lang = typer.Option(Lang.zh, "--lang", "-l"),
        resume: Optional[Path] = typer.Option(None, "--resume", help="Continue from a saved answers file."),
        save: Optional[Path] = typer.Option(None, "--save", help="Where to save the answers (default: MATTER-answers.yaml)."),
        on: Optional[str] = typer.Option(None, "--date", help="The application date, YYYY-MM-DD (default: today)."),
        local: Optional[str] = typer.Option(None, "--local", help=LOCAL_HELP),
        root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """A guided interview: only the questions that can still change the result, then what to bring
    (or why the application cannot succeed). The answers are saved as an application file."""
    import datetime

    from checker.run.application import load_application
    from checker.run.compiler import compile_matter
    from checker.lang.functions import date_fault
    from checker.shells.terminal import interview
    compiled = compile_matter(_load(matter, _root(root), local))
    answers: dict = {}
    if resume is not None:
        app_ = load_application(resume, compiled.matter)
        answers = {k: v for k, v in app_.facts.items() if v is not None}
        on = on or app_.date
    on = on or datetime.date.today().isoformat()
    fault = date_fault(on)
    if fault:
        _die([Problem(Location("--date"), "A003" if fault == "not a real date" else "A005",
                      f"'{on}' is {fault}", "write YYYY-MM-DD")])
    target = save or Path(f"{compiled.matter.id}-answers.yaml")
    try:
        interview(compiled, answers, on, lang.value, target)
    except OSError as e:
        _die([Problem(Location(str(target)), "E004", f"cannot write: {e.strerror}")])


@app.command()
@_guarded
def screen(source: Path = typer.Argument(..., help="A folder of application files, a .jsonl file or a .csv file (columns: see the README)."),
           matter: Optional[str] = typer.Option(None, "--matter", "-m", help="The matter of records that name none."),
           out: Path = typer.Option(Path("screening"), "--out", "-o", help="Folder for the notices and the summary."),
           lang: Lang = typer.Option(Lang.zh, "--lang", "-l"),
           db: Optional[str] = typer.Option(None, "--db", help="The register of notices: a SQLite file or a PostgreSQL URL."),
           agency: str = typer.Option("", "--agency", help="The agency's name, for the register (default: the office's)."),
           abbr: str = typer.Option("", "--abbr", help="The agency's abbreviation in document numbers, e.g. 西市监 (default: the office's, else X)."),
           notices: bool = typer.Option(True, "--notices/--summary-only", help="Write each notice, or only the summary."),
           follow_links: bool = typer.Option(False, "--follow-links", help="Read links in the SOURCE folder that point outside it (not followed by default)."),
           local: Optional[str] = typer.Option(None, "--local", help=LOCAL_HELP),
           office: Optional[Path] = typer.Option(None, "--office", help=OFFICE_HELP),
           root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """Pre-screen a batch: a notice per application (HTML and JSON), a summary (CSV, HTML), and with
    --db numbered notices in a register. Exit 0 all acceptable, 1 findings or unusable records."""
    from checker.shells.privacy import mask_id
    from checker.shells.register import RegisterError
    from checker.shells.screen import Screener, read, screen as run_screen
    base = _root(root)
    the_office = _office(office, base)
    _locality(base, local, the_office)  # an unknown locality, or two choices, refused before any record
    if not source.exists():
        _die([Problem(Location(str(source)), "E001", "no such file or folder")])
    agency, abbr = _agency(agency, abbr, the_office)
    screener = Screener(base, matter, None if the_office else _local(local), the_office)
    try:
        out.mkdir(parents=True, exist_ok=True)  # a register file may live in the output folder
        (out / "notices").mkdir(exist_ok=True)
    except OSError as e:
        what = "is a file, not a folder" if isinstance(e, FileExistsError) else f"cannot be created: {e.strerror}"
        _die([Problem(Location(str(e.filename or out)), "E004", f"the output folder {what}",
                      "give --out a folder (it is created if missing)")])
    hooks = _RegisterHook(db, agency, abbr) if db else None
    problems = 0  # counted, not kept: a batch of millions must not grow in memory

    def problem(p: Problem) -> None:
        nonlocal problems
        problems += 1
        typer.echo(mask_id(str(p)), err=True)  # this output is a batch log: no full ID numbers

    try:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        bar = Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       transient=True, disable=not sys.stderr.isatty())
    except ImportError:  # pragma: no cover - rich comes with typer
        bar = None
    try:
        if bar is not None:
            with bar:
                task = bar.add_task("screen", total=None)
                summary = run_screen(read(source, follow_links), screener, out, lang.value,
                                     on_notice=hooks, on_problem=problem, progress=lambda: bar.advance(task),
                                     write_notices=notices)
        else:
            summary = run_screen(read(source, follow_links), screener, out, lang.value,
                                 on_notice=hooks, on_problem=problem, write_notices=notices)
    except RegisterError as e:  # an operational error: stop at once, and say how far the run got
        for p in e.problems:
            typer.echo(mask_id(str(p)), err=True)
        done = (f"{hooks.numbered} notice(s) numbered in this run, the last {hooks.last}" if hooks.numbered
                else "no notice numbered in this run")
        typer.echo(f"stopped: the register was lost at {mask_id(str(hooks.at))}; {done}. Run the same "
                   "command again once the register is back: notices already numbered keep their numbers.",
                   err=True)
        raise typer.Exit(2)
    typer.echo(printable(f"{summary.line()}; notices in {out / 'notices'}, summary in {out / 'summary.html'}"))
    accepted = sum(c.get("accept", 0) for c in summary.outcomes.values())
    raise typer.Exit(0 if not problems and accepted == summary.total else 1)


def _numbered(notice, number: str, earlier: str):
    """The notice with its document number (and the number it supersedes), as the register keeps it."""
    notice.number, notice.supersedes = number, earlier
    return notice


class _RegisterHook:
    """The register's numbering and deadlines for each notice (see register.py, workdays.py),
    counting what this run numbered so that a run stopped by a lost register can say so."""

    def __init__(self, db: str, agency: str, abbr: str):
        from checker.shells.register import Register
        self.register = Register(db, agency, abbr)
        self.numbered, self.last, self.at = 0, "", None

    def __call__(self, record, compiled, notice) -> None:
        from checker.shells.register import KIND_WORD
        from checker.notice.render import render
        self.at = record.where
        if notice.outcome not in KIND_WORD:  # questions before a decision: no notice of the agency
            return
        d = notice.deadline
        due = d.get("notice_by") or d.get("supply_by") or d.get("decision_by")
        applicant = notice.application.get("applicant") or {}
        entry = self.register.issue(matter=compiled.matter.id, kind=notice.outcome, application_key=record.key,
                                    application_digest=notice.application_sha256,
                                    application_date=notice.application["date"], outcome=notice.outcome,
                                    notice_json=lambda number, earlier: render(_numbered(notice, number, earlier), "json"),
                                    deadline=due,
                                    applicant=applicant.get("name", ""), applicant_id=applicant.get("id_number", ""),
                                    locality=notice.locality.get("id", ""))
        notice.number, notice.supersedes = entry.number, entry.supersedes or ""
        self.numbered, self.last = self.numbered + 1, entry.number


@app.command()
@_guarded
def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
          port: int = typer.Option(8000, "--port", min=0, max=65535),
          max_connections: Optional[int] = typer.Option(None, "--max-connections", min=1,
                                                        help="Connections open at once (default 1000); past it the longest-idle one is closed."),
          request_timeout: Optional[float] = typer.Option(None, "--request-timeout", min=0.1,
                                                          help="Seconds a client has to send a whole request (default 10)."),
          local: Optional[str] = typer.Option(None, "--local", help=LOCAL_HELP),
          office: Optional[Path] = typer.Option(None, "--office", help=OFFICE_HELP),
          root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """The self-check web pages and the JSON API (/api/matters, /api/openapi.json). Stores nothing."""
    from checker.shells.web import serve as run
    base = _root(root)  # a missing or empty root is refused before anything is announced
    the_office = _office(office, base)
    _locality(base, local, the_office)  # an unknown locality, or two choices, refused before serving
    if not _loopback(host):
        typer.echo(f"warning: listening on {printable(host)}, not only on this machine: the self-check has no "
                   "login, and anyone who can reach this address on the network can use it "
                   "(put it behind a reverse proxy with access control, or use --host 127.0.0.1)", err=True)
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address in a URL
    typer.echo(f"serving http://{printable(shown)}:{port}/ (Ctrl-C to stop)", err=True)
    limits = {k: v for k, v in (("max_connections", max_connections), ("request_timeout", request_timeout))
              if v is not None}  # the defaults live in web.py
    run(base, host=host, port=port, local=_local(local), office=the_office, **limits)


def _loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress
    if host.strip().lower().rstrip(".") in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


@app.command()
@_guarded
def explain(matter: str = typer.Argument(..., help="Matter id or path to a matter file."),
            application: Path = typer.Argument(..., help="The application, YAML or JSON."),
            fmt: ProblemFormat = typer.Option(ProblemFormat.text, "--format", "-f", help="text or json"),
            lang: Lang = typer.Option(Lang.en, "--lang", "-l"),
            local: Optional[str] = typer.Option(None, "--local", help=LOCAL_HELP),
            root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """The trace of an evaluation: which rules fired, in order, with the facts that made each fire and
    the values derived; and for each condition that did not hold, why not."""
    from checker.describe import explain as ex
    from checker.run.compiler import compile_matter
    from checker.run.evaluate import evaluate
    m, app_ = _matter_and_application(matter, application, _root(root), local)
    compiled = compile_matter(m)
    data = ex.trace(compiled, app_, evaluate(compiled, app_), lang.value)
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2) if fmt is ProblemFormat.json else ex.render(data),
               nl=fmt is ProblemFormat.json)


@app.command()
@_guarded
def validate(paths: list[Path] = typer.Argument(None, help="Matter, rule-set, local or office files or folders (default: matters/, rules/, local/)."),
             fmt: ProblemFormat = typer.Option(ProblemFormat.text, "--format", "-f", help="text, or json for editors and CI"),
             select: Optional[str] = typer.Option(None, "--select", help="Only these codes or prefixes, e.g. W,M004"),
             ignore: Optional[str] = typer.Option(None, "--ignore", help="Not these codes or prefixes, e.g. W001"),
             no_lint: bool = typer.Option(False, "--no-lint", help="Schema and semantic checks only, no W warnings"),
             root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """Check rule files as code: schema, facts, conditions, types, IDs, examples, and lint warnings
    (see `checker rule`). Exit 0 clean, 1 problems."""
    from checker.run.application import parse_application
    from checker.run.compiler import compile_matter
    from checker.tools.lint import lint
    from checker.source.local import load_office
    from checker.source.model import cite_kind
    base = _root(root)
    files: list[Path] = []
    for p in paths or [base / "matters", base / "rules", base / "local"]:
        if not paths and not p.exists():
            continue
        if p.is_dir():
            files += sorted(p.glob("*.yaml")) + sorted(p.glob("*.yml"))
        elif p.exists():  # a FIFO or a device too: the reader refuses it with its own message
            files.append(p)
        else:
            _die([Problem(Location(str(p)), "E001", "no such file or folder")])
    problems: list[Problem] = []
    inferred: set[tuple[str, str]] = set()  # (file, item) cited as inferred, for the summary
    for f in files:
        if f.parent.name not in ("matters", "rules", "local") and _is_office(f):
            try:
                load_office(f, base)
            except CheckerError as e:
                problems += e.problems
            continue
        if f.parent.name == "rules":
            problems += load_ruleset_file(f)
            continue
        if f.parent.name == "local":
            problems += _local_problems(f, base)
            continue
        try:
            sibling = f.resolve().parent.parent / "rules"
            m = load_matter(f, sibling if sibling.is_dir() else base / "rules")
        except CheckerError as e:
            problems += e.problems
            continue
        for ex in m.examples:
            try:
                parse_application(ex.application, m, where=ex.location)
            except CheckerError as e:
                problems += [Problem(ex.location, p.code, f"example '{ex.name}': {p.message}", p.hint)
                             for p in e.problems]
        try:  # within the engine's limits (engine.LIMITS), as compiled
            compile_matter(m)
        except CheckerError as e:
            problems += e.problems
        if not no_lint:
            problems += lint(m)
        items = [*m.rules, *m.materials, *m.parameters.values(), *m.derived.values()]
        inferred |= {(i.location.file if i.location else "", getattr(i, "id", None) or i.name)
                     for i in items if cite_kind(i.cite) == "inferred"}
    chosen, skip = _codes(select), _codes(ignore)
    problems = [p for p in sorted(set(problems)) if _chosen(p.code, chosen, skip)]
    if fmt is ProblemFormat.json:
        typer.echo(json.dumps({"files": len(files), "problems": [p.to_dict() for p in problems]},
                              ensure_ascii=False, indent=2))
    else:
        for p in problems:
            typer.echo(str(p))
        typer.echo(f"{len(files)} file(s) checked, {len(problems)} problem(s)"
                   + (f"; {len(inferred)} item(s) no source states, cited as inferred (see `checker show MATTER --sources`)"
                      if inferred else ""), err=True)
    raise typer.Exit(1 if problems else 0)


def _is_office(path: Path) -> bool:
    """Whether a file outside matters/, rules/ and local/ is an office file (its first key is office)."""
    from checker.source.yamlsource import load_file
    try:
        data = load_file(path).data
    except CheckerError:
        return False
    return isinstance(data, dict) and "office" in data


@app.command()
@_guarded
def rule(code: Optional[str] = typer.Argument(None, help="A problem code such as W002; none lists them all.")) -> None:
    """Explain a problem code, with a bad and a good example (like `ruff rule`)."""
    from checker.tools.codes import CODES, describe
    if code is None:
        for c in CODES.values():
            typer.echo(f"{c.code}  {c.name:28} {c.severity:8} {c.summary}")
        return
    found = CODES.get(code.upper())
    if found is None:
        close = difflib.get_close_matches(code.upper(), list(CODES), n=1)
        _die([Problem(Location(code), "E021", f"no problem code '{code}'",
                      f"did you mean {close[0]}?" if close else "run `checker rule` for the list")])
    typer.echo(describe(found))


def _local_problems(path: Path, base: Path) -> list[Problem]:
    """A local settings file checked against every matter it names."""
    from checker.source.yamlsource import load_file
    from checker.source.loader import schema_problems
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
        matter_file = base / "matters" / f"{matter_id}.yaml"
        if not matter_file.is_file():
            problems.append(Problem(doc.where(("matters", matter_id), key=True), "L004",
                                    f"no matter '{matter_id}'", "see `checker list`"))
            continue
        try:
            load_matter(matter_file, base / "rules", path)
        except CheckerError as e:
            problems += [p for p in e.problems if p.location.file == str(path)]
    return problems


@app.command()
@_guarded
def schema(matter: str = typer.Argument(..., help="Matter id or path to a matter file."),
           root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """The JSON Schema of a valid application for a matter."""
    m = _load(matter, _root(root))
    typer.echo(json.dumps(application_schema(m), ensure_ascii=False, indent=2))


@app.command("test")
@_guarded
def test_examples(paths: list[str] = typer.Argument(None, help="Matter ids, matter files or case files (default: every matter and tests/cases/*.yaml)."),
                  fail_under: float = typer.Option(0.0, "--fail-under", help="Exit 1 if rule coverage is below this percentage."),
                  local: Optional[str] = typer.Option(None, "--local", help=LOCAL_HELP),
                  root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """Run the examples in matter files and case files; report failures as diffs and rule coverage
    (rules, conditional materials, alternatives and derived facts no example exercises).
    Exit 0 all pass (and coverage is met), 1 otherwise."""
    from checker.run.compiler import compile_matter
    from checker.tools.testing import coverage, load_cases, run_examples
    base = _root(root)
    if not paths:
        paths = [p.stem for p in sorted((base / "matters").glob("*.yaml"))]
        paths += [str(p) for p in sorted((base / "tests" / "cases").glob("*.yaml"))]
    suites: dict[str, list] = {}  # matter id -> extra examples from case files
    order: list[str] = []
    for item in paths:
        p = Path(item)
        if p.is_file() and p.parent.name != "matters":
            matter_id, examples = load_cases(p)
            suites.setdefault(matter_id, []).extend(examples)
            if matter_id not in order:
                order.append(matter_id)
            continue
        key = str(p) if p.suffix in (".yaml", ".yml") else item
        suites.setdefault(key, [])
        if key not in order:
            order.append(key)
    failed = total = 0
    covered = items = 0
    uncovered: list[str] = []
    for key in order:
        compiled = compile_matter(_load(key, base, local))
        results = run_examples(compiled) + run_examples(compiled, suites[key])
        for r in results:
            total += 1
            if r.passed:
                continue
            failed += 1
            typer.echo(f"FAIL {r.example.location}: {compiled.matter.id}: {r.example.name}")
            for d in r.differences:
                typer.echo("     " + d.replace("\n", "\n     "))
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


@app.command()
@_guarded
def fmt(paths: list[Path] = typer.Argument(None, help="Rule files or folders (default: matters/, rules/, local/)."),
        check_only: bool = typer.Option(False, "--check", help="Exit 1 if a file would change; write nothing."),
        root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """Rewrite rule files in the canonical key order and style, keeping comments."""
    from checker.tools.fmt import FormatError, format_file
    base = _root(root)
    files: list[Path] = []
    for p in paths or [base / "matters", base / "rules", base / "local"]:
        if p.is_dir():
            files += sorted(p.glob("*.yaml"))
        elif p.exists():
            files.append(p)
        elif paths:
            _die([Problem(Location(str(p)), "E001", "no such file or folder")])
    changed = []
    for f in files:
        try:
            original, formatted = format_file(f)
        except (FormatError, ValueError) as e:
            _die([Problem(Location(str(f)), "E016", f"cannot format: {e}")])
        if formatted != original:
            changed.append(f)
            if not check_only:
                f.write_text(formatted, encoding="utf-8")
    for f in changed:
        typer.echo(f"{'would reformat' if check_only else 'reformatted'} {printable(str(f))}")
    typer.echo(f"{len(files)} file(s), {len(changed)} {'would change' if check_only else 'changed'}", err=True)
    raise typer.Exit(1 if check_only and changed else 0)


@app.command()
@_guarded
def docs(output: Path = typer.Option(Path("docs/matters.md"), "--output", "-o",
                                     help="The catalogue file (relative to the root)."),
         check_only: bool = typer.Option(False, "--check", help="Exit 1 if the file is out of date instead of writing it."),
         root: Optional[Path] = typer.Option(None, "--root", help=ROOT_HELP)) -> None:
    """Generate the catalogue of all matters (docs/matters.md), both languages."""
    from checker.describe.guide import catalogue_markdown
    base = _root(root)
    problems: list[Problem] = []
    matters = []
    for path in sorted((base / "matters").glob("*.yaml")):
        try:
            matters.append(load_matter(path, base / "rules"))
        except CheckerError as e:
            problems += e.problems
    if problems:
        _die(problems)
    text = catalogue_markdown(matters)
    target = output if output.is_absolute() else base / output
    if check_only:
        current = target.read_text("utf-8") if target.is_file() else ""
        if current != text:
            typer.echo(f"{printable(str(target))} is out of date: run `checker docs`", err=True)
            raise typer.Exit(1)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    _emit(text, target)
    typer.echo(f"wrote {printable(str(target))} ({len(matters)} matters)", err=True)


register_app = typer.Typer(help="The register of issued notices: what was told to whom, and when.",
                            no_args_is_help=True)
app.add_typer(register_app, name="register")
DB_HELP = "The register: a SQLite file or a PostgreSQL URL."


def _agency(agency: str, abbr: str, office) -> tuple[str, str]:
    """The register's agency and abbreviation: --agency/--abbr, else the office's, else X."""
    if office is not None:
        agency, abbr = agency or office.name["zh"], abbr or office.abbr
    abbr = abbr or "X"
    return agency or abbr, abbr


def _open_register(db: str, agency: str, abbr: str, office: Optional[Path] = None):
    """The register of the agency named by --agency/--abbr, else by the office (--office,
    $CHECKER_OFFICE), else of the agency X."""
    from checker.shells.register import Register
    return Register(db, *_agency(agency, abbr, _office(office, None)))


def _entry_line(e) -> str:
    sup = f"  (supersedes {e.supersedes})" if e.supersedes else ""
    return printable(f"{e.number}  {e.application_date}  {e.matter:38} {e.outcome:12} {e.status:8} "
                     f"due {e.deadline or '-':10}  {e.application_key}{sup}")


@register_app.command("list")
@_guarded
def register_list(db: str = typer.Option(..., "--db", help=DB_HELP),
                  abbr: str = typer.Option("", "--abbr", help="default: the office's, else X"), agency: str = typer.Option("", "--agency"),
                  office: Optional[Path] = typer.Option(None, "--office", help=OFFICE_HELP),
                  matter: Optional[str] = typer.Option(None, "--matter"),
                  outcome: Optional[str] = typer.Option(None, "--outcome"),
                  year: Optional[int] = typer.Option(None, "--year"),
                  status: Optional[str] = typer.Option(None, "--status", help="open, supplied or closed"),
                  limit: int = typer.Option(100, "--limit")) -> None:
    """The notices issued, newest first."""
    with _open_register(db, agency, abbr, office) as reg:
        try:
            entries = reg.list(matter, outcome, year, limit, status=status)
        except ValueError as e:
            _die([Problem(Location("--status"), "E023", str(e))])
        for e in entries:
            typer.echo(_entry_line(e))


@register_app.command("show")
@_guarded
def register_show(key: str = typer.Argument(..., help="A document number, or a submission's key (MATTER/REFERENCE) for its history."),
                  db: str = typer.Option(..., "--db", help=DB_HELP),
                  abbr: str = typer.Option("", "--abbr", help="default: the office's, else X"), agency: str = typer.Option("", "--agency"),
                  office: Optional[Path] = typer.Option(None, "--office", help=OFFICE_HELP),
                  fmt: Format = typer.Option(Format.text, "--format", "-f"),
                  lang: Lang = typer.Option(Lang.zh, "--lang", "-l")) -> None:
    """One notice as it was issued (or a submission's history of notices)."""
    with _open_register(db, agency, abbr, office) as reg:
        entry = reg.show(key)
        if entry is None:
            history = reg.find(key)
            if not history:
                _die([Problem(Location(key), "E023", "no notice with that number or key",
                              "see `checker register list`")])
            for e in history:
                typer.echo(_entry_line(e))
            return
    if fmt is Format.json:
        typer.echo(entry.notice_json, nl=False)
        return
    typer.echo(_entry_line(entry))
    typer.echo(printable(f"issued at {entry.issued_at} (UTC); applicant {entry.applicant or '-'}; "
                         f"rules of {entry.locality or 'the nation (no locality)'}"))


@register_app.command("supplied")
@_guarded
def register_supplied(number: str = typer.Argument(...), db: str = typer.Option(..., "--db", help=DB_HELP),
                      abbr: str = typer.Option("", "--abbr", help="default: the office's, else X"), agency: str = typer.Option("", "--agency"),
                      office: Optional[Path] = typer.Option(None, "--office", help=OFFICE_HELP)) -> None:
    """Record that what an open notice waited for (corrections, deferred materials) was supplied."""
    with _open_register(db, agency, abbr, office) as reg:
        typer.echo(_entry_line(reg.mark_supplied(number)))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
