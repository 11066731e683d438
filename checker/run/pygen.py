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
here. tests/test_pygen.py checks, on every matter and locality, that all three agree.
"""

from __future__ import annotations

import ast
import sys
import threading
import weakref
from typing import Any, Callable

from checker.lang.expr import Arith, BoolOp, Call, Compare, ListLit, Lit, Name, Neg, Node, Not
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
    "_held": _held, "_member": _member, "_some": _some, "_every": _every, "_count": _count,
    "_total": _total, "_least": _least, "_greatest": _greatest, "_len": len,
    "_engine_value": engine_value,
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


class _Builder:
    """One matter's function body: statements, numbered locals, the input look-ups it needs."""

    def __init__(self) -> None:
        self.count = 0
        self.inputs: dict[str, str] = {}  # input name -> local holding its value
        self.derived: dict[str, str] = {}  # derived name -> local holding its value, once computed

    def fresh(self) -> str:
        self.count += 1
        return f"_v{self.count}"

    def bind(self, expr: ast.expr) -> tuple[ast.expr, ast.expr]:
        """(the expression for its first use, a reference for later uses): a local or a constant
        is used as it is; anything else is bound to a fresh local where it is first evaluated."""
        if isinstance(expr, (ast.Name, ast.Constant)):
            return expr, expr
        name = self.fresh()
        return ast.NamedExpr(target=ast.Name(id=name, ctx=ast.Store()), value=expr), _load(name)

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
            key = _const(name)
            expr = _if(ast.Compare(left=key, ops=[ast.In()], comparators=[_load(record)]),
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

    def guarded(self, operands: list[ast.expr], make) -> ast.expr:
        """make(references) unless an operand is unknown; the operands are evaluated in order,
        and a later one only when every earlier one is known (as kleene does)."""
        firsts, agains, may_be_unknown = [], [], []
        for operand in operands:
            first, again = self.bind(operand)
            firsts.append(first)
            agains.append(again)
            if not isinstance(operand, ast.Constant):
                may_be_unknown.append(first)
        test = _any_unknown(may_be_unknown)
        result = make(agains)
        if test is None:
            # constants only: nothing binds (bind binds only what is not a constant)
            return result
        return _if(test, _const(None), result)

    def boolean(self, node: BoolOp, records) -> ast.expr:
        """Kleene's and/or: the first decisive item settles it (false for `and`, true for `or`);
        else unknown if any item is unknown; else the other truth value."""
        decisive = node.op == "or"
        items = [self.bind(self.expr(i, records)) for i in node.items]
        result: ast.expr = _const(not decisive)
        unknown = _any_unknown([again for (_, again), item in zip(items, node.items)
                                if not isinstance(item, Lit)])
        if unknown is not None:
            result = _if(unknown, _const(None), result)
        for first, _ in reversed(items):
            result = _if(_is(first, decisive), _const(decisive), result)
        return result

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
        return self.guarded([self.expr(node.left, records), self.expr(node.right, records)], make)

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
            return self.guarded([self.expr(node.left, records)], member)
        return self.guarded([self.expr(node.left, records), self.expr(node.right, records)],
                            lambda refs: ast.Compare(left=refs[0], ops=[_COMPARE[node.op]()], comparators=[refs[1]]))

    def call(self, node: Call, records) -> ast.expr:
        func = node.func
        if func == "known":
            arg = node.args[0]
            assert isinstance(arg, Name)
            return ast.Compare(left=self.name(arg.name, records), ops=[ast.IsNot()], comparators=[_const(None)])
        if func in _AGGREGATE_HELPER:
            return self.aggregate(node, records)
        helper = _FUNCTION_HELPER[func]  # KeyError: a function typecheck does not know (never loaded)
        return self.guarded([self.expr(a, records) for a in node.args], lambda refs: _call(helper, *refs))

    def aggregate(self, node: Call, records) -> ast.expr:
        """`count(L)`, or the helper over the per-record values of the second argument, each
        computed with the record innermost in scope; unknown if L is."""
        if node.func == "count" and len(node.args) == 1:
            return self.guarded([self.expr(node.args[0], records)], lambda refs: _call("_len", refs[0]))
        record = self.fresh()
        body = self.expr(node.args[1], records + (record,))

        def over(refs):
            values = ast.ListComp(elt=body, generators=[ast.comprehension(
                target=ast.Name(id=record, ctx=ast.Store()), iter=refs[0], ifs=[], is_async=0)])
            return _call(_AGGREGATE_HELPER[node.func], values)
        # the list is bound in the test, outside the comprehension (Python allows no `:=` in
        # a comprehension's iterable)
        return self.guarded([self.expr(node.args[0], records)], over)

    # --- statements ------------------------------------------------------------------------------
    def assign(self, expr: ast.expr) -> tuple[ast.stmt, str]:
        local = self.fresh()
        return ast.Assign(targets=[ast.Name(id=local, ctx=ast.Store())], value=expr), local


def _held_value(node: Node, expr: ast.expr) -> ast.expr:
    """A derived value as the engine holds it (engine_value), unless it cannot be a number."""
    if isinstance(node, _BOOLEAN) or (isinstance(node, Lit) and node.kind != "number") or (
            isinstance(node, Call) and node.func == "known"):
        return expr
    return _call("_engine_value", expr)


def tree(compiled: CompiledMatter) -> ast.Module:
    """The syntax tree of the matter's function `matter(env)` (ast.unparse shows it as Python)."""
    b = _Builder()
    body: list[ast.stmt] = []
    result: list[tuple[str, str]] = []  # (key, local)
    for d in compiled.matter.derived.values():  # in dependency order, as the engine's stages run them
        value = _held_value(d.value, b.expr(d.value))
        if d.when is None:
            stmt, local = b.assign(value)
        else:
            test, when = b.assign(b.expr(d.when))
            body.append(test)
            result.append((f"derive:{d.name}", when))
            other = _const(None) if d.otherwise is None else _held_value(d.otherwise, b.expr(d.otherwise))
            stmt, local = b.assign(_if(_is(_load(when), True), value,
                                       _if(_is(_load(when), False), other, _const(None))))
        body.append(stmt)
        b.derived[d.name] = local
        result.append((d.name, local))
    for cid, c in compiled.conditions.items():
        if cid.startswith("derive:"):
            continue
        stmt, local = b.assign(b.expr(c.source))
        body.append(stmt)
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
