"""Safe YAML/JSON loading: plain data only, refusals with a place in the file, and value positions."""

from __future__ import annotations

import pytest

from checker.source import yamlsource
from checker.errors import CheckerError
from checker.source.yamlsource import MAX_BYTES, MAX_DEPTH, load_file, load_text


def refused(text: str):
    """The problems of a text that must be refused."""
    with pytest.raises(CheckerError) as info:
        load_text(text, "rules.yaml")
    return info.value.problems


def refused_file(path):
    with pytest.raises(CheckerError) as info:
        load_file(path)
    return info.value.problems


# --------------------------------------------------------------------------- plain values

def test_nested_mappings_and_lists_load_as_plain_data():
    doc = load_text("a:\n  b: [1, 2.5, x]\n  c: {d: null}\n")
    assert doc.data == {"a": {"b": [1, 2.5, "x"], "c": {"d": None}}}


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "NO", "On", "OFF", "y", "n"])
def test_yaml11_boolean_words_stay_strings(word):
    assert load_text(f"v: {word}").data == {"v": word}


@pytest.mark.parametrize("word, value", [("true", True), ("false", False), ("True", True),
                                         ("FALSE", False)])
def test_true_and_false_are_booleans(word, value):
    assert load_text(f"v: {word}").data["v"] is value


@pytest.mark.parametrize("text, value", [
    ("v: 2025-05-10", "2025-05-10"),
    ("v: 2024-02-29", "2024-02-29"),
    ("v: 2025-05-10 08:30:00", "2025-05-10 08:30:00"),
    ('{"v": "2025-05-10"}', "2025-05-10"),
])
def test_dates_stay_iso_strings(text, value):
    assert load_text(text).data["v"] == value


@pytest.mark.parametrize("text, value", [
    ('v: "true"', "true"),
    ("v: '18'", "18"),
    ('v: "2025-05-10"', "2025-05-10"),
    ("v: !!str 18", "18"),
    ("v: ~", None),
    ("v:", None),
    ("v: 18", 18),
    ("v: -3", -3),
    ("v: 2.5", 2.5),
])
def test_scalars(text, value):
    assert load_text(text).data["v"] == value
    assert type(load_text(text).data["v"]) is type(value)


def test_json_loads():
    doc = load_text('{"date": "2026-03-02", "facts": {"age": 30, "ok": true, "x": null}, "l": [1.5]}')
    assert doc.data == {"date": "2026-03-02", "facts": {"age": 30, "ok": True, "x": None}, "l": [1.5]}


def test_json_indented_with_tabs_loads():
    assert load_text('{\n\t"a": 1,\n\t"b": [\n\t\t2\n\t]\n}').data == {"a": 1, "b": [2]}


@pytest.mark.parametrize("text, value", [
    ('{"v": 1e5}', 100000.0),
    ('{"v": 1e-07}', 1e-07),        # what Python's json.dumps writes for 0.0000001
    ('{"v": 1.5e3}', 1500.0),
])
def test_json_numbers_with_exponents_are_numbers(text, value):
    assert load_text(text).data["v"] == value


def test_empty_document_is_none():
    assert load_text("").data is None
    assert load_text("# only a comment\n").data is None


# --------------------------------------------------------------------------- refusals

def test_duplicate_key_is_refused_at_the_duplicate_naming_the_first():
    problems = refused("facts:\n  age: 1\n  name: x\n  age: 2\n")
    assert len(problems) == 1
    p = problems[0]
    assert p.code == "E013"
    assert (p.location.file, p.location.line, p.location.column) == ("rules.yaml", 4, 3)
    assert "'age'" in p.message
    assert "line 2" in p.hint


def test_every_duplicate_key_is_reported():
    problems = refused("a: 1\nb: 2\na: 3\nb: 4\n")
    assert [(p.code, p.location.line) for p in problems] == [("E013", 3), ("E013", 4)]


def test_duplicate_key_in_json_is_refused():
    assert [p.code for p in refused('{"a": 1, "a": 2}')] == ["E013"]


def test_anchor_and_alias_are_refused():
    assert [p.code for p in refused("a: &x [1, 2]\nb: *x\n")] == ["E011"]


def test_exponential_alias_expansion_is_refused():
    text = ('a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
            'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
            'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n'
            'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n')
    assert {p.code for p in refused(text)} == {"E011"}


def test_merge_key_is_refused():
    assert [p.code for p in refused("<<: {a: 1}\nb: 2\n")] == ["E012"]


def test_non_scalar_key_is_refused():
    assert [p.code for p in refused("? [a, b]\n: 1\n")] == ["E012"]


@pytest.mark.parametrize("text", [
    "x: !!python/object:os.system {}",
    "x: !!python/object/apply:os.system ['true']",
    "x: !!python/name:os.system ''",
    "x: !include other.yaml",
    "x: !!binary aGVsbG8=",
    "x: !!set {a, b}",
    "x: !!omap [a: 1]",
])
def test_non_standard_tags_are_refused(text):
    problems = refused(text)
    assert [p.code for p in problems] == ["E014"]
    assert (problems[0].location.line, problems[0].location.column) == (1, 4)


def test_python_tag_is_never_executed(tmp_path):
    marker = tmp_path / "executed"
    with pytest.raises(CheckerError):
        load_text(f"x: !!python/object/apply:os.system ['touch {marker}']")
    with pytest.raises(CheckerError):
        load_text(f"x: !!python/object/apply:pathlib.Path.touch ['{marker}']")
    assert not marker.exists()


def test_float_overflowing_to_infinity_is_refused():
    problems = refused("v: 1.0e+999")
    assert [(p.code, p.location.line, p.location.column) for p in problems] == [("E015", 1, 4)]


@pytest.mark.parametrize("text", ["v: .nan", "v: .NaN", "v: .inf", "v: -.inf", "v: +.INF"])
def test_nan_and_infinity_are_refused(text):
    assert [p.code for p in refused(text)] == ["E015"]


# --------------------------------------------------------------------------- syntax errors

@pytest.mark.parametrize("text, line, column", [
    ("a: b: c", 1, 5),               # the second ':' (index 4)
    ("x: 1\ny: b: c\n", 2, 5),
    ("key: 'unterminated", 1, 19),   # end of input, just after the 18th character
])
def test_syntax_error_gives_one_based_line_and_column(text, line, column):
    problems = refused(text)
    assert len(problems) == 1
    p = problems[0]
    assert p.code == "E010"
    assert "YAML syntax error" in p.message
    assert (p.location.line, p.location.column) == (line, column)


def test_more_than_one_document_is_a_syntax_error():
    assert [p.code for p in refused("a: 1\n---\nb: 2\n")] == ["E010"]


# --------------------------------------------------------------------------- files

def test_load_file_reads_utf8_with_or_without_bom(tmp_path):
    plain, bom = tmp_path / "plain.yaml", tmp_path / "bom.yaml"
    plain.write_bytes("名称: 个体工商户\n".encode("utf-8"))
    bom.write_bytes(b"\xef\xbb\xbf" + "名称: 个体工商户\n".encode("utf-8"))
    assert load_file(plain).data == {"名称": "个体工商户"}
    assert load_file(bom).data == {"名称": "个体工商户"}
    assert load_file(plain).path == str(plain)


def test_non_utf8_bytes_give_a_clear_error_with_the_line(tmp_path):
    f = tmp_path / "gbk.yaml"
    f.write_bytes(b"a: 1\n" + "名称: 个体工商户\n".encode("gbk"))
    problems = refused_file(f)
    assert len(problems) == 1
    p = problems[0]
    assert p.code == "E003"
    assert "UTF-8" in p.message
    assert p.location.line == 2
    assert p.location.file == str(f)


def test_missing_file_is_e001(tmp_path):
    problems = refused_file(tmp_path / "nope.yaml")
    assert [p.code for p in problems] == ["E001"]
    assert "not found" in problems[0].message


def test_directory_is_e001(tmp_path):
    problems = refused_file(tmp_path)
    assert [p.code for p in problems] == ["E001"]
    assert "directory" in problems[0].message


def test_file_larger_than_max_bytes_is_refused(tmp_path):
    f = tmp_path / "big.yaml"
    f.write_bytes(b"#" * (MAX_BYTES + 1))
    problems = refused_file(f)
    assert [p.code for p in problems] == ["E002"]
    assert str(MAX_BYTES) in problems[0].message


def test_size_limit_boundary(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlsource, "MAX_BYTES", 8)
    at, over = tmp_path / "at.yaml", tmp_path / "over.yaml"
    at.write_bytes(b"a: 12345")      # 8 bytes
    over.write_bytes(b"a: 123456")   # 9 bytes
    assert load_file(at).data == {"a": 12345}
    assert [p.code for p in refused_file(over)] == ["E002"]


def test_text_larger_than_max_bytes_in_utf8_is_refused():
    # 3 bytes per character: fewer characters than MAX_BYTES, more bytes
    text = "中" * (MAX_BYTES // 3 + 1)
    assert len(text) < MAX_BYTES
    assert [p.code for p in refused(text)] == ["E002"]


# --------------------------------------------------------------------------- positions

SAMPLE = (
    "matter: demo\n"                          # 1
    "facts:\n"                                # 2
    "  age:\n"                                # 3
    "    type: integer\n"                     # 4
    "    question: {zh: 年龄, en: Age}\n"      # 5
    "materials:\n"                            # 6
    "  - id: M-01\n"                          # 7
    "  - id: M-02\n"                          # 8
    "    copies: 2\n"                         # 9
)


@pytest.mark.parametrize("path, key, line, column", [
    (("matter",), False, 1, 9),
    (("matter",), True, 1, 1),
    (("facts", "age", "type"), False, 4, 11),
    (("facts", "age", "type"), True, 4, 5),
    (("facts", "age", "question", "en"), False, 5, 28),   # columns count characters, not bytes
    (("facts", "age", "question", "en"), True, 5, 24),
    (("materials", 1, "id"), False, 8, 9),
    (("materials", 1, "copies"), False, 9, 13),
    (("materials", 1, "copies"), True, 9, 5),
    (("materials", 1), False, 8, 5),
    (("materials", 0, "id"), False, 7, 9),
])
def test_where_gives_one_based_positions_of_values_and_keys(path, key, line, column):
    loc = load_text(SAMPLE, "m.yaml").where(path, key=key)
    assert (loc.file, loc.line, loc.column) == ("m.yaml", line, column)


def test_where_falls_back_to_the_nearest_parent():
    doc = load_text(SAMPLE)
    assert doc.where(("materials", 1, "missing")) == doc.where(("materials", 1))
    assert (doc.where(("materials", 1)).line, doc.where(("materials", 1)).column) == (8, 5)


def test_where_of_the_root_and_of_an_empty_document():
    assert (load_text(SAMPLE).where(()).line, load_text(SAMPLE).where(()).column) == (1, 1)
    assert (load_text("").where(("x",)).line, load_text("").where(("x",)).column) == (1, 1)


def test_where_in_json():
    doc = load_text('{\n  "a": {"b": [10, 20]}\n}')
    loc = doc.where(("a", "b", 1))
    assert (loc.line, loc.column) == (2, 19)  # "20" starts at index 18 of line 2


def test_folded_chinese_lines_join_without_a_space():
    doc = load_text("zh: >-\n  第一行\n  第二行 and\n  English\nen: >-\n  one\n  two\n")
    assert doc.data == {"zh": "第一行第二行 and English", "en": "one two"}


def test_a_byte_order_mark_is_accepted(tmp_path):
    from checker.source.yamlsource import load_file
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffa: 申请\n".encode("utf-8"))
    assert load_file(path).data == {"a": "申请"}


def test_a_tab_in_indentation_is_a_syntax_error_with_its_line():
    with pytest.raises(CheckerError) as e:
        load_text("a:\n\tb: 1\n", "t.yaml")
    [p] = e.value.problems
    assert p.code == "E010" and p.location.line == 2


def test_deep_nesting_is_refused_not_a_crash():
    with pytest.raises(CheckerError) as e:
        load_text("a: " + "[" * 5000 + "]" * 5000 + "\n", "deep.yaml")
    assert [p.code for p in e.value.problems] == ["E017"]


def _block(levels: int) -> str:
    """`levels` mappings nested in block style: `k:` at indent 0, 2, 4, ... and a scalar inside."""
    return "".join(" " * (2 * i) + "k:\n" for i in range(levels - 1)) + " " * (2 * (levels - 1)) + "k: 1\n"


@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
@pytest.mark.parametrize("style", ["flow", "block"])
def test_the_depth_limit_is_ours_whatever_the_yaml_library_does(monkeypatch, loader, style):
    # the top mapping is level 1; MAX_DEPTH + 1 levels in all are accepted, one more is refused at
    # the opening of the level too many (line and column counted by hand from the text)
    import yaml
    from checker.source import yamlsource
    if loader == "pure-python":
        monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML built without libyaml")
    if style == "flow":
        ok, bad = ("a: " + "[" * n + "]" * n + "\n" for n in (MAX_DEPTH, MAX_DEPTH + 1))
        where = (1, len("a: ") + MAX_DEPTH + 1)
    else:
        ok, bad = _block(MAX_DEPTH + 1), _block(MAX_DEPTH + 2)
        where = (MAX_DEPTH + 2, 2 * MAX_DEPTH + 3)  # level d (the top is 1) opens on line d, column 2d - 1
    assert load_text(ok, "ok.yaml").data is not None
    with pytest.raises(CheckerError) as e:
        load_text(bad, "deep.yaml")
    [p] = e.value.problems
    assert (p.code, p.location.line, p.location.column) == ("E017", *where)


@pytest.mark.parametrize("levels", [999, 1000, 1001, 100_000])
def test_nesting_past_libyamls_own_limit_is_still_e017(levels):
    # PyYAML 6.0.4's libyaml refuses 1,000 flow levels itself while scanning ahead, with a syntax
    # error; the checker's answer must not depend on that
    with pytest.raises(CheckerError) as e:
        load_text("a: " + "{b: " * levels + "1" + "}" * levels + "\n", "deep.yaml")
    assert [(p.code, p.location.column) for p in e.value.problems] == [("E017", len("a: ") + 4 * MAX_DEPTH + 1)]
