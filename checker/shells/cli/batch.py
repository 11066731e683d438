"""The commands for an office: screen (a batch of applications), serve (the web pages and the API),
and the register of issued notices (register list, show, supplied)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from checker.errors import Location, Problem, printable
from checker.shells.cli.common import (AbbrOption, AgencyOption, DbOption, Format, Lang, LangOption, LocalOption,
                                       NoticeFormatOption, OfficeOption, RootOption, die, guarded, local_choice,
                                       locality, office_of, workspace)


@guarded
def screen(source: Path = typer.Argument(..., help="A folder of application files, a .jsonl file, or a .csv or .xlsx file (its columns: `checker template MATTER`)."),
           matter: Optional[str] = typer.Option(None, "--matter", "-m", help="The matter of records that name none."),
           out: Path = typer.Option(Path("screening"), "--out", "-o", help="Folder for the notices and the summary."),
           lang: LangOption = Lang.zh,
           db: Optional[str] = typer.Option(None, "--db", help="The register of notices: a SQLite file or a PostgreSQL URL."),
           agency: str = typer.Option("", "--agency", help="The agency's name, for the register (default: the office's)."),
           abbr: str = typer.Option("", "--abbr", help="The agency's abbreviation in document numbers, e.g. 西市监 (default: the office's, else X)."),
           notices: bool = typer.Option(True, "--notices/--summary-only", help="Write each notice, or only the summary."),
           follow_links: bool = typer.Option(False, "--follow-links", help="Read links in the SOURCE folder that point outside it (not followed by default)."),
           local: LocalOption = None,
           office: OfficeOption = None,
           root: RootOption = None) -> None:
    """Pre-screen a batch: a notice per application (HTML and JSON), a summary (CSV, HTML), and with
    --db numbered notices in a register. Exit 0 all acceptable, 1 findings or unusable records."""
    from checker.shells.privacy import mask_id
    from checker.shells.register import RegisterError, agency_of
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from checker.shells.screen import Screener, prepare_output, read, screen as run_screen
    ws = workspace(root)
    the_office = office_of(office, ws)
    locality(ws, local, the_office)  # an unknown locality, or two choices, refused before any record
    if not source.exists():
        die([Problem(Location(str(source)), "E001", "no such file or folder")])
    agency, abbr = agency_of(agency, abbr, the_office)
    screener = Screener(ws, matter, None if the_office else local_choice(local), the_office)
    prepare_output(out)
    hooks = _Numbering(db, agency, abbr) if db else None
    problems = 0  # counted, not kept: a batch of millions must not grow in memory

    def problem(p: Problem) -> None:
        nonlocal problems
        problems += 1
        typer.echo(mask_id(str(p)), err=True)  # this output is a batch log: no full ID numbers

    bar = Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   transient=True, disable=not sys.stderr.isatty())
    try:
        with bar:
            task = bar.add_task("screen", total=None)
            summary = run_screen(read(source, follow_links), screener, out, lang.value,
                                 on_notice=hooks, on_problem=problem, progress=lambda: bar.advance(task),
                                 write_notices=notices)
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


class _Numbering:
    """Each screened notice numbered in the register (register.issue_notice), counting what this
    run numbered so that a run stopped by a lost register can say how far it got."""

    def __init__(self, db: str, agency: str, abbr: str):
        from checker.shells.register import Register
        self.register = Register(db, agency, abbr)
        self.numbered, self.last, self.at = 0, "", None

    def __call__(self, record, subject, notice) -> None:
        """A matter's notice gets a number; an event's members each get theirs, under the event's
        key (KEY/MEMBER), and the event's notice carries them."""
        from checker.notice.event import EventNotice
        from checker.shells.register import issue_notice
        self.at = record.where
        issued = [(subject.id, record.key, notice)] if not isinstance(notice, EventNotice) else [
            (m.matter, f"{record.key}/{m.matter}", m.notice) for m in notice.members if m.notice is not None]
        for matter_id, key, each in issued:
            entry = issue_notice(self.register, matter_id, key, each)
            if entry is not None:
                self.numbered, self.last = self.numbered + 1, entry.number


@guarded
def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
          port: int = typer.Option(8000, "--port", min=0, max=65535),
          max_connections: Optional[int] = typer.Option(None, "--max-connections", min=1,
                                                        help="Connections open at once (default 1000); past it the longest-idle one is closed."),
          request_timeout: Optional[float] = typer.Option(None, "--request-timeout", min=0.1,
                                                          help="Seconds a client has to send a whole request (default 10)."),
          local: LocalOption = None,
          office: OfficeOption = None,
          root: RootOption = None) -> None:
    """The self-check web pages and the JSON API (/api/matters, /api/openapi.json). Stores nothing."""
    from checker.shells.web import serve as run
    ws = workspace(root)  # a missing or empty root is refused before anything is announced
    the_office = office_of(office, ws)
    locality(ws, local, the_office)  # an unknown locality, or two choices, refused before serving
    if not _loopback(host):
        typer.echo(f"warning: listening on {printable(host)}, not only on this machine: the self-check has no "
                   "login, and anyone who can reach this address on the network can use it "
                   "(put it behind a reverse proxy with access control, or use --host 127.0.0.1)", err=True)
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address in a URL
    typer.echo(f"serving http://{printable(shown)}:{port}/ (Ctrl-C to stop)", err=True)
    limits = {k: v for k, v in (("max_connections", max_connections), ("request_timeout", request_timeout))
              if v is not None}  # the defaults live in web.py
    run(ws.root, host=host, port=port, local=local_choice(local), office=the_office, **limits)


def _loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress
    if host.strip().lower().rstrip(".") in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any interface
        return False


register_app = typer.Typer(help="The register of issued notices: what was told to whom, and when.",
                           no_args_is_help=True)


def _open_register(db: str, agency: str, abbr: str, office: Optional[Path] = None):
    """The register of the agency named by --agency/--abbr, else by the office (--office,
    $CHECKER_OFFICE), else of the agency X."""
    from checker.shells.register import Register, agency_of
    return Register(db, *agency_of(agency, abbr, office_of(office, None)))


def _entry_line(e) -> str:
    sup = f"  (supersedes {e.supersedes})" if e.supersedes else ""
    return printable(f"{e.number}  {e.application_date}  {e.matter:38} {e.outcome:12} {e.status:8} "
                     f"due {e.deadline or '-':10}  {e.application_key}{sup}")


@register_app.command("list")
@guarded
def register_list(db: DbOption, abbr: AbbrOption = "", agency: AgencyOption = "", office: OfficeOption = None,
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
            die([Problem(Location("--status"), "E023", str(e))])
        for e in entries:
            typer.echo(_entry_line(e))


@register_app.command("show")
@guarded
def register_show(key: Annotated[str, typer.Argument(help="A document number, a submission's key (MATTER/REFERENCE) for its history, or an event's (BUNDLE/REFERENCE) for its members' notices.")],
                  db: DbOption, abbr: AbbrOption = "", agency: AgencyOption = "", office: OfficeOption = None,
                  fmt: NoticeFormatOption = Format.text,
                  lang: LangOption = Lang.zh) -> None:
    """One notice as it was issued (or a submission's history of notices)."""
    with _open_register(db, agency, abbr, office) as reg:
        entry = reg.show(key)
        if entry is None:
            history = reg.find(key) or reg.find_event(key)  # an event's key: its members' notices
            if not history:
                die([Problem(Location(key), "E023", "no notice with that number or key",
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
@guarded
def register_supplied(number: Annotated[str, typer.Argument()], db: DbOption, abbr: AbbrOption = "",
                      agency: AgencyOption = "", office: OfficeOption = None) -> None:
    """Record that what an open notice waited for (corrections, deferred materials) was supplied."""
    with _open_register(db, agency, abbr, office) as reg:
        typer.echo(_entry_line(reg.mark_supplied(number)))
