"""Find the limits of durable-rules' C core by measurement, each probe in a child process.

    python bench/limits.py            # every sweep; figures as a Markdown table (bench/LIMITS.md)
    python bench/limits.py --probe NAME N   # one probe, in this process (what the children run)

A probe builds a ruleset as JSON (the shape checker/run/compiler.py emits: every rule starts with
`{"t": "app"}, {"stage": 0}`), registers it with `durable_rules_engine` directly, asserts a few
facts, drains the actions and deletes each session, as checker/run/engine.py does. Run in a child, an
abort (SIGABRT from the C library's heap checks), a segfault or a hang is observed, not suffered.
Each sweep binary-searches the largest size that still runs cleanly and names what happens one
past it. The figures bound what checker/run/engine.py lets through (`LIMITS` there), with margins.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

from checker.codes import matter_head  # the smallest valid matter head, shared with the codes' examples

TIMEOUT = 20  # seconds; a probe that takes longer is a hang (the engine loops on a full hashset)
PREFIX = [{"t": "app"}, {"stage": 0}]
CATCH_ALL = {"c": {"all": [{"m": {"$and": PREFIX}}]}}


def _rule(*conds) -> dict:
    return {"all": [{"m": {"$and": PREFIX + list(conds)}}]}


# --- the probes: size n -> (rules, facts asserted) ---------------------------------------------

def matching_children(n):
    """n rules, each testing its own field, all true: n alpha nodes pushed at once (the DFS stack)."""
    rules = dict(CATCH_ALL, **{f"r{i}": _rule({f"f{i}": True}) for i in range(n)})
    return rules, [{f"f{i}": True for i in range(n)}]


def fact_fields(n):
    """One fact with n fields besides t, stage and sid; one rule reads one of them."""
    return dict(CATCH_ALL, r=_rule({"f0": 1})), [{f"f{i}": 1 for i in range(n)}]


def or_clauses(n):
    """A condition of n ANDed `(a or b)` clauses, as the compiler writes `(a or b) and ...`."""
    cond = {"$and": [{"$or": [{f"a{i}": True}, {f"b{i}": True}]} for i in range(n)]}
    fact = {k: True for i in range(n) for k in (f"a{i}", f"b{i}")}
    return dict(CATCH_ALL, r=_rule(cond)), [fact]


def nested_ands(n):
    """A condition of n `$and`s nested in one another around one test."""
    cond = {"x": 1}
    for _ in range(n):
        cond = {"$and": [cond]}
    return dict(CATCH_ALL, r=_rule(cond)), [{"x": 1}]


def field_references(n):
    """n comparisons between two fields of the fact (`$m`): not a limit of their own (the fact's
    fields run out first), but rete.c has a slot for them in its code: measured, not assumed."""
    cond = {"$and": [{"$lt": {f"a{i}": {"$m": f"b{i}"}}} for i in range(n)]}
    fact = {k: v for i in range(n) for k, v in ((f"a{i}", 1), (f"b{i}", 2))}
    return dict(CATCH_ALL, r=_rule(cond)), [fact]


def same_condition(n):
    """n rules with the same condition: n betas under one alpha node."""
    return dict(CATCH_ALL, **{f"r{i}": _rule({"x": 1}) for i in range(n)}), [{"x": 1}, {"x": 2}]


def exclusive_children(n):
    """n rules `x == i`: n children of one alpha node, at most one of them true."""
    return dict(CATCH_ALL, **{f"r{i}": _rule({"x": i}) for i in range(n)}), [{"x": 3}, {"x": -1}]


def absent_children(n):
    """n rules `x_i absent` (`$nex`) under one node; the fact has every x_i, so none is pushed."""
    rules = dict(CATCH_ALL, **{f"r{i}": _rule({"$nex": {f"x{i}": 1}}) for i in range(n)})
    return rules, [{f"x{i}": 1 for i in range(n)}]


def rules_in_ruleset(n):
    """n rules, in a tree shaped to stay within every other limit (`a == i // 200 and b == i % 200`)."""
    rules = {f"r{i}": _rule({"a": i // 200}, {"b": i % 200}) for i in range(n - 1)}
    return dict(CATCH_ALL, **rules), [{"a": 0, "b": 0}]


def random_matching(seed):
    """A random ruleset in which every test is true of the fact (so every alpha node is pushed):
    checks that checker/run/engine.py's frontier measure predicts error 303 exactly. Prints the measure."""
    rng = random.Random(seed)
    fact = {f"f{i}": 1 for i in range(12)}
    tests = [lambda f: {f: 1}, lambda f: {"$ex": {f: 1}}, lambda f: {"$gte": {f: 0}},
             lambda f: {"$lt": {f: 5}}, lambda f: {"$neq": {f: 7}}, lambda f: {"$nex": {"g" + f: 1}}]

    def cond(depth):
        if depth == 0 or rng.random() < 0.4:
            return rng.choice(tests)(f"f{rng.randrange(12)}")
        items = [cond(depth - 1) for _ in range(rng.randrange(2, 4))]
        return {rng.choice(["$and", "$or"]): items}
    rules = dict(CATCH_ALL, **{f"r{i}": _rule(cond(3)) for i in range(rng.randrange(5, 60))})
    return rules, [fact]


# --- generated matters, through the checker (what `checker validate` accepts) -------------------

HEAD = matter_head("generated", "生成的事项", "Generated matter")
BASIS = "basis: [{zh: 测试条例第二条, en: \"Test Regulation, art. 2\"}]"
SHAPES = {  # shape -> what n counts
    "thresholds": "rules `f0 >= 1`, `f0 >= 2`, ... on one integer fact (all can hold at once)",
    "spread": "rules `f{i % 10} >= i` over ten integer facts",
    "flags": "rules `f{i}` on a yes/no fact each (n facts in the stage's fact)",
    "ors": "ANDed `(a or b)` clauses in one rule's condition",
    "materials": "materials required of everyone (rules on no field)",
}


def matter_text(shape: str, n: int) -> str:
    """A matter of the given shape and size, valid and clean for `checker validate`."""
    facts, rules, materials = [], [], ["  - {id: GM-00, name: {zh: 申请表, en: Application form}, form: original, copies: 1, " + BASIS + "}"]

    def fact(name, kind):
        facts.append(f"  {name}: {{type: {kind}, {'minimum: 0, ' if kind == 'integer' else ''}"
                     f"question: {{zh: 问题{name}, en: Question {name}}}, from: applicant}}")

    def rule(i, when):
        rules.append(f"  - {{id: r{i}, when: \"{when}\", outcome: refuse, reason: {{zh: 理由{i}, en: reason {i}}}, "
                     "basis: [{zh: 条例, en: Regulation}]}")
    if shape == "thresholds":
        fact("f0", "integer")
        for i in range(n):
            rule(i, f"f0 >= {i + 1}")
    elif shape == "spread":
        for k in range(min(n, 10)):
            fact(f"f{k}", "integer")
        for i in range(n):
            rule(i, f"f{i % 10} >= {i // 10 + 1}")
    elif shape == "flags":
        for i in range(n):
            fact(f"f{i}", "bool")
            rule(i, f"f{i}")
    elif shape == "ors":
        for i in range(n):
            fact(f"a{i}", "bool")
            fact(f"b{i}", "bool")
        rule(0, " and ".join(f"(a{i} or b{i})" for i in range(n)))
    elif shape == "materials":
        fact("f0", "bool")
        rule(0, "f0")
        for i in range(1, n + 1):
            materials.append(f"  - {{id: G{chr(65 + i // 100 % 26)}{chr(65 + i // 2600)}-{i % 100:02d}, name: {{zh: 材料{i}, en: Material {i}}}, form: original, {BASIS}}}")
    else:
        raise ValueError(shape)
    return (HEAD + "facts:\n" + "\n".join(facts) + "\nrules:\n" + "\n".join(rules)
            + "\nmaterials:\n" + "\n".join(materials) + "\n")


def check_matter(shape: str, n: int, applications: int = 30) -> None:
    """Compile the generated matter, register it and check random applications, as `checker
    check` would; print what happened as one JSON line (M018 if it is refused)."""
    import tempfile
    root = Path(__file__).resolve().parent.parent
    sys.path[:0] = [str(root), str(root / "bench")]
    from generate import random_application

    from checker.run.compiler import compile_matter
    from checker.errors import CheckerError
    from checker.source.loader import load_matter
    from checker.service import check
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.yaml"
        path.write_text(matter_text(shape, n), encoding="utf-8")
        matter = load_matter(path, root / "rules")
        try:
            compiled = compile_matter(matter)
        except CheckerError as e:
            print(json.dumps({"refused": [p.code for p in e.problems]}))
            return
        rng = random.Random(n)
        start = time.perf_counter()
        for _ in range(applications):
            check(compiled, random_application(rng, matter))
        per = (time.perf_counter() - start) / applications
        print(json.dumps({"ok": True, "rules": len(compiled.rules), "steps": len(compiled.steps),
                          "lifted": len(compiled.terms), "us_per_check": round(per * 1e6)}))


PROBES = {f.__name__: f for f in [matching_children, fact_fields, or_clauses, nested_ands, field_references,
                                  same_condition, exclusive_children, absent_children,
                                  rules_in_ruleset, random_matching]}


def run_probe(name: str, n: int) -> None:
    """Register and evaluate, as checker/run/engine.py does; print what happened as one JSON line."""
    import durable_rules_engine as core
    if name in SHAPES:
        check_matter(name, n)
        return
    rules, facts = PROBES[name](n)
    if name == "random_matching":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from checker.run.engine import measure
        print(json.dumps({"frontier": measure(rules).frontier}), flush=True)
    try:
        handle = core.create_ruleset(f"{name}-{n}", json.dumps(rules))
    except Exception as e:
        print(json.dumps({"error": str(e), "at": "register"}))
        return
    fired = 0
    for sid, fact in enumerate(facts, 1):
        fact = dict(fact, t="app", stage=0, sid=str(sid))
        try:
            code, offset = core.assert_fact(handle, json.dumps(fact))
        except Exception as e:
            print(json.dumps({"error": str(e), "at": "assert"}))
            return  # the session is left alone: deleting it may abort the process
        first = core.start_action_for_state(handle, offset)
        message = first[1] if first is not None else None
        while message is not None:
            fired += 1
            message = core.complete_and_start_action(handle, offset)
        core.delete_state(handle, str(sid))
    print(json.dumps({"ok": True, "fired": fired}))


def probe(name: str, n: int) -> dict:
    """One probe in a child process: {"ok"...}, {"error"...}, {"signal": N} or {"hang": True}."""
    try:
        r = subprocess.run([sys.executable, __file__, "--probe", name, str(n)],
                           capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"hang": True}
    lines = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    out = {k: v for line in lines for k, v in line.items()}
    if r.returncode < 0:
        return dict(out, signal=-r.returncode, stderr=r.stderr.strip().splitlines()[-1:])
    if r.returncode != 0:
        return dict(out, exit=r.returncode, stderr=r.stderr.strip().splitlines()[-1:])
    return out


def describe(result: dict) -> str:
    if result.get("hang"):
        return f"hangs (no answer in {TIMEOUT} s)"
    if "signal" in result:
        name = {6: "SIGABRT", 11: "SIGSEGV"}.get(result["signal"], f"signal {result['signal']}")
        return f"process killed by {name} {' '.join(result['stderr'])}".strip()
    if "error" in result:
        return f"{result['error']} (at {result['at']})"
    return "runs" if result.get("ok") else f"unexpected: {result}"


def edge(name: str, low: int, high: int) -> tuple[int, dict]:
    """The largest n in [low, high) whose probe runs cleanly (low must run, high must not)."""
    assert probe(name, low).get("ok"), f"{name}: {low} should run"
    past = probe(name, high)
    assert not past.get("ok"), f"{name}: {high} should fail"
    while high - low > 1:
        mid = (low + high) // 2
        result = probe(name, mid)
        if result.get("ok"):
            low = mid
        else:
            high, past = mid, result
    return low, past


SWEEPS = [  # probe, measure, a size that runs, a size that does not
    ("matching_children", "alpha nodes pushed at once (the matching stack)", 8, 200),
    ("fact_fields", "fields of one fact besides t, stage, sid", 8, 400),
    ("or_clauses", "ANDed (a or b) clauses in one condition", 1, 40),
    ("nested_ands", "`$and`s nested in one condition", 1, 40),
    ("field_references", "field-to-field comparisons in one condition", 1, 200),
    ("same_condition", "rules ending at one alpha node (betas)", 8, 400),
    ("exclusive_children", "children of one alpha node (never true together)", 8, 600),
    ("absent_children", "`$nex` children of one alpha node", 8, 300),
    ("rules_in_ruleset", "rules in one ruleset", 100, 5000),
]


MATTER_SWEEPS = [
    ("thresholds", [60, 100, 200, 500, 999, 1000]),
    ("spread", [100, 500, 1000, 1060, 2500]),
    ("flags", [100, 180, 300, 999]),
    ("ors", [13, 14, 40]),
    ("materials", [200, 300, 1000]),
]


def main() -> int:
    import platform

    import durable_rules_engine  # noqa: F401  (fail early if it is not installed)
    print(f"durable-rules C core, Python {platform.python_version()}, {platform.machine()}\n")
    print("| measure (probe) | largest that runs | one more |")
    print("|---|---|---|")
    for name, what, low, high in SWEEPS:
        start = time.perf_counter()
        n, past = edge(name, low, high)
        print(f"| {what} (`{name}`) | {n} | {describe(past)} |  <!-- {time.perf_counter() - start:.0f} s -->",
              flush=True)
    # the frontier measure against the engine, on random rulesets where every test is true: it is
    # a bound (the engine's order of walking may be kinder), so it must never be below the need
    within = beyond = wrong = 0
    for seed in range(60):
        result = probe("random_matching", seed)
        if result.get("ok"):
            within += result["frontier"] <= 64
            beyond += result["frontier"] > 64
        elif result["frontier"] <= 64:
            wrong += 1
            print(f"seed {seed}: measure {result['frontier']}, yet the engine: {describe(result)}")
    print(f"\nfrontier measure on 60 random rulesets (every test true): {within} ran within 64, {beyond} ran "
          f"beyond 64 (the measure is a bound), {60 - within - beyond - wrong} failed beyond 64, "
          f"{wrong} failed within it")
    # generated matters through the checker: each size runs or is refused (M018), never a crash
    print("\n| generated matter | n | outcome |\n|---|---|---|")
    for shape, sizes in MATTER_SWEEPS:
        for n in sizes:
            result = probe(shape, n)
            if result.get("ok"):
                outcome = (f"runs: {result['rules']} engine rules in {result['steps']} step(s), "
                           f"{result['lifted']} term(s) lifted, {result['us_per_check']} µs per check")
            elif "refused" in result:
                outcome = f"refused: {', '.join(result['refused'])}"
            else:
                outcome = describe(result)
                wrong += 1
            print(f"| {SHAPES[shape]} | {n} | {outcome} |", flush=True)
    return 1 if wrong else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--probe":
        run_probe(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(main())
