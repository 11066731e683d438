"""`checker serve --workers N`, and several `checker serve` processes on one PostgreSQL register.

Real servers in subprocesses (test_serve.serve). What is expected is what one process answers:
the same status, headers and body for the same request, whichever worker takes it; and, with
several servers issuing at once, what the register promises (register.py): document numbers
unique and gap-free per agency, kind word and year. The staff console's sessions and batch jobs
live in the register database, so a login or a batch started through one process is seen through
any other.
"""

from __future__ import annotations

import io
import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote, unquote, urlencode

import pytest
import yaml

from checker.shells.accounts import Accounts
from checker.shells.register import Database, Register, database_url
from checker.source.local import Office
from checker.workspace import Workspace
from conftest import REPO
from test_serve import serve

IB = "individual-business-registration"
PG_URL = os.environ.get("CHECKER_TEST_PG", "")
PASSWORD = "correct horse 9"
WEST = ("西市市场监督管理局", "西市监")


def fetch(base: str, path: str, body: bytes | None = None, content_type: str = "") -> tuple[int, dict, bytes]:
    """One request on a connection of its own: the status, the headers that do not change from
    one answer to the next (not the date), and the body."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    req = urllib.request.Request(base + path, data=body, method="POST" if body is not None else "GET",
                                 headers={"Content-Type": content_type} if content_type else {})
    try:
        with opener.open(req, timeout=60) as r:
            status, headers, data = r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        status, headers, data = e.code, e.headers, e.read()
    return status, {k.lower(): v for k, v in headers.items() if k.lower() != "date"}, data


def requests_of_every_kind() -> list[tuple[str, bytes | None, str]]:
    """Pages, the API with an example of every matter and event, and requests that are refused."""
    ws = Workspace(REPO)
    out: list[tuple[str, bytes | None, str]] = [("/", None, ""), ("/?" + urlencode({"q": "营业", "lang": "en"}), None, ""), (f"/matters/{IB}", None, ""),
                                                ("/api/matters", None, ""), (f"/api/matters/{IB}/schema", None, ""),
                                                ("/api/openapi.json", None, ""), ("/api/matters/no-such/check", b"{}", "application/json"),
                                                (f"/api/matters/{IB}/check", b"{not json", "application/json"),
                                                (f"/api/matters/{IB}/check", b'{"date": "2026-02-30"}', "application/json")]
    for mid in ws.matter_ids():
        e = ws.matter(mid).examples[0]
        out.append((f"/api/matters/{mid}/check", json.dumps(e.application, ensure_ascii=False).encode(), "application/json"))
    for bid in ws.bundle_ids():
        e = ws.bundle(bid).examples[0]
        out.append((f"/api/bundles/{bid}/check", json.dumps(e.application, ensure_ascii=False).encode(), "application/json"))
    answers = {"date": "2026-03-02", "premises_tenure": "leased", "filed_by_agent": "yes"}
    out.append((f"/matters/{IB}", urlencode(answers).encode(), "application/x-www-form-urlencoded"))
    out.append((f"/matters/{IB}/notice?format=json", urlencode(answers).encode(), "application/x-www-form-urlencoded"))
    return out


def test_two_workers_answer_every_request_as_one_process_does(tmp_path):
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    office = ("--office", str(REPO / "examples" / "office.yaml"))  # its name on the notices: settings reach the workers
    with serve(tmp_path / "one", "--workers", "1", *office) as one, serve(tmp_path / "two", "--workers", "2", *office) as two:
        for path, body, kind in requests_of_every_kind():
            alone = fetch(one.base, path, body, kind)
            for _ in range(3):  # a connection each: any of the two workers may take it
                assert fetch(two.base, path, body, kind) == alone, path
        name = yaml.safe_load((REPO / "examples" / "office.yaml").read_text("utf-8"))["name"]["zh"]
        leased = (REPO / "examples" / "individual-business-leased-agent.yaml").read_text("utf-8")
        body = json.dumps(yaml.safe_load(leased), ensure_ascii=False).encode()
        assert name in json.loads(fetch(two.base, f"/api/matters/{IB}/check", body, "application/json")[2])["office"]["name"]["zh"]
        log = two.stop()
    assert len(re.findall(r"Started server process \[\d+\]", log)) == 2 and "Traceback" not in log
    assert "?" not in "".join(re.findall(r'"(?:GET|POST) [^"]*"', log))  # no query string in the access log


def test_a_worker_that_dies_is_replaced_and_the_server_goes_on(tmp_path):
    with serve(tmp_path, "--workers", "2") as server:
        first = fetch(server.base, "/api/matters")
        pids = [int(p) for p in re.findall(r"Started server process \[(\d+)\]", server.output())]
        os.kill(pids[0], 9)
        for _ in range(100):
            if len(re.findall(r"Started server process", server.output())) == 3:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the worker was not replaced:\n" + server.output())
        assert all(fetch(server.base, "/api/matters") == first for _ in range(6))


# --- several servers on one PostgreSQL register ---------------------------------------------------

@pytest.fixture
def pg_hall():
    """A fresh PostgreSQL schema with a hall: the west agency's office, two clerks and a chief."""
    if not PG_URL:
        pytest.skip("set CHECKER_TEST_PG to a PostgreSQL URL (tests/pg.sh starts a local server and prints one)")
    import sqlalchemy as sa
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(database_url(PG_URL))
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = database_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    db = Database(url)
    accounts = Accounts(db)
    accounts.add_office(Office(id="west", name={"zh": WEST[0], "en": WEST[0]}, abbr=WEST[1], locality="",
                               address={"zh": "人民路1号", "en": "1 Renmin Road"}, phones={"consultation": "0000-1234567"}))
    for user in ("wang", "li"):
        accounts.add(user, user, "clerk", "west", PASSWORD)
    db.close()
    yield url
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


class Clerk:
    """A browser of the console: its own cookies, logged in as `user` through `base`."""

    def __init__(self, base: str, user: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                                  urllib.request.HTTPCookieProcessor(CookieJar()))
        page = self.get("/staff/login")[1]
        nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)
        status, home, _ = self.post("/staff/login", {"nonce": nonce, "username": user, "password": PASSWORD})
        assert status == 200 and "/staff/logout" in home, home

    def get(self, path: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict | None = None, body: bytes | None = None, kind: str = "") -> tuple[int, str, str]:
        """A form (or a body of `kind`); redirects followed: the status, the page and where it ended."""
        if data is not None:
            body, kind = urlencode(data).encode(), "application/x-www-form-urlencoded"
        return self._open(urllib.request.Request(self.base + path, data=body, headers={"Content-Type": kind}))

    def _open(self, req) -> tuple[int, str, str]:
        try:
            with self.opener.open(req, timeout=120) as r:
                return r.status, r.read().decode("utf-8"), r.geturl()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8", "replace"), e.geturl()

    def csrf(self) -> str:
        return re.search(r'name="csrf" value="([^"]+)"', self.get("/staff/")[1]).group(1)

    def issue(self, reference: str) -> str:
        """Screen the leased-premises application through an agent (补正: the authorisation is
        missing) under `reference` and issue it; the notice's number."""
        status, page, where = self.post(f"/staff/screen/{IB}", {**LEASED, "reference": reference, "csrf": self.csrf(),
                                                                "action": "issue"})
        assert status == 200 and "/staff/notices/" in where, (status, page[:500])
        return unquote(where.split("/staff/notices/")[1].split("?")[0])


LEASED = {"applicant_name": "王小明", "applicant_id_number": "11010519491231002X", "date": "2026-03-02",
          "operator_id_number": "11010519491231002X", "premises_tenure": "leased", "filed_by_agent": "yes",
          "family_operation": "no", "scope_needs_pre_approval": "no", "scope_barred": "no",
          "civil_servant_or_military": "no", "has_trade_name": "yes", "got.IB-01": "1", "got.IB-02": "1",
          "until.IB-02": "2036-01-01", "got.IB-03/lease": "1"}


def test_two_servers_issue_at_once_into_one_postgresql_register_unique_and_gap_free(tmp_path, pg_hall):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    args = ("--db", pg_hall, "--closed-network", "--workers", "2")
    with serve(tmp_path / "a", *args) as a, serve(tmp_path / "b", *args) as b:
        clerks = [Clerk(base, user) for base in (a.base, b.base) for user in ("wang", "li")] * 2  # 8 browsers
        numbers: list[str] = []
        errors: list[BaseException] = []

        def work(clerk: Clerk, n: int) -> None:
            try:
                for i in range(6):
                    numbers.append(clerk.issue(f"2026-{n}-{i}"))
            except BaseException as e:  # said by the test, not lost in the thread
                errors.append(e)
        threads = [threading.Thread(target=work, args=(c, n)) for n, c in enumerate(clerks)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(300)
        assert not errors, errors
        # a session opened through one server is good on the other: sessions are in the database
        crossed = Clerk(a.base, "wang")
        crossed.base = b.base
        assert crossed.get("/staff/notices")[0] == 200
        logs = a.stop() + b.stop()
    assert "Traceback" not in logs
    assert len(numbers) == len(set(numbers)) == 48
    entries = Register(pg_hall, *WEST).search(limit=None)
    assert sorted(e.number for e in entries) == sorted(numbers)
    assert sorted(e.seq for e in entries) == list(range(1, 49))  # one word (审补), one year: 1 to 48
    assert {e.number.split("第")[0] for e in entries} == {"西市监审补〔2026〕"}


def test_a_batch_started_through_one_process_is_followed_and_fetched_through_any(tmp_path, pg_hall):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    args = ("--db", pg_hall, "--closed-network", "--workers", "2")
    app = yaml.safe_load((REPO / "examples" / "individual-business-leased-agent.yaml").read_text("utf-8"))
    lines = [json.dumps(dict(app, reference=f"B-{i}"), ensure_ascii=False) for i in range(30)]
    with serve(tmp_path / "a", *args) as a, serve(tmp_path / "b", *args) as b:
        clerk = Clerk(a.base, "wang")
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{clerk.csrf()}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"march.jsonl\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode() + "\n".join(lines).encode() + \
            f"\r\n--{boundary}--\r\n".encode()
        status, page, where = clerk.post("/staff/batch", body=body, kind=f"multipart/form-data; boundary={boundary}")
        assert status == 200 and "/staff/batch/" in where, page[:300]
        job = where.split("/staff/batch/")[1].split("?")[0]
        elsewhere = Clerk(b.base, "li")  # another server, another clerk of the same agency
        for _ in range(600):
            pages = [elsewhere.get(f"/staff/batch/{job}")[1] for _ in range(4)] + [clerk.get(f"/staff/batch/{job}")[1]]
            assert all("march.jsonl" in p for p in pages)
            if all('class="ok"' in p for p in pages):
                break
            time.sleep(0.1)
        else:
            pytest.fail("the batch did not finish: " + pages[-1][-500:])
        assert "补正 30" in pages[0]
        req = urllib.request.Request(f"{b.base}/staff/batch/{job}/result.zip")  # from the other server
        with elsewhere.opener.open(req, timeout=60) as r:
            assert r.status == 200
            names = zipfile.ZipFile(io.BytesIO(r.read())).namelist()
        assert "summary.csv" in names and f"notices/{IB}/B-0.json" in names
        a.stop()
        b.stop()
    assert sorted(e.seq for e in Register(pg_hall, *WEST).search(limit=None)) == list(range(1, 31))


def test_a_batch_whose_process_stopped_says_so(tmp_path, pg_hall):
    """A job left unfinished by a process that is gone is shown as stopped, in plain words."""
    import sqlalchemy as sa
    from checker.shells.web.batchjobs import Jobs
    jobs = Jobs(Database(pg_hall))
    with jobs.db.engine.begin() as conn:
        conn.execute(sa.insert(jobs._table).values(
            id="gone", office="west", started_by="wang", name="march.jsonl", folder="/nowhere", host=jobs.host,
            pid=2 ** 22 + 1, lang="zh", total=10, done=3, problems="[]", problem_count=0, outcomes="{}",
            unusable=0, error="", started=time.time(), finished=None))
    job = jobs.get("gone", "west")
    assert job.finished and job.error.startswith("运行本批预审的服务进程已停止")
    assert jobs.get("gone", "east") is None
