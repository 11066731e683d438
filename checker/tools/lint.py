"""Lint checks on a matter that loaded cleanly: things that are legal but almost certainly wrong.

Each check is one function here, registered with `@check(codes...)`; each code it reports
(W0xx) is documented in `checker/codes.py` with a bad and a good example, which
tests/test_codes.py runs. `checker validate` runs every registered check after the schema and
semantic checks, and `--select` / `--ignore` pick them by code.

To add one: write `@check("W0NN") def name(ctx: Context) -> Iterator[Problem]` below, and
give W0NN its entry (summary, explanation, bad, good) in codes.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from checker.errors import Location, Problem
from checker.lang.expr import unparse
from checker.source.model import Matter, with_dates
from checker.lang.satisfiable import can_be
from checker.lang.typecheck import Type

_CJK = re.compile(r"[\u2e80-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Context:
    """What every check reads about one matter, worked out once."""

    matter: Matter
    types: dict[str, Type]  # every name a condition may read, with its type
    bounds: dict[str, tuple]  # declared (minimum, maximum) of the facts that have them
    used: set[str]  # the names some condition reads

    @classmethod
    def of(cls, matter: Matter) -> "Context":
        types: dict[str, Type] = {n: f.type for n, f in matter.facts.items()}
        types.update({n: d.type for n, d in matter.derived.items()})
        types.update({n: p.type for n, p in matter.parameters.items()})
        bounds = {n: (f.minimum, f.maximum) for n, f in matter.facts.items()
                  if f.minimum is not None or f.maximum is not None}
        return cls(matter, types, bounds, matter.referenced_names())


@dataclass(frozen=True)
class Check:
    codes: tuple[str, ...]  # the codes it may report
    run: Callable[[Context], Iterator[Problem]]


CHECKS: list[Check] = []


def check(*codes: str):
    """Register a lint check that reports `codes`."""
    def register(func: Callable[[Context], Iterator[Problem]]):
        CHECKS.append(Check(codes, func))
        return func
    return register


def lint(matter: Matter) -> list[Problem]:
    """Every lint problem of a matter, in file order."""
    ctx = Context.of(matter)
    return sorted({p for c in CHECKS for p in c.run(ctx)})


def _where(loc: Location | None, matter: Matter) -> Location:
    return loc or Location(matter.path)


@check("W001")
def unused_facts(ctx: Context) -> Iterator[Problem]:
    matter, used = ctx.matter, ctx.used
    own = f"matter {matter.id}"
    for f in matter.facts.values():
        if f.origin == own and f.name not in used and not f.record_only:
            yield Problem(_where(f.location, matter), "W001", f"fact '{f.name}' is declared but no condition uses it",
                          "remove it, or use it in a rule, a material's when, or a derived fact")


@check("W010")
def unsaid_sources(ctx: Context) -> Iterator[Problem]:
    """Facts read by a rule or material (directly or through derived facts) whose `from` is unsaid."""
    matter, used = ctx.matter, ctx.used
    for f in matter.facts.values():
        if f.name in used and not f.source:
            yield Problem(_where(f.location, matter), "W010",
                          f"fact '{f.name}' is read by a condition but does not say where its value comes from",
                          "add `from: applicant`, `from: {declaration: ID, value: ...}` or `from: {agency: {zh, en}}`")


@check("W002", "W003")
def never_or_always(ctx: Context) -> Iterator[Problem]:
    matter, types, bounds = ctx.matter, ctx.types, ctx.bounds
    for r in matter.rules:
        node = with_dates(r.when, r.effective_from, r.effective_until)
        if can_be(node, True, types, bounds) is False:
            yield Problem(_where(r.location, matter), "W002", f"rule '{r.id}' can never apply: `{r.when_text}` is never true",
                          "check the comparison operators and the declared ranges")
        elif can_be(node, False, types, bounds) is False:
            yield Problem(_where(r.location, matter), "W003", f"rule '{r.id}' applies to every application: `{r.when_text}` is always true",
                          f"every application would end as {r.outcome}")
    for m in matter.materials:
        if m.when is None:
            continue
        node = with_dates(m.when, m.effective_from, m.effective_until)
        if can_be(node, True, types, bounds) is False:
            yield Problem(_where(m.location, matter), "W002", f"material {m.id} can never be required: `{m.when_text}` is never true",
                          "check the condition and the effective dates")
        elif can_be(m.when, False, types, bounds) is False:
            yield Problem(_where(m.location, matter), "W003", f"material {m.id}'s condition `{m.when_text}` is always true",
                          "drop `when`: the material is always required")
        for o in m.options:
            if o.when is not None and can_be(o.when, True, types, bounds) is False:
                yield Problem(_where(m.location, matter), "W002",
                              f"alternative '{o.key}' of {m.id} can never apply: `{o.when_text}` is never true")
    for d in matter.derived.values():
        if d.when is not None and can_be(d.when, True, types, bounds) is False:
            yield Problem(_where(d.location, matter), "W002", f"derived fact '{d.name}' is never computed: `{d.when_text}` is never true")


@check("W004", "W005")
def rule_pairs(ctx: Context) -> Iterator[Problem]:
    matter = ctx.matter
    seen: dict[str, object] = {}
    for r in matter.rules:
        key = unparse(with_dates(r.when, r.effective_from, r.effective_until))
        first = seen.get(key)
        if first is None:
            seen[key] = r
            continue
        if first.outcome == r.outcome:  # type: ignore[attr-defined]
            yield Problem(_where(r.location, matter), "W004", f"rule '{r.id}' has the same condition as '{first.id}'",  # type: ignore[attr-defined]
                          "merge the two rules")
        else:
            yield Problem(_where(r.location, matter), "W005",
                          f"rule '{r.id}' ({r.outcome}) and '{first.id}' ({first.outcome}) have the same condition",  # type: ignore[attr-defined]
                          "one condition cannot lead to two outcomes: correct one of them")


@check("W006", "W007", "W008")
def materials(ctx: Context) -> Iterator[Problem]:
    matter = ctx.matter
    for m in matter.materials:
        if m.shared is True and (m.secondary or m.promise_allowed is not False or m.checks):
            flags = [k for k, v in (("secondary", m.secondary), ("promise_allowed", m.promise_allowed is not False),
                                    ("checks", bool(m.checks))) if v]
            yield Problem(_where(m.location, matter), "W006",
                          f"material {m.id} is obtained by data sharing (shared) yet has {', '.join(flags)}",
                          "an exempt material is never presented: remove those keys or `shared`")
        if not m.basis:
            yield Problem(_where(m.location, matter), "W008", f"material {m.id} has no legal basis",
                          "add `basis:` with the instrument and article that require it")
        if m.replaces:
            old = matter.material(m.replaces)
            if old is None:
                yield Problem(_where(m.location, matter), "W007", f"material {m.id} replaces {m.replaces}, which this matter does not define")
            elif old.effective_until != m.effective_from:
                gap = "a gap" if (old.effective_until or "") < (m.effective_from or "") else "an overlap"
                yield Problem(_where(m.location, matter), "W007",
                              f"{m.id} (from {m.effective_from}) replaces {old.id} (until {old.effective_until}): the dates leave {gap}",
                              f"set {m.id}'s effective_from to {old.id}'s effective_until")


@check("W009")
def languages(ctx: Context) -> Iterator[Problem]:
    matter = ctx.matter
    doc = matter.document
    if doc is None:
        return

    def walk(data, path):
        if isinstance(data, dict):
            if set(data) >= {"zh", "en"} and isinstance(data.get("zh"), str) and isinstance(data.get("en"), str):
                zh, en = data["zh"], data["en"]
                if not _CJK.search(zh) and _LATIN.search(zh):
                    yield Problem(doc.where(path + ("zh",)), "W009", f"the Chinese text has no Chinese: {zh[:40]!r}",
                                  "write the zh text in Chinese")
                cjk, latin = len(_CJK.findall(en)), len(_LATIN.findall(en))
                if cjk > latin:
                    yield Problem(doc.where(path + ("en",)), "W009", f"the English text is mostly Chinese: {en[:40]!r}",
                                  "translate it; Chinese terms may stay in brackets")
                return
            for k, v in data.items():
                if k not in ("examples",):
                    yield from walk(v, path + (k,))
        elif isinstance(data, list):
            for i, v in enumerate(data):
                yield from walk(v, path + (i,))

    yield from walk(doc.data, ())


@check("W011")
def uncited(ctx: Context) -> Iterator[Problem]:
    """Every rule, material, parameter and computed fact says where the reference gives it (W011)."""
    matter = ctx.matter
    items = [("rule", r.id, r) for r in matter.rules] + [("material", m.id, m) for m in matter.materials]
    items += [("parameter", p.name, p) for p in matter.parameters.values()]
    items += [("derived fact", d.name, d) for d in matter.derived.values()]
    for kind, name, item in items:
        if not item.cite:
            yield Problem(_where(item.location, matter), "W011", f"{kind} {name} cites no source",
                          "add `cite: {section: \"NN Part\", url: https://...}` from the reference, "
                          "or `cite: {inferred: why}` if no source states it")


@check("W012")
def unlabelled(ctx: Context) -> Iterator[Problem]:
    """Every value a citizen may choose has words (W012): a fact's or a record field's enum values
    are offered by their labels, never by their internal names."""
    matter, used = ctx.matter, ctx.used
    for f in matter.facts.values():
        if f.name not in used and not f.record_only:
            continue
        missing = sorted(set(f.type.values) - set(f.value_labels)) if f.type.kind == "enum" else []
        if missing:
            yield Problem(_where(f.location, matter), "W012", f"fact '{f.name}' offers {', '.join(missing)} without words",
                          "add `value_labels: {VALUE: {zh: ..., en: ...}}` for each value")
        for name, spec in f.field_specs.items():
            labels = spec.get("value_labels") or {}
            missing = sorted(set(spec.get("values") or []) - set(labels)) if spec.get("type") == "enum" else []
            if missing:
                yield Problem(_where(f.location, matter), "W012",
                              f"field '{name}' of '{f.name}' offers {', '.join(missing)} without words",
                              "add `value_labels: {VALUE: {zh: ..., en: ...}}` for each value")
