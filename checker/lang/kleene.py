"""Evaluate a syntax tree with unknowns (Kleene's three-valued logic).

A fact the application does not give is UNKNOWN, which is neither false nor zero: `x > 3` with
x unknown is unknown, `false and unknown` is false, `true or unknown` is true. Used inside
engine actions to compute derived facts and lifted terms, and as the reference semantics the
compiled durable-rules conditions are tested against.
"""

from __future__ import annotations

from collections import ChainMap
from typing import Any, Mapping

from checker.lang.expr import Arith, BoolOp, Call, Compare, ListLit, Lit, Name, Neg, Node, Not
from checker.lang.numbers import LARGEST
from checker.lang.typecheck import FUNCTIONS


class _Unknown:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:  # pragma: no cover - a bug if ever reached
        raise TypeError("UNKNOWN has no truth value; test `is UNKNOWN` first")


UNKNOWN = _Unknown()


def evaluate(node: Node, env: Mapping[str, Any], scope: Mapping[str, Any] | None = None) -> Any:
    """The value of `node`; a name absent from env (or set to None) is UNKNOWN."""
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Name):
        if scope is not None and node.name in scope:
            v = scope[node.name]
        else:
            v = env.get(node.name)
        return UNKNOWN if v is None else v
    if isinstance(node, Not):
        v = evaluate(node.operand, env, scope)
        return v if v is UNKNOWN else not v
    if isinstance(node, BoolOp):
        return _bool_op(node, env, scope)
    if isinstance(node, Neg):
        v = evaluate(node.operand, env, scope)
        return v if v is UNKNOWN else -v
    if isinstance(node, Arith):
        a, b = evaluate(node.left, env, scope), evaluate(node.right, env, scope)
        if a is UNKNOWN or b is UNKNOWN:
            return UNKNOWN
        if node.op == "+":
            return _held(a + b)
        if node.op == "-":
            return _held(a - b)
        if node.op == "*":
            return _held(a * b)
        return UNKNOWN if b == 0 else _held(a / b)
    if isinstance(node, Compare):
        return _compare(node, env, scope)
    if isinstance(node, Call):
        return _call(node, env, scope)
    raise TypeError(f"cannot evaluate {node!r}")  # pragma: no cover


def _held(number: Any) -> Any:
    """A result of arithmetic on application values, or UNKNOWN (as for a division by zero) when
    its magnitude is beyond what the engine holds: the application's numbers are below LARGEST,
    but their products and sums need not be."""
    return number if -LARGEST < number < LARGEST else UNKNOWN


def _bool_op(node: BoolOp, env, scope) -> Any:
    decisive = node.op == "or"  # the value that settles the whole expression
    unknown = False
    for item in node.items:
        v = evaluate(item, env, scope)
        if v is UNKNOWN:
            unknown = True
        elif v is decisive:
            return decisive
    return UNKNOWN if unknown else (not decisive)


def _compare(node: Compare, env, scope) -> Any:
    a = evaluate(node.left, env, scope)
    if a is UNKNOWN:
        return UNKNOWN
    if node.op in ("in", "not in"):
        assert isinstance(node.right, ListLit)
        values = [evaluate(i, env, scope) for i in node.right.items]
        if any(v is not UNKNOWN and v == a for v in values):
            found = True
        elif any(v is UNKNOWN for v in values):
            return UNKNOWN  # an unknown item might be equal
        else:
            found = False
        return found if node.op == "in" else not found
    b = evaluate(node.right, env, scope)
    if b is UNKNOWN:
        return UNKNOWN
    op = node.op
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _call(node: Call, env, scope) -> Any:
    name = node.func
    if name == "known":
        arg = node.args[0]
        assert isinstance(arg, Name)
        return evaluate(arg, env, scope) is not UNKNOWN
    if name in ("count", "sum", "min", "max", "any", "all"):
        return _aggregate(node, env, scope)
    args = [evaluate(a, env, scope) for a in node.args]
    if any(a is UNKNOWN for a in args):
        return UNKNOWN
    result = FUNCTIONS[name].impl(*args)
    return UNKNOWN if result is None else result


def _aggregate(node: Call, env, scope) -> Any:
    records = evaluate(node.args[0], env, scope)
    if records is UNKNOWN:
        return UNKNOWN
    name = node.func
    if name == "count" and len(node.args) == 1:
        return len(records)
    # inner names see this record first, then the records of enclosing aggregates
    values = [evaluate(node.args[1], env, ChainMap(record, scope) if scope is not None else record)
              for record in records]
    if name in ("any", "all"):
        decisive = name == "any"
        if any(v is decisive for v in values):
            return decisive
        return UNKNOWN if any(v is UNKNOWN for v in values) else (not decisive)
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    if name == "count":
        return sum(1 for v in values if v)
    if name == "sum":
        return _held(sum(values))
    if not values:
        return UNKNOWN
    return min(values) if name == "min" else max(values)
