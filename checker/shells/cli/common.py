"""What the commands share: the option types declared once, the choice of library, locality and
office, the error guard that turns input errors into messages and exit codes, and writing output.

Exit codes: 0 ok (acceptable as it is / clean), 1 findings (the notice has something to supply
or the outcome is not acceptance; validation or example problems), 2 unusable input or usage,
3 an internal error of the checker (a bug: please report it).
"""

from __future__ import annotations

import functools
import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from checker.errors import CheckerError, Location, Problem, printable
from checker.notice.render import ALL_FORMATS, BINARY_FORMATS
from checker.run.engine import EngineError
from checker.run.compiler import CompiledMatter
from checker.source.model import Matter
from checker.source.local import Office, choose_locality, load_office
from checker.workspace import Workspace


# the notice's output formats: the renderers' registry (checker/notice/render), not a copy of it
Format = Enum("Format", {name: name for name in ALL_FORMATS}, type=str)


class Lang(str, Enum):
    zh = "zh"
    en = "en"


class ProblemFormat(str, Enum):
    text = "text"
    json = "json"


ROOT_HELP = ("Folder holding matters/ and rules/ (default: $CHECKER_ROOT, else the nearest one above the current "
             "folder, else the library installed with the checker).")
LOCAL_HELP = ("A locality whose rules apply over the national ones: its id (see `checker list --localities`) "
              "or a local settings file (default: $CHECKER_LOCAL; none: the national rules).")
OFFICE_HELP = ("The office's settings file (see examples/office.yaml): its name, address, hours and telephones go "
               "on the notices, and its locality's rules apply (default: $CHECKER_OFFICE).")
DB_HELP = "The register: a SQLite file or a PostgreSQL URL."

# The options and arguments several commands take, declared once (each command gives the default).
RootOption = Annotated[Optional[Path], typer.Option("--root", help=ROOT_HELP)]
LocalOption = Annotated[Optional[str], typer.Option("--local", help=LOCAL_HELP)]
OfficeOption = Annotated[Optional[Path], typer.Option("--office", help=OFFICE_HELP)]
LangOption = Annotated[Lang, typer.Option("--lang", "-l")]
NoticeFormatOption = Annotated[Format, typer.Option("--format", "-f")]
MatterArgument = Annotated[str, typer.Argument(help="Matter id or path to a matter file.")]
ListedMatterArgument = Annotated[str, typer.Argument(help="Matter id (see `checker list`) or a path to a matter file.")]
ApplicationArgument = Annotated[Path, typer.Argument(help="The application, YAML or JSON.")]
DbOption = Annotated[str, typer.Option("--db", help=DB_HELP)]
AbbrOption = Annotated[str, typer.Option("--abbr", help="default: the office's, else X")]
AgencyOption = Annotated[str, typer.Option("--agency")]


def workspace(root: Optional[Path]) -> Workspace:
    """The matter library to use; one that is missing or holds no matters is an error (E025)."""
    return Workspace.find(root)


def local_choice(local: Optional[str]) -> Optional[str]:
    """--local, else $CHECKER_LOCAL: a locality id or a local settings file."""
    if local is not None:
        return local
    return os.environ.get("CHECKER_LOCAL") or None


def office_of(office: Optional[Path], ws: Optional[Workspace]) -> Optional[Office]:
    """--office, else $CHECKER_OFFICE: the office, or None (ws None: its locality is not looked up)."""
    if office is None and os.environ.get("CHECKER_OFFICE"):
        office = Path(os.environ["CHECKER_OFFICE"])
    return load_office(office, ws.root if ws else None) if office is not None else None


def locality(ws: Workspace, local: Optional[str], office: Optional[Office] = None, named: str = "",
             where: Optional[Location] = None) -> Optional[Path]:
    """The locality file that applies (see local.choose_locality)."""
    return choose_locality(ws.root, office=office, local=local_choice(local), application=named, where=where)


def load(ws: Workspace, name: str, local: Optional[str] = None) -> Matter:
    """A matter with the rules of --local's locality (else $CHECKER_LOCAL's) applied."""
    return ws.matter(name, _locality_for(ws, name, local))


def load_compiled(ws: Workspace, name: str, local: Optional[str] = None) -> CompiledMatter:
    """The same, compiled."""
    return ws.compiled(name, _locality_for(ws, name, local))


def _locality_for(ws: Workspace, name: str, local: Optional[str]) -> Optional[Path]:
    ws.matter_path(name)  # an unknown matter is said before an unknown locality
    return locality(ws, local)


def die(problems: list[Problem], code: int = 2) -> None:
    for p in problems:
        typer.echo(str(p), err=True)
    raise typer.Exit(code)


def emit(text: str, output: Optional[Path]) -> None:
    """The text on standard output, or written to `output`."""
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        die([Problem(Location(str(output)), "E004", f"cannot write: {e.strerror}")])


def need_output(fmt: Format, output: Optional[Path]) -> None:
    """A binary format (PDF) is written to a file, never to the terminal: without --output the
    command is refused (E028, exit 2) before any work is done."""
    if fmt.value in BINARY_FORMATS and output is None:
        die([Problem(Location("--format"), "E028", f"a {fmt.value.upper()} is binary: it is written to a file, "
                     "not shown on the terminal", f"add --output FILE.{fmt.value}")])


def emit_notice(notice, fmt: Format, lang: Lang, output: Optional[Path]) -> None:
    """The notice in `fmt` on standard output or in `output` (a binary format in `output` only:
    see need_output)."""
    from checker.notice.render import render, render_bytes
    if fmt.value not in BINARY_FORMATS:
        emit(render(notice, fmt.value, lang.value), output)
        return
    need_output(fmt, output)
    content = render_bytes(notice, fmt.value, lang.value)
    try:
        output.write_bytes(content)
    except OSError as e:
        die([Problem(Location(str(output)), "E004", f"cannot write: {e.strerror}")])


def guarded(func):
    """Turn input errors into messages + exit 2 and engine failures into exit 3, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except CheckerError as e:
            die(e.problems)
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
