"""Staff accounts, their offices and their sessions, kept in the register's database.

Roles: a **clerk** screens applications, issues and reprints notices and records what was
supplied; a **chief** does all that for their agency and sees its statistics and exports; an
**administrator** manages accounts and offices (and, having no office, no register). A clerk's
or chief's office is their agency: they see that agency's register only.

- Passwords are hashed with argon2id (argon2-cffi) and never stored, shown or logged; one of at
  least MIN_PASSWORD characters is required.
- LOCK_AFTER wrong passwords in a row lock the account for LOCK_MINUTES (an administrator can
  unlock it sooner by setting a new password). A login names no reason: an unknown account, a
  wrong password, a disabled or locked account all get the same answer.
- A session is a random token in a cookie; the database keeps only its sha256, with a CSRF token,
  an idle expiry (IDLE_MINUTES) and an absolute one (MAX_HOURS). Disabling an account ends its
  sessions.
- Every account and office change, login and failed login is a line of the audit log
  (register.audit_log), with who and when.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from checker.shells.register import Database, RegisterError, actor_name, register_tables, utc_now, write_audit

ROLES = ("clerk", "chief", "admin")
MIN_PASSWORD = 10
LOCK_AFTER = 10
LOCK_MINUTES = 30
IDLE_MINUTES = 30
MAX_HOURS = 10
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


class AccountError(ValueError):
    """A request about accounts that cannot be done: the message says why, in words for staff."""


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: str
    office: str  # the office's id; "" for an administrator
    disabled: bool
    locked_until: str | None


@dataclass(frozen=True)
class Session:
    username: str
    csrf: str
    account: Account


def staff_tables():
    import sqlalchemy as sa
    md = sa.MetaData()
    office = sa.Table(
        "staff_office", md,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("abbr", sa.String(64), nullable=False, unique=True),
        sa.Column("agency", sa.String(255), nullable=False, unique=True),  # the office's Chinese name
        sa.Column("office_json", sa.Text, nullable=False),  # the office file's content, checked
        sa.Column("changed_at", sa.String(40), nullable=False),
    )
    account = sa.Table(
        "staff_account", md,
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("office", sa.String(64)),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, default=False),
        sa.Column("failed", sa.Integer, nullable=False, default=0),
        sa.Column("locked_until", sa.String(40)),
        sa.Column("changed_at", sa.String(40), nullable=False),
        sa.CheckConstraint("role in ('clerk', 'chief', 'admin')", name="ck_staff_account_role"),
    )
    session = sa.Table(
        "staff_session", md,
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, index=True),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("seen_at", sa.String(40), nullable=False),
    )
    return md, office, account, session


def _hasher():
    from argon2 import PasswordHasher
    return PasswordHasher()  # argon2id with the library's current parameters


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Accounts:
    """The staff accounts, offices and sessions of one register database."""

    def __init__(self, db: Database):
        self.db = db
        self._md, self._office, self._account, self._session = staff_tables()
        reg_md, _, _, _, self._audit_t = register_tables()
        db.create(reg_md)
        db.create(self._md)
        self._ph = _hasher()
        self._dummy = self._ph.hash(secrets.token_hex(16))  # checked for unknown accounts: same time

    # -- audit

    def _audit(self, conn, actor: str, action: str, subject: str, agency: str = "", detail: str = "") -> None:
        write_audit(conn, self._audit_t, agency, actor_name(actor), action, subject, detail)

    def audit_log(self, limit: int = 200) -> list[dict]:
        """The whole audit log, newest first (for an administrator)."""
        import sqlalchemy as sa
        a = self._audit_t
        return self.db.read(lambda conn: [dict(r._mapping) for r in conn.execute(
            sa.select(a).order_by(a.c.id.desc()).limit(limit))], what="read the audit log")

    # -- offices

    def add_office(self, office, by: str = "") -> None:
        """Add or change an office (a checked `checker.source.local.Office`)."""
        import sqlalchemy as sa
        data = {"office": office.id, "name": office.name, "abbr": office.abbr, "locality": office.locality,
                "address": office.address, "hours": office.hours, "phones": office.phones}
        t = self._office

        def run(conn):
            for column, value, what in ((t.c.abbr, office.abbr, "abbreviation"), (t.c.agency, office.name["zh"], "name")):
                other = conn.execute(sa.select(t.c.id).where(column == value, t.c.id != office.id)).scalar()
                if other is not None:
                    raise AccountError(f"the {what} '{value}' is the office '{other}''s already")
            known = conn.execute(sa.select(t.c.id).where(t.c.id == office.id)).scalar() is not None
            values = dict(abbr=office.abbr, agency=office.name["zh"], office_json=json.dumps(data, ensure_ascii=False),
                          changed_at=utc_now())
            if known:
                conn.execute(sa.update(t).where(t.c.id == office.id).values(**values))
            else:
                conn.execute(sa.insert(t).values(id=office.id, **values))
            self._audit(conn, by, "office_change" if known else "office_add", office.id, office.name["zh"])
        self.db.write(run, what="save the office")

    def offices(self) -> list:
        import sqlalchemy as sa
        t = self._office
        rows = self.db.read(lambda conn: list(conn.execute(sa.select(t).order_by(t.c.id))), what="read the offices")
        return [self._office_of(r) for r in rows]

    def office(self, office_id: str):
        return next((o for o in self.offices() if o.id == office_id), None)

    @staticmethod
    def _office_of(row):
        from checker.source.local import Office
        d = json.loads(row._mapping["office_json"])
        return Office(id=d["office"], name=d["name"], abbr=d["abbr"], locality=d.get("locality") or "",
                      address=d.get("address"), hours=d.get("hours"), phones=d.get("phones") or {})

    # -- accounts

    def add(self, username: str, name: str, role: str, office: str, password: str, by: str = "") -> Account:
        import sqlalchemy as sa
        username = username.strip().lower()
        if not _USERNAME.fullmatch(username):
            raise AccountError("an account name has 2 to 64 characters: small letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise AccountError(f"unknown role '{role}': one of {', '.join(ROLES)}")
        if role == "admin":
            office = ""
        elif self.office(office) is None:
            known = ", ".join(o.id for o in self.offices()) or "none yet: add one with `checker users office`"
            raise AccountError(f"unknown office '{office}' (known: {known})")
        self._check_password(password)
        t = self._account

        def run(conn):
            if conn.execute(sa.select(t.c.username).where(t.c.username == username)).scalar() is not None:
                raise AccountError(f"the account '{username}' exists already")
            conn.execute(sa.insert(t).values(username=username, name=name.strip() or username, role=role,
                                             office=office or None, password_hash=self._ph.hash(password),
                                             disabled=False, failed=0, locked_until=None, changed_at=utc_now()))
            self._audit(conn, by, "account_add", username, self._agency(conn, office), f"role {role}")
        self.db.write(run, what="add the account")
        return self.get(username)

    def _agency(self, conn, office_id: str) -> str:
        import sqlalchemy as sa
        if not office_id:
            return ""
        return conn.execute(sa.select(self._office.c.agency).where(self._office.c.id == office_id)).scalar() or ""

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")

    def get(self, username: str) -> Account | None:
        import sqlalchemy as sa
        t = self._account
        row = self.db.read(lambda conn: conn.execute(sa.select(t).where(t.c.username == username.strip().lower())).first(),
                           what="read the accounts")
        return None if row is None else self._account_of(row)

    @staticmethod
    def _account_of(row) -> Account:
        m = row._mapping
        return Account(m["username"], m["name"], m["role"], m["office"] or "", bool(m["disabled"]), m["locked_until"])

    def list(self, office: str | None = None) -> list[Account]:
        import sqlalchemy as sa
        t = self._account
        query = sa.select(t).order_by(t.c.username)
        if office is not None:
            query = query.where(t.c.office == office)
        return self.db.read(lambda conn: [self._account_of(r) for r in conn.execute(query)], what="read the accounts")

    def _change(self, username: str, values: dict, action: str, by: str, detail: str = "") -> Account:
        import sqlalchemy as sa
        t, s = self._account, self._session
        username = username.strip().lower()

        def run(conn):
            office = conn.execute(sa.select(t.c.office).where(t.c.username == username)).first()
            if office is None:
                raise AccountError(f"no account named '{username}'")
            conn.execute(sa.update(t).where(t.c.username == username).values(**values, changed_at=utc_now()))
            if values.get("disabled") or "password_hash" in values or "role" in values:
                conn.execute(sa.delete(s).where(s.c.username == username))  # its sessions end
            self._audit(conn, by, action, username, self._agency(conn, office[0] or ""), detail)
        self.db.write(run, what="change the account")
        return self.get(username)

    def disable(self, username: str, by: str = "") -> Account:
        return self._change(username, {"disabled": True}, "account_disable", by)

    def enable(self, username: str, by: str = "") -> Account:
        return self._change(username, {"disabled": False, "failed": 0, "locked_until": None}, "account_enable", by)

    def set_password(self, username: str, password: str, by: str = "") -> Account:
        """A new password (by an administrator, or by its owner): it also unlocks the account."""
        self._check_password(password)
        return self._change(username, {"password_hash": self._ph.hash(password), "failed": 0, "locked_until": None},
                            "account_password", by)

    def set_role(self, username: str, role: str, office: str, by: str = "") -> Account:
        if role not in ROLES:
            raise AccountError(f"unknown role '{role}': one of {', '.join(ROLES)}")
        if role != "admin" and self.office(office) is None:
            raise AccountError(f"unknown office '{office}'")
        return self._change(username, {"role": role, "office": None if role == "admin" else office},
                            "account_role", by, f"role {role} office {office or '-'}")

    # -- logging in

    def login(self, username: str, password: str, now: datetime | None = None) -> str | None:
        """A new session's token for the right password of an enabled, unlocked account; else None
        (the same for every reason). Wrong passwords are counted: LOCK_AFTER in a row lock it."""
        import sqlalchemy as sa
        from argon2.exceptions import InvalidHashError, VerificationError
        now = now or datetime.now(timezone.utc)
        t, s = self._account, self._session
        username = (username or "").strip().lower()[:64]
        row = self.db.read(lambda conn: conn.execute(sa.select(t).where(t.c.username == username)).first(),
                           what="read the accounts")
        if row is None:
            try:
                self._ph.verify(self._dummy, password or "")
            except VerificationError:
                pass
            self.db.write(lambda conn: self._audit(conn, username or "?", "login_failed", username or "?",
                                                   detail="unknown account"), what="write the audit log")
            return None
        m = row._mapping
        locked = m["locked_until"] is not None and _at(m["locked_until"]) > now
        expired = m["locked_until"] is not None and not locked  # a lock that ran out starts the count again
        try:
            good = self._ph.verify(m["password_hash"], password or "")
        except (VerificationError, InvalidHashError):
            good = False
        if not good or locked or m["disabled"]:
            def fail(conn):
                failed = (0 if expired else m["failed"]) + (0 if good else 1)
                values = {"failed": failed}
                if failed >= LOCK_AFTER and not locked:
                    values["locked_until"] = (now + timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds")
                conn.execute(sa.update(t).where(t.c.username == username).values(**values))
                why = "disabled" if m["disabled"] else "locked" if locked else f"wrong password ({failed} in a row)"
                if "locked_until" in values:
                    why += f"; locked until {values['locked_until']}"
                self._audit(conn, username, "login_failed", username, self._agency(conn, m["office"] or ""), why)
            self.db.write(fail, what="record the login")
            return None
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)

        def ok(conn):
            conn.execute(sa.update(t).where(t.c.username == username).values(failed=0, locked_until=None))
            stamp = now.isoformat(timespec="seconds")
            conn.execute(sa.insert(s).values(token_sha256=_sha(token), username=username, csrf=csrf,
                                             created_at=stamp, seen_at=stamp))
            self._audit(conn, username, "login", username, self._agency(conn, m["office"] or ""))
        self.db.write(ok, what="record the login")
        if self._ph.check_needs_rehash(m["password_hash"]):
            self.db.write(lambda conn: conn.execute(sa.update(t).where(t.c.username == username)
                                                    .values(password_hash=self._ph.hash(password))),
                          what="update the password's hash")
        return token

    def session(self, token: str | None, now: datetime | None = None) -> Session | None:
        """The live session of this cookie's token, its idle time renewed; None if none (unknown,
        expired, or its account disabled)."""
        import sqlalchemy as sa
        if not token or len(token) > 200:
            return None
        now = now or datetime.now(timezone.utc)
        s, t = self._session, self._account
        key = _sha(token)

        def run(conn):
            row = conn.execute(sa.select(s, t).join(t, t.c.username == s.c.username)
                               .where(s.c.token_sha256 == key)).first()
            if row is None:
                return None
            m = row._mapping
            if (m["disabled"] or now - _at(m["seen_at"]) > timedelta(minutes=IDLE_MINUTES)
                    or now - _at(m["created_at"]) > timedelta(hours=MAX_HOURS)):
                conn.execute(sa.delete(s).where(s.c.token_sha256 == key))
                return None
            conn.execute(sa.update(s).where(s.c.token_sha256 == key).values(seen_at=now.isoformat(timespec="seconds")))
            return Session(m["username"], m["csrf"], self._account_of(row))
        return self.db.write(run, what="read the session")

    def logout(self, token: str | None) -> None:
        import sqlalchemy as sa
        if not token:
            return
        s = self._session

        def run(conn):
            user = conn.execute(sa.select(s.c.username).where(s.c.token_sha256 == _sha(token))).scalar()
            if user is not None:
                conn.execute(sa.delete(s).where(s.c.token_sha256 == _sha(token)))
                self._audit(conn, user, "logout", user)
        self.db.write(run, what="end the session")


def csrf_ok(session: Session, sent: str | None) -> bool:
    """Whether a state-changing request carries its session's CSRF token (compared in constant time)."""
    return bool(sent) and hmac.compare_digest(session.csrf.encode(), str(sent).encode())


__all__ = ["Account", "AccountError", "Accounts", "LOCK_AFTER", "ROLES", "RegisterError", "Session", "csrf_ok"]
