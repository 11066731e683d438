"""The condition language: tokenizer, recursive-descent parser, and unparse.

Trees are compared with ==, which ignores positions by design (Node.pos has compare=False), so the
expected trees below are written without positions.  Offsets are counted by hand from the text.
"""

from __future__ import annotations

import pytest

from checker.lang.expr import (MAX_DEPTH, MAX_LENGTH, Arith, BoolOp, Call, Compare, ListLit, Lit, Name,
                          Neg, Not, ParseError, names_in, parse, tokenize, unparse)

a, b, c = Name("a"), Name("b"), Name("c")


def num(v):
    return Lit(v, "number")


def s(v):
    return Lit(v, "string")


def parse_error(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse(text)
    return info.value


# --------------------------------------------------------------------------- tokenizer

def test_tokenize_gives_kinds_texts_and_offsets():
    toks = tokenize('age>=18 and x == "y"')
    assert [(t.kind, t.text, t.pos) for t in toks] == [
        ("name", "age", 0), ("op", ">=", 3), ("number", "18", 5), ("name", "and", 8),
        ("name", "x", 12), ("op", "==", 14), ("string", '"y"', 17), ("end", "", 20),
    ]


# --------------------------------------------------------------------------- precedence

@pytest.mark.parametrize("text, tree", [
    ("a or b and c", BoolOp("or", (a, BoolOp("and", (b, c))))),
    ("a and b or c", BoolOp("or", (BoolOp("and", (a, b)), c))),
    ("not a and b", BoolOp("and", (Not(a), b))),
    ("not a or b", BoolOp("or", (Not(a), b))),
    ("not not a", Not(Not(a))),
    ("(a or b) and c", BoolOp("and", (BoolOp("or", (a, b)), c))),
    ("a or b or c", BoolOp("or", (a, b, c))),
    ("a and b and c", BoolOp("and", (a, b, c))),
])
def test_boolean_precedence_not_over_and_over_or(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize("text, tree", [
    ("a + b * c", Arith("+", a, Arith("*", b, c))),
    ("a * b + c", Arith("+", Arith("*", a, b), c)),
    ("a - b / c", Arith("-", a, Arith("/", b, c))),
    ("(a + b) * c", Arith("*", Arith("+", a, b), c)),
    ("a - b - c", Arith("-", Arith("-", a, b), c)),       # left-associative
    ("a / b * c", Arith("*", Arith("/", a, b), c)),
    ("-a * b", Arith("*", Neg(a), b)),                     # unary minus binds tightest
])
def test_arithmetic_precedence_and_associativity(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize("text, tree", [
    ("a + 1 > b * 2", Compare(">", Arith("+", a, num(1)), Arith("*", b, num(2)))),
    ("not a == b", Not(Compare("==", a, b))),
    ("a < b and b < c", BoolOp("and", (Compare("<", a, b), Compare("<", b, c)))),
    ("a - 1 in [b, 2]", Compare("in", Arith("-", a, num(1)), ListLit((b, num(2))))),
])
def test_comparison_binds_looser_than_arithmetic_and_tighter_than_not(text, tree):
    assert parse(text) == tree


# --------------------------------------------------------------------------- literals

@pytest.mark.parametrize("text, lit", [
    ("18", num(18)),
    ("2.5", num(2.5)),
    ("-3", num(-3)),
    ("-3.5", num(-3.5)),
    ("- -3", num(3)),
    ("true", Lit(True, "bool")),
    ("false", Lit(False, "bool")),
    ('"本地"', s("本地")),
    ("'single'", s("single")),
    (r'"a\"b"', s('a"b')),
    (r"'it\'s'", s("it's")),
    (r'"back\\slash"', s("back\\slash")),
    (r'"tab\there"', s("tab\there")),
])
def test_literals(text, lit):
    assert parse(text) == lit


def test_full_width_digits_are_not_numbers():
    assert parse_error("x >= １８").offset == 5


def test_number_literal_kinds_are_int_and_float():
    assert type(parse("18").value) is int
    assert type(parse("18.0").value) is float


def test_negative_number_folds_to_a_literal_but_negated_name_does_not():
    assert parse("-3") == num(-3)
    assert parse("-x") == Neg(Name("x"))
    assert parse("-(3)") == num(-3)


def test_date_call_folds_to_a_date_literal():
    node = parse('date("2024-02-29")')
    assert node == Lit("2024-02-29", "date")
    assert node.kind == "date" and node.value == "2024-02-29"


@pytest.mark.parametrize("text, offset", [
    ('date("2025-02-30")', 5),   # no 30 February: points at the string
    ('date("2023-02-29")', 5),   # 2023 is a common year
    ('date("2025-5-10")', 5),    # not zero-padded
    ('date("20250510")', 5),     # compact ISO form is not accepted
    ('x > date("2025-13-01")', 9),
])
def test_impossible_or_malformed_date_literal_is_refused(text, offset):
    err = parse_error(text)
    assert err.offset == offset
    assert "YYYY-MM-DD" in err.hint


@pytest.mark.parametrize("text", ["date()", "date(x)", 'date("2025-01-01", "2025-01-02")', "date(20250101)"])
def test_date_needs_exactly_one_string(text):
    assert parse_error(text).offset == 0


def test_list_literals():
    assert parse('x in ["a", "b"]') == Compare("in", Name("x"), ListLit((s("a"), s("b"))))
    assert parse("x in []") == Compare("in", Name("x"), ListLit(()))
    assert parse("x in [y, 1 + 2]") == Compare("in", Name("x"), ListLit((Name("y"), Arith("+", num(1), num(2)))))


def test_not_in():
    assert parse("x not in [1, 2]") == Compare("not in", Name("x"), ListLit((num(1), num(2))))
    assert parse("not x in [1]") == Not(Compare("in", Name("x"), ListLit((num(1),))))


def test_function_calls():
    assert parse("f()") == Call("f", ())
    assert parse("full_years(birth_date, application_date) >= 18") == Compare(
        ">=", Call("full_years", (Name("birth_date"), Name("application_date"))), num(18))
    assert parse("count(homes, area > 90 and owned)") == Call(
        "count", (Name("homes"), BoolOp("and", (Compare(">", Name("area"), num(90)), Name("owned")))))


def test_names_in_collects_every_name_including_record_fields():
    node = parse("count(homes, area > limit) > 0 and not known(age)")
    assert names_in(node) == {"homes", "area", "limit", "age"}


# --------------------------------------------------------------------------- errors and offsets

@pytest.mark.parametrize("text, offset", [
    ("a < b < c", 6),
    ("a == b == c", 7),
    ("a < b in [1]", 6),
    ("a in [1] in [2]", 9),
])
def test_chained_comparison_is_refused_with_a_hint(text, offset):
    err = parse_error(text)
    assert err.offset == offset
    assert "chained" in err.message
    assert "and" in err.hint


@pytest.mark.parametrize("text, offset, suggestion", [
    ("a = 1", 2, "=="),
    ("a && b", 2, "and"),
    ("a || b", 2, "or"),
    ("!a", 0, "not"),
    ("a 且 b", 2, "and"),
    ("a 或 b", 2, "or"),
])
def test_operators_from_other_languages_get_a_hint(text, offset, suggestion):
    err = parse_error(text)
    assert err.offset == offset
    assert f"'{suggestion}'" in err.hint


@pytest.mark.parametrize("text, offset", [
    ('x == "abc', 5),
    ("x == 'abc", 5),
    ('x == "ab\ncd"', 5),      # a string cannot span lines
])
def test_unterminated_string(text, offset):
    err = parse_error(text)
    assert err.message == "unterminated string"
    assert err.offset == offset


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_condition(text):
    err = parse_error(text)
    assert err.message == "empty condition"
    assert err.offset == 0


@pytest.mark.parametrize("text, offset", [
    ("age >= 18 $", 10),        # unexpected character
    ("a and", 5),               # ends too early: offset is the end of the text
    ("(a", 2),                  # missing ')'
    ("f(a, b", 6),              # missing ')' in a call
    ("[1, 2", 5),               # missing ']'
    ("a b", 2),                 # two operands with nothing between
    ("a + and b", 4),           # keyword where an operand belongs
    ("a < b not in [1]", 6),    # 'not in' after a comparison
    ("a > 1.", 5),              # '.' without digits
    ("a ) ", 2),
])
def test_error_offset_points_at_the_offending_character(text, offset):
    assert parse_error(text).offset == offset


def test_two_operands_side_by_side_get_a_joining_hint():
    assert "'and' or 'or'" in parse_error("age > 18 income < 3").hint


@pytest.mark.parametrize("word", ["and", "or", "in"])
def test_keywords_cannot_be_names(word):
    assert parse_error(f"{word} == 1").offset == 0


def test_non_text_condition_is_refused():
    with pytest.raises(ParseError):
        parse(18)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- limits

def test_nesting_below_the_limit_parses():
    depth = MAX_DEPTH - 1
    assert parse("(" * depth + "x" + ")" * depth) == Name("x")


@pytest.mark.parametrize("text", [
    "(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1),
    "not " * (MAX_DEPTH + 1) + "x",
    "-" * (MAX_DEPTH + 1) + "x",
    "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
    "f(" * (MAX_DEPTH + 1) + ")" * (MAX_DEPTH + 1),
])
def test_nesting_deeper_than_max_depth_is_refused(text):
    assert "nesting" in parse_error(text).message


def test_very_deep_nesting_within_the_length_limit_is_a_parse_error_not_a_crash():
    n = (MAX_LENGTH - 1) // 2
    assert "nesting" in parse_error("(" * n + "x" + ")" * n).message


def test_text_of_exactly_max_length_is_accepted():
    assert parse("x" * MAX_LENGTH) == Name("x" * MAX_LENGTH)


def test_text_longer_than_max_length_is_refused():
    err = parse_error("x" * (MAX_LENGTH + 1))
    assert err.offset == 0
    assert str(MAX_LENGTH) in err.message


# --------------------------------------------------------------------------- unparse

ROUND_TRIP = [
    "age >= 18",
    "a or b and c",
    "(a or b) and c",
    "a or (b or c)",
    "not a and b",
    "not (a and b)",
    "not not a",
    "a - (b - c)",
    "a - b - c",
    "(a + b) * c / 2",
    "-x * 2",
    "-(x * 2)",
    "x - -3",
    "--x",
    "(a < b) == c",
    "(x in [1]) == true",
    "x not in [\"a\", 'b', 2.5]",
    'region in ["本地", "外地"]',
    'name == "say \\"hi\\" \\\\ bye"',
    "x in []",
    'birth_date < date("2000-02-29")',
    "full_years(birth_date, application_date) >= 18 and id_valid(id_number)",
    "count(homes, area > 90 and not owned) == 0",
    "sum(homes, area * 1.5) <= limit",
    "any(homes, city in [\"a\"]) or all(homes, known(area))",
    "f()",
    "x == false",
    "1.0 == x",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_unparse_reparses_to_an_equal_tree(text):
    tree = parse(text)
    assert parse(unparse(tree)) == tree


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_unparse_is_canonical(text):
    once = unparse(parse(text))
    assert unparse(parse(once)) == once


@pytest.mark.parametrize("text, canonical", [
    ("a   and(b)", "a and b"),
    ("x in ['a']", 'x in ["a"]'),
    ('d == date("2025-05-10")', 'd == date("2025-05-10")'),
    ("not a == b", "not (a == b)"),
    ("a or b and c", "a or (b and c)"),
])
def test_unparse_canonical_text(text, canonical):
    assert unparse(parse(text)) == canonical


@pytest.mark.parametrize("text", [r'x == "a\nb"', r'x == "a\tb"', r'x in ["line1\nline2"]'])
def test_unparse_round_trips_escaped_newlines_and_tabs(text):
    tree = parse(text)
    assert parse(unparse(tree)) == tree


@pytest.mark.parametrize("text", [
    "x > 0.00001",                       # repr would write 1e-05, which the grammar cannot read
    "x > 0.0000015",
    "x < 10000000000000000.0",
    "x > 123456789012345678901234567890.0",
])
def test_unparse_round_trips_small_and_large_floats_keeping_their_type(text):
    tree = parse(text)
    again = parse(unparse(tree))
    assert again == tree
    assert type(again.right.value) is type(tree.right.value)
