"""The durable-rules adapter against each hazard measured in shared/notes/durable_rules.md."""

from __future__ import annotations

import threading

import pytest

from checker.engine import Engine, EngineError
from checker.evaluate import evaluate
from checker.application import parse_application
from conftest import complete_test_application


def _rules(**extra):
    rules = {
        "catch": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}]}}]},
        "adult": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}, {"$ex": {"age": 1}}, {"$gte": {"age": 18}}]}}]},
    }
    rules.update(extra)
    return rules


def _actions(names, **special):
    return {n: special.get(n, lambda values: {}) for n in names}


def test_thousands_of_applications_leave_no_session_behind():
    # at most 1024 live sessions per ruleset: the 1025th raises MemoryError unless each is deleted
    eng = Engine()
    rules = _rules()
    rs = eng.ruleset("many", lambda: (rules, _actions(rules), 0))
    for i in range(5000):
        result = rs.evaluate({"age": i % 40})
        assert [f.rule for f in result.fired] == (["catch", "adult"] if i % 40 >= 18 else ["catch"])
    assert eng.live_sessions("many") == 0


def test_an_action_that_fails_is_reported_not_swallowed():
    eng = Engine()
    rules = _rules()

    def boom(values):
        raise ZeroDivisionError("division by zero")
    rs = eng.ruleset("failing", lambda: (rules, _actions(rules, adult=boom), 0))
    with pytest.raises(EngineError, match="adult: ZeroDivisionError"):
        rs.evaluate({"age": 30})
    # the failed session was cleaned up and the ruleset still works
    assert [f.rule for f in rs.evaluate({"age": 3}).fired] == ["catch"]
    assert eng.live_sessions("failing") == 0


def test_an_application_that_matches_no_rule_is_an_error_not_a_crash():
    eng = Engine()
    rules = {"adult": _rules()["adult"]}  # no catch-all: a minor matches nothing
    rs = eng.ruleset("no-catch-all", lambda: (rules, _actions(rules), 0))
    with pytest.raises(EngineError, match="matched no rule"):
        rs.evaluate({"age": 3})
    # deleting that session would abort the process: it is kept, and counted
    assert len(rs.leaked) == 1
    assert [f.rule for f in rs.evaluate({"age": 30}).fired] == ["adult"]


def test_compiled_rulesets_have_a_catch_all_rule_at_every_stage(test_licence):
    catch_all = [test_licence.rules[name]["all"][0]["m"]["$and"]
                 for name, (ref, kind) in test_licence.rule_index.items() if kind == "S"]
    assert catch_all == [[{"t": "app"}, {"stage": s}] for s in range(test_licence.stages + 1)]


def test_every_compiled_rule_is_tied_to_the_application_fact(test_licence):
    # a rule on field absence alone also matches the session-state object and loops forever
    for rule in test_licence.rules.values():
        assert rule["all"][0]["m"]["$and"][0] == {"t": "app"}


def test_a_ruleset_is_registered_once_per_name():
    # durable-rules raises when the same name is registered twice on one Host
    eng = Engine()
    calls = []

    def build():
        calls.append(1)
        rules = _rules()
        return rules, _actions(rules), 0
    first = eng.ruleset("once", build)
    assert eng.ruleset("once", build) is first
    assert len(calls) == 1


def test_the_rules_given_are_not_mutated():
    # set_rulesets deletes 'run' from its argument: the adapter passes a copy
    eng = Engine()
    rules = _rules()
    snapshot = repr(rules)
    eng.ruleset("copy", lambda: (rules, _actions(rules), 0))
    assert repr(rules) == snapshot


def test_stages_chain_values_forward():
    eng = Engine()
    rules = {
        "s0": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}]}}]},
        "s1": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 1}]}}]},
        "double": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}, {"$ex": {"x": 1}}]}}]},
        "big": {"all": [{"m": {"$and": [{"t": "app"}, {"stage": 1}, {"$gt": {"y": 10}}]}}]},
    }
    actions = _actions(rules, double=lambda v: {"y": v["x"] * 2})
    rs = eng.ruleset("chain", lambda: (rules, actions, 1))
    result = rs.evaluate({"x": 6})
    assert [(f.rule, f.stage) for f in result.fired] == [("s0", 0), ("double", 0), ("s1", 1), ("big", 1)]
    assert result.values["y"] == 12


def test_unknown_values_are_absent_not_null():
    # durable-rules matches nothing against null; None must mean "absent"
    eng = Engine()
    rules = _rules(unknown={"all": [{"m": {"$and": [{"t": "app"}, {"stage": 0}, {"$nex": {"age": 1}}]}}]})
    rs = eng.ruleset("absent", lambda: (rules, _actions(rules), 0))
    assert [f.rule for f in rs.evaluate({"age": None}).fired] == ["catch", "unknown"]


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
