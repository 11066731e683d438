"""Staff accounts (checker/shells/accounts.py): roles, argon2 passwords, the lock after ten wrong
passwords, sessions with expiry and CSRF, and the audit log of every change. Expectations are
the module's documented rules, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest

from checker.shells.accounts import (IDLE_MINUTES, LOCK_AFTER, LOCK_MINUTES, MAX_HOURS, AccountError, Accounts,
                                     csrf_ok)
from checker.shells.register import Database, Register
from checker.source.local import Office

PG_URL = os.environ.get("CHECKER_TEST_PG", "")
PASSWORD = "correct horse 9"
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)


def office(id="west-amr", zh="西市市场监督管理局", abbr="西市监") -> Office:
    return Office(id=id, name={"zh": zh, "en": "West City AMR"}, abbr=abbr, locality="",
                  address={"zh": "西市人民路1号", "en": "1 Renmin Road"}, phones={"consultation": "0000-1111111"})


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        d = Database(str(tmp_path / "hall.db"))
    else:
        if not PG_URL:
            pytest.skip("PostgreSQL variant: set CHECKER_TEST_PG (tests/pg.sh starts a server)")
        import sqlalchemy as sa
        schema = f"t{os.getpid()}_{abs(hash(request.node.name)) % 10**8}"
        admin = sa.create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"'))
        d = Database(f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}")
    yield d
    d.close()


@pytest.fixture
def accounts(db):
    a = Accounts(db)
    a.add_office(office(), by="admin")
    a.add("wang", "王芳", "clerk", "west-amr", PASSWORD, by="admin")
    return a


def test_the_password_is_stored_as_an_argon2id_hash_only(accounts, db):
    import sqlalchemy as sa
    with db.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM staff_account WHERE username = 'wang'")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_login_with_the_right_password_opens_a_session(accounts):
    token = accounts.login("WANG ", PASSWORD, now=T0)  # names are case-insensitive, trimmed
    s = accounts.session(token, now=T0 + timedelta(minutes=1))
    assert s is not None and s.username == "wang" and s.account.role == "clerk" and s.account.office == "west-amr"
    assert csrf_ok(s, s.csrf) and not csrf_ok(s, "") and not csrf_ok(s, s.csrf[:-1] + "x")


def test_every_failed_login_gets_the_same_answer(accounts):
    accounts.add("zhao", "赵", "clerk", "west-amr", PASSWORD)
    accounts.disable("zhao")
    assert accounts.login("wang", "wrong password") is None
    assert accounts.login("nobody", PASSWORD) is None
    assert accounts.login("zhao", PASSWORD) is None  # disabled


def test_ten_wrong_passwords_lock_the_account_for_half_an_hour(accounts):
    for i in range(LOCK_AFTER - 1):
        assert accounts.login("wang", f"wrong {i}", now=T0) is None
    assert accounts.get("wang").locked_until is None
    assert accounts.login("wang", "wrong again", now=T0) is None  # the tenth
    assert accounts.get("wang").locked_until == (T0 + timedelta(minutes=30)).isoformat()
    assert LOCK_MINUTES == 30
    assert accounts.login("wang", PASSWORD, now=T0 + timedelta(minutes=29)) is None  # locked: even the right one
    assert accounts.login("wang", PASSWORD, now=T0 + timedelta(minutes=31)) is not None  # the lock ran out


def test_a_new_password_unlocks_and_ends_the_sessions(accounts):
    token = accounts.login("wang", PASSWORD, now=T0)
    for i in range(LOCK_AFTER):
        accounts.login("wang", f"wrong {i}", now=T0)
    accounts.set_password("wang", "another secret 1", by="admin")
    assert accounts.session(token, now=T0) is None
    assert accounts.get("wang").locked_until is None
    assert accounts.login("wang", "another secret 1", now=T0) is not None


def test_sessions_expire_when_idle_and_after_a_working_day(accounts):
    token = accounts.login("wang", PASSWORD, now=T0)
    assert accounts.session(token, now=T0 + timedelta(minutes=IDLE_MINUTES + 1)) is None  # idle too long
    token = accounts.login("wang", PASSWORD, now=T0)
    at = T0
    while at < T0 + timedelta(hours=MAX_HOURS) - timedelta(minutes=20):
        at += timedelta(minutes=20)
        assert accounts.session(token, now=at) is not None  # kept alive by use
    assert accounts.session(token, now=T0 + timedelta(hours=MAX_HOURS, minutes=1)) is None


def test_logout_and_disable_end_the_session(accounts):
    token = accounts.login("wang", PASSWORD, now=T0)
    accounts.logout(token)
    assert accounts.session(token, now=T0) is None
    token = accounts.login("wang", PASSWORD, now=T0)
    accounts.disable("wang", by="admin")
    assert accounts.session(token, now=T0) is None


def test_bad_accounts_are_refused_with_a_reason(accounts):
    with pytest.raises(AccountError, match="10 characters"):
        accounts.add("li", "李", "clerk", "west-amr", "short")
    with pytest.raises(AccountError, match="unknown office"):
        accounts.add("li", "李", "clerk", "east", PASSWORD)
    with pytest.raises(AccountError, match="unknown role"):
        accounts.add("li", "李", "boss", "west-amr", PASSWORD)
    with pytest.raises(AccountError, match="exists"):
        accounts.add("wang", "王", "clerk", "west-amr", PASSWORD)
    with pytest.raises(AccountError, match="small letters"):
        accounts.add("王芳", "王", "clerk", "west-amr", PASSWORD)
    with pytest.raises(AccountError, match="abbreviation"):
        accounts.add_office(office(id="other", zh="另一局", abbr="西市监"))


def test_the_audit_log_records_every_change_with_who(accounts, db):
    token = accounts.login("wang", "wrong", now=T0)
    token = accounts.login("wang", PASSWORD, now=T0)
    accounts.logout(token)
    accounts.set_role("wang", "chief", "west-amr", by="admin")
    log = [(r["action"], r["actor"], r["subject"]) for r in reversed(accounts.audit_log())]
    assert log == [("office_add", "admin", "west-amr"), ("account_add", "admin", "wang"),
                   ("login_failed", "wang", "wang"), ("login", "wang", "wang"), ("logout", "wang", "wang"),
                   ("account_role", "admin", "wang")]
    assert all("correct horse" not in str(r) for r in accounts.audit_log())  # no password, ever
    # the agency's own register sees the lines about its people
    reg = Register(db, "西市市场监督管理局", "西市监")
    assert {r["action"] for r in reg.audit_log()} >= {"account_add", "login", "account_role"}
