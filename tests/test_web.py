"""The web self-check (`checker/shells/web.py`) and its JSON API.

Expectations come from the matter files (questions, rules, materials and their IDs) and from
the shipped example application, whose expected notice the matter's own examples state.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from starlette.testclient import TestClient
from typer.testing import CliRunner

from checker.run.application import application_schema
from checker.shells.cli import app as cli
from checker.source.loader import load_matter
from checker.shells.web import MAX_BODY, MAX_FIELDS, NoQueryInAccessLog, create_app, running
from conftest import MATTERS, REPO, RULES

IB = "individual-business-registration"
MR = "marriage-registration"
DATE = "2026-03-02"
# an owner filing in person, every question of the interview answered (matter file, example 1)
OWNER = {"date": DATE, "filed_by_agent": "no", "premises_tenure": "owned", "family_operation": "no",
         "scope_needs_pre_approval": "no", "operator_id_number": "11010519491231002X",
         "civil_servant_or_military": "no", "scope_barred": "no"}
# the names of the lease route of IB-03 (rules/premises.yaml)
LEASE_NAMES = ("租赁协议复印件", "出租方房屋产权证明复印件", "租赁：租赁协议及出租方产权证明")
EXAMPLE = REPO / "examples" / "individual-business-leased-agent.yaml"


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(REPO))


def page(client, matter=IB, lang=None, refused=False, **answers):
    """The matter page after sending the answers, as the form does: POSTed, the language in the
    address; `refused`: an answer is refused, and the page (the form, marking it) is a 422."""
    r = client.post(f"/matters/{matter}" + (f"?lang={lang}" if lang else ""), data=answers)
    assert r.status_code == (422 if refused else 200), r.text
    return r.text


def addresses(html: str) -> list[str]:
    """Every address the page can send the browser to (links, form actions, button actions)."""
    return [unescape(u) for u in re.findall(r'(?:href|action|formaction|src)="([^"]*)"', html)]


def button(html: str, id_or_name: str) -> str:
    m = re.search(rf'<button[^>]*(?:id|value)="{re.escape(id_or_name)}"[^>]*>', html)
    assert m, f"no button {id_or_name}"
    return m.group(0)


def section(html: str, cls: str) -> str:
    m = re.search(rf'<section class="{cls}[^"]*".*?</section>', html, re.S)
    return m.group(0) if m else ""


def asked(html: str) -> list[str]:
    """The facts of the questions still to answer (not the answered ones), in page order."""
    return [f for f in re.findall(r'data-fact="([^"]+)"', section(html, "new")) if "." not in f]


def answered(html: str) -> list[str]:
    return [f for f in re.findall(r'data-fact="([^"]+)"', section(html, "answered")) if "." not in f]


def checklist(html: str) -> list[str]:
    return re.findall(r'<li id="item-[^"]+" data-material="([^"]+)"', section(html, "result"))


def field_html(html: str, fact: str) -> str:
    m = re.search(rf'<(div|fieldset) class="q[^"]*"[^>]*data-fact="{re.escape(fact)}".*?</\1>', html, re.S)
    assert m, f"no field for {fact}"
    return m.group(0)


# --- the index --------------------------------------------------------------------------------

def test_index_lists_every_matter_and_every_event(client):
    html = client.get("/").text
    listed = re.findall(r'data-matter="([^"]+)"', html)
    assert sorted(listed) == sorted(p.stem for p in MATTERS.glob("*.yaml"))
    assert len(listed) == 18
    events = re.findall(r'data-bundle="([^"]+)"', html)
    assert sorted(events) == sorted(p.stem for p in (MATTERS.parent / "bundles").glob("*.yaml"))
    assert len(events) == 4
    assert "个体工商户设立登记" in html and "Individual business registration" in html  # both names
    assert 'lang="zh-CN"' in html


@pytest.mark.parametrize("q, found", [
    ("结婚", ["marriage-registration"]),  # the Chinese name
    ("Marriage", ["marriage-registration"]),  # the English name, any case
    ("unemployment-", ["unemployment-benefit", "unemployment-registration"]),  # the id
    ("no such thing", []),
])
def test_search_filters_on_the_server(client, q, found):
    html = client.get("/", params={"q": q}).text
    assert re.findall(r'data-matter="([^"]+)"', html) == found
    assert f'value="{q}"' in html  # the search box keeps the query
    if not found:
        assert "没有找到" in html


# --- the self-check form ------------------------------------------------------------------------

def test_form_first_asks_what_the_interview_asks(client):
    html = page(client, date=DATE)
    first = asked(html)
    # IB's facts and those of the rule sets it includes (agent, premises, family-operation, pre-approval)
    for fact in ("filed_by_agent", "premises_tenure", "family_operation", "scope_needs_pre_approval",
                 "operator_id_number", "civil_servant_or_military"):
        assert fact in first
    assert "scope_barred" not in first  # from: agency (the registry reviews the scope): never asked
    # the trade name only mattered for IB-07, which no longer applies from 2022-03-01
    assert "has_trade_name" not in first
    assert "has_trade_name" in asked(page(client, date="2022-02-28"))
    assert answered(html) == [] and 'id="result"' not in html
    # every option of the premises question, with "don't know"
    premises = field_html(html, "premises_tenure")
    for value in ("owned", "leased", "no_title_certificate", "?"):
        assert f'name="premises_tenure" value="{value}"' in premises
    assert "<label" in premises and "<legend>经营场所是自有、租赁，还是没有房屋产权证明？</legend>" in premises


def test_an_answer_moves_to_the_answers_and_keeps_its_value(client):
    html = page(client, date=DATE, premises_tenure="owned")
    assert "premises_tenure" in answered(html) and "premises_tenure" not in asked(html)
    assert 'value="owned" checked' in field_html(html, "premises_tenure")
    for name in LEASE_NAMES:
        assert name not in html


def test_an_owner_sees_no_lease_materials(client):
    html = page(client, **OWNER)
    assert checklist(html) == ["IB-01", "IB-02", "IB-03"]
    assert "自有房产：房屋产权证明" in section(html, "result")
    for name in LEASE_NAMES:
        assert name not in html
    # the same answers with a lease name the lease route instead
    leased = page(client, **{**OWNER, "premises_tenure": "leased"})
    assert "租赁：租赁协议及出租方产权证明" in section(leased, "result")


def test_a_wrong_id_number_is_shown_with_the_check_message(client):
    html = page(client, date=DATE, operator_id_number="123")
    field = field_html(html, "operator_id_number")
    # the rule operator-id-invalid (matter file) says why, next to the field, which keeps the input
    assert "经营者公民身份号码校验不通过" in field
    assert 'value="123"' in field and 'aria-invalid="true"' in field
    assert 'id="result"' not in html
    en = page(client, date=DATE, operator_id_number="123", lang="en")
    assert "the operator&#39;s ID number fails the check" in field_html(en, "operator_id_number")


def test_an_answer_that_cannot_be_read_says_what_would_do(client):
    html = page(client, date=DATE, filed_by_agent="maybe", refused=True)
    field = field_html(html, "filed_by_agent")
    assert "请回答“是”或“否”" in field and "checked" not in field
    assert "answer yes or no" in field_html(page(client, date=DATE, filed_by_agent="maybe", lang="en", refused=True),
                                            "filed_by_agent")
    bad_date = page(client, date="2026-02-30", refused=True)
    assert "请按“年-月-日”输入一个真实的日期" in bad_date and 'value="2026-02-30"' in bad_date


def test_an_operator_aged_15_is_refused_and_nothing_more_is_asked(client):
    html = page(client, date=DATE, operator_id_number="110105201012310019")  # born 2010-12-31
    result = section(html, "result")
    assert 'data-outcome="refuse"' in result
    assert "经营者未满16周岁" in result and "《促进个体工商户发展条例》第二条" in result
    assert asked(html) == [] and "请回答以下问题" not in html
    assert checklist(html) == []


def test_complete_answers_give_the_checklist_and_the_printable_notice(client):
    html = page(client, **OWNER)
    assert asked(html) == [] and 'data-outcome="correct"' in html
    assert checklist(html) == ["IB-01", "IB-02", "IB-03"]
    result = section(html, "result")
    assert "原件核验并提交复印件" in result  # IB-02's form in words (texts notice.form.*)
    assert "网上下载或窗口领取" in result  # where to obtain IB-01
    assert "登记须证明对经营场所享有使用权" in result  # why IB-03
    assert "@media print" in html
    # the notice is a button of the form: the answers go with it in the body
    notice_button = button(html, "notice-link")
    assert 'form="check"' in notice_button
    link = unescape(re.search(r'formaction="([^"]+)"', notice_button).group(1))
    assert link == f"/matters/{IB}/notice?format=html&lang=zh"
    notice = client.post(link, data=OWNER)
    assert notice.status_code == 200 and notice.headers["content-type"].startswith("text/html")
    assert "自助预审结果（仅供参考）" in notice.text and "[IB-03]" in notice.text  # not the agency's notice
    assert "专用章" not in notice.text
    assert "[IB-05]" not in notice.text  # no agent
    assert "Self-check result" in client.post(f"/matters/{IB}/notice?format=html&lang=en", data=OWNER).text
    text = client.post(f"/matters/{IB}/notice?format=text", data=OWNER)
    assert text.headers["content-type"].startswith("text/plain") and "[IB-03]" in text.text


def test_an_agent_adds_the_authorisation(client):
    html = page(client, **{**OWNER, "filed_by_agent": "yes"})
    assert checklist(html) == ["IB-01", "IB-02", "IB-03", "IB-05"]


def test_a_redirect_names_where_to_apply():
    # birth-registration, rule residence-not-met, where Chongqing's one month of residence applies:
    # the wife has lived here one day short of a month
    from starlette.testclient import TestClient
    client = TestClient(create_app(REPO, "chongqing"))
    html = page(client, "birth-registration", date="2026-03-01", couple_married="yes", husband_local_hukou="no",
                wife_local_hukou="no", wife_residence_start_date="2026-02-02")
    result = section(html, "result")
    assert 'data-outcome="redirect"' in result and asked(html) == []
    assert "请向：<strong>夫妻任一方户籍地的村（居）委会或乡镇人民政府（街道办事处）</strong>" in result


def test_the_english_page(client):
    html = page(client, date=DATE, lang="en")
    assert '<html lang="en">' in html
    assert "Are the premises owned, leased, or without a title certificate?" in html
    assert "Is the operator a civil servant or on active military service?" in html
    assert "经营场所是自有、租赁" not in html
    assert "Please answer these questions" in html
    # the switch sends the form (and so keeps the answers) to the other language's address
    switch = re.search(r'<button type="submit" class="lang link" form="check" formaction="([^"]+)"', html)
    assert unescape(switch.group(1)) == f"/matters/{IB}?lang=zh"
    zh = page(client, date=DATE, premises_tenure="owned", lang="zh")
    assert 'value="owned" checked' in field_html(zh, "premises_tenure") and '<html lang="zh-CN">' in zh
    done = page(client, **OWNER, lang="en")
    assert "Bring these materials" in done and "the original for checking plus a copy" in done


def test_dont_know_is_kept_in_a_hidden_field_and_can_be_taken_back(client):
    html = page(client, date=DATE, premises_tenure="?")
    assert "premises_tenure" not in asked(html) and "premises_tenure" not in answered(html)
    assert '<input type="hidden" name="skip" value="premises_tenure">' in html
    skipped = section(html, "skipped")
    assert "经营场所是自有、租赁，还是没有房屋产权证明？" in skipped
    # the hidden field alone keeps it skipped on the next submission
    assert "premises_tenure" not in asked(page(client, date=DATE, skip="premises_tenure"))
    # its button takes the "don't know" back: the question is asked again
    back = button(skipped, "premises_tenure")
    assert 'name="unskip"' in back and 'form="check"' in back and ">改为回答</button>" in skipped
    assert "premises_tenure" in asked(page(client, date=DATE, skip="premises_tenure", unskip="premises_tenure"))
    # an answer given later wins over the hidden field
    assert "premises_tenure" in answered(page(client, date=DATE, skip="premises_tenure", premises_tenure="owned"))
    # with the tenure unknown the result lists it as not known and keeps every route of IB-03
    done = page(client, **{**OWNER, "premises_tenure": "?"})
    assert "IB-03" in checklist(done) and "经营场所是自有、租赁" in section(done, "result")


def test_text_is_escaped(client):
    html = page(client, date=DATE, operator_id_number='<script>alert("x")</script>')
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_a_list_is_a_count_and_one_fieldset_per_record(client):
    m = "road-freight-licence"
    first = page(client, m, date=DATE)
    assert "drivers" in asked(first)
    html = page(client, m, date=DATE, drivers="2", refused=True,
                **{"drivers.0.vehicle_total_mass": "abc", "drivers.1.birth_date": "1980-01-01"})
    group = re.search(r'<fieldset class="q list[^"]*" id="f-drivers-group".*?</fieldset>\s*</fieldset>\s*</fieldset>', html, re.S).group(0)
    assert group.count('<fieldset class="record">') == 2
    assert 'name="drivers.0.vehicle_total_mass" value="abc"' in group and "请输入整数" in group
    assert 'name="drivers.1.birth_date" value="1980-01-01"' in group
    assert "持有与所驾驶车辆相应车型的机动车驾驶证" in group  # labelled fields
    assert "不能大于 50" in page(client, m, date=DATE, drivers="51", refused=True)


RESERVED = {"date", "lang", "skip", "format"}  # the form's own parameters


def walk(client, m, **given) -> str:
    """Answer whatever the form asks with a plain answer of the right type until the result shows
    (an answer the checker asks to correct is then answered "don't know"); the result page."""
    plain = {"bool": "no", "integer": "1", "number": "1000", "date": "1990-01-01", "string": "11010519491231002X",
             "list": "0"}
    params: dict = {"date": DATE, **given}
    for _ in range(40):
        html = page(client, m.id, **params)
        if 'id="result"' in html:
            return html
        todo = asked(html)
        flagged = [f for f in answered(html) if 'aria-invalid="true"' in field_html(html, f)]
        assert todo or flagged, "neither a question, an answer to correct, nor a result"
        for fact in todo:
            assert fact not in params, f"{fact} asked again"
            t = m.facts[fact].type
            params[fact] = t.values[0] if t.kind == "enum" else plain[t.kind]
        for fact in flagged:
            params[fact] = "?"
    pytest.fail("no result after 40 rounds")


@pytest.mark.parametrize("path", sorted(MATTERS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_matter_can_be_walked_to_a_result(client, path):
    m = load_matter(path, RULES)
    assert not RESERVED & set(m.facts)
    html = walk(client, m)
    assert re.search(r'data-outcome="(accept|correct|refuse|redirect|not_required|rongque)"', html)


def test_local_settings_make_ids_exempt(client):
    # local/hunan.yaml: the office obtains the spouses' ID cards (BR-01) by data sharing
    m = load_matter(MATTERS / "birth-registration.yaml", RULES)
    married = {"couple_married": "yes", "wife_local_hukou": "yes"}
    assert "BR-01" in checklist(walk(client, m, **married))
    hunan = TestClient(create_app(REPO, REPO / "local" / "hunan.yaml"))
    html = walk(hunan, m, **married)
    assert "BR-01" not in checklist(html)
    exempt = re.search(r'<ul class="exempt">.*?</ul>', html, re.S).group(0)
    assert 'data-material="BR-01"' in exempt and "夫妻双方居民身份证" in exempt
    assert "无需提交（由受理部门通过数据共享获取）" in html


def test_unknown_matter_page_is_404(client):
    assert client.get("/matters/no-such-matter").status_code == 404
    assert client.get("/matters/..%2Fpyproject").status_code == 404
    assert client.post("/matters/no-such-matter", data={"date": DATE}).status_code == 404


# --- answers travel by POST, never in an address ---------------------------------------------------

def test_no_answer_reaches_an_address(client):
    html = walk(client, load_matter(MATTERS / f"{IB}.yaml", RULES), premises_tenure="?")
    form = re.search(r'<form class="auto" id="check" method="post" action="([^"]+)"', html)
    assert form and unescape(form.group(1)) == f"/matters/{IB}?lang=zh"
    assert 'value="11010519491231002X"' in html  # walk's answer to the ID number, shown in the form
    assert section(html, "skipped") and 'id="notice-link"' in html and 'class="lang link"' in html
    for url in addresses(html):
        parts = urlsplit(url)
        assert {k for k, _ in parse_qsl(parts.query)} <= {"lang", "format"}, url
        assert not any(v in parts.path for v in ("11010519491231002X", "premises_tenure", "1990-01-01")), url


def test_back_takes_the_last_answer_back(client):
    # the browser's own "back" would resend a POST; the form's back button forgets the last answer,
    # in the order the answers were given (kept in hidden fields), not the order of the questions
    first = page(client, date=DATE, scope_barred="no")
    assert re.findall(r'<input type="hidden" name="order" value="([^"]+)">', first) == ["scope_barred"]
    second = page(client, date=DATE, scope_barred="no", order="scope_barred", filed_by_agent="yes")
    order = re.findall(r'<input type="hidden" name="order" value="([^"]+)">', second)
    assert order == ["scope_barred", "filed_by_agent"]
    assert '<button type="submit" class="secondary" name="back" value="1">上一步</button>' in second
    back = page(client, date=DATE, scope_barred="no", filed_by_agent="yes", order=order, back="1")
    assert answered(back) == ["scope_barred"] and "filed_by_agent" in asked(back)
    again = page(client, date=DATE, scope_barred="no", order=["scope_barred"], back="1")
    assert answered(again) == [] and 'name="back"' not in again  # nothing left to take back


def test_answers_in_an_address_are_not_read(client):
    # an old bookmark or a hand-made link: the form starts empty, so such links are useless
    r = client.get(f"/matters/{IB}", params={**OWNER, "lang": "en"})
    assert r.status_code == 200 and '<html lang="en">' in r.text
    assert answered(r.text) == [] and 'id="result"' not in r.text and "11010519491231002X" not in r.text


def test_a_form_that_cannot_be_read_is_refused(client):
    url = f"/matters/{IB}"
    assert client.post(url, json={"date": DATE}).status_code == 415  # not a form
    big = {"date": DATE, "operator_id_number": "x" * MAX_BODY}
    assert client.post(url, data=big).status_code == 413
    r = client.post(url, content=b"date=%FF%FE", headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and "UTF-8" in r.text
    many = "&".join(f"f{i}=1" for i in range(MAX_FIELDS + 1)).encode()
    assert client.post(url, content=many, headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 413


# --- the JSON API ---------------------------------------------------------------------------------

def test_api_lists_the_matters(client):
    r = client.get("/api/matters")
    assert r.status_code == 200
    rows = r.json()
    assert sorted(x["id"] for x in rows) == sorted(p.stem for p in MATTERS.glob("*.yaml"))
    ib = next(x for x in rows if x["id"] == IB)
    assert ib["name"] == {"zh": "个体工商户设立登记", "en": "Individual business registration"}
    assert ib["code"] == "00013112800001"


def test_api_schema(client):
    r = client.get(f"/api/matters/{IB}/schema")
    assert r.status_code == 200
    assert r.json() == application_schema(load_matter(MATTERS / f"{IB}.yaml", RULES))
    assert r.json()["properties"]["facts"]["properties"]["premises_tenure"]["anyOf"][0]["enum"] == \
        ["owned", "leased", "no_title_certificate"]
    assert client.get("/api/matters/nope/schema").status_code == 404


def test_api_check_gives_the_same_notice_as_the_command_line(client):
    data = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    r = client.post(f"/api/matters/{IB}/check", json=data)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    notice = r.json()
    # the matter's example "leased premises through an agent": correct, IB-03 and IB-05 missing
    assert notice["outcome"] == "correct"
    assert [m["id"] for m in notice["missing"]] == ["IB-03", "IB-05"]
    out = CliRunner().invoke(cli, ["check", IB, str(EXAMPLE), "--format", "json", "--root", str(REPO)])
    assert out.exit_code == 1
    assert r.text == out.stdout  # byte for byte, hashes included


def test_api_check_reports_each_bad_field(client):
    bad = {"date": DATE, "facts": {"premises_tenure": "rented", "premisses": "owned"}}
    r = client.post(f"/api/matters/{IB}/check", json=bad)
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert {p["field"] for p in problems} == {"facts.premises_tenure", "facts.premisses"}
    assert all(set(p) == {"code", "message", "hint", "field"} for p in problems)
    assert any("did you mean 'premises_tenure'" in p["hint"] for p in problems)
    missing_date = client.post(f"/api/matters/{IB}/check", json={"facts": {}}).json()["problems"]
    assert [p["field"] for p in missing_date] == ["date"]
    unreal = client.post(f"/api/matters/{IB}/check", json={"date": "2026-02-30"}).json()["problems"]
    assert [(p["code"], p["field"]) for p in unreal] == [("A003", "date")]


def test_api_check_errors(client):
    url = f"/api/matters/{IB}/check"
    r = client.post("/api/matters/no-such-matter/check", json={"date": DATE})
    assert r.status_code == 404 and "no-such-matter" in r.json()["error"]
    for body in (b"date: 2026-03-02", b'{"date": "2026-03-02"', b'{"date": NaN}', b"\xff\xfe",
                 b'{"date": "2026-03-02", "date": "2026-03-03"}', b"[" * 50000):
        r = client.post(url, content=body, headers={"content-type": "application/json"})
        assert r.status_code == 400, body[:40]
        assert "error" in r.json()
    big = json.dumps({"date": DATE, "reference": "x" * MAX_BODY}).encode()
    r = client.post(url + "?lang=en", content=big)  # Content-Length says too much
    assert r.status_code == 413 and "larger than" in r.json()["error"]

    def chunks():  # no Content-Length: the bytes read are counted
        for _ in range(MAX_BODY // 1024 + 2):
            yield b" " * 1024
    r = client.post(url, content=chunks())
    assert r.status_code == 413
    assert client.post(url, json={"date": DATE}).status_code == 200  # just under is fine
    assert client.post(url + "?lang=fr", json={"date": DATE}).status_code == 400
    assert client.get(url).status_code == 405


def test_openapi_describes_every_endpoint_of_the_api(client):
    doc = client.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/api/matters", "/api/matters/{id}/schema", "/api/matters/{id}/check",
                                 "/api/bundles", "/api/bundles/{id}/schema", "/api/bundles/{id}/check"}
    routes = {r.path.replace("{matter_id}", "{id}").replace("{bundle_id}", "{id}")
              for r in client.app.routes if r.path.startswith("/api/") and r.path != "/api/openapi.json"}
    assert routes == set(doc["paths"])
    for path in ("/api/matters/{id}/check", "/api/bundles/{id}/check"):
        post = doc["paths"][path]["post"]
        assert {"200", "400", "404", "413", "422"} <= set(post["responses"])
        assert {p["name"] for p in post["parameters"]} == {"id", "lang"}
        assert "application/json" in post["requestBody"]["content"]


def test_nothing_is_kept_and_pages_are_not_cached(client):
    r = client.post(f"/matters/{IB}", data=OWNER)
    assert r.status_code == 200 and "set-cookie" not in r.headers
    assert r.headers["cache-control"] == "no-store" and r.headers["referrer-policy"] == "no-referrer"
    assert "script-src 'sha256-" in r.headers["content-security-policy"]


def test_the_access_log_leaves_out_the_answers():
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", f"/matters/{IB}?operator_id_number=11010519491231002X",
                                "1.1", 200), None)
    assert NoQueryInAccessLog().filter(record)
    assert record.getMessage() == f'127.0.0.1:5000 - "GET /matters/{IB} HTTP/1.1" 200'


# --- concurrency: a real server, many threads -------------------------------------------------------

def test_concurrent_checks_give_the_single_threaded_answers():
    leased = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    owner = load_matter(MATTERS / f"{IB}.yaml", RULES).examples[0].application  # accept
    couple = load_matter(MATTERS / f"{MR}.yaml", RULES).examples[0].application  # accept
    cases = [(IB, json.dumps(leased).encode()), (IB, json.dumps(owner).encode()), (MR, json.dumps(couple).encode())]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy

    with running(create_app(REPO), "127.0.0.1", 0) as base:
        assert base.startswith("http://127.0.0.1:")

        def post(i: int) -> tuple[int, int, bytes]:
            matter, body = cases[i % len(cases)]
            req = urllib.request.Request(f"{base}/api/matters/{matter}/check", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
            with opener.open(req, timeout=60) as resp:
                return i % len(cases), resp.status, resp.read()

        single = [post(i)[2] for i in range(len(cases))]
        assert [json.loads(s)["outcome"] for s in single] == ["correct", "accept", "accept"]
        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(post, range(300), timeout=300))
    assert len(results) == 300
    for case, status, body in results:
        assert status == 200
        assert body == single[case]


def test_server_logs_never_show_a_full_id_number(monkeypatch, caplog):
    # an engine failure is logged with its traceback; an exception's text may quote an application's
    # value: the message and the traceback are both masked
    import checker.shells.web.api as web
    from checker.run.engine import EngineError

    def failing(*args, **kwargs):
        raise EngineError("rule r0007: ValueError: cannot use 11010519491231002X here")
    monkeypatch.setattr(web, "check", failing)
    client = TestClient(create_app(REPO), raise_server_exceptions=False)
    body = yaml.safe_load(EXAMPLE.read_text("utf-8"))
    with caplog.at_level(logging.ERROR):
        r = client.post(f"/api/matters/{IB}/check", json=body)
    assert r.status_code == 500
    logged = caplog.text  # each record formatted, its traceback included
    assert "engine error on individual-business-registration" in logged
    assert "EngineError: rule r0007: ValueError: cannot use 110***********002X here" in logged
    assert "11010519491231002X" not in caplog.text


def test_the_result_speaks_of_the_agencys_own_checks_conditions_and_when_one_qualifies(client):
    couple = {"date": "2026-03-02", "male_id_number": "110105199905100019",
              "female_id_number": "110105200008200023", "filed_by_agent": "no",
              "either_party_active_military": "no"}
    result = section(page(client, "marriage-registration", **couple), "result")
    assert "受理机关将自行核实" in result and "婚姻登记机关查询全国联网的婚姻登记信息" in result
    assert "如属下列情形则需要" in result  # MR-06 only if the records differ: conditional, not a fact
    assert ">marriage-registration<" not in page(client, "marriage-registration", **couple)  # no internal id shown
    young = {"date": "2026-03-02", "male_birth_date": "2004-08-01", "female_id_number": "110105200008200023"}
    assert "2026-08-01" in section(page(client, "marriage-registration", **young), "result")  # 22 on that day
