"""The one module that touches durable-rules.

durable-rules 2.0.28 is unmaintained and has sharp edges (measured in shared/notes): a fact that
matches no rule raises and leaves actions pending; deleting a state with pending actions
segfaults; at most 1024 live sessions per ruleset; exceptions inside actions are swallowed;
values are not coerced; its background timer threads crash under concurrency; a ruleset name
cannot be registered twice. This adapter contains all of it:

* a Host whose background dispatch threads are never started (every action here is
  synchronous, so they have nothing to do but can crash);
* one registration per ruleset name per process, behind a lock, and a lock per ruleset around
  each evaluation (the engine is not thread-safe);
* a fresh session id per evaluation and `delete_state` in `finally`, so sessions never
  accumulate (except after a fact that matched no rule, whose session cannot be deleted
  without aborting the process: compiled rulesets have a catch-all rule per stage so that this
  cannot happen);
* every action wrapped: its exception is captured and re-raised here as EngineError;
* the result of an evaluation is the ordered list of rules that fired and the values their
  actions computed, nothing engine-specific.
"""

from __future__ import annotations

import copy
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from durable.engine import Host, MessageNotHandledException

Action = Callable[[dict], dict]


SMALLEST = 1e-4  # below this magnitude Python writes floats with an exponent
LARGEST = 1e15   # from 1e16 on too


def engine_value(value: Any) -> Any:
    """A value as the engine can take it. Measured: durable-rules rejects JSON numbers written
    with an exponent (error 204), which Python's json writes for |x| < 1e-4 and |x| >= 1e16.
    Such tiny magnitudes become 0.0; the application schema keeps numbers below 1e15."""
    if isinstance(value, float):
        if abs(value) < SMALLEST:
            return 0.0
        if abs(value) >= LARGEST:
            raise EngineError(f"number {value!r} is too large for the engine (limit {LARGEST:.0f})")
        return value
    if isinstance(value, list):
        return [engine_value(v) for v in value]
    if isinstance(value, dict):
        return {k: engine_value(v) for k, v in value.items()}
    return value


class EngineError(Exception):
    """The engine failed; the message says which rule and why."""


class _SynchronousHost(Host):
    """A Host without the two background timer threads (measured: they segfault under threads)."""

    def _run(self) -> None:  # noqa: D401 - overriding the thread starter
        return


@dataclass
class Fired:
    rule: str
    stage: int
    values: dict = field(default_factory=dict)


@dataclass
class EngineResult:
    fired: list[Fired]
    values: dict[str, Any]


class Ruleset:
    """A registered durable-rules ruleset that evaluates one application at a time."""

    def __init__(self, engine: "Engine", name: str, rules: dict[str, dict], actions: dict[str, Action],
                 stages: int):
        self.engine = engine
        self.name = name
        self.stages = stages
        self.lock = threading.Lock()
        self._runs: dict[str, list[Fired]] = {}
        self._errors: dict[str, str] = {}
        self._stage = 0
        self.leaked: list[str] = []  # sessions that could not be deleted (see evaluate)
        definition = copy.deepcopy(rules)  # set_rulesets deletes 'run' from what it is given
        for rule_name, rule in definition.items():
            rule["run"] = self._wrap(rule_name, actions[rule_name])
        engine.host.set_rulesets({name: definition})  # the caller holds engine.lock

    def _wrap(self, rule_name: str, action: Action) -> Callable:
        def run(c) -> None:  # exactly one parameter: two would make it asynchronous
            sid = c.s.sid
            try:
                values = action(dict(c.m._d))
                self._runs[sid].append(Fired(rule_name, self._stage, values or {}))
            except BaseException as e:  # the engine would swallow it; keep it for evaluate()
                self._errors.setdefault(sid, f"rule {rule_name}: {type(e).__name__}: {e}")
        return run

    def evaluate(self, facts: dict[str, Any]) -> EngineResult:
        """Assert the application stage by stage; return what fired and every value computed.

        `facts` must already be normalised: JSON types only, dates as ISO strings, unknown
        facts absent (durable-rules matches nothing against null).
        """
        with self.lock:
            sid = self.engine.next_sid()
            self._runs[sid] = []
            keep = False
            values = {k: engine_value(v) for k, v in facts.items() if v is not None}
            host = self.engine.host
            try:
                for stage in range(self.stages + 1):
                    self._stage = stage
                    before = len(self._runs[sid])
                    fact = {**values, "t": "app", "stage": stage, "sid": sid}
                    try:
                        host.assert_fact(self.name, fact)
                    except MessageNotHandledException:
                        # Measured: deleting this session now aborts the process, with or
                        # without pending actions. Leave it (one of 1024) and say so.
                        keep = True
                        self.leaked.append(sid)
                        raise EngineError(f"ruleset {self.name}: stage {stage} matched no rule") from None
                    except Exception as e:  # e.g. error 204: a value the engine cannot parse
                        raise EngineError(f"ruleset {self.name}: stage {stage}: {e}") from None
                    if sid in self._errors:
                        raise EngineError(self._errors[sid])
                    for fired in self._runs[sid][before:]:
                        fired.values = engine_value(fired.values)
                        values.update(fired.values)
                return EngineResult(self._runs[sid], values)
            finally:
                self._runs.pop(sid, None)
                self._errors.pop(sid, None)
                if not keep:
                    try:
                        host.delete_state(self.name, sid)
                    except Exception:  # error 309: no state was created (the first assert failed)
                        pass


class Engine:
    """A process-wide host and the rulesets registered on it, each registered once."""

    def __init__(self) -> None:
        self.host = _SynchronousHost()
        self.lock = threading.Lock()
        self.rulesets: dict[str, Ruleset] = {}
        self._sids = itertools.count(1)

    def next_sid(self) -> str:
        return str(next(self._sids))  # durable-rules turns every sid into a string

    def ruleset(self, name: str, build: Callable[[], tuple[dict, dict, int]]) -> Ruleset:
        """The ruleset called `name`, registering it from build() the first time."""
        with self.lock:
            found = self.rulesets.get(name)
            if found is None:
                rules, actions, stages = build()
                found = self.rulesets[name] = Ruleset(self, name, rules, actions, stages)
            return found

    def live_sessions(self, name: str) -> int:
        """Sessions still held by a ruleset (zero after every evaluation)."""
        return len(self.rulesets[name]._runs)


_ENGINE: Engine | None = None
_ENGINE_LOCK = threading.Lock()


def engine() -> Engine:
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = Engine()
        return _ENGINE
