"""Lint checks on a matter that loaded cleanly: things that are legal but almost certainly wrong.

Each check has a code (W0xx) documented in `codes.py` with a bad and a good example; `checker
validate` runs them after the schema and semantic checks, and `--select` / `--ignore` pick them.
"""

from __future__ import annotations

import re
from typing import Iterator

from checker.errors import Location, Problem
from checker.lang.expr import unparse
from checker.source.model import Matter, with_dates
from checker.lang.satisfiable import can_be
from checker.lang.typecheck import Type

_CJK = re.compile(r"[\u2e80-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def lint(matter: Matter) -> list[Problem]:
    """Every lint problem of a matter, in file order."""
    types: dict[str, Type] = {n: f.type for n, f in matter.facts.items()}
    types.update({n: d.type for n, d in matter.derived.items()})
    types.update({n: p.type for n, p in matter.parameters.items()})
    bounds = {n: (f.minimum, f.maximum) for n, f in matter.facts.items()
              if f.minimum is not None or f.maximum is not None}
    used = matter.referenced_names()
    problems = [*_unused_facts(matter, used), *_unsaid_sources(matter, used), *_conditions(matter, types, bounds),
                *_rule_pairs(matter), *_materials(matter), *_languages(matter), *_uncited(matter),
                *_unlabelled(matter, used)]
    return sorted(set(problems))


def _where(loc: Location | None, matter: Matter) -> Location:
    return loc or Location(matter.path)


def _unused_facts(matter: Matter, used: set[str]) -> Iterator[Problem]:
    own = f"matter {matter.id}"
    for f in matter.facts.values():
        if f.origin == own and f.name not in used and not f.record_only:
            yield Problem(_where(f.location, matter), "W001", f"fact '{f.name}' is declared but no condition uses it",
                          "remove it, or use it in a rule, a material's when, or a derived fact")


def _unsaid_sources(matter: Matter, used: set[str]) -> Iterator[Problem]:
    """Facts read by a rule or material (directly or through derived facts) whose `from` is unsaid."""
    for f in matter.facts.values():
        if f.name in used and not f.source:
            yield Problem(_where(f.location, matter), "W010",
                          f"fact '{f.name}' is read by a condition but does not say where its value comes from",
                          "add `from: applicant`, `from: {declaration: ID, value: ...}` or `from: {agency: {zh, en}}`")


def _conditions(matter: Matter, types, bounds) -> Iterator[Problem]:
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


def _rule_pairs(matter: Matter) -> Iterator[Problem]:
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


def _materials(matter: Matter) -> Iterator[Problem]:
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


def _languages(matter: Matter) -> Iterator[Problem]:
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


def _uncited(matter: Matter) -> Iterator[Problem]:
    """Every rule, material, parameter and computed fact says where the reference gives it (W011)."""
    items = [("rule", r.id, r) for r in matter.rules] + [("material", m.id, m) for m in matter.materials]
    items += [("parameter", p.name, p) for p in matter.parameters.values()]
    items += [("derived fact", d.name, d) for d in matter.derived.values()]
    for kind, name, item in items:
        if not item.cite:
            yield Problem(_where(item.location, matter), "W011", f"{kind} {name} cites no source",
                          "add `cite: {section: \"NN Part\", url: https://...}` from the reference, "
                          "or `cite: {inferred: why}` if no source states it")


def _unlabelled(matter: Matter, used: set[str]) -> Iterator[Problem]:
    """Every value a citizen may choose has words (W012): a fact's or a record field's enum values
    are offered by their labels, never by their internal names."""
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
