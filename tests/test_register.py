"""The register of issued notices (checker/shells/register.py), against SQLite and, when CHECKER_TEST_PG
names a PostgreSQL database (`export CHECKER_TEST_PG="$(tests/pg.sh)"`), against PostgreSQL too.

Every PostgreSQL test runs in a schema of its own (dropped afterwards), chosen through the URL's
`options=-csearch_path=...`, so the register's code sees an empty database each time."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import threading
import time
import uuid
from contextlib import contextmanager

import pytest

from checker.errors import CheckerError
from checker.shells.privacy import mask_id
import checker.shells.register as register_module
from checker.shells.register import (ATTEMPTS, KIND_WORD, Entry, KeyTaken, Register, RegisterError,
                                     database_url)

AGENCY, ABBR = "某市市场监督管理局", "X"
PG_URL = os.environ.get("CHECKER_TEST_PG", "")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def issue(reg: Register, key: str, content: str = "", *, kind: str = "correct", date: str = "2026-03-02",
          matter: str = "individual-business-registration", outcome: str | None = None,
          deadline: str | None = None, applicant: str = "", applicant_id: str = "", notice: str = "{}") -> Entry:
    return reg.issue(matter=matter, kind=kind, application_key=key, application_digest=sha(content or key),
                     application_date=date, outcome=outcome or kind, notice_json=notice, deadline=deadline,
                     applicant=applicant, applicant_id=applicant_id)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A database the register has never seen: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "register.db")
        return
    if not PG_URL:
        pytest.skip("PostgreSQL variant: set CHECKER_TEST_PG to a PostgreSQL URL "
                    "(tests/pg.sh starts a local server and prints one)")
    import sqlalchemy as sa
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(database_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield database_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"}) \
        .render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def reg(url):
    with Register(url, AGENCY, ABBR) as r:
        yield r


# ------------------------------------------------------------------------- numbering

def test_number_format_and_first_numbers(reg):
    e = issue(reg, "case-1")
    assert e.number == "X审补〔2026〕第0001号"
    assert (e.agency, e.kind, e.kind_word, e.year, e.seq) == (AGENCY, "correct", "审补", 2026, 1)
    assert e.status == "open" and e.supersedes is None and e.supplied_at is None
    assert e.issued_at.endswith("+00:00") and e.issued_at[:4].isdigit()
    assert reg.show(e.number) == e


def test_sequences_per_kind_word_and_year(reg):
    numbers = [issue(reg, f"k{i}", kind=kind, date=date).number for i, (kind, date) in enumerate([
        ("correct", "2026-03-02"), ("correct", "2026-12-31"), ("accept", "2026-03-02"), ("rongque", "2026-03-02"),
        ("correct", "2025-12-31"), ("refuse", "2026-01-05"), ("redirect", "2026-01-05"),
        ("not_required", "2026-02-01"), ("correct", "2026-01-01"), ("refuse", "2025-06-01")])]
    assert numbers == [
        "X审补〔2026〕第0001号", "X审补〔2026〕第0002号", "X审受〔2026〕第0001号", "X审容〔2026〕第0001号",
        "X审补〔2025〕第0001号",
        # refuse, redirect and not_required are all 不予受理 (审不): one sequence
        "X审不〔2026〕第0001号", "X审不〔2026〕第0002号", "X审不〔2026〕第0003号",
        "X审补〔2026〕第0003号", "X审不〔2025〕第0001号"]
    assert set(KIND_WORD) == {"accept", "rongque", "correct", "refuse", "redirect", "not_required"}


def test_sequence_number_grows_past_four_digits(reg):
    import sqlalchemy as sa
    issue(reg, "first")
    with reg._engine.begin() as conn:  # jump the counter rather than issue 9,999 notices
        conn.execute(sa.text("UPDATE notice_counter SET last_seq = 9999"))
    assert issue(reg, "second").number == "X审补〔2026〕第10000号"


def test_each_agency_has_its_own_sequences_and_abbreviation(url):
    with Register(url, AGENCY, ABBR) as x, Register(url, "某区行政审批局", "某审") as y:
        assert issue(x, "a").number == "X审补〔2026〕第0001号"
        assert issue(y, "a").number == "某审审补〔2026〕第0001号"
        assert issue(x, "b").number == "X审补〔2026〕第0002号"
        # each sees only its own entries
        assert [e.number for e in y.find("a")] == ["某审审补〔2026〕第0001号"]
        assert y.show("X审补〔2026〕第0002号") is None
        assert len(x.list()) == 2 and len(y.list()) == 1
    with pytest.raises(RegisterError, match="belongs to '某市市场监督管理局'"):
        Register(url, "另一个局", ABBR)


def test_bad_arguments_are_value_errors(reg):
    with pytest.raises(ValueError, match="unknown kind"):
        issue(reg, "k", kind="approve", outcome="accept")
    with pytest.raises(ValueError, match="unknown outcome"):
        issue(reg, "k", outcome="maybe")
    for bad in ("2026-02-30", "20260302", "2026/03/02", ""):
        with pytest.raises(ValueError, match="application_date"):
            issue(reg, "k", date=bad)
    with pytest.raises(ValueError, match="deadline"):
        issue(reg, "k", deadline="in five days")
    with pytest.raises(ValueError, match="sha256"):
        reg.issue(matter="m", kind="accept", application_key="k", application_digest="abc",
                  application_date="2026-03-02", outcome="accept", notice_json="{}", deadline=None)
    with pytest.raises(ValueError, match="application_key"):
        issue(reg, "")
    # nothing was numbered by the failed calls
    assert issue(reg, "k").number == "X审补〔2026〕第0001号"


def test_a_failed_transaction_takes_its_number_back(reg, monkeypatch):
    """The counter is advanced in the transaction that records the notice: if recording fails, the
    counter rolls back with it and the next notice gets the same number."""
    issue(reg, "before")
    real = reg._entry_t

    class Boom(Exception):
        pass

    def exploding_insert(table):
        if table is real:
            raise Boom("disk on fire")
        return original(table)

    import sqlalchemy as sa
    original = sa.insert
    monkeypatch.setattr(sa, "insert", exploding_insert)
    with pytest.raises(Boom):
        issue(reg, "lost")
    monkeypatch.undo()
    assert reg.find("lost") == []
    assert issue(reg, "after").number == "X审补〔2026〕第0002号"


# ------------------------------------------------------------------------- idempotency and history

def test_issuing_again_for_the_same_submission_returns_the_same_entry(reg):
    first = issue(reg, "case-7", "content A", applicant="王小明")
    again = issue(reg, "case-7", "content A", notice='{"different": "rendering"}')
    assert again == first
    assert [e.number for e in reg.find("case-7")] == [first.number]
    assert issue(reg, "case-8").seq == 2  # no number was used up


def test_a_changed_submission_supersedes_the_earlier_notice(reg):
    n1 = issue(reg, "case-9", "v1")
    n2 = issue(reg, "case-9", "v2", kind="rongque")
    assert n2.number == "X审容〔2026〕第0001号" and n2.supersedes == n1.number and n2.status == "open"
    assert reg.show(n1.number).status == "closed"  # the 补正 notice waits for nothing any more
    assert issue(reg, "case-9", "v2", kind="rongque") == n2  # idempotent again
    n3 = issue(reg, "case-9", "v3", kind="accept")
    assert n3.supersedes == n2.number and n3.status == "closed"
    # going back to earlier content is a new submission: compared with the latest entry only
    n4 = issue(reg, "case-9", "v1")
    assert n4.number == "X审补〔2026〕第0002号" and n4.supersedes == n3.number
    history = reg.find("case-9")
    assert [e.number for e in history] == [n1.number, n2.number, n3.number, n4.number]
    assert [e.supersedes for e in history] == [None, n1.number, n2.number, n3.number]
    assert reg.find("no-such-key") == []


# ------------------------------------------------------------------------- one applicant per key

ID_A, ID_B = "110105194912310021", "440524188001010014"  # valid resident ID numbers, two people


def test_a_key_is_never_superseded_by_another_applicant(reg):
    first = issue(reg, "case-1", "v1", applicant="王小明")
    with pytest.raises(KeyTaken) as refused:
        issue(reg, "case-1", "v2", applicant="李四")
    [problem] = refused.value.problems
    assert problem.code == "E024" and "case-1" in problem.message and first.number in problem.message
    # nothing was recorded: the first notice is still the open latest, no number was used up
    assert reg.find("case-1") == [first] and first.status == "open"
    assert issue(reg, "case-2").number == "X审补〔2026〕第0002号"


def test_the_id_number_decides_over_the_name_and_is_stored_masked(reg):
    first = issue(reg, "case-1", "v1", applicant="王小明", applicant_id=ID_A)
    assert first.applicant_id == "110***********0021" and reg.show(first.number).applicant_id == first.applicant_id
    # the same person with the name corrected: supersedes
    second = issue(reg, "case-1", "v2", applicant="王晓明", applicant_id=ID_A)
    assert second.supersedes == first.number
    # another person of the same name: refused
    with pytest.raises(KeyTaken):
        issue(reg, "case-1", "v3", applicant="王晓明", applicant_id=ID_B)
    # an ID number on one side only: the names decide
    assert issue(reg, "case-1", "v4", applicant="王晓明").supersedes == second.number
    with pytest.raises(KeyTaken):
        issue(reg, "case-1", "v5", applicant="赵六")


def test_without_names_or_id_numbers_a_changed_submission_supersedes(reg):
    first = issue(reg, "case-1", "v1", applicant="王小明")
    assert issue(reg, "case-1", "v2").supersedes == first.number  # nothing to compare with: as before
    # a document number that is not a resident ID number is neither stored nor compared
    assert issue(reg, "case-3", "v1", applicant_id="E12345678").applicant_id == ""


def test_a_register_from_before_the_applicant_id_column_gets_it(url):
    import sqlalchemy as sa
    with Register(url, AGENCY, ABBR) as reg:
        old = issue(reg, "case-1", "v1", applicant="王小明")
        with reg._engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE notice_register DROP COLUMN applicant_id"))
    with Register(url, AGENCY, ABBR) as reg:
        assert reg.show(old.number).applicant_id == ""
        with pytest.raises(KeyTaken):
            issue(reg, "case-1", "v2", applicant="李四", applicant_id=ID_B)
        assert issue(reg, "case-1", "v3", applicant="王小明", applicant_id=ID_A).supersedes == old.number


def test_a_sqlite_file_removed_while_open_is_a_register_error(tmp_path):
    path = tmp_path / "register.db"
    with Register(str(path), AGENCY, ABBR) as reg:
        issue(reg, "case-1")
        for p in tmp_path.glob("register.db*"):
            p.unlink()
        with pytest.raises(RegisterError, match="was removed or replaced while in use"):
            issue(reg, "case-2")  # an open connection would have written to the removed file


def test_mark_supplied(reg):
    rq = issue(reg, "case-rq", kind="rongque", deadline="2026-03-16")
    assert rq.status == "open"
    assert [e.number for e in reg.list(status="open")] == [rq.number]
    done = reg.mark_supplied(rq.number)
    assert done.status == "supplied" and done.supplied_at and done.supplied_at.endswith("+00:00")
    assert reg.show(rq.number) == done
    assert reg.mark_supplied(rq.number) == done  # again: nothing changes
    assert reg.list(status="open") == []

    accepted = issue(reg, "case-acc", kind="accept")
    with pytest.raises(RegisterError, match="awaits nothing"):
        reg.mark_supplied(accepted.number)
    old = issue(reg, "case-old", "v1", kind="rongque")
    issue(reg, "case-old", "v2", kind="correct")
    with pytest.raises(RegisterError, match="superseded"):
        reg.mark_supplied(old.number)
    with pytest.raises(RegisterError, match="no notice numbered"):
        reg.mark_supplied("X审容〔2026〕第9999号")
    # a supplied notice that is superseded keeps its status
    issue(reg, "case-rq", "changed", kind="accept")
    assert reg.show(rq.number).status == "supplied"


def test_list_filters(reg):
    issue(reg, "a", kind="correct", matter="m1", date="2025-05-01")
    issue(reg, "b", kind="accept", matter="m1", date="2026-03-02")
    issue(reg, "c", kind="correct", matter="m2", date="2026-03-02")
    issue(reg, "d", kind="refuse", matter="m2", date="2026-04-01")
    issue(reg, "e", kind="redirect", matter="m2", date="2026-04-01")
    keys = lambda entries: [e.application_key for e in entries]  # noqa: E731
    assert keys(reg.list()) == ["e", "d", "c", "b", "a"]  # newest first
    assert keys(reg.list(matter="m1")) == ["b", "a"]
    assert keys(reg.list(outcome="correct")) == ["c", "a"]
    assert keys(reg.list(year=2026)) == ["e", "d", "c", "b"]
    assert keys(reg.list(matter="m2", year=2026, outcome="refuse")) == ["d"]
    assert keys(reg.list(limit=2)) == ["e", "d"]
    assert keys(reg.list(limit=None)) == ["e", "d", "c", "b", "a"]
    assert keys(reg.list(status="closed")) == ["e", "d", "b"]
    assert reg.list(matter="nothing") == [] and reg.list(limit=0) == []
    with pytest.raises(ValueError):
        reg.list(status="lost")


def test_entry_fields_round_trip(reg):
    notice = json.dumps({"outcome": "correct", "missing": [{"id": "IB-03", "name": {"zh": "租赁合同"}}]},
                        ensure_ascii=False)
    e = issue(reg, "case-rt", "body", deadline="2026-03-09", notice=notice, matter="food-business-licence")
    got = reg.show(e.number)
    assert got == e
    assert json.loads(got.notice_json) == json.loads(notice)
    assert (got.deadline, got.application_date, got.matter, got.application_digest) == \
        ("2026-03-09", "2026-03-02", "food-business-licence", sha("body"))
    assert reg.show("X审补〔2026〕第0404号") is None


# ------------------------------------------------------------------------- several processes

def _issue_batch(url: str, prefix: str, count: int, barrier=None, results=None) -> None:
    """In a child process: issue `count` notices for keys prefix0000, prefix0001, ..."""
    reg = Register(url, AGENCY, ABBR)
    if barrier is not None:
        barrier.wait(timeout=60)
    started = time.monotonic()
    for i in range(count):
        key = f"{prefix}{i:04d}"
        issue(reg, key, f"content of {key}")
    if results is not None:
        results.put((prefix, started, time.monotonic()))
    reg.close()


def _run(ctx, target, *args):
    p = ctx.Process(target=target, args=args)
    p.start()
    return p


def test_concurrent_processes_get_unique_gap_free_numbers(reg, url):
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(4), ctx.Queue()
    procs = [_run(ctx, _issue_batch, url, f"p{n}-", 50, barrier, results) for n in range(4)]
    spans = [results.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    entries = reg.list(limit=None)
    assert len(entries) == 200
    assert sorted(e.seq for e in entries) == list(range(1, 201))
    assert len({e.number for e in entries}) == 200
    assert {e.application_key for e in entries} == {f"p{n}-{i:04d}" for n in range(4) for i in range(50)}
    # the four batches really ran at the same time
    assert max(s for _, s, _ in spans) < min(e for _, _, e in spans)
    # each process's own notices are in increasing order (each issue is one transaction)
    for n in range(4):
        mine = [e.seq for e in sorted(entries, key=lambda e: e.application_key) if e.application_key.startswith(f"p{n}-")]
        assert mine == sorted(mine)


def test_concurrent_processes_issuing_the_same_submissions_number_each_once(reg, url):
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    procs = [_run(ctx, _issue_batch, url, "same-", 30, barrier) for _ in range(4)]
    for p in procs:
        p.join(timeout=180)
        assert p.exitcode == 0
    entries = reg.list(limit=None)
    assert sorted(e.seq for e in entries) == list(range(1, 31))
    assert all(len(reg.find(f"same-{i:04d}")) == 1 for i in range(30))


def test_resume_after_a_killed_process(reg, url):
    """A process killed while issuing leaves a consistent register; running the same batch again
    numbers only what is missing, and keeps every number already issued."""
    total = 1000
    ctx = multiprocessing.get_context("spawn")
    p = _run(ctx, _issue_batch, url, "batch-", total)
    deadline = time.monotonic() + 120
    while len(reg.list(limit=40)) < 40:
        assert time.monotonic() < deadline and p.is_alive(), "the batch did not start"
        time.sleep(0.01)
    p.terminate()  # SIGTERM: no clean-up, possibly in the middle of a transaction
    p.join(timeout=30)
    assert p.exitcode is not None and p.exitcode < 0

    before = {e.application_key: e for e in reg.list(limit=None)}
    done = len(before)
    assert 40 <= done < total, "the process finished before it was killed: make the batch larger"
    assert sorted(e.seq for e in before.values()) == list(range(1, done + 1))
    if reg.dialect == "sqlite":
        with reg._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"

    _issue_batch(url, "batch-", total)  # the same batch again, from the start
    after = {e.application_key: e for e in reg.list(limit=None)}
    assert len(after) == total
    assert sorted(e.seq for e in after.values()) == list(range(1, total + 1))
    assert all(after[k] == e for k, e in before.items())  # what was issued is unchanged
    assert all(len(reg.find(f"batch-{i:04d}")) == 1 for i in (0, done - 1, done, total - 1))


# ------------------------------------------------------------------------- ID numbers

def test_mask_id():
    assert mask_id("110105194912310021") == "110***********0021"
    assert mask_id("11010519491231002X") == "110***********002X"
    assert mask_id("11010519491231002x") == "110***********002x"
    assert mask_id("王小明（身份证 110105194912310021），电话 13800000000") == \
        "王小明（身份证 110***********0021），电话 13800000000"
    assert mask_id("110105 19491231 0021 / 110105-19491231-002X") == "110***********0021 / 110***********002X"
    assert mask_id("ID:110105194912310021;ID:440524188001010014") == "ID:110***********0021;ID:440***********0014"
    assert mask_id("１１０１０５１９４９１２３１００２Ｘ") == "１１０***********００２Ｘ"  # full-width digits
    # not resident ID numbers: too short, too long (a bank card), mixed separators, a phone number
    for text in ("11010519491231002", "6222021234567890123", "110105 19491231-0021", "13800000000", ""):
        assert mask_id(text) == text


def test_the_register_never_stores_a_full_id_number(reg, url):
    full = "110105194912310021"
    notice = json.dumps({"application": {"applicant": {"name": "王小明", "id_number": full}},
                         "reasons": [{"facts": [{"fact": "id_number", "value": full}]}]}, ensure_ascii=False)
    e = issue(reg, "case-id", applicant=f"王小明 {full}", notice=notice)
    assert e.applicant == "王小明 110***********0021"
    stored = reg.show(e.number)
    assert stored.applicant == e.applicant and full not in stored.notice_json
    assert json.loads(stored.notice_json)["application"]["applicant"]["id_number"] == "110***********0021"
    assert issue(reg, "case-name", applicant="王小明").applicant == "王小明"
    if reg.dialect == "sqlite":  # not in the file either (nor in its write-ahead log)
        reg.close()
        raw = b"".join(open(p, "rb").read() for p in (url, url + "-wal") if os.path.exists(p))
        assert full.encode() not in raw and b"110***********0021" in raw


# ------------------------------------------------------------------------- opening the database

def test_sqlite_url_or_path_in_wal_mode(tmp_path):
    path = tmp_path / "r.db"
    with Register(str(path), AGENCY, ABBR) as a:
        issue(a, "k")
        with a._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    with Register(f"sqlite:///{path}", AGENCY, ABBR) as b:  # the same file, as a URL
        assert [e.number for e in b.find("k")] == ["X审补〔2026〕第0001号"]


def test_a_bare_postgresql_url_means_psycopg():
    assert database_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert database_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert database_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert database_url("reg.db").drivername == "sqlite"


@pytest.mark.parametrize("target, message", [
    ("postgresql+psycopg://someone:s3cret@127.0.0.1:1/nothing", "cannot open the register: connection failed"),
    ("{tmp}/no/such/folder/r.db", "the folder {tmp}/no/such/folder does not exist"),
    ("{tmp}", "unable to open database file"),  # a folder, not a file
    ("{tmp}/text.db", "file is not a database"),
    ("mysql://u@localhost/db", "unsupported database 'mysql'"),
    ("postgresql+psycopg2://u@localhost/db", "driver is not installed"),
    ("", "no database given"),
])
def test_unusable_databases_are_one_line_errors(tmp_path, target, message):
    (tmp_path / "text.db").write_text("not a database, just some text in a file\n", encoding="utf-8")
    with pytest.raises(RegisterError) as info:
        Register(target.format(tmp=tmp_path), AGENCY, ABBR)
    err, message = info.value, message.format(tmp=tmp_path)
    assert isinstance(err, CheckerError)  # the CLI prints it on one line and exits 2
    assert message in err.message and message in str(err)
    assert "\n" not in str(err) and "s3cret" not in str(err)


def test_bad_agency_settings(tmp_path):
    with pytest.raises(RegisterError, match="abbreviation is empty"):
        Register(str(tmp_path / "r.db"), AGENCY, " ")
    with pytest.raises(RegisterError, match="cannot start a document number"):
        Register(str(tmp_path / "r.db"), AGENCY, "X〔")
    with pytest.raises(RegisterError, match="agency's name"):
        Register(str(tmp_path / "r.db"), "", ABBR)


# ------------------------------------------------------------------------- clashes with another writer
#
# A write lost to a concurrent writer is retried (register.ATTEMPTS tries in all). The clash is
# either real (another connection holds the lock; two threads race for one key) or injected: the
# driver's own exception raised in place of the statement, as the database raises it.

NOTICE_INSERT = "INSERT INTO notice_register"


@pytest.fixture
def no_backoff(monkeypatch):
    """The pause between two attempts is a random few milliseconds: none in these tests."""
    monkeypatch.setattr(register_module.time, "sleep", lambda seconds: None)


def driver_error(dialect: str, clash: str) -> Exception:
    """The exception the database driver raises for `clash`."""
    if dialect == "postgresql":
        import psycopg.errors as pe
        return {"unique": pe.UniqueViolation, "deadlock": pe.DeadlockDetected,
                "serialization": pe.SerializationFailure, "lock timeout": pe.LockNotAvailable,
                "no clash": pe.NumericValueOutOfRange}[clash](f"injected {clash}")
    import sqlite3
    return {"unique": sqlite3.IntegrityError("UNIQUE constraint failed: notice_register.number"),
            "deadlock": sqlite3.OperationalError("database is locked"),
            "serialization": sqlite3.OperationalError("database table is locked"),
            "lock timeout": sqlite3.OperationalError("database is busy"),
            "no clash": sqlite3.OperationalError("disk I/O error")}[clash]


@contextmanager
def clashing(reg: Register, clash: str, times: int, statement: str = NOTICE_INSERT):
    """The first `times` executions of `statement` fail with the driver's error for `clash`; yields
    the list of attempts (one item per execution of `statement`)."""
    from sqlalchemy import event
    attempts: list[int] = []

    def before(conn, cursor, text, parameters, context, executemany):
        if text.lstrip().startswith(statement):
            attempts.append(len(attempts) + 1)
            if len(attempts) <= times:
                raise driver_error(reg.dialect, clash)

    event.listen(reg._engine, "before_cursor_execute", before)
    try:
        yield attempts
    finally:
        event.remove(reg._engine, "before_cursor_execute", before)


CLASHES = ["unique", "deadlock", "serialization", "lock timeout"]


@pytest.mark.parametrize("clash", CLASHES)
def test_a_writer_that_clashes_until_the_last_attempt_gets_the_next_number(reg, clash, no_backoff):
    """Each lost attempt rolls back with its number: the notice recorded on the last attempt gets
    the number right after the previous notice, and the next one follows without a gap."""
    issue(reg, "before")
    with clashing(reg, clash, ATTEMPTS - 1) as attempts:
        e = issue(reg, "contested", applicant="王小明")
    assert attempts == list(range(1, ATTEMPTS + 1))
    assert e.number == "X审补〔2026〕第0002号" and reg.find("contested") == [e]
    assert issue(reg, "after").number == "X审补〔2026〕第0003号"


@pytest.mark.parametrize("clash", CLASHES)
def test_a_writer_that_always_clashes_gives_up_after_attempts_tries(reg, clash, no_backoff):
    issue(reg, "before")
    with clashing(reg, clash, times=10 * ATTEMPTS) as attempts:
        with pytest.raises(RegisterError) as info:
            issue(reg, "contested")
    assert len(attempts) == ATTEMPTS == 8
    assert info.value.message.startswith("cannot issue a notice: ")
    assert str(driver_error(reg.dialect, clash)) in info.value.message  # the driver's words, on one line
    assert "\n" not in str(info.value)
    assert reg.find("contested") == []  # nothing recorded, no number used up
    assert issue(reg, "after").number == "X审补〔2026〕第0002号"


def test_an_error_that_is_no_clash_is_not_retried(reg, no_backoff):
    with clashing(reg, "no clash", times=1) as attempts:
        with pytest.raises(RegisterError, match="cannot issue a notice"):
            issue(reg, "k")
    assert attempts == [1]
    assert issue(reg, "k").number == "X审补〔2026〕第0001号"


def test_marking_supplied_is_retried_after_a_clash(reg, no_backoff):
    e = issue(reg, "case-rq", kind="rongque")
    with clashing(reg, "deadlock", ATTEMPTS - 1, statement="UPDATE notice_register") as attempts:
        done = reg.mark_supplied(e.number)
    assert len(attempts) == ATTEMPTS and done.status == "supplied"
    assert reg.show(e.number).status == "supplied"


def _with_options(url: str, extra: str) -> str:
    """The PostgreSQL URL `url` with `extra` added to its server options."""
    from sqlalchemy.engine import make_url
    u = make_url(url)
    return u.update_query_dict({"options": f"{u.query.get('options', '')} {extra}".strip()}) \
        .render_as_string(hide_password=False)


@contextmanager
def a_writer_holding_the_counter(url: str, dialect: str):
    """Another connection in the middle of a write: on PostgreSQL it holds the counter rows locked
    (SELECT … FOR UPDATE), on SQLite the write lock (BEGIN IMMEDIATE). Yields `release`."""
    if dialect == "postgresql":
        import sqlalchemy as sa
        engine = sa.create_engine(url)
        conn = engine.connect()
        tx = conn.begin()
        conn.execute(sa.text("SELECT * FROM notice_counter FOR UPDATE")).all()
        release = tx.commit
    else:
        import sqlite3
        conn = sqlite3.connect(url, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        release = lambda: conn.in_transaction and conn.execute("COMMIT")  # noqa: E731
    try:
        yield release
    finally:
        if dialect == "postgresql":
            if tx.is_active:
                tx.rollback()
            conn.close()
            engine.dispose()
        else:
            release()
            conn.close()


@contextmanager
def impatient_register(url: str, monkeypatch):
    """A register that waits for a lock only briefly (PostgreSQL: lock_timeout; SQLite: the busy
    timeout), so that a writer holding the lock makes it fail for real."""
    if url.startswith("postgresql"):
        url = _with_options(url, "-clock_timeout=50")
    else:
        monkeypatch.setattr(register_module, "BUSY_TIMEOUT_MS", 50)
    with Register(url, AGENCY, ABBR) as r:
        yield r


def _count_errors(reg: Register, then=None) -> list:
    from sqlalchemy import event
    errors: list = []

    def on_error(context):
        errors.append(context.original_exception)
        if then is not None:
            then()

    event.listen(reg._engine, "handle_error", on_error)
    return errors


def test_a_writer_waiting_for_a_lock_retries_and_gets_the_next_number(url, monkeypatch, no_backoff):
    """A real clash: another writer holds the lock, the register's wait runs out (PostgreSQL 55P03
    lock timeout, SQLite 'database is locked'); once the other writer is done the retry succeeds."""
    with impatient_register(url, monkeypatch) as reg:
        issue(reg, "before")
        with a_writer_holding_the_counter(url, reg.dialect) as release:
            errors = _count_errors(reg, then=release)
            e = issue(reg, "waiting")
        assert len(errors) == 1
        assert e.number == "X审补〔2026〕第0002号"
        assert [x.number for x in reg.list(limit=None)] == ["X审补〔2026〕第0002号", "X审补〔2026〕第0001号"]


def test_a_writer_that_never_gets_the_lock_gives_up_after_attempts_tries(url, monkeypatch, no_backoff):
    with impatient_register(url, monkeypatch) as reg:
        issue(reg, "before")
        with a_writer_holding_the_counter(url, reg.dialect):
            errors = _count_errors(reg)
            with pytest.raises(RegisterError, match="cannot issue a notice: .*(lock timeout|locked)"):
                issue(reg, "waiting")
        assert len(errors) == ATTEMPTS
        assert reg.find("waiting") == []
        assert issue(reg, "after").number == "X审补〔2026〕第0002号"


def _race(reg: Register, calls, *, barrier_on: str | None = None):
    """Run each of `calls` (functions of the register) in a thread of its own, all at once. With
    `barrier_on`, every thread first runs that statement, and none goes further before all have:
    they all read the register before any of them writes. Returns the results in order."""
    from sqlalchemy import event
    start = threading.Barrier(len(calls), timeout=30)
    met = threading.Barrier(len(calls), timeout=30)
    local = threading.local()
    results: list = [None] * len(calls)

    def after(conn, cursor, text, parameters, context, executemany):
        if barrier_on and not getattr(local, "met", False) and barrier_on in text:
            local.met = True
            met.wait()

    def worker(i, call):
        start.wait()
        try:
            results[i] = call(reg)
        except BaseException as e:  # noqa: BLE001 - reported by the test
            results[i] = e

    event.listen(reg._engine, "after_cursor_execute", after)
    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    finally:
        event.remove(reg._engine, "after_cursor_execute", after)
    assert not any(t.is_alive() for t in threads)
    return results


# every writer reads the key's latest entry before any writer records a notice (PostgreSQL only:
# SQLite's BEGIN IMMEDIATE lets one writer at a time in, so there no two writers can interleave)
LATEST_READ = "ORDER BY notice_register.id DESC"


def test_writers_racing_on_one_key_make_one_history(reg, no_backoff):
    """Four changed submissions of one application at once: one chain of four notices, each
    superseding the one before; never two first notices (two parallel histories) for one key."""
    errors = _count_errors(reg)
    results = _race(reg, [lambda r, v=v: issue(r, "case-race", f"version {v}", applicant="王小明")
                          for v in range(4)],
                    barrier_on=LATEST_READ if reg.dialect == "postgresql" else None)
    assert all(isinstance(e, Entry) for e in results), results
    history = reg.find("case-race")
    assert [e.seq for e in history] == [1, 2, 3, 4]
    assert [e.supersedes for e in history] == [None] + [e.number for e in history[:-1]]
    assert [e.status for e in history] == ["closed", "closed", "closed", "open"]
    assert {e.number for e in results} == {e.number for e in history}
    if reg.dialect == "postgresql":  # the race was real: losers hit the one-history constraint
        assert any("ux_notice_register_first" in str(e) or "supersedes" in str(e) for e in errors), errors


def test_writers_racing_with_the_same_submission_number_it_once(reg, no_backoff):
    errors = _count_errors(reg)
    results = _race(reg, [lambda r: issue(r, "case-same", "one content", applicant="王小明")] * 3,
                    barrier_on=LATEST_READ if reg.dialect == "postgresql" else None)
    assert all(isinstance(e, Entry) for e in results), results
    assert len({e for e in results}) == 1 and results[0].number == "X审补〔2026〕第0001号"
    assert reg.find("case-same") == [results[0]]
    assert issue(reg, "next").number == "X审补〔2026〕第0002号"
    if reg.dialect == "postgresql":
        assert errors, "the writers did not clash"


def test_writers_racing_for_numbers_of_several_kinds_and_years_get_gap_free_sequences(reg, no_backoff):
    """Threads issuing at once into each (kind word, year): every sequence is 1..n, unique."""
    plan = [("correct", "2026-03-02"), ("refuse", "2026-05-01"), ("redirect", "2026-05-01"),
            ("correct", "2025-12-31"), ("not_required", "2026-01-02"), ("accept", "2026-07-07")]

    def batch(n):
        def run(r):
            return [issue(r, f"t{n}-{i}", kind=kind, date=day) for i, (kind, day) in enumerate(plan * 3)]
        return run

    errors = _count_errors(reg)
    results = _race(reg, [batch(n) for n in range(4)],
                    barrier_on=LATEST_READ if reg.dialect == "postgresql" else None)
    assert all(isinstance(r, list) for r in results), results
    # the counter is read under a lock (FOR UPDATE; BEGIN IMMEDIATE): writers of different
    # applications wait for each other and never draw the same number, so none had to retry
    assert errors == []
    entries = reg.list(limit=None)
    assert len(entries) == 4 * 18 and len({e.number for e in entries}) == 72
    seqs: dict = {}
    for e in entries:
        seqs.setdefault((e.kind_word, e.year), []).append(e.seq)
        assert e.number == f"X{e.kind_word}〔{e.year}〕第{e.seq:04d}号"
    # per (word, year): 审补 2026 and 2025 12 each; 审不 2026 (refuse, redirect, not_required) 36; 审受 12
    assert {k: sorted(v) for k, v in seqs.items()} == {
        ("审补", 2026): list(range(1, 13)), ("审补", 2025): list(range(1, 13)),
        ("审不", 2026): list(range(1, 37)), ("审受", 2026): list(range(1, 13))}


# ------------------------------------------------------------------------- limits, migration, reprint

def test_limits_of_names_keys_and_texts(reg):
    """Each limit is the width of its column: at the limit accepted, one more refused."""
    assert issue(reg, "k" * 1000).application_key == "k" * 1000
    with pytest.raises(ValueError, match="application_key"):
        issue(reg, "k" * 1001)
    assert issue(reg, "m1", matter="m" * 255).matter == "m" * 255
    for bad in ("", "m" * 256):
        with pytest.raises(ValueError, match="matter"):
            issue(reg, "m2", matter=bad)
    e = reg.issue(matter="m", kind="accept", application_key="loc", application_digest=sha("loc"),
                  application_date="2026-03-02", outcome="accept", notice_json="{}", deadline=None,
                  locality="l" * 64)
    assert e.locality == "l" * 64 and reg.show(e.number).locality == "l" * 64
    with pytest.raises(ValueError, match="locality"):
        reg.issue(matter="m", kind="accept", application_key="loc2", application_digest=sha("x"),
                  application_date="2026-03-02", outcome="accept", notice_json="{}", deadline=None,
                  locality="l" * 65)
    # a name longer than its column is cut to 1000 characters, not refused
    assert reg.show(issue(reg, "long-name", applicant="名" * 1200).number).applicant == "名" * 1000
    with pytest.raises(ValueError, match="limit"):
        reg.list(limit=-1)


def test_a_digest_in_capitals_is_the_same_submission(reg):
    first = issue(reg, "case-d", "body")
    again = reg.issue(matter="individual-business-registration", kind="correct", application_key="case-d",
                      application_digest=sha("body").upper(), application_date="2026-03-02",
                      outcome="correct", notice_json="{}", deadline=None)
    assert again == first and first.application_digest == sha("body")


def test_agency_name_and_abbreviation_limits(tmp_path):
    db = str(tmp_path / "r.db")
    with Register(db, "局" * 255, "A" * 64) as r:
        assert issue(r, "k").number == "A" * 64 + "审补〔2026〕第0001号"
    for agency, abbr, message in [("局" * 256, "B", "agency's name"), (AGENCY, "C" * 65, "cannot start"),
                                  (AGENCY, "X 区", "cannot start"), (AGENCY, "X〕", "cannot start")]:
        with pytest.raises(RegisterError, match=message):
            Register(db, agency, abbr)


def test_names_differing_only_in_surrounding_spaces_are_one_applicant(reg):
    first = issue(reg, "case-s", "v1", applicant=" 王小明 ")
    assert issue(reg, "case-s", "v2", applicant="王小明").supersedes == first.number


def test_a_register_from_before_the_applicant_id_and_locality_columns_gets_both(url):
    """An older register (without the applicant_id and locality columns) is migrated when opened:
    its notices read with neither, new notices keep both."""
    import sqlalchemy as sa
    with Register(url, AGENCY, ABBR) as reg:
        old = issue(reg, "case-1", "v1", applicant="王小明")
        with reg._engine.begin() as conn:
            conn.execute(sa.text("ALTER TABLE notice_register DROP COLUMN applicant_id"))
            conn.execute(sa.text("ALTER TABLE notice_register DROP COLUMN locality"))
    with Register(url, AGENCY, ABBR) as reg:
        got = reg.show(old.number)
        assert (got.applicant_id, got.locality) == ("", "")
        new = reg.issue(matter="m", kind="accept", application_key="case-2", application_digest=sha("n"),
                        application_date="2026-03-02", outcome="accept", notice_json="{}", deadline=None,
                        applicant_id=ID_A, locality="hunan")
        assert (new.applicant_id, new.locality) == ("110***********0021", "hunan")
        assert reg.show(new.number) == new
    with Register(url, AGENCY, ABBR) as reg:  # opening a migrated register again changes nothing
        assert reg.show(new.number) == new and reg.show(old.number) == got


def test_the_notice_as_issued_is_stored_with_its_number_for_reprinting(reg):
    """`notice_json` as a function: it receives the drawn number and the superseded one ("" for a
    first notice); what it returns, ID numbers masked, is what `show` gives back to reprint."""
    calls = []

    def as_issued(number, earlier):
        calls.append((number, earlier))
        return json.dumps({"number": number, "supersedes": earlier, "id": ID_A}, ensure_ascii=False)

    def submit(content):
        return reg.issue(matter="m", kind="correct", application_key="case-p", application_digest=sha(content),
                         application_date="2026-03-02", outcome="correct", notice_json=as_issued, deadline=None)

    first = submit("v1")
    assert calls == [("X审补〔2026〕第0001号", "")]
    assert json.loads(reg.show(first.number).notice_json) == {
        "number": "X审补〔2026〕第0001号", "supersedes": "", "id": "110***********0021"}
    assert submit("v1") == first and len(calls) == 1  # the same submission: nothing made again
    second = submit("v2")
    assert calls[-1] == ("X审补〔2026〕第0002号", "X审补〔2026〕第0001号")
    assert json.loads(reg.show(second.number).notice_json)["supersedes"] == first.number
    assert reg.show(first.number).notice_json == first.notice_json  # the earlier notice is kept as issued


def test_supplied_is_recorded_with_its_time_and_only_for_this_agency(url):
    with Register(url, AGENCY, ABBR) as x, Register(url, "某区行政审批局", "某审") as y:
        mine = issue(x, "case-c", kind="correct")
        theirs = issue(y, "case-c", kind="correct")
        with pytest.raises(RegisterError, match="no notice numbered"):
            y.mark_supplied(mine.number)
        done = x.mark_supplied(mine.number)
        assert done.status == "supplied" and done.supplied_at[:4].isdigit() and done.supplied_at.endswith("+00:00")
        assert done.issued_at <= done.supplied_at
        assert [e.number for e in x.list(status="supplied")] == [mine.number]
        assert y.show(theirs.number).status == "open" and y.show(theirs.number).supplied_at is None
        # a later notice for the same key in one agency closes only that agency's open notice
        issue(y, "case-c", "changed", kind="accept")
        assert y.show(theirs.number).status == "closed" and x.show(mine.number).status == "supplied"


def test_the_connection_timeouts_are_set(monkeypatch, tmp_path):
    """PostgreSQL: the driver gets connect_timeout=CONNECT_TIMEOUT_S unless the URL names one;
    SQLite: every connection waits BUSY_TIMEOUT_MS for a lock. No server is needed: the driver's
    connect is replaced by one that records its arguments and refuses."""
    import psycopg
    seen = []

    def refuse(*args, **kwargs):
        seen.append(kwargs)
        raise psycopg.OperationalError("connection refused (test)\n\tIs the server running on that host?\n")

    monkeypatch.setattr(psycopg, "connect", refuse)
    monkeypatch.setattr(psycopg.Connection, "connect", classmethod(lambda cls, *a, **k: refuse(*a, **k)))
    for url, timeout in [("postgresql://u@127.0.0.1:5/db", 10), ("postgresql://u@127.0.0.1:5/db?connect_timeout=3", "3")]:
        seen.clear()
        with pytest.raises(RegisterError) as info:
            Register(url, AGENCY, ABBR)
        # the driver's lines joined into one
        assert "cannot open the register: connection refused (test); Is the server running on that host?" \
            == info.value.message
        assert seen and all(str(k.get("connect_timeout")) == str(timeout) for k in seen), seen
    monkeypatch.undo()
    with Register(str(tmp_path / "r.db"), AGENCY, ABBR) as reg:
        with reg._engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_an_unreachable_server_and_a_bad_url_are_one_line_errors():
    import socket
    with socket.socket() as s:  # a local port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(RegisterError, match="cannot open the register") as info:
        Register(f"postgresql://someone:pw9@127.0.0.1:{port}/db?connect_timeout=2", AGENCY, ABBR)
    assert "\n" not in str(info.value) and "pw9" not in str(info.value)
    with pytest.raises(RegisterError, match="not a database URL") as info:
        Register("postgresql://someone:pw9@host:port/db", AGENCY, ABBR)
    assert "pw9" not in str(info.value) and "someone:***@host" in str(info.value)


def test_a_connection_the_server_dropped_is_replaced(reg):
    """A PostgreSQL server restarted (or a connection cut) between two notices: the register's
    pooled connection is dead, and the next notice is still numbered, on a fresh connection."""
    if reg.dialect != "postgresql":
        pytest.skip("PostgreSQL: connections pooled across notices")
    import sqlalchemy as sa
    issue(reg, "before")
    with reg._engine.connect() as conn:
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin = sa.create_engine(database_url(PG_URL))
    with admin.begin() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()
    assert issue(reg, "after").number == "X审补〔2026〕第0002号"


def test_a_forked_child_uses_connections_of_its_own(reg):
    """A register opened before a fork (a pre-forking web server): parent and child issue at the
    same time, each on its own connections (a shared PostgreSQL socket would mix their
    conversations), and every notice gets its own number."""
    issue(reg, "parent-0")  # the pool now holds a connection the child inherits
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2, timeout=30)

    def child():
        barrier.wait()
        for i in range(1, 21):
            issue(reg, f"child-{i}")
        os._exit(0)

    p = ctx.Process(target=child)
    p.start()
    barrier.wait()
    for i in range(1, 21):
        issue(reg, f"parent-{i}")
    p.join(timeout=60)
    assert p.exitcode == 0
    entries = reg.list(limit=None)
    assert sorted(e.seq for e in entries) == list(range(1, 42))
    assert len({e.application_key for e in entries}) == 41


def test_issue_notice_numbers_a_screened_notice_with_the_deadline_the_applicant_must_meet(reg, test_licence):
    """issue_notice: a 容缺受理 notice is registered with the day its deferred materials are due
    (2026-03-02 is a Monday; five working days later is Monday 2026-03-09, not the decision's day),
    the number and the superseded number are written onto the notice and into the stored JSON,
    and questions before a decision are no notice of the agency: nothing is registered."""
    from checker.service import check
    from checker.shells.register import issue_notice
    from conftest import complete_test_application as appl

    a = appl(has_car=True)
    a["rongque"] = True
    a["applicant"] = {"name": "王小明", "id_number": ID_A}
    n = check(test_licence, a)
    entry = issue_notice(reg, "test-licence", "test-licence/1", n)
    assert (entry.number, entry.kind, entry.deadline, entry.status) == ("X审容〔2026〕第0001号", "rongque", "2026-03-09", "open")
    assert (entry.applicant, entry.applicant_id) == ("王小明", "110***********0021")
    assert (n.number, n.supersedes) == ("X审容〔2026〕第0001号", "")
    stored = reg.show(entry.number).notice_json
    assert "X审容〔2026〕第0001号" in stored and ID_A not in stored

    a2 = appl()
    a2["applicant"] = {"name": "王小明", "id_number": ID_A}
    n2 = check(test_licence, a2)
    second = issue_notice(reg, "test-licence", "test-licence/1", n2)
    assert (second.number, second.supersedes) == ("X审受〔2026〕第0001号", "X审容〔2026〕第0001号")
    assert (n2.number, n2.supersedes) == ("X审受〔2026〕第0001号", "X审容〔2026〕第0001号")
    assert "X审容〔2026〕第0001号" in reg.show(second.number).notice_json
    assert reg.show(entry.number).status == "closed"

    q = check(test_licence, appl(has_car=...))
    assert q.outcome == "questions" and issue_notice(reg, "test-licence", "test-licence/2", q) is None
    assert reg.find("test-licence/2") == []


def test_the_agency_is_the_one_given_else_the_offices_else_x():
    from types import SimpleNamespace

    from checker.shells.register import agency_of
    office = SimpleNamespace(name={"zh": "某县行政审批局", "en": "County"}, abbr="某审")
    assert agency_of("", "", None) == ("X", "X")
    assert agency_of("某局", "", None) == ("某局", "X")
    assert agency_of("", "", office) == ("某县行政审批局", "某审")
    assert agency_of("某局", "某", office) == ("某局", "某")


def test_the_tables_hold_what_is_written_into_them(tmp_path):
    """The register's columns, read back from a SQLite register as created (PostgreSQL enforces
    the same widths): a digest is a sha256 in hex (64 characters); a superseded number is a
    number, as wide as `number`; an agency's name and a kind's word are as wide wherever they are
    stored; dates are YYYY-MM-DD; and every column a notice always fills refuses NULL."""
    import sqlite3
    db = tmp_path / "register.sqlite"
    Register(f"sqlite:///{db}", "某某市市场监督管理局", "X").close()
    con = sqlite3.connect(db)
    columns = {(table, row[1]): (row[2], row[3])  # (declared type, not null)
               for table in ("notice_agency", "notice_counter", "notice_register")
               for row in con.execute(f"PRAGMA table_info({table})")}
    con.close()
    kind = lambda table, name: columns[(table, name)][0]  # noqa: E731
    assert kind("notice_register", "application_digest") == f"VARCHAR({len(hashlib.sha256().hexdigest())})"
    assert kind("notice_register", "supersedes") == kind("notice_register", "number")
    assert kind("notice_agency", "agency") == kind("notice_counter", "agency") == kind("notice_register", "agency")
    assert kind("notice_counter", "kind_word") == kind("notice_register", "kind_word")
    assert kind("notice_register", "application_date") == kind("notice_register", "deadline") == f"VARCHAR({len('2026-03-02')})"
    always = ["number", "agency", "kind", "kind_word", "year", "seq", "matter", "application_key",
              "application_digest", "application_date", "outcome", "issued_at", "status", "notice_json", "applicant"]
    assert [c for c in always if not columns[("notice_register", c)][1]] == []
    assert columns[("notice_agency", "agency")][1] and columns[("notice_counter", "last_seq")][1]
    # what may be absent: the deadline (none on some notices), the superseded number (the first
    # notice of an application), the time supplied, the applicant's ID and the locality
    assert [c for c in ("deadline", "supersedes", "supplied_at", "applicant_id", "locality")
            if columns[("notice_register", c)][1]] == []


def test_a_notice_to_keep_must_be_text_or_make_text(tmp_path):
    """The register keeps each notice as issued: given neither its text nor a function that
    writes it with its number, it refuses before numbering anything."""
    reg = Register(f"sqlite:///{tmp_path / 'r.sqlite'}", "某某市市场监督管理局", "X")
    with pytest.raises(ValueError):
        reg.issue(matter="individual-business-registration", kind="correct", application_key="k1",
                  application_digest="0" * 64, application_date="2026-03-02", outcome="correct", deadline=None,
                  notice_json=None)
    assert reg.list() == []
    reg.close()


# ------------------------------------------------------------------------- the tables, as documented

# README, "The register's tables": (column, type, nullable, part of the primary key), written from
# the documentation (other systems read these tables); reflected from a new register on each backend.
DOCUMENTED_TABLES = {
    "notice_agency": [("abbr", "VARCHAR(64)", False, True), ("agency", "VARCHAR(255)", False, False)],
    "notice_counter": [("agency", "VARCHAR(255)", False, True), ("kind_word", "VARCHAR(16)", False, True),
                       ("year", "INTEGER", False, True), ("last_seq", "INTEGER", False, False)],
    "notice_register": [
        ("id", "INTEGER", False, True), ("number", "VARCHAR(128)", False, False),
        ("agency", "VARCHAR(255)", False, False), ("kind", "VARCHAR(16)", False, False),
        ("kind_word", "VARCHAR(16)", False, False), ("year", "INTEGER", False, False),
        ("seq", "INTEGER", False, False), ("matter", "VARCHAR(255)", False, False),
        ("application_key", "VARCHAR(1000)", False, False), ("application_digest", "VARCHAR(64)", False, False),
        ("application_date", "VARCHAR(10)", False, False), ("outcome", "VARCHAR(16)", False, False),
        ("deadline", "VARCHAR(10)", True, False), ("issued_at", "VARCHAR(40)", False, False),
        ("supersedes", "VARCHAR(128)", True, False), ("status", "VARCHAR(16)", False, False),
        ("notice_json", "TEXT", False, False), ("applicant", "VARCHAR(1000)", False, False),
        ("supplied_at", "VARCHAR(40)", True, False), ("applicant_id", "VARCHAR(64)", True, False),
        ("locality", "VARCHAR(64)", True, False), ("issued_by", "VARCHAR(255)", True, False),
        ("supplied_by", "VARCHAR(255)", True, False)],
    "audit_log": [("id", "INTEGER", False, True), ("at", "VARCHAR(40)", False, False),
                  ("agency", "VARCHAR(255)", False, False), ("actor", "VARCHAR(255)", False, False),
                  ("action", "VARCHAR(32)", False, False), ("subject", "VARCHAR(255)", False, False),
                  ("detail", "TEXT", False, False)],
}


def test_the_tables_are_as_documented(reg):
    import sqlalchemy as sa
    inspector = sa.inspect(reg._engine)
    assert sorted(inspector.get_table_names()) == sorted(DOCUMENTED_TABLES)
    for table, columns in DOCUMENTED_TABLES.items():
        pk = set(inspector.get_pk_constraint(table)["constrained_columns"])
        got = [(c["name"], str(c["type"]).upper(), c["nullable"], c["name"] in pk) for c in inspector.get_columns(table)]
        assert got == columns, table
    uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("notice_register")}
    unique_indexes = {tuple(i["column_names"]) for i in inspector.get_indexes("notice_register") if i["unique"]}
    assert {("number",), ("supersedes",), ("agency", "kind_word", "year", "seq")} <= uniques | unique_indexes
    indexes = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                     for i in inspector.get_indexes("notice_register") if i["name"].startswith(("ix_", "ux_")))
    assert indexes == [("ix_notice_register_key", ("agency", "application_key"), False),
                       ("ix_notice_register_matter", ("agency", "matter"), False),
                       ("ix_notice_register_newest", ("agency", "id"), False),
                       ("ix_notice_register_open", ("agency", "status", "deadline"), False),
                       ("ux_notice_register_first", ("agency", "application_key"), True)]
    checks = " ".join(" ".join(c["sqltext"].split()) for c in inspector.get_check_constraints("notice_register"))
    assert "seq > 0" in checks and "'open'" in checks and "'supplied'" in checks and "'closed'" in checks


def test_the_first_notice_of_a_submission_is_one(reg):
    """The unique index on a key's first notice: a second first notice of one key is refused by
    the database itself, whatever the code above it does."""
    import sqlalchemy as sa
    issue(reg, "chain-1")
    row = dict(reg.find("chain-1")[0].__dict__)
    row.update(number=row["number"] + "b", seq=row["seq"] + 100, supersedes=None, kind_word=KIND_WORD[row["kind"]])
    with pytest.raises(sa.exc.IntegrityError):
        with reg._engine.begin() as conn:
            conn.execute(sa.insert(reg._entry_t).values(**row))


def test_an_events_member_notices_are_found_under_its_key(reg):
    """register show BUNDLE/REFERENCE: the notices whose keys are that key and one more part (the
    member), oldest first; `_` and `%` in a reference are characters, not patterns."""
    for key in ("ev/a_1/m1", "ev/aX1/m1", "ev/a_1/m2", "ev/a_1/m1/deeper", "ev/a_1", "ev/a_10/m1"):
        issue(reg, key)
    assert [e.application_key for e in reg.find_event("ev/a_1")] == ["ev/a_1/m1", "ev/a_1/m2"]
    issue(reg, "ev/50%/m1")
    issue(reg, "ev/50x/m1")
    assert [e.application_key for e in reg.find_event("ev/50%")] == ["ev/50%/m1"]
    assert reg.find_event("ev/none") == []


def test_each_retry_waits_a_random_few_milliseconds_longer_each_time(reg, monkeypatch):
    """Writers that clash would clash again at once: before attempt n + 1 the register waits a
    random 5 to 50 ms times n (so that their retries spread out); never after the last attempt."""
    waits: list[float] = []
    monkeypatch.setattr(register_module.time, "sleep", waits.append)
    issue(reg, "before")
    with clashing(reg, "deadlock", ATTEMPTS - 1):
        issue(reg, "contested")
    assert len(waits) == ATTEMPTS - 1
    assert all(0.005 * n <= w <= 0.05 * n for n, w in enumerate(waits, 1)), waits
    waits.clear()
    with clashing(reg, "deadlock", 10 * ATTEMPTS):
        with pytest.raises(RegisterError):
            issue(reg, "given up")
    assert len(waits) == ATTEMPTS - 1


def test_the_audit_log_records_who_issued_and_who_recorded_the_supply(reg):
    """Every issue and supply is a line of the audit log with who and when; issuing the same
    application again (no new number) adds none; a reprint is recorded through `record`."""
    first = reg.issue(matter="m", kind="correct", application_key="k-audit", application_digest="a" * 64,
                      application_date="2026-12-01", outcome="correct", notice_json="{}", deadline=None,
                      by="clerk.wang")
    assert first.issued_by == "clerk.wang"
    again = reg.issue(matter="m", kind="correct", application_key="k-audit", application_digest="a" * 64,
                      application_date="2026-12-01", outcome="correct", notice_json="{}", deadline=None,
                      by="clerk.li")
    assert again.number == first.number and again.issued_by == "clerk.wang"
    done = reg.mark_supplied(first.number, by="clerk.li")
    assert (done.supplied_by, reg.show(first.number).supplied_by) == ("clerk.li", "clerk.li")
    reg.record("reprint", first.number, by="chief.zhao", detail="pdf")
    log = reg.audit_log(subject=first.number)
    assert [(r["action"], r["actor"]) for r in log] == [("reprint", "chief.zhao"), ("supply", "clerk.li"),
                                                         ("issue", "clerk.wang")]
    assert all(r["agency"] == AGENCY and r["at"].endswith("+00:00") for r in log)
    with pytest.raises(ValueError):
        reg.record("delete", first.number)


def test_the_command_line_is_recorded_as_its_user(reg, monkeypatch):
    import getpass
    monkeypatch.setattr(getpass, "getuser", lambda: "operator")
    e = issue(reg, "k-cli")
    assert e.issued_by == "cli:operator" and reg.audit_log(subject=e.number)[0]["actor"] == "cli:operator"


def test_another_agencys_audit_log_is_not_seen(url):
    with Register(url, "甲局", "甲") as a, Register(url, "乙局", "乙") as b:
        e = issue(a, "k-a")
        assert a.audit_log(subject=e.number) and b.audit_log() == []
