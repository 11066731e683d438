"""Applications: their JSON Schema (generated from a matter's facts), validation, normalisation.

An application is the application date, the facts, and the materials presented. It is checked
against a schema generated from the matter, so a misspelt fact or a string where a number is
expected is refused with the field named, never silently treated as unknown. Then every value
is normalised into the flat fact the engine receives (durable-rules does not coerce types).
"""

from __future__ import annotations

import difflib
import hashlib
import math
import json
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jsonschema

from checker.run.conforms import BAD_TEXT, compile_schema
from checker.errors import CheckerError, Location, Problem, quoted
from checker.lang.functions import date_fault
from checker.lang.numbers import LARGEST, held
from checker.source.model import Matter, piece_field
from checker.lang.typecheck import Type
from checker.source.yamlsource import Document, load_file

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
PRESENTED_FORMS = ["original", "copy", "original_and_copy", "electronic"]
# Numbers the rules hold: magnitudes from LARGEST on are refused (lang/numbers.py).
BOUND = int(LARGEST) - 1
# An integer with more digits than this is no value of any field; it is refused before
# jsonschema, which would quote it (and Python cannot write an integer of over 4300 digits).
MAX_DIGITS = 30
_HUGE = 10 ** MAX_DIGITS
# The office's case reference names the notice files and the register's key; it is short.
MAX_REFERENCE = 100


def _value_schema(t: Type, spec: dict | None = None) -> dict:
    spec = spec or {}
    if t.kind == "bool":
        s: dict = {"type": "boolean"}
    elif t.kind == "integer":
        s = {"type": "integer", "minimum": -BOUND, "maximum": BOUND}
    elif t.kind == "number":
        s = {"type": "number", "minimum": -BOUND, "maximum": BOUND}
    elif t.kind == "string":
        s = {"type": "string"}
    elif t.kind == "enum":
        s = {"enum": list(t.values)}
    elif t.kind == "date":
        s = {"type": "string", "pattern": DATE_PATTERN, "format": "date"}
    else:  # list of records
        s = {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "properties": {k: {"anyOf": [_value_schema(v), {"type": "null"}]} for k, v in t.fields}}}
    if t.numeric:  # the matter's own range, within what the engine takes
        if spec.get("minimum") is not None:
            s["minimum"] = max(spec["minimum"], -BOUND)
        if spec.get("maximum") is not None:
            s["maximum"] = min(spec["maximum"], BOUND)
    return s


def application_schema(matter: Matter) -> dict:
    """The JSON Schema of a valid application for this matter."""
    facts = {}
    for name, f in matter.facts.items():
        s = _value_schema(f.type, {"minimum": f.minimum, "maximum": f.maximum})
        s = {"anyOf": [s, {"type": "null"}], "description": f.question["zh"] + " / " + f.question["en"]}
        if f.unit:
            s["description"] += f" ({f.unit})"
        facts[name] = s
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Application for {matter.id} ({matter.name['zh']})",
        "type": "object",
        "required": ["date"],
        "additionalProperties": False,
        "properties": {
            "matter": {"const": matter.id},
            "date": {"type": "string", "pattern": DATE_PATTERN, "format": "date",
                     "description": "application date (申请日期), YYYY-MM-DD"},
            "reference": {"type": "string", "minLength": 1, "maxLength": MAX_REFERENCE,
                          "description": "the office's own case reference"},
            "locality": {"type": "string", "pattern": "^[a-z][a-z0-9-]*$",
                         "description": "the locality whose rules apply (local/ID.yaml); absent: the office's"},
            "applicant": {"type": "object", "additionalProperties": False, "properties": {
                "name": {"type": "string"}, "contact": {"type": "string"},
                "phone": {"type": "string"}, "id_number": {"type": "string"}}},
            "facts": {"type": "object", "additionalProperties": False, "properties": facts},
            "materials": {"type": "array", "items": {
                "type": "object", "required": ["id"], "additionalProperties": False,
                "properties": {
                    "id": {"enum": matter.all_piece_ids},
                    "form": {"enum": PRESENTED_FORMS},
                    "copies": {"type": "integer", "minimum": 0, "maximum": 999},
                    "signed": {"type": "boolean"},
                    "sealed": {"type": "boolean"},
                    "valid_until": {"type": "string", "pattern": DATE_PATTERN, "format": "date"},
                    "note": {"type": "string"}}}},
            "promised": {"type": "array", "uniqueItems": True,
                         "items": {"enum": [m.id for m in matter.materials if m.promise_allowed] or ["-"]},
                         "description": "materials replaced by a written promise (告知承诺)"},
            "rongque": {"type": "boolean", "description": "the applicant asks for 容缺受理"},
        },
    }


@dataclass
class ApplicationValidator:
    """A matter's application schema, made ready once per matter: the fast check (conforms.py)
    that says yes to most applications, and jsonschema, which decides the rest and words the
    problems."""

    conforms: Callable[[Any], bool]
    validator: jsonschema.Draft202012Validator
    fields: list[str]  # the top-level keys of an application

    @classmethod
    def of(cls, matter: Matter) -> "ApplicationValidator":
        schema = application_schema(matter)
        return cls(compile_schema(schema), jsonschema.Draft202012Validator(schema), sorted(schema["properties"]))


_VALIDATORS: dict[int, ApplicationValidator] = {}  # by the matter's id, while the matter lives


def validator_for(matter: Matter) -> ApplicationValidator:
    """The matter's application validator, made the first time it is asked for."""
    found = _VALIDATORS.get(id(matter))
    if found is None:
        found = _VALIDATORS[id(matter)] = ApplicationValidator.of(matter)
        weakref.finalize(matter, _VALIDATORS.pop, id(matter), None)
    return found


@dataclass
class Application:
    date: str
    facts: dict[str, Any]
    presented: dict[str, dict]  # piece ID -> attributes
    promised: list[str] = field(default_factory=list)
    rongque: bool = False
    applicant: dict = field(default_factory=dict)
    reference: str = ""
    locality: str = ""  # the locality the application names ("": whichever the office applies)
    digest: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)  # an example's own parameter values

    def engine_facts(self) -> dict[str, Any]:
        """The flat fact asserted into the engine: facts, application date, materials."""
        out: dict[str, Any] = {k: v for k, v in self.facts.items() if v is not None}
        out["application_date"] = self.date
        for pid, attrs in self.presented.items():
            out[piece_field(pid)] = True
            for key, value in attrs.items():
                if key != "note" and value is not None:
                    out[piece_field(pid, key)] = value
        return out


def declarations(matter: Matter, app: Application) -> dict[str, str]:
    """The facts that signed materials state for this application: each fact declared on a
    material that the application leaves unsaid, while that material is presented and not marked
    unsigned -> the ID of the material. Their values are the facts' `declared_value`."""
    out = {}
    for f in matter.facts.values():
        if f.source == "declaration" and app.facts.get(f.name) is None:
            attrs = app.presented.get(f.declared_by)
            if attrs is not None and attrs.get("signed") is not False:
                out[f.name] = f.declared_by
    return out


def digest(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_application(path: Path | str, matter: Matter) -> Application:
    doc = load_file(path)
    return parse_application(doc.data, matter, doc)


def parse_application(data: Any, matter: Matter, doc: Document | None = None,
                      where: Location | None = None) -> Application:
    """Validate raw application data and normalise it; raise CheckerError naming every bad field."""
    name = doc.path if doc else (where.file if where else "<application>")

    def loc(path: tuple, key: bool = False) -> Location:
        if doc is not None:
            return doc.where(path, key=key)
        return where or Location(name)

    if not isinstance(data, dict):
        raise CheckerError(Problem(loc(()), "A001", "an application must be a mapping",
                                   "see `checker schema MATTER`"))
    problems: list[Problem] = []
    checks = validator_for(matter)
    fields = checks.fields
    given = [k for k in data if k != "matter"]  # `checker screen` adds the matter it chose
    if given and not any(k in fields or difflib.get_close_matches(str(k), fields, n=1) for k in given):
        # some other file (a configuration, a password file): its content is not echoed back
        raise CheckerError(Problem(loc(()), "A001", "not an application: none of its top-level keys is "
                                   "an application's", "an application has " + ", ".join(fields)))
    if not checks.conforms(data):  # the fast check is not sure: jsonschema decides, and words the problems
        problems = unprocessable(data, loc)  # first what jsonschema could not even quote
        if problems:
            raise CheckerError(problems)
        for err in checks.validator.iter_errors(data):
            problems.append(_problem(err, matter, loc))
        if problems:
            raise CheckerError(sorted(set(problems)))
    facts: dict[str, Any] = {}
    for key, value in (data.get("facts") or {}).items():
        t = matter.facts[key].type
        facts[key] = _normalise(t, value, ("facts", key), loc, problems)
    for key, f in matter.facts.items():
        if f.type.kind == "list" and facts.get(key) is not None:
            fields = [n for n, _ in f.type.fields]
            facts[key] = [{n: r.get(n) for n in fields} for r in facts[key]]
    _check_date(data["date"], ("date",), loc, problems)
    presented: dict[str, dict] = {}
    for i, item in enumerate(data.get("materials") or []):
        pid = item["id"]
        if pid in presented:
            problems.append(Problem(loc(("materials", i, "id")), "A004",
                                    f"material {pid} is listed twice", "merge the two entries"))
            continue
        if item.get("valid_until") is not None:
            _check_date(item["valid_until"], ("materials", i, "valid_until"), loc, problems)
        presented[pid] = {k: v for k, v in item.items() if k != "id"}
    if problems:
        raise CheckerError(sorted(set(problems)))
    return Application(date=data["date"], facts=facts, presented=presented,
                       promised=list(data.get("promised") or []), rongque=bool(data.get("rongque")),
                       applicant=data.get("applicant") or {}, reference=data.get("reference", ""),
                       locality=data.get("locality", ""), digest=digest(data))


def _normalise(t: Type, value: Any, path: tuple, loc, problems: list[Problem]) -> Any:
    if value is None:
        return None
    if t.kind == "integer":
        return int(value)
    if t.kind == "number":
        if not math.isfinite(float(value)):  # JSON can carry NaN and Infinity; the schema lets them by
            problems.append(Problem(loc(path), "A002", f"{'.'.join(map(str, path))}: {value!r} is not a finite number",
                                    "write a number"))
            return None
        return held(float(value))
    if t.kind == "date":
        _check_date(value, path, loc, problems)
    if t.kind == "list":
        fields = dict(t.fields)
        return [{k: _normalise(fields[k], v, path + (i, k), loc, problems) for k, v in record.items()}
                for i, record in enumerate(value)]
    return value


def _check_date(value: str, path: tuple, loc, problems: list[Problem]) -> None:
    """A date must be real (A003) and within the dates the checker handles (A005)."""
    fault = date_fault(value)
    if fault == "not a real date":
        problems.append(Problem(loc(path), "A003", f"'{value}' is not a real date", "write YYYY-MM-DD"))
    elif fault:
        problems.append(Problem(loc(path), "A005", f"{'.'.join(map(str, path))}: '{value}' is {fault}",
                                "write the real date"))


def unprocessable(data: Any, loc, path: tuple = ()) -> list[Problem]:
    """Values no field accepts and that the checker could not even quote, encode or store:
    integers of more than MAX_DIGITS digits, and text (values and keys) holding a lone surrogate
    (JSON's "\\ud800", which UTF-8 cannot encode) or a NUL character (which PostgreSQL cannot
    store). Reported before jsonschema, whose messages quote the value."""
    problems: list[Problem] = []
    kind = type(data)
    if kind is int and not -_HUGE < data < _HUGE:
        problems.append(Problem(loc(path), "A006", f"{_name(path)}: a number of more than {MAX_DIGITS} digits",
                                f"numbers are at most {BOUND}"))
    elif kind is str and BAD_TEXT.search(data):
        problems.append(_bad_text(loc(path), f"{_name(path)}: text", data))
    elif kind is dict:
        for key, value in data.items():
            if type(key) is str and BAD_TEXT.search(key):
                problems.append(_bad_text(loc(path + (key,), True), f"{_name(path)}: a key", key))
            else:
                problems += unprocessable(value, loc, path + (key,))
    elif kind is list:
        for i, value in enumerate(data):
            problems += unprocessable(value, loc, path + (i,))
    return problems


def _name(path: tuple) -> str:
    return ".".join(map(str, path)) or "(top level)"


def _bad_text(where: Location, what: str, text: str) -> Problem:
    found = BAD_TEXT.search(text)
    at = f"at character {found.start() + 1}"
    if found.group() == "\0":
        return Problem(where, "A006", f"{what} holding a NUL character {at}", "remove it")
    return Problem(where, "A006", f"{what} holding a lone surrogate U+{ord(found.group()):04X} {at}, "
                   "which is not Unicode text", "send UTF-8 text; a \\ud800-\\udbff escape needs its \\udc00-\\udfff pair")


def _problem(err: jsonschema.ValidationError, matter: Matter, loc) -> Problem:
    path = tuple(err.absolute_path)
    field_name = ".".join(str(p) for p in path) or "(top level)"
    if err.validator == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        extra = sorted(set(err.instance) - set(allowed))[0]
        if path == ("facts",) and extra in matter.derived:
            return Problem(loc(path + (extra,), True), "A002",
                           f"facts.{extra} is derived by the checker, not given",
                           "remove it; it is computed from other facts")
        close = difflib.get_close_matches(extra, allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(allowed)
        return Problem(loc(path + (extra,), True), "A002",
                       f"{field_name}: unknown field {quoted(extra, 40)}", hint)
    if err.validator == "anyOf" and err.context:
        # a fact: report the type it should have
        inner = [e for e in err.context if e.validator != "type" or e.validator_value != "null"]
        best = inner[0] if inner else err
        return Problem(loc(path), "A002", f"{field_name}: {_message(best)}", _expect(best))
    if err.validator == "enum" and path and path[-1] == "id":
        close = difflib.get_close_matches(str(err.instance), [str(v) for v in err.validator_value], n=1)
        hint = f"did you mean '{close[0]}'?" if close else "see `checker show` for the material IDs"
        return Problem(loc(path), "A002", f"{field_name}: '{err.instance}' is not a material of {matter.id}",
                       hint)
    return Problem(loc(path), "A002", f"{field_name}: {_message(err)}", _expect(err))


def _message(err: jsonschema.ValidationError) -> str:
    """jsonschema's message, with a long value cut short: one line, whatever was sent."""
    shown = repr(err.instance)
    if len(shown) <= 80 or shown not in err.message:
        return err.message
    return err.message.replace(shown, shown[:60] + "…", 1)


def _as_number(text: str, kind: str) -> int | float | None:
    """The number a text reads as (Python reads full-width digits such as "１２" too), or None."""
    if len(text) > 30:
        return None
    try:
        value = int(text) if kind == "integer" else float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _expect(err: jsonschema.ValidationError) -> str:
    v = err.validator
    if v == "type":
        wanted = err.validator_value
        if wanted in ("integer", "number") and isinstance(err.instance, str):
            number = _as_number(err.instance, wanted)
            if number is not None:
                digits = "" if err.instance.isascii() else ", in half-width digits"
                return f"expected {wanted}: write {number} without quotes{digits}"
        return f"expected {wanted}"
    if v == "enum":
        return "one of: " + ", ".join(str(x) for x in err.validator_value)
    if v == "pattern":
        return "write a date as YYYY-MM-DD" if err.validator_value == DATE_PATTERN else ""
    if v == "required":
        return "add it"
    return ""
