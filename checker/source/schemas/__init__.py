"""The shipped JSON Schemas of the rule files (matter, ruleset, local, office), and a document's
violations of one, each at the line and column of the offending value. Here, below the loader
and the locality files, so that both can check a file against its schema."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import jsonschema

from checker.errors import Problem
from checker.source.yamlsource import Document


@lru_cache(maxsize=None)
def schema(kind: str) -> dict:
    """The shipped JSON Schema for 'matter' or 'ruleset' files."""
    text = resources.files("checker.source").joinpath("schemas", f"{kind}.schema.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def _validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(kind))


def schema_problems(doc: Document, kind: str) -> list[Problem]:
    """JSON Schema violations of a document, each at the line and column of the offending value."""
    validator = _validator(kind)
    problems = []
    for err in validator.iter_errors(doc.data):
        problems.append(_schema_problem(doc, err))
    return sorted(set(problems))


def _schema_problem(doc: Document, err: jsonschema.ValidationError) -> Problem:
    # With oneOf/anyOf/if-then the most specific sub-error says the most.
    best = jsonschema.exceptions.best_match([err]) if err.context else err
    path = tuple(best.absolute_path)
    where = ".".join(str(p) for p in path) or "(top level)"
    message, hint = best.message, ""
    if best.validator == "additionalProperties" and isinstance(best.instance, dict):
        allowed = sorted(best.schema.get("properties", {}))
        extra = sorted(set(best.instance) - set(allowed))
        if extra:
            path = path + (extra[0],)
            message = f"unknown key '{extra[0]}'"
            import difflib
            close = difflib.get_close_matches(extra[0], allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(allowed)
            return Problem(doc.where(path, key=True), "S001", f"{where}: {message}", hint)
    if best.validator == "required":
        hint = "add it"
    elif best.validator == "enum":
        hint = "one of: " + ", ".join(str(v) for v in best.validator_value)
    elif best.validator == "pattern":
        hint = _PATTERN_HINTS.get(best.validator_value, f"must match {best.validator_value}")
        message = f"{best.instance!r} is not well formed"
    return Problem(doc.where(path), "S001", f"{where}: {message}", hint)


_PATTERN_HINTS = {
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$": "write a date as YYYY-MM-DD",
    r"^[A-Z]{2,4}-[0-9]{2}$": "a reference material ID such as IB-01",
    r"^[a-z][a-z0-9_]*$": "snake_case, e.g. filed_by_agent",
    r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$": "kebab-case, e.g. marriage-registration",
    r"^[a-z][a-z0-9-]*$": "lower-case letters, digits and '-'",
}
