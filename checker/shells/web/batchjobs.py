"""Batches screened from the staff console: an uploaded file (a .zip of YAML/JSON applications,
JSON Lines, CSV or XLSX) saved to a private temporary folder, screened in a background thread as
`checker screen` screens it (a bad record reported and the batch going on), each notice numbered
in the agency's register as the clerk who uploaded it, with its progress to show and its result
(the notices and the summary) as one .zip to download.

Jobs live in this process's memory and folders: a console served by several processes gives a
job's pages from the process that runs it only (see the README's deployment notes). Finished
jobs' files are removed after KEEP_HOURS."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from checker.errors import CheckerError, Location, Problem
from checker.shells.privacy import mask_id

MAX_UPLOAD = 50 * 1024 * 1024  # bytes of one upload
MAX_UNPACKED = 500 * 1024 * 1024  # bytes a .zip may unpack to
MAX_MEMBERS = 100_000  # files in a .zip
MAX_PROBLEMS = 1000  # problems kept to show (all are counted)
KEEP_HOURS = 24
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

    @property
    def percent(self) -> int:
        return 100 if self.finished else int(100 * self.done / self.total) if self.total else 0


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
    """The batch jobs of this process."""

    def __init__(self):
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self.root = Path(tempfile.mkdtemp(prefix="checker-batches-"))

    def get(self, job_id: str, office: str) -> Job | None:
        """A job of this office (another office's is None, as one that does not exist)."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.office == office else None

    def _sweep(self) -> None:
        now = time.time()
        with self._lock:
            old = [j for j in self._jobs.values() if j.finished and now - j.finished > KEEP_HOURS * 3600]
            for j in old:
                del self._jobs[j.id]
        for j in old:
            shutil.rmtree(j.folder, ignore_errors=True)

    def start(self, office, by: str, name: str, upload: Path, screener, register, lang: str) -> Job:
        """Screen the uploaded file in a thread; the job to follow it."""
        from checker.shells.screen import Numbering, read, screen
        self._sweep()
        job_id = secrets.token_urlsafe(12)
        folder = self.root / job_id
        folder.mkdir()
        job = Job(job_id, office.id, by, name, folder)
        with self._lock:
            self._jobs[job_id] = job

        def problem(p: Problem) -> None:
            job.problem_count += 1
            if len(job.problems) < MAX_PROBLEMS:
                text = mask_id(str(p))
                for prefix in (str((folder / "in").resolve()) + "/", str(folder / "in") + "/", str(folder) + "/"):
                    text = text.replace(prefix, "")  # the uploaded file's name, not this server's folders
                job.problems.append(text)

        def step() -> None:
            job.done += 1

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

        threading.Thread(target=run, name=f"batch-{job_id}", daemon=True).start()
        return job
