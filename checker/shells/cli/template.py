"""`checker template`: the spreadsheet a window fills in for `checker screen` (shells/template.py)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from checker.errors import Location, Problem
from checker.workspace import MATTER_ID
from checker.shells.cli.common import (Lang, LangOption, LocalOption, OfficeOption, RootOption, die, guarded, locality,
                                       office_of, workspace)


class TemplateFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


@guarded
def template(subjects: Annotated[Optional[list[str]], typer.Argument(
                 help="Matters or events (一件事): their ids (see `checker list`) or files; several make one sheet for a mixed batch.",
                 metavar="MATTER_OR_BUNDLE...", show_default=False)] = None,
             every: bool = typer.Option(False, "--all", help="Every matter and event of the library, on one sheet."),
             fmt: TemplateFormat = typer.Option(TemplateFormat.csv, "--format", "-f",
                                                help="csv (UTF-8 with a byte-order mark, for Excel) or xlsx (an Excel workbook, to a file)."),
             lang: LangOption = Lang.zh,
             output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (needed for xlsx)."),
             local: LocalOption = None,
             office: OfficeOption = None,
             root: RootOption = None) -> None:
    """The batch sheet of a matter or an event for `checker screen`, or of several for a mixed batch
    (each row naming its own): the columns, what each takes and the values allowed, and a worked
    row from an example of each (a note until its # is deleted)."""
    from checker.shells.template import split_facts, template_for
    if every == bool(subjects):
        die([Problem(Location("MATTER_OR_BUNDLE"), "E020",
                     "give matters or events, or --all, not both" if every else "no matter or event named",
                     "e.g. `checker template individual-business-registration unemployment`; `checker list` lists them")])
    if fmt is TemplateFormat.xlsx and output is None:
        die([Problem(Location("--output"), "E004", "an Excel workbook is not written to the terminal",
                     "give --output FILE.xlsx, or --format csv to print it")])
    ws = workspace(root)
    names = [m for m in ws.matter_ids() if MATTER_ID.fullmatch(m)] + ws.bundle_ids() if every else subjects
    where = locality(ws, local, office_of(office, ws))
    data = template_for(ws, names, fmt.value, lang.value, where)
    if len(names) > 1:
        _say_split(split_facts([ws.bundle(n, where) if ws.is_bundle(n) else ws.matter(n, where) for n in names]))
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as e:
        die([Problem(Location(str(output)), "E004", f"cannot write: {e.strerror}")])


def _say_split(split: dict[str, list[tuple[str, str]]]) -> None:
    """On standard error: each fact the subjects declare differently, who declares it how, and its columns."""
    for name, declared in split.items():
        how = "; ".join(f"{owner}: {declaration}" for owner, declaration in declared)
        columns = ", ".join(f"fact.{owner}.{name}" for owner, _ in declared)
        typer.echo(f"note: fact {name} is declared differently ({how}): each has its own column, {columns}", err=True)
