"""Typed objects for a loaded matter: what the YAML says, after validation and parsing."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from checker.errors import Location
from checker.lang.expr import BoolOp, Compare, Lit, Name, Node
from checker.lang.typecheck import Type
from checker.source.yamlsource import Document

Text = dict  # {"zh": ..., "en": ...}

OUTCOMES = ("accept", "rongque", "correct", "questions", "refuse", "redirect", "not_required")


@functools.lru_cache(maxsize=8192)
def piece_field(piece_id: str, attribute: str = "") -> str:
    """The application-fact field for a presented material (or one of its attributes): the
    application writes it, the compiled conditions read it."""
    base = "mat_" + piece_id.replace("-", "_").replace("/", "_")
    return f"{base}__{attribute}" if attribute else base


def with_dates(when: Node | None, start: str | None, until: str | None) -> Node:
    """A rule's or a material's condition with its dates in force: it holds only for applications
    dated from `start` and before `until`."""
    items: list[Node] = [] if when is None else [when]
    if start:
        items.append(Compare(">=", Name("application_date"), Lit(start, "date")))
    if until:
        items.append(Compare("<", Name("application_date"), Lit(until, "date")))
    if not items:
        return Lit(True, "bool")
    return items[0] if len(items) == 1 else BoolOp("and", tuple(items))


@dataclass
class Fact:
    name: str
    type: Type
    question: Text
    label: Text
    unit: str = ""
    # where the value comes from (the file's `from`): "applicant" (stated, asked by the interview),
    # "declaration" (a signed material states it: `declared_by`, `declared_value`) or "agency"
    # (verified by the agency itself: `verified_how`); "" when the author has not said (as applicant)
    source: str = ""
    declared_by: str = ""
    declared_value: Any = None
    verified_how: Text | None = None
    value_labels: dict[str, Text] = field(default_factory=dict)
    minimum: float | None = None
    maximum: float | None = None
    note: Text | None = None  # for rule authors only: never shown to an applicant
    remark: Text | None = None  # for the applicant, in plain language
    confidence: str = ""
    record_only: bool = False  # kept on the application for the record; no rule uses it
    field_specs: dict[str, dict] = field(default_factory=dict)  # list: each record field as declared
    origin: str = ""  # the matter or rule set that declared it
    location: Location | None = None

    @property
    def asked(self) -> bool:
        """The applicant states it: an unknown value is a question for them."""
        return self.source in ("", "applicant")


def cite_kind(cite: list[dict]) -> str:
    """How an item is sourced: "cited" (a reference section), "inferred" (only why it is inferred)
    or "none"."""
    if not cite:
        return "none"
    return "cited" if any("section" in c for c in cite) else "inferred"


@dataclass
class Parameter:
    """A value set by law or locally: `value`, replaced from each `changes` date on; a local
    office's file may override it (`local_value`). `value` None: only a locality sets it."""

    name: str
    type: Type
    value: Any
    label: Text
    changes: list[tuple[str, Any]] = field(default_factory=list)  # (from, value), in date order
    unit: str = ""
    local: bool = True
    local_value: Any = None
    local_source: str = ""
    local_cite: list[dict] = field(default_factory=list)
    note: Text | None = None
    confidence: str = ""
    cite: list[dict] = field(default_factory=list)  # where the reference says so: [{section, url} | {inferred}]
    origin: str = ""
    location: Location | None = None

    def on(self, day: str) -> Any:
        """The value in force on `day` (an ISO date)."""
        if self.local_value is not None:
            return self.local_value
        value = self.value
        for start, changed in self.changes:
            if start <= day:
                value = changed
        return value


@dataclass
class Step:
    """One step of the processing flow, with its time limit."""

    key: str
    kind: str
    name: Text
    actor: Text | None = None
    time_limit: dict = field(default_factory=dict)
    note: Text | None = None


@dataclass
class Derived:
    """A fact computed from others: `value`, when `when` holds (else `otherwise`, else unknown)."""

    name: str
    type: Type
    value: Node
    value_text: str
    label: Text
    when: Node | None = None
    when_text: str = ""
    otherwise: Node | None = None
    otherwise_text: str = ""
    unit: str = ""
    note: Text | None = None
    confidence: str = ""
    cite: list[dict] = field(default_factory=list)  # where the reference says so: [{section, url} | {inferred}]
    origin: str = ""
    location: Location | None = None


@dataclass
class Part:
    id: str  # MATERIAL-ID/part, e.g. IB-03/lease
    name: Text
    form: str
    copies: int | str | None  # a number, the name of an integer parameter, None: not stated (not checked)
    standard: Text | None = None
    source: Text | None = None


@dataclass
class Option:
    key: str
    name: Text
    parts: list[Part]
    when: Node | None = None
    when_text: str = ""


@dataclass
class Material:
    id: str
    name: Text
    form: str
    copies: int | str | None = None  # a number, an integer parameter's name; None: not stated, not checked
    standard: Text | None = None
    source: Text | None = None
    when: Node | None = None
    when_text: str = ""
    why: Text | None = None
    basis: list[dict] = field(default_factory=list)
    secondary: bool = False
    promise_allowed: bool | Node = False  # or a condition (e.g. the promise route was chosen)
    shared: bool | str = False  # or the name of a bool parameter
    effective_from: str | None = None
    effective_until: str | None = None
    options: list[Option] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    note: Text | None = None  # for rule authors only
    remark: Text | None = None  # for the applicant
    confidence: str = ""
    cite: list[dict] = field(default_factory=list)  # where the reference says so: [{section, url} | {inferred}]
    replaces: str = ""  # the material this one replaced on its effective_from
    location: Location | None = None

    @property
    def pieces(self) -> list[tuple[str, str, int | str]]:
        """What an application may present for this material, (id, form, copies): itself, or its
        parts (a part may serve in several options: each once)."""
        if self.options:
            seen: dict[str, tuple[str, str, int | str]] = {}
            for o in self.options:
                for p in o.parts:
                    seen.setdefault(p.id, (p.id, p.form, p.copies))
            return list(seen.values())
        return [(self.id, self.form, self.copies)]

    @property
    def piece_ids(self) -> list[str]:
        """The IDs an application may present for this material: itself, or its parts."""
        return [piece[0] for piece in self.pieces]


@dataclass
class Rule:
    id: str
    when: Node
    when_text: str
    outcome: str
    reason: Text
    basis: list[dict]
    redirect_to: Text | None = None
    note: Text | None = None  # for rule authors only
    remark: Text | None = None  # for the applicant
    confidence: str = ""
    cite: list[dict] = field(default_factory=list)  # where the reference says so: [{section, url} | {inferred}]
    stage: str = "acceptance"  # or "review": verified on review or inspection (不予许可)
    qualifies_from: Node | None = None  # a refusal: the date from which the applicant would qualify
    effective_from: str | None = None
    effective_until: str | None = None
    origin: str = ""
    location: Location | None = None


@dataclass
class Example:
    name: str
    application: dict
    expect: dict
    source: str = ""
    location: Location | None = None
    index: int = 0
    parameters: dict[str, Any] = field(default_factory=dict)  # as a local office would set them
    locality: str = ""  # run with this locality's settings (local/ID.yaml)


@dataclass
class Matter:
    id: str
    name: Text
    department: Text
    level: str
    type: str
    basis: list[dict]
    time_limit: dict
    fee: dict
    facts: dict[str, Fact]
    derived: dict[str, Derived]  # in dependency order
    materials: list[Material]
    rules: list[Rule]
    examples: list[Example]
    code: str = ""
    parameters: dict[str, Parameter] = field(default_factory=dict)
    flow: list[Step] = field(default_factory=list)
    local: str = ""  # the locality whose settings were applied ("": the national rules)
    locality_name: Text | None = None
    rongque: bool = False
    handling: dict = field(default_factory=dict)  # where and how to apply: mode, in_person, text
    licensing: bool = False  # an administrative licence: 行政许可法 governs acceptance and notices
    procedure_basis: list[dict] = field(default_factory=list)  # what governs acceptance otherwise
    note: Text | None = None
    path: str = ""
    files: dict[str, bytes] = field(default_factory=dict)  # every file read, for the rules hash
    # the matter file as read, with its positions (the linter points into it); None when built in code
    document: Document | None = field(default=None, repr=False, compare=False)

    def parameter_values(self, day: str) -> dict[str, Any]:
        """The values in force on `day`; a value only a locality sets, and none has, is left out
        (unknown: it never decides a refusal)."""
        values = {name: p.on(day) for name, p in self.parameters.items()}
        return {name: v for name, v in values.items() if v is not None}

    def copies(self, copies: int | str | None, day: str) -> int | None:
        """A number of copies, resolving a parameter's name on the application date (None: the
        sources give no number)."""
        if copies is None or isinstance(copies, int):
            return copies
        value = self.parameters[copies].on(day)  # None: only a locality sets it, and none has
        return None if value is None else int(value)

    def referenced_names(self) -> set[str]:
        """Every name some condition, derived fact or alternative uses."""
        from checker.lang.expr import names_in
        nodes = [r.when for r in self.rules] + [r.qualifies_from for r in self.rules if r.qualifies_from is not None]
        nodes += [n for d in self.derived.values() for n in (d.value, d.when, d.otherwise) if n is not None]
        for m in self.materials:
            nodes += [n for n in (m.when, m.promise_allowed) if isinstance(n, Node)]
            nodes += [o.when for o in m.options if o.when is not None]
        return set().union(*(names_in(n) for n in nodes)) if nodes else set()

    def material(self, material_id: str) -> Material | None:
        for m in self.materials:
            if m.id == material_id:
                return m
        return None

    def piece(self, piece_id: str) -> tuple[Material, Part | None] | None:
        """The material (and part) a presented ID refers to."""
        base = piece_id.split("/", 1)[0]
        m = self.material(base)
        if m is None:
            return None
        if "/" not in piece_id:
            return (m, None) if not m.options else None
        for o in m.options:
            for p in o.parts:
                if p.id == piece_id:
                    return m, p
        return None

    @property
    def all_piece_ids(self) -> list[str]:
        return [pid for m in self.materials for pid in m.piece_ids]
