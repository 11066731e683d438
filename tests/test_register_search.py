"""Searching the register, the follow-up list of open notices, and the command line's `register
list`, `follow-up` and `export` (checker/shells/register.py, checker/shells/cli/batch.py), on SQLite
and, with CHECKER_TEST_PG, on PostgreSQL (the `url` fixture of test_register.py).

Each test builds its register by hand; the rows a search must find are worked out from the table
in `hall` below, not from what the program returns."""

from __future__ import annotations

import json
import re
import shlex
from datetime import date

import pytest

from checker.notice.render import render
from checker.service import check
from checker.workspace import Workspace
import sqlalchemy as sa
from typer.testing import CliRunner

from checker.shells.cli import app
from checker.shells.register import BadArgument, Register
from conftest import REPO
from test_register import sha, url  # noqa: F401  (url: the SQLite / PostgreSQL fixture)

AGENCY, ABBR = "西城区市场监管局", "西市监"
OTHER, OTHER_ABBR = "某区行政审批局", "某审"
IBR, FBL = "individual-business-registration", "food-business-licence"
ID_A = "110105194912310021"  # masked: 110***********0021
ID_B = "11010119800101567X"  # masked: 110***********567X


def put(reg: Register, key: str, kind: str, date_: str, *, matter: str = IBR, applicant: str = "",
        applicant_id: str = "", deadline: str | None = None, issued_at: str | None = None, content: str = "",
        notice_json: str = "{}"):
    """Issue a notice; with `issued_at`, as if issued at that instant (UTC)."""
    e = reg.issue(matter=matter, kind=kind, application_key=key, application_digest=sha(content or key),
                  application_date=date_, outcome=kind, notice_json=notice_json, deadline=deadline,
                  applicant=applicant, applicant_id=applicant_id)
    if issued_at:
        with reg._engine.begin() as conn:
            conn.execute(sa.text("UPDATE notice_register SET issued_at = :at WHERE number = :n"),
                         {"at": issued_at, "n": e.number})
    return e


def jump(reg: Register, word: str, year: int, last: int) -> None:
    """The counter of (word, year) set as if `last` notices had been numbered."""
    values = {"n": last, "a": reg.agency, "w": word, "y": year}
    with reg._engine.begin() as conn:
        if not conn.execute(sa.text("UPDATE notice_counter SET last_seq = :n WHERE agency = :a AND kind_word = :w "
                                    "AND year = :y"), values).rowcount:
            conn.execute(sa.text("INSERT INTO notice_counter (agency, kind_word, year, last_seq) "
                                 "VALUES (:a, :w, :y, :n)"), values)


# The hall's register, in the order of issue (the rows are named by their place in it):
#
# row  number                    key              kind      app. date   applicant  ID    due         issued (UTC)
# 1    西市监审补〔2026〕第0001号  IBR/A-1          correct   2026-03-02  王小明     ID_A  2026-03-09  03-02 15:59:59 (Beijing 03-02 23:59:59)
# 2    西市监审受〔2026〕第0001号  IBR/A_2          accept    2026-03-03  Wang Fang  -     -           03-02 16:00:00 (Beijing 03-03 00:00)
# 3    西市监审容〔2026〕第0001号  IBR/A%3          rongque   2026-03-31  李四       -     2026-03-06  03-03 23:30:00 (Beijing 03-04 07:30)
# 4    西市监审不〔2026〕第0001号  FBL/A-3          refuse    2026-04-01  王五       ID_B  -           03-04 01:00:00 (Beijing 03-04 09:00)
# 5    西市监审补〔2025〕第0001号  IBR/AX2          correct   2025-12-31  赵六       -     2026-01-08  2026-01-01 02:00
# 6    西市监审补〔2026〕第0042号  bundle/R-9/IBR   correct   2026-02-28  wang_li    -     2026-03-05  2026-02-28 02:00
#
# Another agency in the same database has notices with the same keys, names and ID numbers.

@pytest.fixture
def hall(url):  # noqa: F811
    with Register(url, AGENCY, ABBR) as reg, Register(url, OTHER, OTHER_ABBR) as other:
        put(reg, f"{IBR}/A-1", "correct", "2026-03-02", applicant="王小明", applicant_id=ID_A,
            deadline="2026-03-09", issued_at="2026-03-02T15:59:59+00:00")
        put(reg, f"{IBR}/A_2", "accept", "2026-03-03", applicant="Wang Fang", issued_at="2026-03-02T16:00:00+00:00")
        put(reg, f"{IBR}/A%3", "rongque", "2026-03-31", applicant="李四", deadline="2026-03-06",
            issued_at="2026-03-03T23:30:00+00:00")
        put(reg, f"{FBL}/A-3", "refuse", "2026-04-01", matter=FBL, applicant="王五", applicant_id=ID_B,
            issued_at="2026-03-04T01:00:00+00:00")
        put(reg, f"{IBR}/AX2", "correct", "2025-12-31", applicant="赵六", deadline="2026-01-08",
            issued_at="2026-01-01T02:00:00+00:00")
        jump(reg, "审补", 2026, 41)
        put(reg, f"bundle/R-9/{IBR}", "correct", "2026-02-28", applicant="wang_li", deadline="2026-03-05",
            issued_at="2026-02-28T02:00:00+00:00")
        for key, kind, day, name, id_ in [(f"{IBR}/A-1", "correct", "2026-03-02", "王小明", ID_A),
                                          (f"{IBR}/A_2", "rongque", "2026-03-03", "Wang Fang", ""),
                                          (f"{IBR}/AX2", "correct", "2025-12-31", "wang_li", ID_B)]:
            put(other, key, kind, day, applicant=name, applicant_id=id_, deadline="2026-01-01",
                issued_at="2026-03-02T16:00:00+00:00")
        jump(other, "审补", 2026, 41)
        put(other, f"{IBR}/other-42", "correct", "2026-03-02", applicant="王小明", deadline="2026-01-01")
        yield reg


ROW = {1: "西市监审补〔2026〕第0001号", 2: "西市监审受〔2026〕第0001号", 3: "西市监审容〔2026〕第0001号",
       4: "西市监审不〔2026〕第0001号", 5: "西市监审补〔2025〕第0001号", 6: "西市监审补〔2026〕第0042号"}


def rows(entries) -> list[int]:
    by_number = {n: i for i, n in ROW.items()}
    return [by_number[e.number] for e in entries]  # a number of another agency fails here


@pytest.mark.parametrize("filters, expected", [
    ({}, [6, 5, 4, 3, 2, 1]),  # newest first
    # the document number: whole, or any part of it
    ({"number": "西市监审补〔2026〕第0001号"}, [1]),
    ({"number": "0042"}, [6]),
    ({"number": "审补〔2026〕第0042号"}, [6]),
    ({"number": "审补〔2026〕"}, [6, 1]),
    ({"number": "0001"}, [5, 4, 3, 2, 1]),
    ({"number": "第0043号"}, []),
    # the applicant: a part of the name in any case, or an ID number compared masked
    ({"applicant": "王"}, [4, 1]),
    ({"applicant": "wang"}, [6, 2]),
    ({"applicant": "WANG F"}, [2]),
    ({"applicant": "_"}, [6]),  # a character, not "any one character"
    ({"applicant": "%"}, []),
    ({"applicant": ID_A}, [1]),
    ({"applicant": "110105-19491231-0021"}, [1]),  # written in groups: the same number
    ({"applicant": ID_B}, [4]),
    ({"applicant": "567x"}, [4]),  # the end of a masked number, in any case
    ({"applicant": "110***********0021"}, [1]),
    ({"applicant": "  "}, [6, 5, 4, 3, 2, 1]),  # blank: no filter
    # the reference: a part of the key; % and _ are characters
    ({"reference": "A_2"}, [2]),  # as a pattern it would find AX2 too
    ({"reference": "A%3"}, [3]),  # as a pattern it would find A-3 too
    ({"reference": "R-9"}, [6]),
    ({"reference": f"{FBL}/"}, [4]),
    # exactly: matter, outcome, status, year
    ({"matter": FBL}, [4]),
    ({"matter": "food"}, []),
    ({"outcome": "correct"}, [6, 5, 1]),
    ({"status": "open"}, [6, 5, 3, 1]),
    ({"status": "closed"}, [4, 2]),
    ({"year": 2025}, [5]),
    # the application date, both ends included
    ({"date_from": "2026-03-02", "date_to": "2026-03-31"}, [3, 2, 1]),
    ({"date_from": "2026-03-03"}, [4, 3, 2]),
    ({"date_to": "2026-02-28"}, [6, 5]),
    ({"date_from": date(2026, 4, 1), "date_to": date(2026, 4, 1)}, [4]),
    # the day of issue in Beijing: 2026-03-02T16:00Z is already 3 March there
    ({"issued_from": "2026-03-02", "issued_to": "2026-03-02"}, [1]),
    ({"issued_from": "2026-03-03", "issued_to": "2026-03-03"}, [2]),
    ({"issued_from": "2026-03-04"}, [4, 3]),
    ({"issued_to": "2026-02-28"}, [6, 5]),
    # ... and in UTC
    ({"issued_from": "2026-03-02", "issued_to": "2026-03-02", "tz": "UTC"}, [2, 1]),
    ({"issued_from": "2026-03-03", "issued_to": "2026-03-03", "tz": "UTC"}, [3]),
    # open notices due before the day (row 1 is due on 2026-03-09 itself: not overdue)
    ({"overdue_on": "2026-03-09"}, [6, 5, 3]),
    ({"overdue_on": "2026-03-06"}, [6, 5]),
    ({"overdue_on": "2026-01-08"}, []),
    # filters together
    ({"applicant": "王", "date_from": "2026-03-01", "date_to": "2026-03-31"}, [1]),
    ({"outcome": "correct", "year": 2026, "number": "0001"}, [1]),
])
def test_each_filter_finds_the_rows_worked_out_by_hand(hall, filters, expected):
    assert rows(hall.search(**filters)) == expected
    assert hall.count(**filters) == len(expected)


def test_pages_of_the_newest_first(hall):
    assert rows(hall.search(limit=2)) == [6, 5]
    assert rows(hall.search(limit=2, offset=2)) == [4, 3]
    assert rows(hall.search(limit=2, offset=4)) == [2, 1]
    assert hall.search(limit=2, offset=6) == [] and hall.search(limit=0) == []
    assert rows(hall.search(limit=None, offset=5)) == [1]
    assert rows(hall.search(status="open", limit=1, offset=1)) == [5]
    assert hall.count(status="open") == 4  # all pages


def test_a_supplied_notice_is_no_longer_overdue(hall):
    hall.mark_supplied(ROW[3])
    assert rows(hall.search(overdue_on="2026-03-09")) == [6, 5]
    assert rows(hall.search(status="supplied")) == [3]


def test_another_agency_sees_only_its_own(hall, url):  # noqa: F811
    with Register(url, OTHER, OTHER_ABBR) as other:
        found = other.search(applicant="王小明")
        assert [e.number for e in found] == ["某审审补〔2026〕第0042号", "某审审补〔2026〕第0001号"]
        assert other.count() == 4 and other.search(number="西市监") == []
        waiting = other.follow_up(date(2026, 3, 9))
        assert len(waiting) == 4 and {f.entry.agency for f in waiting} == {OTHER}
    assert hall.count() == 6 and hall.search(number="某审") == []


@pytest.mark.parametrize("filters, argument", [
    ({"date_from": "2026-02-30"}, "date_from"),
    ({"date_to": "03/01/2026"}, "date_to"),
    ({"issued_from": "yesterday"}, "issued_from"),
    ({"issued_to": "2026-3-1"}, "issued_to"),
    ({"overdue_on": "2026-13-01"}, "overdue_on"),
    ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_from"),
    ({"issued_from": "2026-03-02", "issued_to": "2026-03-01"}, "issued_from"),
    ({"status": "lost"}, "status"),
    ({"outcome": "maybe"}, "outcome"),
    ({"year": "2026"}, "year"),
    ({"number": 42}, "number"),
    ({"limit": -1}, "limit"),
    ({"offset": -1}, "offset"),
    ({"limit": True}, "limit"),
    ({"tz": "Mars/Olympus"}, "tz"),
    ({"tz": "../../etc/passwd"}, "tz"),
])
def test_bad_arguments_are_value_errors_naming_the_argument(hall, filters, argument):
    with pytest.raises(ValueError) as caught:
        hall.search(**filters)
    assert isinstance(caught.value, BadArgument) and caught.value.argument == argument
    assert str(caught.value).startswith(f"{argument}: ")


def test_list_is_search(hall):
    assert rows(hall.list()) == [6, 5, 4, 3, 2, 1]
    assert rows(hall.list("individual-business-registration", "correct", 2026)) == [6, 1]
    assert rows(hall.list(status="open", limit=2)) == [6, 5]
    with pytest.raises(ValueError):
        hall.list(status="lost")


# ------------------------------------------------------------------------------ follow-up

def test_follow_up_lists_the_open_notices_by_due_date_marking_the_overdue(url):  # noqa: F811
    with Register(url, AGENCY, ABBR) as reg:
        late = put(reg, "k/late", "rongque", "2026-03-02", deadline="2026-03-06")
        none = put(reg, "k/none", "correct", "2026-03-02", deadline=None)  # a matter that is no licence
        today = put(reg, "k/today", "correct", "2026-03-02", deadline="2026-03-09")
        earliest = put(reg, "k/earliest", "correct", "2026-02-02", deadline="2026-02-09")
        later = put(reg, "k/later", "rongque", "2026-03-02", deadline="2026-03-20")
        done = put(reg, "k/done", "rongque", "2026-03-02", deadline="2026-03-01")
        reg.mark_supplied(done.number)
        put(reg, "k/accepted", "accept", "2026-03-02", deadline="2026-03-01")  # awaits nothing
        put(reg, "k/old", "correct", "2026-03-02", deadline="2026-03-02", content="v1")
        newer = put(reg, "k/old", "accept", "2026-03-03", content="v2")  # closes the old 补正
        assert newer.supersedes
        found = reg.follow_up(date(2026, 3, 9))
        assert [(f.entry.number, f.overdue) for f in found] == [
            (earliest.number, True), (late.number, True), (today.number, False),  # due on the day: not yet
            (later.number, False), (none.number, False)]  # no due date: last, never overdue
        entry, overdue = found[0]  # a pair
        assert entry.deadline == "2026-02-09" and overdue is True
        assert [f.overdue for f in reg.follow_up("2026-03-10")] == [True, True, True, False, False]
        assert [f.overdue for f in reg.follow_up(date(2026, 2, 9))] == [False] * 5
        assert [f.entry.number for f in reg.follow_up(date(2026, 3, 9), limit=2)] == [earliest.number, late.number]
        with pytest.raises(BadArgument) as caught:
            reg.follow_up("next week")
        assert caught.value.argument == "today"


# ------------------------------------------------------------------------------ the command line

def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_register_list_filters_on_the_command_line(hall, url):  # noqa: F811
    base = ("register", "list", "--db", url, "--abbr", ABBR)
    r = cli(*base, "--applicant", "王", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json")
    assert r.exit_code == 0, r.output
    got = json.loads(r.stdout)
    assert [o["number"] for o in got] == [ROW[1]]
    assert got[0]["applicant_id"] == "110***********0021" and "notice_json" not in got[0]
    assert got[0]["application_key"] == f"{IBR}/A-1" and got[0]["deadline"] == "2026-03-09"
    r = cli(*base, "--number", "0042")
    assert r.exit_code == 0 and r.stdout.count("号") == 1 and ROW[6] in r.stdout
    r = cli(*base, "--reference", "A%3", "--status", "open", "--outcome", "rongque", "--matter", IBR)
    assert r.stdout.count("号") == 1 and ROW[3] in r.stdout
    r = cli(*base, "--issued-from", "2026-03-03", "--issued-to", "2026-03-03", "--format", "json")
    assert [o["number"] for o in json.loads(r.stdout)] == [ROW[2]]
    r = cli(*base, "--overdue-on", "2026-03-09", "--year", "2026", "--format", "json")
    assert [o["number"] for o in json.loads(r.stdout)] == [ROW[6], ROW[3]]
    # a page: the rest is counted on standard error
    r = cli(*base, "--limit", "2", "--offset", "2", "--format", "json")
    assert [o["number"] for o in json.loads(r.stdout)] == [ROW[4], ROW[3]]
    assert "2 shown (3-4) of 6" in r.stderr
    assert cli(*base, "--limit", "6").stderr == ""  # all shown: nothing to say
    # CSV: the ledger
    r = cli(*base, "--status", "closed", "--format", "csv", "--lang", "en")
    assert r.stdout_bytes.startswith(b"\xef\xbb\xbfDocument number,Matter,")
    assert r.stdout_bytes.count(b"\r\n") == 3


@pytest.mark.parametrize("args, option", [
    (("--from", "2026-02-30"), "--from"), (("--to", "1 March"), "--to"),
    (("--issued-from", "x"), "--issued-from"), (("--issued-to", "2026-03-1"), "--issued-to"),
    (("--status", "lost"), "--status"), (("--outcome", "approve"), "--outcome"),
    (("--overdue-on", "soon"), "--overdue-on"), (("--tz", "Nowhere/City"), "--tz"),
    (("--limit", "-5"), "--limit"), (("--offset", "-1"), "--offset"),
    (("--from", "2026-03-09", "--to", "2026-03-01"), "--from"),
])
def test_bad_filters_are_exit_2_naming_the_option(hall, url, tmp_path, args, option):  # noqa: F811
    paging = option in ("--limit", "--offset")  # list's only: export writes every notice found
    for command in (("list",),) + (() if paging else (("export", "--output", tmp_path / "unused.xlsx"),)):
        r = cli("register", *command, "--db", url, "--abbr", ABBR, *args)
        assert r.exit_code == 2, r.output
        assert r.stderr.startswith(f"{option}: E023 ") and "Traceback" not in r.output
        assert "date_from" not in r.stderr and "date_to" not in r.stderr  # the option's name, not the code's
    assert not (tmp_path / "unused.xlsx").exists()
    r = cli("register", "follow-up", "--db", url, "--abbr", ABBR, "--today", "2026-02-30")
    assert r.exit_code == 2 and r.stderr.startswith("--today: E023 ")


def test_a_full_id_number_typed_in_the_wrong_option_is_not_echoed(hall, url):  # noqa: F811
    r = cli("register", "list", "--db", url, "--abbr", ABBR, "--from", ID_A)
    assert r.exit_code == 2 and "110***********0021" in r.stderr and ID_A not in r.output


def test_register_follow_up_on_the_command_line(hall, url):  # noqa: F811
    r = cli("register", "follow-up", "--db", url, "--abbr", ABBR, "--today", "2026-03-09")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    # due 2026-01-08, 03-05, 03-06 (overdue), 03-09 (due today)
    assert [line.split()[0] if line.startswith("OVERDUE") else "-" for line in lines] == ["OVERDUE"] * 3 + ["-"]
    assert [re.search(r"\S+号", line).group() for line in lines] == [ROW[5], ROW[6], ROW[3], ROW[1]]
    r = cli("register", "follow-up", "--db", url, "--abbr", ABBR, "--today", "2026-03-06", "--format", "json")
    assert [(o["number"], o["overdue"]) for o in json.loads(r.stdout)] == [
        (ROW[5], True), (ROW[6], True), (ROW[3], False), (ROW[1], False)]


def test_register_export_writes_the_ledger_and_the_audit_log(hall, url, tmp_path):  # noqa: F811
    from openpyxl import load_workbook
    out = tmp_path / "2026-03.xlsx"
    r = cli("register", "export", "--db", url, "--abbr", ABBR, "--from", "2026-03-01", "--to", "2026-03-31",
            "--output", out)
    assert r.exit_code == 0, r.output
    assert "3 notice(s) written" in r.stdout
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][:2] == ["文号", "事项"]
    assert [sheet.cell(row=i, column=1).value for i in (2, 3, 4)] == [ROW[3], ROW[2], ROW[1]]
    assert sheet.max_row == 4
    log = hall.audit_log(limit=1)[0]
    assert (log["action"], log["subject"]) == ("export", "2026-03.xlsx")
    assert "xlsx, 3 notice(s)" in log["detail"] and "--from 2026-03-01" in log["detail"]
    csv_out = tmp_path / "all.csv"  # the format from the file's name
    r = cli("register", "export", "--db", url, "--abbr", ABBR, "--output", csv_out)
    assert r.exit_code == 0 and csv_out.read_bytes().decode("utf-8-sig").count("\r\n") == 7
    r = cli("register", "export", "--db", url, "--abbr", ABBR, "--format", "csv", "--output", tmp_path / "x.xlsx",
            "--applicant", ID_A)
    assert r.exit_code == 0 and (tmp_path / "x.xlsx").read_bytes().decode("utf-8-sig").count("\r\n") == 2
    log = hall.audit_log(limit=1)[0]
    assert "--applicant 110***********0021" in log["detail"] and ID_A not in log["detail"]
    r = cli("register", "export", "--db", url, "--abbr", ABBR, "--output", tmp_path / "no" / "such" / "x.xlsx")
    assert r.exit_code == 2 and "E004" in r.stderr


def test_the_abbreviation_alone_finds_its_agency(url):  # noqa: F811
    """The README's first example failed: notices numbered with --agency 西城区市场监管局 --abbr
    西市监, then listed with --abbr 西市监 alone, which named an agency 西市监 that the abbreviation
    does not belong to (exit 2)."""
    with Register(url, AGENCY, ABBR) as reg:
        put(reg, f"{IBR}/A-1", "correct", "2026-03-02")
    r = cli("register", "list", "--db", url, "--abbr", ABBR)
    assert r.exit_code == 0, r.output
    assert "西市监审补〔2026〕第0001号" in r.stdout
    # an abbreviation the register does not know yet names a new agency, as before
    r = cli("register", "list", "--db", url, "--abbr", "新局")
    assert r.exit_code == 0 and r.stdout == ""
    with Register(url, "新局", "新局"):
        pass
    # naming another agency for a held abbreviation is still refused
    r = cli("register", "list", "--db", url, "--abbr", ABBR, "--agency", "另一个局")
    assert r.exit_code == 2 and "belongs to '西城区市场监管局'" in r.stderr


# ------------------------------------------------------------------------------ the README's examples

def readme_register_examples() -> list[str]:
    """The `checker register ...` commands of README's section "The register", in order."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("**The register.**"):text.index("**The register's tables**")]
    return [line for block in re.findall(r"```sh\n(.*?)```", section, re.S)
            for line in block.splitlines() if line.startswith("checker register ")]


def test_the_readmes_register_examples_run(url, tmp_path, monkeypatch):  # noqa: F811
    """Each example runs (exit 0) on a register as the README's screening example leaves it
    (`--agency 西城区市场监管局 --abbr 西市监`), holding the notices the examples name."""
    monkeypatch.chdir(tmp_path)
    db = url if "://" in url else "register.sqlite"
    with Register(db, AGENCY, ABBR) as reg:
        put(reg, f"{IBR}/A-1", "accept", "2026-02-27", applicant="王五")
        jump(reg, "审补", 2026, 41)
        # a real notice (the README's example application): `register show --format pdf` prints it
        leased = check(Workspace(REPO).compiled(IBR, None), REPO / "examples" / "individual-business-leased-agent.yaml")
        put(reg, f"{IBR}/A-2", "correct", "2026-03-02", applicant="王小明", applicant_id=ID_A, deadline="2026-03-09",
            notice_json=render(leased, "json"))
        jump(reg, "审容", 2026, 6)
        put(reg, f"{IBR}/A-7", "rongque", "2026-03-03", applicant="李四", deadline="2026-03-06")
    examples = readme_register_examples()
    assert len(examples) >= 9 and {e.split()[2] for e in examples} == {"list", "show", "follow-up", "supplied",
                                                                       "export"}
    outputs = []
    for example in examples:
        args = shlex.split(example, comments=True)[1:]
        args = [db if a == "register.sqlite" else a for a in args]
        r = cli(*args)
        assert r.exit_code == 0, f"{example}\n{r.output}"
        outputs.append(r.stdout)
    by = dict(zip(examples, outputs))
    n42, n7 = "西市监审补〔2026〕第0042号", "西市监审容〔2026〕第0007号"
    # what each example shows, from the three notices above
    assert [re.search(r"\S+号", line).group() for line in by[examples[0]].splitlines()] == [n7, n42]  # --status open
    assert by[examples[1]].count("号") == 1 and n42 in by[examples[1]]  # 王, in March: not 王五 of February
    assert [o["number"] for o in json.loads(by[examples[2]])] == [n42]  # --number 0042
    assert n42 in by[examples[3]] and by[examples[3]].count("号") == 1  # the ID number
    follow = next(out for ex, out in by.items() if " follow-up " in ex)
    assert follow.splitlines()[0].startswith("OVERDUE") and n7 in follow.splitlines()[0]  # due 03-06
    assert not follow.splitlines()[1].startswith("OVERDUE") and n42 in follow.splitlines()[1]  # due 03-09
    assert (tmp_path / "2026-03.xlsx").is_file()
    with Register(db, AGENCY, ABBR) as reg:
        assert reg.show(n7).status == "supplied"


def test_a_register_from_before_the_search_indexes_gets_them(url):  # noqa: F811
    """search's newest first and follow_up's open notices have indexes; an older register is given
    them when it is opened, and keeps its notices."""
    with Register(url, AGENCY, ABBR) as reg:
        first = put(reg, f"{IBR}/A-1", "correct", "2026-03-02", deadline="2026-03-09")
        with reg._engine.begin() as conn:
            conn.execute(sa.text("DROP INDEX ix_notice_register_newest"))
            conn.execute(sa.text("DROP INDEX ix_notice_register_open"))
    with Register(url, AGENCY, ABBR) as reg:
        names = {i["name"] for i in sa.inspect(reg._engine).get_indexes("notice_register")}
        assert {"ix_notice_register_newest", "ix_notice_register_open"} <= names
        assert reg.search() == [first]
