"""The installed checker: its version, shell completion, the matter library inside the wheel, and
a root that holds no matters refused (E025) rather than run over nothing."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import checker
from checker.shells.cli import app
from conftest import REPO

runner = CliRunner()
BIN = Path(sys.executable).parent  # the virtual environment `make test` runs in
IB = "individual-business-registration"
EXAMPLE = REPO / "examples" / "individual-business-leased-agent.yaml"
MATTER_IDS = sorted(p.stem for p in (REPO / "matters").glob("*.yaml"))
LIBRARY_FILES = sorted(f"{d}/{p.name}" for d in ("matters", "rules", "local", "bundles") for p in (REPO / d).glob("*.yaml"))
BUNDLE_IDS = sorted(p.stem for p in (REPO / "bundles").glob("*.yaml"))


def test_the_repository_ships_18_matters():
    """The figures the tests below rely on, counted by hand in README's "Matters encoded"."""
    assert len(MATTER_IDS) == 18 and len(BUNDLE_IDS) == 4 and len(LIBRARY_FILES) == 18 + 8 + 30 + 4


# --- version and completion ---------------------------------------------------------------------

def test_version_prints_the_package_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output == f"gov-checker {checker.__version__}\n"
    assert importlib.metadata.version("gov-checker") == checker.__version__  # one version, from one place


def _checker() -> str:
    path = BIN / "checker"
    assert path.is_file(), f"the `checker` command is not installed beside {sys.executable}"
    return str(path)


def test_show_completion_prints_a_bash_script_for_the_checker_command():
    # the shell is named: without this, typer asks shellingham, which finds none when the tests
    # run detached from a terminal ("Shell  not supported")
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    r = subprocess.run([_checker(), "--show-completion", "bash"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert "complete -o default -F _checker_completion checker" in r.stdout


@pytest.mark.parametrize("words, cword, expected", [
    ("checker li", 1, ["list"]),
    ("checker register s", 2, ["show", "supplied"]),
    ("checker list --fo", 2, ["--format"]),
])
def test_completion_completes_commands_and_options(words, cword, expected):
    env = {**os.environ, "_CHECKER_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    r = subprocess.run([_checker()], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and sorted(r.stdout.split()) == expected, (r.stdout, r.stderr)


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_install_completion_installs_a_script_that_bash_uses(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    r = subprocess.run([_checker(), "--install-completion", "bash"], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    script = tmp_path / ".bash_completions" / "checker.sh"
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    done = subprocess.run(["bash", "-c", f"source '{script}'; COMP_WORDS=(checker li); COMP_CWORD=1; "
                           "_checker_completion checker; echo \"${COMPREPLY[@]}\""],
                          capture_output=True, text=True, env=env)
    assert done.stdout.split() == ["list"], done.stderr


# --- a root that holds no matters ---------------------------------------------------------------

APP_FILE = str(EXAMPLE)
COMMANDS = [  # every command that reads the matter library
    ["list"], ["validate"], ["docs", "--check"], ["test"], ["fmt", "--check"], ["show", IB],
    ["check", IB, APP_FILE], ["schema", IB], ["explain", IB, APP_FILE], ["screen", APP_FILE],
    ["serve", "--port", "1"], ["ask", IB],
]


def _one_error(r) -> str:
    lines = r.output.strip().splitlines()
    assert r.exit_code == 2 and len(lines) == 1, r.output
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_missing_root_is_an_error_for_every_command(command, tmp_path, monkeypatch):
    monkeypatch.setattr("checker.shells.web.serve", lambda *a, **k: None)  # never a server left running
    missing = tmp_path / "nonexistent"
    line = _one_error(runner.invoke(app, [*command, "--root", str(missing)]))
    assert line == (f"{missing}: E025 no-matters: not a matter library: no such folder "
                    "(--root must name a folder holding matters/*.yaml and rules/)")
    assert not (tmp_path / "screening").exists()


@pytest.mark.parametrize("layout, wrong", [
    ([], "no matters/ folder in it"),
    (["matters/"], "no matter files (matters/*.yaml) in it"),
    (["matters/notes.txt", "rules/agent.yaml"], "no matter files (matters/*.yaml) in it"),
    (["matters"], "no matters/ folder in it"),  # a file named matters
])
def test_an_empty_root_is_an_error(layout, wrong, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    for item in layout:
        if item.endswith("/"):
            (root / item).mkdir(parents=True)
        else:
            (root / item).parent.mkdir(parents=True, exist_ok=True)
            (root / item).write_text("x: 1\n")
    for command in (["list"], ["validate"], ["docs"]):
        assert f"{root}: E025 no-matters: not a matter library: {wrong} (" in _one_error(
            runner.invoke(app, [*command, "--root", str(root)]))
    assert not (root / "docs").exists()


def test_a_root_that_is_a_file_is_an_error(tmp_path):
    line = _one_error(runner.invoke(app, ["list", "--root", str(EXAMPLE)]))
    assert line.startswith(f"{EXAMPLE}: E025 no-matters: not a matter library: not a folder (")


def test_checker_root_from_the_environment_is_checked_too(tmp_path, monkeypatch):
    monkeypatch.setenv("CHECKER_ROOT", str(tmp_path / "gone"))
    line = _one_error(runner.invoke(app, ["list"]))
    assert line == (f"{tmp_path / 'gone'}: E025 no-matters: not a matter library: no such folder "
                    "($CHECKER_ROOT must name a folder holding matters/*.yaml and rules/)")


def test_an_empty_matters_folder_above_the_current_one_is_an_error(tmp_path, monkeypatch):
    (tmp_path / "matters").mkdir()
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.delenv("CHECKER_ROOT", raising=False)
    line = _one_error(runner.invoke(app, ["validate"]))
    assert line.startswith(f"{tmp_path}: E025 no-matters: not a matter library: no matter files")
    assert "the nearest matters/ folder above the current one" in line


def test_with_no_matters_folder_around_the_shipped_library_is_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CHECKER_ROOT", raising=False)
    r = runner.invoke(app, ["list", "--format", "json"])
    assert r.exit_code == 0 and sorted(m["id"] for m in json.loads(r.output) if m["kind"] == "matter") == MATTER_IDS


# --- the wheel carries the matter library and uses it ---------------------------------------------

@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources (so the checkout gets no build/ folder),
    unpacked: the package exactly as `pip install` lays it out."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in ("checker", "matters", "rules", "local", "bundles"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                        "-w", str(base / "dist"), str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    [built] = (base / "dist").glob("gov_checker-*.whl")
    with zipfile.ZipFile(built) as z:
        z.extractall(base / "site")
    return base / "site"


def test_the_wheel_holds_the_whole_matter_library(wheel):
    shipped = sorted(str(p.relative_to(wheel / "checker" / "library")) for p in (wheel / "checker" / "library").rglob("*")
                     if p.is_file())
    assert shipped == LIBRARY_FILES
    for name in LIBRARY_FILES:
        assert (wheel / "checker" / "library" / name).read_bytes() == (REPO / name).read_bytes()


def _installed(wheel: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m checker ARGS` with the unpacked wheel first on the path, from cwd."""
    env = {k: v for k, v in os.environ.items() if k != "CHECKER_ROOT"}
    env["PYTHONPATH"] = str(wheel)
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_the_installed_package_uses_its_library_from_any_folder(wheel, tmp_path):
    where = _installed(wheel, tmp_path, "--version")  # the package under test is the wheel's
    code = "import checker, sys; sys.stdout.write(checker.__file__)"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(wheel)}).stdout
    assert where.returncode == 0 and imported == str(wheel / "checker" / "__init__.py")
    r = _installed(wheel, tmp_path, "list", "--format", "json")
    listed = json.loads(r.stdout)
    assert r.returncode == 0 and sorted(m["id"] for m in listed if m["kind"] == "matter") == MATTER_IDS
    assert sorted(m["id"] for m in listed if m["kind"] == "bundle") == BUNDLE_IDS
    r = _installed(wheel, tmp_path, "validate")
    assert r.returncode == 0 and r.stderr.startswith(f"{len(LIBRARY_FILES)} file(s) checked, 0 problem(s)")
    r = _installed(wheel, tmp_path, "check", IB, str(EXAMPLE), "--format", "json")
    notice = json.loads(r.stdout)  # the example's comment: the lessor's title and the agent's authorisation
    assert r.returncode == 1 and notice["outcome"] == "correct"
    assert [m["id"] for m in notice["missing"]] == ["IB-03", "IB-05"]
    assert not list(tmp_path.iterdir())  # nothing written where it ran
