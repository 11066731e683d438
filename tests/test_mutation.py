"""The mutation-testing runner (scripts/mutation.py): its operators, its ids, its configuration
and one real run on a throwaway module. The full measurement (`make mutation`) is not run here."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("mutation", REPO / "scripts" / "mutation.py")
mutation = importlib.util.module_from_spec(_spec)
sys.modules["mutation"] = mutation
_spec.loader.exec_module(mutation)

SNIPPET = '''\
"""A docstring with 3 words."""
__all__ = ["f"]


def f(a: int = 1, b=2, c=True):
    """Not mutated: 1 < 2."""
    return a < b and not c
'''


def test_each_operator_makes_one_change_at_its_site():
    """`a < b and not c` gives its comparison flip, and -> or, and `not c` -> `c`; the defaults
    give ±1 and True -> False; docstrings, annotations and __all__ give nothing."""
    got = {(m.operator, m.line, m.after) for m in mutation.mutants_of(SNIPPET, "m.py")}
    assert got == {
        ("Lt>LtE", 7, "    return (a <= b) and not c"),
        ("And>Or", 7, "    return (a < b or not c)"),
        ("not>", 7, "    return a < b and (c)"),
        ("int+1", 5, "def f(a: int = (2), b=2, c=True):"),
        ("int-1", 5, "def f(a: int = (0), b=2, c=True):"),
        ("int+1", 5, "def f(a: int = 1, b=(3), c=True):"),
        ("int-1", 5, "def f(a: int = 1, b=(1), c=True):"),
        ("True>False", 5, "def f(a: int = 1, b=2, c=False):"),
    }


def test_statements_loops_and_comparisons():
    """A statement becomes `pass` (keeping the line count), continue <-> break, == <-> !=, in <->
    not in, is <-> is not; logging calls and `if TYPE_CHECKING:` are left alone."""
    source = (
        "if TYPE_CHECKING:\n    import x\n"
        "def g(xs):\n"
        "    for x in xs:\n"
        "        if x == 0:\n"
        "            continue\n"
        "        if x in xs and x is not None:\n"
        "            break\n"
        "        log.debug('skip %s', x > 1)\n"
        "        total = (x +\n"
        "                 x)\n"
        "    return total\n"
    )
    ms = mutation.mutants_of(source, "m.py")
    afters = {(m.operator, m.after) for m in ms}
    assert ("Eq>NotEq", "        if (x != 0):") in afters
    assert ("continue>break", "            break") in afters
    assert ("break>continue", "            continue") in afters
    assert ("In>NotIn", "        if (x not in xs) and x is not None:") in afters
    assert ("IsNot>Is", "        if x in xs and (x is None):") in afters
    assert ("pass", "        pass\n") in afters   # the two-line assignment, still two lines
    assert not [m for m in ms if m.line in (1, 2, 9)]
    for m in ms:
        assert len(m.source.splitlines()) == len(source.splitlines())
        compile(m.source, "m.py", "exec")


def test_ids_survive_lines_added_above():
    """A mutant is named by its function, operator and site, not by its line: adding code above
    changes the lines and keeps the ids (and the equivalents marked with them)."""
    before = mutation.mutants_of(SNIPPET, "m.py")
    after = mutation.mutants_of("import os\n\nX = os.sep\n" + SNIPPET, "m.py")
    assert {m.id for m in before} <= {m.id for m in after}
    assert [m.line for m in before][0] + 3 == [m.line for m in after if m.id == before[0].id][0]


def test_the_project_configuration_names_real_modules_tests_and_reasoned_equivalents():
    """Every configured module and test file exists, and every equivalent mutant has a reason and
    names a mutant that still exists."""
    config = mutation.load_config(REPO / "scripts" / "mutation.toml")
    assert {"checker/run/decide.py", "checker/lang/functions.py", "checker/run/workdays.py",
            "checker/run/compiler.py", "checker/shells/register.py", "checker/run/engine.py",
            "checker/lang/kleene.py", "checker/run/why.py"} <= set(config["modules"])
    for module, tests in config["modules"].items():
        assert (REPO / module).is_file()
        assert tests and all((REPO / t).is_file() for t in tests)
    ids = {m.id for module in {i.split(":")[0] for i in config["equivalent"]}
           for m in mutation.mutants_of((REPO / module).read_text(encoding="utf-8"), module)}
    for mutant_id, reason in config["equivalent"].items():
        assert reason and mutant_id in ids


MODULE = '''\
def adult(age):
    note = "never read"
    return age >= 18
'''
TEST = '''\
from pkg.mod import adult


def test_adult():
    assert adult(18) and not adult(17)
'''


def _project(tmp_path: Path, equivalent: str = "") -> Path:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "mod.py").write_text(MODULE)
    (root / "tests" / "test_mod.py").write_text(TEST)
    (root / "mutation.toml").write_text('[modules."pkg/mod.py"]\ntests = ["tests/test_mod.py"]\n' + equivalent)
    return root


def test_an_equivalent_without_a_reason_is_refused(tmp_path):
    root = _project(tmp_path, '[[equivalent]]\nid = "pkg/mod.py:adult:pass:note = \\"never read\\"#0"\nreason = " "\n')
    with pytest.raises(SystemExit, match="no reason"):
        mutation.load_config(root / "mutation.toml")


def test_equivalents_are_listed_apart(tmp_path, capsys):
    mid = 'pkg/mod.py:adult:pass:note = \\"never read\\"#0'
    root = _project(tmp_path, f'[[equivalent]]\nid = "{mid}"\nreason = "note is never read"\n')
    assert mutation.main(["--root", str(root), "--config", str(root / "mutation.toml"), "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[-1].startswith('pkg/mod.py:adult:pass:note = "never read"#0\tline 2\tequivalent: note is never read')


def test_a_real_run_kills_a_caught_mutant_and_reports_the_survivor(tmp_path, capsys):
    """>= -> > is caught by the test; deleting the unused assignment is not: it is reported as a
    survivor with its line before and after. The project itself is left untouched."""
    root = _project(tmp_path)
    report = tmp_path / "report.md"
    code = mutation.main(["--root", str(root), "--config", str(root / "mutation.toml"),
                          "--id", "pkg/mod.py:adult:GtE>Gt:age >= 18#0",
                          "--id", 'pkg/mod.py:adult:pass:note = "never read"#0',
                          "--workers", "2", "--report", str(report)])
    assert code == 0
    text = report.read_text()
    assert "| pkg/mod.py | 4 | 2 | 1 | 0 | 1 | 0 | 50.0% |" in text
    assert '- `pkg/mod.py:adult:pass:note = "never read"#0` line 2' in text
    assert '  -     note = "never read"' in text and "  +     pass" in text
    assert "GtE>Gt" not in text.split("## Survivors")[1]
    assert (root / "pkg" / "mod.py").read_text() == MODULE
    assert text in capsys.readouterr().out


def test_a_worker_runs_the_mutant_in_its_copy_and_restores_it(tmp_path, monkeypatch):
    """The tests see the mutated file in the worker's copy; afterwards the copy holds the original
    again (the next module's mutants run there), and the project was never written."""
    root = _project(tmp_path)
    mutant = next(m for m in mutation.mutants_of(MODULE, "pkg/mod.py") if m.operator == "GtE>Gt")
    seen = []

    def fake_tests(copy, tests, timeout):
        seen.append((copy / "pkg" / "mod.py").read_text())
        return "failed", 0.0, ""
    monkeypatch.setattr(mutation, "run_tests", fake_tests)
    work = tmp_path / "work"
    work.mkdir()
    workers = mutation.Workers(root, 1, work)
    assert workers.run(mutant, ["tests/test_mod.py"], 10) == ("killed", 0.0)
    assert seen == [MODULE.replace("age >= 18", "(age > 18)")]
    assert (workers.copies[0] / "pkg" / "mod.py").read_text() == MODULE
    assert workers.copies[0] != root and (root / "pkg" / "mod.py").read_text() == MODULE


def test_the_survivors_of_a_report_are_read_back():
    report = mutation.report({"m.py": []}, {"m.py": []}, {"m.py": 0}, False)
    assert mutation.survivors_of(report) == []
    text = ("# Mutation testing\n\n## Survivors\n\n- `m.py:f:Lt>LtE:a < b#0` line 3\n  ```\n  - a < b\n  ```\n"
            "- `m.py:g:pass:x = 1#0` line 9 (timeout)\n\n## Excluded (equivalent)\n\n- `m.py:h:int+1:1#0` line 2: why\n")
    assert mutation.survivors_of(text) == ["m.py:f:Lt>LtE:a < b#0", "m.py:g:pass:x = 1#0"]
