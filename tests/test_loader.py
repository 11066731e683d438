"""Bad matter and rule files: every problem with file, line, column and what would be right."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.errors import CheckerError
from checker.source.loader import load_matter, load_ruleset_file
from conftest import RULES

HEAD = """matter: tiny
name: {zh: 小事项, en: Tiny}
department: {zh: 局, en: Bureau}
level: county
type: licence
basis: [{zh: 条例, en: Regulation}]
time_limit: {statutory: {days: 20}}
fee: {amount: 0}
"""


def load(tmp_path: Path, body: str, head: str = HEAD):
    (tmp_path / "matters").mkdir(exist_ok=True)
    path = tmp_path / "matters" / "tiny.yaml"
    path.write_text(head + body, encoding="utf-8")
    return load_matter(path, RULES)


def problems(tmp_path, body, head=HEAD):
    with pytest.raises(CheckerError) as e:
        load(tmp_path, body, head)
    return e.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate((HEAD + text).splitlines(), 1) if needle in line)


FACTS = """facts:
  age:
    type: integer
    question: {zh: 年龄, en: Age}
  kind:
    type: enum
    values: [a, b]
    question: {zh: 类别, en: Kind}
"""


def test_a_valid_tiny_matter_loads(tmp_path):
    m = load(tmp_path, FACTS + "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original}\n")
    assert m.id == "tiny" and [x.id for x in m.materials] == ["TM-01"]


def test_unknown_fact_in_a_condition(tmp_path):
    body = FACTS + "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, when: agee > 3}\n"
    [p] = problems(tmp_path, body)
    assert p.location.line == line_of(body, "agee")
    assert p.location.column == (HEAD + body).splitlines()[p.location.line - 1].index("agee") + 1
    assert "unknown fact 'agee'" in p.message and "did you mean 'age'" in p.hint


def test_type_mismatch_in_a_condition(tmp_path):
    body = FACTS + "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, when: kind > 3}\n"
    [p] = problems(tmp_path, body)
    assert p.code == "C002" and p.message == "cannot compare an enum(a, b) with an integer"


def test_enum_value_that_cannot_occur(tmp_path):
    body = FACTS + 'materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, when: kind == "c"}\n'
    [p] = problems(tmp_path, body)
    assert "'c' is not a value of this enum" in p.message and "a, b" in p.hint


def test_syntax_error_points_at_the_character(tmp_path):
    body = FACTS + "materials:\n  - id: TM-01\n    name: {zh: 表, en: Form}\n    form: original\n    when: age >= 3 and\n"
    [p] = problems(tmp_path, body)
    assert p.code == "C001" and p.location.line == line_of(body, "age >= 3 and")
    assert "ends too early" in p.message


def test_duplicate_material_ids(tmp_path):
    body = FACTS + ("materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original}\n"
                    "  - {id: TM-01, name: {zh: 表二, en: Form 2}, form: copy}\n")
    [p] = problems(tmp_path, body)
    assert p.code == "M004" and p.location.line == line_of(body, "表二")


def test_derived_cycle(tmp_path):
    body = FACTS + """derived:
  x:
    type: integer
    value: y + 1
    label: {zh: x, en: x}
  y:
    type: integer
    value: x + 1
    label: {zh: y, en: y}
materials:
  - {id: TM-01, name: {zh: 表, en: Form}, form: original}
"""
    found = problems(tmp_path, body)
    assert {p.code for p in found} == {"M003"} and len(found) == 2


def test_derived_value_of_the_wrong_type(tmp_path):
    body = FACTS + """derived:
  old:
    type: integer
    value: age > 60
    label: {zh: 老, en: old}
materials:
  - {id: TM-01, name: {zh: 表, en: Form}, form: original}
"""
    [p] = problems(tmp_path, body)
    assert p.code == "C003" and "declared integer but its value is a bool" in p.message
    assert p.location.line == line_of(body, "value: age > 60")


def test_unknown_template_and_missing_include(tmp_path):
    body = FACTS + "materials:\n  - {id: TM-01, use: agent.authorisation}\n"
    [p] = problems(tmp_path, body)
    assert p.code == "M012" and "add 'agent' to include" in p.hint


def test_unknown_shared_rule_set(tmp_path):
    body = "include: [agnet]\n" + FACTS + "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original}\n"
    [p] = problems(tmp_path, body)
    assert p.code == "M010" and "agent" in p.hint


def test_fact_declared_twice_through_an_include(tmp_path):
    body = ("include: [agent]\n" + FACTS + "  filed_by_agent:\n    type: bool\n    question: {zh: 代理, en: Agent}\n"
            "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original}\n")
    [p] = problems(tmp_path, body)
    assert p.code == "M001" and "rule set agent" in p.hint
    assert p.location.file.endswith("tiny.yaml") and p.location.line == line_of(body, "  filed_by_agent:")


def test_schema_problems_name_the_key(tmp_path):
    body = FACTS + "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, wen: age > 3}\n"
    [p] = problems(tmp_path, body)
    assert "unknown key 'wen'" in p.message and "when" in p.hint
    assert p.location.line == line_of(body, "wen:")


def test_bad_material_id_pattern(tmp_path):
    body = FACTS + "materials:\n  - {id: tm1, name: {zh: 表, en: Form}, form: original}\n"
    [p] = problems(tmp_path, body)
    assert "IB-01" in p.hint


def test_effective_dates_must_be_ordered_and_real(tmp_path):
    body = FACTS + ('materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, '
                    'effective_from: "2025-05-10", effective_until: "2025-02-30"}\n')
    codes = {p.code for p in problems(tmp_path, body)}
    assert codes == {"M007", "M008"}


def test_example_expecting_an_undefined_material(tmp_path):
    body = FACTS + """materials:
  - {id: TM-01, name: {zh: 表, en: Form}, form: original}
examples:
  - name: x
    application: {date: "2026-01-01"}
    expect: {outcome: correct, missing: [TM-02]}
"""
    [p] = problems(tmp_path, body)
    assert p.code == "M013" and "TM-02" in p.message and "TM-01" in p.hint


def test_all_problems_are_reported_together(tmp_path):
    body = FACTS + ("materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, when: agee > 3}\n"
                    "  - {id: TM-02, name: {zh: 表, en: Form}, form: original, when: kind == 1}\n")
    assert len(problems(tmp_path, body)) == 2


def test_python_tags_are_refused_not_run(tmp_path):
    body = FACTS + "materials: !!python/object/apply:os.system ['echo pwned']\n"
    [p] = problems(tmp_path, body)
    assert "not allowed" in p.message


def test_shipped_rule_sets_are_valid():
    for path in sorted(RULES.glob("*.yaml")):
        assert load_ruleset_file(path) == [], path


def test_rule_set_named_differently_from_its_file(tmp_path):
    path = tmp_path / "agents.yaml"
    path.write_text((RULES / "agent.yaml").read_text("utf-8"), encoding="utf-8")
    [p] = load_ruleset_file(path)
    assert p.code == "M011" and "agent.yaml" in p.hint


def test_a_matters_own_alternatives_are_reported_in_the_matter(tmp_path):
    body = ("include: [premises]\n" + FACTS + "materials:\n  - id: TM-01\n    use: premises.use_proof\n"
            "    alternatives:\n      - option: own\n        name: {zh: 自有, en: own}\n"
            "        when: premises_tenur == \"owned\"\n        parts: [{part: title, name: {zh: 证, en: title}}]\n"
            "      - option: lease\n        name: {zh: 租, en: lease}\n"
            "        parts: [{part: lease, name: {zh: 约, en: lease}}]\n")
    [p] = problems(tmp_path, body)
    assert p.location.file.endswith("tiny.yaml") and p.location.line == line_of(body, "premises_tenur ==")


def test_null_when_clears_a_templates_condition(tmp_path):
    m = load(tmp_path, "include: [agent]\n" + FACTS + "materials:\n  - {id: TM-01, use: agent.authorisation, when: null}\n")
    assert m.materials[0].when is None and m.materials[0].when_text == ""


def test_shared_must_name_a_bool_parameter(tmp_path):
    body = FACTS + "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, shared: age}\n"
    [p] = problems(tmp_path, body)
    assert p.code == "M016" and "bool parameter" in p.message


def test_example_parameters_must_exist_and_fit(tmp_path):
    body = FACTS + """parameters:
  photos: {type: integer, value: 3, label: {zh: 照片, en: photos}}
materials:
  - {id: TM-01, name: {zh: 表, en: Form}, form: original, copies: photos}
examples:
  - name: a
    parameters: {photoz: 6}
    application: {date: "2026-01-01"}
    expect: {outcome: accept}
  - name: b
    parameters: {photos: six}
    application: {date: "2026-01-01"}
    expect: {outcome: accept}
"""
    assert sorted(p.code for p in problems(tmp_path, body)) == ["M015", "M017"]


def test_promise_condition_is_type_checked(tmp_path):
    body = FACTS + "materials:\n  - {id: TM-01, name: {zh: 表, en: Form}, form: original, promise_allowed: age}\n"
    [p] = problems(tmp_path, body)
    assert p.code == "C002" and "true or false" in p.message
