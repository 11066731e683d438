"""Compile a Matter into a durable-rules ruleset.

Every rule of the YAML becomes engine rules over one flat "application fact":

* an eligibility rule, a material requirement, an alternative's applicability: a rule that
  fires when the condition is TRUE and one that fires when it is FALSE. Neither firing means
  UNKNOWN (three-valued logic), so the notice can ask for the missing information instead of
  treating it as false;
* a derived fact: a rule that fires when its `when` holds (and one for `otherwise`), whose
  action computes the value;
* a check of a presented material (form, copies, signed, sealed, expiry): a rule that fires on
  the defect.

The engine compares fields with constants or with other fields. Anything else in a condition
(arithmetic, dates, ID-number functions, counts over lists) is *lifted* into a computed term,
computed before the first stage whose fact needs it. Derived facts are stratified: stage k's
fact carries every value derived at stages < k, and a rule is matched only at the stage where
all its inputs exist (forward chaining, stage by stage).

What is asserted is shaped for speed (the cost of an evaluation grows with the fields asserted
and the rules fired): each stage's fact carries only the fields its rules read, and only rules
that derive a value have an action.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Callable

from checker.run.engine import LIMITS, Network, Program, engine_value
from checker.errors import CheckerError, Location, Problem
from checker.lang.expr import NEGATED, SWAPPED, BoolOp, Call, Compare, ListLit, Lit, Name, Node, Not, names_in, unparse, walk
from checker.lang.kleene import UNKNOWN, evaluate
from checker.source.model import Matter, piece_field, with_dates

ALWAYS = True
NEVER = False
_DURABLE_OP = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}

# required form -> the presented forms that satisfy it
ACCEPTED_FORMS = {
    "original": ["original", "original_and_copy"],
    "copy": ["copy", "original_and_copy"],
    "original_and_copy": ["original_and_copy"],
    "electronic": ["electronic"],
    "original_or_electronic": ["original", "original_and_copy", "electronic"],
}


@dataclass
class Condition:
    """One condition the engine decides: TRUE, FALSE or (neither fired) UNKNOWN."""

    id: str  # e.g. "rule:male-age", "req:IB-05", "opt:IB-03/lease", "defect:IB-02:expired"
    source: Node  # as written (for explanations)
    lowered: Node  # with lifted terms
    stage: int
    needs_false: bool  # whether its FALSE is asked of the engine too (a rule for the negation)


@dataclass
class Term:
    name: str
    node: Node
    stage: int  # computed just before this stage's fact is asserted


@dataclass
class CompiledMatter:
    matter: Matter
    conditions: dict[str, Condition]
    terms: dict[str, Term]
    derived_stage: dict[str, int]
    stages: int
    rules: dict[str, dict]  # durable rule name -> definition without 'run'
    actions: dict[str, Callable[[dict], dict]]  # durable rule name -> values it adds (derived facts)
    rule_index: dict[str, tuple[str, str]]  # durable rule name -> (condition or derived id, 'T'|'F'|'D'|'E'|'S')
    computed: list[list[tuple[str, Node]]]  # per stage: plain derived values, then terms, computed before it
    fields: list[frozenset[str]]  # per step: the fields its rules read
    digest: str
    steps: list[int]  # per step, its stage: a stage is asserted as one fact, or as several
    #                   (steps) if its rules are beyond what the engine takes at once

    @functools.cached_property
    def verdicts(self) -> dict[str, tuple[str, bool]]:
        """The durable rules that decide a condition: rule -> (condition id, True or False)."""
        return {rule: (ref, kind == "T") for rule, (ref, kind) in self.rule_index.items() if kind in ("T", "F")}

    @functools.cached_property
    def initial_status(self) -> dict[str, Any]:
        """Each condition's status before anything fires: UNKNOWN, except a defect check, which
        only fires on the defect (silence means none was found). Copy it before changing it."""
        return {cid: False if not c.needs_false and not cid.startswith("derive:") else UNKNOWN
                for cid, c in self.conditions.items()}

    @functools.cached_property
    def explaining(self) -> dict[int, tuple[list[str], list[Call]]]:
        """For each condition a notice explains (a rule's, a material's, an alternative's `when`,
        by the id of its node, which lives as long as the matter): its explaining_plan, found once."""
        m = self.matter
        nodes = [r.when for r in m.rules] + [x.when for x in m.materials if x.when is not None]
        nodes += [o.when for x in m.materials for o in x.options if o.when is not None]
        return {id(n): explaining_plan(m, n) for n in nodes}

    @functools.cached_property
    def ruleset_name(self) -> str:
        return f"{self.matter.id}-{self.digest[:16]}"

    def program(self) -> Program:
        """What the engine is given."""
        steps = self.steps
        return Program(self.rules, self.actions, len(steps) - 1, self.fields,
                       [_compute(self.computed[stage]) if i == 0 or steps[i - 1] != stage else None
                        for i, stage in enumerate(steps)])


class _Compiler:
    def __init__(self, matter: Matter):
        self.matter = matter
        self.avail: dict[str, int] = {}
        self.terms: dict[str, Term] = {}
        self.term_by_text: dict[str, str] = {}
        self.conditions: dict[str, Condition] = {}
        self.derived_stage: dict[str, int] = {}

    # --- stages ---------------------------------------------------------------------------
    def stage_of(self, node: Node) -> int:
        """The first stage at which every name in `node` has its value."""
        stage = 0
        for name in names_in(node):
            stage = max(stage, self.avail.get(name, 0))
        return stage

    # --- lowering -------------------------------------------------------------------------
    def lift(self, node: Node) -> Name:
        text = unparse(node)
        name = self.term_by_text.get(text)
        if name is None:
            name = f"_t{len(self.terms) + 1}"
            stage = self.stage_of(node)
            self.terms[name] = Term(name, node, stage)
            self.term_by_text[text] = name
            self.avail[name] = stage
        return Name(name, pos=node.pos)

    def simple(self, node: Node) -> Node:
        return node if isinstance(node, (Name, Lit)) else self.lift(node)

    def lower(self, node: Node) -> Node:
        """Rewrite a boolean tree so that every leaf is something the engine can match."""
        if isinstance(node, BoolOp):
            return BoolOp(node.op, tuple(self.lower(i) for i in node.items), pos=node.pos)
        if isinstance(node, Not):
            return Not(self.lower(node.operand), pos=node.pos)
        if isinstance(node, (Lit, Name)):
            return node
        if isinstance(node, Call) and node.func == "known":
            return node
        if isinstance(node, Compare):
            if node.op in ("in", "not in"):
                assert isinstance(node.right, ListLit)
                if all(isinstance(i, Lit) for i in node.right.items):
                    return Compare(node.op, self.simple(node.left), node.right, pos=node.pos)
                return self.lift(node)
            return Compare(node.op, self.simple(node.left), self.simple(node.right), pos=node.pos)
        return self.lift(node)

    def add(self, cid: str, node: Node, needs_false: bool = True) -> None:
        lowered = self.lower(node)
        self.conditions[cid] = Condition(cid, node, lowered, self.stage_of(lowered), needs_false)

    # --- the matter -----------------------------------------------------------------------
    def run(self) -> CompiledMatter:
        m = self.matter
        for d in m.derived.values():  # already in dependency order
            if d.when is None:  # a plain value: computed before the stage where its inputs are known
                self.derived_stage[d.name] = self.avail[d.name] = self.stage_of(d.value)
                continue
            stage = self.stage_of(d.value)
            if d.otherwise is not None:
                stage = max(stage, self.stage_of(d.otherwise))
            self.add(f"derive:{d.name}", d.when, needs_false=d.otherwise is not None)
            stage = max(stage, self.conditions[f"derive:{d.name}"].stage)
            self.derived_stage[d.name] = stage
            self.avail[d.name] = stage + 1
        for r in m.rules:
            self.add(f"rule:{r.id}", with_dates(r.when, r.effective_from, r.effective_until))
        for mat in m.materials:
            self.add(f"req:{mat.id}", with_dates(mat.when, mat.effective_from, mat.effective_until))
            for o in mat.options:
                if o.when is not None:
                    self.add(f"opt:{mat.id}/{o.key}", o.when)
            if isinstance(mat.promise_allowed, Node):
                self.add(f"promise:{mat.id}", mat.promise_allowed)
            for piece in mat.pieces:
                self.defects(mat, *piece)
        return self.emit()

    def defects(self, mat, piece_id: str, form: str, copies: int | str | None) -> None:
        present = Name(piece_field(piece_id))
        checks: list[tuple[str, Node]] = [
            ("form", Compare("not in", Name(piece_field(piece_id, "form")),
                             ListLit(tuple(Lit(f, "string") for f in ACCEPTED_FORMS[form])))),
        ]
        if isinstance(copies, str) or (copies or 0) > 0:  # None: no number is stated, none is checked
            wanted = Name(copies) if isinstance(copies, str) else Lit(copies, "number")
            checks.append(("copies", Compare("<", Name(piece_field(piece_id, "copies")), wanted)))
        for check in mat.checks:
            if check in ("signed", "sealed"):
                checks.append((f"un{check}", Compare("==", Name(piece_field(piece_id, check)),
                                                     Lit(False, "bool"))))
            elif check == "unexpired":
                checks.append(("expired", Compare("<", Name(piece_field(piece_id, "valid_until")),
                                                  Name("application_date"))))
        for kind, node in checks:
            self.add(f"defect:{piece_id}:{kind}", BoolOp("and", (present, node)), needs_false=False)

    def emit(self) -> CompiledMatter:
        self.fit()
        stages = max([0, *self.derived_stage.values(), *(c.stage for c in self.conditions.values())])
        plain = [d for d in self.matter.derived.values() if d.when is None]
        wanted: list[tuple[str, str, int, Any, Any]] = []  # (kind, ref, stage, condition, action)

        def rule(kind: str, ref: str, stage: int, cond: Any, action=None) -> None:
            if cond is not NEVER:
                wanted.append((kind, ref, stage, cond, action))

        # before each stage: the plain derived values, then the lifted terms, whose inputs are known
        computed = [[(d.name, d.value) for d in plain if self.derived_stage[d.name] == stage]
                    + [(t.name, t.node) for t in self.terms.values() if t.stage == stage]
                    for stage in range(stages + 1)]
        for d in self.matter.derived.values():
            if d.when is None:
                continue
            stage = self.derived_stage[d.name]
            c = self.conditions[f"derive:{d.name}"]
            rule("D", d.name, stage, to_durable(c.lowered, True), _value_action(d.name, d.value))
            if d.otherwise is not None:
                rule("E", d.name, stage, to_durable(c.lowered, False),
                     _value_action(d.name, d.otherwise))
        for cid, c in self.conditions.items():
            if cid.startswith("derive:"):
                continue
            rule("T", cid, c.stage, to_durable(c.lowered, True))
            if c.needs_false:
                rule("F", cid, c.stage, to_durable(c.lowered, False))

        # each stage is asserted as one fact, or as several (steps) if its rules are beyond what
        # the engine takes at once; one catch-all rule per step: every fact matches a rule
        # (durable-rules raises otherwise)
        steps: list[int] = []  # per step, its stage
        step_of = [0] * len(wanted)
        for stage in range(stages + 1):
            mine = [i for i, w in enumerate(wanted) if w[2] == stage]
            for part in _steps([wanted[i][3] for i in mine]):
                for j in part:
                    step_of[mine[j]] = len(steps)
                steps.append(stage)
        rules: dict[str, dict] = {}
        actions: dict[str, Callable[[dict], dict]] = {}
        index: dict[str, tuple[str, str]] = {}
        fields: list[set[str]] = [set() for _ in steps]

        def emit_rule(kind: str, ref: str, step: int, cond: Any, action=None) -> None:
            name = f"r{len(rules):04d}"
            rules[name] = {"all": [{"m": _step_condition(step, cond)}]}
            if cond is not ALWAYS:
                fields[step].update(fields_read(cond))
            if action is not None:
                actions[name] = action
            index[name] = (ref, kind)

        for step, stage in enumerate(steps):
            emit_rule("S", f"stage:{stage}", step, ALWAYS)
        for (kind, ref, _, cond, action), step in zip(wanted, step_of):
            emit_rule(kind, ref, step, cond, action)
        # each step is within the limits (_steps): the ruleset is, but for its size
        over = [f"{name} {n} > {LIMITS[name].budget}" for name, n in (("rules", len(rules)), ("children", len(steps)))
                if n > LIMITS[name].budget]
        if over:
            raise CheckerError(Problem(Location(self.matter.path), "M018",
                                       f"matter {self.matter.id} compiles to {len(rules)} engine rules, "
                                       f"beyond what durable-rules takes ({', '.join(over)})",
                                       "split it into several matters, or share conditions through derived facts"))
        return CompiledMatter(self.matter, self.conditions, self.terms, self.derived_stage,
                              stages, rules, actions, index, computed,
                              [frozenset(f) for f in fields], rules_digest(self.matter), steps)

    def fit(self) -> None:
        """Lift every condition whose engine rule alone would be beyond the engine's limits (a
        long chain of `and`/`or`, a list of many alternatives, very many fields) into a term:
        computed in Python before its stage, with the same three-valued result (so the engine
        rule tests one field)."""
        for cid, c in self.conditions.items():
            if isinstance(c.lowered, (Name, Lit)):
                continue
            forms = [to_durable(c.lowered, True)] + ([to_durable(c.lowered, False)] if c.needs_false else [])
            if not all(_fits(form) for form in forms):
                c.lowered = self.lift(c.lowered)
def _step_condition(step: int, cond: Any) -> dict:
    """A rule's condition: the application fact (hazard: a test of absence alone also matches the
    session's state object), at its step, and what it tests."""
    parts: list[Any] = [{"t": "app"}, {"stage": step}]
    if cond is not ALWAYS:
        parts.append(cond)
    return {"$and": parts}


def _fits(cond: Any) -> bool:
    """Whether one rule on `cond` alone is within the engine's limits."""
    if cond is ALWAYS or cond is NEVER:
        return True
    tests, ands = _size(cond)
    if tests + 2 <= LIMITS["frontier"].budget and 2 * ands + 2 <= LIMITS["slots"].budget:
        return True  # (the walk never holds more tests than the rule has; the rule's own $and: 2)
    net = Network()
    net.add(_step_condition(0, cond))
    return not net.measures.over() and len(fields_read(cond)) <= LIMITS["fields"].budget


def _size(cond: Any) -> tuple[int, int]:
    """(tests, counting a `$or`'s join once per branch; `$and`s and `$or`s) of a condition."""
    (name, value), = cond.items()
    if name not in ("$and", "$or"):
        return 1, 0
    tests, ands = (len(value) if name == "$or" else 0), 1
    for item in value:
        t, a = _size(item)
        tests, ands = tests + t, ands + a
    return tests, ands


def _steps(conds: list[Any]) -> list[list[int]]:
    """The rules of one stage (their conditions), grouped in order into as few steps as the
    engine's limits allow: each step is one fact and a catch-all rule (see engine.LIMITS)."""
    def within(net: Network, read: set[str]) -> bool:
        return not net.measures.over() and len(read) <= LIMITS["fields"].budget

    def start() -> Network:
        net = Network()
        net.add(_step_condition(0, ALWAYS))
        return net
    net, read = start(), set()
    for cond in conds:  # the usual case: the whole stage is one step
        net.add(_step_condition(0, cond))
        read |= set() if cond is ALWAYS else fields_read(cond)
    if within(net, read):
        return [list(range(len(conds)))]
    steps: list[list[int]] = [[]]
    net, read = start(), set()
    for i, cond in enumerate(conds):
        mine = set() if cond is ALWAYS else fields_read(cond)
        net.add(_step_condition(0, cond))
        if steps[-1] and not within(net, read | mine):
            steps.append([])
            net, read = start(), set()
            net.add(_step_condition(0, cond))
        steps[-1].append(i)
        read |= mine
    return steps


def _compute(items: list[tuple[str, Node]]) -> Callable[[dict], dict] | None:
    """The values of `items`, in order (a later one may use an earlier one); UNKNOWN ones left out."""
    if not items:
        return None

    def compute(values: dict) -> dict:
        env = dict(values)
        out = {}
        for name, node in items:
            v = evaluate(node, env)
            if v is not UNKNOWN:
                out[name] = env[name] = engine_value(v)
        return out
    return compute


def _value_action(name: str, node: Node) -> Callable[[dict], dict]:
    def compute(values: dict) -> dict:
        v = evaluate(node, values)
        return {} if v is UNKNOWN else {name: v}
    return compute


# --- durable-rules condition JSON ---------------------------------------------------------

def _and(items: list[Any]) -> Any:
    if any(i is NEVER for i in items):
        return NEVER
    items = [i for i in items if i is not ALWAYS]
    if not items:
        return ALWAYS
    return items[0] if len(items) == 1 else {"$and": items}


def _or(items: list[Any]) -> Any:
    if any(i is ALWAYS for i in items):
        return ALWAYS
    items = [i for i in items if i is not NEVER]
    if not items:
        return NEVER
    return items[0] if len(items) == 1 else {"$or": items}


def _exists(name: str) -> dict:
    return {"$ex": {name: 1}}


def _cmp(op: str, name: str, value: Any) -> dict:
    if op == "==":
        return {name: value}
    return {_DURABLE_OP[op]: {name: value}}


def to_durable(node: Node, polarity: bool) -> Any:
    """The durable-rules condition that holds when `node` is TRUE (polarity) or FALSE (not polarity).

    An absent field matches neither, which is how UNKNOWN is represented. Every comparison
    is guarded by `$ex`: measured, durable-rules matches `a <= b` when b is absent.
    """
    if isinstance(node, Lit):
        assert node.kind == "bool"
        return ALWAYS if node.value == polarity else NEVER
    if isinstance(node, Name):
        return {node.name: polarity}
    if isinstance(node, Not):
        return to_durable(node.operand, not polarity)
    if isinstance(node, BoolOp):
        parts = [to_durable(i, polarity) for i in node.items]
        conj = (node.op == "and") == polarity
        return _and(parts) if conj else _or(parts)
    if isinstance(node, Call) and node.func == "known":
        name = node.args[0].name  # type: ignore[attr-defined]
        return _exists(name) if polarity else {"$nex": {name: 1}}
    if isinstance(node, Compare):
        left, right, op = node.left, node.right, node.op
        if op in ("in", "not in"):
            assert isinstance(left, (Name, Lit)) and isinstance(right, ListLit)
            values = [i.value for i in right.items]  # type: ignore[attr-defined]
            member = (op == "in") == polarity
            if isinstance(left, Lit):
                return ALWAYS if (left.value in values) == member else NEVER
            if member:
                return _and([_exists(left.name), _or([_cmp("==", left.name, v) for v in values])])
            return _and([_exists(left.name)] + [_cmp("!=", left.name, v) for v in values])
        if not polarity:
            op = NEGATED[op]
        if isinstance(left, Lit) and isinstance(right, Lit):
            return ALWAYS if _python_compare(op, left.value, right.value) else NEVER
        if isinstance(left, Lit):
            left, right, op = right, left, SWAPPED[op]
        assert isinstance(left, Name)
        if isinstance(right, Lit):
            return _and([_exists(left.name), _cmp(op, left.name, right.value)])
        assert isinstance(right, Name)
        return _and([_exists(left.name), _exists(right.name),
                     _cmp(op, left.name, {"$m": right.name})])
    raise TypeError(f"not lowered: {unparse(node)}")  # pragma: no cover


def fields_read(cond: Any) -> set[str]:
    """The fields a durable-rules condition reads (so that the stage's fact carries them)."""
    out: set[str] = set()
    if isinstance(cond, list):
        for item in cond:
            out |= fields_read(item)
    elif isinstance(cond, dict):
        for key, value in cond.items():
            if key in ("$and", "$or"):
                out |= fields_read(value)
            elif key in ("$ex", "$nex"):
                out.update(value)
            elif key.startswith("$"):  # a comparison: {"$lt": {field: value}}
                out |= fields_read(value)
            else:
                out.add(key)
                if isinstance(value, dict) and "$m" in value:
                    out.add(value["$m"])
    return out


def _python_compare(op: str, a: Any, b: Any) -> bool:
    return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def rules_digest(matter: Matter) -> str:
    """sha256 over the local parameter values and every rule file read for this matter (each
    file's name, not its folder, and its bytes; sorted by path)."""
    from pathlib import Path
    h = hashlib.sha256()
    h.update(json.dumps({n: p.local_value for n, p in sorted(matter.parameters.items())},
                        sort_keys=True, ensure_ascii=False).encode())
    for path in sorted(matter.files):
        h.update(Path(path).name.encode() + b"\0")
        h.update(hashlib.sha256(matter.files[path]).digest())
    return h.hexdigest()


def explaining_plan(matter: Matter, node: Node) -> tuple[list[str], list[Call]]:
    """What explains a condition on a notice: the facts, derived facts and application date it
    names (sorted), and its count/any/all over a list (whose records are then named)."""
    names = sorted(n for n in names_in(node) if n in matter.facts or n in matter.derived or n == "application_date")
    aggregates = [n for n in walk(node) if isinstance(n, Call) and n.func in ("count", "any", "all")
                  and len(n.args) == 2 and isinstance(n.args[0], Name)]
    return names, aggregates


def compile_matter(matter: Matter) -> CompiledMatter:
    return _Compiler(matter).run()
