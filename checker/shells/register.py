"""The register of issued notices (发文登记): a document number for every notice, kept in SQLite or
PostgreSQL.

A notice's header carries a document number (reference, part A2): agency abbreviation + kind of
notice + 〔year〕 + sequence, here `f"{abbr}{KIND_WORD[kind]}〔{year}〕第{seq:04d}号"`, e.g.
`X审补〔2026〕第0042号`. The kind of notice is the outcome it announces:

| kind | word | the notice |
|---|---|---|
| `accept` | 审受 | 受理通知书 (acceptance) |
| `rongque` | 审容 | 容缺受理通知书 (acceptance with deferred secondary materials) |
| `correct` | 审补 | 补正材料通知书 / 一次性告知书 (supply or correct materials) |
| `refuse`, `redirect`, `not_required` | 审不 | 不予受理通知书 (not accepted: ineligible, another agency, no licence needed) |

The three kinds of 不予受理 share one word and therefore **one sequence**: the first refusal and
the first redirection of a year are 审不 …第0001号 and …第0002号. `year` is the year of the
application date (the reference date of the notice, part A2), not of the day of issue.

Guarantees:

- **Unique and gap-free** per (agency, word, year), also with several processes issuing at once.
  The sequence comes from a counter row, read and advanced in the same transaction that records
  the notice: `SELECT … FOR UPDATE` on PostgreSQL; on SQLite every write transaction starts with
  `BEGIN IMMEDIATE`, so writers are serialised before they read the counter. A transaction that
  fails or whose process dies rolls back the counter with the notice: no number is lost.
- **Idempotent**: issuing again for an `application_key` whose latest entry has the same
  `application_digest` (sha256 of the application) returns that entry, with no new number. A
  different digest (a changed submission) gets a new number whose `supersedes` names the latest
  one; the history of a key is a single chain (the database enforces it: at most one first entry
  per key, each number superseded at most once), so concurrent issuers for one key cannot fork
  it — the loser of a race retries and finds the winner's entry. Going back to content issued
  before is a changed submission too: idempotency compares with the latest entry only.
- **One applicant per key**: a changed submission supersedes the latest entry only if it comes
  from the same applicant — the same ID number (compared masked) when both give one, else the same
  name when both give one. Otherwise `issue` raises `KeyTaken` and records nothing, so one
  applicant's notice never closes another's when two submissions end up under one key.
- **Status**: `open` while the notice waits for something from the applicant (`correct`: the
  corrections; `rongque`: the deferred materials), `supplied` once `mark_supplied` records that it
  came, `closed` when nothing is awaited (`accept`, `refuse`, `redirect`, `not_required`) or when a
  later notice for the same key supersedes an open one.
- **No full ID numbers**: the applicant text and the stored notice JSON pass through `mask_id`
  (privacy.py),
  which masks every 18-digit resident ID number (`110***********1234`).

A `Register` is one agency's view of a database that several agencies may share: `find`, `show`,
`list`, `search`, `count`, `follow_up` and `mark_supplied` see only that agency's entries, and an
abbreviation belongs to one agency. Use one `Register` per process (a forked child gets fresh connections).

`url` is a SQLAlchemy URL (`sqlite:///file.db`, `postgresql+psycopg://user@host:5432/db`; a bare
`postgresql://` or `postgres://` means the psycopg 3 driver) or a plain file path (SQLite). SQLite
files run in WAL mode with a 30 s busy timeout. Problems with the database itself (unreachable,
not a database, unsupported kind, …; a SQLite file removed or replaced while open) raise
`RegisterError`, a `CheckerError`, so the CLI prints one line and exits 2; a bad argument from the
calling code raises `ValueError`.
"""

from __future__ import annotations

import os
import random
import re
import time
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import Callable, NamedTuple

from checker.errors import CheckerError, Location, Problem
from checker.source.model import OUTCOMES
from checker.shells.privacy import mask_id

# the word for each kind of notice (see the table above)
KIND_WORD = {
    "accept": "审受",
    "rongque": "审容",
    "correct": "审补",
    "refuse": "审不",
    "redirect": "审不",
    "not_required": "审不",
}
# kinds whose notice waits for something from the applicant: they start `open`
AWAITING = ("correct", "rongque")
STATUSES = ("open", "supplied", "closed")
# the hall's time zone: the day of issue of a notice is a day in it (the register keeps UTC)
HALL_TZ = "Asia/Shanghai"

# The problem code of a RegisterError. E001 ("cannot be read") is the nearest documented code; a
# dedicated code (e.g. "register-unavailable") belongs in codes.py.
ERROR_CODE = "E022"
BUSY_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 10
ATTEMPTS = 8  # a write lost to a concurrent writer (constraint, deadlock, lock timeout) is retried

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DIGEST = re.compile(r"[0-9a-f]{64}")


class RegisterError(CheckerError):
    """The register cannot do what was asked: the database is unreachable or unusable, or the
    notice named does not exist or cannot change that way. `message` says what, in one line."""

    def __init__(self, message: str, *, where: str = "register", hint: str = ""):
        self.message = message
        super().__init__(Problem(Location(where), ERROR_CODE, message, hint))


class KeyTaken(CheckerError):
    """The key's latest notice belongs to another applicant: the new one is refused, nothing is
    recorded. A problem of the one record, not of the register."""

    def __init__(self, key: str, number: str):
        super().__init__(Problem(Location("register"), "E024",
                                 f"the submission key '{key}' belongs to another applicant (notice {number}): "
                                 "this record is not registered",
                                 "give each application its own reference"))


class BadArgument(ValueError):
    """A filter of `search` (or `follow_up`) that cannot be used: `argument` names it, so that a
    form or the command line can point at the field or option."""

    def __init__(self, argument: str, reason: str):
        self.argument, self.reason = argument, reason  # reason: what is wrong, without the name
        super().__init__(f"{argument}: {reason}")


@dataclass(frozen=True)
class Entry:
    """One issued notice."""

    number: str
    agency: str
    kind: str
    year: int
    seq: int
    matter: str
    application_key: str
    application_digest: str
    application_date: str
    outcome: str
    deadline: str | None
    issued_at: str  # UTC, ISO 8601
    supersedes: str | None
    status: str  # open | supplied | closed
    notice_json: str
    applicant: str  # ID numbers masked
    supplied_at: str | None = None  # UTC, ISO 8601, set by mark_supplied
    applicant_id: str = ""  # the applicant's resident ID number, masked; "" if none was given
    locality: str = ""  # the locality whose rules the notice applied; "": the national rules
    issued_by: str = ""  # who issued it: a staff account's name, or "cli:USER" from the command line
    supplied_by: str = ""  # who recorded the supply (see mark_supplied)

    @property
    def kind_word(self) -> str:
        return KIND_WORD[self.kind]

    def overdue_on(self, today: date) -> bool:
        """Whether the notice still waits for something (status open) that was due before `today`."""
        return self.status == "open" and self.deadline is not None and self.deadline < today.isoformat()


class FollowUp(NamedTuple):
    """An open notice and whether what it waits for is overdue (see Register.follow_up)."""

    entry: Entry
    overdue: bool


def document_number(abbr: str, kind: str, year: int, seq: int) -> str:
    return f"{abbr}{KIND_WORD[kind]}〔{year}〕第{seq:04d}号"


# ---------------------------------------------------------------------------------- the schema

def register_tables():
    import sqlalchemy as sa
    md = sa.MetaData()
    agency = sa.Table(
        "notice_agency", md,
        sa.Column("abbr", sa.String(64), primary_key=True),
        sa.Column("agency", sa.String(255), nullable=False),
    )
    counter = sa.Table(
        "notice_counter", md,
        sa.Column("agency", sa.String(255), primary_key=True),
        sa.Column("kind_word", sa.String(16), primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last_seq", sa.Integer, nullable=False),
    )
    entry = sa.Table(
        "notice_register", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("number", sa.String(128), nullable=False, unique=True),
        sa.Column("agency", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("kind_word", sa.String(16), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("matter", sa.String(255), nullable=False),
        sa.Column("application_key", sa.String(1000), nullable=False),
        sa.Column("application_digest", sa.String(64), nullable=False),
        sa.Column("application_date", sa.String(10), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("deadline", sa.String(10)),
        sa.Column("issued_at", sa.String(40), nullable=False),
        sa.Column("supersedes", sa.String(128), unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("notice_json", sa.Text, nullable=False),
        sa.Column("applicant", sa.String(1000), nullable=False, default=""),
        sa.Column("supplied_at", sa.String(40)),
        sa.Column("applicant_id", sa.String(64)),  # added after the first release: see _setup
        sa.Column("locality", sa.String(64)),  # added after the first release: see _setup
        sa.Column("issued_by", sa.String(255)),  # added with the staff console: see _setup
        sa.Column("supplied_by", sa.String(255)),  # added with the staff console: see _setup
        sa.UniqueConstraint("agency", "kind_word", "year", "seq", name="uq_notice_register_seq"),
        sa.CheckConstraint("seq > 0", name="ck_notice_register_seq"),
        sa.CheckConstraint("status in ('open', 'supplied', 'closed')", name="ck_notice_register_status"),
    )
    audit = sa.Table(
        "audit_log", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(40), nullable=False),  # UTC, ISO 8601
        sa.Column("agency", sa.String(255), nullable=False),  # whose register or office; "" for none
        sa.Column("actor", sa.String(255), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),  # a document number, an account, an office
        sa.Column("detail", sa.Text, nullable=False, default=""),
    )
    sa.Index("ix_audit_log_agency", audit.c.agency, audit.c.id)
    sa.Index("ix_notice_register_key", entry.c.agency, entry.c.application_key)
    sa.Index("ix_notice_register_matter", entry.c.agency, entry.c.matter)
    # search's newest first, and follow_up's open notices by due date, without sorting the register
    sa.Index("ix_notice_register_newest", entry.c.agency, entry.c.id)
    sa.Index("ix_notice_register_open", entry.c.agency, entry.c.status, entry.c.deadline)
    # one first entry per key: with unique `supersedes`, the history of a key is a single chain
    sa.Index("ux_notice_register_first", entry.c.agency, entry.c.application_key, unique=True,
             sqlite_where=entry.c.supersedes.is_(None), postgresql_where=entry.c.supersedes.is_(None))
    return md, agency, counter, entry, audit


def database_url(url: str):
    """The SQLAlchemy URL for `url`: a URL as given (a bare `postgresql://` or `postgres://` with
    the psycopg 3 driver), or a plain file path as a SQLite URL."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url
    text = str(url).strip()
    if not text:
        raise RegisterError("no database given", hint="a SQLite file or a PostgreSQL URL")
    if "://" not in text:
        return sa.URL.create("sqlite", database=os.path.expanduser(text))
    try:
        parsed = make_url(text)
    except Exception:
        raise RegisterError("not a database URL", where=_redact(text),
                            hint="e.g. postgresql+psycopg://user@host:5432/db or a SQLite file path") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _redact(text: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", text)


def _one_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    text = "; ".join(line.strip() for line in str(orig).splitlines() if line.strip())
    return text or type(orig).__name__


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------- the register

class Database:
    """One register database (SQLite file or PostgreSQL), shared by the register of each agency,
    the staff accounts and the audit log: its engine, and transactions retried when a
    concurrent writer gets in the way. Use one per process (a forked child gets fresh connections)."""

    def __init__(self, url: str):
        import sqlalchemy as sa
        from sqlalchemy import event

        self.url = database_url(url)
        self.where = self.url.render_as_string(hide_password=True)
        backend = self.url.get_backend_name()
        if backend not in ("sqlite", "postgresql"):
            raise RegisterError(f"unsupported database '{backend}'", where=self.where,
                                hint="a SQLite file or a PostgreSQL URL")
        self.dialect = backend
        path = self.url.database
        if backend == "sqlite" and path and path != ":memory:" and not os.path.isdir(os.path.dirname(path) or "."):
            raise RegisterError(f"the folder {os.path.dirname(path)} does not exist", where=self.where,
                                hint="create it, or name a file in an existing folder")

        kwargs: dict = {}
        if backend == "sqlite":
            kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs["pool_pre_ping"] = True
            if "connect_timeout" not in self.url.query:
                kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT_S}
        try:
            self.engine = sa.create_engine(self.url, **kwargs)
        except ImportError as e:  # includes sqlalchemy's NoSuchModuleError for a missing driver
            raise RegisterError(f"the database driver is not installed: {_one_line(e)}", where=self.where,
                                hint="pip install 'psycopg[binary]>=3.1'" if backend == "postgresql" else "") from None
        except Exception as e:
            raise RegisterError(f"cannot use this database URL: {_one_line(e)}", where=self.where) from None

        if backend == "sqlite":
            @event.listens_for(self.engine, "connect")
            def _sqlite_connect(dbapi_connection, _record):
                # the driver's own transaction handling is off: `begin` below emits BEGIN itself
                dbapi_connection.isolation_level = None
                cur = dbapi_connection.cursor()
                cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                cur.execute("PRAGMA journal_mode = WAL")
                cur.close()

            @event.listens_for(self.engine, "begin")
            def _sqlite_begin(conn):
                # IMMEDIATE takes the write lock before anything is read: two writers never read
                # the same counter. Readers use a deferred transaction and never block writers.
                write = conn.get_execution_options().get("register_write", False)
                conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        self._pid = os.getpid()
        self._file: tuple[str, tuple[int, int]] | None = None
        self._sqlite_path = path if backend == "sqlite" and path and path != ":memory:" else None

    def create(self, metadata, then=None) -> None:
        """Create `metadata`'s tables that do not exist yet, then run `then(conn)` in the same
        transaction (columns added since, rows every register needs)."""
        import sqlalchemy as sa

        def run(conn):
            if self.dialect == "postgresql":
                # concurrent CREATE TABLE IF NOT EXISTS can collide in PostgreSQL's catalogue
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(7366851)"))
            metadata.create_all(conn)
            if then is not None:
                then(conn)
        self.write(run, what="open the register")
        if self._sqlite_path and self._file is None:
            self._file = (self._sqlite_path, _identity(self._sqlite_path))

    def close(self) -> None:
        self.engine.dispose()

    def connect(self, write: bool):
        if os.getpid() != self._pid:  # a forked child must not share the parent's connections
            self.engine.dispose(close=False)
            self._pid = os.getpid()
        if self._file is not None and _identity(self._file[0]) != self._file[1]:
            # an open SQLite connection goes on writing to a removed file, and the numbers with it
            raise RegisterError(f"the register file {self._file[0]} was removed or replaced while in use",
                                where=self.where, hint="put the file back, then run again")
        conn = self.engine.connect()
        return conn.execution_options(register_write=write)

    def retriable(self, error: BaseException) -> bool:
        from sqlalchemy import exc
        if isinstance(error, exc.IntegrityError):
            return True  # a concurrent writer took the key's chain first: re-read and decide again
        orig = getattr(error, "orig", None)
        if self.dialect == "postgresql":
            return getattr(orig, "sqlstate", None) in ("40001", "40P01", "55P03")
        text = str(orig).lower()
        return "locked" in text or "busy" in text

    def write(self, fn, *, what: str):
        """Run `fn(conn)` in a write transaction, retried when a concurrent writer got in the way."""
        from sqlalchemy import exc
        for attempt in range(ATTEMPTS):
            try:
                with self.connect(write=True) as conn:
                    with conn.begin():
                        return fn(conn)
            except exc.DBAPIError as e:
                if attempt + 1 < ATTEMPTS and self.retriable(e):
                    time.sleep(random.uniform(0.005, 0.05) * (attempt + 1))
                    continue
                raise RegisterError(f"cannot {what}: {_one_line(e)}", where=self.where) from None
            except exc.SQLAlchemyError as e:
                raise RegisterError(f"cannot {what}: {_one_line(e)}", where=self.where) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def read(self, fn, *, what: str):
        from sqlalchemy import exc
        try:
            with self.connect(write=False) as conn:
                with conn.begin():
                    return fn(conn)
        except exc.SQLAlchemyError as e:
            raise RegisterError(f"cannot {what}: {_one_line(e)}", where=self.where) from None

    def insert_ignore(self, table, **values):
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table).values(**values).on_conflict_do_nothing()


class Register:
    """The register of one agency's notices in a SQLite file or a PostgreSQL database."""

    def __init__(self, url: str | Database, agency: str, agency_abbr: str):
        agency, agency_abbr = (agency or "").strip(), (agency_abbr or "").strip()
        if not agency_abbr:
            raise RegisterError("the agency's abbreviation is empty", hint="e.g. 西市监")
        if len(agency_abbr) > 64 or any(c.isspace() or c in "〔〕" for c in agency_abbr):
            raise RegisterError(f"'{agency_abbr}' cannot start a document number",
                                hint="at most 64 characters, no spaces or 〔〕")
        if not agency or len(agency) > 255:
            raise RegisterError("the agency's name must have 1 to 255 characters")
        self.agency, self.abbr = agency, agency_abbr
        # a Database given is shared (its owner closes it); a URL gets a database of its own
        self._owns = not isinstance(url, Database)
        self.db = Database(url) if self._owns else url
        self._md, self._agency_t, self._counter_t, self._entry_t, self._audit_t = register_tables()
        try:
            self.db.create(self._md, self._setup)
        except BaseException:
            if self._owns:
                self.db.close()
            raise

    # -- plumbing

    @property
    def _engine(self):
        return self.db.engine

    @property
    def dialect(self) -> str:
        return self.db.dialect

    @property
    def where(self) -> str:
        return self.db.where

    def close(self) -> None:
        if self._owns:
            self.db.close()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _write(self, fn, *, what: str):
        return self.db.write(fn, what=what)

    def _read(self, fn, *, what: str):
        return self.db.read(fn, what=what)

    def _insert_ignore(self, table, **values):
        return self.db.insert_ignore(table, **values)

    def _setup(self, conn) -> None:
        import sqlalchemy as sa
        columns = {c["name"] for c in sa.inspect(conn).get_columns("notice_register")}
        added = {"applicant_id": 64, "locality": 64, "issued_by": 255, "supplied_by": 255}
        for name, length in added.items():  # registers made before these columns existed
            if name not in columns:
                conn.execute(sa.text(f"ALTER TABLE notice_register ADD COLUMN {name} VARCHAR({length})"))
        for index in self._entry_t.indexes:  # indexes added since a register was created
            index.create(conn, checkfirst=True)
        conn.execute(self._insert_ignore(self._agency_t, abbr=self.abbr, agency=self.agency))
        owner = conn.execute(sa.select(self._agency_t.c.agency)
                             .where(self._agency_t.c.abbr == self.abbr)).scalar_one()
        if owner != self.agency:
            raise RegisterError(f"the abbreviation '{self.abbr}' belongs to '{owner}' in this register",
                                where=self.where, hint="each agency needs its own abbreviation")

    def _entry(self, row) -> Entry:
        m = row._mapping
        return Entry(number=m["number"], agency=m["agency"], kind=m["kind"], year=m["year"], seq=m["seq"],
                     matter=m["matter"], application_key=m["application_key"],
                     application_digest=m["application_digest"], application_date=m["application_date"],
                     outcome=m["outcome"], deadline=m["deadline"], issued_at=m["issued_at"],
                     supersedes=m["supersedes"], status=m["status"], notice_json=m["notice_json"],
                     applicant=m["applicant"], supplied_at=m["supplied_at"],
                     applicant_id=m["applicant_id"] or "", locality=m["locality"] or "",
                     issued_by=m["issued_by"] or "", supplied_by=m["supplied_by"] or "")

    def _select(self):
        import sqlalchemy as sa
        t = self._entry_t
        return sa.select(t).where(t.c.agency == self.agency)

    # -- the API

    def issue(self, *, matter: str, kind: str, application_key: str, application_digest: str,
              application_date: str, outcome: str, notice_json: str | Callable[[str, str], str],
              deadline: str | None,
              applicant: str = "", applicant_id: str = "", locality: str = "", by: str = "") -> Entry:
        """Record a notice and give it the next number; or return the latest entry of
        `application_key` if it has the same `application_digest`; or raise `KeyTaken` if that
        entry is another applicant's (see the module's docstring). `applicant` is the applicant's
        name, `applicant_id` their resident ID number (both stored masked), `locality` the
        locality whose rules the notice applied ("" for the national rules). `notice_json` may be
        a function of (number, superseded number) that returns the notice as issued, with its number.
        `by` is who issues it (a staff account, or "" for the command line's user): the audit log
        records it."""
        import sqlalchemy as sa

        if kind not in KIND_WORD:
            raise ValueError(f"unknown kind of notice {kind!r}: one of {', '.join(KIND_WORD)}")
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}: one of {', '.join(OUTCOMES)}")
        year = _iso_date(application_date, "application_date").year
        if deadline is not None:
            _iso_date(deadline, "deadline")
        if not isinstance(matter, str) or not 0 < len(matter) <= 255:
            raise ValueError("matter must be a text of 1 to 255 characters")
        if not isinstance(locality, str) or len(locality) > 64:
            raise ValueError("locality must be a text of at most 64 characters")
        if not isinstance(application_key, str) or not 0 < len(application_key) <= 1000:
            raise ValueError("application_key must be a text of 1 to 1000 characters")
        digest = application_digest.lower() if isinstance(application_digest, str) else ""
        if not _DIGEST.fullmatch(digest):
            raise ValueError("application_digest must be a sha256 in hexadecimal (64 characters)")
        if not (isinstance(notice_json, str) or callable(notice_json)):
            raise ValueError("notice_json must be a text, or make one from the number and the superseded number")
        applicant = mask_id(applicant or "")[:1000]
        masked_id = mask_id(applicant_id or "")
        masked_id = masked_id if masked_id != (applicant_id or "") else ""  # only a resident ID number
        # the notice as issued, with its number: made once the number is drawn (inside the transaction)
        stored_notice = mask_id(notice_json) if isinstance(notice_json, str) else None
        word = KIND_WORD[kind]
        t, c = self._entry_t, self._counter_t
        actor = actor_name(by)

        def run(conn) -> Entry:
            latest = conn.execute(self._select().where(t.c.application_key == application_key)
                                  .order_by(t.c.id.desc()).limit(1)).first()
            if latest is not None and latest._mapping["application_digest"] == digest:
                return self._entry(latest)
            if latest is not None and _other_applicant(latest._mapping, applicant, masked_id):
                raise KeyTaken(application_key, latest._mapping["number"])
            # the counter row: created once, then locked (FOR UPDATE; SQLite already holds the lock)
            conn.execute(self._insert_ignore(c, agency=self.agency, kind_word=word, year=year, last_seq=0))
            last = conn.execute(sa.select(c.c.last_seq).where(c.c.agency == self.agency, c.c.kind_word == word,
                                                              c.c.year == year).with_for_update()).scalar_one()
            seq = last + 1
            conn.execute(sa.update(c).where(c.c.agency == self.agency, c.c.kind_word == word,
                                            c.c.year == year).values(last_seq=seq))
            earlier = latest._mapping["number"] if latest is not None else None
            values = dict(number=document_number(self.abbr, kind, year, seq), agency=self.agency, kind=kind,
                          kind_word=word, year=year, seq=seq, matter=matter, application_key=application_key,
                          application_digest=digest, application_date=application_date, outcome=outcome,
                          deadline=deadline, issued_at=utc_now(), supersedes=earlier,
                          status="open" if kind in AWAITING else "closed",
                          notice_json=stored_notice if stored_notice is not None else mask_id(
                              notice_json(document_number(self.abbr, kind, year, seq), earlier or "")),
                          applicant=applicant, supplied_at=None, applicant_id=masked_id or None,
                          locality=locality or None, issued_by=actor, supplied_by=None)
            conn.execute(sa.insert(t).values(**values))
            self._audit(conn, actor, "issue", values["number"],
                        f"{matter} {application_key}" + (f" supersedes {earlier}" if earlier else ""))
            if earlier is not None:
                conn.execute(sa.update(t).where(t.c.agency == self.agency, t.c.number == earlier,
                                                t.c.status == "open").values(status="closed"))
            return Entry(**{k: v for k, v in values.items() if k != "kind_word"} | {"applicant_id": masked_id,
                                                                                   "locality": locality,
                                                                                   "supplied_by": ""})

        return self._write(run, what="issue a notice")

    def find(self, application_key: str) -> list[Entry]:
        """The notices issued for `application_key`, oldest first."""
        t = self._entry_t
        return self._read(lambda conn: [self._entry(r) for r in conn.execute(
            self._select().where(t.c.application_key == application_key).order_by(t.c.id))],
            what="read the register")

    def find_event(self, event_key: str) -> list[Entry]:
        """The notices of an event's members (their keys are EVENT_KEY/MEMBER), oldest first."""
        t, prefix = self._entry_t, event_key + "/"
        return self._read(lambda conn: [self._entry(r) for r in conn.execute(
            self._select().where(t.c.application_key.startswith(prefix, autoescape=True)).order_by(t.c.id))
            if "/" not in r._mapping["application_key"][len(prefix):]], what="read the register")

    def show(self, number: str) -> Entry | None:
        """The notice with this document number, or None."""
        t = self._entry_t
        return self._read(lambda conn: self._first(conn, self._select().where(t.c.number == number)),
                          what="read the register")

    def _first(self, conn, query) -> Entry | None:
        row = conn.execute(query).first()
        return self._entry(row) if row is not None else None

    def list(self, matter: str | None = None, outcome: str | None = None, year: int | None = None,
             limit: int | None = 100, *, status: str | None = None) -> list[Entry]:
        """The notices, newest first, filtered by matter, outcome, year (of the application date)
        and status; at most `limit` (None: all). A shorthand of `search`."""
        return self.search(matter=matter, outcome=outcome, year=year, status=status, limit=limit)

    def search(self, *, limit: int | None = 100, offset: int = 0, **filters) -> list[Entry]:
        """This agency's notices that pass every filter given, newest first: at most `limit` (None:
        all), after skipping `offset`. A filter left out, None or blank does not filter.

        - `number`: the document number or a part of it (`0042`, `审补〔2026〕第0042号`);
        - `applicant`: a part of the applicant's name, in any case; an 18-digit ID number typed is
          masked first (`110***********0021`) and matches the masked ID kept; a part of the mask
          (`0021`) matches too. Full ID numbers are never compared: the register has none;
        - `reference`: a part of the submission's key (MATTER/REFERENCE, BUNDLE/REFERENCE/MEMBER);
        - `matter`, `outcome`, `status`: exactly; `year`: of the application date;
        - `date_from`, `date_to`: the application date, both days included (YYYY-MM-DD or a date);
        - `issued_from`, `issued_to`: the day of issue, both included, as a day in the hall: `tz`
          (a time-zone name, default Asia/Shanghai) turns the day into the UTC instants the
          register keeps, so a notice issued at 07:30 Beijing time on 3 March (23:30 UTC on 2 March)
          is issued on 3 March;
        - `overdue_on`: open notices (waiting for something) whose due date (`deadline`) is before
          that day (see `follow_up`).

        `%` and `_` are characters, not patterns. A bad argument raises `BadArgument` (a ValueError)
        naming it."""
        t = self._entry_t
        query = self._select().where(*self._filters(**filters)).order_by(t.c.id.desc())
        if limit is not None:
            query = query.limit(_count(limit, "limit"))
        if _count(offset, "offset"):
            query = query.offset(offset)
        return self._read(lambda conn: [self._entry(r) for r in conn.execute(query)], what="read the register")

    def count(self, **filters) -> int:
        """How many notices `search` finds with these filters, all pages together."""
        import sqlalchemy as sa
        t = self._entry_t
        query = sa.select(sa.func.count()).select_from(t).where(t.c.agency == self.agency, *self._filters(**filters))
        return self._read(lambda conn: conn.execute(query).scalar_one(), what="read the register")

    def _filters(self, *, number: str | None = None, applicant: str | None = None, reference: str | None = None,
                 matter: str | None = None, outcome: str | None = None, status: str | None = None,
                 year: int | None = None, date_from=None, date_to=None, issued_from=None, issued_to=None,
                 overdue_on=None, tz: str = HALL_TZ) -> list:
        """The conditions of `search`'s filters (see there), each checked."""
        import sqlalchemy as sa
        t, where = self._entry_t, []
        number, applicant, reference, matter, outcome, status = (
            _text(v, name) for v, name in ((number, "number"), (applicant, "applicant"), (reference, "reference"),
                                           (matter, "matter"), (outcome, "outcome"), (status, "status")))
        if number:
            where.append(t.c.number.contains(number, autoescape=True))
        if applicant:
            typed = mask_id(applicant)  # a full ID number typed is compared masked, as it is kept
            where.append(sa.or_(t.c.applicant.icontains(typed, autoescape=True),
                                t.c.applicant_id.icontains(typed, autoescape=True)))
        if reference:
            where.append(t.c.application_key.contains(reference, autoescape=True))
        if matter:
            where.append(t.c.matter == matter)
        if outcome:
            if outcome not in OUTCOMES:
                raise BadArgument("outcome", f"unknown outcome {outcome!r}: one of {', '.join(OUTCOMES)}")
            where.append(t.c.outcome == outcome)
        if status:
            if status not in STATUSES:
                raise BadArgument("status", f"unknown status {status!r}: one of {', '.join(STATUSES)}")
            where.append(t.c.status == status)
        if year is not None:
            if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
                raise BadArgument("year", f"must be a year such as 2026, not {year!r}")
            where.append(t.c.year == year)
        first, last = _day(date_from, "date_from"), _day(date_to, "date_to")
        _in_order(first, last, "date_from")
        if first:
            where.append(t.c.application_date >= first.isoformat())
        if last:
            where.append(t.c.application_date <= last.isoformat())
        first, last = _day(issued_from, "issued_from"), _day(issued_to, "issued_to")
        _in_order(first, last, "issued_from")
        zone = time_zone(tz)  # checked also when unused: the same call may show local times
        if first:
            where.append(t.c.issued_at >= _utc_start(first, zone))
        if last:
            where.append(t.c.issued_at < _utc_start(last + timedelta(days=1), zone))
        day = _day(overdue_on, "overdue_on")
        if day:
            where.append(sa.and_(t.c.status == "open", t.c.kind.in_(AWAITING), t.c.deadline.is_not(None),
                                 t.c.deadline < day.isoformat()))
        return where

    def follow_up(self, today: date | str, limit: int | None = None) -> list[FollowUp]:
        """The open notices that wait for something from the applicant, with the day it is due
        (`entry.deadline`), soonest first (those without a due date last), each marked overdue when
        its due date is before `today`. What is due depends on the kind of notice:

        - 容缺受理 (`rongque`): the deferred materials, by the date promised: the notice's
          `deadline.supply_by` (the promised period from the application date). A matter with no
          promised period has none, and its due date is the decision's (`decision_by`): the
          materials must come before the decision;
        - 补正 (`correct`): the corrections. The law sets the applicant no date for them; the due
          date kept is the end of the five working days within which the one-time notice must be
          given (`deadline.notice_by`, 行政许可法 art. 32), so "overdue" says the corrections have
          waited longer than that, not that a right is lost. A matter that is no licence has no
          such date: no due date, never overdue."""
        t, day = self._entry_t, _day(today, "today")
        if day is None:
            raise BadArgument("today", "must be a day (YYYY-MM-DD)")
        query = (self._select().where(t.c.status == "open", t.c.kind.in_(AWAITING))
                 .order_by(t.c.deadline.is_(None), t.c.deadline, t.c.id))
        if limit is not None:
            query = query.limit(_count(limit, "limit"))
        entries = self._read(lambda conn: [self._entry(r) for r in conn.execute(query)], what="read the register")
        return [FollowUp(e, e.overdue_on(day)) for e in entries]

    def mark_supplied(self, number: str, by: str = "") -> Entry:
        """Record that what an open notice waited for (容缺受理: the deferred materials; 补正: the
        corrections) has been supplied, and who recorded it (`by`, as for `issue`). Marking a
        supplied notice again changes nothing."""
        import sqlalchemy as sa
        t = self._entry_t

        def run(conn) -> Entry:
            entry = self._first(conn, self._select().where(t.c.number == number))
            if entry is None:
                raise RegisterError(f"no notice numbered {number} for {self.agency}", where=self.where)
            if entry.status == "supplied":
                return entry
            if entry.status != "open":
                why = ("superseded by a later notice" if entry.kind in AWAITING
                       else f"a '{entry.kind}' notice awaits nothing")
                raise RegisterError(f"notice {number} is closed ({why})", where=self.where)
            when, actor = utc_now(), actor_name(by)
            conn.execute(sa.update(t).where(t.c.agency == self.agency, t.c.number == number)
                         .values(status="supplied", supplied_at=when, supplied_by=actor))
            self._audit(conn, actor, "supply", number)
            return replace(entry, status="supplied", supplied_at=when, supplied_by=actor)

        return self._write(run, what="update the register")


    # -- the audit log: who did what to this agency's register, and when

    def _audit(self, conn, actor: str, action: str, subject: str, detail: str = "") -> None:
        write_audit(conn, self._audit_t, self.agency, actor, action, subject, detail)

    def record(self, action: str, subject: str, by: str = "", detail: str = "") -> None:
        """Add a line to the audit log for something done outside `issue` and `mark_supplied`
        (a reprint, an export, an account or office changed)."""
        if action not in AUDIT_ACTIONS:
            raise ValueError(f"unknown action {action!r}: one of {', '.join(AUDIT_ACTIONS)}")
        self._write(lambda conn: self._audit(conn, actor_name(by), action, subject, detail),
                    what="write the audit log")

    def audit_log(self, limit: int | None = 200, subject: str | None = None) -> list[dict]:
        """This agency's audit log, newest first (of one subject, e.g. a document number)."""
        import sqlalchemy as sa
        a = self._audit_t
        query = sa.select(a).where(a.c.agency == self.agency)
        if subject is not None:
            query = query.where(a.c.subject == subject)
        query = query.order_by(a.c.id.desc())
        if limit is not None:
            query = query.limit(int(limit))
        return self._read(lambda conn: [dict(r._mapping) for r in conn.execute(query)], what="read the audit log")


# what the audit log records: issue and supply by the register itself, the rest through `record`
AUDIT_ACTIONS = ("issue", "supply", "reprint", "export", "login", "login_failed", "logout",
                 "account_add", "account_disable", "account_enable", "account_password", "account_role",
                 "office_add", "office_change")


def write_audit(conn, table, agency: str, actor: str, action: str, subject: str, detail: str = "") -> None:
    """One line of the audit log (`table`, as register_tables gives it), in the caller's transaction."""
    import sqlalchemy as sa
    conn.execute(sa.insert(table).values(at=utc_now(), agency=agency, actor=actor[:255], action=action,
                                         subject=subject[:255], detail=mask_id(detail)))


def actor_name(by: str) -> str:
    """Who did it, for the register: a staff account's name, else the command line's user."""
    if by:
        return by
    import getpass
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in this environment (a container without one)
        return "cli"


def _identity(path: str) -> tuple[int, int] | None:
    """The file's device and inode, or None if it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _other_applicant(latest, applicant: str, applicant_id: str) -> bool:
    """Whether the latest entry of a key is surely another applicant's: different ID numbers
    (masked: equal masks are taken as the same person), or, lacking one, different names."""
    if latest["applicant_id"] and applicant_id:
        return latest["applicant_id"] != applicant_id
    if latest["applicant"] and applicant:
        return latest["applicant"].strip() != applicant.strip()
    return False


def _iso_date(text, name: str) -> date:
    if isinstance(text, str) and _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(f"{name} must be a date written YYYY-MM-DD, not {text!r}")


def _text(value, name: str) -> str:
    """A text filter, stripped ("" when not given)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadArgument(name, f"must be a text, not {type(value).__name__}")
    return value.strip()


def _count(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadArgument(name, f"must be a whole number, 0 or more, not {value!r}")
    return value


def _day(value, name: str) -> date | None:
    """A day given as a date or as YYYY-MM-DD; None (or blank) for none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        raise BadArgument(name, f"must be a day, not a time: {value.isoformat()}")
    if isinstance(value, date):
        return value
    try:
        return _iso_date(value.strip() if isinstance(value, str) else value, name)
    except ValueError:
        raise BadArgument(name, f"must be a date written YYYY-MM-DD, not {value!r}") from None


def _in_order(first: date | None, last: date | None, first_name: str) -> None:
    if first and last and first > last:
        raise BadArgument(first_name, f"{first} is after the end of the range, {last}")


def time_zone(name: str):
    """The time zone of this name (zoneinfo), or BadArgument naming `tz`."""
    from zoneinfo import ZoneInfo
    try:
        return ZoneInfo(name)
    except Exception:  # unknown (ZoneInfoNotFoundError), malformed (ValueError) or not a text
        raise BadArgument("tz", f"must be a time-zone name such as {HALL_TZ}, not {name!r}") from None


def today_in(tz: str = HALL_TZ) -> date:
    """Today in the hall: the day `follow_up` judges by when none is named."""
    return datetime.now(time_zone(tz)).date()


def _utc_start(day: date, zone) -> str:
    """The UTC instant at which `day` begins in `zone`, written as the register writes issued_at."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    return start.astimezone(timezone.utc).isoformat(timespec="seconds")


def open_register(url: str, agency: str, abbr: str, office=None) -> Register:
    """The register of the agency given, else of the office's (as `agency_of`); with only an
    abbreviation given, of the agency that holds it in this database (so that `--abbr 西市监`
    finds the notices issued with `--agency 西城区市场监管局 --abbr 西市监`), else of an agency
    named by the abbreviation."""
    import sqlalchemy as sa
    named, abbr = agency_of(agency, abbr, office)
    if agency or office is not None:
        return Register(url, named, abbr)
    db = Database(url)
    try:
        _, holders, *_ = register_tables()

        def holder(conn):
            if not sa.inspect(conn).has_table(holders.name):
                return None  # a register not yet created
            return conn.execute(sa.select(holders.c.agency).where(holders.c.abbr == abbr)).scalar_one_or_none()
        register = Register(db, db.read(holder, what="read the register") or named, abbr)
    except BaseException:
        db.close()
        raise
    register._owns = True  # the database opened here is the register's to close
    return register


def agency_of(agency: str, abbr: str, office) -> tuple[str, str]:
    """The register's agency and abbreviation: those given, else the office's, else X."""
    if office is not None:
        agency, abbr = agency or office.name["zh"], abbr or office.abbr
    abbr = abbr or "X"
    return agency or abbr, abbr


def issue_notice(register: Register, matter_id: str, application_key: str, notice, by: str = "") -> Entry | None:
    """Number a notice in the register, with its deadline, applicant and locality, and write the
    number (and the one it supersedes) onto the notice; None for questions before a decision,
    which are no notice of the agency."""
    from checker.notice.render import render
    if notice.outcome not in KIND_WORD:
        return None
    d = notice.deadline
    due = d.get("notice_by") or d.get("supply_by") or d.get("decision_by")
    applicant = notice.application.get("applicant") or {}

    def as_issued(number: str, earlier: str) -> str:
        notice.number, notice.supersedes = number, earlier
        return render(notice, "json")

    entry = register.issue(matter=matter_id, kind=notice.outcome, application_key=application_key,
                           application_digest=notice.application_sha256,
                           application_date=notice.application["date"], outcome=notice.outcome,
                           notice_json=as_issued, deadline=due,
                           applicant=applicant.get("name", ""), applicant_id=applicant.get("id_number", ""),
                           locality=notice.locality.get("id", ""), by=by)
    notice.number, notice.supersedes = entry.number, entry.supersedes or ""
    return entry
