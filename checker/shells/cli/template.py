"""`checker template`: the spreadsheet a window fills in for `checker screen` (shells/template.py)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from checker.errors import Location, Problem
from checker.shells.cli.common import (Lang, LangOption, LocalOption, OfficeOption, RootOption, die, guarded, locality,
                                       office_of, workspace)


class TemplateFormat(str, Enum):
    csv = "csv"
    xlsx = "xlsx"


@guarded
def template(subject: Annotated[str, typer.Argument(help="A matter or an event (一件事): its id (see `checker list`) or its file.")],
             fmt: TemplateFormat = typer.Option(TemplateFormat.csv, "--format", "-f",
                                                help="csv (UTF-8 with a byte-order mark, for Excel) or xlsx (an Excel workbook, to a file)."),
             lang: LangOption = Lang.zh,
             output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (needed for xlsx)."),
             local: LocalOption = None,
             office: OfficeOption = None,
             root: RootOption = None) -> None:
    """The batch sheet of a matter or an event for `checker screen`: its columns, what each takes and
    the values allowed, and a worked row from one of its examples (a note until its # is deleted)."""
    from checker.shells.template import template_for
    if fmt is TemplateFormat.xlsx and output is None:
        die([Problem(Location("--output"), "E004", "an Excel workbook is not written to the terminal",
                     "give --output FILE.xlsx, or --format csv to print it")])
    ws = workspace(root)
    data = template_for(ws, subject, fmt.value, lang.value, locality(ws, local, office_of(office, ws)))
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        output.write_bytes(data)
    except OSError as e:
        die([Problem(Location(str(output)), "E004", f"cannot write: {e.strerror}")])
