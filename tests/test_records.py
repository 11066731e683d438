"""Issue 12, "a batch goes on; records are never merged", end to end.

1. A record the checker cannot process (a date near 9999-12-31, an integer of thousands of
   digits, a lone surrogate, a NUL, a CSV cell over the field limit, arithmetic beyond what the
   engine holds) is one located problem: `check` exits 2, `screen` reports it by file and line and
   goes on (exit 1 with the summary), the API and the form page answer 422. Never exit 3 or a 500.
2. Submission keys are lossless and unique: two submissions never share a key, a notice in the
   register or a notice file; a key never holds a full ID number.
3. A register lost during a run stops it at once with exit 2, saying what was numbered.

The narrow tests of each refusal are in test_bad_input.py (CASES), test_register.py and
test_application.py; this file walks the batch and the entry points.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from checker.shells.register import Register
from checker.shells.screen import Record, submission_key
from checker.shells.web import create_app
from conftest import REPO, notice_files
from test_bad_input import APP, TL, cli

GOOD = {**yaml.safe_load(APP), "matter": TL}
DAY = "2026-03-02"


def good(**extra) -> dict:
    return json.loads(json.dumps({**GOOD, **extra}))


def with_fact(name: str, value, **extra) -> dict:
    app = good(**extra)
    app["facts"][name] = value
    return app


def jsonl(path: Path, apps: list) -> Path:
    """A JSON Lines batch; json.dumps writes a lone surrogate as the escape \\ud800, as other systems do."""
    path.write_text("\n".join(a if isinstance(a, str) else json.dumps(a) for a in apps) + "\n", encoding="utf-8")
    return path


def problems_of(output: str, source: Path) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(f"{source}:")]


@pytest.fixture(scope="module")
def client(root):
    return TestClient(create_app(root), raise_server_exceptions=False)


# --- 1. what cannot be processed is one located problem, and the batch goes on ---------------------

HUGE = int("9" * 4300)  # Python can still write it; one more digit and it cannot
BAD_RECORDS = [  # (the application, the code, words of the message)
    (good(reference="R-2", date="9999-12-31"), "A005", "date: '9999-12-31' is outside the dates the checker handles"),
    (with_fact("members", HUGE, reference="R-3"), "A006", "facts.members: a number of more than 30 digits"),
    (good(reference="\ud800"), "A006", "reference: text holding a lone surrogate U+D800 at character 1"),
    (good(reference="R-5", applicant={"name": "王\ud800"}), "A006", "applicant.name: text holding a lone surrogate"),
    (good(reference="R-6", applicant={"name": "王\x00"}), "A006", "applicant.name: text holding a NUL character at character 2"),
    (with_fact("birth_date", "9999-12-31", reference="R-7"), "A005", "facts.birth_date: '9999-12-31' is outside"),
    (good(reference="R-8", facts={**GOOD["facts"], "homes": [{"area": 1e300}]}), "A002", "facts.homes: 1e+300 "),
    (good(reference="R-9", **{"\udc80x": 1}), "A006", "(top level): a key holding a lone surrogate U+DC80"),
]


def test_records_that_cannot_be_processed_are_reported_by_line_and_the_batch_goes_on(root, tmp_path):
    src = jsonl(tmp_path / "batch.jsonl", [good(reference="R-1"), *[app for app, _, _ in BAD_RECORDS],
                                           good(reference="R-10")])
    r = cli("screen", src, "--out", tmp_path / "out", "--root", root, "--db", tmp_path / "register.db")
    assert r.exit_code == 1, r.output
    assert f"{len(BAD_RECORDS) + 2} application(s): accept 2; unusable {len(BAD_RECORDS)};" in r.output
    lines = problems_of(r.output, src)
    assert len(lines) == len(BAD_RECORDS), r.output
    for n, (line, (_, code, words)) in enumerate(zip(lines, BAD_RECORDS), start=2):
        assert line.startswith(f"{src}:{n}:1: {code} ") and words in line, line
    assert notice_files(tmp_path / "out") == [f"{TL}/R-1.html", f"{TL}/R-1.json", f"{TL}/R-10.html", f"{TL}/R-10.json"]


def test_an_integer_python_cannot_read_is_refused_where_it_is_written(root, tmp_path):
    digits = "9" * 4301
    src = jsonl(tmp_path / "batch.jsonl", [good(reference="R-1"), json.dumps(good(reference="R-2")).replace(
        '"members": 3', f'"members": {digits}'), good(reference="R-3")])
    r = cli("screen", src, "--out", tmp_path / "out", "--root", root)
    [line] = problems_of(r.output, src)
    assert line.startswith(f"{src}:2:") and "E015" in line and "a number of 4301 digits is too large" in line
    assert "3 application(s): accept 2; unusable 1;" in r.output
    path = tmp_path / "app.yaml"
    path.write_text(APP.replace("  members: 3", f"  members: {digits}"), encoding="utf-8")
    r = cli("check", TL, path, "--root", root)
    column = len("  members: ") + 1
    assert r.exit_code == 2 and r.output.startswith(f"{path}:9:{column}: E015 "), r.output


def test_a_csv_cell_over_the_field_limit_is_reported_by_row_and_the_batch_goes_on(root, tmp_path):
    src = tmp_path / "batch.csv"
    rows = ["matter,date,reference,fact.members,applicant_name", f"{TL},{DAY},C-1,3,甲",
            f"{TL},{DAY},C-2,3,{'长' * 200_000}", f"{TL},{DAY},C-3,3,丙"]
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    r = cli("screen", src, "--out", tmp_path / "out", "--root", root, "--summary-only")
    assert r.exit_code == 1 and "3 application(s): correct 2; unusable 1" in r.output, r.output  # facts missing
    [line] = problems_of(r.output, src)
    assert line.startswith(f"{src}:3:1: E002 ") and "a cell is larger than the 131072 character limit" in line


def test_arithmetic_beyond_what_the_engine_holds_is_unknown_not_a_crash(root, tmp_path):
    from test_bad_input import TINY, TOO_RICH, _household
    product = "derived:\n  household_income:\n    type: number\n    value: income * members\n" \
              "    label: {zh: 家庭收入, en: household income}\n"
    matter = tmp_path / "tiny.yaml"
    matter.write_text(TINY + product + TOO_RICH.format(when="household_income > 500"), encoding="utf-8")
    app = _household(tmp_path, 2000)
    app.write_text(app.read_text("utf-8").replace("income: 1200", "income: 900000000000000"), encoding="utf-8")
    r = cli("check", matter, app, "--root", root, "--format", "json")
    assert r.exit_code == 1, r.output  # a notice, not an internal error: 1.8e18 is past 1e15
    notice = json.loads(r.output)
    # the computed value is past what the engine holds: the facts it comes from are to be confirmed
    assert notice["reasons"] == [] and [i["fact"] for i in notice["info_needed"]] == ["income", "members"]


@pytest.mark.parametrize("app, code, words", BAD_RECORDS[:4], ids=["date", "integer", "surrogate", "name"])
def test_the_api_answers_422_naming_the_field(app, code, words, client):
    body = json.dumps({k: v for k, v in app.items() if k != "matter"}).encode()
    r = client.post(f"/api/matters/{TL}/check", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    [problem] = r.json()["problems"]
    assert problem["code"] == code and words.split(": ", 1)[1] in problem["message"], problem


@pytest.mark.parametrize("params, words", [
    ({"date": "9999-12-31"}, "日期须在 1900-01-01 至 2199-12-31 之间"),
    ({"date": DAY, "birth_date": "9999-12-31"}, "日期须在 1900-01-01 至 2199-12-31 之间"),
    ({"date": "9999-12-31", "lang": "en"}, "enter a date from 1900-01-01 to 2199-12-31"),
])
def test_the_form_page_answers_422_and_marks_the_answer(params, words, client):
    answers = {k: v for k, v in params.items() if k != "lang"}  # the form POSTs its answers
    query = f"?lang={params['lang']}" if "lang" in params else ""
    r = client.post(f"/matters/{TL}{query}", data=answers)
    assert r.status_code == 422 and words in r.text, r.text[:300]
    r = client.post(f"/matters/{TL}/notice{query}", data=answers)  # a notice dated otherwise would be wrong
    assert r.status_code == 422 and words in r.text, r.text[:300]


# --- the class: hostile values anywhere, through every entry point ---------------------------------

hostile = st.one_of(
    st.integers(0, 4300).map(lambda n: 10 ** n - 1), st.integers(0, 4300).map(lambda n: 1 - 10 ** n),  # JSON: 4300 digits at most
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["9999-12-31", "0001-01-01", "1899-12-31", "1900-01-01", "2199-12-31", "2200-01-01"]),
    st.text(st.characters(min_codepoint=0, max_codepoint=0xDFFF), max_size=8),  # surrogates and NUL included
    st.integers(0, 300_000).map(lambda n: "长" * n),
    st.floats(allow_nan=False), st.booleans(), st.none(),
)
PLACES = [("date",), ("reference",), ("applicant", "name"), ("applicant", "id_number"), ("facts", "members"),
          ("facts", "monthly_income"), ("facts", "birth_date"), ("facts", "id_number"), ("facts", "homes"),
          ("materials", 0, "valid_until"), ("materials", 0, "copies"), ("materials", 0, "note")]


def _planted(values: list) -> dict:
    app = good()
    app.setdefault("applicant", {})
    for (place, value) in values:
        *path, last = PLACES[place]
        target = app
        for p in path:
            target = target[p]
        target[last] = [{"area": value}] if PLACES[place] == ("facts", "homes") else value
    return app


planted = st.lists(st.tuples(st.integers(0, len(PLACES) - 1), hostile), min_size=1, max_size=3).map(_planted)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "400")) // 8, deadline=None)
@given(st.lists(planted, min_size=1, max_size=4))
def test_hostile_values_never_crash_any_entry_point(root, client, tmp_path_factory, apps):
    tmp = tmp_path_factory.mktemp("hostile")
    src = jsonl(tmp / "batch.jsonl", [dict(a, reference=f"H-{i}") if "reference" not in a else a
                                      for i, a in enumerate(apps)])
    r = cli("screen", src, "--out", tmp / "out", "--root", root, "--db", tmp / "register.db")
    assert r.exit_code in (0, 1), r.output
    assert f"{len(apps)} application(s):" in r.output, r.output
    path = tmp / "app.json"
    path.write_text(json.dumps(apps[0]), encoding="utf-8")
    assert cli("check", TL, path, "--root", root).exit_code in (0, 1, 2)
    body = json.dumps({k: v for k, v in apps[0].items() if k != "matter"}).encode()
    r = client.post(f"/api/matters/{TL}/check", content=body, headers={"content-type": "application/json"})
    assert r.status_code in (200, 400, 413, 422), r.text[:300]


# --- 2. keys: lossless, unique, no ID numbers --------------------------------------------------------

def register_list(db: Path) -> str:
    r = cli("register", "list", "--db", db)
    assert r.exit_code == 0, r.output
    return r.output


def test_references_that_differ_only_in_punctuation_are_two_submissions(root, tmp_path):
    db = tmp_path / "register.db"
    first = good(reference="2026/001", applicant={"name": "甲"}, facts={**GOOD["facts"], "members": 4})
    src = jsonl(tmp_path / "batch.jsonl", [first, good(reference="2026 001", applicant={"name": "乙"})])
    r = cli("screen", src, "--out", tmp_path / "out", "--root", root, "--db", db)
    assert r.exit_code == 0 and "2 application(s): accept 2; unusable 0" in r.output, r.output
    with Register(str(db), "X", "X") as reg:
        a, b = reg.find(f"{TL}/2026/001"), reg.find(f"{TL}/2026 001")
    assert [e.number for e in a] == ["X审受〔2026〕第0001号"] and [e.number for e in b] == ["X审受〔2026〕第0002号"]
    assert a[0].supersedes is None and b[0].supersedes is None
    assert notice_files(tmp_path / "out") == [f"{TL}/2026%20001.html", f"{TL}/2026%20001.json",
                                              f"{TL}/2026%2F001.html", f"{TL}/2026%2F001.json"]
    assert json.loads((tmp_path / "out" / "notices" / TL / "2026%2F001.json").read_text("utf-8"))[
        "application"]["applicant"]["name"] == "甲"


def test_records_without_a_reference_in_two_files_are_two_submissions(root, tmp_path):
    db, out = tmp_path / "register.db", tmp_path / "out"
    for day, name in (("monday", "甲"), ("tuesday", "乙")):
        folder = tmp_path / day
        folder.mkdir()
        src = jsonl(folder / "batch.jsonl", [good(applicant={"name": name})])
        assert cli("screen", src, "--out", out, "--root", root, "--db", db).exit_code == 0
    listing = register_list(db)
    for day, number in (("monday", "第0001号"), ("tuesday", "第0002号")):
        key = f"{TL}/{(tmp_path / day / 'batch.jsonl').resolve()}:1"
        assert re.search(rf"{number}.* {re.escape(key)}$", listing, re.M), listing
    assert "supersedes" not in listing
    assert notice_files(out) == [f"{TL}/batch.jsonl%3A1~HASH.html"] * 2 + [f"{TL}/batch.jsonl%3A1~HASH.json"] * 2


def test_a_reference_that_is_an_id_number_is_never_stored_or_named_in_full(root, tmp_path):
    full, other = "110105194912310021", "110105194912310031"  # the same mask, two people
    db = tmp_path / "register.db"
    src = jsonl(tmp_path / "batch.jsonl", [good(reference=full), good(reference=other)])
    r = cli("screen", src, "--out", tmp_path / "out", "--root", root, "--db", db)
    assert r.exit_code == 0 and "unusable 0" in r.output, r.output
    listing = register_list(db)
    assert full not in listing and other not in listing and listing.count("110***********00") == 2
    keys = re.findall(rf"{TL}/(\S+)", listing)
    assert len(set(keys)) == 2 and all(re.fullmatch(r"110\*{11}00[23]1#[0-9a-f]{12}", k) for k in keys), keys
    names = notice_files(tmp_path / "out")
    assert len(names) == 4 and not any(full in n or other in n for n in names)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("register.db*"))
    assert full.encode() not in raw and other.encode() not in raw


def test_a_reference_used_twice_in_a_batch_is_refused_and_the_first_kept(root, tmp_path):
    first = good(reference="R-1", applicant={"name": "甲"})
    second = good(reference="R-1", applicant={"name": "乙"}, facts={**GOOD["facts"], "members": 5})
    src = jsonl(tmp_path / "batch.jsonl", [first, second, good(reference="R-2")])
    for register in ([], ["--db", tmp_path / "register.db"]):
        out = tmp_path / f"out{len(register)}"
        r = cli("screen", src, "--out", out, "--root", root, *register)
        assert r.exit_code == 1 and "3 application(s): accept 2; unusable 1" in r.output, r.output
        [line] = problems_of(r.output, src)
        assert line.startswith(f"{src}:2:1: E024 ") and f"already used in this batch, by the record at {src}:1:1" in line
        kept = json.loads((out / "notices" / TL / "R-1.json").read_text("utf-8"))
        assert kept["application"]["applicant"]["name"] == "甲"


def test_another_applicants_submission_under_a_taken_key_is_refused(root, tmp_path):
    db = tmp_path / "register.db"
    first = jsonl(tmp_path / "monday.jsonl", [good(reference="R-1", applicant={"name": "甲"})])
    assert cli("screen", first, "--out", tmp_path / "out", "--root", root, "--db", db).exit_code == 0
    later = with_fact("members", 5, reference="R-1", applicant={"name": "乙"})
    src = jsonl(tmp_path / "tuesday.jsonl", [later, good(reference="R-2")])
    r = cli("screen", src, "--out", tmp_path / "out", "--root", root, "--db", db)
    assert r.exit_code == 1 and "2 application(s): accept 1; unusable 1" in r.output, r.output
    [line] = problems_of(r.output, src)
    assert line.startswith(f"{src}:1:1: E024 ") and "belongs to another applicant (notice X审受〔2026〕第0001号)" in line
    assert "supersedes" not in register_list(db)
    kept = json.loads((tmp_path / "out" / "notices" / TL / "R-1.json").read_text("utf-8"))
    assert kept["application"]["applicant"]["name"] == "甲" and kept["number"] == "X审受〔2026〕第0001号"


@pytest.mark.parametrize("reference, name", [
    ("2026/001", "2026%2F001"), ("2026 001", "2026%20001"), ("2026_001", "2026_001"), ("a%2Fb", "a%252Fb"),
    ("../etc", "%2E.%2Fetc"), (".", "%2E"), ("西城~1", "西城%7E1"), ("A:1\\b", "A%3A1%5Cb"),
])
def test_notice_file_names_are_escaped_never_merged(reference, name):
    record = Record(where=None, source="/x/batch.jsonl:1", data={"reference": reference})  # type: ignore[arg-type]
    assert submission_key(TL, record) == (f"{TL}/{reference}", f"{TL}/{name}")


def test_a_long_reference_gets_a_short_unique_file_name():
    names = {submission_key(TL, Record(None, "/x:1", {"reference": "号" * 99 + end}))[1]  # type: ignore[arg-type]
             for end in "甲乙"}
    assert len(names) == 2
    assert all(len(n.split("/")[1].encode()) <= 200 and re.search(r"号[甲乙]~[0-9a-f]{16}$", n) for n in names)


# --- 3. the output folder and the register ---------------------------------------------------------

def test_out_naming_a_file_is_a_usage_error(root, tmp_path):
    src = jsonl(tmp_path / "batch.jsonl", [good(reference="R-1")])
    target = tmp_path / "summary.txt"
    target.write_text("keep me", encoding="utf-8")
    r = cli("screen", src, "--out", target, "--root", root)
    assert r.exit_code == 2 and r.output.startswith(f"{target}: E004 ") and "is a file, not a folder" in r.output
    assert target.read_text("utf-8") == "keep me"


def _stop_after(monkeypatch, n: int, stop) -> None:
    """Make the register lose its database after `n` notices are numbered."""
    real, calls = Register.issue, []

    def issue(self, **kw):
        if len(calls) == n:
            stop()
        calls.append(1)
        return real(self, **kw)
    monkeypatch.setattr(Register, "issue", issue)


def _assert_stopped(r, src: Path, out: Path, number: str) -> None:
    assert r.exit_code == 2, r.output
    assert "E022" in r.output and "unusable" not in r.output
    assert (f"stopped: the register was lost at {src}:3:1; 2 notice(s) numbered in this run, the last {number}. "
            "Run the same command again") in r.output.replace("\n", " ")
    assert notice_files(out) == [f"{TL}/R-1.html", f"{TL}/R-1.json", f"{TL}/R-2.html", f"{TL}/R-2.json"]
    assert not (out / "summary.csv").exists()  # no summary of a run that did not finish


def test_a_sqlite_register_removed_during_a_run_stops_it(root, tmp_path, monkeypatch):
    db, out = tmp_path / "register.db", tmp_path / "out"
    src = jsonl(tmp_path / "batch.jsonl", [good(reference=f"R-{i}") for i in range(1, 6)])
    _stop_after(monkeypatch, 2, lambda: [p.unlink() for p in tmp_path.glob("register.db*")])
    _assert_stopped(cli("screen", src, "--out", out, "--root", root, "--db", db), src, out, "X审受〔2026〕第0002号")


@pytest.fixture
def own_postgresql():
    """A PostgreSQL server of this test's own (tests/pg.sh in a fresh folder on a free port), so that
    stopping it disturbs no other test; removed afterwards."""
    if not os.environ.get("CHECKER_TEST_PG"):
        pytest.skip("PostgreSQL variant: set CHECKER_TEST_PG (tests/pg.sh starts a server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, CHECKER_PG_PORT=str(port), CHECKER_PG_DIR=f"/tmp/checker-pg-{port}-{uuid.uuid4().hex[:8]}")

    def pg(action: str) -> str:
        return subprocess.run(["bash", str(REPO / "tests" / "pg.sh"), action], env=env, check=True,
                              capture_output=True, text=True).stdout.strip()
    try:
        yield pg("start"), pg
    finally:
        pg("clean")
        Path(f"/tmp/checker-pg-{port}.lock").unlink(missing_ok=True)  # pg.sh's lock for this port


def test_a_postgresql_register_stopped_during_a_run_stops_it(root, tmp_path, monkeypatch, own_postgresql):
    url, pg = own_postgresql
    out = tmp_path / "out"
    src = jsonl(tmp_path / "batch.jsonl", [good(reference=f"R-{i}") for i in range(1, 6)])
    _stop_after(monkeypatch, 2, lambda: pg("stop"))
    _assert_stopped(cli("screen", src, "--out", out, "--root", root, "--db", url), src, out, "X审受〔2026〕第0002号")
    monkeypatch.undo()
    pg("start")  # back again: the same command finishes the run, the first two keep their numbers
    r = cli("screen", src, "--out", out, "--root", root, "--db", url)
    assert r.exit_code == 0 and "5 application(s): accept 5; unusable 0" in r.output, r.output
    assert [f"第000{i}号" in json.loads((out / "notices" / TL / f"R-{i}.json").read_text("utf-8"))["number"]
            for i in range(1, 6)] == [True] * 5
