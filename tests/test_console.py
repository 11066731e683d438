"""The staff console (checker/shells/web/console.py) through its HTTP interface: the login and
its lock, CSRF, roles, one agency never seeing another's register, screening and issuing a
notice, the supply recorded and audited. Expectations are the issue's and the law's: a notice
number of another agency is not found (404); a state-changing request without the token is refused."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from checker.shells.accounts import Accounts, LOCK_AFTER
from checker.shells.register import Database, Register
from checker.shells.web import create_app
from checker.source.local import Office
from conftest import REPO

PASSWORD = "correct horse 9"


def office(id, zh, abbr):
    return Office(id=id, name={"zh": zh, "en": zh}, abbr=abbr, locality="",
                  address={"zh": "人民路1号", "en": "1 Renmin Road"}, phones={"consultation": "0000-1234567"})


@pytest.fixture
def hall(tmp_path):
    """A hall with two agencies, a clerk in each, a chief and an administrator."""
    url = str(tmp_path / "hall.db")
    db = Database(url)
    a = Accounts(db)
    a.add_office(office("west", "西市市场监督管理局", "西市监"))
    a.add_office(office("east", "东市市场监督管理局", "东市监"))
    a.add("wang", "王芳", "clerk", "west", PASSWORD)
    a.add("zhao", "赵强", "chief", "west", PASSWORD)
    a.add("chen", "陈东", "clerk", "east", PASSWORD)
    a.add("root", "管理员", "admin", "", PASSWORD)
    db.close()
    return url


def client(url) -> TestClient:
    return TestClient(create_app(REPO, db=url), base_url="https://testserver", follow_redirects=False)


def login(c: TestClient, user: str, password: str = PASSWORD):
    page = c.get("/staff/login")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
    return c.post("/staff/login", data={"nonce": nonce, "username": user, "password": password})


def csrf_of(c: TestClient, path: str = "/staff/") -> str:
    return re.search(r'name="csrf" value="([^"]+)"', c.get(path, follow_redirects=True).text).group(1)


LEASED = {  # examples/individual-business-leased-agent.yaml as a clerk enters it: IB-04 (the agent's
    # authorisation) and the lessor's title certificate not received -> 补正
    "reference": "2026-0001", "applicant_name": "王小明", "applicant_id_number": "11010519491231002X",
    "date": "2026-03-02", "operator_id_number": "11010519491231002X", "premises_tenure": "leased",
    "filed_by_agent": "yes", "family_operation": "no", "scope_needs_pre_approval": "no", "scope_barred": "no",
    "civil_servant_or_military": "no", "has_trade_name": "yes",
    "got.IB-01": "1", "got.IB-02": "1", "until.IB-02": "2036-01-01", "got.IB-03/lease": "1",
}


def issue(c: TestClient, data=LEASED):
    return c.post("/staff/screen/individual-business-registration", data={**data, "csrf": csrf_of(c), "action": "issue"})


def test_pages_need_a_login(hall):
    c = client(hall)
    for path in ("/staff/", "/staff/notices", "/staff/follow-up", "/staff/screen/individual-business-registration"):
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/staff/login")


def test_the_session_cookie_is_secure_httponly_strict(hall):
    c = client(hall)
    r = login(c, "wang")
    assert r.status_code == 303
    cookie = [h for h in r.headers.get_list("set-cookie") if h.startswith("checker_staff=")][0].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie and "path=/staff" in cookie


def test_a_clerk_screens_and_issues_a_numbered_notice_and_records_the_supply(hall):
    c = client(hall)
    login(c, "wang")
    form = c.get("/staff/screen/individual-business-registration")
    assert form.status_code == 200
    for question in ("经营场所", "委托"):  # every question is on the form from the start
        assert question in form.text
    r = issue(c)
    assert r.status_code == 303
    number = unescape(re.search(r"/staff/notices/([^?]+)", r.headers["location"]).group(1))
    from urllib.parse import unquote
    number = unquote(number)
    assert number == "西市监审补〔2026〕第0001号"  # the office's abbreviation, 补正, the application's year
    page = c.get(f"/staff/notices/{quote(number)}").text
    assert number in page and "一次性告知书" in page and "0000-1234567" in page  # the office's telephone
    # the supply, recorded by the clerk, with the CSRF token only
    assert c.post(f"/staff/notices/{quote(number)}/supplied", data={"note": ""}).status_code == 403
    assert c.post(f"/staff/notices/{quote(number)}/supplied", data={"csrf": csrf_of(c)}).status_code == 303
    db = Database(hall)
    e = Register(db, "西市市场监督管理局", "西市监").show(number)
    assert (e.status, e.issued_by, e.supplied_by) == ("supplied", "wang", "wang")
    log = [(r["action"], r["actor"]) for r in Register(db, "西市市场监督管理局", "西市监").audit_log(subject=number)]
    assert log == [("supply", "wang"), ("issue", "wang")]


def test_another_agencys_clerk_cannot_see_the_notice(hall):
    c = client(hall)
    login(c, "wang")
    number = issue(c).headers["location"].split("/staff/notices/")[1].split("?")[0]
    other = client(hall)
    login(other, "chen")
    assert other.get(f"/staff/notices/{number}").status_code == 404
    assert other.get(f"/staff/notices/{number}/pdf").status_code == 404
    assert other.post(f"/staff/notices/{number}/supplied", data={"csrf": csrf_of(other)}).status_code == 404
    assert "西市监" not in other.get("/staff/notices").text


def test_a_request_without_the_csrf_token_is_refused(hall):
    c = client(hall)
    login(c, "wang")
    r = c.post("/staff/screen/individual-business-registration", data={**LEASED, "action": "issue"})
    assert r.status_code == 403
    r = c.post("/staff/screen/individual-business-registration", data={**LEASED, "action": "issue", "csrf": "forged"})
    assert r.status_code == 403
    assert c.post("/staff/logout", data={"x": ""}).status_code == 403


def test_ten_wrong_passwords_lock_the_account(hall):
    c = client(hall)
    for i in range(LOCK_AFTER):
        assert login(c, "wang", f"wrong {i}").status_code == 401
    assert login(c, "wang").status_code == 401  # locked: the right password too
    assert Accounts(Database(hall)).get("wang").locked_until is not None


def test_roles(hall):
    c = client(hall)
    login(c, "wang")
    assert c.get("/staff/statistics").status_code == 403  # a chief's
    assert c.get("/staff/admin").status_code == 403
    admin = client(hall)
    login(admin, "root")
    assert admin.get("/staff/admin").status_code == 200
    assert admin.get("/staff/notices").status_code == 403  # an administrator has no register


def test_the_administrator_adds_and_disables_an_account(hall):
    c = client(hall)
    login(c, "root")
    token = csrf_of(c, "/staff/admin")
    r = c.post("/staff/admin", data={"csrf": token, "do": "add", "username": "li", "name": "李", "role": "clerk",
                                     "office": "east", "password": "a new secret 1"})
    assert r.status_code == 200 and "li" in r.text
    assert c.post("/staff/admin", data={"csrf": token, "do": "disable", "username": "li"}).status_code == 200
    assert login(client(hall), "li", "a new secret 1").status_code == 401
    actions = [r["action"] for r in Accounts(Database(hall)).audit_log()]
    assert actions[:3] == ["login_failed", "account_disable", "account_add"]  # newest first


def test_a_chief_searches_and_exports_the_register(hall):
    c = client(hall)
    login(c, "wang")
    issue(c)
    issue(c, {**LEASED, "reference": "2026-0002", "applicant_name": "李四", "applicant_id_number": "",
              "got.IB-03/lessor_title": "1", "got.IB-05": "1"})
    listing = c.get("/staff/notices", params={"applicant": "李"}).text
    assert "李四" in listing and "王小明" not in listing
    assert c.get("/staff/export", params={"format": "csv"}).status_code == 403  # a chief's
    chief = client(hall)
    login(chief, "zhao")
    csv_text = chief.get("/staff/export", params={"format": "csv", "applicant": "王"}).content.decode("utf-8-sig")
    assert "王小明" in csv_text and "李四" not in csv_text
    xlsx = chief.get("/staff/export", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert chief.get("/staff/export", params={"format": "csv", "date_from": "2026-13-01"}).status_code == 400
    assert [r["action"] for r in Register(Database(hall), "西市市场监督管理局", "西市监").audit_log()][:2] == [
        "export", "export"]


def _batch(c: TestClient, name: str, data: bytes) -> str:
    """Upload a batch and wait for its job; the job page's text."""
    import time
    r = c.post("/staff/batch", data={"csrf": csrf_of(c)}, files={"file": (name, data, "application/octet-stream")})
    assert r.status_code == 303, r.text
    for _ in range(300):
        page = c.get(r.headers["location"]).text
        if 'class="ok"' in page or 'class="msg"' in page:
            return page
        time.sleep(0.1)
    raise AssertionError("the batch did not finish")


def test_a_batch_names_its_records_by_the_uploaded_file_and_is_idempotent(hall):
    """Records without a reference are known by the uploaded file's name and line (not the
    server's folders): uploading the same file again numbers nothing new."""
    import yaml
    c = client(hall)
    login(c, "wang")
    app = yaml.safe_load((REPO / "examples" / "individual-business-leased-agent.yaml").read_text("utf-8"))
    line = __import__("json").dumps(app, ensure_ascii=False).encode() + b"\n"
    bad = b'{"matter": "individual-business-registration", "date": "2026-02-30"}\n'
    page = _batch(c, "march.jsonl", line + bad)
    assert "补正 1" in page and "无法预审 1" in page and "march.jsonl:2" in page and "/tmp" not in page
    _batch(c, "march.jsonl", line + bad)
    reg = Register(Database(hall), "西市市场监督管理局", "西市监")
    entries = reg.list()
    assert [e.application_key for e in entries] == ["individual-business-registration/march.jsonl:1"]
    assert entries[0].issued_by == "wang"


def test_an_archive_with_an_unsafe_name_is_refused(hall):
    import io
    import zipfile
    c = client(hall)
    login(c, "wang")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("../outside.yaml", "matter: individual-business-registration\n")
    page = _batch(c, "bad.zip", buffer.getvalue())
    assert "unsafe name" in page and Register(Database(hall), "西市市场监督管理局", "西市监").list() == []


def test_the_templates_download_one_matter_or_every_matter(hall):
    import csv
    import io
    c = client(hall)
    login(c, "wang")
    one = c.get("/staff/templates/individual-business-registration.csv")
    header = next(csv.reader(io.StringIO(one.content.decode("utf-8-sig"))))
    assert header[0] == "matter" and "fact.premises_tenure" in header
    every = c.get("/staff/templates/all.csv")
    header_all = next(csv.reader(io.StringIO(every.content.decode("utf-8-sig"))))
    assert set(header) <= set(header_all) and "bundle" in header_all  # events mixed in
    assert c.get("/staff/templates/all.xlsx").content.startswith(b"PK")
    assert c.get("/staff/templates/no-such-matter.csv").status_code == 404
