"""The command line: thin shells over the library. Each command lives in the module of its group
(matters: list, show, schema, docs; checking: check, ask, explain; authoring: validate, rule, test,
fmt; batch: screen, serve, register; template: the batch sheet; users) and is registered here in one
line, in the order `--help` lists them. What the commands share (options, the error guard, exit codes) is in common.py."""

from __future__ import annotations

import sys

import typer

from checker import __version__
from checker.shells.cli import authoring, batch, checking, matters, template, users

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


app.command("list")(matters.list_matters)
app.command()(matters.show)
app.command()(checking.check)
app.command()(checking.ask)
app.command()(batch.screen)
app.command()(template.template)
app.command()(batch.serve)
app.command()(checking.explain)
app.command()(authoring.validate)
app.command()(authoring.rule)
app.command()(matters.schema)
app.command("test")(authoring.test_examples)
app.command()(authoring.fmt)
app.command()(matters.docs)
app.add_typer(batch.register_app, name="register")
app.add_typer(users.users_app, name="users")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
