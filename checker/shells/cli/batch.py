"""The commands for an office: screen (a batch of applications), serve (the web pages and the API),
and the register of issued notices (register list, show, supplied, follow-up, export)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from checker.errors import Location, Problem, printable
from checker.shells.cli.common import (AbbrOption, AgencyOption, DbOption, Format, Lang, LangOption, LocalOption,
                                       OfficeOption, RootOption, die, emit, emit_notice, guarded, local_choice,
                                       locality, need_output, office_of, workspace)


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
    from checker.shells.register import RegisterError, open_register
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from checker.shells.screen import Numbering, Screener, prepare_output, read, screen as run_screen
    ws = workspace(root)
    the_office = office_of(office, ws)
    locality(ws, local, the_office)  # an unknown locality, or two choices, refused before any record
    if not source.exists():
        die([Problem(Location(str(source)), "E001", "no such file or folder")])
    screener = Screener(ws, matter, None if the_office else local_choice(local), the_office, agency=agency)
    prepare_output(out)
    hooks = Numbering(open_register(db, agency, abbr, the_office)) if db else None
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


@guarded
def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
          port: int = typer.Option(8000, "--port", min=0, max=65535),
          max_connections: Optional[int] = typer.Option(None, "--max-connections", min=1,
                                                        help="Connections open at once (default 1000); past it the longest-idle one is closed."),
          request_timeout: Optional[float] = typer.Option(None, "--request-timeout", min=0.1,
                                                          help="Seconds a client has to send a whole request (default 10)."),
          local: LocalOption = None,
          office: OfficeOption = None,
          db: Optional[str] = typer.Option(None, "--db", help="The register: with it, the staff console is served under /staff (accounts: `checker users`)."),
          closed_network: bool = typer.Option(False, "--closed-network", help="Let the console's cookies travel over plain HTTP: only on a hall's closed network without HTTPS."),
          root: RootOption = None) -> None:
    """The self-check web pages and the JSON API (/api/matters, /api/openapi.json), which store
    nothing; with --db, the staff console under /staff too."""
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
    if db is not None:
        from checker.shells.register import Database
        Database(db).close()  # an unusable register is refused before serving
        typer.echo(f"staff console: http://{printable(shown)}:{port}/staff/", err=True)
    run(ws.root, host=host, port=port, local=local_choice(local), office=the_office, db=db,
        secure_cookies=not closed_network, **limits)


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
    $CHECKER_OFFICE); with --abbr alone, of the agency that holds the abbreviation; else of X."""
    from checker.shells.register import open_register
    return open_register(db, agency, abbr, office_of(office, None))


def _entry_line(e) -> str:
    sup = f"  (supersedes {e.supersedes})" if e.supersedes else ""
    return printable(f"{e.number}  {e.application_date}  {e.matter:38} {e.outcome:12} {e.status:8} "
                     f"due {e.deadline or '-':10}  {e.application_key}{sup}")


class ListFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


class LedgerFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


# the filters of `register list` and `register export` (Register.search's arguments), declared once
NumberFilter = Annotated[Optional[str], typer.Option("--number", help="The document number or a part of it, e.g. 0042.")]
ApplicantFilter = Annotated[Optional[str], typer.Option("--applicant", help="A part of the applicant's name, or an ID number (compared masked).")]
ReferenceFilter = Annotated[Optional[str], typer.Option("--reference", help="A part of the submission's key (MATTER/REFERENCE).")]
MatterFilter = Annotated[Optional[str], typer.Option("--matter", help="A matter id.")]
OutcomeFilter = Annotated[Optional[str], typer.Option("--outcome", help="accept, rongque, correct, refuse, redirect or not_required.")]
StatusFilter = Annotated[Optional[str], typer.Option("--status", help="open, supplied or closed.")]
YearFilter = Annotated[Optional[int], typer.Option("--year", help="The year of the application date.")]
FromFilter = Annotated[Optional[str], typer.Option("--from", help="Applications dated on or after this day (YYYY-MM-DD).")]
ToFilter = Annotated[Optional[str], typer.Option("--to", help="Applications dated on or before this day (YYYY-MM-DD).")]
IssuedFromFilter = Annotated[Optional[str], typer.Option("--issued-from", help="Issued on or after this day in the hall (YYYY-MM-DD).")]
IssuedToFilter = Annotated[Optional[str], typer.Option("--issued-to", help="Issued on or before this day in the hall (YYYY-MM-DD).")]
OverdueFilter = Annotated[Optional[str], typer.Option("--overdue-on", help="Open notices whose due date is before this day (YYYY-MM-DD).")]
TzOption = Annotated[str, typer.Option("--tz", help="The hall's time zone, for days of issue and local times.")]

# Register.search's (and follow_up's) arguments as the command line names them
_OPTION_OF = {"number": "--number", "applicant": "--applicant", "reference": "--reference", "matter": "--matter",
              "outcome": "--outcome", "status": "--status", "year": "--year", "date_from": "--from",
              "date_to": "--to", "issued_from": "--issued-from", "issued_to": "--issued-to",
              "overdue_on": "--overdue-on", "tz": "--tz", "limit": "--limit", "offset": "--offset",
              "today": "--today"}


def _bad_option(e) -> None:
    """A filter the register refused (register.BadArgument): exit 2, naming the option."""
    from checker.shells.privacy import mask_id
    die([Problem(Location(_OPTION_OF.get(e.argument, e.argument)), "E023", mask_id(e.reason))])


def _entry_record(e, **more) -> dict:
    """An entry for other programs: its fields without the notice (see `register show`)."""
    from dataclasses import asdict
    return {k: v for k, v in asdict(e).items() if k != "notice_json"} | more


@register_app.command("list")
@guarded
def register_list(db: DbOption, abbr: AbbrOption = "", agency: AgencyOption = "", office: OfficeOption = None,
                  number: NumberFilter = None, applicant: ApplicantFilter = None, reference: ReferenceFilter = None,
                  matter: MatterFilter = None, outcome: OutcomeFilter = None, status: StatusFilter = None,
                  year: YearFilter = None, date_from: FromFilter = None, date_to: ToFilter = None,
                  issued_from: IssuedFromFilter = None, issued_to: IssuedToFilter = None,
                  overdue_on: OverdueFilter = None, tz: TzOption = "Asia/Shanghai",
                  limit: int = typer.Option(100, "--limit", help="At most this many notices."),
                  offset: int = typer.Option(0, "--offset", help="Skip this many first (the next page)."),
                  fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f"),
                  lang: LangOption = Lang.zh) -> None:
    """The notices issued, newest first, that pass every filter given; on standard error, how many
    there are in all when not all are shown."""
    filters = dict(number=number, applicant=applicant, reference=reference, matter=matter, outcome=outcome,
                   status=status, year=year, date_from=date_from, date_to=date_to, issued_from=issued_from,
                   issued_to=issued_to, overdue_on=overdue_on, tz=tz)
    from checker.shells.register import BadArgument
    with _open_register(db, agency, abbr, office) as reg:
        try:
            entries = reg.search(**filters, limit=limit, offset=offset)
            total = reg.count(**filters) if offset or len(entries) >= limit else len(entries)
        except BadArgument as e:
            _bad_option(e)
    _print_entries(entries, fmt, lang, tz)
    if total > len(entries):
        typer.echo(f"{len(entries)} shown ({offset + 1 if entries else offset}-{offset + len(entries)}) "
                   f"of {total}; see --offset and --limit", err=True)


def _print_entries(entries, fmt: ListFormat, lang: Lang, tz: str, overdue: Optional[list] = None) -> None:
    """The entries on standard output as lines, JSON or CSV; with `overdue` (follow-up), each
    line or object says whether the entry is overdue."""
    import json
    marks = overdue if overdue is not None else [None] * len(entries)
    if fmt is ListFormat.json:
        typer.echo(json.dumps([_entry_record(e, **({} if late is None else {"overdue": late}))
                               for e, late in zip(entries, marks)], ensure_ascii=False, indent=2))
    elif fmt is ListFormat.csv:
        from checker.shells.ledger import export_csv
        typer.echo(export_csv(entries, lang.value, tz), nl=False)
    else:
        for e, late in zip(entries, marks):
            typer.echo(("OVERDUE  " if late else "         " if late is not None else "") + _entry_line(e))


@register_app.command("follow-up")
@guarded
def register_follow_up(db: DbOption, abbr: AbbrOption = "", agency: AgencyOption = "", office: OfficeOption = None,
                       today: Optional[str] = typer.Option(None, "--today", help="The day to judge what is overdue (YYYY-MM-DD; default: today in the hall)."),
                       tz: TzOption = "Asia/Shanghai",
                       fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f"),
                       lang: LangOption = Lang.zh) -> None:
    """The open notices (容缺受理: deferred materials; 补正: corrections) by due date, soonest first;
    those past due marked OVERDUE. Exit 0, also when some are overdue."""
    from checker.shells.register import BadArgument, today_in
    with _open_register(db, agency, abbr, office) as reg:
        try:
            hall_today = today_in(tz)  # checks --tz, which CSV's times use
            waiting = reg.follow_up(today or hall_today)
        except BadArgument as e:
            _bad_option(e)
    _print_entries([f.entry for f in waiting], fmt, lang, tz, overdue=[f.overdue for f in waiting])


@register_app.command("export")
@guarded
def register_export(db: DbOption, output: Path = typer.Option(..., "--output", "-o", help="The file to write."),
                    abbr: AbbrOption = "", agency: AgencyOption = "", office: OfficeOption = None,
                    fmt: Optional[LedgerFormat] = typer.Option(None, "--format", "-f", help="Default: csv for a FILE ending in .csv, else xlsx."),
                    number: NumberFilter = None, applicant: ApplicantFilter = None, reference: ReferenceFilter = None,
                    matter: MatterFilter = None, outcome: OutcomeFilter = None, status: StatusFilter = None,
                    year: YearFilter = None, date_from: FromFilter = None, date_to: ToFilter = None,
                    issued_from: IssuedFromFilter = None, issued_to: IssuedToFilter = None,
                    overdue_on: OverdueFilter = None, tz: TzOption = "Asia/Shanghai",
                    lang: LangOption = Lang.zh) -> None:
    """The notices that pass the filters (as for `register list`, all of them) as a ledger for a
    chief: an Excel workbook or a CSV file (UTF-8 with BOM). The export is written to the audit log."""
    from checker.shells.ledger import export_csv, export_xlsx
    from checker.shells.register import BadArgument
    if fmt is None:
        fmt = LedgerFormat.csv if output.suffix.lower() == ".csv" else LedgerFormat.xlsx
    filters = dict(number=number, applicant=applicant, reference=reference, matter=matter, outcome=outcome,
                   status=status, year=year, date_from=date_from, date_to=date_to, issued_from=issued_from,
                   issued_to=issued_to, overdue_on=overdue_on, tz=tz)
    with _open_register(db, agency, abbr, office) as reg:
        try:
            entries = reg.search(**filters, limit=None)
        except BadArgument as e:
            _bad_option(e)
        data = (export_xlsx if fmt is LedgerFormat.xlsx else export_csv)(entries, lang.value, tz)
        try:
            output.write_bytes(data)
        except OSError as e:
            die([Problem(Location(str(output)), "E004", f"cannot write: {e.strerror}")])
        given = " ".join(f"{_OPTION_OF[k]} {v}" for k, v in filters.items() if v is not None and k != "tz")
        reg.record("export", output.name, detail=f"{fmt.value}, {len(entries)} notice(s); {given or 'no filter'}")
    typer.echo(printable(f"{len(entries)} notice(s) written to {output}"))


@register_app.command("show")
@guarded
def register_show(key: Annotated[str, typer.Argument(help="A document number, a submission's key (MATTER/REFERENCE) for its history, or an event's (BUNDLE/REFERENCE) for its members' notices.")],
                  db: DbOption, abbr: AbbrOption = "", agency: AgencyOption = "", office: OfficeOption = None,
                  fmt: Annotated[Optional[Format], typer.Option(
                      "--format", "-f", help="The notice itself, as issued, in this format (default: the register's record of it).")] = None,
                  lang: LangOption = Lang.zh,
                  output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the notice to this file (a PDF must be).")) -> None:
    """One notice: the register's record of it, or with --format the notice itself exactly as it
    was issued, printed again from what the register stored (never checked again); or a
    submission's history of notices."""
    from checker.notice.event import stored_notice_from_json
    if fmt is not None:
        need_output(fmt, output)  # refused before the register is opened
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
    if fmt is Format.json:  # the stored text itself, byte for byte
        emit(entry.notice_json, output)
        return
    if fmt is not None:
        emit_notice(stored_notice_from_json(entry.notice_json, f"register: {entry.number}"), fmt, lang, output)
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
