"""`checker users`: the staff console's offices and accounts, kept in the register's database
(checker/shells/accounts.py). Passwords are typed at a hidden prompt or read from standard input
(--password-stdin), never given as an argument: arguments show in the process list and history."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from checker.errors import Location, Problem, printable
from checker.shells.cli.common import DbOption, RootOption, die, guarded, workspace

users_app = typer.Typer(help="The staff console's offices and accounts (clerk, chief, administrator).",
                        no_args_is_help=True)
PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input.")]


def _accounts(db: str):
    from checker.shells.accounts import Accounts
    from checker.shells.register import Database
    return Accounts(Database(db))


def _refused(where: str, error: Exception) -> None:
    die([Problem(Location(where), "E030", printable(str(error)))])


def _password(stdin: bool) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Again", hide_input=True) != first:
        die([Problem(Location("password"), "E030", "the two passwords differ")])
    return first


@users_app.command("office")
@guarded
def office(path: Annotated[Path, typer.Argument(help="The office's settings file (see examples/office.yaml).")],
           db: DbOption, root: RootOption = None) -> None:
    """Add an office (or change it: the same `office` id) from its settings file."""
    from checker.shells.accounts import AccountError
    from checker.source.local import load_office
    the_office = load_office(path, workspace(root).root)
    accounts = _accounts(db)
    try:
        accounts.add_office(the_office, by="")
    except AccountError as e:
        _refused(str(path), e)
    typer.echo(printable(f"office {the_office.id}: {the_office.name['zh']} ({the_office.abbr})"))


@users_app.command("add")
@guarded
def add(username: Annotated[str, typer.Argument(help="The account's name, e.g. wang.fang.")], db: DbOption,
        role: Annotated[str, typer.Option("--role", help="clerk, chief or admin")] = "clerk",
        office: Annotated[str, typer.Option("--office", help="The office's id (not for an admin).")] = "",
        name: Annotated[str, typer.Option("--name", help="The person's name, shown in the console.")] = "",
        password_stdin: PasswordStdin = False) -> None:
    """Add an account."""
    from checker.shells.accounts import AccountError
    accounts = _accounts(db)
    try:
        a = accounts.add(username, name, role, office, _password(password_stdin), by="")
    except AccountError as e:
        _refused(username, e)
    typer.echo(printable(f"added {a.username} ({a.role}{', ' + a.office if a.office else ''})"))


def _change(db: str, username: str, what, done: str) -> None:
    from checker.shells.accounts import AccountError
    try:
        what(_accounts(db))
    except AccountError as e:
        _refused(username, e)
    typer.echo(printable(f"{username}: {done}"))


@users_app.command("disable")
@guarded
def disable(username: Annotated[str, typer.Argument()], db: DbOption) -> None:
    """Disable an account (its sessions end at once)."""
    _change(db, username, lambda a: a.disable(username, by=""), "disabled")


@users_app.command("enable")
@guarded
def enable(username: Annotated[str, typer.Argument()], db: DbOption) -> None:
    """Enable a disabled or locked account again."""
    _change(db, username, lambda a: a.enable(username, by=""), "enabled")


@users_app.command("reset-password")
@guarded
def reset_password(username: Annotated[str, typer.Argument()], db: DbOption,
                   password_stdin: PasswordStdin = False) -> None:
    """Set a new password (it also unlocks the account and ends its sessions)."""
    password = _password(password_stdin)
    _change(db, username, lambda a: a.set_password(username, password, by=""), "new password set")


@users_app.command("list")
@guarded
def list_users(db: DbOption, fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text") -> None:
    """The offices and accounts."""
    if fmt not in ("text", "json"):
        die([Problem(Location("--format"), "E030", "the format is text or json")])
    accounts = _accounts(db)
    offices, people = accounts.offices(), accounts.list()
    if fmt == "json":
        typer.echo(json.dumps({"offices": [{"id": o.id, "name": o.name, "abbr": o.abbr, "locality": o.locality}
                                           for o in offices],
                               "accounts": [{"username": a.username, "name": a.name, "role": a.role,
                                             "office": a.office, "disabled": a.disabled,
                                             "locked_until": a.locked_until} for a in people]},
                              ensure_ascii=False, indent=2))
        return
    for o in offices:
        typer.echo(printable(f"office  {o.id:24} {o.abbr:10} {o.name['zh']}"))
    for a in people:
        state = "disabled" if a.disabled else f"locked until {a.locked_until}" if a.locked_until else "active"
        typer.echo(printable(f"account {a.username:24} {a.role:6} {a.office or '-':24} {a.name}  {state}"))
