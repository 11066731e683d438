"""The condition language: tokens, grammar and syntax tree.

A small language of our own, parsed here by recursive descent and never handed to `eval`:

    expr    := or
    or      := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | compare
    compare := sum (OP sum | 'in' sum | 'not' 'in' sum)?      OP: == != < <= > >=
    sum     := product (('+' | '-') product)*
    product := unary (('*' | '/') unary)*
    unary   := '-' unary | atom
    atom    := NUMBER | STRING | 'true' | 'false' | NAME | NAME '(' args ')'
             | '(' expr ')' | '[' [expr (',' expr)*] ']'

`date("2025-05-10")` is a date literal. Names refer to declared facts, derived facts,
`application_date`, or (inside count/sum/any/all/min/max) fields of the list's records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from checker.lang.functions import to_date


# a comparison's operator when it is negated, and when its two sides are swapped
NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<", "in": "not in", "not in": "in"}
SWAPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class ParseError(Exception):
    """A syntax error at a character offset of the condition text."""

    def __init__(self, message: str, offset: int, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint


# ---------------------------------------------------------------- syntax tree

@dataclass(frozen=True)
class Node:
    pos: int = field(default=0, compare=False, kw_only=True)


@dataclass(frozen=True)
class Lit(Node):
    """A literal: number, string, bool, or date (kept as an ISO string with kind 'date')."""

    value: Any
    kind: str  # 'number' | 'string' | 'bool' | 'date'


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Neg(Node):
    operand: Node


@dataclass(frozen=True)
class BoolOp(Node):
    op: str  # 'and' | 'or'
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Compare(Node):
    op: str  # '==' '!=' '<' '<=' '>' '>=' 'in' 'not in'
    left: Node
    right: Node


@dataclass(frozen=True)
class Arith(Node):
    op: str  # '+' '-' '*' '/'
    left: Node
    right: Node


@dataclass(frozen=True)
class ListLit(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]


COMPARE_OPS = ("==", "!=", "<", "<=", ">", ">=")
KEYWORDS = {"and", "or", "not", "in", "true", "false"}
MAX_LENGTH = 4000
MAX_DEPTH = 64

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>[0-9]+(?:\.[0-9]+)?)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|<|>|\+|-|\*|/|\(|\)|\[|\]|,)
""", re.VERBOSE)

_WORD_OPS = {"且": "and", "或": "or", "&&": "and", "||": "or", "!": "not", "=": "=="}


@dataclass(frozen=True)
class Token:
    kind: str  # number string name op end
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_LENGTH:
        raise ParseError(f"condition is longer than {MAX_LENGTH} characters", 0,
                         "split it into derived facts")
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if not m:
            ch = text[i]
            for bad, good in _WORD_OPS.items():
                if text.startswith(bad, i):
                    raise ParseError(f"unexpected '{bad}'", i, f"write '{good}'")
            if ch in "\"'":
                raise ParseError("unterminated string", i, f"close it with {ch}")
            raise ParseError(f"unexpected character '{ch}'", i)
        kind = m.lastgroup
        if kind != "ws":
            tokens.append(Token(kind, m.group(), i))
        i = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def at(self, kind: str, text: str | None = None) -> bool:
        t = self.tok
        return t.kind == kind and (text is None or t.text == text)

    def expect(self, kind: str, text: str, what: str) -> Token:
        if not self.at(kind, text):
            found = self.tok.text or "end of condition"
            raise ParseError(f"expected {what}, found '{found}'", self.tok.pos)
        return self.take()

    def parse(self) -> Node:
        if self.at("end"):
            raise ParseError("empty condition", 0, "write e.g. 'age >= 18'")
        node = self.expr()
        if not self.at("end"):
            t = self.tok
            hint = "join conditions with 'and' or 'or'" if t.kind in ("name", "number", "string") else ""
            raise ParseError(f"unexpected '{t.text}'", t.pos, hint)
        return node

    def nested(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"nesting deeper than {MAX_DEPTH} levels", self.tok.pos)

    def expr(self) -> Node:
        self.nested()
        try:
            return self.bool_op("or", self.and_)
        finally:
            self.depth -= 1

    def and_(self) -> Node:
        return self.bool_op("and", self.not_)

    def bool_op(self, word: str, sub) -> Node:
        first = sub()
        items = [first]
        while self.at("name", word):
            self.take()
            items.append(sub())
        return first if len(items) == 1 else BoolOp(word, tuple(items), pos=first.pos)

    def not_(self) -> Node:
        if self.at("name", "not"):
            t = self.take()
            self.nested()
            try:
                return Not(self.not_(), pos=t.pos)
            finally:
                self.depth -= 1
        return self.compare()

    def compare(self) -> Node:
        left = self.sum()
        t = self.tok
        if t.kind == "op" and t.text in COMPARE_OPS:
            self.take()
            node = Compare(t.text, left, self.sum(), pos=t.pos)
        elif self.at("name", "in"):
            self.take()
            node = Compare("in", left, self.sum(), pos=t.pos)
        elif self.at("name", "not") and self.tokens[self.i + 1].text == "in":
            self.take()
            self.take()
            node = Compare("not in", left, self.sum(), pos=t.pos)
        else:
            return left
        nt = self.tok
        if nt.kind == "op" and nt.text in COMPARE_OPS or (nt.kind == "name" and nt.text == "in"):
            raise ParseError("comparisons cannot be chained", nt.pos,
                             "write 'a < b and b < c'")
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.tok.kind == "op" and self.tok.text in ("+", "-"):
            t = self.take()
            node = Arith(t.text, node, self.product(), pos=t.pos)
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            t = self.take()
            node = Arith(t.text, node, self.unary(), pos=t.pos)
        return node

    def unary(self) -> Node:
        if self.at("op", "-"):
            t = self.take()
            self.nested()
            try:
                operand = self.unary()
            finally:
                self.depth -= 1
            if isinstance(operand, Lit) and operand.kind == "number":
                return Lit(-operand.value, "number", pos=t.pos)
            return Neg(operand, pos=t.pos)
        return self.atom()

    def atom(self) -> Node:
        t = self.tok
        if t.kind == "number":
            self.take()
            value = float(t.text) if "." in t.text else int(t.text)
            return Lit(value, "number", pos=t.pos)
        if t.kind == "string":
            self.take()
            return Lit(_unquote(t.text), "string", pos=t.pos)
        if t.kind == "name":
            if t.text in ("true", "false"):
                self.take()
                return Lit(t.text == "true", "bool", pos=t.pos)
            if t.text in KEYWORDS:
                raise ParseError(f"'{t.text}' cannot stand here", t.pos)
            self.take()
            if self.at("op", "("):
                return self.call(t)
            return Name(t.text, pos=t.pos)
        if self.at("op", "("):
            self.take()
            node = self.expr()
            self.expect("op", ")", "')'")
            return node
        if self.at("op", "["):
            self.take()
            items: list[Node] = []
            if not self.at("op", "]"):
                items.append(self.expr())
                while self.at("op", ","):
                    self.take()
                    items.append(self.expr())
            self.expect("op", "]", "']' or ','")
            return ListLit(tuple(items), pos=t.pos)
        if t.kind == "end":
            raise ParseError("condition ends too early", t.pos, "something is missing after the last operator")
        raise ParseError(f"unexpected '{t.text}'", t.pos)

    def call(self, name: Token) -> Node:
        self.take()  # (
        args: list[Node] = []
        if not self.at("op", ")"):
            args.append(self.expr())
            while self.at("op", ","):
                self.take()
                args.append(self.expr())
        self.expect("op", ")", "')' or ','")
        if name.text == "date":
            if len(args) != 1 or not (isinstance(args[0], Lit) and args[0].kind == "string"):
                raise ParseError("date() takes one string such as \"2025-05-10\"", name.pos)
            text = args[0].value
            if to_date(text) is None:
                raise ParseError(f"'{text}' is not a date", args[0].pos, "write YYYY-MM-DD")
            return Lit(text, "date", pos=name.pos)
        return Call(name.text, tuple(args), pos=name.pos)


def parse(text: str) -> Node:
    """Parse condition or expression text into a syntax tree; raises ParseError."""
    if not isinstance(text, str):
        raise ParseError("a condition must be text", 0)
    return _Parser(text).parse()


def names_in(node: Node) -> set[str]:
    """Every Name in the tree (including record-field names inside aggregates)."""
    out: set[str] = set()
    for n in walk(node):
        if isinstance(n, Name):
            out.add(n.name)
    return out


def walk(node: Node):
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (Not, Neg)):
        return (node.operand,)
    if isinstance(node, BoolOp):
        return node.items
    if isinstance(node, (Compare, Arith)):
        return (node.left, node.right)
    if isinstance(node, ListLit):
        return node.items
    if isinstance(node, Call):
        return node.args
    return ()


def unparse(node: Node) -> str:
    """Canonical text of a tree: used for explanations and to name lifted terms."""
    if isinstance(node, Lit):
        if node.kind == "date":
            return f'date("{node.value}")'
        if node.kind == "bool":
            return "true" if node.value else "false"
        if node.kind == "string":
            escaped = (node.value.replace("\\", "\\\\").replace('"', '\\"')
                       .replace("\n", "\\n").replace("\t", "\\t"))
            return '"' + escaped + '"'
        return _number_text(node.value)
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Not):
        return f"not {_paren(node.operand)}"
    if isinstance(node, Neg):
        return f"-{_paren(node.operand)}"
    if isinstance(node, BoolOp):
        return f" {node.op} ".join(_paren(i) for i in node.items)
    if isinstance(node, (Compare, Arith)):
        return f"{_paren(node.left)} {node.op} {_paren(node.right)}"
    if isinstance(node, ListLit):
        return "[" + ", ".join(unparse(i) for i in node.items) + "]"
    if isinstance(node, Call):
        return f"{node.func}(" + ", ".join(unparse(a) for a in node.args) + ")"
    raise TypeError(node)  # pragma: no cover


def _number_text(value: int | float) -> str:
    """A number as the grammar reads it: no exponent (repr would write 1e-05)."""
    text = repr(value)
    if "e" in text or "E" in text:
        from decimal import Decimal
        text = format(Decimal(text), "f")
    if isinstance(value, float) and "." not in text:
        text += ".0"  # stays a number, not an integer
    return text


def _paren(node: Node) -> str:
    text = unparse(node)
    if isinstance(node, (BoolOp, Compare, Arith, Not)):
        return f"({text})"
    return text
