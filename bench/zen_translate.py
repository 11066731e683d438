"""A compiled matter translated into GoRules ZEN, for the side-by-side benchmark (bench/compare.py).

ZEN (`zen-engine` on PyPI, the benchmark-only extra `bench`) is given the same logic as our
engine, over the same input (`engine_input`: the application's facts, its materials' fields,
declared values and the parameters in force), in two idiomatic forms:

* one compiled expression per matter: `name = value;` assignments for the derived values and for
  every computed operand (function calls, arithmetic, aggregates: computed once, as our compiler
  lifts them into terms), then an object literal with one entry per condition, each condition's
  own ZEN text;
* a decision graph (JDM): an input node, an expression node computing the same derived values
  and operands (later ones read earlier ones as `$.name`; passThrough keeps the facts), an
  expression node with one expression per condition, an output node.

Three-valued logic. A fact the application does not give is `null` in ZEN, as it is absent (or
None) for us. ZEN has no UNKNOWN: `null > 3`, `null and x`, `not null` are errors. So each
condition is written twice in plain two-valued ZEN, as our compiler writes it for durable-rules:
"it is TRUE" and "it is FALSE", every comparison guarded by `x != null` (`and` of TRUEs is TRUE,
`or` of FALSEs is FALSE, `not` swaps them, `known(x)` is `x != null`), and the condition's value
is `T ? true : (F ? false : null)` — Kleene's strong logic, the same as checker/lang/kleene.py.
A condition our engine asks only for TRUE (a material's defect: silence means none) is `T`.
Values (derived facts, computed operands) are `null` when unknown: arithmetic and functions on a
`null` give `null`, a division by zero gives `null` (as ZEN's own `/` does), an aggregate over a
record whose value is unknown gives `null` (count, sum) or decides as Kleene does (any, all).

Dates are ISO strings in both; ZEN cannot order strings, so dates are ordered as `d(x) < d(y)`
(equality stays string equality). 周岁 (`full_years`) is computed from year, month and day,
since ZEN's `diff(..., 'year')` counts 2000-02-29 to 2001-02-28 as a year and 周岁 does not.
Adding years is adding 12 months each (ZEN's `add(1, 'year')` from 29 February gives an invalid
date; ours, as months do, gives 28 February). The ID-number functions follow GB 11643: 18
characters, 17 digits and a digit or X, a real birth date, the check digit; written out digit by
digit, since ZEN's `matches` compiles its regular expression at every call (measured: 52 µs a
call, against 5.5 µs written out) and its closures (`map`, `all` over [0..16]) cost 18 µs where
the written-out sum costs 3.6 µs.

Left out, on purpose: our arithmetic's bound (kleene._held: a result of 1e15 or more is unknown);
ZEN's numbers are decimals, Python's binary floats, so a sum such as 0.1 + 0.2 compared with 0.3
can differ at the last digit; ZEN's strings are sliced and measured in bytes, so an ID number of
18 bytes in non-ASCII characters makes ZEN raise where ours says "not valid". Generated
applications reach none of these; bench/compare.py counts every mismatch before it times anything.

Everything from a rule file that reaches ZEN text is a literal: numbers, dates, and strings in a
quote they do not contain (refused with both quotes or a backslash: ZEN strings have no escapes).
The graph's output leaves out what is null, and reads a key's dot as a path (graph_key).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from checker.lang.expr import NEGATED, Arith, BoolOp, Call, Compare, ListLit, Lit, Name, Neg, Node, Not, unparse
from checker.lang.typecheck import FUNCTIONS
from checker.run.compiler import CompiledMatter

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ZEN_WORDS = {"and", "or", "not", "in", "true", "false", "null", "d", "date", "len", "sum", "count",
              "some", "all", "none", "one", "map", "filter", "min", "max"}
_MARK = "\x00"  # around the name of a computed value, rendered per place (name, or $.name in a graph node)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2']"
_TOTAL = {"full_years", "id_valid"}  # known whenever their arguments are (dates valid by the schema)


class Untranslatable(Exception):
    """A construct this translation does not cover (the comparison says which)."""


@dataclass
class Translation:
    """A matter in ZEN: the computed values in order, and each condition's text."""

    computed: list[tuple[str, str]]  # (name, ZEN text), in dependency order
    conditions: dict[str, str]  # condition id -> ZEN text giving true, false or null
    derived: list[str]  # derived names, also in the output
    two_valued: set[str] = field(default_factory=set)  # conditions given as TRUE or FALSE only

    def expression(self) -> str:
        """One ZEN expression: the assignments, then an object of every result."""
        parts = [f"{name} = {_render(text, '')};" for name, text in self.computed]
        entries = [f"{_quote(cid)}: {_render(text, '')}" for cid, text in self.conditions.items()]
        entries += [f"{_quote(name)}: {name}" for name in self.derived]
        return " ".join(parts + ["{" + ", ".join(entries) + "}"])

    def graph(self) -> dict:
        """A JDM decision graph: input -> computed values -> conditions -> output."""
        def node(nid: str, kind: str, content: dict | None = None) -> dict:
            out = {"id": nid, "type": kind, "name": nid, "position": {"x": 0, "y": 0}}
            if content is not None:
                out["content"] = content
            return out

        def expressions(items: list[tuple[str, str]]) -> list[dict]:
            return [{"id": f"e{i}", "key": key, "value": value} for i, (key, value) in enumerate(items)]

        values = expressions([(name, _render(text, "$.")) for name, text in self.computed])
        results = expressions([(graph_key(cid), _render(text, "")) for cid, text in self.conditions.items()]
                              + [(name, name) for name in self.derived])
        nodes = [node("request", "inputNode"),
                 node("values", "expressionNode", {"expressions": values, "passThrough": True}),
                 node("conditions", "expressionNode", {"expressions": results}),
                 node("response", "outputNode")]
        edges = [{"id": f"{a}-{b}", "type": "edge", "sourceId": a, "targetId": b}
                 for a, b in (("request", "values"), ("values", "conditions"), ("conditions", "response"))]
        return {"nodes": nodes, "edges": edges}


def graph_key(cid: str) -> str:
    """A condition's key in the graph's output: a node's key is a path (a.b is {"a": {"b": ...}}),
    so a rule set's dot (rule:guardian.applicant-id-invalid) is written as a colon."""
    return cid.replace(".", ":")


def _render(text: str, prefix: str) -> str:
    return re.sub(_MARK + r"([A-Za-z0-9_]+)" + _MARK, lambda m: prefix + m.group(1), text)


def _quote(text: str) -> str:
    for q in ("'", '"'):
        if q not in text and "\\" not in text:
            return q + text + q
    raise Untranslatable(f"a string with both quotes or a backslash: {text!r}")


def _literal(node: Lit) -> str:
    if node.kind == "bool":
        return "true" if node.value else "false"
    if node.kind == "number":
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise Untranslatable(f"number literal {node.value!r}")
        return repr(node.value)
    return _quote(str(node.value))  # a string, or a date as its ISO text


def translate(compiled: CompiledMatter) -> Translation:
    """The matter's derived values and conditions in ZEN (Untranslatable if a construct is not
    covered)."""
    return _Translator(compiled).run()


class _Translator:
    def __init__(self, compiled: CompiledMatter):
        self.compiled = compiled
        m = compiled.matter
        self.types: dict[str, Any] = {"application_date": "date"}
        for table in (m.facts, m.parameters, m.derived):
            for name, item in table.items():
                self.types[name] = item.type
        self.computed: list[tuple[str, str]] = []
        self.computed_names: set[str] = set()
        self.memo: dict[str, str] = {}
        self.records: dict[str, Any] | None = None  # inside an aggregate: the record's field types

    def run(self) -> Translation:
        m = self.compiled.matter
        for d in m.derived.values():  # in dependency order
            if d.when is None:
                if not isinstance(d.value, (Lit, Name)):  # its computation, under its own name
                    self.memo[unparse(d.value)] = self.assign(d.name, self.computation(d.value))
                    continue
                text = self.value(d.value)
            else:
                otherwise = self.value(d.otherwise) if d.otherwise is not None else "null"
                text = (f"({self.truth(d.when, True)}) ? ({self.value(d.value)}) : "
                        f"(({self.truth(d.when, False)}) ? ({otherwise}) : null)")
            self.assign(d.name, text)
        conditions, two_valued = {}, set()
        for cid, c in self.compiled.conditions.items():
            if cid.startswith("derive:"):  # a derived value's `when`: decided above
                continue
            if c.needs_false:
                conditions[cid] = f"({self.truth(c.source, True)}) ? true : (({self.truth(c.source, False)}) ? false : null)"
            else:
                conditions[cid] = self.truth(c.source, True)
                two_valued.add(cid)
        return Translation(self.computed, conditions, list(m.derived), two_valued)

    # --- names and computed values --------------------------------------------------------
    def assign(self, name: str, text: str) -> str:
        if not _IDENTIFIER.fullmatch(name) or name in _ZEN_WORDS:
            raise Untranslatable(f"name {name!r} is not a ZEN identifier")
        self.computed.append((name, text))
        self.computed_names.add(name)
        return _MARK + name + _MARK

    def name(self, name: str) -> str:
        if self.records is not None and name in self.records:
            return f"#.{name}"
        if name in self.computed_names:
            return _MARK + name + _MARK
        if not _IDENTIFIER.fullmatch(name) or name in _ZEN_WORDS:
            raise Untranslatable(f"name {name!r} is not a ZEN identifier")
        return name

    def operand(self, node: Node) -> str:
        """A value read more than once (guarded, then used): a name, a literal, or a computed
        value assigned once (inside an aggregate, where `#` is the record, written in place)."""
        if isinstance(node, Lit):
            return _literal(node)
        if isinstance(node, Name):
            return self.name(node.name)
        if self.records is not None:
            return f"({self.computation(node)})"
        key = unparse(node)
        if key not in self.memo:
            text = self.computation(node)
            self.memo[key] = self.assign(f"_z{len(self.memo) + 1}", text)
        return self.memo[key]

    def is_date(self, node: Node) -> bool:
        if isinstance(node, Lit):
            return node.kind == "date"
        if isinstance(node, Name):
            if self.records is not None and node.name in self.records:
                t = self.records[node.name]
            else:
                t = self.types.get(node.name)
                if t is None and node.name.endswith("__valid_until"):
                    return True
            return t == "date" or getattr(t, "kind", None) == "date"
        if isinstance(node, Call) and node.func in FUNCTIONS:
            return FUNCTIONS[node.func].result.kind == "date"
        return False

    # --- two-valued: "node is TRUE" (polarity) or "node is FALSE" ----------------------------
    def truth(self, node: Node, polarity: bool) -> str:
        if isinstance(node, Lit):
            if node.kind != "bool":
                raise Untranslatable(f"a {node.kind} literal as a condition")
            return "true" if node.value == polarity else "false"
        if isinstance(node, Not):
            return self.truth(node.operand, not polarity)
        if isinstance(node, BoolOp):
            joiner = " and " if (node.op == "and") == polarity else " or "
            return "(" + joiner.join(self.truth(i, polarity) for i in node.items) + ")"
        if isinstance(node, Call) and node.func == "known":
            return f"({self.name(node.args[0].name)} {'!=' if polarity else '=='} null)"  # type: ignore[attr-defined]
        if isinstance(node, Call) and node.func in ("any", "all"):
            records = self.name(node.args[0].name)  # type: ignore[attr-defined]
            inner = self.inside(node, lambda body: self.truth(body, polarity))
            decisive = (node.func == "any") == polarity  # some record decides it
            return f"({records} != null and {'some' if decisive else 'all'}({records}, {inner}))"
        if isinstance(node, Compare):
            return self.compare(node, polarity)
        value = self.operand(node)  # a bool-valued name or computed value
        return f"({value} == {'true' if polarity else 'false'})"

    def guarded(self, node: Node) -> tuple[str, list[str]]:
        """An operand of a comparison and what must hold for it to be known. Inside an
        aggregate (no assignments there), a function that is never unknown on known inputs of
        its declared types (full_years of two dates, id_valid) is written once, guarded by its
        arguments, rather than computed twice."""
        if self.records is not None and isinstance(node, Call) and node.func in _TOTAL:
            args = [self.operand(a) for a in node.args]
            return f"({self.function(node.func, args)})", [
                f"{a} != null" for a, n in zip(args, node.args) if not isinstance(n, Lit)]
        text = self.operand(node)
        return text, ([] if isinstance(node, Lit) else [f"{text} != null"])

    def compare(self, node: Compare, polarity: bool) -> str:
        left, guards = self.guarded(node.left)
        if node.op in ("in", "not in"):
            if not isinstance(node.right, ListLit) or not all(isinstance(i, Lit) for i in node.right.items):
                raise Untranslatable(f"'{node.op}' a list of other than literals: {unparse(node)}")
            items = "[" + ", ".join(_literal(i) for i in node.right.items) + "]"  # type: ignore[arg-type]
            member = (node.op == "in") == polarity
            test = f"({left} in {items})" if member else f"not ({left} in {items})"
            return "(" + " and ".join(guards + [test]) + ")"
        right, more = self.guarded(node.right)
        guards += more
        op = node.op if polarity else NEGATED[node.op]
        if op in ("<", "<=", ">", ">=") and (self.is_date(node.left) or self.is_date(node.right)):
            left, right = f"d({left})", f"d({right})"
        return "(" + " and ".join(guards + [f"{left} {op} {right}"]) + ")"

    # --- values: null when unknown ---------------------------------------------------------
    def value(self, node: Node) -> str:
        """A value's text: outside an aggregate, a computation is assigned once (operand)."""
        if isinstance(node, (Lit, Name)) or self.records is None:
            return self.operand(node)
        return self.computation(node)

    def computation(self, node: Node) -> str:
        if isinstance(node, (BoolOp, Not, Compare)) or (isinstance(node, Call) and node.func in ("known", "any", "all")):
            return f"({self.truth(node, True)}) ? true : (({self.truth(node, False)}) ? false : null)"
        if isinstance(node, Neg):
            a = self.operand(node.operand)
            return f"({a} == null) ? null : (-{a})"
        if isinstance(node, Arith):
            a, b = self.operand(node.left), self.operand(node.right)
            guard = " or ".join(f"{x} == null" for x, n in ((a, node.left), (b, node.right)) if not isinstance(n, Lit))
            return f"({guard or 'false'}) ? null : ({a} {node.op} {b})"  # ZEN's x / 0 is null
        if isinstance(node, Call):
            if node.func in ("count", "sum", "min", "max"):
                return self.aggregate(node)
            args = [self.operand(a) for a in node.args]
            guard = " or ".join(f"{a} == null" for a, n in zip(args, node.args) if not isinstance(n, Lit))
            return f"({guard or 'false'}) ? null : ({self.function(node.func, args)})"
        raise Untranslatable(f"expression {unparse(node)}")

    def function(self, func: str, args: list[str]) -> str:
        if func == "full_years":  # 周岁: a birthday counts on the day itself
            a, b = (f"d({x})" for x in args)
            return (f"{b}.year() - {a}.year() - (({b}.month() * 100 + {b}.day()) < "
                    f"({a}.month() * 100 + {a}.day()) ? 1 : 0)")
        if func in ("id_valid", "id_birth_date"):  # GB 11643, written out digit by digit
            x = args[0]
            birth = f"{x}[6:9] + '-' + {x}[10:11] + '-' + {x}[12:13]"
            digits = " and ".join(f"isNumeric({x}[{i}:{i}])" for i in range(17))
            shape = (f"len({x}) == 18 and {digits} and (isNumeric({x}[17:17]) or upper({x}[17:17]) == 'X') "
                     f"and number({x}[6:9]) >= 1 and d({birth}).isValid()")
            if func == "id_birth_date":
                return f"({shape}) ? ({birth}) : null"
            total = " + ".join(f"number({x}[{i}:{i}]) * {w}" for i, w in enumerate(_ID_WEIGHTS))
            return f"{shape} and upper({x}[17:17]) == {_ID_CHECK}[({total}) % 11]"
        if func == "id_sex":  # the 17th digit: odd is male (no birth date is asked for)
            x = args[0]
            digits = " and ".join(f"isNumeric({x}[{i}:{i}])" for i in range(17))
            return (f"(len({x}) == 18 and {digits} and (isNumeric({x}[17:17]) or upper({x}[17:17]) == 'X')) "
                    f"? (number({x}[16:16]) % 2 == 1 ? 'male' : 'female') : null")
        if func == "days_between":
            return f"d({args[1]}).diff(d({args[0]}), 'day')"
        if func in ("add_days", "add_months", "add_years"):  # a month's end clamps, as ours does
            n, unit = (f"{args[1]} * 12", "month") if func == "add_years" else (args[1], func[4:-1])
            return f"d({args[0]}).add({n}, '{unit}').format('%Y-%m-%d')"
        if func in ("year", "month", "day_of_month"):
            return f"d({args[0]}).{'day' if func == 'day_of_month' else func}()"
        raise Untranslatable(f"function {func}()")

    def inside(self, node: Call, body) -> str:
        """`body` of an aggregate's second argument, its names read from the record (`#`)."""
        if self.records is not None:
            raise Untranslatable(f"an aggregate inside an aggregate: {unparse(node)}")
        t = self.types.get(node.args[0].name)  # type: ignore[attr-defined]
        self.records = {f: ft for f, ft in t.fields} if t is not None else {}
        try:
            return body(node.args[1])
        finally:
            self.records = None

    def aggregate(self, node: Call) -> str:
        records = self.name(node.args[0].name)  # type: ignore[attr-defined]
        if node.func == "count" and len(node.args) == 1:
            return f"({records} == null) ? null : len({records})"
        if node.func == "count":  # unknown if any record's condition is unknown
            t, f = (self.inside(node, lambda b, p=p: self.truth(b, p)) for p in (True, False))
            return (f"({records} == null) ? null : (some({records}, not ({t} or {f})) ? null : "
                    f"count({records}, {t}))")
        each = self.inside(node, self.value)
        empty = "" if node.func == "sum" else f"len({records}) == 0 or "
        return (f"({records} == null) ? null : (({empty}some({records}, ({each}) == null)) ? null : "
                f"{node.func}(map({records}, {each})))")


def graph_json(compiled: CompiledMatter) -> str:
    return json.dumps(translate(compiled).graph(), ensure_ascii=False)
