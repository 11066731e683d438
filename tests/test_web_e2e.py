"""The self-check form end to end, in a real headless browser (Debian's chromium and chromedriver,
driven by selenium): an owner filing in person answers question by question until the checklist
appears. The answers travel by POST: no address the browser visits (its history) carries one.
With CHECKER_SCREENSHOTS=docs/screenshots it refreshes the README screenshots
web-form.png (part-way) and web-result.png (the result).

CI needs the Debian packages chromium, chromium-driver and fonts-noto-cjk (Chinese text).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from checker.shells.web import create_app, running
from conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# the README's screenshots are refreshed with CHECKER_SCREENSHOTS=docs/screenshots; otherwise the
# test writes them to a temporary folder, so a test run never changes tracked files
SHOTS_TO = os.environ.get("CHECKER_SCREENSHOTS")
IB = "individual-business-registration"
# an owner filing in person (matter file, example 1), by question
ANSWERS = {"filed_by_agent": "no", "premises_tenure": "owned", "family_operation": "no",
           "scope_needs_pre_approval": "no", "operator_id_number": "11010519491231002X",
           "civil_servant_or_military": "no"}  # scope_barred: the registry checks it itself, never asked


def _browser(user_data: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", f"--user-data-dir={user_data}", "--window-size=1000,1400"):
        options.add_argument(arg)
    # the driver's path is given: selenium never looks for (or downloads) one
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    return driver


def test_an_owner_fills_the_form_in_a_browser_and_gets_the_checklist(tmp_path):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    shots = Path(SHOTS_TO) if SHOTS_TO else tmp_path / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    driver = _browser(tmp_path / "chromium-profile")
    try:
        with running(create_app(REPO), "127.0.0.1", 0) as base:
            def mark():
                """Mark the page shown, so that wait_for_new_page can tell when another replaced it."""
                driver.execute_script("window.checkerOldPage = true")

            def wait_for_new_page():
                # a mark on the old page's window, not staleness_of: chromedriver sometimes answers
                # "Node with given id does not belong to the document" while a page is replaced
                WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(lambda d: d.execute_script(
                    "return window.checkerOldPage === undefined && document.readyState === 'complete'"))
                # the address never carries an answer: the path and the language only
                url = urlsplit(driver.current_url)
                assert url.path.startswith(f"/matters/{IB}") and {k for k, _ in parse_qsl(url.query)} <= {"lang", "format"}

            driver.get(f"{base}/matters/{IB}")
            assert "个体工商户设立登记" in driver.title
            mark()
            date = driver.find_element(By.ID, "f-date")
            date.send_keys(Keys.CONTROL, "a")  # not clear(): it fires "change", and the page's script sends the form
            date.send_keys("2026-03-02")
            driver.find_element(By.CSS_SELECTOR, "form#check button[type=submit]").click()
            wait_for_new_page()
            assert driver.find_element(By.ID, "f-date").get_attribute("value") == "2026-03-02"
            answered: list[str] = []
            for _ in range(len(ANSWERS) + 2):
                if driver.find_elements(By.ID, "result"):
                    break
                first = driver.find_element(By.CSS_SELECTOR, "section.new [data-fact]")
                fact = first.get_attribute("data-fact")
                assert fact in ANSWERS, f"unexpected question {fact}"
                assert fact not in answered, f"{fact} asked twice"
                mark()
                radios = first.find_elements(By.CSS_SELECTOR, f'input[type=radio][value="{ANSWERS[fact]}"]')
                if radios:
                    radios[0].click()  # the page's script sends the form when an answer changes
                else:
                    box = first.find_element(By.CSS_SELECTOR, "input[type=text]")
                    box.clear()
                    box.send_keys(ANSWERS[fact])
                    driver.find_element(By.CSS_SELECTOR, "form#check button[type=submit]").click()
                wait_for_new_page()
                answered.append(fact)
                assert fact in [e.get_attribute("data-fact")
                                for e in driver.find_elements(By.CSS_SELECTOR, "section.answered > [data-fact]")]
                if len(answered) == 3:
                    driver.execute_script("window.scrollTo(0, 0)")
                    driver.save_screenshot(str(shots / "web-form.png"))
            result = driver.find_element(By.ID, "result")
            assert result.get_attribute("data-outcome") == "correct"
            items = [e.get_attribute("data-material")
                     for e in result.find_elements(By.CSS_SELECTOR, "ol.checklist > li")]
            assert items == ["IB-01", "IB-02", "IB-03"]
            text = result.text
            assert "个体工商户开业（设立）登记申请书" in text and "经营者身份证明" in text
            assert "自有房产：房屋产权证明" in text and "租赁协议复印件" not in driver.page_source
            assert driver.find_elements(By.CSS_SELECTOR, "section.new") == []  # nothing more to ask
            assert set(answered) == set(ANSWERS)
            # the whole page in one picture: grow the window by what does not fit in the viewport
            extra = driver.execute_script("return document.documentElement.scrollHeight - window.innerHeight")
            driver.set_window_size(1000, min(driver.get_window_size()["height"] + max(extra, 0) + 20, 5000))
            driver.execute_script("window.scrollTo(0, 0)")
            driver.save_screenshot(str(shots / "web-result.png"))
            # the form's back button takes the last answer back: that question is asked again
            last = answered[-1]
            mark()
            driver.find_element(By.CSS_SELECTOR, 'form#check button[name="back"]').click()
            wait_for_new_page()
            assert not driver.find_elements(By.ID, "result")
            assert driver.find_element(By.CSS_SELECTOR, "section.new [data-fact]").get_attribute("data-fact") == last
            assert last not in [e.get_attribute("data-fact")
                                for e in driver.find_elements(By.CSS_SELECTOR, "section.answered > [data-fact]")]
            mark()
            driver.find_element(By.CSS_SELECTOR, f'section.new input[name="{last}"][value="{ANSWERS[last]}"]').click()
            wait_for_new_page()
            assert driver.find_element(By.ID, "result").get_attribute("data-outcome") == "correct"
            # the language switch sends the answers along: the same result, in English
            mark()
            driver.find_element(By.CSS_SELECTOR, "header.site button.lang").click()
            wait_for_new_page()
            assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
            result = driver.find_element(By.ID, "result")
            assert [e.get_attribute("data-material") for e in result.find_elements(By.CSS_SELECTOR, "ol.checklist > li")] \
                == ["IB-01", "IB-02", "IB-03"]
            assert "Bring these materials" in result.text
            mark()
            driver.find_element(By.ID, "notice-link").click()
            wait_for_new_page()
            WebDriverWait(driver, 15).until(lambda d: "Self-check result" in d.title)
            assert "[IB-03]" in driver.page_source and "[IB-05]" not in driver.page_source
    finally:
        driver.quit()
    assert (shots / "web-form.png").stat().st_size > 10_000
    assert (shots / "web-result.png").stat().st_size > 10_000


# a worker whose contract ended, registering and claiming the benefit in one event (bundles/unemployment.yaml)
EVENT_ANSWERS = {"applicant_id_number": "11010519850720001X", "local_connection": "yes", "applicant_origin": "mainland",
                 "able_to_work": "yes", "wishes_to_work": "yes", "entitled_to_basic_pension": "no",
                 "insured_here": "yes", "chooses_resident_medical_insurance": "no", "currently_without_work": "yes"}


def test_a_worker_walks_the_unemployment_event_and_gets_one_list(tmp_path):
    """The event's one form: each question once (the registration's wish to work is the benefit's
    too), then one list: the identity document once for both members, the registration form; the
    benefit waits on the registration; the resident insurance, not chosen, does not apply."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver)")
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    shots = Path(SHOTS_TO) if SHOTS_TO else tmp_path / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    driver = _browser(tmp_path / "chromium-profile")

    def mark():
        driver.execute_script("window.checkerOldPage = true")

    def wait_for_new_page():
        WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(lambda d: d.execute_script(
            "return window.checkerOldPage === undefined && document.readyState === 'complete'"))
        url = urlsplit(driver.current_url)
        assert url.path.startswith("/bundles/unemployment") and {k for k, _ in parse_qsl(url.query)} <= {"lang", "format"}

    try:
        with running(create_app(REPO), "127.0.0.1", 0) as base:
            driver.get(f"{base}/")
            driver.find_element(By.CSS_SELECTOR, '[data-bundle="unemployment"] a').click()
            WebDriverWait(driver, 15).until(lambda d: "失业" in d.title)
            mark()
            date = driver.find_element(By.ID, "f-date")
            date.send_keys(Keys.CONTROL, "a")
            date.send_keys("2026-03-02")
            driver.find_element(By.CSS_SELECTOR, "form#check button[type=submit]").click()
            wait_for_new_page()
            answered: list[str] = []
            for _ in range(len(EVENT_ANSWERS) + 2):
                if driver.find_elements(By.ID, "result"):
                    break
                first = driver.find_element(By.CSS_SELECTOR, "section.new [data-fact]")
                fact = first.get_attribute("data-fact")
                assert fact in EVENT_ANSWERS, f"unexpected question {fact}"
                assert fact not in answered, f"{fact} asked twice"
                mark()
                radios = first.find_elements(By.CSS_SELECTOR, f'input[type=radio][value="{EVENT_ANSWERS[fact]}"]')
                if radios:
                    radios[0].click()
                else:
                    box = first.find_element(By.CSS_SELECTOR, "input[type=text]")
                    box.clear()
                    box.send_keys(EVENT_ANSWERS[fact])
                    driver.find_element(By.CSS_SELECTOR, "form#check button[type=submit]").click()
                wait_for_new_page()
                answered.append(fact)
                if len(answered) == 4:
                    driver.execute_script("window.scrollTo(0, 0)")
                    driver.save_screenshot(str(shots / "event-form.png"))
            assert set(answered) == set(EVENT_ANSWERS) and "seeking_work" not in answered
            result = driver.find_element(By.ID, "result")
            assert result.get_attribute("data-outcome") == "correct"
            members = result.find_element(By.CSS_SELECTOR, 'ol[data-section="members"]').text
            assert "失业登记" in members and "失业保险金申领" in members and "需等待" in members
            items = result.find_elements(By.CSS_SELECTOR, 'ol[data-section="missing"] > li')
            assert len(items) == 2
            assert "失业登记（UR-01）" in items[0].text and "失业保险金申领（UB-01）" in items[0].text
            assert "UR-02" in items[1].text and "UB-01" not in items[1].text
            extra = driver.execute_script("return document.documentElement.scrollHeight - window.innerHeight")
            driver.set_window_size(1000, min(driver.get_window_size()["height"] + max(extra, 0) + 20, 6000))
            driver.execute_script("window.scrollTo(0, 0)")
            driver.save_screenshot(str(shots / "event-result.png"))
            # the printable notice of the event, with the same list
            mark()
            driver.find_element(By.ID, "notice-link").click()
            WebDriverWait(driver, 15).until(lambda d: "一件事" in d.title)
            assert driver.page_source.count("失业登记（UR-01）") == 1
    finally:
        driver.quit()
    assert (shots / "event-form.png").stat().st_size > 10_000
    assert (shots / "event-result.png").stat().st_size > 10_000
