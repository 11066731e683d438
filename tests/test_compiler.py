"""The compiler: what the engine decides equals three-valued evaluation of the conditions."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.run.application import parse_application
from checker.run.compiler import ALWAYS, NEVER, compile_matter, to_durable
from checker.run.engine import LIMITS, engine_value, measure
from checker.run.evaluate import engine_input, evaluate
from checker.lang.expr import names_in, parse, unparse
from checker.lang.kleene import UNKNOWN, evaluate as kleene
from checker.source.loader import load_matter
from conftest import FIXTURES, MATTERS, RULES

ABSENT = object()


def maybe(strategy):
    return st.one_of(st.just(ABSENT), strategy)


def dates():
    return st.dates(min_value=__import__("datetime").date(1950, 1, 1),
                    max_value=__import__("datetime").date(2030, 12, 31)).map(lambda d: d.isoformat())


@st.composite
def applications(draw):
    homes = st.lists(st.fixed_dictionaries({
        "area": st.one_of(st.none(), st.floats(min_value=0, max_value=200, allow_nan=False)),
        "from_demolition": st.one_of(st.none(), st.booleans())}), max_size=4)
    facts = {
        "birth_date": draw(maybe(dates())),
        "id_number": draw(maybe(st.sampled_from(["11010519491231002X", "110105194912310021", "x"]))),
        "region": draw(maybe(st.sampled_from(["local", "other_province"]))),
        "small_scale": draw(maybe(st.booleans())),
        "has_car": draw(maybe(st.booleans())),
        "monthly_income": draw(maybe(st.floats(min_value=0, max_value=10000, allow_nan=False))),
        "members": draw(maybe(st.integers(min_value=0, max_value=6))),
        "homes": draw(maybe(homes)),
        "filed_by_agent": draw(maybe(st.booleans())),
        "credit_barred": draw(maybe(st.booleans())),
    }
    pieces = ["TL-01", "TL-02", "TL-03", "TL-05", "TL-06", "TL-07", "TL-08/title", "TL-08/lease", "TL-09"]
    materials = []
    for pid in draw(st.lists(st.sampled_from(pieces), unique=True)):
        item = {"id": pid}
        for key, strat in (("form", st.sampled_from(["original", "copy", "original_and_copy", "electronic"])),
                           ("copies", st.integers(0, 3)), ("signed", st.booleans()),
                           ("valid_until", dates())):
            value = draw(maybe(strat))
            if value is not ABSENT:
                item[key] = value
        materials.append(item)
    return {"date": draw(dates()), "facts": {k: v for k, v in facts.items() if v is not ABSENT},
            "materials": materials}


@pytest.fixture(scope="module")
def tight_licence():
    """The fixture matter compiled under budgets so small that each stage is asserted in several
    steps and the longer conditions are decided in Python (lifted): the shapes the compiler gives
    a matter past the engine's limits."""
    with pytest.MonkeyPatch.context() as mp:
        for name, budget in {"frontier": 3, "slots": 6, "fields": 4, "betas": 2}.items():
            mp.setitem(LIMITS, name, dataclasses.replace(LIMITS[name], budget=budget))
        compiled = compile_matter(load_matter(FIXTURES / "matters" / "test-licence.yaml", RULES))
    compiled.ruleset_name = "test-licence-tight"  # not the ruleset of the usual compilation
    return compiled


def test_tight_budgets_split_stages_and_lift_conditions(test_licence, tight_licence):
    assert len(test_licence.steps) == test_licence.stages + 1  # the usual: one fact per stage
    assert len(tight_licence.steps) > 3 * (tight_licence.stages + 1)
    assert len(tight_licence.terms) > len(test_licence.terms)
    for step in range(len(tight_licence.steps)):
        mine = {n: r for n, r in tight_licence.rules.items() if r["all"][0]["m"]["$and"][1] == {"stage": step}}
        m = measure(mine)
        assert m.frontier <= 3 and m.slots <= 6 and m.betas <= 2, step
        assert len(tight_licence.fields[step]) <= 4


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                    HealthCheck.function_scoped_fixture])
@given(applications())
def test_a_matter_split_into_steps_decides_as_three_valued_evaluation(tight_licence, data):
    test_engine_agrees_with_three_valued_evaluation.hypothesis.inner_test(tight_licence, data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(applications())
def test_engine_agrees_with_three_valued_evaluation(test_licence, data):
    app = parse_application(data, test_licence.matter)
    findings = evaluate(test_licence, app)
    env = findings.values
    # derived facts: recomputed here in dependency order, straight from their definitions
    expected_env = engine_input(test_licence, app)
    for d in test_licence.matter.derived.values():
        when = True if d.when is None else kleene(d.when, expected_env)
        node = d.value if when is True else (d.otherwise if when is False else None)
        value = UNKNOWN if node is None else kleene(node, expected_env)
        if value is not UNKNOWN:
            expected_env[d.name] = engine_value(value)
        assert env.get(d.name) == expected_env.get(d.name), d.name
    for cid, c in test_licence.conditions.items():
        if cid.startswith("derive:"):
            continue
        want = kleene(c.source, expected_env)
        if not c.needs_false and want is UNKNOWN:
            want = False  # a defect is reported only when the attribute shows it
        assert findings.status[cid] == want, (cid, c.source)


def test_lifted_terms_are_shared_and_staged(test_licence):
    terms = {t.node.func if hasattr(t.node, "func") else type(t.node).__name__: t for t in test_licence.terms.values()}
    # id_valid(id_number) is used by a rule; count(homes, ...) by a material; both from input facts
    assert terms["id_valid"].stage == 0 and terms["count"].stage == 0
    # plain values (no `when`) are computed before the stage whose inputs they need: age and
    # adult are both ready for stage 0, so the rule 'minor' on `adult` is matched at stage 0.
    # per_capita_income needs the engine to decide `members > 0` (stage 0), so income_band,
    # which compares it, is decided at stage 1, and the rule high-income on the band at stage 2.
    assert test_licence.derived_stage == {"age": 0, "adult": 0, "per_capita_income": 0, "income_band": 1}
    assert test_licence.conditions["rule:minor"].stage == 0
    assert test_licence.stages == 2


def test_every_matter_compiles():
    for path in sorted(MATTERS.glob("*.yaml")):
        compiled = compile_matter(load_matter(path, RULES))
        kinds = list(compiled.rule_index.values())
        # one catch-all per stage, and every rule of the matter decided by a TRUE and a FALSE rule
        assert sum(kind == "S" for _, kind in kinds) == compiled.stages + 1, path.stem
        for r in compiled.matter.rules:
            assert (f"rule:{r.id}", "T") in kinds and (f"rule:{r.id}", "F") in kinds, (path.stem, r.id)
        assert len(compiled.digest) == 64


def test_true_and_false_forms_of_membership():
    node = parse('region in ["a", "b"]')
    assert to_durable(node, True) == {"$and": [{"$ex": {"region": 1}}, {"$or": [{"region": "a"}, {"region": "b"}]}]}
    assert to_durable(node, False) == {"$and": [{"$ex": {"region": 1}}, {"$neq": {"region": "a"}}, {"$neq": {"region": "b"}}]}


def test_negation_is_pushed_to_the_comparisons():
    node = parse("not (x > 3 or y)")
    assert to_durable(node, True) == {"$and": [{"$and": [{"$ex": {"x": 1}}, {"$lte": {"x": 3}}]}, {"y": False}]}


def test_constant_conditions_fold():
    assert to_durable(parse("true or x"), True) is ALWAYS
    assert to_durable(parse("false and x"), True) is NEVER
    assert to_durable(parse("1 < 2"), False) is NEVER


def test_field_against_field_is_guarded_by_existence():
    # measured: durable-rules matches a <= b when b is absent
    assert to_durable(parse("a <= b"), True) == {"$and": [{"$ex": {"a": 1}}, {"$ex": {"b": 1}}, {"$lte": {"a": {"$m": "b"}}}]}


def test_an_expression_used_by_several_conditions_is_lifted_once():
    # marriage registration checks each spouse's ID number in four conditions (the birth date read
    # from it, the check digit, the sex, the stated birth date): one term each
    compiled = compile_matter(load_matter(MATTERS / "marriage-registration.yaml", RULES))
    lifted = [unparse(t.node) for t in compiled.terms.values()]
    assert len(lifted) == len(set(lifted))
    term = next(t.name for t in compiled.terms.values() if unparse(t.node) == "id_valid(female_id_number)")
    users = [cid for cid, c in compiled.conditions.items() if term in names_in(c.lowered)]
    assert sorted(users) == ["derive:female_birth", "rule:female-id-birth-date-mismatch",
                             "rule:female-id-invalid", "rule:female-id-sex-mismatch"]


def test_a_literal_on_the_left_is_turned_round():
    """`3 < n` is n > 3: the engine's comparisons name the field on the left."""
    assert to_durable(parse("3 < n"), True) == {"$and": [{"$ex": {"n": 1}}, {"$gt": {"n": 3}}]}
    assert to_durable(parse("3 < n"), False) == {"$and": [{"$ex": {"n": 1}}, {"$lte": {"n": 3}}]}


def test_an_or_sheds_what_can_never_hold_and_a_single_choice_stands_alone():
    """`x or false` is just x; membership in a one-item list is one equality; an `or` of
    constants folds (measured shapes: what the engine is handed is the simplest form)."""
    assert to_durable(parse("x or false"), True) == {"x": True}
    assert to_durable(parse('region in ["a"]'), True) == {"$and": [{"$ex": {"region": 1}}, {"region": "a"}]}
    assert to_durable(parse("false or false"), True) is NEVER
    assert to_durable(parse("x and true"), True) == {"x": True}


def test_a_derived_value_waits_for_the_stage_its_otherwise_needs(tmp_path):
    """r is decided by the engine at stage 0 (its `when`) and known from stage 1; p's `when` reads r:
    decided at stage 1, known from stage 2; q's `when` is decided at stage 0, but its `otherwise` is
    p: q must be computed where p is known (compiler.run: the stage of `otherwise`), and a term
    lifted from q (q + 1) where q is (compiler.lift). a = -1: r = 0, p = 2; b = -1: q = p = 2; both
    rules hold."""
    from checker.codes import matter_head
    from checker.service import check
    from checker.source.loader import load_matter
    text = matter_head("staged", "分段", "Staged") + """facts:
  a: {type: integer, question: {zh: 甲, en: A}, from: applicant}
  b: {type: integer, question: {zh: 乙, en: B}, from: applicant}
derived:
  r: {type: integer, when: a > 0, value: "1", otherwise: "0", label: {zh: 戊, en: R}}
  p: {type: integer, when: r > 0, value: "1", otherwise: "2", label: {zh: 丙, en: P}}
  q: {type: integer, when: b > 0, value: "10", otherwise: p, label: {zh: 丁, en: Q}}
rules:
  - id: q-is-two
    when: q == 2
    outcome: refuse
    reason: {zh: 丁为二, en: Q is two}
    basis: [{zh: 测试条例第三条, en: "Test Regulation, art. 3"}]
  - id: q-and-one-is-three
    when: q + 1 == 3
    outcome: refuse
    reason: {zh: 丁加一为三, en: Q plus one is three}
    basis: [{zh: 测试条例第四条, en: "Test Regulation, art. 4"}]
materials:
  - {id: TM-01, name: {zh: 申请表, en: Application form}, form: original, basis: [{zh: 测试条例第二条, en: "Test Regulation, art. 2"}]}
"""
    (tmp_path / "matters").mkdir()
    path = tmp_path / "matters" / "staged.yaml"
    path.write_text(text, encoding="utf-8")
    compiled = compile_matter(load_matter(path, RULES))
    form = [{"id": "TM-01", "form": "original"}]
    n = check(compiled, {"date": "2026-03-02", "facts": {"a": -1, "b": -1}, "materials": form})
    assert n.derived == {"r": 0, "p": 2, "q": 2}
    assert sorted(r.rule for r in n.reasons) == ["q-and-one-is-three", "q-is-two"] and n.outcome == "refuse"
    n = check(compiled, {"date": "2026-03-02", "facts": {"a": 1, "b": -1}, "materials": form})
    assert n.derived == {"r": 1, "p": 1, "q": 1} and n.outcome == "accept"


def test_every_condition_a_notice_explains_has_its_plan_ready():
    """CompiledMatter.explaining holds the plan of every rule's, material's and alternative's
    condition, so that no notice works one out again."""
    from checker.workspace import Workspace
    ws = Workspace(MATTERS.parent)
    for matter_id in ws.matter_ids():
        compiled = ws.compiled(matter_id)
        m = compiled.matter
        nodes = [r.when for r in m.rules] + [x.when for x in m.materials if x.when is not None]
        nodes += [o.when for x in m.materials for o in x.options if o.when is not None]
        assert set(compiled.explaining) == {id(n) for n in nodes}, matter_id


@pytest.mark.parametrize("depth, fits", [(11, True), (12, False)])
def test_a_condition_fits_one_rule_only_within_the_slots_budget(depth, fits):
    """engine.LIMITS: 2 expression slots per `$and`/`$or`, and the rule's own `$and` takes 2: eleven
    nested `$and`s take 2 * 11 + 2 = 24, the budget; twelve take 26 (compiler._fits)."""
    from checker.run.compiler import _fits
    from checker.run.engine import LIMITS
    assert LIMITS["slots"].budget == 24
    cond = {"x": 1}
    for _ in range(depth):
        cond = {"$and": [cond, {"y": 2}]}
    assert _fits(cond) is fits


def test_a_matter_is_refused_past_the_rules_budget_and_compiled_at_it(test_licence, monkeypatch):
    """M018 at compile time: a matter whose engine rules number more than LIMITS["rules"] allows is
    refused, never registered; exactly the budget compiles (the budget lowered here to the number
    of rules the fixture matter compiles to)."""
    import checker.run.compiler as compiler_module
    from checker.errors import CheckerError
    from checker.run.engine import LIMITS, Limit
    n = len(test_licence.rules)
    monkeypatch.setitem(compiler_module.LIMITS, "rules", Limit(n, LIMITS["rules"].edge, LIMITS["rules"].past))
    assert len(compile_matter(test_licence.matter).rules) == n
    monkeypatch.setitem(compiler_module.LIMITS, "rules", Limit(n - 1, LIMITS["rules"].edge, LIMITS["rules"].past))
    with pytest.raises(CheckerError) as e:
        compile_matter(test_licence.matter)
    assert [p.code for p in e.value.problems] == ["M018"] and f"rules {n} > {n - 1}" in e.value.problems[0].message


@pytest.mark.parametrize("op, a, b, holds", [
    ("==", 1, 1, True), ("==", 1, 2, False), ("!=", 1, 2, True), ("!=", 1, 1, False),
    ("<", 1, 2, True), ("<", 2, 2, False), ("<=", 2, 2, True), ("<=", 3, 2, False),
    (">", 3, 2, True), (">", 2, 2, False), (">=", 2, 2, True), (">=", 1, 2, False)])
def test_a_comparison_of_two_constants_folds_to_its_truth(op, a, b, holds):
    """Two constants compared are decided at compile time (to_durable): ALWAYS where the comparison
    holds, NEVER where it does not; the negation the other way round."""
    from checker.lang.expr import Compare, Lit
    node = Compare(op, Lit(a, "number"), Lit(b, "number"))
    assert to_durable(node, True) is (ALWAYS if holds else NEVER)
    assert to_durable(node, False) is (NEVER if holds else ALWAYS)


@pytest.mark.parametrize("op, value, holds", [("in", 2, True), ("in", 5, False), ("not in", 5, True), ("not in", 2, False)])
def test_membership_of_a_constant_folds_to_its_truth(op, value, holds):
    from checker.lang.expr import Compare, ListLit, Lit
    node = Compare(op, Lit(value, "number"), ListLit((Lit(1, "number"), Lit(2, "number"))))
    assert to_durable(node, True) is (ALWAYS if holds else NEVER)
    assert to_durable(node, False) is (NEVER if holds else ALWAYS)
