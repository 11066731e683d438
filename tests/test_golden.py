"""The golden files (tests/golden/, written by tests/golden.py): every example's notice in every
format and both languages, the command line's outputs and the web pages stay byte-identical
unless a change means to alter them (then regenerate with `make golden` and review the diff)."""

from __future__ import annotations

import pytest

import golden


@pytest.fixture(scope="module")
def now():
    return golden.everything()


def test_golden_files_are_unchanged(now):
    found = golden.differences(golden.GOLDEN, now)
    assert not found, f"{len(found)} golden file(s) differ (if meant: make golden, and review the diff):\n\n" + \
        "\n\n".join(found[:8])


def test_a_changed_notice_is_caught(tmp_path, now):
    """The comparison can fail: one word changed in a golden notice is reported with its diff,
    and a golden file nothing produces any more is reported too."""
    golden.write(tmp_path, now)
    target = tmp_path / "notices" / "marriage-registration.zh.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("补正", "补证", 1), encoding="utf-8")
    (tmp_path / "cli" / "extra.txt").write_text("left over", encoding="utf-8")
    found = golden.differences(tmp_path, now)
    assert len(found) == 2
    left_over = [f for f in found if f.startswith("cli/extra.txt: no longer produced")]
    changed = [f for f in found if f.startswith("--- golden/notices/marriage-registration.zh.txt")]
    assert left_over and changed
    assert "\n-一、需补证的材料" in changed[0] and "\n+一、需补正的材料" in changed[0]
