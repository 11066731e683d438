"""Can a condition ever be true (or ever be false), given the declared types and ranges?

Used by the linter: `age > 60 and age < 18` can never be true; `kind in ["a", "b"]` over an enum of
exactly a and b is always true; `income < 0` with `minimum: 0` can never be true. The condition is
put in disjunctive normal form over atoms (comparisons of a fact with a constant, booleans, enum
membership); each conjunction is checked with intervals for numbers and dates and value sets for
enums and booleans. Anything else (functions, arithmetic, aggregates, comparisons of two facts)
is an opaque atom that can be true or false. Too large a normal form gives up (returns None).
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from typing import Any

from checker.lang.expr import NEGATED, SWAPPED, BoolOp, Compare, ListLit, Lit, Name, Node, Not, unparse
from checker.lang.typecheck import Type

MAX_TERMS = 256


class _TooLarge(Exception):
    pass


@dataclass(frozen=True)
class Atom:
    """name op value, or an opaque sub-condition (op 'opaque', name = its text)."""

    name: str
    op: str
    value: Any = None


def _atoms(node: Node, positive: bool) -> list[list[Atom]]:
    """DNF of `node` (or of `not node`): a list of conjunctions of atoms."""
    if isinstance(node, Not):
        return _atoms(node.operand, not positive)
    if isinstance(node, BoolOp):
        conj = (node.op == "and") == positive
        parts = [_atoms(i, positive) for i in node.items]
        if not conj:
            out = [c for p in parts for c in p]
        else:
            out = [[]]
            for p in parts:
                out = [a + b for a in out for b in p]
                if len(out) > MAX_TERMS:
                    raise _TooLarge
        if len(out) > MAX_TERMS:
            raise _TooLarge
        return out
    if isinstance(node, Lit) and node.kind == "bool":
        return [[]] if node.value == positive else []
    if isinstance(node, Name):
        return [[Atom(node.name, "==", positive)]]
    if isinstance(node, Compare):
        left, right, op = node.left, node.right, node.op
        if isinstance(left, Lit) and isinstance(right, Name) and op in SWAPPED:
            left, right, op = right, left, SWAPPED[op]
        if isinstance(left, Name) and isinstance(right, Lit):
            return [[Atom(left.name, op if positive else NEGATED[op], right.value)]]
        if isinstance(left, Name) and isinstance(right, ListLit) and all(isinstance(i, Lit) for i in right.items):
            values = frozenset(i.value for i in right.items)  # type: ignore[attr-defined]
            return [[Atom(left.name, op if positive else NEGATED[op], values)]]
    return [[Atom(unparse(node), "opaque", positive)]]


@dataclass
class _Domain:
    low: Any = None
    low_open: bool = False
    high: Any = None
    high_open: bool = False
    allowed: set | None = None
    excluded: set = field(default_factory=set)
    integer: bool = False


def _consistent(conj: list[Atom], types: dict[str, Type], bounds: dict[str, tuple]) -> bool:
    domains: dict[str, _Domain] = {}
    opaque: dict[str, bool] = {}
    for a in conj:
        if a.op == "opaque":
            if opaque.setdefault(a.name, a.value) != a.value:
                return False
            continue
        t = types.get(a.name)
        if t is not None and t.kind == "date":  # dates are whole days: no date lies between neighbours
            a = Atom(a.name, a.op, _day(a.value))
        d = domains.get(a.name)
        if d is None:
            d = domains[a.name] = _Domain()
            if t is not None and t.kind == "enum":
                d.allowed = set(t.values)
            elif t is not None and t.kind == "bool":
                d.allowed = {True, False}
            if t is not None and t.kind in ("integer", "date"):
                d.integer = True
            low, high = (_day(v) if t is not None and t.kind == "date" else v for v in bounds.get(a.name, (None, None)))
            if low is not None:
                d.low = low
            if high is not None:
                d.high = high
        if a.op == "==":
            d.allowed = {a.value} if d.allowed is None else d.allowed & {a.value}
        elif a.op == "in":
            d.allowed = set(a.value) if d.allowed is None else d.allowed & set(a.value)
        elif a.op == "!=":
            d.excluded.add(a.value)
        elif a.op == "not in":
            d.excluded |= set(a.value)
        elif a.op in ("<", "<="):
            if d.high is None or a.value < d.high or (a.value == d.high and a.op == "<"):
                d.high, d.high_open = a.value, a.op == "<"
        elif a.op in (">", ">="):
            if d.low is None or a.value > d.low or (a.value == d.low and a.op == ">"):
                d.low, d.low_open = a.value, a.op == ">"
    for d in domains.values():
        if d.allowed is not None:
            values = {v for v in d.allowed - d.excluded if _within(d, v)}
            if not values:
                return False
            continue
        if d.low is not None and d.high is not None:
            try:
                if d.low > d.high or (d.low == d.high and (d.low_open or d.high_open or d.low in d.excluded)):
                    return False
                if d.integer and isinstance(d.low, (int, float)) and isinstance(d.high, (int, float)):
                    # the smallest and largest whole numbers within the bounds
                    lo = math.floor(d.low) + 1 if d.low_open else math.ceil(d.low)
                    hi = math.ceil(d.high) - 1 if d.high_open else math.floor(d.high)
                    if lo > hi or (hi - lo < 64 and all(v in d.excluded for v in range(lo, hi + 1))):
                        return False
            except TypeError:
                continue
    return True


def _day(value: Any) -> Any:
    """A date as its day number (values as the language writes them: ISO text); else unchanged."""
    if isinstance(value, frozenset):
        return frozenset(_day(v) for v in value)
    try:
        return datetime.date.fromisoformat(value).toordinal() if isinstance(value, str) else value
    except ValueError:
        return value


def _within(d: _Domain, v: Any) -> bool:
    try:
        if d.low is not None and (v < d.low or (v == d.low and d.low_open)):
            return False
        if d.high is not None and (v > d.high or (v == d.high and d.high_open)):
            return False
    except TypeError:
        return True
    return True


def can_be(node: Node, value: bool, types: dict[str, Type], bounds: dict[str, tuple]) -> bool | None:
    """Whether `node` can evaluate to `value` for some facts (None: too large to tell)."""
    try:
        dnf = _atoms(node, value)
    except _TooLarge:
        return None
    return any(_consistent(conj, types, bounds) for conj in dnf)
