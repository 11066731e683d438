"""`checker screen --workers N`: the records checked in several processes give exactly what one
process gives (the notices byte for byte, the summary, the problems and their order, the register's
numbers); a bad record stays a problem of its own; a worker killed, Ctrl-C and an unexpected error
stop the run cleanly; memory stays bounded by the reorder window.

The expectations are those of one process (`--workers 1`), whose behaviour the other screen tests
establish; what is checked here is that the order and the content never depend on the workers.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checker.shells import screen as screening
from checker.shells.screen import Screener, WorkerLost, available_cores, read, screen
from checker.workspace import Workspace
from conftest import REPO

IB = "individual-business-registration"
WS = Workspace(REPO)


def examples() -> list[dict]:
    """Every example of every matter and every event, as a record with a reference of its own."""
    apps = []
    for mid in WS.matter_ids():
        for i, e in enumerate(WS.matter(mid).examples):
            apps.append({**e.application, "matter": mid, "reference": f"{mid}-{i}",
                         **({"locality": e.locality} if e.locality else {})})
    for bid in WS.bundle_ids():
        for i, e in enumerate(WS.bundle(bid).examples):
            apps.append({**e.application, "bundle": bid, "reference": f"{bid}-{i}",
                         **({"locality": e.locality} if e.locality else {})})
    return apps


def batch_lines() -> list[str]:
    """The examples, with records that cannot be used among them: a broken line, an unknown
    matter, a record naming no matter, an impossible date; and references used twice: the
    second use of a reference whose first record was unusable is the one kept, a third is refused."""
    lines = [json.dumps(a, ensure_ascii=False) for a in examples()]
    first = json.loads(lines[0])
    lines[5:5] = ["{broken", json.dumps({"matter": "no-such-matter", "date": "2026-03-02"})]
    lines[40:40] = [json.dumps({"date": "2026-03-02", "reference": "none"}),
                    json.dumps({**first, "reference": "twice", "date": "2026-02-30"}),
                    json.dumps({**first, "reference": "twice"}),
                    json.dumps({**first, "reference": "twice"})]
    lines.append(json.dumps({**first, "reference": "last"}))
    return lines


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (the register left out) by its relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith("register")}


def register_rows(db: Path) -> list[tuple]:
    """The register's notices in the order they were numbered, without the time of issue."""
    with sqlite3.connect(db) as c:
        return c.execute("SELECT id, number, application_key, application_digest, status, supersedes, "
                         "outcome, deadline, applicant, notice_json FROM notice_register ORDER BY id").fetchall()


def cli(*args, timeout: float = 600) -> subprocess.CompletedProcess:
    """`checker screen` as a user runs it: in a process of its own, so that workers start the way
    they start from the command line (by fork, the process having one thread)."""
    return subprocess.run([sys.executable, "-m", "checker", "screen", *map(str, args), "--root", str(REPO)],
                          capture_output=True, text=True, timeout=timeout, cwd=REPO)


@pytest.mark.parametrize("with_register", [False, True], ids=["notices", "register"])
def test_two_workers_write_what_one_writes_byte_for_byte(tmp_path, with_register):
    lines = batch_lines()
    assert len(lines) > 30 * screening.CHUNK  # many chunks in flight: the workers are used
    src = tmp_path / "batch.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    runs = {}
    for n in (1, 2):
        out = tmp_path / f"out{n}"
        extra = ("--db", out / "register.sqlite", "--abbr", "西市监") if with_register else ()
        runs[n] = cli(src, "--out", out, "--workers", n, *extra)
    one, two = runs[1], runs[2]
    assert one.returncode == two.returncode == 1
    assert two.stdout.replace("out2", "out1") == one.stdout
    assert two.stderr == one.stderr  # the problems, in the same order
    problems = one.stderr.splitlines()
    assert [p.split(": ", 1)[1].split()[0] for p in problems] == ["E010", "E020", "A002", "A003", "E024"]
    assert problems[-1].startswith(f"{src}:44:1: E024 ") and f"by the record at {src}:43:1" in problems[-1]
    assert tree(tmp_path / "out2") == tree(tmp_path / "out1")
    assert not list((tmp_path / "out2").glob(".staging-*"))
    assert json.loads((tmp_path / "out2" / "notices" / f"{json.loads(lines[0])['matter']}" / "twice.json")
                      .read_text("utf-8"))["application"]["reference"] == "twice"
    if with_register:
        rows = register_rows(tmp_path / "out2" / "register.sqlite")
        assert rows == register_rows(tmp_path / "out1" / "register.sqlite")
        numbers = {}
        for _, number, *_ in rows:  # gap-free per word and year, in input order
            head, seq = number.split("第")
            numbers.setdefault(head, []).append(int(seq.rstrip("号")))
        assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in numbers.values())


def csv_batch(path: Path, rows: int) -> Path:
    """A spreadsheet batch of individual-business registrations, every seventh row with a cell
    that cannot be read (its problem is said at its cell)."""
    header = ["matter", "reference", "date", "fact.filed_by_agent", "fact.premises_tenure", "fact.family_operation",
              "fact.scope_needs_pre_approval", "fact.operator_id_number", "fact.civil_servant_or_military",
              "fact.scope_barred", "fact.has_trade_name", "materials"]
    buffer = io.StringIO()
    w = csv.writer(buffer)
    w.writerow(header)
    for i in range(rows):
        w.writerow([IB, f"C-{i}", "2026/3/2" if i % 7 else "2026-13-02", "否" if i % 3 else "是",
                    "租赁" if i % 2 else "自有房产", "否", "否", "11010519491231002X", "否", "否",
                    "maybe" if i % 11 == 5 else "是", "IB-01:form=original:copies=1:signed=是;IB-02:form=original_and_copy"])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_a_spreadsheet_in_two_workers_reports_each_bad_cell_where_one_process_does(tmp_path):
    src = csv_batch(tmp_path / "batch.csv", 80)
    one = cli(src, "--out", tmp_path / "one", "--workers", 1)
    two = cli(src, "--out", tmp_path / "two", "--workers", 2)
    assert one.stderr == two.stderr and one.returncode == two.returncode == 1
    bad = [line.split(": ")[0] for line in one.stderr.splitlines()]
    # row i on line i + 2: a date that is no date in column 3 every seventh row, 'maybe' in column 11
    # where i % 11 == 5 (row 49 has both, each said)
    assert bad == [f"{src}:{i + 2}:{column}" for i in range(80)
                   for column, wrong in ((3, i % 7 == 0), (11, i % 11 == 5)) if wrong]
    assert tree(tmp_path / "two") == tree(tmp_path / "one")


def _mixed(n: int) -> list[dict]:
    apps = examples()
    return [dict(apps[i % len(apps)], reference=f"R-{i}") for i in range(n)]


def _in_process(tmp_path: Path, name: str, apps: list[dict], workers: int, **kw) -> tuple[dict, list[str]]:
    src = tmp_path / f"{name}.jsonl"
    if not src.exists():
        src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in apps) + "\n", encoding="utf-8")
    problems: list[str] = []
    screen(read(src), Screener(Workspace(REPO)), tmp_path / f"{name}-{workers}", on_problem=lambda p: problems.append(str(p)),
           workers=workers, **kw)
    return tree(tmp_path / f"{name}-{workers}"), problems


def test_workers_started_by_forkserver_compile_for_themselves_and_give_the_same(tmp_path, monkeypatch):
    """The other way workers start (a process with threads, or not Linux): from a clean process
    that compiles the matters itself. The window of records read ahead of those taken stays
    within IN_FLIGHT chunks per worker."""
    monkeypatch.setattr(screening, "start_method", lambda: "forkserver")
    monkeypatch.setattr(screening, "CHUNK", 3)
    apps = _mixed(60) + ["{broken"]
    src = tmp_path / "b.jsonl"
    src.write_text("\n".join(a if isinstance(a, str) else json.dumps(a, ensure_ascii=False) for a in apps) + "\n",
                   encoding="utf-8")
    read_so_far, taken, ahead = [0], [0], []

    def counted():
        for record in read(src):
            read_so_far[0] += 1
            yield record

    def progress():
        taken[0] += 1
        ahead.append(read_so_far[0] - taken[0])

    problems = []
    summary = screen(counted(), Screener(Workspace(REPO)), tmp_path / "two", on_problem=lambda p: problems.append(str(p)),
                     progress=progress, workers=2)
    alone, problems_alone = _in_process(tmp_path, "b", [], 1)
    assert tree(tmp_path / "two") == alone and problems == problems_alone
    assert len(problems) == 1 and problems[0].startswith(f"{src}:61:1: E010 ")
    assert summary.total == 60 and summary.unusable == 1
    assert max(ahead) <= 3 * (2 * screening.IN_FLIGHT + 1)


def test_a_small_batch_is_screened_without_starting_workers(tmp_path, monkeypatch):
    def no_pool(*a, **kw):
        raise AssertionError("no worker should start for a batch this small")
    monkeypatch.setattr("concurrent.futures.ProcessPoolExecutor", no_pool)
    files, problems = _in_process(tmp_path, "small", _mixed(screening.CHUNK * 2), 2)
    assert len([f for f in files if f.endswith(".json") and f.startswith("notices/")]) == screening.CHUNK * 2


def test_an_unexpected_error_stops_the_run_at_its_record_as_in_one_process(tmp_path, monkeypatch):
    """A defect (not a problem of the record) raised while checking record 23: the records before
    it are written, none after it, and the error is raised, with one worker or two."""
    monkeypatch.setattr(screening, "start_method", lambda: "fork")  # the workers carry the defect below
    monkeypatch.setattr(screening, "CHUNK", 4)
    real = Screener.check

    def check(self, record):
        if isinstance(record.data, dict) and record.data.get("reference") == "R-22":
            raise RuntimeError("a defect")
        return real(self, record)
    monkeypatch.setattr(Screener, "check", check)
    results = {}
    for n in (1, 2):
        with pytest.raises(RuntimeError, match="a defect"):
            _in_process(tmp_path, "defect", _mixed(50), n)
        results[n] = tree(tmp_path / f"defect-{n}")
        assert not list((tmp_path / f"defect-{n}").glob(".staging-*"))
    assert results[1] == results[2]
    assert len([f for f in results[1] if f.endswith(".json")]) == 22  # no summary


def test_the_default_is_the_cores_this_process_may_use():
    assert available_cores() == len(os.sched_getaffinity(0))


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                pass
    return found


def _long_run(tmp_path: Path) -> tuple[subprocess.Popen, Path, Path]:
    """`checker screen --workers 2` on a batch that takes a while, once its workers are running."""
    src = tmp_path / "long.jsonl"
    src.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in _mixed(20000)) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "checker", "screen", str(src), "--out", str(out), "--workers", "2",
                             "--root", str(REPO)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=REPO, start_new_session=True)
    for _ in range(600):
        if len(_children(proc.pid)) >= 2 and list(out.glob("notices/*/*.json")):
            return proc, src, out
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the workers did not start")


def _gone(pids: list[int]) -> bool:
    """Whether none of `pids` runs any more (ended, or a zombie waiting to be reaped)."""
    def running(pid):
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    return not any(running(pid) for pid in pids)


def test_a_killed_worker_stops_the_run_with_a_clear_error_not_a_hang(tmp_path):
    proc, src, out = _long_run(tmp_path)
    workers = _children(proc.pid)
    os.kill(workers[0], signal.SIGKILL)
    try:
        stdout, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the run hung after a worker was killed")
    assert proc.returncode == 2
    assert stderr.startswith("stopped: a worker process ended unexpectedly (killed, or out of memory): no result "
                             f"for the record at {src}:"), stderr
    assert stderr.rstrip().endswith("and those after it. Run the same command again.") and "Traceback" not in stderr
    assert not (out / "summary.csv").exists() and not list(out.glob(".staging-*"))
    assert _gone(workers)


def test_ctrl_c_stops_the_parent_and_its_workers_cleanly(tmp_path):
    proc, src, out = _long_run(tmp_path)
    workers = _children(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # as the terminal sends it: to the parent and its workers
    try:
        stdout, stderr = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("Ctrl-C did not stop the run")
    assert proc.returncode != 0 and "Traceback" not in stderr, stderr
    assert not (out / "summary.csv").exists() and not list(out.glob(".staging-*"))
    assert _gone(workers)


def test_a_worker_lost_is_a_worker_lost_error_in_process(tmp_path, monkeypatch):
    """The parent learns of a worker that died while checking (here it ends itself) at once."""
    monkeypatch.setattr(screening, "start_method", lambda: "fork")
    monkeypatch.setattr(screening, "CHUNK", 4)
    real = Screener.check

    def check(self, record):
        if record.data.get("reference") == "R-30":
            os._exit(9)
        return real(self, record)
    monkeypatch.setattr(Screener, "check", check)
    started = time.monotonic()
    with pytest.raises(WorkerLost) as lost:
        _in_process(tmp_path, "lost", _mixed(60), 2)
    assert time.monotonic() - started < 60
    found = re.search(r"no result for the record at .*lost\.jsonl:(\d+):1 and those after it", str(lost.value))
    line = int(found.group(1))
    assert line <= 31  # R-30, or a record before it that was still waiting
    written = sorted(int(f.split("R-")[1][:-5]) for f in tree(tmp_path / "lost-2") if f.endswith(".json"))
    assert written == list(range(line - 1))  # every record before it, none after
