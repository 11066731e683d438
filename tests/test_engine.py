"""The durable-rules adapter against each hazard measured in shared/notes/durable_rules.md."""

from __future__ import annotations

import json
import dataclasses
import threading

import pytest

from checker.run.application import parse_application
from checker.run.compiler import compile_matter, fields_read
from checker.run.engine import LIMITS, Engine, EngineError, Program, engine_value, measure
from checker.run.evaluate import engine_input, evaluate
from checker.source.loader import load_matter
from conftest import MATTERS, RULES, complete_test_application


def _rules(**extra):
    rules = {
        "catch": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}]}}]},
        "adult": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}, {"$ex": {"age": 1}}, {"$gte": {"age": 18}}]}}]},
    }
    rules.update(extra)
    return rules


def test_thousands_of_applications_leave_no_session_behind():
    # at most 1024 live sessions per ruleset: the 1025th raises MemoryError unless each is deleted
    eng = Engine()
    rs = eng.ruleset("many", lambda: Program(_rules()))
    for i in range(5000):
        result = rs.evaluate({"age": i % 40})
        assert [rule for rule, _ in result.fired] == (["catch", "adult"] if i % 40 >= 18 else ["catch"])
    assert eng.live_sessions("many") == 0


def test_an_action_that_fails_is_reported_not_swallowed():
    eng = Engine()

    def boom(values):
        raise ZeroDivisionError("division by zero")
    rs = eng.ruleset("failing", lambda: Program(_rules(), {"adult": boom}))
    with pytest.raises(EngineError, match="rule adult: ZeroDivisionError"):
        rs.evaluate({"age": 30})
    # the failed session was cleaned up and the ruleset still works
    assert [rule for rule, _ in rs.evaluate({"age": 3}).fired] == ["catch"]
    assert eng.live_sessions("failing") == 0


def test_a_failure_with_actions_still_pending_does_not_take_the_process_down():
    # three rules fire on one fact; the first action fails while two are still queued. Deleting
    # a session with queued actions is what aborts the process: they are drained first.
    rules = _rules(older={"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}, {"$gte": {"age": 60}}]}}]})

    def boom(values):
        raise ValueError("bad")
    rs = Engine().ruleset("pending", lambda: Program(rules, {"catch": boom}))
    for _ in range(2000):  # more than the 1024 sessions a ruleset can hold
        with pytest.raises(EngineError, match="rule catch: ValueError: bad"):
            rs.evaluate({"age": 70})
    assert rs.live == 0 and rs.leaked == []


def test_a_failure_before_a_stage_is_asserted_is_reported():
    def boom(values):
        raise KeyError("x")
    rs = Engine().ruleset("prep", lambda: Program(_rules(), prepare=[boom]))
    with pytest.raises(EngineError, match="stage 0: KeyError"):
        rs.evaluate({"age": 30})
    assert rs.live == 0


def test_a_value_the_engine_cannot_take_is_an_error():
    # durable-rules rejects numbers written with an exponent (1e+20): refused before asserting
    rs = Engine().ruleset("huge", lambda: Program(_rules()))
    with pytest.raises(EngineError, match="too large"):
        rs.evaluate({"age": 1e20})
    assert [rule for rule, _ in rs.evaluate({"age": 1e-9}).fired] == ["catch"]  # tiny -> 0.0


def test_an_application_that_matches_no_rule_is_an_error_not_a_crash():
    eng = Engine()
    rules = {"adult": _rules()["adult"]}  # no catch-all: a minor matches nothing
    rs = eng.ruleset("no-catch-all", lambda: Program(rules))
    with pytest.raises(EngineError, match="matched no rule"):
        rs.evaluate({"age": 3})
    # deleting that session would abort the process: it is kept, and counted
    assert len(rs.leaked) == 1 and rs.live == 1
    assert [rule for rule, _ in rs.evaluate({"age": 30}).fired] == ["adult"]


def test_a_ruleset_the_engine_refuses_is_an_error():
    bad = {"odd": {"all": [{"m": {"$and": [{"t": "app"}, {"$frobnicate": {"age": 1}}]}}]}}
    with pytest.raises(EngineError, match="could not be registered"):
        Engine().ruleset("bad", lambda: Program(bad))


def test_compiled_rulesets_have_a_catch_all_rule_at_every_stage(test_licence):
    catch_all = [test_licence.rules[name]["all"][0]["m"]["$and"]
                 for name, (ref, kind) in test_licence.rule_index.items() if kind == "S"]
    assert catch_all == [[{"t": "app"}, {"stage": s}] for s in range(test_licence.stages + 1)]


def test_every_compiled_rule_is_tied_to_the_application_fact(test_licence):
    # a rule on field absence alone also matches the session-state object and loops forever
    for rule in test_licence.rules.values():
        assert rule["all"][0]["m"]["$and"][0] == {"t": "app"}


def test_each_stage_asserts_exactly_the_fields_its_rules_read(test_licence):
    for stage in range(test_licence.stages + 1):
        read = set()
        for rule in test_licence.rules.values():
            parts = rule["all"][0]["m"]["$and"]
            if parts[1] == {"stage": stage}:
                read |= fields_read(parts[2:])
        assert test_licence.fields[stage] == frozenset(read)


@pytest.mark.parametrize("path", sorted(MATTERS.glob("*.yaml")), ids=lambda p: p.stem)
def test_asserting_fewer_fields_decides_exactly_as_asserting_all(path):
    # the per-stage field sets are an optimisation: every example of every matter must fire
    # the same rules, in the same order, when every known value is asserted at every stage
    compiled = compile_matter(load_matter(path, RULES))
    full = Engine().ruleset("all-fields", lambda: dataclasses.replace(compiled.program(), fields=None))
    pruned = Engine().ruleset("pruned", compiled.program)
    assert compiled.matter.examples
    for ex in compiled.matter.examples:
        app = parse_application(ex.application, compiled.matter)
        app.parameters = dict(ex.parameters)
        facts = engine_input(compiled, app)
        a, b = full.evaluate(dict(facts)), pruned.evaluate(dict(facts))
        assert a.fired == b.fired, ex.name
        assert a.values == b.values, ex.name


def test_fields_read_finds_every_field_a_condition_names():
    cond = {"$and": [{"$ex": {"a": 1}}, {"$or": [{"b": 1}, {"$lt": {"c": {"$m": "d"}}}]}, {"$nex": {"e": 1}}]}
    assert fields_read(cond) == {"a", "b", "c", "d", "e"}


def test_a_ruleset_is_registered_once_per_name():
    eng = Engine()
    calls = []

    def build():
        calls.append(1)
        return Program(_rules())
    first = eng.ruleset("once", build)
    assert eng.ruleset("once", build) is first
    assert len(calls) == 1


def test_the_rules_given_are_not_mutated():
    rules = _rules()
    snapshot = repr(rules)
    Engine().ruleset("copy", lambda: Program(rules))
    assert repr(rules) == snapshot


def test_stages_chain_values_forward():
    rules = {
        "s0": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}]}}]},
        "s1": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 1}]}}]},
        "double": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}, {"$ex": {"x": 1}}]}}]},
        "big": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 1}, {"$gt": {"y": 10}}]}}]},
        "bigger": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 1}, {"$gt": {"z": 30}}]}}]},
    }
    program = Program(rules, {"double": lambda v: {"y": v["x"] * 2}}, stages=1,
                      prepare=[None, lambda v: {"z": v["y"] * 3}])
    rs = Engine().ruleset("chain", lambda: program)
    result = rs.evaluate({"x": 6})
    assert result.fired == [("s0", 0), ("double", 0), ("s1", 1), ("big", 1),
                                                         ("bigger", 1)]
    assert result.values["y"] == 12 and result.values["z"] == 36


def test_unknown_values_are_absent_not_null():
    # durable-rules matches nothing against null; None must mean "absent"
    rules = _rules(unknown={"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}, {"$nex": {"age": 1}}]}}]})
    rs = Engine().ruleset("absent", lambda: Program(rules))
    assert [rule for rule, _ in rs.evaluate({"age": None}).fired] == ["catch", "unknown"]


def test_chinese_names_and_values_reach_the_engine_intact():
    rules = {"catch": _rules()["catch"],
             "北京": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}, {"户籍": "北京市"}]}}]}}
    rs = Engine().ruleset("中文", lambda: Program(rules))
    assert [rule for rule, _ in rs.evaluate({"户籍": "北京市"}).fired] == ["catch", "北京"]
    assert [rule for rule, _ in rs.evaluate({"户籍": "上海市"}).fired] == ["catch"]


def test_concurrent_evaluations_give_the_same_findings(test_licence):
    apps = [parse_application(complete_test_application(members=m, monthly_income=float(900 * m + 50 * i)),
                              test_licence.matter)
            for i in range(4) for m in range(1, 5)]
    expected = [evaluate(test_licence, a).status for a in apps]
    errors, mismatches = [], []

    def worker():
        try:
            for _ in range(25):
                for a, want in zip(apps, expected):
                    if evaluate(test_licence, a).status != want:
                        mismatches.append(a)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and mismatches == []


def test_same_application_twice_gives_the_same_trace(test_licence):
    a = parse_application(complete_test_application(has_car=True), test_licence.matter)
    first, second = evaluate(test_licence, a), evaluate(test_licence, a)
    assert first.trace == second.trace and first.status == second.status


@pytest.mark.parametrize("name", ['say "hi"', "back\\slash"])
def test_a_rule_name_the_adapter_could_not_read_back_is_refused(name):
    # the adapter reads the fired rule's name straight from the engine's message, unescaped
    with pytest.raises(EngineError, match="may not contain a quote or a backslash"):
        Engine().ruleset("names", lambda: Program(_rules(**{name: _rules()["adult"]})))


def test_an_unexpected_answer_from_the_engine_is_an_error_not_ignored():
    # "observed" (2) or "deferred" (3) would mean the stage's fact was not matched as asserted;
    # the actions it did queue are drained and the session deleted
    rs = Engine().ruleset("odd-answer", lambda: Program(_rules()))
    real = rs._core

    class Observed:
        def __getattr__(self, name):
            return getattr(real, name)

        def assert_fact(self, handle, text):
            return 2, real.assert_fact(handle, text)[1]
    rs._core = Observed()
    with pytest.raises(EngineError, match="the engine answered 2"):
        rs.evaluate({"age": 30})
    rs._core = real
    assert rs.live == 0 and [rule for rule, _ in rs.evaluate({"age": 30}).fired] == ["catch", "adult"]


# --- the engine's limits (engine.LIMITS; edges measured by bench/limits.py) ----------------------

def _at(*conds):
    return {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}, *conds]}}]}


def test_measures_follow_the_network_durable_rules_builds():
    rules = _rules(**{"gt": _at({"$ex": {"a": 1}}, {"$gt": {"a": 1}}), "lt": _at({"$ex": {"a": 1}}, {"$lt": {"a": 5}}),
                      "x": _at({"b": "x"}), "y": _at({"b": "y"}), "or": _at({"$or": [{"c": 1}, {"d": 1}]})})
    m = measure(rules)
    # under stage 0: `$ex a` (shared by gt and lt), b == "x" and b == "y" (never both: one), the
    # adult rule's `$ex age`, c == 1 and d == 1: 5 can hold at once; `$ex a` has two children that
    # can both hold, `$ex age` one: 5 - 1 + 2 = 6
    assert m.frontier == 6
    assert m.slots == 4  # the rule's $and and the $or
    assert m.children == 6  # $ex a, b x, b y, $ex age, c, d
    assert m.betas == 1 and m.rules == 7


def _past(limit: str) -> Program:
    """A ruleset one past a budget of engine.LIMITS, within all the others."""
    n = LIMITS[limit].budget + 1
    if limit == "frontier":  # n tests that can all hold at once
        return Program({f"r{i}": _at({f"f{i}": True}) for i in range(n)})
    if limit == "slots":  # n // 2 `$and`s nested (each takes 2 slots), with the rule's own
        cond = {"x": 1}
        for _ in range(n // 2):
            cond = {"$and": [cond]}
        return Program({"r": _at(cond)})
    if limit == "betas":  # n rules on the same test
        return Program({f"r{i}": _at({"x": 1}) for i in range(n)})
    if limit == "children":  # n tests of one field that never hold together
        return Program({f"r{i}": _at({"x": i}) for i in range(n)})
    if limit == "rules":
        return Program({f"r{i}": _at({"a": i // 200}, {"b": i % 200}) for i in range(n)})
    assert limit == "fields"
    return Program(_rules(), fields=[frozenset(f"f{i}" for i in range(n))])


@pytest.mark.parametrize("limit", list(LIMITS))
def test_a_ruleset_past_a_limit_is_refused_before_the_engine_sees_it(limit, monkeypatch):
    import durable_rules_engine

    def never(*args):
        raise AssertionError("registered")
    monkeypatch.setattr(durable_rules_engine, "create_ruleset", never)
    budget = LIMITS[limit].budget  # (nested $and take slots two by two: 2 + 2 * 12 = 26)
    past = budget + (2 if limit == "slots" else 1)
    with pytest.raises(EngineError, match=f"beyond the engine's limits: {limit} {past} > {budget}$"):
        Engine().ruleset("past", lambda: _past(limit))


def test_a_ruleset_at_the_frontier_budget_runs():
    n = LIMITS["frontier"].budget
    rs = Engine().ruleset("at-budget", lambda: Program({f"r{i}": _at({f"f{i}": True}) for i in range(n)}))
    assert len(rs.evaluate({f"f{i}": True for i in range(n)}).fired) == n


def test_a_fact_with_more_fields_than_the_engine_takes_is_never_asserted():
    rs = Engine().ruleset("wide", lambda: Program(_rules()))  # fields None: every value asserted
    budget = LIMITS["fields"].budget
    with pytest.raises(EngineError, match=f"{budget + 1} fields, more than the engine takes"):
        rs.evaluate({f"f{i}": 1 for i in range(budget + 1)})  # (t, stage and sid come on top)
    assert rs.live == 0 and len(rs.evaluate({f"f{i}": 1 for i in range(budget)}).fired) == 1


def test_the_limits_are_those_measured_in_bench_limits_md():
    """LIMITS carries each edge measured by bench/limits.py and the budget kept below it: the
    figures here and in bench/LIMITS.md (the measurement's record) must be the same, and every
    budget must keep its margin below the edge."""
    import re
    from checker.run.engine import LIMITS
    from conftest import REPO
    text = (REPO / "bench" / "LIMITS.md").read_text(encoding="utf-8")
    recorded = {}
    for row in re.finditer(r"^\| [^|]*\(`(\w+)`\)[^|]* \| (\d+)[^|]* \| [^|]* \| ([\d,]+) \|", text, flags=re.M):
        recorded[row.group(1)] = (int(row.group(2)), int(row.group(3).replace(",", "")))
    assert recorded == {name: (limit.edge, limit.budget) for name, limit in LIMITS.items()}
    assert all(limit.budget < limit.edge for limit in LIMITS.values())


def test_values_inside_lists_and_records_are_made_fit_for_the_engine_too():
    """A household's records reach the engine as a list of mappings: a tiny magnitude inside them
    becomes 0.0 (the engine refuses numbers written with an exponent, error 204) and one too
    large is refused, as for a value on its own."""
    from checker.lang.numbers import LARGEST
    assert engine_value([1e-7, 2.5, "a"]) == [0.0, 2.5, "a"]
    assert engine_value([{"income": -1e-9, "age": 40}]) == [{"income": 0.0, "age": 40}]
    with pytest.raises(EngineError):
        engine_value([{"income": LARGEST}])


def test_only_magnitudes_below_the_smallest_become_zero():
    """lang/numbers.py: below SMALLEST (1e-4) Python writes an exponent, which the engine refuses;
    1e-4 itself is written 0.0001 and reaches the engine as it is."""
    from checker.lang.numbers import SMALLEST
    assert json.dumps(SMALLEST) == "0.0001"
    assert [engine_value(x) for x in (SMALLEST, -SMALLEST, 9.99e-5, -9.99e-5)] == [SMALLEST, -SMALLEST, 0.0, 0.0]


def test_an_empty_ruleset_measures_nothing_and_each_limit_but_fields_has_its_measure():
    """Every budget of LIMITS but `fields` (a fact's, checked on assert) is a measure of the
    ruleset; a ruleset without rules builds no network: every measure 0."""
    from checker.run.engine import Measures
    assert set(vars(Measures())) == set(LIMITS) - {"fields"}
    assert vars(measure({})) == {name: 0 for name in set(LIMITS) - {"fields"}}


@pytest.mark.parametrize("condition", [{"a": 1, "b": 2}, {}, ["a"], {"$and": [{"a": 1, "b": 2}]}],
                         ids=["two-fields", "empty", "a-list", "nested"])
def test_a_condition_of_another_shape_is_refused_before_it_is_measured(condition):
    """The adapter measures only what the compiler writes (one field, operator or $and/$or per
    mapping); anything else is an EngineError, never a guess at its size."""
    with pytest.raises(EngineError, match="not a condition the adapter can measure"):
        measure({"r": {"all": [{"m": condition}]}})


def test_measures_of_or_joins_and_absence_tests_follow_the_network():
    """Worked by hand from the network rete.c builds (engine.Network's docstrings): a `$or` ends in
    a join node of its own, reached from the last test of each branch (that test's "next list");
    `$nex` tests sit in their parent's next list and are shared when the same; children counts a
    test's children and next list; the frontier is the walk's worst depth."""
    t = {"t": "app"}
    # r1: t, then a or b, then c or d or e (after the first join J1: J1 has 3 children)
    r1 = {"$and": [t, {"$or": [{"a": 1}, {"b": 2}]}, {"$or": [{"c": 3}, {"d": 4}, {"e": 5}]}]}
    # r2: t, a, then f: the test a == 1 now has a child (f) and a next list (J1)
    r2 = {"$and": [t, {"a": 1}, {"f": 6}]}
    m = measure({"r1": {"all": [{"m": r1}]}, "r2": {"all": [{"m": r2}]}})
    assert m.slots == 6  # r1: its $and and two $or, 2 each
    assert m.children == 3  # J1's c, d, e
    # depth(a) = 2 passing (f, J1) -> max(2, 1 + depth(J1) = 1 + 3) = 4: J1's three children all pass;
    # depth(t) = 2 passing (a, b) -> max(2, 1 + 4) = 5; depth(root) = max(1, 0 + 5) = 5
    assert m.frontier == 5
    assert m.betas == 1 and m.rules == 2
    # `$nex` (absence) tests: the same one under a parent is shared, another is added beside it
    nex = {f"n{i}": {"all": [{"m": {"$and": [t, {"$nex": {"g": 1}}]}}]} for i in range(3)}
    nex["other"] = {"all": [{"m": {"$and": [t, {"$nex": {"h": 1}}]}}]}
    m = measure(nex)
    assert m.children == 2 and m.betas == 3  # t's next list: $nex g (3 rules end there), $nex h


def test_equality_tests_of_one_field_count_once_only_when_they_cannot_hold_together():
    """engine._passing, worked by hand: under t, a == 1 and a == 2 cannot both hold (one passing
    test); a == 1 and a == "1" can be told apart only by kind: both may be walked (two); a == 1 and
    a == 1.0 are the same number: both hold (two)."""
    t = {"t": "app"}

    def frontier(*values) -> int:
        return measure({f"r{i}": {"all": [{"m": {"$and": [t, {"a": v}]}}]} for i, v in enumerate(values)}).frontier

    assert frontier(1, 2) == 1
    assert frontier(1, "1") == 2
    assert frontier(1, 1.0) == 2
    assert frontier("x", "y", "z") == 1 and frontier(True, False) == 1


@pytest.mark.parametrize("rule", [{"all": [{"m": {"a": 1}}, {"n": {"b": 1}}]}, {"all": [{"x": {"a": 1}}]}, {}],
                         ids=["two-facts", "not-m", "no-condition"])
def test_only_single_fact_rules_are_measured(rule):
    with pytest.raises(EngineError, match="only single-fact rules can be measured"):
        measure({"r": rule})


def test_a_fact_of_exactly_the_budgeted_fields_is_registered():
    budget = LIMITS["fields"].budget
    rs = Engine().ruleset("at-fields", lambda: Program(_rules(), fields=[frozenset(f"f{i}" for i in range(budget))]))
    assert rs.live == 0


# --- the session protocol, against a stand-in for the C core -------------------------------------
# shared/notes/durable_rules.md (measured): starting an action while one is under way, completing
# one never started, or deleting a session with actions still queued aborts the process. The
# stand-in raises where the real core would abort, so that a slip in the adapter's bookkeeping is
# a failed test, not a crashed test run.

class _Core:
    def __init__(self, fires: dict[int, list[str]]):
        self.fires, self.queue, self.started, self.calls, self.sessions = fires, [], False, [], set()

    def assert_fact(self, handle, text):
        fact = json.loads(text)
        self.calls.append(("assert", fact["stage"]))
        self.sessions.add(fact["sid"])
        self.queue = ['{"%s":{"m":{}}}' % rule for rule in self.fires.get(fact["stage"], [])]
        return 0, 7

    def start_action_for_state(self, handle, offset):
        self.calls.append(("start",))
        if self.started:
            raise AssertionError("the real core aborts: an action is already under way")
        if not self.queue:
            return None
        self.started = True
        return (None, self.queue[0])

    def complete_and_start_action(self, handle, offset):
        self.calls.append(("complete",))
        if not self.started:
            raise AssertionError("the real core aborts: no action was started")
        self.queue.pop(0)
        if not self.queue:
            self.started = False
            return None
        return self.queue[0]

    def delete_state(self, handle, sid):
        self.calls.append(("delete",))
        if self.queue:
            raise AssertionError("the real core aborts: actions are still queued")
        if sid not in self.sessions:
            raise RuntimeError("error 309: no state")
        self.sessions.discard(sid)


def _ruleset(core: _Core, program: Program):
    from checker.run.engine import Ruleset
    rs = Ruleset.__new__(Ruleset)  # registered with the stand-in, not the engine
    rs._core, rs.engine, rs.name, rs.program, rs.handle = core, Engine(), "stand-in", program, 1
    rs.lock, rs.leaked, rs.live = threading.Lock(), [], 0
    return rs


def test_the_session_protocol_when_all_goes_well():
    core = _Core({0: ["a", "b"], 1: ["c"]})
    rs = _ruleset(core, Program({}, stages=1))
    assert rs.evaluate({"x": 1}).fired == [("a", 0), ("b", 0), ("c", 1)]
    assert core.calls == [("assert", 0), ("start",), ("complete",), ("complete",),
                          ("assert", 1), ("start",), ("complete",), ("delete",)]
    assert rs.live == 0 and core.sessions == set()


def test_an_action_that_fails_mid_stage_is_drained_without_starting_another():
    def boom(values):
        raise ValueError("no")
    core = _Core({0: ["a", "b"]})
    rs = _ruleset(core, Program({}, actions={"a": boom}))
    with pytest.raises(EngineError, match="rule a: ValueError: no"):
        rs.evaluate({})
    # a was started when it failed: the queue is drained by completing, never started again
    assert core.calls == [("assert", 0), ("start",), ("complete",), ("complete",), ("delete",)]
    assert rs.live == 0 and core.sessions == set()


def test_a_failure_between_stages_deletes_the_session_without_touching_its_actions():
    def boom(values):
        raise ValueError("later")
    core = _Core({0: ["a"]})
    rs = _ruleset(core, Program({}, stages=1, prepare=[None, boom]))
    with pytest.raises(EngineError, match="stage 1: ValueError: later"):
        rs.evaluate({})
    assert core.calls == [("assert", 0), ("start",), ("complete",), ("delete",)]
    assert rs.live == 0


def test_a_failure_before_anything_is_asserted_leaves_no_session_to_count():
    def boom(values):
        raise ValueError("first")
    core = _Core({})
    rs = _ruleset(core, Program({}, prepare=[boom]))
    with pytest.raises(EngineError, match="stage 0: ValueError: first"):
        rs.evaluate({})
    assert core.calls == [("delete",)] and rs.live == 0  # error 309 from delete: nothing was created


def test_an_assert_the_core_refuses_leaves_the_earlier_stages_session_deleted():
    core = _Core({0: ["a"]})
    refuse_at = {1}
    real = core.assert_fact

    def assert_fact(handle, text):
        if json.loads(text)["stage"] in refuse_at:
            core.calls.append(("refused",))
            raise RuntimeError("error 204")
        return real(handle, text)
    core.assert_fact = assert_fact
    rs = _ruleset(core, Program({}, stages=1))
    with pytest.raises(EngineError, match="stage 1: error 204"):
        rs.evaluate({})
    assert core.calls == [("assert", 0), ("start",), ("complete",), ("refused",), ("delete",)]
    assert rs.live == 0


def test_an_answer_the_adapter_does_not_expect_drains_what_was_queued_before_deleting():
    """The core answers 2 ("the same fact is already there") with actions queued all the same: the
    adapter refuses the answer, and before deleting the session starts the first queued action
    and completes them all (deleting with actions queued aborts the process)."""
    core = _Core({0: ["a", "b"]})
    real = core.assert_fact
    core.assert_fact = lambda handle, text: (2, real(handle, text)[1])
    rs = _ruleset(core, Program({}))
    with pytest.raises(EngineError, match="stage 0: the engine answered 2"):
        rs.evaluate({})
    assert core.calls == [("assert", 0), ("start",), ("complete",), ("complete",), ("delete",)]
    assert rs.live == 0 and core.sessions == set()
