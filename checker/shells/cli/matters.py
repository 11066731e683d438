"""The commands that describe the matters: list, show, schema, docs."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from checker.errors import CheckerError, printable
from checker.shells.cli.common import (Lang, LangOption, ListedMatterArgument, LocalOption, MatterArgument,
                                       RootOption, die, emit, guarded, load, locality, workspace)


class ShowFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"
    mermaid = "mermaid"
    svg = "svg"


class ListFormat(str, Enum):
    table = "table"
    json = "json"


@guarded
def list_matters(fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f"),
                 localities: bool = typer.Option(False, "--localities", help="The localities instead: each one's id, name and the matters whose rules it changes."),
                 root: RootOption = None) -> None:
    """The matters (事项) in matters/ and the bundles (一件事) in bundles/ (or, with --localities, the localities in local/)."""
    ws = workspace(root)
    if localities:
        _list_localities(ws, fmt)
        return
    matters, problems = ws.matters()
    rows = [{"id": m.id, "kind": "matter", "name": m.name, "code": m.code, "department": m.department,
             "type": m.type, "materials": len(m.materials), "rules": len(m.rules),
             "examples": len(m.examples)} for m in matters]
    bundles = []
    for bundle_id in ws.bundle_ids():
        try:
            b = ws.bundle(bundle_id)
        except CheckerError as e:
            problems += e.problems
            continue
        bundles.append({"id": b.id, "kind": "bundle", "name": b.name, "members": [m.id for m in b.members],
                        "documents": len(b.documents), "examples": len(b.examples)})
    if fmt is ListFormat.json:
        typer.echo(json.dumps(rows + bundles, ensure_ascii=False, indent=2))
    else:
        width = max([len(r["id"]) for r in rows + bundles] + [2])
        typer.echo(f"{'ID'.ljust(width)}  {'CODE'.ljust(14)}  MATERIALS  NAME")
        for r in rows:
            typer.echo(f"{r['id'].ljust(width)}  {(r['code'] or '-').ljust(14)}  {str(r['materials']).rjust(9)}  "
                       f"{r['name']['zh']} / {r['name']['en']}")
        if bundles:
            typer.echo("")
            typer.echo(f"{'BUNDLE'.ljust(width)}  MEMBERS  NAME")
            for r in bundles:
                typer.echo(f"{r['id'].ljust(width)}  {str(len(r['members'])).rjust(7)}  "
                           f"{r['name']['zh']} / {r['name']['en']}  ({', '.join(r['members'])})")
    if problems:
        die(problems, 1)


def _list_localities(ws, fmt: ListFormat) -> None:
    from checker.source.local import locality_rows
    rows = locality_rows(ws.files("local"))
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


@guarded
def show(matter: ListedMatterArgument,
         fmt: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f",
                                        help="text, markdown (with a Mermaid flow chart), html (with an SVG flow chart), json, or the flow chart alone: mermaid, svg"),
         lang: LangOption = Lang.zh,
         output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file."),
         local: LocalOption = None,
         sources: bool = typer.Option(False, "--sources", help="Where each rule, material and parameter comes from (for auditors)."),
         notes: bool = typer.Option(False, "--notes", help="With the authors' notes and confidence marks (for rule authors)."),
         root: RootOption = None) -> None:
    """A matter's conditions, materials and processing flow, as a guide a person can read (with
    --local, as that locality publishes it)."""
    from checker.describe import flow
    from checker.describe import guide
    ws = workspace(root)
    if ws.is_bundle(matter):
        from checker.describe import event_guide
        b = ws.bundle(matter, locality(ws, local))
        emit({ShowFormat.text: event_guide.guide_text, ShowFormat.markdown: event_guide.guide_markdown,
              ShowFormat.html: event_guide.guide_html, ShowFormat.json: lambda b, lang: event_guide.guide_json(b),
              ShowFormat.mermaid: event_guide.mermaid, ShowFormat.svg: event_guide.svg}[fmt](b, lang.value), output)
        return
    m = load(ws, matter, local)
    if sources:
        emit(guide.sources_text(m), output)
        return
    text = {
        ShowFormat.text: lambda: guide.guide_text(m, lang.value, notes=notes),
        ShowFormat.markdown: lambda: guide.guide_markdown(m, lang.value, notes=notes),
        ShowFormat.html: lambda: guide.guide_html(m, lang.value, notes=notes),
        ShowFormat.json: lambda: guide.guide_json(m),
        ShowFormat.mermaid: lambda: flow.mermaid(m, lang.value),
        ShowFormat.svg: lambda: flow.svg(m, lang.value),
    }[fmt]()
    emit(text, output)


@guarded
def schema(matter: MatterArgument, root: RootOption = None) -> None:
    """The JSON Schema of a valid application for a matter."""
    from checker.run.application import application_schema
    ws = workspace(root)
    m = ws.bundle(matter).form if ws.is_bundle(matter) else load(ws, matter)
    typer.echo(json.dumps(application_schema(m), ensure_ascii=False, indent=2))


@guarded
def docs(output: Path = typer.Option(Path("docs/matters.md"), "--output", "-o",
                                     help="The catalogue file (relative to the root)."),
         check_only: bool = typer.Option(False, "--check", help="Exit 1 if the file is out of date instead of writing it."),
         root: RootOption = None) -> None:
    """Generate the catalogue of all matters (docs/matters.md), both languages."""
    from checker.tools.catalogue import catalogue, out_of_date
    ws = workspace(root)
    text, count = catalogue(ws)
    target = output if output.is_absolute() else ws.root / output
    if check_only:
        if out_of_date(target, text):
            typer.echo(f"{printable(str(target))} is out of date: run `checker docs`", err=True)
            raise typer.Exit(1)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    emit(text, target)
    typer.echo(f"wrote {printable(str(target))} ({count} matters)", err=True)
