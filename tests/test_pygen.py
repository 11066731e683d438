"""The generated Python function (checker/run/pygen.py) as the engine's oracle: on every matter,
national and as each locality changes it, for random applications and the matter's own examples,
every condition's TRUE/FALSE/UNKNOWN and every derived value is the same three ways: the
generated function, the durable-rules engine (evaluate) and three-valued evaluation of the
condition as written (kleene.evaluate)."""

from __future__ import annotations

import ast
import json
import random
import sys

import pytest
import yaml

from checker.lang.expr import unparse
from checker.lang.kleene import UNKNOWN, evaluate as kleene
from checker.run.application import parse_application
from checker.run.compiler import compile_matter
from checker.run.engine import engine_value
from checker.run.evaluate import engine_input, evaluate
from checker.run.pygen import generated, tree
from checker.source.loader import load_matter
from checker.source.local import locality_rows
from conftest import FIXTURES, MATTERS, REPO, RULES

sys.path.insert(0, str(REPO / "bench"))
from generate import random_application  # noqa: E402

APPLICATIONS = 250  # random applications per matter and locality (the whole file: about 20 s on 2 CPUs)

CASES = ([(path.stem, path, None) for path in sorted(MATTERS.glob("*.yaml"))]
         + [(f"{mid}@{row['id']}", MATTERS / f"{mid}.yaml", REPO / "local" / f"{row['id']}.yaml")
            for row in locality_rows(sorted((REPO / "local").glob("*.yaml"))) for mid in row["matters"]]
         + [("test-licence", FIXTURES / "matters" / "test-licence.yaml", None)])


def _unknown_as_none(value):
    return None if value is UNKNOWN else value


def _shaken(rng: random.Random, matter, data: dict) -> dict:
    """Some applications with a list's records missing fields or holding nulls (a record's
    absent field is looked up outside the record), a fact given as null, and numbers at their
    least (zero, or the declared minimum)."""
    if rng.random() < 0.5:
        return data
    facts = data["facts"]
    for name, value in list(facts.items()):
        if isinstance(value, list):
            for record in value:
                for field in list(record):
                    roll = rng.random()
                    if roll < 0.2:
                        del record[field]
                    elif roll < 0.3:
                        record[field] = None
        elif rng.random() < 0.05:
            facts[name] = None
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and rng.random() < 0.1:
            least = matter.facts[name].minimum
            facts[name] = type(value)(0 if least is None else least)
        elif isinstance(value, float) and rng.random() < 0.1 and (matter.facts[name].minimum or 0) <= 0.0005:
            facts[name] = 0.0005  # a quotient of it can be below what the engine holds (1e-4)
    return data


def _applications(matter, local, count: int):
    """(raw application, parameters) pairs: the matter's examples for this locality, then random ones."""
    here = local.stem if local is not None else ""
    for ex in matter.examples:
        if (ex.locality or "") == here:
            yield ex.application, ex.parameters
    rng = random.Random(f"pygen/{matter.id}/{here}")
    for _ in range(count):
        yield _shaken(rng, matter, random_application(rng, matter)), {}


def _kleene_reference(compiled, env: dict) -> tuple[dict, dict]:
    """Derived values and condition values by three-valued evaluation straight from the matter's
    definitions (derived values held as the engine holds them)."""
    env = dict(env)
    derived = {}
    for d in compiled.matter.derived.values():
        when = True if d.when is None else kleene(d.when, env)
        if d.when is not None:
            derived[f"derive:{d.name}"] = _unknown_as_none(when)
        node = d.value if when is True else (d.otherwise if when is False else None)
        value = UNKNOWN if node is None else kleene(node, env)
        if value is not UNKNOWN:
            env[d.name] = engine_value(value)
        derived[d.name] = env.get(d.name)
    conditions = {cid: _unknown_as_none(kleene(c.source, env))
                  for cid, c in compiled.conditions.items() if not cid.startswith("derive:")}
    return derived, conditions


def _engine_view(compiled, findings) -> tuple[dict, dict]:
    """What the engine decided: each derived value and `when` (D fired: true, E fired: false,
    neither: unknown, or false without an otherwise), and each condition's status."""
    fired = {compiled.rule_index[rule] for rule, _ in findings.fired}
    derived = {}
    for d in compiled.matter.derived.values():
        derived[d.name] = findings.values.get(d.name)
        if d.when is not None:
            derived[f"derive:{d.name}"] = (True if (d.name, "D") in fired else
                                           False if (d.name, "E") in fired else None)
    conditions = {cid: _unknown_as_none(findings.of(cid))
                  for cid in compiled.conditions if not cid.startswith("derive:")}
    return derived, conditions


def _as_yaml(raw: dict) -> str:
    return yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)


def _same(a, b) -> bool:
    return a == b and type(a) is type(b)


@pytest.mark.parametrize("path, local", [(p, lo) for _, p, lo in CASES], ids=[name for name, _, _ in CASES])
def test_generated_engine_and_three_valued_evaluation_agree(path, local):
    compiled = compile_matter(load_matter(path, RULES, local))
    function = generated(compiled)
    where = compiled.matter.id + (f" with locality {local.stem}" if local is not None else "")
    checked = 0
    for raw, parameters in _applications(compiled.matter, local, APPLICATIONS):
        app = parse_application(raw, compiled.matter)
        app.parameters = dict(parameters)
        got = function(engine_input(compiled, app))
        findings = evaluate(compiled, app)
        engine_derived, engine_conditions = _engine_view(compiled, findings)
        kleene_derived, kleene_conditions = _kleene_reference(compiled, engine_input(compiled, app))
        for key, want in kleene_derived.items():
            engine = engine_derived[key]
            want_engine = want
            if key.startswith("derive:") and want is False and compiled.matter.derived[key[7:]].otherwise is None:
                want_engine = None  # nothing to derive when it fails: no engine rule says FALSE
            assert _same(got[key], want) and _same(engine, want_engine), (
                f"{where}: derived {key}: generated {got[key]!r}, engine {engine!r}, "
                f"three-valued {want!r}\napplication:\n{_as_yaml(raw)}")
        for cid, want in kleene_conditions.items():
            needs_false = compiled.conditions[cid].needs_false
            want_engine = want if needs_false or want is not None else False  # a defect: unknown is none found
            assert got[cid] is want and engine_conditions[cid] is want_engine, (
                f"{where}: condition {cid}: generated {got[cid]!r}, engine {engine_conditions[cid]!r}, "
                f"three-valued {want!r}\napplication:\n{_as_yaml(raw)}")
        assert set(got) == set(compiled.conditions) | set(compiled.matter.derived), where
        checked += 1
    assert checked >= APPLICATIONS


# --- every construct of the language, on values the library's matters never reach ---------------

_EXPRESSIONS = [
    "a < b", "a <= 2", "3 > a", "a >= b", "a == b", "a != 2", "s == \"x\"", "d < date(\"2020-01-01\")",
    "a + b > 4", "a - b", "a * b", "a / b", "-a", "not p", "p and q", "p or q", "p and (q or not r)",
    "not (p or q) or r and p", "true and p", "false or p", "known(a)", "known(L)",
    "a in [1, 2]", "a not in [1, 2]", "a in [b, 3]", "a not in [b, 3]", "s in [\"x\", \"y\"]",
    "full_years(d, e)", "add_months(d, a)", "id_valid(s)", "id_sex(s) == \"male\"",
    "count(L)", "count(L, x > 1)", "sum(L, x)", "min(L, x)", "max(L, x)", "any(L, x > 1)", "all(L, x > 1)",
    "any(L, a > 1)", "sum(L, x * a)", "any(L, any(M, x > y))", "count(L, all(M, y < x or known(b)))",
    "max(L, sum(M, y + x))", "all(L, p)", "any(L, q)", "count(L, r)", "all(L, x)", "a / known(b)", "known(a) and not known(b) or known(s) == p",
]
_VALUES = {
    "a": [None, 0, 2, 3, 1.5, 1e10, -1e10, 0.0002], "b": [None, 0, 2, 1e10, 0.0001],
    "p": [None, True, False], "q": [None, True, False], "r": [None, True, False],
    "s": [None, "x", "y", "11010519491231002X", "110105194912310021", "\u5f20"],
    "d": [None, "2020-01-01", "1988-02-29", "2019-12-31"], "e": [None, "2024-02-28", "2024-03-01"],
    "x": [None, 0, 1, 2.5, 6e14], "y": [None, 1, 3],
}


def _records(rng: random.Random, depth: int = 0) -> list | None:
    """A list of records, or unknown; a record may lack a field (then the name is looked up in
    the record around it, or the input) or hold it as null, or hold a list of its own."""
    if rng.random() < 0.15:
        return None
    out = []
    for _ in range(rng.randrange(0, 4)):
        record = {}
        for name in ("x", "y", "a"):
            if rng.random() < 0.6:
                record[name] = rng.choice(_VALUES[name])
        if depth == 0 and rng.random() < 0.8:
            record["M"] = _records(rng, 1)
        out.append(record)
    return out


def test_every_construct_evaluates_as_three_valued_evaluation_does():
    from types import SimpleNamespace

    from checker.lang.expr import parse
    from checker.run.pygen import build
    conditions = {f"rule:e{i}": SimpleNamespace(source=parse(text)) for i, text in enumerate(_EXPRESSIONS)}
    derived = {  # a quotient below what the engine holds is held as 0.0; `when` and `otherwise`
        "tiny": SimpleNamespace(name="tiny", when=None, value=parse("a / 100000"), otherwise=None),
        "band": SimpleNamespace(name="band", when=parse("tiny < 0.001"), value=parse("\"low\""),
                                otherwise=parse("tiny * 2")),
        "only": SimpleNamespace(name="only", when=parse("p"), value=parse("band == \"low\""), otherwise=None),
    }
    conditions["rule:reads-derived"] = SimpleNamespace(source=parse("tiny == 0 or band == \"low\" and only"))
    conditions.update({f"derive:{n}": SimpleNamespace(source=d.when) for n, d in derived.items() if d.when})
    matter = SimpleNamespace(derived=derived, conditions=conditions,
                             matter=SimpleNamespace(derived=derived, facts={}), ruleset_name="constructs")
    function = build(matter)
    rng = random.Random("pygen/constructs")
    for _ in range(3000):
        env = {name: rng.choice(values) for name, values in _VALUES.items()}
        env["L"] = _records(rng)
        env = {k: v for k, v in env.items() if v is not None or rng.random() < 0.5}  # absent or null
        got = function(env)
        want_derived, want = _kleene_reference(matter, env)
        for key, value in {**want_derived, **want}.items():
            source = conditions[key].source if key in conditions else derived[key].value
            assert _same(got[key], value), f"{key} ({unparse(source)}): generated {got[key]!r}, " \
                                           f"three-valued {value!r}, on {env!r}"
    assert function({"a": 5})["tiny"] == 0.0 and function({"a": 50})["tiny"] == 0.0005


# --- nothing from a rule file becomes code -------------------------------------------------------

_HOSTILE = ["__import__('os').system('x')", 'a"b\'c', "line\nbreak\\", "exit()", "{0.__class__}"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The fixture matter with a string fact compared with Python-looking strings."""
    def lit(s: str) -> str:  # a string literal of the condition language
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    text = (FIXTURES / "matters" / "test-licence.yaml").read_text("utf-8")
    conditions = [f"note == {lit(_HOSTILE[0])}", f"note in [{', '.join(lit(s) for s in _HOSTILE[1:])}]",
                  f"note != {lit(_HOSTILE[0])} and not known(id_number)"]
    text = text.replace("facts:\n", "facts:\n  note:\n    type: string\n    question: {zh: 备注, en: Note}\n", 1)
    rules = "".join(f"  - id: hostile-{i}\n    when: {json.dumps(c)}\n"
                    f"    outcome: refuse\n    reason: {{zh: 测试, en: test}}\n"
                    f"    basis: [{{zh: 测试条例, en: Test}}]\n" for i, c in enumerate(conditions))
    text = text.replace("rules:\n", "rules:\n" + rules, 1)
    folder = tmp_path_factory.mktemp("hostile") / "matters"
    folder.mkdir()
    (folder / "test-licence.yaml").write_text(text, encoding="utf-8")
    return compile_matter(load_matter(folder / "test-licence.yaml", RULES))


def test_python_looking_strings_stay_strings(hostile):
    module = tree(hostile)
    constants = {n.value for n in ast.walk(module) if isinstance(n, ast.Constant)}
    assert set(_HOSTILE) <= constants
    names = {n.id for n in ast.walk(module) if isinstance(n, ast.Name)}
    assert not names & {"__import__", "os", "system", "exit", "eval", "exec", "open"}
    assert all(n.startswith("_") or n == "env" for n in names), names
    assert not [n for n in ast.walk(module) if isinstance(n, ast.Attribute) and n.attr != "get"]
    function = generated(hostile)
    for note, holds in [(_HOSTILE[0], [True, False, False]), (_HOSTILE[2], [False, True, True]),
                        ("os", [False, False, True])]:
        got = function({"note": note, "application_date": "2026-03-02"})
        assert [got[f"rule:hostile-{i}"] for i in range(3)] == holds, note
    assert function({"application_date": "2026-03-02"})["rule:hostile-0"] is None


def test_the_function_runs_without_builtins(hostile):
    function = generated(hostile)
    assert function.__globals__["__builtins__"] == {}
    assert all(name.startswith("_") or name == "matter" for name in function.__globals__)


def test_one_function_per_compiled_matter(test_licence, hostile):
    assert generated(test_licence) is generated(test_licence)
    assert generated(test_licence) is not generated(hostile)
    again = compile_matter(test_licence.matter)
    assert generated(again) is not generated(test_licence)


def test_a_parameter_below_the_engines_smallest_number_is_held_as_zero_everywhere(test_licence):
    """A parameter of magnitude below 1e-4 (numbers.SMALLEST) reaches the engine as 0.0; the
    three-valued evaluation and the generated function got it unrounded and disagreed (income 0
    under an income line of 0.00005: 0 < 0.00005 is "low", 0 < 0.0 is "high"). Now every path
    holds it as the engine does, so all three say "high"."""
    app = parse_application({"date": "2026-03-02", "facts": {"monthly_income": 0, "members": 1}},
                            test_licence.matter)
    app.parameters = {"income_line": 0.00005}
    env = engine_input(test_licence, app)
    assert env["income_line"] == 0.0
    engine_derived, _ = _engine_view(test_licence, evaluate(test_licence, app))
    kleene_derived, _ = _kleene_reference(test_licence, env)
    assert engine_derived["income_band"] == kleene_derived["income_band"] == generated(test_licence)(env)[
        "income_band"] == "high"
