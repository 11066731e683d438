"""The rules digest (compiler.rules_digest) printed on every notice: it must change when any file the
matter was built from changes, and only then, so that a notice can be traced to the exact rules it
was decided under (issue 19: the line hashing each rule file could be removed unnoticed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.run.compiler import compile_matter, rules_digest
from checker.source.loader import load_matter
from conftest import FIXTURES, MATTERS, REPO, RULES

# A real matter with four shared rule sets and a locality that applies to it (Chengdu sets the
# promised time limit and the fee of individual business registration).
MATTER = "individual-business-registration"
RULE_SETS = ("agent", "premises", "family-operation", "pre-approval")
LOCALITY = "chengdu"


def _copy(base: Path) -> dict[str, Path]:
    """The matter, its rule sets and its locality copied under `base`; the files by role."""
    for folder in ("matters", "rules", "local"):
        (base / folder).mkdir(parents=True)
    files = {"matter": base / "matters" / f"{MATTER}.yaml", "local": base / "local" / f"{LOCALITY}.yaml"}
    shutil.copy(MATTERS / f"{MATTER}.yaml", files["matter"])
    shutil.copy(REPO / "local" / f"{LOCALITY}.yaml", files["local"])
    for name in RULE_SETS:
        files[name] = base / "rules" / f"{name}.yaml"
        shutil.copy(RULES / f"{name}.yaml", files[name])
    return files


def _load(base: Path):
    return load_matter(base / "matters" / f"{MATTER}.yaml", base / "rules",
                       local=base / "local" / f"{LOCALITY}.yaml")


def _change_one_byte(path: Path) -> None:
    """Change one byte and keep the file loadable: the final newline becomes a space."""
    data = path.read_bytes()
    assert data.endswith(b"\n")
    path.write_bytes(data[:-1] + b" ")


def test_the_copy_reads_exactly_the_files_named_here(tmp_path):
    """Guard of the test below: the matter reads these six files and no other."""
    files = _copy(tmp_path)
    matter = _load(tmp_path)
    assert sorted(Path(p).name for p in matter.files) == sorted(p.name for p in files.values())


def test_the_digest_is_the_same_when_nothing_changes(tmp_path):
    _copy(tmp_path / "a")
    _copy(tmp_path / "b")
    first = compile_matter(_load(tmp_path / "a")).digest
    assert len(first) == 64
    assert compile_matter(_load(tmp_path / "a")).digest == first
    assert rules_digest(_load(tmp_path / "a")) == first
    # the digest names each file, not its folder: the same files elsewhere give the same digest
    assert rules_digest(_load(tmp_path / "b")) == first


@pytest.mark.parametrize("role", ["matter", *RULE_SETS, "local"])
def test_the_digest_changes_when_any_file_read_changes(tmp_path, role):
    files = _copy(tmp_path)
    before = rules_digest(_load(tmp_path))
    _change_one_byte(files[role])
    after = _load(tmp_path)
    assert rules_digest(after) != before, role
    assert compile_matter(after).digest != before, role


def test_the_digest_changes_without_the_locality(tmp_path):
    _copy(tmp_path)
    with_locality = rules_digest(_load(tmp_path))
    without = rules_digest(load_matter(tmp_path / "matters" / f"{MATTER}.yaml", tmp_path / "rules"))
    assert without != with_locality


def _city(folder: Path, photo_count: int) -> Path:
    folder.mkdir()
    path = folder / "sample-city.yaml"
    path.write_text("local: sample-city\nname: {zh: 样例市, en: Sample City}\nsource: a fixture\n"
                    f"matters:\n  test-licence:\n    parameters:\n      photo_count: {photo_count}\n",
                    encoding="utf-8")
    return path


def test_a_locality_parameter_value_changes_the_digest(tmp_path):
    matter = FIXTURES / "matters" / "test-licence.yaml"
    six = load_matter(matter, RULES, local=_city(tmp_path / "six", 6))
    seven = load_matter(matter, RULES, local=_city(tmp_path / "seven", 7))
    assert (six.parameters["photo_count"].local_value, seven.parameters["photo_count"].local_value) == (6, 7)
    assert rules_digest(six) != rules_digest(seven)
    assert rules_digest(six) == rules_digest(load_matter(matter, RULES, local=tmp_path / "six" / "sample-city.yaml"))


def test_the_digest_names_each_file(tmp_path):
    """The digest covers each file's name as well as its bytes (the docstring of rules_digest):
    the same locality text kept under another file name is another set of files."""
    files = _copy(tmp_path)
    before = rules_digest(_load(tmp_path))
    (tmp_path / "kept").mkdir()
    renamed = tmp_path / "kept" / f"{LOCALITY}-2024.yaml"
    shutil.copy(files["local"], renamed)
    after = load_matter(files["matter"], tmp_path / "rules", local=renamed)
    assert after.local == LOCALITY
    assert rules_digest(after) != before
