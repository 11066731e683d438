"""Types of facts and expressions, and the load-time type check of every condition.

A condition that compares a date with a number, names a fact nobody declared, or compares an
enum with a value it cannot take is a bug in the rule file: it is reported with its position
when the matter is loaded, never discovered by an applicant.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable, Mapping

from checker.lang import functions as fn
from checker.lang.expr import (Arith, BoolOp, Call, Compare, ListLit, Lit, Name, Neg, Node, Not,
                   ParseError)



@dataclass(frozen=True)
class Type:
    kind: str  # bool integer number string enum date list
    values: tuple[str, ...] = ()  # enum values
    fields: tuple[tuple[str, "Type"], ...] = ()  # list: the fields of each record

    def __str__(self) -> str:
        if self.kind == "enum":
            return "enum(" + ", ".join(self.values) + ")"
        if self.kind == "list":
            return "list of records"
        return self.kind

    @property
    def numeric(self) -> bool:
        return self.kind in ("integer", "number")

    @property
    def textual(self) -> bool:
        return self.kind in ("string", "enum")

    def field_map(self) -> dict[str, "Type"]:
        return dict(self.fields)


BOOL, INTEGER, NUMBER, STRING, DATE = (Type("bool"), Type("integer"), Type("number"),
                                       Type("string"), Type("date"))
SEX = Type("enum", ("male", "female"))


@dataclass(frozen=True)
class Function:
    """A built-in: parameter types, result type, implementation, and a line of documentation."""

    params: tuple[str, ...]  # kinds: 'date', 'integer', 'string', 'any'
    result: Type
    impl: Callable
    doc: str


FUNCTIONS: dict[str, Function] = {
    "full_years": Function(("date", "date"), INTEGER, fn.full_years,
                           "completed years from the first date to the second (周岁)"),
    "days_between": Function(("date", "date"), INTEGER, fn.days_between,
                             "days from the first date to the second"),
    "add_days": Function(("date", "integer"), DATE, fn.add_days, "a date plus n days"),
    "add_months": Function(("date", "integer"), DATE, fn.add_months, "a date plus n months"),
    "add_years": Function(("date", "integer"), DATE, fn.add_years, "a date plus n years"),
    "year": Function(("date",), INTEGER, fn.year, "the year of a date"),
    "month": Function(("date",), INTEGER, fn.month, "the month of a date (1-12)"),
    "day_of_month": Function(("date",), INTEGER, fn.day_of_month,
                             "the day of the month of a date (1-31), e.g. for intake on days 1-20"),
    "id_valid": Function(("string",), BOOL, fn.id_valid,
                         "an 18-digit resident ID number with a real birth date and a correct check digit"),
    "id_birth_date": Function(("string",), DATE, fn.id_birth_date,
                              "the birth date written in a resident ID number"),
    "id_sex": Function(("string",), SEX, fn.id_sex,
                       "'male' or 'female' from the 17th digit of a resident ID number"),
    "uscc_valid": Function(("string",), BOOL, fn.uscc_valid,
                           "an 18-character unified social credit code with a correct check character"),
}

# Functions over a list of records: (list, expression evaluated per record)
AGGREGATES = {
    "count": "count(L) records in L; count(L, cond) records for which cond holds",
    "sum": "sum(L, expr) total of expr over the records of L",
    "min": "min(L, expr) smallest expr over the records (unknown for an empty list)",
    "max": "max(L, expr) largest expr over the records (unknown for an empty list)",
    "any": "any(L, cond) some record satisfies cond",
    "all": "all(L, cond) every record satisfies cond",
}
SPECIAL = {"known": "known(fact) the application gives this fact (never unknown itself)"}


def a(t: "Type | str") -> str:
    """'a bool', 'an integer', 'an enum(...)': types named with their article."""
    text = str(t)
    return ("an " if text[:1] in "aeiou" else "a ") + text


class TypeProblem(Exception):
    def __init__(self, message: str, pos: int, hint: str = ""):
        super().__init__(message)
        self.message, self.pos, self.hint = message, pos, hint


def fact_type(spec: Mapping) -> Type:
    """Build a Type from a declared fact (already schema-valid)."""
    kind = spec["type"]
    if kind == "enum":
        return Type("enum", tuple(str(v) for v in spec["values"]))
    if kind == "list":
        return Type("list", fields=tuple((k, fact_type(v)) for k, v in spec.get("fields", {}).items()))
    return Type(kind)


class Checker:
    """Type-checks trees against an environment of named types."""

    def __init__(self, env: Mapping[str, Type]):
        self.env = env
        self.scopes: list[Mapping[str, Type]] = []

    def condition(self, node: Node) -> None:
        t = self.check(node)
        if t.kind != "bool":
            raise TypeProblem(f"a condition must be true or false, this is {a(t)}", node.pos,
                              "compare it, e.g. 'x > 0'")

    def lookup(self, node: Name) -> Type:
        for scope in reversed(self.scopes):
            if node.name in scope:
                return scope[node.name]
        if node.name in self.env:
            return self.env[node.name]
        known = list(self.env) + [n for s in self.scopes for n in s]
        close = difflib.get_close_matches(node.name, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "declare it under facts or derived"
        raise TypeProblem(f"unknown fact '{node.name}'", node.pos, hint)

    def check(self, node: Node) -> Type:
        if isinstance(node, Lit):
            if node.kind == "number":
                return INTEGER if isinstance(node.value, int) else NUMBER
            return {"string": STRING, "bool": BOOL, "date": DATE}[node.kind]
        if isinstance(node, Name):
            return self.lookup(node)
        if isinstance(node, Not):
            self.expect_bool(node.operand, "not")
            return BOOL
        if isinstance(node, BoolOp):
            for item in node.items:
                self.expect_bool(item, node.op)
            return BOOL
        if isinstance(node, Neg):
            t = self.check(node.operand)
            if not t.numeric:
                raise TypeProblem(f"cannot negate {a(t)}", node.pos)
            return t
        if isinstance(node, Arith):
            lt, rt = self.check(node.left), self.check(node.right)
            if not (lt.numeric and rt.numeric):
                bad = lt if not lt.numeric else rt
                hint = "use days_between() or add_days() for dates" if bad.kind == "date" else ""
                raise TypeProblem(f"'{node.op}' needs numbers, not {a(bad)}", node.pos, hint)
            if node.op == "/" or NUMBER in (lt, rt):
                return NUMBER
            return INTEGER
        if isinstance(node, Compare):
            return self.compare(node)
        if isinstance(node, ListLit):
            raise TypeProblem("a list can only follow 'in' or 'not in'", node.pos)
        if isinstance(node, Call):
            return self.call(node)
        raise TypeProblem("unsupported expression", node.pos)  # pragma: no cover

    def expect_bool(self, node: Node, word: str) -> None:
        t = self.check(node)
        if t.kind != "bool":
            raise TypeProblem(f"'{word}' needs true/false values, this is {a(t)}", node.pos)

    def compare(self, node: Compare) -> Type:
        lt = self.check(node.left)
        if node.op in ("in", "not in"):
            if not isinstance(node.right, ListLit):
                raise TypeProblem(f"'{node.op}' must be followed by a list like [\"a\", \"b\"]",
                                  node.right.pos)
            if not node.right.items:
                raise TypeProblem("the list is empty", node.right.pos)
            for item in node.right.items:
                self.compatible(lt, self.check(item), item)
            return BOOL
        rt = self.check(node.right)
        self.compatible(lt, rt, node.right)
        self.compatible(rt, lt, node.left)
        if node.op in ("<", "<=", ">", ">="):
            if not ((lt.numeric and rt.numeric) or (lt.kind == rt.kind == "date")):
                raise TypeProblem(f"'{node.op}' compares numbers or dates, not {a(lt)} and {a(rt)}",
                                  node.pos)
        return BOOL

    def compatible(self, expected: Type, got: Type, got_node: Node) -> None:
        if expected.numeric and got.numeric:
            return
        if expected.kind == "enum" and got.textual:
            if isinstance(got_node, Lit) and got_node.value not in expected.values:
                close = difflib.get_close_matches(str(got_node.value), expected.values, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(expected.values)
                raise TypeProblem(f"'{got_node.value}' is not a value of this enum", got_node.pos, hint)
            return
        if expected.textual and got.textual:
            return
        if expected.kind == got.kind and expected.kind in ("bool", "date"):
            return
        hint = 'write dates as date("YYYY-MM-DD")' if {expected.kind, got.kind} == {"date", "string"} else ""
        raise TypeProblem(f"cannot compare {a(expected)} with {a(got)}", got_node.pos, hint)

    def call(self, node: Call) -> Type:
        name = node.func
        if name == "known":
            if len(node.args) != 1 or not isinstance(node.args[0], Name):
                raise TypeProblem("known() takes one fact name", node.pos)
            self.check(node.args[0])
            return BOOL
        if name in AGGREGATES:
            return self.aggregate(node)
        f = FUNCTIONS.get(name)
        if f is None:
            everything = list(FUNCTIONS) + list(AGGREGATES) + list(SPECIAL)
            close = difflib.get_close_matches(name, everything, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "functions: " + ", ".join(sorted(everything))
            raise TypeProblem(f"unknown function '{name}'", node.pos, hint)
        if len(node.args) != len(f.params):
            raise TypeProblem(f"{name}() takes {len(f.params)} argument(s), got {len(node.args)}",
                              node.pos)
        for arg, want in zip(node.args, f.params):
            t = self.check(arg)
            ok = (want == "any" or t.kind == want or (want == "string" and t.textual)
                  or (want == "integer" and t.kind == "integer"))
            if not ok:
                raise TypeProblem(f"{name}() needs {a(want)} here, not {a(t)}", arg.pos)
        return f.result

    def aggregate(self, node: Call) -> Type:
        name = node.func
        if not node.args or not isinstance(node.args[0], Name):
            raise TypeProblem(f"{name}() takes a list fact first", node.pos)
        lt = self.check(node.args[0])
        if lt.kind != "list":
            raise TypeProblem(f"{name}() needs a list of records, '{node.args[0].name}' is {a(lt)}",
                              node.args[0].pos)
        want = 1 if name == "count" else 2
        if not (want <= len(node.args) <= 2) or (name != "count" and len(node.args) != 2):
            raise TypeProblem(f"{name}() takes a list and {'an optional condition' if name == 'count' else 'an expression'}",
                              node.pos)
        if len(node.args) == 1:
            return INTEGER
        self.scopes.append(lt.field_map())
        try:
            inner = self.check(node.args[1])
        finally:
            self.scopes.pop()
        if name in ("count", "any", "all"):
            if inner.kind != "bool":
                raise TypeProblem(f"{name}() needs a condition, this is {a(inner)}", node.args[1].pos)
            return INTEGER if name == "count" else BOOL
        if name == "sum":
            if not inner.numeric:
                raise TypeProblem(f"sum() needs numbers, this is {a(inner)}", node.args[1].pos)
            return inner
        if not (inner.numeric or inner.kind == "date"):
            raise TypeProblem(f"{name}() needs numbers or dates, this is {a(inner)}", node.args[1].pos)
        return inner


__all__ = ["Type", "Checker", "TypeProblem", "FUNCTIONS", "AGGREGATES", "fact_type", "ParseError"]
