"""Bad input, kind by kind (the issue "Hardening"), through the entry points people use.

Every kind gets ONE clear message: it names the file (and the line and column where the input is
a file), says what is wrong and, where it can, what would be right. `checker check` exits 2;
`checker screen` reports the bad record by file and line and carries on with the others; the web
API answers 4xx with a JSON body naming the problem. Never a traceback, a hang, exit 3 or a 500.

The narrow unit tests of each refusal live in test_yamlsource.py, test_application.py,
test_loader.py, test_screen.py and test_web.py; this file walks the whole list end to end.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml
from click.testing import Result
from starlette.testclient import TestClient
from typer.testing import CliRunner

from checker.shells.cli import app
from checker.shells.web import MAX_BODY, create_app
from checker.source.yamlsource import MAX_BYTES, MAX_DEPTH
from conftest import notice_files

TL = "test-licence"
CO = "company-registration"

# An application for the fixture matter that is accepted as it is (conftest.complete_test_application,
# written out so that every line and column below is known). Dates are quoted: YAML would read them
# as dates, and `yaml.safe_load` (used to send the same data to the web API) as date objects.
APP = '''date: "2026-03-02"
facts:
  birth_date: "1990-01-01"
  id_number: "11010519491231002X"
  region: local
  small_scale: false
  has_car: false
  monthly_income: 1500.0
  members: 3
  homes: []
  filed_by_agent: false
  credit_barred: false
materials:
  - {id: TL-01, form: original, copies: 1, signed: true}
  - {id: TL-03, form: original, copies: 1}
  - {id: TL-05, form: original, copies: 1}
  - {id: TL-08/title, form: copy, copies: 1}
  - {id: TL-09, form: original, copies: 3}
  - {id: TL-10, form: copy, copies: 1}
'''
# company-registration (a real matter): the number of shareholders is declared with minimum: 1
CO_APP = 'date: "2026-03-02"\nfacts:\n  limited_liability_company: true\n  shareholder_count: 2\n'

runner = CliRunner()


@pytest.fixture(scope="module")
def client(root) -> TestClient:
    return TestClient(create_app(root))


def cli(*args) -> Result:
    """Run the command line; whatever the input, no exception escapes and no traceback is printed."""
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    assert r.exit_code != 3, r.output  # 3 is an internal error: a bug
    return r


def one_message(r) -> str:
    """The single message of an input `checker check` refuses (exit 2)."""
    assert r.exit_code == 2, r.output
    lines = [line for line in r.output.splitlines() if line.strip()]
    assert len(lines) == 1, r.output
    assert len(lines[0]) < 400, lines[0]  # one readable line, whatever the input held
    return lines[0]


def screened(r, source: Path, good: int, bad: int = 1) -> list[str]:
    """The problem lines of a `checker screen` run in which `good` records were accepted and `bad`
    were unusable: the batch went on past the bad one."""
    assert r.exit_code == 1, r.output
    assert f"{good + bad} application(s): accept {good}; unusable {bad};" in r.output
    lines = [line for line in r.output.splitlines() if line.startswith(str(source))]
    assert len(lines) == bad, r.output
    return lines


def position(text: str, needle: str, token: str | None = None) -> tuple[int, int]:
    """The 1-based line and column of `token` inside the first `needle` of `text`."""
    at = text.index(needle) + (needle.index(token) if token else 0)
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


@contextmanager
def within(seconds: float):
    """Fail, rather than hang, if the block takes longer than `seconds`."""
    def expired(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_good_application_is_accepted_everywhere(root, client, tmp_path):
    """The baseline the bad inputs below are made from: acceptable by each entry point."""
    path = tmp_path / "app.yaml"
    path.write_text(APP, encoding="utf-8")
    r = cli("check", TL, path, "--root", root)
    assert r.exit_code == 0 and "材料齐全" in r.output
    src = tmp_path / "batch.jsonl"
    src.write_text(json.dumps(dict(yaml.safe_load(APP), matter=TL)) + "\n", encoding="utf-8")
    r = cli("screen", src, "--out", tmp_path / "out", "--root", root)
    assert r.exit_code == 0 and "1 application(s): accept 1; unusable 0" in r.output
    response = client.post(f"/api/matters/{TL}/check", json=yaml.safe_load(APP))
    assert response.status_code == 200 and response.json()["outcome"] == "accept"


# --- 1. bad YAML files: applications, matters and rule sets -------------------------------------

@dataclass(frozen=True)
class FileKind:
    id: str
    code: str
    words: tuple[str, ...]
    # (valid text, tmp folder) -> (bad bytes, line, column of the message; line 0: the file only)
    make: Callable[[str, Path], tuple[bytes, int, int]]


def _appended(text: str, extra: str) -> tuple[str, int]:
    """A valid document with top-level keys added, and the line where they start."""
    assert text.endswith("\n")
    return text + extra, text.count("\n") + 1


def _bomb(text, tmp):
    # "billion laughs": ten anchors, each list naming the one before nine times: 9**10 strings
    lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    bad, line = _appended(text, "\n".join(lines) + "\n")
    return bad.encode(), line, len("lol0: ") + 1  # at the first anchor the aliases reuse


def _deep(text, tmp):
    bad, line = _appended(text, "deep: " + "[" * 5000 + "]" * 5000 + "\n")
    return bad.encode(), line, len("deep: ") + 1 + MAX_DEPTH  # the first list nested too deep


def _large(text, tmp):
    bad, _ = _appended(text, "#" * MAX_BYTES + "\n")
    return bad.encode(), 0, 0


def _long_string(text, tmp):
    bad, _ = _appended(text, 'long: "' + "长" * (MAX_BYTES // 3 + 1) + '"\n')  # 3 bytes a character
    return bad.encode(), 0, 0


def _gbk(text, tmp):
    head, line = _appended(text, "")
    return head.encode() + b'gbk: "' + "名称".encode("gbk") + b'"\n', line, len('gbk: "') + 1


def _tab(text, tmp):
    bad, line = _appended(text, "tabbed:\n\tkey: 1\n")
    return bad.encode(), line + 1, 1


def _duplicate(text, tmp):
    first = next(line for line in text.splitlines() if line[:1].isalpha())  # the first top-level key
    bad, line = _appended(text, first + "\n")
    return bad.encode(), line, 1


def _python_tag(text, tmp):
    bad, line = _appended(text, f'evil: !!python/object/apply:os.system ["touch {tmp / "pwned"}"]\n')
    return bad.encode(), line, len("evil: ") + 1


FILE_KINDS = [
    FileKind("yaml-bomb", "E011", ("anchors and aliases are not allowed", "write the value out in full"), _bomb),
    FileKind("deep-nesting", "E017", (f"nested deeper than {MAX_DEPTH} levels",), _deep),
    FileKind("very-large-file", "E002", (f"larger than the {MAX_BYTES} byte limit",), _large),
    FileKind("very-long-string", "E002", (f"larger than the {MAX_BYTES} byte limit",), _long_string),
    FileKind("non-utf8", "E003", ("not valid UTF-8", "save it as UTF-8"), _gbk),
    FileKind("tab-indentation", "E010", ("YAML syntax error", "tab", "spaces"), _tab),
    FileKind("duplicate-key", "E013", ("duplicate key", "first given at line"), _duplicate),
    FileKind("python-object-tag", "E014", ("python/object/apply:os.system", "is not allowed"), _python_tag),
]
ROLES = ["application", "matter", "rule-set"]


def workspace(root: Path, tmp: Path) -> dict[str, Path]:
    """A root of one's own, with the file each role names."""
    base = tmp / "ws"
    shutil.copytree(root, base)
    application = tmp / "app.yaml"
    application.write_text(APP, encoding="utf-8")
    return {"root": base, "application": application, "matter": base / "matters" / f"{TL}.yaml",
            "rule-set": base / "rules" / "credit.yaml"}  # test-licence includes credit


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", FILE_KINDS, ids=lambda k: k.id)
def test_a_bad_yaml_file_is_refused_in_one_located_message(kind, role, root, tmp_path):
    files = workspace(root, tmp_path)
    target = files[role]
    bad, line, column = kind.make(target.read_text("utf-8"), tmp_path)
    target.write_bytes(bad)
    with within(10):
        message = one_message(cli("check", files["matter"], files["application"], "--root", files["root"]))
    where = f"{target}:{line}:{column}" if line else str(target)
    assert message.startswith(f"{where}: {kind.code} "), message
    for word in kind.words:
        assert word in message, message
    assert not (tmp_path / "pwned").exists()  # a tag is refused, never run


def test_a_yaml_bomb_is_refused_quickly(root, tmp_path):
    files = workspace(root, tmp_path)
    bad, _, _ = _bomb(APP, tmp_path)
    files["application"].write_bytes(bad)
    start = time.monotonic()
    with within(10):
        one_message(cli("check", TL, files["application"], "--root", root))
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize("role", ROLES)
def test_a_byte_order_mark_is_accepted(role, root, tmp_path):
    files = workspace(root, tmp_path)
    files[role].write_bytes(b"\xef\xbb\xbf" + files[role].read_bytes())
    r = cli("check", files["matter"], files["application"], "--root", files["root"])
    assert r.exit_code == 0 and "材料齐全" in r.output, r.output


def test_a_long_string_within_the_limit_is_read(root, tmp_path):
    """The limit is on the file (MAX_BYTES): a long value below it is read and checked, quickly."""
    path = tmp_path / "app.yaml"
    path.write_text(APP.replace('"11010519491231002X"', '"' + "1" * 500_000 + '"'), encoding="utf-8")
    with within(10):
        r = cli("check", TL, path, "--root", root, "--format", "json")
    assert r.exit_code == 1  # not an 18-digit ID number: to correct
    notice = json.loads(r.output)
    assert notice["outcome"] == "correct" and [x["rule"] for x in notice["reasons"]] == ["bad-id"]


def test_a_device_that_never_ends_is_refused_not_read_forever(root):
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    p = subprocess.run([sys.executable, "-m", "checker", "check", TL, "/dev/zero", "--root", str(root)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2, p.stderr
    # only regular files are read (yamlsource.open_regular): a device is refused before it is opened
    assert p.stderr.strip() == "/dev/zero: E001 cannot-read-file: is a device, not a regular file (only regular files are read)"


@pytest.mark.parametrize("kind", FILE_KINDS, ids=lambda k: k.id)
def test_a_bad_file_in_a_screened_folder_is_reported_and_the_batch_goes_on(kind, root, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.yaml").write_text(APP, encoding="utf-8")
    bad, line, column = kind.make(APP, tmp_path)
    (folder / "b-bad.yaml").write_bytes(bad)
    (folder / "c-good.yaml").write_text(APP, encoding="utf-8")
    with within(10):
        r = cli("screen", folder, "--matter", TL, "--out", tmp_path / "out", "--root", root)
    [message] = screened(r, folder, good=2)
    where = f"{folder / 'b-bad.yaml'}:{line}:{column}" if line else str(folder / "b-bad.yaml")
    assert message.startswith(f"{where}: {kind.code} "), message
    assert [f for f in notice_files(tmp_path / "out") if f.endswith(".json")] == [
        f"{TL}/a-good.yaml~HASH.json", f"{TL}/c-good.yaml~HASH.json"]


# --- the same kinds as one line of a JSON Lines batch, and as the body of an API request ------------

def _line(**extra) -> dict:
    return {**yaml.safe_load(APP), "matter": TL, **extra}


_GOOD_LINE = json.dumps(_line(reference="G-1")).encode()
_GBK_HEAD = json.dumps(_line(reference="X"))[:-1] + ', "applicant": {"name": "'
_BOMB_LINE = ("{matter: test-licence, date: '2026-03-02', l0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol], "
              + ", ".join(f"l{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)) + "}")

JSONL_KINDS = [  # (id, the bad line, code, column, words)
    ("yaml-bomb", _BOMB_LINE.encode(), "E011", 1, "anchors and aliases are not allowed"),
    ("deep-nesting", b'{"matter": "test-licence", "date": "2026-03-02", "facts": {"members": '
     + b"[" * 5000 + b"]" * 5000 + b"}}", "E017", 1, f"nested deeper than {MAX_DEPTH} levels"),
    # past the limit but shallow enough for json.loads on every Python: the limit is the checker's own
    ("nesting-past-the-limit", b'{"matter": "test-licence", "date": "2026-03-02", "facts": {"members": '
     + b"[" * 100 + b"]" * 100 + b"}}", "E017", 1, f"nested deeper than {MAX_DEPTH} levels"),
    ("very-long-line", b'{"matter": "test-licence", "date": "2026-03-02", "reference": "'
     + b"x" * MAX_BYTES + b'"}', "E002", 1, f"larger than the {MAX_BYTES} byte limit"),
    ("non-utf8", _GBK_HEAD.encode() + "名称".encode("gbk") + b'"}}', "E003", len(_GBK_HEAD) + 1,
     "not valid UTF-8"),
    ("duplicate-key", b'{"matter": "test-licence", "date": "2026-03-02", "date": "2026-03-03"}', "E013", 1,
     "duplicate key 'date'"),
    ("python-object-tag", b'{matter: test-licence, date: "2026-03-02", facts: !!python/object/apply:os.system ["true"]}',
     "E014", 1, "is not allowed"),
]


@pytest.mark.parametrize("bad, code, column, words", [k[1:] for k in JSONL_KINDS], ids=[k[0] for k in JSONL_KINDS])
def test_a_bad_jsonl_line_is_reported_by_line_and_the_batch_goes_on(bad, code, column, words, root, tmp_path):
    src = tmp_path / "batch.jsonl"
    src.write_bytes(_GOOD_LINE + b"\n" + bad + b"\n" + _GOOD_LINE.replace(b"G-1", b"G-3") + b"\n")
    with within(10):
        r = cli("screen", src, "--out", tmp_path / "out", "--root", root)
    [message] = screened(r, src, good=2)
    assert message.startswith(f"{src}:2:{column}: {code} ") and words in message, message
    assert notice_files(tmp_path / "out") == [f"{TL}/G-1.html", f"{TL}/G-1.json", f"{TL}/G-3.html", f"{TL}/G-3.json"]


def test_a_byte_order_mark_starting_a_jsonl_batch_is_accepted(root, tmp_path):
    src = tmp_path / "batch.jsonl"
    src.write_bytes(b"\xef\xbb\xbf" + _GOOD_LINE + b"\n")
    r = cli("screen", src, "--out", tmp_path / "out", "--root", root)
    assert r.exit_code == 0 and "1 application(s): accept 1; unusable 0" in r.output


def test_a_spreadsheet_saved_as_gbk_is_reported_by_row_and_the_batch_goes_on(root, tmp_path):
    src = tmp_path / "batch.csv"
    src.write_bytes(f"matter,date,reference,fact.members\n{TL},2026-03-02,C-1,3\n{TL},2026-03-02,".encode()
                    + "名称".encode("gbk") + f",3\n{TL},2026-03-02,C-3,3\n".encode())
    r = cli("screen", src, "--out", tmp_path / "out", "--root", root, "--summary-only")
    assert r.exit_code == 1 and "3 application(s): correct 2; unusable 1" in r.output  # incomplete facts
    [message] = [line for line in r.output.splitlines() if line.startswith(str(src))]
    assert message.startswith(f"{src}:3:1: E003 ") and "not valid UTF-8" in message, message
    assert "save the file as CSV UTF-8" in message


@pytest.mark.parametrize("body, status, words", [
    pytest.param(b'{"date": "2026-03-02", "reference": "' + "名称".encode("gbk") + b'"}', 400, "not UTF-8",
                 id="non-utf8"),
    pytest.param(b'{"date": "2026-03-02", "date": "2026-03-03"}', 400, "duplicate key 'date'", id="duplicate-key"),
    pytest.param(b'{"date": "2026-03-02", "facts": {"members": ' + b"[" * 5000 + b"]" * 5000 + b"}}", 400,
                 "nested too deeply", id="deep-nesting"),
    pytest.param(b'{"date": "2026-03-02", "facts": {"members": ' + b"[" * 100 + b"]" * 100 + b"}}", 400,
                 f"nested too deeply (more than {MAX_DEPTH} levels)", id="nesting-past-the-limit"),
    pytest.param(json.dumps({"date": "2026-03-02", "reference": "x" * MAX_BODY}).encode(), 413,
                 f"larger than {MAX_BODY} bytes", id="very-large-body"),
    pytest.param(_BOMB_LINE.encode(), 400, "not valid JSON", id="yaml-bomb"),
    pytest.param(b'!!python/object/apply:os.system ["true"]', 400, "not valid JSON", id="python-object-tag"),
])
def test_a_bad_api_body_gets_an_error_naming_the_problem(body, status, words, client):
    with within(10):
        r = client.post(f"/api/matters/{TL}/check?lang=en", content=body,
                        headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert words in r.json()["error"], r.text


@pytest.mark.parametrize("body", [
    pytest.param(b"\xef\xbb\xbf" + json.dumps(yaml.safe_load(APP)).encode(), id="byte-order-mark"),
    pytest.param(json.dumps(yaml.safe_load(APP), indent="\t").encode(), id="tab-indentation"),
])
def test_json_with_a_byte_order_mark_or_tabs_is_accepted_by_the_api(body, client):
    r = client.post(f"/api/matters/{TL}/check", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 200 and r.json()["outcome"] == "accept", r.text


# --- 2 and 4. wrong values in an application: `check`, `screen` and the web API -------------------

@dataclass(frozen=True)
class Case:
    id: str
    old: str  # a line of the good application
    new: str  # what replaces it
    token: str  # the bad part of `new`, where the message points
    code: str
    field: str  # the dotted path of the field, as the web API names it
    words: tuple[str, ...]  # in the message or its hint
    matter: str = TL
    good: str = APP


VALID_UNTIL = "  - {id: TL-01, form: original, copies: 1, signed: true}"
LAST_MATERIAL = "  - {id: TL-10, form: copy, copies: 1}"
CASES = [
    Case("number-for-the-date", 'date: "2026-03-02"', "date: 20260302", "20260302", "A002", "date",
         ("date: 20260302 is not of type 'string'", "expected string")),
    Case("words-for-a-date-fact", '  birth_date: "1990-01-01"', '  birth_date: "yesterday"', '"yesterday"', "A002",
         "facts.birth_date", ("facts.birth_date: 'yesterday' does not match", "YYYY-MM-DD")),
    Case("impossible-application-date", 'date: "2026-03-02"', 'date: "2026-02-30"', '"2026-02-30"', "A003", "date",
         ("'2026-02-30' is not a real date", "write YYYY-MM-DD")),
    Case("impossible-date-fact", '  birth_date: "1990-01-01"', '  birth_date: "2026-02-30"', '"2026-02-30"', "A003",
         "facts.birth_date", ("'2026-02-30' is not a real date", "write YYYY-MM-DD")),
    Case("impossible-valid-until", VALID_UNTIL, VALID_UNTIL[:-1] + ', valid_until: "2026-02-30"}', '"2026-02-30"',
         "A003", "materials.0.valid_until", ("'2026-02-30' is not a real date", "write YYYY-MM-DD")),
    Case("negative-member-count", "  members: 3", "  members: -1", "-1", "A002", "facts.members",
         ("facts.members: -1 is less than the minimum of 0",)),
    Case("negative-amount", "  monthly_income: 1500.0", "  monthly_income: -5.5", "-5.5", "A002",
         "facts.monthly_income", ("facts.monthly_income: -5.5 is less than the minimum of 0",)),
    Case("below-a-real-matters-minimum", "  shareholder_count: 2", "  shareholder_count: 0", "0", "A002",
         "facts.shareholder_count", ("facts.shareholder_count: 0 is less than the minimum of 1",),
         matter=CO, good=CO_APP),
    Case("full-width-digits", "  members: 3", '  members: "１２"', '"１２"', "A002", "facts.members",
         ("facts.members: '１２' is not of type 'integer'", "write 12 without quotes, in half-width digits")),
    Case("text-for-a-number", "  monthly_income: 1500.0", '  monthly_income: "1500 元"', '"1500 元"', "A002",
         "facts.monthly_income", ("facts.monthly_income: '1500 元' is not of type 'number'", "expected number")),
    Case("bool-for-a-number", "  members: 3", "  members: true", "true", "A002", "facts.members",
         ("facts.members: True is not of type 'integer'", "expected integer")),
    Case("huge-value-of-the-wrong-type", "  members: 3", "  members: [" + "1, " * 3000 + "1]", "[", "A002",
         "facts.members", ("facts.members: [1, 1, 1", "… is not of type 'integer'", "expected integer")),
    Case("unknown-material", LAST_MATERIAL, LAST_MATERIAL + "\n  - {id: TL-99, form: copy, copies: 1}", "TL-99",
         "A002", "materials.6.id", ("'TL-99' is not a material of test-licence", "did you mean 'TL-09'?")),
    Case("misspelt-fact", "  has_car: false", "  has_cars: false", "has_cars", "A002", "facts.has_cars",
         ("unknown field 'has_cars'", "did you mean 'has_car'?")),
    # values the checker could not process (issue 12): refused where they are written
    Case("application-date-at-the-end-of-time", 'date: "2026-03-02"', 'date: "9999-12-31"', '"9999-12-31"',
         "A005", "date", ("date: '9999-12-31' is outside the dates the checker handles (1900-01-01 to 2199-12-31)",
                          "write the real date")),
    Case("application-date-just-past-the-range", 'date: "2026-03-02"', 'date: "2200-01-01"', '"2200-01-01"',
         "A005", "date", ("'2200-01-01' is outside",)),
    Case("birth-date-in-year-one", '  birth_date: "1990-01-01"', '  birth_date: "0001-01-01"', '"0001-01-01"',
         "A005", "facts.birth_date", ("facts.birth_date: '0001-01-01' is outside",)),
    Case("valid-until-9999", VALID_UNTIL, VALID_UNTIL[:-1] + ', valid_until: "9999-12-31"}', '"9999-12-31"',
         "A005", "materials.0.valid_until", ("materials.0.valid_until: '9999-12-31' is outside",)),
    Case("integer-of-4300-digits", "  members: 3", "  members: " + "9" * 4300, "9" * 4300, "A006", "facts.members",
         ("facts.members: a number of more than 30 digits", "numbers are at most 999999999999999")),
    Case("integer-of-31-digits-as-text", "  id_number: \"11010519491231002X\"", "  id_number: " + "1" * 31, "1" * 31,
         "A006", "facts.id_number", ("facts.id_number: a number of more than 30 digits",)),
    Case("integer-at-the-engine-limit", "  members: 3", "  members: 1000000000000000", "1000000000000000", "A002",
         "facts.members", ("facts.members: 1000000000000000 is greater than the maximum of 999999999999999",)),
    Case("amount-at-the-engine-limit", "  monthly_income: 1500.0", "  monthly_income: 1000000000000000.0",
         "1000000000000000.0", "A002", "facts.monthly_income", ("is greater than the maximum of 999999999999999",)),
    Case("reference-longer-than-100", 'date: "2026-03-02"', 'date: "2026-03-02"\nreference: "' + "号" * 101 + '"',
         '"' + "号" * 101 + '"', "A002", "reference", ("reference: '号号号", "is too long")),
]


def _bad(case: Case) -> tuple[str, int, int]:
    assert case.good.count(case.old) == 1, case.old
    text = case.good.replace(case.old, case.new)
    line, column = position(text, case.new, case.token)
    return text, line, column


def test_the_cases_are_written_from_good_applications(root, tmp_path):
    """Each case differs from an application the matter accepts (or merely finds incomplete) only by
    its bad value: the refusals below are the bad value's."""
    for good, matter in ((APP, TL), (CO_APP, CO)):
        path = tmp_path / f"{matter}.yaml"
        path.write_text(good, encoding="utf-8")
        assert cli("check", matter, path, "--root", root).exit_code in (0, 1)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_wrong_value_through_check(case, root, tmp_path):
    text, line, column = _bad(case)
    path = tmp_path / "app.yaml"
    path.write_text(text, encoding="utf-8")
    message = one_message(cli("check", case.matter, path, "--root", root))
    assert message.startswith(f"{path}:{line}:{column}: {case.code} "), message
    for word in case.words:
        assert word in message, message


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_wrong_value_through_screen(case, root, tmp_path):
    text, _, _ = _bad(case)
    src = tmp_path / "batch.jsonl"
    lines = [_GOOD_LINE.decode(), json.dumps(dict(yaml.safe_load(text), matter=case.matter), ensure_ascii=False),
             _GOOD_LINE.decode().replace("G-1", "G-3")]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = cli("screen", src, "--out", tmp_path / "out", "--root", root)
    [message] = screened(r, src, good=2)
    assert message.startswith(f"{src}:2:1: {case.code} "), message
    assert len(message) < 400, message
    for word in case.words:
        assert word in message, message


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_wrong_value_through_the_web_api(case, client):
    text, _, _ = _bad(case)
    r = client.post(f"/api/matters/{case.matter}/check", json=yaml.safe_load(text))
    assert r.status_code == 422, r.text
    [problem] = r.json()["problems"]
    assert (problem["code"], problem["field"]) == (case.code, case.field)
    said = f"{problem['message']} ({problem['hint']})"
    assert len(said) < 400, said
    for word in case.words:
        assert word in said, said


def test_an_unknown_matter_everywhere(root, client, tmp_path):
    path = tmp_path / "app.yaml"
    path.write_text(APP, encoding="utf-8")
    message = one_message(cli("check", "no-such-matter", path, "--root", root))
    assert message.startswith("no-such-matter: E020 ") and "unknown matter 'no-such-matter'" in message
    message = one_message(cli("check", "test-licnce", path, "--root", root))
    assert "unknown matter 'test-licnce'" in message and "did you mean 'test-licence'?" in message
    src = tmp_path / "batch.jsonl"
    src.write_text("\n".join([_GOOD_LINE.decode(), json.dumps(_line(matter="no-such-matter")),
                              _GOOD_LINE.decode().replace("G-1", "G-3")]) + "\n", encoding="utf-8")
    [message] = screened(cli("screen", src, "--out", tmp_path / "out", "--root", root), src, good=2)
    assert message.startswith(f"{src}:2:1: E020 ") and "unknown matter 'no-such-matter'" in message
    r = client.post("/api/matters/no-such-matter/check?lang=en", json=yaml.safe_load(APP))
    assert r.status_code == 404 and r.json() == {"error": "unknown matter 'no-such-matter'"}


# --- 3. conditions: division by zero at run time, incompatible types at load time -----------------

TINY = """matter: tiny
name: {zh: 小事项, en: Tiny}
department: {zh: 局, en: Bureau}
level: county
type: benefit
basis: [{zh: 条例, en: Regulation}]
time_limit: {statutory: {days: 20}}
fee: {amount: 0}
facts:
  income:
    type: number
    minimum: 0
    question: {zh: 家庭月收入, en: Household monthly income}
  members:
    type: integer
    minimum: 0
    question: {zh: 家庭人数, en: Household members}
  region:
    type: enum
    values: [local, other]
    question: {zh: 地区, en: Region}
  since:
    type: date
    question: {zh: 起始日期, en: Since}
"""
TOO_RICH = """rules:
  - id: too-rich
    when: {when}
    outcome: refuse
    reason: {{zh: 人均收入过高, en: per-capita income too high}}
    basis: [{{zh: 条例第二条, en: "Regulation, art. 2"}}]
materials:
  - {{id: TM-01, name: {{zh: 申请表, en: Form}}, form: original}}
"""
PER_CAPITA = """derived:
  per_capita:
    type: number
    value: income / members
    label: {zh: 人均收入, en: per-capita income}
"""


def _tiny(tmp: Path, when: str, derived: str = "") -> Path:
    path = tmp / "tiny.yaml"
    path.write_text(TINY + derived + TOO_RICH.format(when=when), encoding="utf-8")
    return path


def _household(tmp: Path, members: int) -> Path:
    path = tmp / f"household-{members}.yaml"
    path.write_text(f'date: "2026-03-02"\nfacts:\n  income: 1200\n  members: {members}\n  region: local\n'
                    f'  since: "2020-01-01"\nmaterials:\n  - {{id: TM-01, form: original, copies: 1}}\n',
                    encoding="utf-8")
    return path


def test_a_derived_fact_dividing_by_zero_asks_to_confirm_what_it_is_computed_from(root, tmp_path):
    matter = _tiny(tmp_path, "per_capita > 500", PER_CAPITA)
    two = cli("check", matter, _household(tmp_path, 2), "--root", root, "--format", "json")
    assert two.exit_code == 1 and json.loads(two.output)["outcome"] == "refuse"  # 600 a head: the rule works
    r = cli("check", matter, _household(tmp_path, 0), "--root", root, "--format", "json")
    assert r.exit_code == 1, r.output
    notice = json.loads(r.output)
    assert notice["outcome"] == "questions" and notice["reasons"] == []  # nothing to supply: a question
    # a computed value no applicant can state: the facts it is computed from are to be confirmed
    assert sorted((i["fact"], tuple(i["affects"])) for i in notice["info_needed"]) == [
        ("income", ("too-rich",)), ("members", ("too-rich",))]
    assert {i["question"]["en"] for i in notice["info_needed"]} == {
        "Please check: Household monthly income (given: 1200)", "Please check: Household members (given: 0)"}


def test_a_condition_dividing_by_zero_is_unknown_not_a_crash(root, tmp_path):
    matter = _tiny(tmp_path, "income / members > 500")
    two = cli("check", matter, _household(tmp_path, 2), "--root", root, "--format", "json")
    assert two.exit_code == 1 and json.loads(two.output)["outcome"] == "refuse"
    zero = _household(tmp_path, 0)
    r = cli("check", matter, zero, "--root", root, "--format", "json")
    assert r.exit_code == 1, r.output  # a notice, not an error
    assert json.loads(r.output)["reasons"] == []  # the refusal does not hold
    trace = cli("explain", matter, zero, "--root", root)
    assert trace.exit_code == 0 and "rule:too-rich is unknown: (income / members) > 500" in trace.output


def test_a_condition_dividing_by_zero_is_not_silently_taken_as_false(root, tmp_path):
    matter = _tiny(tmp_path, "income / members > 500")
    r = cli("check", matter, _household(tmp_path, 0), "--root", root, "--format", "json")
    assert r.exit_code == 1, r.output
    notice = json.loads(r.output)
    # both answers are known, yet the division is not: the notice asks to confirm them
    assert notice["outcome"] == "questions"
    assert {i["fact"] for i in notice["info_needed"] if "too-rich" in i["affects"]} == {"income", "members"}


@pytest.mark.parametrize("when, token, words", [
    pytest.param("region > members", "members", "cannot compare an enum(local, other) with an integer",
                 id="enum-with-integer"),
    pytest.param('income > "many"', '"many"', "cannot compare a number with a string", id="number-with-string"),
    pytest.param('since < "2020-01-01"', '"2020-01-01"', 'cannot compare a date with a string (write dates as '
                 'date("YYYY-MM-DD"))', id="date-with-string"),
    pytest.param("members == true", "true", "cannot compare an integer with a bool", id="integer-with-bool"),
])
def test_incompatible_types_are_refused_when_the_matter_is_loaded(when, token, words, root, tmp_path):
    matter = _tiny(tmp_path, when)
    line, column = position(matter.read_text("utf-8"), f"when: {when}", token)
    message = one_message(cli("check", matter, _household(tmp_path, 2), "--root", root))
    assert message.startswith(f"{matter}:{line}:{column}: C002 ") and words in message, message
    r = cli("validate", matter, "--root", root, "--no-lint")
    assert r.exit_code == 1 and f"{matter}:{line}:{column}: C002 " in r.output


def test_the_interview_does_not_ask_again_forever_after_a_division_by_zero(root, tmp_path):
    # the notice asks to confirm income and members; the interview already has both answers, so
    # it ends with that notice instead of asking the same questions again and again
    from checker.run.compiler import compile_matter
    from checker.shells.interview import step
    from checker.source.loader import load_matter
    compiled = compile_matter(load_matter(_tiny(tmp_path, "income / members > 500"), Path(root) / "rules"))
    done = step(compiled, {"income": 1200.0, "members": 0, "region": "local", "since": "2020-01-01"},
                on="2026-03-02")
    assert done.done and done.questions == []
    assert {i.fact for i in done.notice.info_needed} == {"income", "members"}
