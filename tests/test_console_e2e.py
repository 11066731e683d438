"""The staff console end to end, in a real headless browser (Debian's chromium and chromedriver,
driven by selenium), as the issue asks: a clerk logs in, screens an application with the notice
following the answers, issues it, gets its PDF, records the supply, searches it back; a clerk of
another agency cannot see it; a request without the CSRF token is refused; ten wrong passwords
lock the account. With CHECKER_SCREENSHOTS=docs/screenshots it refreshes the console's screenshots
(console-*.png); otherwise they go to a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from checker.shells.accounts import Accounts
from checker.shells.register import Database
from checker.shells.web import create_app, running
from checker.source.local import load_office
from conftest import REPO
from test_web_e2e import CHROMEDRIVER, CHROMIUM, SHOTS_TO, _browser

PASSWORD = "correct horse 9"
IB = "individual-business-registration"


def _hall(tmp_path: Path) -> str:
    """examples/office.yaml (示例县政务服务中心, Hunan's rules) and a second agency; a clerk in each,
    a chief and an administrator."""
    url = str(tmp_path / "hall.db")
    db = Database(url)
    a = Accounts(db)
    example = load_office(REPO / "examples" / "office.yaml", REPO)
    a.add_office(example)
    from dataclasses import replace
    a.add_office(replace(example, id="other-county", name={"zh": "另一县政务服务中心", "en": "Other County Centre"},
                         abbr="另县政务"))
    a.add("wang", "王芳", "clerk", example.id, PASSWORD)
    a.add("zhao", "赵强", "chief", example.id, PASSWORD)
    a.add("chen", "陈东", "clerk", "other-county", PASSWORD)
    a.add("root", "系统管理员", "admin", "", PASSWORD)
    db.close()
    return url


def test_a_clerk_issues_prints_and_follows_a_notice_in_a_browser(tmp_path):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)")
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    shots = Path(SHOTS_TO) if SHOTS_TO else tmp_path / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    url = _hall(tmp_path)
    driver = _browser(tmp_path / "chromium-profile")
    driver.set_window_size(1400, 1000)

    def wait(condition, seconds=15):
        return WebDriverWait(driver, seconds, ignored_exceptions=(WebDriverException,)).until(condition)

    def shot(name: str, full: bool = True) -> None:
        if full:
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(1400, min(max(height + 40, 600), 4000))
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(shots / f"console-{name}.png"))
        driver.set_window_size(1400, 1000)

    def click(element) -> None:
        """Click it in the middle of the window: the form's sticky action bar covers the bottom."""
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def login(user: str, password: str = PASSWORD) -> None:
        driver.get(f"{base}/staff/login")
        driver.find_element(By.NAME, "username").send_keys(user)
        driver.find_element(By.NAME, "password").send_keys(password)
        driver.execute_script("window.checkerOldPage = true")
        driver.find_element(By.CSS_SELECTOR, "form button").click()
        # a mark on the old page's window tells when the answer replaced it (logged in, or refused)
        wait(lambda d: d.execute_script("return window.checkerOldPage === undefined && document.readyState === 'complete'"))

    def fetch(path: str, data: bytes | None = None) -> tuple[int, bytes, str]:
        """A request with the browser's session cookie (not its CSRF token)."""
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
        request = urllib.request.Request(f"{base}{path}", data=data, headers={"Cookie": cookie})
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, r.read(), r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            return e.code, e.read(), ""

    try:
        with running(create_app(REPO, db=url), "127.0.0.1", 0) as base:
            # -- the login
            driver.get(f"{base}/staff/")
            assert driver.current_url.startswith(f"{base}/staff/login")
            shot("login", full=False)
            login("wang")
            wait(lambda d: "/staff/login" not in d.current_url)
            assert "示例县政务服务中心" in driver.page_source
            shot("home")

            # -- screening: every question is on the page; the notice follows the answers
            driver.get(f"{base}/staff/screen/{IB}")
            for name, value in (("reference", "2026-0417"), ("applicant_name", "王小明"),
                                ("applicant_id_number", "11010519491231002X"), ("date", "2026-03-02"),
                                ("operator_id_number", "11010519491231002X")):
                box = driver.find_element(By.NAME, name)
                box.clear()
                box.send_keys(value)
            for fact, value in (("premises_tenure", "leased"), ("filed_by_agent", "yes"), ("family_operation", "no"),
                                ("scope_needs_pre_approval", "no"), ("civil_servant_or_military", "no")):
                click(driver.find_element(By.CSS_SELECTOR, f'input[name="{fact}"][value="{value}"]'))
            for got in ("IB-01", "IB-02", "IB-03/lease"):
                click(driver.find_element(By.CSS_SELECTOR, f'input[name="got.{got}"]'))
            driver.find_element(By.NAME, "until.IB-02").send_keys("2036-01-01")
            click(driver.find_element(By.NAME, "reference"))  # the last box's change fires on leaving it
            # the lessor's title certificate and the agent's papers not received: a 补正 notice beside the form
            wait(lambda d: "出租方房屋产权证明" in d.find_element(By.ID, "notice").text
                 and "2026-03-02" in d.find_element(By.ID, "notice").text)
            notice_text = driver.find_element(By.ID, "notice").text
            assert "委托" in notice_text  # the agent's authorisation (IB-05) is asked for
            shot("screen")
            driver.find_element(By.CSS_SELECTOR, 'button[name="action"][value="issue"]').click()
            wait(lambda d: "/staff/notices/" in d.current_url)
            number = "示例政务审补〔2026〕第0001号"
            assert number in driver.page_source and "0000-1234567" in driver.page_source  # the office's telephone
            notice_path = f"/staff/notices/{quote(number)}"

            # -- the PDF, as issued
            status, pdf, kind = fetch(f"{notice_path}/pdf")
            assert status == 200 and kind == "application/pdf" and pdf.startswith(b"%PDF")
            if shutil.which("pdftotext"):
                (tmp_path / "n.pdf").write_bytes(pdf)
                text = subprocess.run(["pdftotext", str(tmp_path / "n.pdf"), "-"], capture_output=True,
                                      text=True, check=True).stdout
                assert number in text and "出租方房屋产权证明" in text
            shot("notice")

            # -- a state-changing request without the CSRF token is refused; with the page's button it works
            status, _, _ = fetch(f"{notice_path}/supplied", b"note=")
            assert status == 403
            driver.find_element(By.CSS_SELECTOR, f'form[action^="/staff/notices/"] button').click()
            wait(lambda d: d.find_elements(By.CSS_SELECTOR, "span.ok"))  # "已补齐：<when>（wang）"
            assert "wang" in driver.find_element(By.CSS_SELECTOR, "span.ok").text
            assert "wang" in driver.find_element(By.TAG_NAME, "details").get_attribute("innerHTML")

            # -- searched back by the applicant's name
            driver.get(f"{base}/staff/notices?applicant=王小明")
            rows = driver.find_elements(By.CSS_SELECTOR, "table tbody tr")
            assert len(rows) == 1 and number in rows[0].text and "已补齐" in rows[0].text
            shot("register")
            driver.get(f"{base}/staff/follow-up")
            shot("follow-up")

            # -- a batch: the matter's template from the console, its worked row put to use, uploaded
            status, sheet, kind = fetch(f"/staff/templates/{IB}.csv")
            assert status == 200 and kind.startswith("text/csv") and sheet.startswith("\ufeffmatter,".encode())
            batch = tmp_path / "batch.csv"
            batch.write_bytes(sheet.replace(f"\n#{IB},".encode(), f"\n{IB},".encode()))  # the worked row, no longer a note
            driver.get(f"{base}/staff/batch")
            shot("batch", full=False)
            driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(batch))
            driver.find_element(By.CSS_SELECTOR, "main form button").click()  # not the header's logout
            wait(lambda d: d.find_elements(By.CSS_SELECTOR, "p.ok, p.msg"), 90)  # the page refreshes itself
            assert driver.find_elements(By.CSS_SELECTOR, "p.ok"), driver.find_element(By.CSS_SELECTOR, "p.msg").text
            # the worked row is the matter's first example, an owner filing in person with everything: accepted
            assert driver.find_element(By.CSS_SELECTOR, "p.ok").text.endswith("受理 1；无法预审 0")
            shot("batch-done", full=False)
            result = driver.find_element(By.PARTIAL_LINK_TEXT, ".zip").get_attribute("href")
            status, archive, _ = fetch(result.replace(base, ""))
            assert status == 200 and archive.startswith(b"PK")
            driver.get(f"{base}/staff/notices")
            assert len(driver.find_elements(By.CSS_SELECTOR, "table tbody tr")) == 2  # the batch's notice numbered too
            driver.delete_all_cookies()

            # -- a clerk of another agency: not found
            login("chen")
            wait(lambda d: "/staff/login" not in d.current_url)
            driver.get(f"{base}{notice_path}")
            assert number not in driver.page_source
            assert fetch(notice_path)[0] == 404 and fetch(f"{notice_path}/pdf")[0] == 404
            driver.get(f"{base}/staff/notices")
            assert number not in driver.page_source
            driver.delete_all_cookies()

            # -- the chief's statistics; the administrator's accounts
            login("zhao")
            wait(lambda d: "/staff/login" not in d.current_url)
            driver.get(f"{base}/staff/statistics")
            assert driver.find_elements(By.CSS_SELECTOR, "svg[role=img]")
            shot("statistics")
            driver.delete_all_cookies()
            login("root")
            wait(lambda d: "/staff/admin" in d.current_url)
            assert "wang" in driver.page_source
            shot("admin")
            driver.delete_all_cookies()

            # -- ten wrong passwords lock the account: the right one no longer opens it
            for i in range(10):
                login("wang", f"wrong password {i}")
                wait(lambda d: d.find_elements(By.CSS_SELECTOR, "p.msg"))
            login("wang")
            wait(lambda d: d.find_elements(By.CSS_SELECTOR, "p.msg"))
            assert "/staff/login" in driver.current_url
            shot("locked", full=False)
    finally:
        driver.quit()
    log = [(r["action"], r["actor"]) for r in reversed(Accounts(Database(url)).audit_log(500))]
    assert ("issue", "wang") in log and ("supply", "wang") in log and ("reprint", "wang") in log
    assert log[-1] == ("login_failed", "wang") and sum(1 for a, u in log if a == "login_failed" and u == "wang") == 11
