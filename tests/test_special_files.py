"""Files that are not what their names say: named pipes (FIFOs), links out of a screened folder,
files that are not applications, and names with control characters.

A FIFO blocks whoever opens it until a writer comes: each command runs in a subprocess with a
timeout, so a hang fails the test instead of hanging the suite. Expected messages are those
`yamlsource.open_regular`, `screen.read_folder` and `application.parse_application` give, worked
out from the paths the test makes.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker.errors import Location, Problem, printable, quoted
from checker.shells.privacy import MaskIds
from conftest import MATTERS, REPO, RULES

IB = "individual-business-registration"
EXAMPLE = REPO / "examples" / "individual-business-leased-agent.yaml"  # outcome: correct
FIFO_MESSAGE = "E001 cannot-read-file: is a named pipe (FIFO), not a regular file (only regular files are read)"
LINK_MESSAGE = ("E001 cannot-read-file: is a link to a file outside the folder: not read "
                "(copy the file into the folder, or give --follow-links)")
NOT_APPLICATION = ("A001 not-an-application: not an application: none of its top-level keys is an application's "
                   "(an application has applicant, date, facts, locality, materials, matter, promised, reference, rongque)")
# a file that is not an application, with content that must never be echoed
SECRET = "secret_token: s3cr3t-VALUE-0001\npassword_hash: $6$abcdefgh$ijklmnop\n"

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")


def checker(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The command line in a subprocess: a hang is a TimeoutExpired, not a stuck test run."""
    return subprocess.run([sys.executable, "-m", "checker", *map(str, args)], capture_output=True, text=True,
                          timeout=60, cwd=cwd, stdin=subprocess.DEVNULL)


@pytest.fixture
def root(tmp_path) -> Path:
    """A checker root with the shipped rule sets and one matter."""
    base = tmp_path / "root"
    shutil.copytree(RULES, base / "rules")
    shutil.copytree(REPO / "local", base / "local")
    (base / "matters").mkdir()
    shutil.copy(MATTERS / f"{IB}.yaml", base / "matters")
    return base


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


# --- named pipes ----------------------------------------------------------------------------------

def test_check_refuses_a_fifo_as_the_application(root, tmp_path):
    pipe = fifo(tmp_path / "application.yaml")
    r = checker("check", IB, pipe, "--root", root)
    assert (r.returncode, r.stderr) == (2, f"{pipe}: {FIFO_MESSAGE}\n")


def test_check_refuses_a_fifo_as_the_matter_file(root, tmp_path):
    pipe = fifo(tmp_path / "matter.yaml")
    r = checker("check", pipe, EXAMPLE, "--root", root)
    assert (r.returncode, r.stderr) == (2, f"{pipe}: {FIFO_MESSAGE}\n")


def test_a_fifo_as_an_included_rule_set_is_refused(root):
    (root / "rules" / "agent.yaml").unlink()  # individual-business-registration includes it
    pipe = fifo(root / "rules" / "agent.yaml")
    r = checker("check", IB, EXAMPLE, "--root", root)
    assert r.returncode == 2
    # with what the missing rule set leaves undefined (its template, its material)
    assert f"{pipe}: {FIFO_MESSAGE}" in r.stderr.splitlines()


@pytest.mark.parametrize("name", ["batch.jsonl", "batch.csv", "batch.xlsx"])
def test_screen_refuses_a_fifo_as_the_batch(root, tmp_path, name):
    pipe = fifo(tmp_path / name)
    r = checker("screen", pipe, "--matter", IB, "--out", tmp_path / "out", "--root", root)
    assert (r.returncode, r.stderr) == (2, f"{pipe}: {FIFO_MESSAGE}\n")


def test_a_fifo_in_a_screened_folder_is_one_unusable_record(root, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "a.yaml")
    pipe = fifo(folder / "b.yaml")
    shutil.copy(EXAMPLE, folder / "c.yaml")
    r = checker("screen", folder, "--matter", IB, "--out", tmp_path / "out", "--root", root)
    assert r.returncode == 1  # an unusable record; the batch went on
    assert r.stderr == f"{pipe}: {FIFO_MESSAGE}\n"
    assert "3 application(s): correct 2; unusable 1;" in r.stdout


def test_a_fifo_in_matters_is_reported_by_list_and_validate(root):
    pipe = fifo(root / "matters" / "broken.yaml")
    listed = checker("list", "--root", root)
    assert listed.returncode == 1 and listed.stderr == f"{pipe}: {FIFO_MESSAGE}\n"
    assert IB in listed.stdout  # the other matters are listed
    for args in (["validate", "--root", root], ["validate", pipe, "--root", root]):
        r = checker(*args)
        assert r.returncode == 1 and f"{pipe}: {FIFO_MESSAGE}\n" in r.stdout
    r = checker("check", "broken", EXAMPLE, "--root", root)
    assert (r.returncode, r.stderr) == (2, f"{pipe}: {FIFO_MESSAGE}\n")


# --- links out of a screened folder, and files that are not applications ------------------------------

def test_a_link_out_of_the_screened_folder_is_not_followed(root, tmp_path):
    secret = tmp_path / "elsewhere" / "settings.conf"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "a.yaml")
    (folder / "b.yaml").symlink_to(secret)
    (folder / "c.yaml").symlink_to(folder / "a.yaml")  # a link inside the folder is read
    r = checker("screen", folder, "--matter", IB, "--out", tmp_path / "out", "--root", root)
    assert r.returncode == 1
    assert r.stderr == f"{folder / 'b.yaml'}: {LINK_MESSAGE}\n"
    assert "3 application(s): correct 2; unusable 1;" in r.stdout
    # asked to follow links, the checker reads the file, and says it is not an application without quoting it
    r = checker("screen", folder, "--matter", IB, "--out", tmp_path / "out2", "--root", root, "--follow-links")
    assert r.stderr == f"{folder / 'b.yaml'}:1:1: {NOT_APPLICATION}\n"
    assert "s3cr3t" not in r.stdout + r.stderr and "secret_token" not in r.stdout + r.stderr


def test_a_file_that_is_not_an_application_is_not_quoted(root, tmp_path):
    other = tmp_path / "shadow.yaml"
    other.write_text("root:*:20228:0:99999:7:::\n_apt:*:20228:0:99999:7:::\n", encoding="utf-8")
    r = checker("check", IB, other, "--root", root)
    assert (r.returncode, r.stderr) == (2, f"{other}:1:1: {NOT_APPLICATION}\n")
    # a misspelt application is still an application: its unknown keys are named, with a suggestion
    typo = tmp_path / "typo.yaml"
    typo.write_text('dates: "2026-03-02"\n', encoding="utf-8")
    r = checker("check", IB, typo, "--root", root)
    assert r.returncode == 2 and "unknown field 'dates'" in r.stderr and "did you mean 'date'?" in r.stderr
    # an unknown key is quoted short: 40 characters and an ellipsis
    long_key = tmp_path / "long.yaml"
    long_key.write_text(f'date: "2026-03-02"\n{"k" * 200}: 1\n', encoding="utf-8")
    r = checker("check", IB, long_key, "--root", root)
    assert r.returncode == 2 and f"unknown field '{'k' * 40}…'" in r.stderr and "k" * 41 not in r.stderr


# --- names with control characters ---------------------------------------------------------------

def test_a_file_name_cannot_forge_a_line_of_the_batch_log(root, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    forged = "a.yaml: E000 fake: forged line\n\x1b[2Jb.yaml"  # a newline, then an ANSI "clear screen"
    (folder / forged).write_text("- not a mapping\n", encoding="utf-8")
    r = checker("screen", folder, "--matter", IB, "--out", tmp_path / "out", "--root", root)
    assert r.returncode == 1
    shown = f"{folder}/a.yaml: E000 fake: forged line\\n\\x1b[2Jb.yaml"
    assert r.stderr == f"{shown}:1:1: A001 not-an-application: an application must be a mapping\n"


@pytest.mark.parametrize("raw, shown", [
    ("a\nb", "a\\nb"), ("a\rb", "a\\rb"), ("a\tb", "a\\tb"), ("\x1b[31mred", "\\x1b[31mred"),
    ("\x00\x07\x7f", "\\x00\\x07\\x7f"), ("\x9b2J", "\\x9b2J"),  # NUL, BEL, DEL, the 8-bit CSI
    ("a\u2028b\u2029c", "a\\u2028b\\u2029c"),  # Unicode line and paragraph separators
    ("evil\u202etxt.yaml", "evil\\u202etxt.yaml"), ("\u2066x\u2069", "\\u2066x\\u2069"),  # bidi controls
    ("申请书 résumé.yaml", "申请书 résumé.yaml"),  # printable text is left alone
])
def test_control_characters_are_escaped(raw, shown):
    assert printable(raw) == shown
    assert str(Location(raw, 2, 3)) == f"{shown}:2:3"
    assert str(Problem(Location("f.yaml", 1, 1), "E010", f"bad {raw}", f"hint {raw}")) == \
        f"f.yaml:1:1: E010 yaml-syntax: bad {shown} (hint {shown})"
    assert quoted(raw) == f"'{shown}'"


def test_a_log_argument_cannot_forge_a_log_line():
    record = logging.LogRecord("checker.web", logging.ERROR, __file__, 1, "internal error on %s: %s",
                               ("/matters/x\nINFO: forged", "ValueError"), None)
    MaskIds().filter(record)
    assert record.getMessage() == "internal error on /matters/x\\nINFO: forged: ValueError"
