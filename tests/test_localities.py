"""Localities and offices: the national rule by default, a locality's rules only where chosen (by
the office, --local, or the application), never two contradicting choices; the office on the
notice and in the register."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from checker.shells.cli import app
from checker.run.compiler import compile_matter
from checker.errors import CheckerError
from checker.source.loader import load_matter
from checker.source.local import choose_locality, load_office, locality_file
from checker.service import check
from conftest import FIXTURES, REPO, RULES
from conftest import complete_test_application as appl

runner = CliRunner()
MATTER = FIXTURES / "matters" / "test-licence.yaml"


@pytest.fixture()
def lib(tmp_path) -> Path:
    """A library with the fixture matter and two localities: a province and a city in it."""
    shutil.copytree(RULES, tmp_path / "rules")
    (tmp_path / "matters").mkdir()
    shutil.copy(MATTER, tmp_path / "matters")
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "province.yaml").write_text(
        "local: province\nname: {zh: 某省, en: A Province}\nmatters:\n  test-licence:\n"
        "    parameters:\n      photo_count: 4\n      licence_shared: {value: true, cite: {section: \"A4\", url: \"https://example.gov.cn/a4\"}}\n"
        "    basis:\n      - {zh: 某省条例第三条, en: \"Province Regulation, art. 3\"}\n", encoding="utf-8")
    (tmp_path / "local" / "city.yaml").write_text(
        "local: city\nname: {zh: 某市, en: A City}\npart_of: province\nmatters:\n  test-licence:\n"
        "    parameters:\n      photo_count: 6\n"
        "    time_limit:\n      promised: {days: 3, working_days: true}\n"
        "    fee: {amount: 0, text: {zh: 免费（某市）, en: free (the city)}}\n"
        "    handling: {text: {zh: 某市政务服务中心, en: the city's service centre}}\n", encoding="utf-8")
    return tmp_path


def _office(lib: Path, **changes) -> Path:
    data = {"office": "city-window", "name": {"zh": "某市政务服务中心", "en": "City service centre"},
            "abbr": "某政务", "locality": "city",
            "address": {"zh": "某市人民路1号", "en": "1 Renmin Road"},
            "hours": {"zh": "工作日9:00–17:00", "en": "working days 9:00-17:00"},
            "phones": {"consultation": "0000-1111111", "complaint": "12345"}}
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    path = lib / "office.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_without_a_locality_the_national_rules_apply(lib):
    m = load_matter(lib / "matters" / "test-licence.yaml", lib / "rules")
    assert m.local == "" and m.parameters["photo_count"].on("2026-03-02") == 3
    n = check(compile_matter(m), appl())
    assert n.locality == {} and n.time_limit["promised"]["days"] == 5


def test_a_city_applies_its_province_first_then_its_own(lib):
    m = load_matter(lib / "matters" / "test-licence.yaml", lib / "rules", lib / "local" / "city.yaml")
    assert m.local == "city" and m.locality_name == {"zh": "某市", "en": "A City"}
    assert m.parameters["photo_count"].on("2026-03-02") == 6       # the city's value over the province's
    assert m.parameters["licence_shared"].on("2026-03-02") is True  # the province's, which the city keeps
    assert m.parameters["licence_shared"].local_cite == [{"section": "A4", "url": "https://example.gov.cn/a4"}]
    assert m.basis[-1]["zh"] == "某省条例第三条" and m.basis[0]["zh"] == "测试条例第一条"  # national first
    assert m.time_limit["promised"]["days"] == 3 and m.time_limit["statutory"]["days"] == 20
    assert m.fee["text"]["en"] == "free (the city)" and m.handling["text"]["zh"] == "某市政务服务中心"
    n = check(compile_matter(m), appl())
    assert n.locality == {"id": "city", "name": {"zh": "某市", "en": "A City"}}
    assert "TL-04" in [i.id for i in n.exempt]


def test_a_part_of_that_is_missing_or_circular_is_l006(lib):
    (lib / "local" / "city.yaml").write_text("local: city\nname: {zh: 某市, en: A City}\npart_of: nowhere\nmatters: {}\n",
                                             encoding="utf-8")
    with pytest.raises(CheckerError) as e:
        load_matter(lib / "matters" / "test-licence.yaml", lib / "rules", lib / "local" / "city.yaml")
    assert [p.code for p in e.value.problems] == ["L006"] and e.value.problems[0].location.line == 3
    (lib / "local" / "city.yaml").write_text("local: city\nname: {zh: 某市, en: A City}\npart_of: city\nmatters: {}\n",
                                             encoding="utf-8")
    with pytest.raises(CheckerError) as e:
        load_matter(lib / "matters" / "test-licence.yaml", lib / "rules", lib / "local" / "city.yaml")
    assert [p.code for p in e.value.problems] == ["L006"]


def test_an_unknown_locality_names_the_close_one(lib):
    with pytest.raises(CheckerError) as e:
        locality_file(lib, "provnce")
    [p] = e.value.problems
    assert p.code == "E026" and "did you mean 'province'?" in str(p)
    with pytest.raises(CheckerError) as e:
        locality_file(lib, "atlantis")
    assert "localities: city, province" in str(e.value.problems[0])


def test_the_office_chooses_and_the_application_may_not_contradict_it(lib):
    office = load_office(_office(lib), lib)
    assert choose_locality(lib, office=office) == lib / "local" / "city.yaml"
    assert choose_locality(lib, office=office, application="city") == lib / "local" / "city.yaml"
    for kwargs in ({"application": "province"}, {"local": "province"}):
        with pytest.raises(CheckerError) as e:
            choose_locality(lib, office=office, **kwargs)
        assert e.value.problems[0].code == "E027"
    national = load_office(_office(lib, locality=None), lib)
    assert choose_locality(lib, office=national) is None
    with pytest.raises(CheckerError):  # a national office is not asked to apply a city's rules
        choose_locality(lib, office=national, application="city")
    assert choose_locality(lib, application="province") == lib / "local" / "province.yaml"
    assert choose_locality(lib) is None


def test_an_office_file_is_checked_with_line_and_column(lib):
    with pytest.raises(CheckerError) as e:
        load_office(_office(lib, locality="cty"), lib)
    [p] = e.value.problems
    assert p.code == "E026" and p.location.file.endswith("office.yaml") and p.location.line > 0
    assert "did you mean 'city'?" in str(p)
    with pytest.raises(CheckerError) as e:
        load_office(_office(lib, phones={"consultation": "call us"}), lib)
    assert e.value.problems[0].code == "S001"


def test_the_notice_carries_the_office(lib):
    office = _office(lib)
    application = lib / "app.json"
    application.write_text(json.dumps(appl()), encoding="utf-8")
    r = runner.invoke(app, ["check", "test-licence", str(application), "--office", str(office), "--root", str(lib)])
    assert r.exit_code == 1 and "份数不足：应提交6份，实际3份" in r.output  # the city asks for 6 photos
    for line in ("受理机关：某市政务服务中心", "适用地方规定：某市", "办理地点：某市人民路1号",
                 "办公时间：工作日9:00–17:00", "咨询电话：0000-1111111", "投诉电话：12345"):
        assert line in r.output
    r = runner.invoke(app, ["check", "test-licence", str(application), "--office", str(office), "--root", str(lib),
                            "--format", "json"])
    data = json.loads(r.output)
    assert data["office"]["phones"] == {"consultation": "0000-1111111", "complaint": "12345"}
    assert data["locality"]["id"] == "city"
    # without the office: the national notice, the matter's own department
    r = runner.invoke(app, ["check", "test-licence", str(application), "--root", str(lib)])
    assert r.exit_code == 0 and "适用地方规定" not in r.output and "咨询电话" not in r.output


def test_the_cli_refuses_two_choices_and_unknown_localities(lib):
    application = lib / "app.json"
    application.write_text(json.dumps(dict(appl(), locality="province")), encoding="utf-8")
    r = runner.invoke(app, ["check", "test-licence", str(application), "--local", "city", "--root", str(lib)])
    assert r.exit_code == 2 and "E027" in r.output and "app.json:1:" in r.output
    r = runner.invoke(app, ["check", "test-licence", str(application), "--root", str(lib), "--format", "json"])
    assert r.exit_code == 1 and json.loads(r.output)["locality"]["id"] == "province"  # 4 photos there
    r = runner.invoke(app, ["check", "test-licence", str(application), "--local", "provnce", "--root", str(lib)])
    assert r.exit_code == 2 and "E026" in r.output and "did you mean 'province'?" in r.output
    r = runner.invoke(app, ["check", "test-licence", str(application), "--office", str(_office(lib)),
                            "--local", "city", "--root", str(lib)])
    assert r.exit_code == 2 and "E027" in r.output


def test_the_register_records_the_locality_of_each_notice(lib, tmp_path):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a.json").write_text(json.dumps(dict(appl(), matter="test-licence", reference="A-1",
                                                  materials=[])), encoding="utf-8")
    db = tmp_path / "register.sqlite"
    r = runner.invoke(app, ["screen", str(batch), "--out", str(tmp_path / "out"), "--db", str(db),
                            "--office", str(_office(lib)), "--root", str(lib)])
    assert r.exit_code == 1, r.output
    r = runner.invoke(app, ["register", "list", "--db", str(db), "--office", str(lib / "office.yaml")])
    [line] = r.output.splitlines()
    number = line.split()[0]
    assert number.startswith("某政务审补〔2026〕")
    r = runner.invoke(app, ["register", "show", number, "--db", str(db), "--office", str(lib / "office.yaml")])
    assert "rules of city" in r.output
    notice = json.loads(runner.invoke(app, ["register", "show", number, "--db", str(db), "--office",
                                            str(lib / "office.yaml"), "--format", "json"]).output)
    assert notice["office"]["name"]["zh"] == "某市政务服务中心" and notice["locality"]["id"] == "city"
    assert notice["number"] == number  # the notice as issued, with its number


def test_a_register_made_before_localities_gains_the_column(tmp_path):
    import sqlite3

    from checker.shells.register import Register
    db = tmp_path / "old.sqlite"
    with Register(str(db), "某局", "某局"):
        pass
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE notice_register DROP COLUMN locality")
    con.commit()
    con.close()
    with Register(str(db), "某局", "某局") as reg:
        e = reg.issue(matter="m", kind="correct", application_key="m/1", application_digest="a" * 64,
                      application_date="2026-03-02", outcome="correct", notice_json="{}", deadline=None,
                      locality="hunan")
        assert reg.show(e.number).locality == "hunan"


def test_an_example_runs_under_the_locality_it_names(lib):
    from checker.tools.testing import run_examples
    from checker.source.model import Example
    m = load_matter(lib / "matters" / "test-licence.yaml", lib / "rules")
    ex = Example(name="in the city, three photos are too few", application=appl(), locality="city",
                 expect={"outcome": "correct", "defective": ["TL-09"]})
    [result] = run_examples(compile_matter(m), [ex])
    assert result.notice.locality["id"] == "city" and result.passed, result.differences
    [national] = run_examples(compile_matter(m), [Example(name="national", application=appl(),
                                                          expect={"outcome": "accept"})])
    assert national.passed and national.notice.locality == {}


def test_shipped_localities_name_only_matters_and_parameters_that_exist():
    r = runner.invoke(app, ["validate", *map(str, sorted((REPO / "local").glob("*.yaml"))), "--root", str(REPO),
                            "--select", "L,E,S"])
    assert r.exit_code == 0, r.output


def test_the_pages_show_the_office(lib):
    from starlette.testclient import TestClient

    from checker.shells.web import create_app
    office = load_office(_office(lib), lib)
    client = TestClient(create_app(lib, office=office))
    page = client.get("/?lang=zh").text
    assert "某市政务服务中心" in page and "咨询电话: 0000-1111111" in page
    r = client.post("/api/matters/test-licence/check", json=appl())
    assert r.status_code == 200 and r.json()["office"]["name"]["zh"] == "某市政务服务中心"
    r = client.post("/api/matters/test-licence/check", json=dict(appl(), locality="province"))
    assert r.status_code == 422 and "E027" in r.text


def test_a_number_of_copies_only_a_locality_sets_is_not_checked_elsewhere(lib):
    # photo_count with no national value: nationally TL-09's number is neither checked nor printed;
    # the city's 6 is both
    path = lib / "matters" / "test-licence.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  photo_count:\n    type: integer\n    value: 3\n",
                                 "  photo_count:\n    type: integer\n    value: null\n"), encoding="utf-8")
    a = appl()
    a["materials"] = [m if m["id"] != "TL-09" else {**m, "copies": 1} for m in a["materials"]]
    national = check(compile_matter(load_matter(path, lib / "rules")), a)
    assert national.outcome == "accept"
    n = check(compile_matter(load_matter(path, lib / "rules", lib / "local" / "city.yaml")), a)
    [item] = n.defective
    assert item.id == "TL-09" and item.copies == 6


def test_routes_that_ask_for_different_forms_each_say_their_own():
    from checker.notice.render.layout import item_form, layout
    text = MATTER.read_text(encoding="utf-8").replace(
        "          - {part: lease, name: {zh: 租约, en: lease}}",
        "          - {part: lease, name: {zh: 租约, en: lease}, form: original, copies: 2}")
    path = FIXTURES.parent / "_routes.yaml"
    try:
        path.write_text(text, encoding="utf-8")
        m = load_matter(path, RULES)
    finally:
        path.unlink()
    a = appl()
    del a["facts"]["region"]  # unknown: either route may apply
    a["materials"] = [x for x in a["materials"] if not x["id"].startswith("TL-08")]
    n = check(compile_matter(m), a)
    [item] = [i for i in n.missing + n.possibly_required if i.id == "TL-08"]
    assert item_form(item, "zh") == ""  # no single form: the lease's original, the title's copy
    entry = next(e for s in layout(n, "zh").sections for e in s.entries if e.title.startswith("[TL-08]"))
    routes = dict(entry.lines)["可选择的提交方式"] if "可选择的提交方式" in dict(entry.lines) else \
        next(v for k, v in entry.lines if isinstance(v, list))
    assert any("租约（原件，2份）、产权证（复印件）" in r for r in routes), routes
    assert "提交形式" not in dict(entry.lines)
    n = check(compile_matter(load_matter(MATTER, RULES)), a)
    [item] = [i for i in n.missing + n.possibly_required if i.id == "TL-08"]
    assert item_form(item, "zh") == "复印件"  # every route in the material's form: said once


def test_a_locality_may_publish_its_own_standard_and_remark_for_a_material(lib):
    (lib / "local" / "city.yaml").write_text(
        "local: city\nname: {zh: 某市, en: A City}\nmatters:\n  test-licence:\n    materials:\n"
        "      TL-09:\n        standard: {zh: 近期一寸免冠照片, en: recent 1-inch photos}\n"
        "        remark: {zh: 本市要求照片背景为白色, en: the city asks for a white background}\n", encoding="utf-8")
    m = load_matter(lib / "matters" / "test-licence.yaml", lib / "rules", lib / "local" / "city.yaml")
    assert m.material("TL-09").standard["zh"] == "近期一寸免冠照片"
    assert m.material("TL-09").remark["en"] == "the city asks for a white background"
    national = load_matter(lib / "matters" / "test-licence.yaml", lib / "rules")
    assert national.material("TL-09").remark is None


def _localities_within(name: str) -> set[str]:
    """A locality and every shipped one that lies in it (through part_of)."""
    parents = {p.stem: (yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("part_of")
               for p in (REPO / "local").glob("*.yaml")}
    out = {name}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in out and child not in out:
                out.add(child)
                changed = True
    return out


LOCAL_ENTRIES = sorted((p.stem, mid) for p in (REPO / "local").glob("*.yaml")
                       for mid in ((yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("matters") or {}))


@pytest.mark.parametrize("locality, matter_id", LOCAL_ENTRIES, ids=[f"{a}-{b}" for a, b in LOCAL_ENTRIES])
def test_each_shipped_locality_is_tested_for_each_matter_it_changes(locality, matter_id):
    # an example runs under the locality (or a place within it), so its local rules are tested
    # as an office there applies them
    examples = load_matter(REPO / "matters" / f"{matter_id}.yaml", RULES).examples
    assert _localities_within(locality) & {e.locality for e in examples}, \
        f"no example of {matter_id} runs with locality: {locality}"
