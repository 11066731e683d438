"""Every problem code: its documented bad example reports it, its good example does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from checker.run.application import parse_application
from checker.shells.cli import app
from checker.codes import CODES, TINY, describe
from checker.errors import CheckerError
from checker.tools.lint import lint
from checker.source.loader import load_matter, load_ruleset_file
from checker.source.yamlsource import load_text
from conftest import FIXTURES, REPO, RULES

FIXTURE = FIXTURES / "matters" / "test-licence.yaml"
FILE_CODES = [c for c in CODES.values() if c.context != "special"]


def reported(code, text: str, tmp_path: Path) -> set[str]:
    """The codes reported for an example in its context."""
    try:
        if code.context in ("matter", "matter-file"):
            (tmp_path / "matters").mkdir(exist_ok=True)
            path = tmp_path / "matters" / "tiny.yaml"
            path.write_text(text if code.context == "matter-file" else TINY + text, encoding="utf-8")
            matter = load_matter(path, RULES)
            return {p.code for p in lint(matter)}
        if code.context == "ruleset":
            path = tmp_path / "sample.yaml"
            path.write_text(text, encoding="utf-8")
            return {p.code for p in load_ruleset_file(path)}
        if code.context == "local":
            path = tmp_path / "office.yaml"
            path.write_text(text, encoding="utf-8")
            load_matter(FIXTURE, RULES, local=path)
            return set()
        if code.context == "local-repo":
            (tmp_path / "local").mkdir(exist_ok=True)
            path = tmp_path / "local" / "office.yaml"
            path.write_text(text, encoding="utf-8")
            r = CliRunner().invoke(app, ["validate", str(path), "--root", str(REPO)])
            return {line.split(": ")[1].split()[0] for line in r.output.splitlines() if ": " in line and line.count(":") >= 3}
        if code.context == "bundle":
            from checker.source.bundle import load_bundle
            from checker.workspace import Workspace
            (tmp_path / "bundles").mkdir(exist_ok=True)
            path = tmp_path / "bundles" / "unemployment-test.yaml"
            path.write_text(text, encoding="utf-8")
            load_bundle(path, Workspace(REPO).matter)
            return set()
        if code.context == "application":
            matter = load_matter(FIXTURE, RULES)
            doc = load_text(text, "app.yaml")
            parse_application(doc.data, matter, doc)
            return set()
    except CheckerError as e:
        return {p.code for p in e.problems}
    raise AssertionError(f"unknown context {code.context}")


@pytest.mark.parametrize("code", FILE_CODES, ids=[c.code for c in FILE_CODES])
def test_bad_example_reports_its_code(code, tmp_path):
    assert code.code in reported(code, code.bad, tmp_path)


@pytest.mark.parametrize("code", FILE_CODES, ids=[c.code for c in FILE_CODES])
def test_good_example_is_clean(code, tmp_path):
    # the examples are fragments: only W011's own example says where its items come from
    assert reported(code, code.good, tmp_path) - ({"W011"} if code.code != "W011" else set()) == set()


@pytest.mark.parametrize("code", list(CODES.values()), ids=list(CODES))
def test_every_code_is_documented(code):
    assert code.name and code.summary and code.explanation and code.bad and code.good
    assert code.severity in ("error", "warning")
    text = describe(code)
    assert code.code in text and "Bad:" in text and "Good:" in text


def test_every_code_the_checker_reports_is_documented():
    import re
    used = set()
    for path in (REPO / "checker").rglob("*.py"):
        used |= set(re.findall(r'"([ESMCALWB][0-9]{3})"', path.read_text("utf-8")))
    assert used - set(CODES) == set(), "undocumented codes"


def test_special_codes(tmp_path):
    runner = CliRunner()
    ib = str(REPO / "examples" / "individual-business-leased-agent.yaml")
    assert "E001" in runner.invoke(app, ["check", "individual-business-registration", str(tmp_path / "no.yaml"),
                                         "--root", str(REPO)]).output
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * (3 * 1024 * 1024), encoding="utf-8")
    assert "E002" in runner.invoke(app, ["check", "individual-business-registration", str(big), "--root", str(REPO)]).output
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("date: 申请".encode("gbk"))
    assert "E003" in runner.invoke(app, ["check", "individual-business-registration", str(gbk), "--root", str(REPO)]).output
    r = runner.invoke(app, ["check", "individual-business-registration", ib, "-o", str(tmp_path / "no" / "n.html"),
                            "--root", str(REPO)])
    assert r.exit_code == 2 and "E004" in r.output
    assert "E020" in runner.invoke(app, ["check", "individual-busines-registration", ib, "--root", str(REPO)]).output
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.yaml").write_text("a: 1\n", encoding="utf-8")
    r = runner.invoke(app, ["fmt", str(notes / "todo.yaml")])
    assert r.exit_code == 2 and "E016" in r.output


def test_rule_command_explains_a_code():
    r = CliRunner().invoke(app, ["rule", "w002"])
    assert r.exit_code == 0 and r.output.startswith("W002 never-true (warning)") and "age > 60 and age < 18" in r.output
    r = CliRunner().invoke(app, ["rule", "W999"])
    assert r.exit_code == 2 and "no problem code" in r.output
    listing = CliRunner().invoke(app, ["rule"]).output
    assert all(code in listing for code in CODES)


def test_select_ignore_and_json(tmp_path):
    import json
    (tmp_path / "matters").mkdir()
    (tmp_path / "rules").mkdir()
    (tmp_path / "matters" / "tiny.yaml").write_text(TINY + CODES["W008"].bad, encoding="utf-8")
    runner = CliRunner()
    r = runner.invoke(app, ["validate", "--root", str(tmp_path), "--format", "json", "--ignore", "W011"])
    data = json.loads(r.output)
    assert r.exit_code == 1 and [p["code"] for p in data["problems"]] == ["W008"]
    assert data["problems"][0]["name"] == "missing-basis" and data["problems"][0]["line"] == TINY.count("\n") + 2
    assert runner.invoke(app, ["validate", "--root", str(tmp_path), "--ignore", "W008,W011"]).exit_code == 0
    assert runner.invoke(app, ["validate", "--root", str(tmp_path), "--select", "M"]).exit_code == 0
    assert runner.invoke(app, ["validate", "--root", str(tmp_path), "--select", "W"]).exit_code == 1


def test_every_lint_code_has_one_registered_check_and_its_doc():
    """A lint check and its code's documentation are found from either side (checker/tools/lint.py
    registers the checks; codes.py documents each code with the examples this file runs)."""
    from checker.tools.lint import CHECKS
    registered = [code for c in CHECKS for code in c.codes]
    assert len(registered) == len(set(registered)), "a code is registered by two checks"
    warnings = sorted(code for code, c in CODES.items() if code.startswith("W"))
    assert sorted(registered) == warnings
    assert all(CODES[code].severity == "warning" for code in registered)
