"""A fast yes to "does this instance conform to this JSON Schema?", for the schemas we generate.

jsonschema is the authority on applications and writes the precise messages, but it takes
~230 µs per application, more than the engine evaluation itself. Almost every application in
a batch is valid, so `compile_schema` turns a generated application schema into a plain
predicate, once per matter, that answers True only when the instance surely conforms. Anything
else (an invalid instance, or a case this module does not decide exactly as jsonschema does,
such as an integer written as 3.0 or a NaN) answers False, and the caller then asks jsonschema.
So a False costs a jsonschema run; a True is never wrong (tested against jsonschema).

Only the keywords the application schema uses are understood; a schema with any other keyword
compiles to a predicate that always answers False.

Text holding BAD_TEXT (a lone surrogate or NUL) also answers False although JSON Schema allows
it: the checker cannot encode or store it, and the caller's slow path refuses it
(application.unprocessable). So a True also means "nothing in it the checker cannot process".
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable

Predicate = Callable[[Any], bool]

_ANNOTATIONS = {"$schema", "title", "description", "format"}  # format is not asserted by default
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_bad_text = BAD_TEXT.search


def _never(value: Any) -> bool:
    return False


def _is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or (kind is float and math.isfinite(value))


_TYPES: dict[str, Predicate] = {
    "object": lambda v: type(v) is dict,
    "array": lambda v: type(v) is list,
    "string": lambda v: type(v) is str and not _bad_text(v),
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
    "integer": lambda v: type(v) is int,  # 3.0 is an integer to jsonschema: left to it
    "number": _is_number,                 # NaN and infinities: left to jsonschema
}


class _Unsupported(Exception):
    pass


def compile_schema(schema: dict) -> Predicate:
    """A predicate that is True only for instances that conform to `schema`."""
    try:
        return _compile(schema)
    except _Unsupported:
        return _never


def _compile(schema: Any) -> Predicate:
    if not isinstance(schema, dict):
        raise _Unsupported
    checks: list[Predicate] = []
    unknown = set(schema) - _ANNOTATIONS - {
        "type", "enum", "const", "pattern", "minimum", "maximum", "properties", "required",
        "additionalProperties", "items", "anyOf", "uniqueItems", "minLength", "maxLength"}
    if unknown:
        raise _Unsupported
    if "type" in schema:
        if schema["type"] not in _TYPES:
            raise _Unsupported
        checks.append(_TYPES[schema["type"]])
    for key in ("enum", "const"):
        if key in schema:
            allowed = schema[key] if key == "enum" else [schema[key]]
            if not all(type(v) is str for v in allowed):
                raise _Unsupported
            members = frozenset(allowed)
            checks.append(lambda v, members=members: type(v) is str and v in members)  # members are clean
    if "pattern" in schema:
        search = re.compile(schema["pattern"]).search  # jsonschema searches too
        checks.append(lambda v, search=search: type(v) is not str or search(v) is not None)
    if "minLength" in schema or "maxLength" in schema:  # jsonschema counts characters too
        shortest, longest = schema.get("minLength", 0), schema.get("maxLength", math.inf)
        checks.append(lambda v, shortest=shortest, longest=longest:
                      type(v) is not str or shortest <= len(v) <= longest)
    if "minimum" in schema or "maximum" in schema:
        low, high = schema.get("minimum", -math.inf), schema.get("maximum", math.inf)
        checks.append(lambda v, low=low, high=high: (type(v) is not int and type(v) is not float)
                      or (low <= v <= high and (type(v) is int or math.isfinite(v))))
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        checks.append(_object(schema))
    if "items" in schema:
        checks.append(_items(_compile(schema["items"])))
    if schema.get("uniqueItems"):
        checks.append(lambda v: type(v) is not list or (all(type(i) is str for i in v) and len(set(v)) == len(v)))
    if "anyOf" in schema:
        checks.append(_any([_compile(b) for b in schema["anyOf"]]))
    return _all(checks)


# Combinators written out for the common sizes: a generator per check took a third of the time.

def _all(checks: list[Predicate]) -> Predicate:
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda v: a(v) and b(v)

    def every(v: Any) -> bool:
        for c in checks:
            if not c(v):
                return False
        return True
    return every


def _any(branches: list[Predicate]) -> Predicate:
    if len(branches) == 1:
        return branches[0]
    if len(branches) == 2:
        a, b = branches
        return lambda v: a(v) or b(v)

    def some(v: Any) -> bool:
        for b in branches:
            if b(v):
                return True
        return False
    return some


def _items(item: Predicate) -> Predicate:
    def each(v: Any) -> bool:
        if type(v) is list:
            for i in v:
                if not item(i):
                    return False
        return True
    return each


def _object(schema: dict) -> Predicate:
    if schema.get("additionalProperties", True) not in (True, False):
        raise _Unsupported
    closed = schema.get("additionalProperties") is False
    properties = {k: _compile(s) for k, s in schema.get("properties", {}).items()}
    required = tuple(schema.get("required", ()))

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return True  # "type" decides; properties only constrain objects
        for key in required:
            if key not in value:
                return False
        for key, item in value.items():
            rule = properties.get(key)
            if rule is None:
                if closed:
                    return False
            elif not rule(item):
                return False
        return True
    return check
