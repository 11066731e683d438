"""Parameters: values set by law or locally, changing on dated boundaries, overridable per office."""

from __future__ import annotations

import pytest

from checker.run.compiler import compile_matter
from checker.errors import CheckerError
from checker.source.loader import load_matter
from checker.service import check
from conftest import FIXTURES, RULES
from conftest import complete_test_application as appl

MATTER = FIXTURES / "matters" / "test-licence.yaml"
LOCAL = FIXTURES / "local" / "sample-city.yaml"


@pytest.mark.parametrize("date, members, income, outcome", [
    ("2026-06-30", 1, 1100.0, "refuse"),   # line 1000 until 2026-06-30: 1100 is above it
    ("2026-07-01", 1, 1100.0, "accept"),   # line 1200 from 2026-07-01: 1100 is below it
    ("2026-07-01", 1, 1200.0, "refuse"),   # exactly at the line is not below it
])
def test_parameter_changes_on_its_date(test_licence, date, members, income, outcome):
    a = appl(members=members, monthly_income=income)
    a["date"] = date
    assert check(test_licence, a).outcome == outcome


def test_copies_named_by_a_parameter(test_licence):
    a = appl()
    a["materials"] = [m if m["id"] != "TL-09" else {**m, "copies": 2} for m in a["materials"]]
    n = check(test_licence, a)
    [item] = n.defective
    assert item.id == "TL-09" and item.copies == 3
    assert item.problems[0].text["zh"] == "份数不足：应提交3份，实际2份"


def test_local_file_overrides_the_default():
    local = compile_matter(load_matter(MATTER, RULES, local=LOCAL))
    assert local.matter.local == "sample-city"
    n = check(local, appl())  # 3 photos presented, the city asks for 6
    assert [(i.id, i.copies) for i in n.defective] == [("TL-09", 6)]


def test_local_values_change_the_rules_hash(test_licence):
    local = compile_matter(load_matter(MATTER, RULES, local=LOCAL))
    assert local.digest != test_licence.digest
    assert local.ruleset_name != test_licence.ruleset_name


def _local(tmp_path, params: str):
    path = tmp_path / "office.yaml"
    path.write_text("local: office\nname: {zh: 某地, en: Somewhere}\nmatters:\n  test-licence:\n"
                    f"    parameters:\n{params}", encoding="utf-8")
    return path


@pytest.mark.parametrize("params, code", [
    ("      adult_age: 16\n", "L002"),          # set by law: not local
    ("      photo_cnt: 6\n", "L001"),           # no such parameter
    ("      photo_count: six\n", "L003"),       # wrong type
])
def test_bad_local_values_are_refused_with_their_line(tmp_path, params, code):
    with pytest.raises(CheckerError) as e:
        load_matter(MATTER, RULES, local=_local(tmp_path, params))
    [p] = e.value.problems
    assert p.code == code and p.location.line == 6


def test_unknown_parameter_suggests_the_right_one(tmp_path):
    with pytest.raises(CheckerError) as e:
        load_matter(MATTER, RULES, local=_local(tmp_path, "      photo_cnt: 6\n"))
    assert "photo_count" in e.value.problems[0].hint


def test_parameter_values_must_fit_their_type(tmp_path):
    text = MATTER.read_text("utf-8").replace("    value: 3\n", '    value: "3"\n', 1)
    (tmp_path / "matters").mkdir()
    path = tmp_path / "matters" / "test-licence.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CheckerError) as e:
        load_matter(path, RULES)
    assert [p.code for p in e.value.problems] == ["M015"]


LOCALS = sorted((FIXTURES.parent.parent / "local").glob("*.yaml"))


def test_shipped_local_files_are_valid():
    from typer.testing import CliRunner
    from checker.shells.cli import app
    from conftest import REPO
    r = CliRunner().invoke(app, ["validate", *map(str, LOCALS), "--root", str(REPO)])
    assert LOCALS and r.exit_code == 0, r.output


def test_urumqi_asks_for_six_photos():
    from conftest import MATTERS, REPO
    base = compile_matter(load_matter(MATTERS / "disability-certificate.yaml", RULES))
    urumqi = compile_matter(load_matter(MATTERS / "disability-certificate.yaml", RULES,
                                        local=REPO / "local" / "urumqi.yaml"))
    assert base.matter.copies("photo_count", "2026-03-02") == 3
    assert urumqi.matter.copies("photo_count", "2026-03-02") == 6


def test_a_value_only_a_locality_sets_never_refuses_without_one():
    # the dibao standard is local (reference 04): with no locality, an income of 3,000 a head is not
    # refused on a placeholder; the notice says it is checked against the local standard; with the
    # office's standard set (1,000 here), the same application is refused (3,000 >= 1,000)
    from checker.run.compiler import compile_matter
    from checker.source.loader import load_matter
    from checker.service import check
    from conftest import MATTERS, RULES
    m = compile_matter(load_matter(MATTERS / "minimum-living-allowance.yaml", RULES))
    app = m.matter.examples[-1].application
    n = check(m, app)
    assert n.outcome == "accept" and n.reasons == []
    [v] = [v for v in n.to_verify if v.facts == ["dibao_standard"]]
    assert v.text["zh"].startswith("按当地最低生活保障标准审核")
    local = check(m, app, parameters={"dibao_standard": 1000})
    assert local.outcome == "refuse" and [r.rule for r in local.reasons] == ["income-not-below-standard"]
