"""`checker users` (checker/shells/cli/users.py): offices and accounts from the command line, as
the README's "Setting up a hall" shows them; refusals exit 2 with E030 and a reason."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from checker.shells.accounts import Accounts
from checker.shells.cli import app
from checker.shells.register import Database
from conftest import REPO

PASSWORD = "correct horse 9\n"


def run(*args, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


def test_a_hall_is_set_up_as_the_readme_says(tmp_path):
    db = str(tmp_path / "hall.sqlite")
    r = run("users", "office", str(REPO / "examples" / "office.yaml"), "--db", db, "--root", str(REPO))
    assert r.exit_code == 0 and "example-county-window" in r.output and "示例政务" in r.output
    r = run("users", "add", "wang.fang", "--role", "clerk", "--office", "example-county-window", "--name", "王芳",
            "--db", db, "--password-stdin", stdin=PASSWORD)
    assert r.exit_code == 0, r.output
    r = run("users", "add", "admin", "--role", "admin", "--db", db, stdin="correct horse 9\ncorrect horse 9\n")
    assert r.exit_code == 0, r.output  # the hidden prompt, typed twice
    listing = json.loads(run("users", "list", "--db", db, "--format", "json").output)
    assert [(a["username"], a["role"], a["office"]) for a in listing["accounts"]] == [
        ("admin", "admin", ""), ("wang.fang", "clerk", "example-county-window")]
    assert listing["offices"][0]["abbr"] == "示例政务"
    assert run("users", "disable", "wang.fang", "--db", db).exit_code == 0
    accounts = Accounts(Database(db))
    assert accounts.get("wang.fang").disabled and accounts.login("wang.fang", "correct horse 9") is None
    assert run("users", "enable", "wang.fang", "--db", db).exit_code == 0
    assert run("users", "reset-password", "wang.fang", "--db", db, "--password-stdin",
               stdin="another secret 2\n").exit_code == 0
    assert accounts.login("wang.fang", "another secret 2") is not None
    assert {r["actor"] for r in accounts.audit_log()} <= {"cli:" + __import__("getpass").getuser(), "cli",
                                                          "wang.fang"}


def test_refusals_exit_2_with_a_reason(tmp_path):
    db = str(tmp_path / "hall.sqlite")
    r = run("users", "add", "wang", "--role", "clerk", "--office", "nowhere", "--db", db, "--password-stdin",
            stdin=PASSWORD)
    assert r.exit_code == 2 and "E030" in r.output and "unknown office 'nowhere'" in r.output
    r = run("users", "add", "admin", "--role", "admin", "--db", db, "--password-stdin", stdin="short\n")
    assert r.exit_code == 2 and "at least 10 characters" in r.output
    r = run("users", "add", "admin", "--role", "admin", "--db", db, stdin="correct horse 9\ncorrect horse 8\n")
    assert r.exit_code == 2 and "differ" in r.output
    assert run("users", "disable", "nobody", "--db", db).exit_code == 2
    r = run("users", "list", "--db", str(tmp_path / "no" / "such" / "hall.sqlite"))
    assert r.exit_code == 2 and "E022" in r.output
