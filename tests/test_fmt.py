"""The rule-file formatter: canonical key order, comments kept, data unchanged, idempotent."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from checker.tools.fmt import FOLDER_KINDS, format_file, format_text
from checker.source.yamlsource import load_text

REPO = Path(__file__).resolve().parent.parent
SHIPPED = sorted(p for folder in ("matters", "rules", "local")
                 for p in (REPO / folder).glob("*.yaml"))


@lru_cache(maxsize=None)
def formatted(path: Path) -> tuple[str, str]:
    return format_file(path)


def top_keys(text: str) -> list[str]:
    return list(load_text(text).data)


# A matter written with its keys out of order, comments on keys that move, a material whose
# first key is not `id`, flow text mappings written en-first, and dates quoted and not.
SCRAMBLED = """\
# yaml-language-server: $schema=../checker/source/schemas/matter.schema.json
# Test matter: the leading comment block stays on top.
examples:
  - expect:
      missing: [T-02]
      outcome: correct
    name: missing the ID card
    application:
      facts: {zeta: true, alpha: 3}
      date: "2026-03-02"
materials:
  - name: {en: Application form, zh: 申请书}
    copies: 1
    id: T-01
    form: original
  - form: copy
    # the ID card is always needed
    id: T-02  # keep this ID stable
    effective_from: "2025-05-10"
    name: {en: ID card, zh: 居民身份证}
    copies: 1
facts:
  zeta:
    label: {en: zeta, zh: 泽塔}
    type: bool
  alpha:
    type: integer
name: {en: Test matter, zh: 测试事项}
x-custom-b: 2
# which office handles it
department: {zh: 县级民政局, en: County civil affairs bureau}  # end-of-line note
x-custom-a: 1
matter: test-matter
note: {zh: 说明, en: a note}
rules:
  - when: zeta
    outcome: refuse
    reason: {zh: 不符合条件, en: not eligible}
    id: r-zeta
  - id: r-alpha
    when: alpha > 3
    effective_until: 2030-01-01
    outcome: refuse
    reason: {zh: 超过上限, en: over the limit}
"""


@pytest.fixture(scope="module")
def out() -> str:
    return format_text(SCRAMBLED, "matter")


def test_top_level_keys_in_canonical_order_unknown_keys_last(out):
    assert top_keys(out) == ["matter", "name", "department", "note", "facts", "rules",
                             "materials", "examples", "x-custom-b", "x-custom-a"]
    # the text itself, not only the loaded data, has that order
    assert re.findall(r"^([a-z-]+):", out, re.M) == top_keys(out)


def test_material_keys_in_canonical_order(out):
    materials = load_text(out).data["materials"]
    assert [list(m) for m in materials] == [
        ["id", "name", "form", "copies"],
        ["id", "name", "form", "copies", "effective_from"],
    ]
    assert "  - id: T-01\n    name: {zh: 申请书, en: Application form}\n    form: original\n" \
           "    copies: 1\n" in out


def test_rule_example_and_fact_keys_in_canonical_order(out):
    data = load_text(out).data
    assert [list(r) for r in data["rules"]] == [
        ["id", "when", "outcome", "reason"],
        ["id", "when", "outcome", "reason", "effective_until"],
    ]
    example = data["examples"][0]
    assert list(example) == ["name", "application", "expect"]
    assert list(example["application"]) == ["date", "facts"]
    assert list(example["expect"]) == ["outcome", "missing"]
    assert list(data["facts"]["zeta"]) == ["type", "label"]


def test_text_mappings_zh_then_en(out):
    assert "name: {zh: 测试事项, en: Test matter}" in out
    assert "label: {zh: 泽塔, en: zeta}" in out
    assert all(list(r["reason"]) == ["zh", "en"] for r in load_text(out).data["rules"])


def test_author_chosen_names_and_list_items_keep_their_order(out):
    data = load_text(out).data
    assert list(data["facts"]) == ["zeta", "alpha"]  # fact names are not sorted
    assert [m["id"] for m in data["materials"]] == ["T-01", "T-02"]
    assert [r["id"] for r in data["rules"]] == ["r-zeta", "r-alpha"]
    # application data is the applicant's, not reordered
    assert list(data["examples"][0]["application"]["facts"]) == ["zeta", "alpha"]
    assert "facts: {zeta: true, alpha: 3}" in out


def test_comments_stay_with_their_key(out):
    lines = out.splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../checker/source/schemas/matter.schema.json"
    assert lines[1] == "# Test matter: the leading comment block stays on top."
    assert lines[2] == "matter: test-matter"
    # a comment line above a key that moved is still just above it, its end-of-line comment on it
    i = lines.index("# which office handles it")
    assert lines[i + 1] == ("department: {zh: 县级民政局, en: County civil affairs bureau}"
                            "  # end-of-line note")
    # the same inside a list item whose first key changed: the comment goes above its `- `
    j = lines.index("  # the ID card is always needed")
    assert lines[j + 1] == "  - id: T-02  # keep this ID stable"
    assert lines[j + 2] == "    name: {zh: 居民身份证, en: ID card}"


def test_comment_above_the_first_key_of_a_nested_mapping_moves_with_it():
    text = ("matter: m\nexamples:\n  - name: e\n    expect:\n      # no material is missing\n"
            "      missing: []\n      outcome: accept  # accepted as it is\n")
    lines = format_text(text, "matter").splitlines()
    assert lines[-3:] == ["      outcome: accept  # accepted as it is",
                          "      # no material is missing", "      missing: []"]


def test_chinese_text_is_not_escaped(out):
    assert "测试事项" in out and "居民身份证" in out
    assert "\\u" not in out and "\\x" not in out


def test_dates_stay_strings_as_written(out):
    assert 'effective_from: "2025-05-10"' in out  # quoted stays quoted
    assert "effective_until: 2030-01-01\n" in out  # unquoted is not turned into a timestamp
    assert 'date: "2026-03-02"' in out
    data = load_text(out).data
    assert data["materials"][1]["effective_from"] == "2025-05-10"
    assert data["rules"][1]["effective_until"] == "2030-01-01"
    assert data["examples"][0]["application"]["date"] == "2026-03-02"


def test_style_no_trailing_spaces_one_final_newline_two_space_indent():
    text = "matter: m   \nname: {zh: 名, en: n}  # note   \nsources:\n    -   http://a\n\n\n\n"
    out = format_text(text, "matter")
    assert out == "matter: m\nname: {zh: 名, en: n}  # note\nsources:\n  - http://a\n"


def test_formatting_keeps_the_data_and_is_idempotent_on_the_sample(out):
    assert load_text(out).data == load_text(SCRAMBLED).data
    assert format_text(out, "matter") == out


def test_long_chinese_lines_are_not_rewrapped():
    long = "这是一条很长的中文说明" * 40
    text = f"matter: m\nnote:\n  en: short\n  zh: {long}\n"
    assert format_text(text, "matter") == f"matter: m\nnote:\n  zh: {long}\n  en: short\n"


def test_ruleset_order_and_templates_as_materials():
    text = ("templates:\n  proof:\n    why: {zh: 因为, en: because}\n    form: original\n"
            "    name: {zh: 证明, en: Proof}\nfacts:\n  b:\n    type: bool\n"
            "name: {zh: 规则, en: Rules}\nruleset: demo\n")
    out = format_text(text, "ruleset")
    data = load_text(out).data
    assert list(data) == ["ruleset", "name", "facts", "templates"]
    assert list(data["templates"]["proof"]) == ["name", "form", "why"]


def test_local_order():
    text = ("matters:\n  birth-registration:\n    parameters:\n      z_param: 1\n      a_param: 2\n"
            "source: http://example.org\nname: {en: Somewhere, zh: 某地}\nlocal: somewhere\n")
    out = format_text(text, "local")
    assert list(load_text(out).data) == ["local", "name", "source", "matters"]
    assert "      z_param: 1\n      a_param: 2\n" in out


def test_format_file_infers_the_kind_from_the_folder(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    path = folder / "demo.yaml"
    path.write_text("name: {zh: 规则, en: Rules}\nruleset: demo\n", encoding="utf-8")
    original, out = format_file(path)
    assert original == path.read_text(encoding="utf-8")  # the file is not rewritten
    assert out == "ruleset: demo\nname: {zh: 规则, en: Rules}\n"
    other = tmp_path / "elsewhere"
    other.mkdir()
    (other / "x.yaml").write_text("a: 1\n", encoding="utf-8")
    with pytest.raises(ValueError):
        format_file(other / "x.yaml")
    with pytest.raises(ValueError):
        format_text("a: 1\n", "recipe")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_file_is_idempotent(path):
    _original, out = formatted(path)
    assert format_text(out, FOLDER_KINDS[path.parent.name]) == out


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_file_keeps_its_data_and_comments(path):
    original, out = formatted(path)
    assert load_text(out).data == load_text(original).data
    comments = sorted(line.split("#", 1)[1].strip() for line in original.splitlines()
                      if line.lstrip().startswith("#"))
    assert comments == sorted(line.split("#", 1)[1].strip() for line in out.splitlines()
                              if line.lstrip().startswith("#"))
    assert original.count("  # ") == out.count("  # ")  # end-of-line comments
    assert out.endswith("\n") and not out.endswith("\n\n")
    assert not any(line != line.rstrip() for line in out.splitlines())


def test_every_shipped_folder_is_covered():
    assert {p.parent.name for p in SHIPPED} == {"matters", "rules", "local"}
    assert len(SHIPPED) >= 20


def test_an_explicit_null_stays_written_out():
    # `when: null` lifts a template's condition (the material is always required): keep it visible
    text = "matter: m\nmaterials:\n  - when: null\n    use: agent.authorisation\n    id: M-01\n"
    out = format_text(text, "matter")
    assert out == "matter: m\nmaterials:\n  - id: M-01\n    use: agent.authorisation\n    when: null\n"
