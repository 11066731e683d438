"""The one module that touches durable-rules.

durable-rules 2.0.28 is unmaintained and has sharp edges (measured in shared/notes): a fact that
matches no rule raises and leaves actions pending; deleting a state with pending actions can
abort the process; at most 1024 live sessions per ruleset; exceptions inside actions are
swallowed; values are not coerced; its Host starts background timer threads that crash under
concurrency; its Python layer decodes the whole matched fact from JSON for every action it runs
and re-encodes the session state after it (measured: four fifths of the time of an evaluation).

So this adapter drives the engine's C core (`durable_rules_engine`, the module durable-rules'
own Host is written on) directly, and keeps the contract small:

* a ruleset is registered once per name per process, behind a lock; each evaluation holds a
  lock per ruleset (the engine is not thread-safe);
* an application is asserted as one fact per stage, carrying only the fields that stage's rules
  read; values computed before a stage (`prepare`) and by the actions of earlier stages are
  carried forward (forward chaining, stage by stage);
* the engine matches; for every rule it fires, the adapter reads the rule's name from the
  action's message (it never decodes the fact back) and runs the rule's action, if it has one,
  over the values it already holds;
* a fresh session id per evaluation; every pending action is drained and the session deleted
  in `finally`, so sessions never accumulate (except after a fact that matched no rule, whose
  session cannot be deleted without aborting the process: compiled rulesets have a catch-all
  rule per stage so that this cannot happen);
* an exception in an action, or a value the engine cannot parse, is raised as EngineError;
* the result is the ordered list of rules that fired and every value known at the end;
* a ruleset beyond the engine's limits (LIMITS, measured by bench/limits.py) is refused before it
  is registered, and a fact with more fields than it takes is never asserted: past those edges
  the C core corrupts its memory, loops or answers an error after which its session cannot be
  deleted without aborting the process. The compiler shapes what it emits to stay within them.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from checker.lang.numbers import LARGEST, SMALLEST

Action = Callable[[dict], dict]

_NOT_HANDLED = 1  # durable-rules' ERR_EVENT_NOT_HANDLED
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # made once, not per call


def engine_value(value: Any) -> Any:
    """A value as the engine can take it (see lang/numbers.py): tiny magnitudes become 0.0; the
    application schema keeps numbers below LARGEST."""
    kind = type(value)
    if kind is str or kind is bool or kind is int:  # most values: nothing to do
        return value
    if kind is float:
        if abs(value) < SMALLEST:
            return 0.0
        if abs(value) >= LARGEST:
            raise EngineError(f"number {value!r} is too large for the engine (limit {LARGEST:.0f})")
        return value
    if kind is list:
        return [engine_value(v) for v in value]
    if kind is dict:
        return {k: engine_value(v) for k, v in value.items()}
    return value


class EngineError(Exception):
    """The engine failed; the message says which rule and why."""


# --- the engine's limits ------------------------------------------------------------------------
# durable-rules' C core matches a fact by a depth-first walk of its alpha network (the tests of
# single fields, shared between rules), with fixed-size arrays and no bounds checks at several
# places. bench/limits.py finds each edge by measurement (figures in bench/LIMITS.md); each budget
# here keeps a margin below it. `measure` computes the same quantities from a ruleset's JSON by
# building the network as rete.c does (a test is shared when its parent, field, operator and
# value are the same), so a ruleset is judged before the engine ever sees it.

@dataclass(frozen=True)
class Limit:
    budget: int  # what the compiler and the adapter let through
    edge: int  # the largest that ran in bench/limits.py
    past: str  # what the engine does one past the edge


LIMITS = {
    "frontier": Limit(48, 64, "error 303 on assert, after which deleting the session aborts the process"),
    "fields": Limit(200, 250, "error 302 on assert; a larger fact: free(): invalid pointer"),
    "slots": Limit(24, 30, "error 113 when the ruleset is registered"),
    "betas": Limit(128, 255, "segmentation fault (256); error 108 from 257"),
    "children": Limit(256, 511, "the engine loops forever"),
    "rules": Limit(3500, 4096, "error 106 when the ruleset is registered"),
}
# frontier  tests the walk may hold at once (every test assumed true: a bound for any fact)
# fields    fields of one asserted fact, besides t, stage and sid
# slots     expression slots of one rule: 2 per $and and $or (a field-to-field comparison takes
#           none: measured up to 100 of them in one rule)
# betas     rules whose condition ends at the same test
# children  tests directly under one test
# rules     rules in one ruleset (also what a session allocates: about 8 KB per rule)

_MAX_FIELDS = LIMITS["fields"].budget


class _Test:
    """A node of the alpha network: a test of one field (or a `$or`'s join node)."""

    __slots__ = ("children", "absent", "betas", "key")

    def __init__(self, key: tuple | None = None) -> None:
        self.key = key  # for `$nex` tests, which rete.c looks up by it in the next list
        self.children: dict[tuple, _Test] = {}  # (field, operator, value) -> test, as rete.c shares them
        self.absent: list[_Test] = []  # `$nex` tests and `$or` join nodes (rete.c's "next list")
        self.betas = 0  # rules that end here


@dataclass
class Measures:
    """A ruleset's size in the engine's terms (see LIMITS)."""

    frontier: int = 0
    slots: int = 0
    betas: int = 0
    children: int = 0
    rules: int = 0

    def over(self) -> list[str]:
        """The measures past their budget, described."""
        return [f"{name} {value} > {LIMITS[name].budget}" for name, value in vars(self).items()
                if value > LIMITS[name].budget]


class Network:
    """The alpha network durable-rules builds from a ruleset, rule by rule, measured as it grows."""

    def __init__(self) -> None:
        self.root = _Test()
        self._measures = Measures()
        self._frontier: dict[int, int] = {}  # id(test) -> the walk's worst depth below it
        # set by add(), rule by rule: the tests its rule touched, the expression slots it takes
        self._touched: list[_Test]
        self._slots: int

    def add(self, condition: dict) -> None:
        """Add the rule `{"all": [{"m": condition}]}`."""
        self._touched, self._slots = [self.root], 0
        end = self._alpha(condition, self.root)
        end.betas += 1
        m = self._measures
        m.rules += 1
        m.slots = max(m.slots, self._slots)
        m.betas = max(m.betas, end.betas)
        for t in self._touched:  # only the rule's own path changed (a tree, but for `$or` joins)
            self._frontier.pop(id(t), None)
            m.children = max(m.children, len(t.children) + len(t.absent))

    @property
    def measures(self) -> Measures:
        """The measures of the network so far (the frontier recomputed along what changed)."""
        self._measures.frontier = self._depth(self.root)
        return self._measures

    def _alpha(self, cond: dict, parent: _Test) -> _Test:
        """As rete.c's createAlpha: the test where `cond` ends, below `parent`."""
        if not isinstance(cond, dict) or len(cond) != 1:
            raise EngineError(f"not a condition the adapter can measure: {cond!r}")
        (name, value), = cond.items()
        if name == "$and":
            self._slots += 2
            for item in value:
                parent = self._alpha(item, parent)
            return parent
        if name == "$or":
            self._slots += 2
            join = _Test()
            for item in value:  # each branch's last test is touched already (its own path)
                self._alpha(item, parent).absent.append(join)
            self._touched.append(join)
            return join
        if name.startswith("$") and isinstance(value, dict) and len(value) == 1:
            (field, operand), = value.items()  # {"$lt": {field: value}}; an unknown operator is
        else:  #                                 left for the engine to refuse (error 202)
            field, operand = name, value
        key = (field, name, json.dumps(operand, sort_keys=True))
        if name == "$nex":
            found = next((t for t in parent.absent if t.key == key), None)
            if found is None:
                found = _Test(key)
                parent.absent.append(found)
        else:
            found = parent.children.get(key)
            if found is None:
                found = parent.children[key] = _Test()
        self._touched.append(found)
        return found

    def _depth(self, test: _Test) -> int:
        """The most tests the walk holds at once below `test`, every test assumed true but for
        equality tests of one field with different constants, of which at most one is. The walk
        pushes all of a test's passing children, then takes them one at a time, the others
        waiting underneath: so k passing children, one with depth d below it, make k - 1 + d."""
        known = self._frontier.get(id(test))
        if known is not None:
            return known
        depth = 0
        if test.children or test.absent:
            passing = len(test.absent) + _passing(test.children)
            depth = max([passing, *(passing - 1 + self._depth(k)
                                    for k in (*test.children.values(), *test.absent))])
        self._frontier[id(test)] = depth
        return depth


def _passing(children: dict[tuple, _Test]) -> int:
    """How many of these tests can pass at once: equality tests of one field whose constants are
    all strings, all booleans or all distinct numbers count once; any other test counts."""
    equal: dict[str, list[str]] = {}
    count = 0
    for field, name, operand in children:
        if name == field and not operand.startswith(("{", "[", "null")):
            equal.setdefault(field, []).append(operand)
        else:
            count += 1
    for operands in equal.values():
        kinds = {"s" if o.startswith('"') else "b" if o in ("true", "false") else "n" for o in operands}
        distinct = len(operands) if kinds != {"n"} else len({float(o) for o in operands})
        count += 1 if len(kinds) == 1 and distinct == len(operands) else len(operands)
    return count


def measure(rules: dict[str, dict]) -> Measures:
    """The measures of a ruleset of single-fact rules `{"all": [{"m": condition}]}`."""
    net = Network()
    for name, rule in rules.items():
        parts = rule.get("all") or rule.get("any") or []
        if len(parts) != 1 or set(parts[0]) != {"m"}:
            raise EngineError(f"rule {name}: only single-fact rules can be measured")
        net.add(parts[0]["m"])
    return net.measures


@dataclass
class Program:
    """What the engine is given for one matter.

    rules    durable-rules rule name -> its definition (conditions only; no Python in it)
    actions  rule name -> the values its firing adds (rules without one only record that they fired)
    stages   the last stage (stages are 0..stages)
    fields   per stage, the fields its rules read (None: every known value is asserted)
    prepare  per stage, values computed before the stage is asserted (None: nothing)
    """

    rules: dict[str, dict]
    actions: dict[str, Action] = field(default_factory=dict)
    stages: int = 0
    fields: list[frozenset[str]] | None = None
    prepare: list[Action | None] | None = None


@dataclass
class EngineResult:
    fired: list[tuple[str, int]]  # (rule, stage), in the order the rules fired
    values: dict[str, Any]


class Ruleset:
    """A registered durable-rules ruleset that evaluates one application at a time."""

    def __init__(self, engine: "Engine", name: str, program: Program):
        import durable_rules_engine  # the C core of durable-rules
        self._core = durable_rules_engine
        self.engine = engine
        self.name = name
        self.program = program
        self.lock = threading.Lock()
        self.leaked: list[str] = []  # sessions that could not be deleted (see evaluate)
        self.live = 0  # sessions the engine holds: created by a first assert, gone once deleted
        for rule in program.rules:  # each fired rule is known by its name, read raw from the message
            if '"' in rule or "\\" in rule:
                raise EngineError(f"ruleset {name}: rule name {rule!r} may not contain a quote or a backslash")
        over = measure(program.rules).over()
        widest = max((len(f) for f in program.fields or ()), default=0)
        if widest > LIMITS["fields"].budget:
            over.append(f"fields {widest} > {LIMITS['fields'].budget}")
        if over:  # never registered: past these the engine may corrupt its memory or loop
            raise EngineError(f"ruleset {name} is beyond the engine's limits: {', '.join(over)}")
        text = json.dumps(program.rules, ensure_ascii=False)
        try:
            self.handle = durable_rules_engine.create_ruleset(name, text)
        except Exception as e:  # e.g. error 202: an operator the engine does not know
            raise EngineError(f"ruleset {name} could not be registered: {e}") from None

    def evaluate(self, facts: dict[str, Any]) -> EngineResult:
        """Assert the application stage by stage; return what fired and every value computed.

        `facts` must hold JSON types only, dates as ISO strings; None means unknown and is left
        out (durable-rules matches nothing against null), and numbers go through engine_value.
        """
        core, handle, program = self._core, self.handle, self.program
        actions, fields, prepare = program.actions, program.fields, program.prepare
        values = {k: engine_value(v) for k, v in facts.items() if v is not None}
        fired: list[tuple[str, int]] = []
        add, assert_fact, complete = fired.append, core.assert_fact, core.complete_and_start_action
        with self.lock:
            sid = self.engine.next_sid()
            offset = None  # the session's state, once a fact is asserted and until its actions are done
            started = False  # whether one of those actions is under way
            keep = False  # a session the engine cannot delete (see below)
            try:
                for stage in range(program.stages + 1):
                    if prepare is not None and prepare[stage] is not None:
                        self._run(prepare[stage], values, "stage", stage)
                    if fields is None:
                        fact = dict(values)
                    else:
                        wanted = fields[stage]
                        fact = {k: v for k, v in values.items() if k in wanted}
                    if len(fact) > _MAX_FIELDS:  # only when every value is asserted (fields None)
                        raise EngineError(f"ruleset {self.name}: stage {stage}: {len(fact)} fields, "
                                          f"more than the engine takes ({_MAX_FIELDS})")
                    fact["t"], fact["stage"], fact["sid"] = "app", stage, sid
                    try:
                        code, offset = assert_fact(handle, _encode(fact))
                    except Exception as e:  # e.g. error 204: a value the engine cannot parse
                        raise EngineError(f"ruleset {self.name}: stage {stage}: {e}") from None
                    if stage == 0:
                        self.live += 1
                    if code == _NOT_HANDLED:
                        # Measured: deleting this session now aborts the process, with or
                        # without pending actions. Leave it (one of 1024) and say so.
                        keep = True
                        self.leaked.append(sid)
                        raise EngineError(f"ruleset {self.name}: stage {stage} matched no rule")
                    if code != 0:  # 2: the same fact is already there; 3: deferred. Neither can
                        #            happen with a fresh session per application; never ignore it
                        raise EngineError(f"ruleset {self.name}: stage {stage}: the engine answered {code}")
                    first = core.start_action_for_state(handle, offset)
                    message = first[1] if first is not None else None
                    started = message is not None
                    while message is not None:
                        rule = message[2:message.index('"', 2)]  # '{"<rule>":{"m":{...}}}'
                        add((rule, stage))
                        if rule in actions:
                            self._run(actions[rule], values, "rule", rule)
                        message = complete(handle, offset)
                    offset, started = None, False
                return EngineResult(fired, values)
            finally:
                if not keep:
                    self._close(sid, offset, started)

    @staticmethod
    def _run(action: Action, values: dict, kind: str, which: Any) -> None:
        try:
            added = action(values)
        except Exception as e:
            raise EngineError(f"{kind} {which}: {type(e).__name__}: {e}") from None
        if added:
            values.update(engine_value(added))

    def _close(self, sid: str, offset: int | None, started: bool) -> None:
        """Drain the actions still queued (after an error) and delete the session. Measured:
        deleting a session with actions queued, or completing an action never started, aborts
        the process."""
        core = self._core
        try:
            if offset is not None and (started or core.start_action_for_state(self.handle, offset) is not None):
                while core.complete_and_start_action(self.handle, offset) is not None:
                    pass
        except Exception:  # error 310 or similar: nothing left to drain
            pass
        try:
            core.delete_state(self.handle, sid)
        except Exception:  # error 309: no state was created (the first assert failed)
            return
        self.live -= 1


class Engine:
    """The rulesets registered in this process, each registered once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rulesets: dict[str, Ruleset] = {}
        self._sids = itertools.count(1)

    def next_sid(self) -> str:
        return str(next(self._sids))  # durable-rules turns every sid into a string

    def ruleset(self, name: str, build: Callable[[], Program]) -> Ruleset:
        """The ruleset called `name`, registering it from build() the first time. Once registered,
        a ruleset is found without taking the lock (this is on every application's path)."""
        found = self.rulesets.get(name)
        if found is None:
            with self.lock:
                found = self.rulesets.get(name)
                if found is None:
                    found = self.rulesets[name] = Ruleset(self, name, build())
        return found

    def live_sessions(self, name: str) -> int:
        """Sessions a ruleset's engine still holds (zero between evaluations, unless one leaked)."""
        return self.rulesets[name].live


_ENGINE: Engine | None = None
_ENGINE_LOCK = threading.Lock()


def engine() -> Engine:
    """The process-wide engine, made on first use."""
    global _ENGINE
    if _ENGINE is None:
        with _ENGINE_LOCK:
            if _ENGINE is None:
                _ENGINE = Engine()
    return _ENGINE
