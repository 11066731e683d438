"""The one-time notice (一次性告知书): its data, independent of how it is rendered.

`Notice.to_dict()` is the documented, stable JSON shape (schema "checker.notice/1"); the
renderers read only this object. `notice_from_json` reads that shape back, so that a notice kept
as issued (the register keeps its JSON) is reprinted exactly, not evaluated again.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any

from checker.errors import fail


NOTICE_SCHEMA = "checker.notice/1"

# outcomes that end the matter here, in order of precedence: a park needs no licence, whatever else it lacks
NOT_GOING_AHEAD = ("redirect", "not_required", "refuse")

# the forms a material may be presented in, and the outcomes a notice may announce; their words
# are in checker/texts.py (notice.form.*, notice.basis.*)
FORMS = ("original", "copy", "original_and_copy", "electronic", "original_or_electronic")
OUTCOMES = ("accept", "rongque", "correct", "refuse", "redirect", "not_required", "questions")


@dataclass
class FactValue:
    """A fact that explains a finding: its name, label and value as given or derived."""

    fact: str
    label: dict
    value: Any
    display: dict  # the value in words, zh and en


@dataclass
class PartStatus:
    id: str
    name: dict
    presented: bool
    form: str = "original"
    copies: int | None = None


@dataclass
class Alternative:
    option: str
    name: dict
    parts: list[PartStatus]
    applies: bool | None  # True: the facts say this route applies; None: it may


@dataclass
class Problem:
    kind: str  # form | copies | unsigned | unsealed | expired
    text: dict


@dataclass
class MaterialItem:
    id: str
    name: dict
    form: str
    copies: int | None  # None: the sources give no number
    standard: dict | None
    source: dict | None
    why: dict  # why it is required, in words
    facts: list[FactValue]
    basis: list[dict]
    secondary: bool = False
    promise_allowed: bool = False
    alternatives: list[Alternative] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    remark: dict | None = None  # the matter's plain remark for the applicant


@dataclass
class Reason:
    rule: str
    outcome: str
    text: dict
    basis: list[dict]
    facts: list[FactValue]
    redirect_to: dict | None = None
    remark: dict | None = None
    stage: str = "acceptance"  # acceptance (不予受理) or review (不予许可)
    qualifies_on: str | None = None  # a refusal: the date from which the applicant would meet the condition


@dataclass
class ToVerify:
    """A condition of the licence that the facts given do not settle: verified on review or
    inspection, not asked at the window."""

    rule: str
    text: dict
    basis: list[dict]
    facts: list[str]


@dataclass
class Declared:
    """A fact the application did not state, taken from the signed material that declares it."""

    fact: str
    label: dict
    display: dict  # the declared value in words
    material: str  # the ID of the signed material
    material_name: dict


@dataclass
class InfoNeeded:
    fact: str
    question: dict
    type: str
    values: list[str]
    affects: list[str]  # rule and material IDs that wait for it
    effects: list[dict] = field(default_factory=list)  # the same, in words: what the answer may change


@dataclass
class Notice:
    outcome: str
    outcome_basis: dict
    matter: dict
    application: dict
    reasons: list[Reason]
    missing: list[MaterialItem]
    defective: list[MaterialItem]
    possibly_required: list[MaterialItem]
    info_needed: list[InfoNeeded]
    to_verify: list[ToVerify]
    declared: list[Declared]
    deferred: list[MaterialItem]
    promised: list[MaterialItem]
    exempt: list[MaterialItem]
    accepted: list[dict]  # materials presented and in order: {id, name}
    derived: dict[str, Any]  # name -> value, for programs
    computed: list[FactValue]  # the same, labelled and in words, for people
    deadline: dict
    time_limit: dict
    fee: dict
    rules_sha256: str
    application_sha256: str
    checker_version: str
    locality: dict = field(default_factory=dict)  # {id, name} of the locality whose rules applied; {}: national
    office: dict = field(default_factory=dict)  # the issuing office: name, address, hours, phones
    number: str = ""  # the document number from the register, e.g. X审补〔2026〕第0042号
    supersedes: str = ""  # the number of the earlier notice for the same submission
    schema: str = NOTICE_SCHEMA

    @property
    def review_checks(self) -> list[ToVerify]:
        """Conditions of a licence left to review or inspection (each names its rule)."""
        return [v for v in self.to_verify if v.rule]

    @property
    def agency_checks(self) -> list[ToVerify]:
        """What the agency establishes itself (its records, data sharing, its own checks)."""
        return [v for v in self.to_verify if not v.rule]

    @property
    def acceptable(self) -> bool:
        """The application can be accepted as it is (exit code 0)."""
        return self.outcome == "accept"

    def to_dict(self) -> dict:
        """As dataclasses.asdict, which deep-copies every leaf and took longer than checking."""
        return to_plain(self)


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_LEAVES = (str, int, float, bool, type(None))


def to_plain(value: Any) -> Any:
    kind = type(value)
    if kind in _LEAVES:
        return value
    if kind is list:
        return [to_plain(v) for v in value]
    if kind is dict:
        return {k: to_plain(v) for k, v in value.items()}
    if kind is tuple:
        return tuple(to_plain(v) for v in value)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not is_dataclass(value):
            raise TypeError(f"a notice holds only dataclasses, lists, dicts and JSON values, not {kind.__name__}")
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(value))
    return {n: to_plain(getattr(value, n)) for n in names}


def notice_from_json(text: str, where: str = "notice") -> Notice:
    """The notice whose JSON (render(notice, "json")) is `text`: rendered again in any format and
    language it reads exactly as the notice did. `where` names the stored notice in errors (E029)."""
    return from_json({NOTICE_SCHEMA: Notice}, text, where)


def from_json(kinds: dict[str, type], text: str, where: str):
    """A notice from its JSON `text`, as the dataclass `kinds` names for its schema; a text that
    is not such a notice is refused naming the field (E029), never half read."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise fail(where, f"the stored notice is not JSON ({e})", code="E029",
                   hint="it was changed or cut short after it was issued") from None
    found = data.get("schema") if isinstance(data, dict) else None
    if found not in kinds:
        raise fail(where, f"the stored notice is of schema {found!r}, not {' or '.join(map(repr, kinds))}",
                   code="E029", hint="a notice of another kind, or written by a newer version of the checker")
    return from_plain(kinds[found], data, where)


def from_plain(hint: Any, value: Any, where: str, path: str = "") -> Any:
    """`value` (parsed JSON) as the type `hint` says: a dataclass from an object with exactly its
    fields (those with a default may be absent), a list of the type its items are, a leaf as it
    is if it is of the type. The inverse of to_plain."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]  # the notice's unions are `X | None`
        return from_plain(inner, value, where, path)
    if is_dataclass(hint):
        if not isinstance(value, dict):
            raise _shape(where, f"{_field(path)} is {_kind(value)}, not an object")
        hints = _hints(hint)
        known = {f.name: f for f in fields(hint)}
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise _shape(where, f"{_field(_join(path, unknown[0]))} is not a field of a notice")
        kwargs = {}
        for name, f in known.items():
            if name in value:
                kwargs[name] = from_plain(hints[name], value[name], where, _join(path, name))
            elif f.default is MISSING and f.default_factory is MISSING:
                raise _shape(where, f"{_field(_join(path, name))} is missing")
        return hint(**kwargs)
    if origin is list:
        if not isinstance(value, list):
            raise _shape(where, f"{_field(path)} is {_kind(value)}, not a list")
        return [from_plain(args[0], v, where, f"{path}[{i}]") for i, v in enumerate(value)]
    if hint is Any:
        return value
    expected = origin or hint  # dict[str, Any] is a dict; str, int, bool as they are
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise _shape(where, f"{_field(path)} is {_kind(value)}, not {_KINDS.get(expected, expected.__name__)}")
    return value


_KINDS = {dict: "an object", list: "a list", str: "a text", int: "a whole number", float: "a number",
          bool: "true or false", type(None): "null"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _field(path: str) -> str:
    return f"the field {path}" if path else "the notice"


def _shape(where: str, message: str):
    return fail(where, f"the stored notice cannot be read: {message}", code="E029",
                hint="it was changed after it was issued, or is not a notice")


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """A dataclass's field types, resolved once (the annotations are strings)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]

