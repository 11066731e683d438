"""A matter's conditions as one straight-line Python function: the floor the engine is measured
against, and the oracle it is tested against.

`generated(compiled)` builds, once per compiled matter, a function of the engine input (what
`evaluate.engine_input` gives: facts, materials, declared values, parameters; absent or None is
unknown) that computes every derived value and every condition's three-valued result with no
engine, no interpretation of the syntax tree at run time and no loop but the aggregates' own:

    values = generated(compiled)(engine_input(compiled, app))
    values["rule:male-age"]   # True, False or None (unknown)
    values["age"]             # a derived value, or None

Its semantics are those of `kleene.evaluate` over each condition as written (`Condition.source`,
not the compiler's lowering, so that it checks the lowering too), with two things the engine does
and the evaluator does not: a derived value is held as the engine holds it (`engine_value`), and
the conditions are answered three-valued as they are, a defect check's unknown included (the
engine reports silence there as "no defect": `CompiledMatter.initial_status`).

Nothing from a rule file becomes code. The function is built as a Python syntax tree (`ast`),
never as source text: every constant of the rules (numbers, strings, dates, list items) is an
`ast.Constant` node, every fact name a `ast.Constant` key of a look-up in the input, every
condition id a `ast.Constant` key of the result; local variables are numbered (`_v3`), never
named after a fact; a function of the language is called only if it is one of typecheck's
FUNCTIONS. The tree is compiled with `compile()` and run in a namespace holding only the helpers
below, without builtins. A string such as `__import__('os')` in a rule stays a string.

Where the evaluator's semantics are inlined (Kleene's and/or, a comparison with an unknown side,
arithmetic beyond what the engine holds, membership in a list of constants), they are written out
exactly; the aggregates' tails, which kleene.py keeps inside its interpreter, are the small helpers
here. Three shortcuts rest on what a valid application is (the input of a parsed application): a
call of a built-in function outside a list's records is computed once, before the statement that
first needs it (the functions are pure and answer None for any input they cannot use); a list
fact's records hold only their declared fields, so any other name inside them is looked up
outside at once; and `any`/`all`/`count` over a comparison or a truth test look for True, False
and None with `in`, which for those three values is `is`. tests/test_pygen.py checks, on every
matter and locality, that the function, the engine and kleene agree, and every construct on
values the matters never reach.
"""

from __future__ import annotations

import ast
import sys
import threading
import weakref
from typing import Any, Callable

from checker.lang.expr import Arith, BoolOp, Call, Compare, ListLit, Lit, Name, Neg, Node, Not, unparse
from checker.lang.numbers import LARGEST
from checker.lang.typecheck import FUNCTIONS
from checker.run.compiler import CompiledMatter
from checker.run.engine import engine_value

Generated = Callable[[dict], dict[str, Any]]

# --- the helpers the generated code may call (its whole namespace) ---------------------------


def _held(number: Any) -> Any:
    """kleene's rule: arithmetic beyond what the engine holds is unknown."""
    return number if -LARGEST < number < LARGEST else None


def _member(item: Any, values: list) -> Any:
    """`item in [values]` with unknown list items (kleene._compare)."""
    if any(v is not None and v == item for v in values):
        return True
    return None if any(v is None for v in values) else False


def _some(values: list) -> Any:
    """any(L, cond): true if one record's cond is true, else unknown if one is unknown."""
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def _every(values: list) -> Any:
    """all(L, cond): false if one record's cond is false, else unknown if one is unknown."""
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _count(values: list) -> Any:
    return None if any(v is None for v in values) else sum(1 for v in values if v)


def _count_truths(values: list) -> Any:
    """_count over values that are True, False or None (for which == is `is`)."""
    return None if None in values else values.count(True)


def _total(values: list) -> Any:
    return None if any(v is None for v in values) else _held(sum(values))


def _least(values: list) -> Any:
    return None if not values or any(v is None for v in values) else min(values)


def _greatest(values: list) -> Any:
    return None if not values or any(v is None for v in values) else max(values)


_AGGREGATE_HELPER = {"any": "_some", "all": "_every", "count": "_count", "sum": "_total",
                     "min": "_least", "max": "_greatest"}
_FUNCTION_HELPER = {name: f"_fn_{name}" for name in FUNCTIONS}  # names of our own, never of a rule file
_NAMESPACE: dict[str, Any] = {
    "_member": _member, "_some": _some, "_every": _every, "_count": _count, "_count_truths": _count_truths,
    "_total": _total, "_least": _least, "_greatest": _greatest, "_len": len, "_engine_value": engine_value,
    **{helper: FUNCTIONS[name].impl for name, helper in _FUNCTION_HELPER.items()},
}
_ARITH = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult, "/": ast.Div}
_COMPARE = {"==": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE}
_BOOLEAN = (Compare, BoolOp, Not)  # nodes whose value is a bool or unknown, never a number


# --- building the tree -------------------------------------------------------------------------

def _const(value: Any) -> ast.Constant:
    return ast.Constant(value=value)


def _load(name: str) -> ast.Name:
    return ast.Name(id=name, ctx=ast.Load())


def _is(expr: ast.expr, value: Any) -> ast.Compare:
    return ast.Compare(left=expr, ops=[ast.Is()], comparators=[_const(value)])


def _if(test: ast.expr, body: ast.expr, orelse: ast.expr) -> ast.IfExp:
    return ast.IfExp(test=test, body=body, orelse=orelse)


def _call(helper: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=_load(helper), args=list(args), keywords=[])


def _any_unknown(exprs: list[ast.expr]) -> ast.expr | None:
    """`a is None or b is None ...` over the expressions that may be unknown (None: none may)."""
    tests = [_is(e, None) for e in exprs]
    if not tests:
        return None
    return tests[0] if len(tests) == 1 else ast.BoolOp(op=ast.Or(), values=tests)


def _sure(expr: ast.expr) -> bool:
    """Whether an expression is never unknown (a constant other than None, `known(x)`, ...)."""
    return getattr(expr, "never_unknown", False) or (isinstance(expr, ast.Constant) and expr.value is not None)


def _never_unknown(expr: ast.expr) -> ast.expr:
    expr.never_unknown = True  # type: ignore[attr-defined] - read by _sure, ignored by compile()
    return expr


class _Builder:
    """One matter's function body: statements, numbered locals, the input look-ups it needs, and
    the calls of built-in functions computed once (`hoisted`), before the statement needing them."""

    def __init__(self, facts: dict) -> None:
        self.facts = facts  # the matter's declared facts: the fields a list's records may hold
        self.fields: dict[str, frozenset[str] | None] = {}  # record local -> its possible fields (None: any)
        self.count = 0
        self.inputs: dict[str, str] = {}  # input name -> local holding its value
        self.derived: dict[str, str] = {}  # derived name -> local holding its value, once computed
        self.calls: dict[str, str] = {}  # a call outside any record, as text -> local holding its value
        self.hoisted: list[ast.stmt] = []  # their assignments, not yet placed

    def fresh(self) -> str:
        self.count += 1
        return f"_v{self.count}"

    def bind(self, expr: ast.expr) -> tuple[ast.expr, ast.expr]:
        """(the expression for its first use, a reference for later uses): a local or a constant
        is used as it is; anything else is bound to a fresh local where it is first evaluated."""
        if isinstance(expr, (ast.Name, ast.Constant)):
            return expr, expr
        name = self.fresh()
        again = _load(name)
        if _sure(expr):
            _never_unknown(again)
        return ast.NamedExpr(target=ast.Name(id=name, ctx=ast.Store()), value=expr), again

    def assign(self, expr: ast.expr) -> tuple[list[ast.stmt], str]:
        """The statements that compute `expr` into a fresh local: the calls it hoisted, then it."""
        local = self.fresh()
        statements, self.hoisted = self.hoisted, []
        return statements + [ast.Assign(targets=[ast.Name(id=local, ctx=ast.Store())], value=expr)], local

    # --- names ---------------------------------------------------------------------------------
    def outer(self, name: str) -> ast.expr:
        """A name outside any record: a derived value computed before, or an input."""
        local = self.derived.get(name)
        if local is None:
            local = self.inputs.get(name)
            if local is None:
                local = self.inputs[name] = self.fresh()
        return _load(local)

    def name(self, name: str, records: tuple[str, ...]) -> ast.expr:
        """kleene's scoping: the innermost record that has the field, then the enclosing ones,
        then the input (a record's field given as null is unknown, and hides nothing)."""
        expr = self.outer(name)
        for record in records:  # outermost first: each wraps the one outside it
            fields = self.fields[record]
            if fields is not None and name not in fields:
                continue  # a valid application's records hold their declared fields alone
            expr = _if(ast.Compare(left=_const(name), ops=[ast.In()], comparators=[_load(record)]),
                       ast.Subscript(value=_load(record), slice=_const(name), ctx=ast.Load()), expr)
        return expr

    # --- expressions ---------------------------------------------------------------------------
    def expr(self, node: Node, records: tuple[str, ...] = ()) -> ast.expr:
        """An expression whose value is the node's, None for unknown."""
        if isinstance(node, Lit):
            return _const(node.value)
        if isinstance(node, Name):
            return self.name(node.name, records)
        if isinstance(node, (Not, Neg)):
            op = ast.Not if isinstance(node, Not) else ast.USub
            return self.guarded([self.expr(node.operand, records)],
                                lambda refs: ast.UnaryOp(op=op(), operand=refs[0]))
        if isinstance(node, BoolOp):
            return self.boolean(node, records)
        if isinstance(node, Arith):
            return self.arith(node, records)
        if isinstance(node, Compare):
            return self.compare(node, records)
        if isinstance(node, Call):
            return self.call(node, records)
        raise TypeError(f"no code for {node!r}")  # pragma: no cover - the grammar has no other node

    def guarded(self, operands: list[ast.expr], make, sure: bool = True, twice: bool = False) -> ast.expr:
        """make(references) unless an operand is unknown; the operands are evaluated in order,
        and a later one only when every earlier one is known (as kleene does). The result is
        never unknown if no operand can be and `sure` says make's result cannot be. `twice`:
        make uses a reference more than once."""
        # an operand that may be unknown is bound where the test first evaluates it; one that
        # cannot be is not tested, and is evaluated where make uses it (bound in a test that is
        # never true if make uses it twice)
        bound = [self.bind(operand) if twice or not _sure(operand) else (operand, operand) for operand in operands]
        test = _any_unknown([first for (first, _), operand in zip(bound, operands)
                             if not _sure(operand) or first is not operand])
        result = make([again for _, again in bound])
        if test is None:
            return _never_unknown(result) if sure else result
        result = _if(test, _const(None), result)
        return _never_unknown(result) if sure and all(_sure(o) for o in operands) else result

    def boolean(self, node: BoolOp, records) -> ast.expr:
        """Kleene's and/or: the first decisive item settles it (false for `and`, true for `or`);
        else unknown if any item is unknown; else the other truth value."""
        decisive = node.op == "or"
        exprs = [self.expr(i, records) for i in node.items]
        items = [self.bind(e) for e in exprs]
        unknown = _any_unknown([again for (_, again), e in zip(items, exprs) if not _sure(e)])
        result: ast.expr = _const(not decisive) if unknown is None else _if(unknown, _const(None), _const(not decisive))
        for first, _ in reversed(items):
            result = _if(_is(first, decisive), _const(decisive), result)
        return _never_unknown(result) if unknown is None else result

    def arith(self, node: Arith, records) -> ast.expr:
        def make(refs):
            a, b = refs
            held = self.fresh()
            value = ast.NamedExpr(target=ast.Name(id=held, ctx=ast.Store()),
                                  value=ast.BinOp(left=a, op=_ARITH[node.op](), right=b))
            result = _if(ast.Compare(left=_const(-LARGEST), ops=[ast.Lt(), ast.Lt()],
                                     comparators=[value, _const(LARGEST)]), _load(held), _const(None))
            if node.op == "/":  # a division by zero is unknown
                result = _if(ast.Compare(left=b, ops=[ast.Eq()], comparators=[_const(0)]), _const(None), result)
            return result
        return self.guarded([self.expr(node.left, records), self.expr(node.right, records)], make,
                            sure=False, twice=True)

    def compare(self, node: Compare, records) -> ast.expr:
        if node.op in ("in", "not in"):
            assert isinstance(node.right, ListLit)
            items = node.right.items
            if all(isinstance(i, Lit) for i in items):
                listed = ast.Tuple(elts=[_const(i.value) for i in items], ctx=ast.Load())  # type: ignore[attr-defined]
                op = ast.In() if node.op == "in" else ast.NotIn()
                return self.guarded([self.expr(node.left, records)],
                                    lambda refs: ast.Compare(left=refs[0], ops=[op], comparators=[listed]))

            def member(refs):
                values = ast.List(elts=[self.expr(i, records) for i in items], ctx=ast.Load())
                found = _call("_member", refs[0], values)
                if node.op == "in":
                    return found
                first, again = self.bind(found)
                return _if(_is(first, None), _const(None), ast.UnaryOp(op=ast.Not(), operand=again))
            return self.guarded([self.expr(node.left, records)], member, sure=False)
        return self.guarded([self.expr(node.left, records), self.expr(node.right, records)],
                            lambda refs: ast.Compare(left=refs[0], ops=[_COMPARE[node.op]()], comparators=[refs[1]]))

    def call(self, node: Call, records) -> ast.expr:
        func = node.func
        if func == "known":
            arg = node.args[0]
            assert isinstance(arg, Name)
            return _never_unknown(ast.Compare(left=self.name(arg.name, records), ops=[ast.IsNot()],
                                              comparators=[_const(None)]))
        if func in _AGGREGATE_HELPER:
            return self.aggregate(node, records)
        helper = _FUNCTION_HELPER[func]  # KeyError: a function typecheck does not know (never loaded)
        if records:  # inside a record: its value changes from record to record
            return self.guarded([self.expr(a, records) for a in node.args],
                                lambda refs: _call(helper, *refs), sure=False)
        # outside: computed once, before the statement that first needs it. The functions are
        # pure and answer None (unknown) for any input they cannot use, so computing one where
        # kleene's short-cut would not is the same.
        text = unparse(node)
        local = self.calls.get(text)
        if local is None:
            value = self.guarded([self.expr(a, records) for a in node.args],
                                 lambda refs: _call(helper, *refs), sure=False)
            local = self.calls[text] = self.fresh()
            self.hoisted.append(ast.Assign(targets=[ast.Name(id=local, ctx=ast.Store())], value=value))
        return _load(local)

    def record_fields(self, records_node: Node, records: tuple[str, ...]) -> frozenset[str] | None:
        """The fields the records of a list may hold: a list fact's declared fields, when its
        name cannot be a field of an enclosing record; else None (any name is looked up)."""
        if not isinstance(records_node, Name):
            return None
        name = records_node.name
        for r in records:
            fields = self.fields[r]
            if fields is None or name in fields:
                return None
        fact = self.facts.get(name)
        if fact is None or fact.type.kind != "list":
            return None
        return frozenset(f for f, _ in fact.type.fields)

    def aggregate(self, node: Call, records) -> ast.expr:
        """`count(L)`, or the helper over the per-record values of the second argument, each
        computed with the record innermost in scope; unknown if L is."""
        if node.func == "count" and len(node.args) == 1:
            return self.guarded([self.expr(node.args[0], records)], lambda refs: _call("_len", refs[0]))
        record = self.fresh()
        self.fields[record] = self.record_fields(node.args[0], records)
        body = self.expr(node.args[1], records + (record,))
        truth = isinstance(node.args[1], _BOOLEAN) or (isinstance(node.args[1], Call) and node.args[1].func == "known")

        def over(refs):
            values = ast.ListComp(elt=body, generators=[ast.comprehension(
                target=ast.Name(id=record, ctx=ast.Store()), iter=refs[0], ifs=[], is_async=0)])
            if truth and node.func in ("any", "all"):
                # each value is True, False or None, for which `in` (==) is `is`: inlined
                decisive = node.func == "any"
                listed = self.fresh()
                first = ast.NamedExpr(target=ast.Name(id=listed, ctx=ast.Store()), value=values)
                return _if(ast.Compare(left=_const(decisive), ops=[ast.In()], comparators=[first]),
                           _const(decisive), _if(ast.Compare(left=_const(None), ops=[ast.In()],
                                                             comparators=[_load(listed)]),
                                                 _const(None), _const(not decisive)))
            if truth and node.func == "count":
                return _call("_count_truths", values)
            return _call(_AGGREGATE_HELPER[node.func], values)
        # the list is bound in the test, outside the comprehension (Python allows no `:=` in
        # a comprehension's iterable)
        return self.guarded([self.expr(node.args[0], records)], over, sure=False)


def _held_value(node: Node, expr: ast.expr) -> ast.expr:
    """A derived value as the engine holds it (engine_value), unless it cannot be a float: a
    truth value, a text, a date, an integer from a built-in function or a count."""
    if isinstance(node, _BOOLEAN) or (isinstance(node, Lit) and node.kind != "number") or (
            isinstance(node, Call) and (node.func in FUNCTIONS or node.func in ("known", "count"))):
        return expr
    return _call("_engine_value", expr)


def tree(compiled: CompiledMatter) -> ast.Module:
    """The syntax tree of the matter's function `matter(env)` (ast.unparse shows it as Python)."""
    b = _Builder(compiled.matter.facts)
    body: list[ast.stmt] = []
    result: list[tuple[str, str]] = []  # (key, local)
    for d in compiled.matter.derived.values():  # in dependency order, as the engine's stages run them
        if d.when is None:
            statements, local = b.assign(_held_value(d.value, b.expr(d.value)))
        else:
            statements, when = b.assign(b.expr(d.when))
            body += statements
            result.append((f"derive:{d.name}", when))
            value = _held_value(d.value, b.expr(d.value))
            other = _const(None) if d.otherwise is None else _held_value(d.otherwise, b.expr(d.otherwise))
            if d.otherwise is not None:
                other = _if(_is(_load(when), False), other, _const(None))
            statements, local = b.assign(_if(_is(_load(when), True), value, other))
        body += statements
        b.derived[d.name] = local
        result.append((d.name, local))
    for cid, c in compiled.conditions.items():
        if cid.startswith("derive:"):
            continue
        statements, local = b.assign(b.expr(c.source))
        body += statements
        result.append((cid, local))
    get = b.fresh()
    prologue: list[ast.stmt] = [ast.Assign(targets=[ast.Name(id=get, ctx=ast.Store())],
                                           value=ast.Attribute(value=_load("env"), attr="get", ctx=ast.Load()))]
    prologue += [ast.Assign(targets=[ast.Name(id=local, ctx=ast.Store())], value=_call(get, _const(name)))
                 for name, local in b.inputs.items()]
    ret = ast.Return(value=ast.Dict(keys=[_const(k) for k, _ in result], values=[_load(v) for _, v in result]))
    function = ast.FunctionDef(name="matter", args=ast.arguments(
        posonlyargs=[], args=[ast.arg(arg="env")], vararg=None, kwonlyargs=[], kw_defaults=[],
        kwarg=None, defaults=[]), body=prologue + body + [ret], decorator_list=[], returns=None,
        **({"type_params": []} if sys.version_info >= (3, 12) else {}))
    module = ast.Module(body=[function], type_ignores=[])
    return ast.fix_missing_locations(module)


def build(compiled: CompiledMatter) -> Generated:
    """Compile the tree and define the function in a namespace of the helpers alone."""
    code = compile(tree(compiled), f"<conditions of {compiled.ruleset_name}>", "exec")
    namespace: dict[str, Any] = {"__builtins__": {}, **_NAMESPACE}
    exec(code, namespace)  # the tree's code: constants are data, and names are ours (see above)
    return namespace["matter"]


_cache: dict[int, tuple[weakref.ref, Generated]] = {}
_lock = threading.Lock()


def generated(compiled: CompiledMatter) -> Generated:
    """The matter's function, built the first time it is asked for (once per compiled matter,
    kept while the compiled matter lives)."""
    key = id(compiled)
    found = _cache.get(key)
    if found is not None and found[0]() is compiled:
        return found[1]
    with _lock:
        found = _cache.get(key)
        if found is None or found[0]() is not compiled:
            found = (weakref.ref(compiled, lambda _, key=key: _cache.pop(key, None)), build(compiled))
            _cache[key] = found
    return found[1]
