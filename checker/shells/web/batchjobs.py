"""Batches screened from the staff console: an uploaded file (a .zip of YAML/JSON applications,
JSON Lines, CSV or XLSX) saved to a private temporary folder, screened in a background thread as
`checker screen` screens it (a bad record reported and the batch going on), each notice numbered
in the agency's register as the clerk who uploaded it, with its progress to show and its result
(the notices and the summary) as one .zip to download.

A job's state (its office, progress, problems, outcome, and where its files are) is kept in the
register database (table `batch_job`), written at most every PROGRESS_EVERY seconds while it runs:
so any process of a console served by several (`checker serve --workers N`) shows any job's page
and, on the same machine, serves its result. The files stay on the machine that ran the job: a
console on several machines needs sticky sessions for /staff/batch (see the README's deployment
notes). A job whose process stopped before it finished is said to have stopped. Finished jobs
and their files are removed after KEEP_HOURS."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from checker.errors import CheckerError, Location, Problem
from checker.shells.privacy import mask_id
from checker.texts import t

MAX_UPLOAD = 50 * 1024 * 1024  # bytes of one upload
MAX_UNPACKED = 500 * 1024 * 1024  # bytes a .zip may unpack to
MAX_MEMBERS = 100_000  # files in a .zip
MAX_PROBLEMS = 1000  # problems kept to show (all are counted)
KEEP_HOURS = 24
PROGRESS_EVERY = 0.5  # seconds between two writes of a running job's progress
SUFFIXES = (".zip", ".jsonl", ".csv", ".xlsx")


@dataclass
class Job:
    id: str
    office: str
    by: str
    name: str  # the uploaded file's name
    folder: Path
    total: int = 0
    done: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    outcomes: dict = field(default_factory=dict)  # outcome -> notices, over every matter
    unusable: int = 0
    error: str = ""
    finished: float | None = None
    lang: str = "zh"  # the language of its page when it was started
    host: str = ""  # the machine whose process runs it, and holds its folder
    pid: int = 0  # that process

    @property
    def percent(self) -> int:
        return 100 if self.finished else int(100 * self.done / self.total) if self.total else 0


def batch_job_table():
    """The table of batch jobs, in the register database."""
    import sqlalchemy as sa
    md = sa.MetaData()
    table = sa.Table(
        "batch_job", md,
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("office", sa.String(255), nullable=False),
        sa.Column("started_by", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("folder", sa.Text, nullable=False),  # on `host`
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("lang", sa.String(8), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("problems", sa.Text, nullable=False),  # JSON: the first MAX_PROBLEMS, ID numbers masked
        sa.Column("problem_count", sa.Integer, nullable=False),
        sa.Column("outcomes", sa.Text, nullable=False),  # JSON: outcome -> notices
        sa.Column("unusable", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("started", sa.Float, nullable=False),  # seconds since the epoch
        sa.Column("finished", sa.Float),
    )
    sa.Index("ix_batch_job_finished", table.c.finished)
    return md, table


def _running(host: str, pid: int) -> bool:
    """Whether process `pid` on `host` may still run a job: on another machine it cannot be told."""
    if host != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user took the number: not ours
        return False
    return True


def unpack(archive: Path, into: Path) -> Path:
    """The applications of a .zip unpacked into `into`: no absolute paths or '..', no links, at
    most MAX_MEMBERS files and MAX_UNPACKED bytes (a CheckerError names the archive otherwise)."""
    where = Location(archive.name)
    try:
        with zipfile.ZipFile(archive) as z:
            members = [i for i in z.infolist() if not i.is_dir()]
            if len(members) > MAX_MEMBERS or sum(i.file_size for i in members) > MAX_UNPACKED:
                raise CheckerError(Problem(where, "E002", "the archive is too large to unpack",
                                           f"at most {MAX_MEMBERS} files and {MAX_UNPACKED // 2**20} MB"))
            for info in members:
                path = PurePosixPath(info.filename)
                if path.is_absolute() or ".." in path.parts or (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise CheckerError(Problem(where, "E001", f"the archive holds an unsafe name: {info.filename}",
                                               "an archive of application files in folders"))
                target = into.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, target.open("wb") as dst:
                    shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile:
        raise CheckerError(Problem(where, "E001", "not a .zip archive", "a .zip of YAML or JSON files")) from None
    return into


class Jobs:
    """The batch jobs of a console, kept in its register database `db` (shared by every process
    that serves it); this process's uploads and results in a private temporary folder, `root`."""

    def __init__(self, db):
        self.db = db
        self._md, self._table = batch_job_table()
        db.create(self._md)
        self.root = Path(tempfile.mkdtemp(prefix="checker-batches-"))
        self.host = socket.gethostname()

    def _row(self, job: Job) -> dict:
        return dict(office=job.office, started_by=job.by, name=job.name, folder=str(job.folder), host=job.host,
                    pid=job.pid, lang=job.lang, total=job.total, done=job.done,
                    problems=json.dumps(job.problems, ensure_ascii=False), problem_count=job.problem_count,
                    outcomes=json.dumps(job.outcomes), unusable=job.unusable, error=job.error, finished=job.finished)

    def _save(self, job: Job) -> None:
        import sqlalchemy as sa
        tab = self._table
        self.db.write(lambda conn: conn.execute(sa.update(tab).where(tab.c.id == job.id).values(**self._row(job))),
                      what="record a batch's progress")

    def get(self, job_id: str, office: str) -> Job | None:
        """A job of this office, whichever process runs it (another office's is None, as one
        that does not exist); one whose process has stopped says so."""
        import sqlalchemy as sa
        tab = self._table
        row = self.db.read(lambda conn: conn.execute(sa.select(tab).where(tab.c.id == job_id,
                                                                          tab.c.office == office)).first(),
                           what="read a batch")
        if row is None:
            return None
        m = row._mapping
        job = Job(m["id"], m["office"], m["started_by"], m["name"], Path(m["folder"]), total=m["total"],
                  done=m["done"], problems=json.loads(m["problems"]), problem_count=m["problem_count"],
                  outcomes=json.loads(m["outcomes"]), unusable=m["unusable"], error=m["error"],
                  finished=m["finished"], lang=m["lang"], host=m["host"], pid=m["pid"])
        if job.finished is None and not _running(job.host, job.pid):
            job.error, job.finished = t("console.batch_lost", job.lang), time.time()
            self._save(job)
        return job

    def _sweep(self) -> None:
        """Remove the jobs finished more than KEEP_HOURS ago, and their folders on this machine."""
        import sqlalchemy as sa
        tab = self._table
        before = time.time() - KEEP_HOURS * 3600

        def old(conn):
            rows = conn.execute(sa.select(tab.c.id, tab.c.folder, tab.c.host)
                                .where(tab.c.finished.is_not(None), tab.c.finished < before)).all()
            mine = [r for r in rows if r.host == self.host]
            if mine:
                conn.execute(sa.delete(tab).where(tab.c.id.in_([r.id for r in mine])))
            return mine
        for r in self.db.write(old, what="remove old batches"):
            shutil.rmtree(r.folder, ignore_errors=True)

    def start(self, office, by: str, name: str, upload: Path, screener, register, lang: str) -> Job:
        """Screen the uploaded file in a thread; the job to follow it."""
        import sqlalchemy as sa
        from checker.shells.screen import Numbering, read, screen
        self._sweep()
        job_id = secrets.token_urlsafe(12)
        folder = self.root / job_id
        folder.mkdir()
        job = Job(job_id, office.id, by, name, folder, lang=lang, host=self.host, pid=os.getpid())
        self.db.write(lambda conn: conn.execute(sa.insert(self._table).values(id=job_id, started=time.time(),
                                                                              **self._row(job))),
                      what="record a batch")
        saved = [time.monotonic()]

        def save_now_and_then() -> None:
            if time.monotonic() - saved[0] >= PROGRESS_EVERY:
                saved[0] = time.monotonic()
                self._save(job)

        def problem(p: Problem) -> None:
            job.problem_count += 1
            if len(job.problems) < MAX_PROBLEMS:
                text = mask_id(str(p))
                for prefix in (str((folder / "in").resolve()) + "/", str(folder / "in") + "/", str(folder) + "/"):
                    text = text.replace(prefix, "")  # the uploaded file's name, not this server's folders
                job.problems.append(text)

        def step() -> None:
            job.done += 1
            save_now_and_then()

        inbox = folder / "in"  # records are known by their file and line in here (a record without a reference)

        def records(source: Path):
            """The records, each named by the uploaded file (and its path inside a .zip) and line,
            not by this server's folders: the same file uploaded again has the same keys."""
            for record in read(source):
                record.source = record.source.replace(str(inbox.resolve()) + "/", "")
                yield record

        def run() -> None:
            try:
                inbox.mkdir()
                source = inbox / (Path(name).name or f"upload{upload.suffix}")
                if upload.suffix == ".zip":
                    source = unpack(upload, inbox)
                else:
                    upload.rename(source)
                job.total = sum(1 for _ in read(source))
                self._save(job)
                summary = screen(records(source), screener, folder / "result", lang,
                                 on_notice=Numbering(register, by), on_problem=problem, progress=step)
                for counts in summary.outcomes.values():
                    for outcome, n in counts.items():
                        job.outcomes[outcome] = job.outcomes.get(outcome, 0) + n
                job.unusable = summary.unusable
                shutil.make_archive(str(folder / "result"), "zip", folder / "result")
            except CheckerError as e:
                job.error = "; ".join(mask_id(str(p)) for p in e.problems)
            except Exception as e:  # the register lost, a disk full: said on the job's page
                job.error = mask_id(f"{type(e).__name__}: {e}")
            finally:
                job.finished = time.time()
                upload.unlink(missing_ok=True)
                shutil.rmtree(inbox, ignore_errors=True)  # the applications: only the notices are kept
                try:
                    self._save(job)
                except CheckerError:  # the register is lost: the page will say the job stopped once the process ends
                    pass

        threading.Thread(target=run, name=f"batch-{job_id}", daemon=True).start()
        return job
