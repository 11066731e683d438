"""The command line: outputs and exit codes (0 ok, 1 findings, 2 unusable input)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from checker.shells.cli import app
from conftest import FIXTURES, REPO

runner = CliRunner()
IB = "individual-business-registration"
EXAMPLE = str(REPO / "examples" / "individual-business-leased-agent.yaml")


def run(*args, root=REPO):
    return runner.invoke(app, [*args, "--root", str(root)] if args[0] != "validate" or "--root" not in args else list(args))


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


ACCEPTABLE = """
date: "2026-03-02"
facts:
  operator_id_number: "11010519491231002X"
  premises_tenure: owned
  filed_by_agent: false
  family_operation: false
  scope_needs_pre_approval: false
  scope_barred: false
  civil_servant_or_military: false
materials:
  - {id: IB-01, form: original, copies: 1, signed: true}
  - {id: IB-02, form: original_and_copy, copies: 1}
  - {id: IB-03/title, form: original_and_copy, copies: 1}
"""


def test_check_acceptable_application_exits_0(tmp_path):
    r = run("check", IB, write(tmp_path, "a.yaml", ACCEPTABLE))
    assert r.exit_code == 0, r.output
    assert "材料齐全" in r.output and "自助预审结果" in r.output  # no register: not the agency's notice


def test_check_with_missing_materials_exits_1_and_lists_them():
    r = run("check", IB, EXAMPLE)
    assert r.exit_code == 1
    assert "[IB-03]" in r.output and "[IB-05]" in r.output and "出租方房屋产权证明复印件" in r.output


@pytest.mark.parametrize("fmt, marker", [("json", '"outcome": "correct"'), ("html", "<!DOCTYPE html>"),
                                         ("markdown", "# 自助预审结果"), ("text", "自助预审结果")])
def test_check_formats(fmt, marker):
    r = run("check", IB, EXAMPLE, "--format", fmt)
    assert r.exit_code == 1 and marker in r.output


def test_check_english():
    r = run("check", IB, EXAMPLE, "--lang", "en")
    assert "One-time notice" in r.output and "Copy of the lessor's title certificate" in r.output


def test_check_writes_output_file(tmp_path):
    out = tmp_path / "notice.json"
    r = run("check", IB, EXAMPLE, "-f", "json", "-o", str(out))
    assert r.exit_code == 1 and json.loads(out.read_text("utf-8"))["outcome"] == "correct"


def test_bad_application_exits_2_naming_file_line_and_column(tmp_path):
    path = write(tmp_path, "bad.yaml", 'date: "2026-03-02"\nfacts:\n  premises_tenure: rented\n')
    r = run("check", IB, path)
    assert r.exit_code == 2
    assert f"{path}:3:" in r.output and "premises_tenure" in r.output and "leased" in r.output
    assert "Traceback" not in r.output


def test_yaml_syntax_error_in_application_exits_2(tmp_path):
    path = write(tmp_path, "broken.yaml", 'date: "2026-03-02"\nfacts: {a: 1\n')
    r = run("check", IB, path)
    assert r.exit_code == 2 and f"{path}:" in r.output and "YAML syntax error" in r.output


def test_unknown_matter_exits_2_with_suggestion():
    r = run("check", "individual-business-registraton", EXAMPLE)
    assert r.exit_code == 2 and "unknown matter" in r.output and IB in r.output


def test_missing_application_file_exits_2(tmp_path):
    r = run("check", IB, str(tmp_path / "nope.yaml"))
    assert r.exit_code == 2 and "file not found" in r.output


def test_unreadable_application_exits_2(tmp_path):
    p = tmp_path / "bin.yaml"
    p.write_bytes(b"\xff\xfe\x00garbage")
    r = run("check", IB, str(p))
    assert r.exit_code == 2 and "not valid UTF-8" in r.output


def test_bad_matter_file_exits_2(tmp_path):
    (tmp_path / "matters").mkdir()
    (tmp_path / "rules").mkdir()
    write(tmp_path / "matters", "broken.yaml", "matter: broken\nname: {zh: 坏, en: bad}\n")
    r = run("check", "broken", EXAMPLE, root=tmp_path)
    assert r.exit_code == 2 and "broken.yaml:1:1" in r.output and "required" in r.output


def test_validate_clean_repository_exits_0():
    r = runner.invoke(app, ["validate", "--root", str(REPO)])
    assert r.exit_code == 0, r.output


def test_validate_reports_problems_with_positions_and_exits_1(tmp_path):
    (tmp_path / "matters").mkdir()
    (tmp_path / "rules").mkdir()
    text = (REPO / "matters" / f"{IB}.yaml").read_text("utf-8")
    text = text.replace("when: has_trade_name\n", "when: has_tradename\n", 1)
    write(tmp_path / "matters", f"{IB}.yaml", text)
    for rules in (REPO / "rules").glob("*.yaml"):
        write(tmp_path / "rules", rules.name, rules.read_text("utf-8"))
    r = runner.invoke(app, ["validate", "--root", str(tmp_path)])
    assert r.exit_code == 1
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "has_tradename" in l)
    assert f"{IB}.yaml:{line}:11:" in r.output and "unknown fact 'has_tradename'" in r.output
    assert "did you mean 'has_trade_name'" in r.output


def test_validate_missing_path_exits_2(tmp_path):
    r = runner.invoke(app, ["validate", str(tmp_path / "none.yaml")])
    assert r.exit_code == 2


def test_list_table_and_json():
    r = run("list")
    assert r.exit_code == 0 and IB in r.output and "个体工商户设立登记" in r.output
    rows = json.loads(run("list", "--format", "json").output)
    assert IB in [row["id"] for row in rows]


def test_show_is_a_readable_guide():
    r = run("show", IB)
    assert r.exit_code == 0
    for text in ("IB-03", "租赁协议复印件", "filed_by_agent", "2022-03-01"):
        assert text in r.output, text
    assert "第三方资料，未经官方核实" not in r.output  # confidence marks and notes are the authors'
    assert "第三方资料，未经官方核实" in run("show", IB, "--notes").output
    assert json.loads(run("show", IB, "--format", "json").output)["id"] == IB


def test_schema_prints_the_application_schema():
    r = run("schema", IB)
    data = json.loads(r.output)
    assert data["properties"]["facts"]["properties"]["premises_tenure"]["anyOf"][0]["enum"] == [
        "owned", "leased", "no_title_certificate"]


def test_test_command_runs_examples():
    r = run("test", IB)
    assert r.exit_code == 0 and r.output.strip().endswith("passed, 0 failed")


def test_usage_error_exits_2():
    r = runner.invoke(app, ["check"])
    assert r.exit_code == 2


def test_python_dash_m_checker_runs():
    p = subprocess.run([sys.executable, "-m", "checker", "check", IB, EXAMPLE, "--root", str(REPO), "-f", "json"],
                       capture_output=True, text=True, cwd=FIXTURES)
    assert p.returncode == 1 and json.loads(p.stdout)["outcome"] == "correct"


def test_show_flow_chart_as_mermaid_and_svg():
    import xml.etree.ElementTree as ET
    r = run("show", IB, "--format", "mermaid")
    assert r.exit_code == 0 and r.output.startswith("flowchart TD")
    # acceptance branches required by 行政许可法 art. 32: complete / incomplete -> one-time notice / refusal
    assert 'accept -- "材料齐全" --> review' in r.output
    assert 'accept -- "材料不齐全" --> accept_notice' in r.output and "accept_notice --> apply" in r.output
    svg = run("show", IB, "--format", "svg", "--lang", "en").output
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Acceptance check" in texts and "Business licence issued" in texts


def test_show_markdown_embeds_mermaid_and_html_embeds_svg():
    md = run("show", IB, "--format", "markdown").output
    assert "```mermaid\nflowchart TD" in md
    html = run("show", IB, "--format", "html").output
    assert "<svg" in html and "<h2>办理流程</h2>" in html


def test_show_with_local_settings(tmp_path):
    local = tmp_path / "office.yaml"
    local.write_text("local: office\nname: {zh: 某地, en: Somewhere}\nmatters:\n  test-licence:\n"
                     "    parameters:\n      photo_count: 6\n", encoding="utf-8")
    r = runner.invoke(app, ["show", str(FIXTURES / "matters" / "test-licence.yaml"), "--local", str(local),
                            "--root", str(REPO)])
    assert r.exit_code == 0 and "本地设置 (office): 6" in r.output


def test_docs_catalogue_is_up_to_date():
    r = runner.invoke(app, ["docs", "--check", "--root", str(REPO)])
    assert r.exit_code == 0, "docs/matters.md is stale: run `checker docs`"


def test_docs_check_detects_a_stale_catalogue(tmp_path):
    for sub in ("matters", "rules", "local"):
        (tmp_path / sub).mkdir()
        for f in (REPO / sub).glob("*.yaml"):
            (tmp_path / sub / f.name).write_text(f.read_text("utf-8"), encoding="utf-8")
    assert runner.invoke(app, ["docs", "--check", "--root", str(tmp_path)]).exit_code == 1
    assert runner.invoke(app, ["docs", "--root", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["docs", "--check", "--root", str(tmp_path)]).exit_code == 0


def test_check_accepts_a_json_application(tmp_path):
    import yaml
    data = yaml.safe_load(ACCEPTABLE)
    path = tmp_path / "a.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = run("check", IB, str(path), "-f", "json")
    assert r.exit_code == 0 and json.loads(r.output)["outcome"] == "accept"


def test_json_syntax_error_names_line_and_column(tmp_path):
    path = write(tmp_path, "bad.json", '{\n  "date": "2026-03-02",\n  "facts": {"a": 1,}\n}\n')
    r = run("check", IB, path)
    assert r.exit_code == 2 and f"{path}:3:" in r.output


def test_test_command_reports_coverage_and_runs_case_files():
    r = runner.invoke(app, ["test", "--root", str(REPO), "--fail-under", "100"])
    assert r.exit_code == 0, r.output
    assert "rule coverage 100.0%" in r.output
    # the case file under tests/cases adds one example to marriage registration
    marriage = next(line for line in r.output.splitlines() if line.startswith("marriage-registration"))
    matter_examples = len(__import__("yaml").safe_load((REPO / "matters" / "marriage-registration.yaml")
                                                        .read_text("utf-8"))["examples"])
    assert f"{matter_examples + 1:3d} examples" in marriage


def test_test_command_shows_a_failure_as_a_diff_and_uncovered_items(tmp_path):
    for sub in ("matters", "rules", "local"):
        (tmp_path / sub).mkdir()
    for sub in ("rules", "local"):
        for f in (REPO / sub).glob("*.yaml"):
            (tmp_path / sub / f.name).write_text(f.read_text("utf-8"), encoding="utf-8")
    text = (REPO / "matters" / f"{IB}.yaml").read_text("utf-8")
    # break one expectation, and drop the only example where the operator is a civil servant
    text = text.replace("      missing: [IB-03, IB-05]", "      missing: [IB-03]", 1)
    start = text.index("  - name: a civil servant cannot register as the operator")
    end = text.index("  - name: expired ID card and unsigned application form are defects")
    (tmp_path / "matters" / f"{IB}.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    r = runner.invoke(app, ["test", "--root", str(tmp_path)])
    assert r.exit_code == 1
    assert "missing:\n       + IB-05" in r.output
    assert f"not covered: {IB}: rule:civil-servant-or-military" in r.output
    assert runner.invoke(app, ["test", "--root", str(tmp_path)]).output.count("FAIL") == 1


def test_fail_under_fails_when_coverage_is_lower(tmp_path):
    for sub in ("matters", "rules", "local"):
        (tmp_path / sub).mkdir()
    for sub in ("rules", "local"):
        for f in (REPO / sub).glob("*.yaml"):
            (tmp_path / sub / f.name).write_text(f.read_text("utf-8"), encoding="utf-8")
    text = (REPO / "matters" / f"{IB}.yaml").read_text("utf-8")
    start = text.index("  - name: a civil servant cannot register as the operator")
    end = text.index("  - name: expired ID card and unsigned application form are defects")
    (tmp_path / "matters" / f"{IB}.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    assert runner.invoke(app, ["test", "--root", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["test", "--root", str(tmp_path), "--fail-under", "100"]).exit_code == 1


def test_a_bad_case_file_is_refused(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text("matter: marriage-registration\nexamples:\n  - {name: x, application: {date: \"2026-01-01\"}}\n",
                    encoding="utf-8")
    r = runner.invoke(app, ["test", str(path), "--root", str(REPO)])
    assert r.exit_code == 2 and "cases.yaml:3:" in r.output and "expect" in r.output


def test_fmt_check_passes_on_the_shipped_files_and_catches_disorder(tmp_path):
    assert runner.invoke(app, ["fmt", "--check", "--root", str(REPO)]).exit_code == 0
    (tmp_path / "matters").mkdir()
    text = (REPO / "matters" / f"{IB}.yaml").read_text("utf-8")
    # move `fee` before `basis`: same data, not the canonical order
    fee = text[text.index("fee:\n"):text.index("handling:\n")]
    disordered = text.replace(fee, "").replace("basis:\n", fee + "basis:\n", 1)
    path = tmp_path / "matters" / f"{IB}.yaml"
    path.write_text(disordered, encoding="utf-8")
    r = runner.invoke(app, ["fmt", "--check", str(path)])
    assert r.exit_code == 1 and "would reformat" in r.output
    assert path.read_text("utf-8") == disordered  # --check writes nothing
    assert runner.invoke(app, ["fmt", str(path)]).exit_code == 0
    assert path.read_text("utf-8") == text


def test_the_guide_says_where_and_how_to_apply():
    # reference 05: both parties together, in person; since 2025-05-10 at any registry
    r = run("show", "marriage-registration")
    assert r.exit_code == 0 and "办理地点和方式: 男女双方共同亲自到婚姻登记机关办理" in r.output
    assert "Where and how: both parties together, in person" in run("show", "marriage-registration", "--lang", "en").output
