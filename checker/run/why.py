"""What explains each finding, in words: the facts behind a reason or a material, what to ask so
that an undecided condition can be decided (the unknown inputs), values as people write them, a
material's defects and why it is needed. The notice (through decide.py) and `checker explain`
both read it; the wording is in checker/texts.py under why.*.
"""

from __future__ import annotations

from typing import Any

from checker.lang.expr import Arith, BoolOp, Call, Compare, ListLit, Name, Neg, Node, Not, children, names_in
from checker.lang.kleene import UNKNOWN, evaluate
from checker.lang.typecheck import AGGREGATES as AGGREGATE_FUNCS
from checker.notice.notice import FORMS, FactValue, InfoNeeded, Problem
from checker.run.compiler import CompiledMatter, explaining_plan
from checker.source.model import Material, Matter
from checker.texts import TEXTS, both, t

# a material's defects, in the order the notice lists them (texts why.defect.KIND)
DEFECTS = ("form", "copies", "unsigned", "unsealed", "expired")
# the attribute of a presented material each defect is about
_DEFECT_ATTRIBUTE = {"form": "form", "copies": "copies", "expired": "valid_until"}


def words(key: str, **values: Any) -> dict:
    """The text `key` in both languages; a value given as {zh, en} is filled in per language."""
    return {lang: t(key, lang, **{k: v[lang] if isinstance(v, dict) else v for k, v in values.items()})
            for lang in ("zh", "en")}


def with_unit(value: Any, unit: str, lang: str) -> str:
    """A number with its unit; in English the unit's English words (why.unit.*, "one|many"), a unit
    not listed as written."""
    if not unit:
        return str(value)
    key = f"why.unit.{unit}"
    if lang == "en" and key in TEXTS:
        one, many = t(key, "en").split("|")
        return f"{value} {one if value == 1 else many}"
    return f"{value} {unit}"


def display(matter: Matter, name: str, value: Any) -> dict:
    """A value in words, for explanations."""
    fact = matter.facts.get(name)
    unit = fact.unit if fact else (matter.derived[name].unit if name in matter.derived else "")
    if value is UNKNOWN or value is None:
        return words("why.unknown")
    if isinstance(value, bool):
        return words("why.yes" if value else "why.no")
    if isinstance(value, list):
        return words("why.records", count=len(value))
    if fact and value in fact.value_labels:
        return dict(fact.value_labels[value])
    if isinstance(value, float):  # money and ratios: at most two decimals, as people write them
        value = int(value) if value.is_integer() else round(value, 2)
    return {"zh": with_unit(value, unit, "zh"), "en": with_unit(value, unit, "en")}


def label(matter: Matter, name: str) -> dict:
    """What a fact, a derived fact or the application date is called."""
    if name in matter.facts:
        return matter.facts[name].label
    if name in matter.derived:
        return matter.derived[name].label
    if name == "application_date":
        return words("why.application_date")
    return {"zh": name, "en": name}


def explaining_facts(compiled: CompiledMatter, node: Node, values: dict) -> list[FactValue]:
    """The facts a condition names, with their values in words; for a count/any/all over a list,
    which records made it hold."""
    matter = compiled.matter
    names, aggregates = compiled.explaining.get(id(node)) or explaining_plan(matter, node)
    matches = _matching_records(aggregates, values) if aggregates else {}
    out = []
    for n in names:
        value = values.get(n)
        if value is None:
            continue
        shown = display(matter, n, value)
        if n in matches:  # say which members / records made the condition hold
            hits, unknown = matches[n]
            zh, en = [shown["zh"]], [shown["en"]]
            parts = []
            if hits:  # the records the finding is about
                parts.append(words("why.records_concerned", records=", ".join(map(str, hits))))
            if unknown:
                parts.append(words("why.records_unknown", records=", ".join(map(str, unknown))))
            if not hits and not unknown:
                parts.append(words("why.records_none"))
            zh += [p["zh"] for p in parts]
            en += [p["en"] for p in parts]
            shown = {"zh": "，".join(zh), "en": "; ".join(en)}
        out.append(FactValue(n, label(matter, n), value, shown))
    return out


def _matching_records(aggregates: list[Call], values: dict) -> dict[str, tuple[list[int], list[int]]]:
    """For each count/any/all over a list (in a condition): the 1-based numbers of the records
    that satisfy its condition, and of those for which it is unknown (household matters explain
    per member)."""
    out: dict[str, tuple[list[int], list[int]]] = {}
    for n in aggregates:
        if isinstance(values.get(n.args[0].name), list):  # type: ignore[attr-defined]
            results = [evaluate(n.args[1], values, r) for r in values[n.args[0].name]]  # type: ignore[attr-defined]
            out[n.args[0].name] = ([i for i, v in enumerate(results, 1) if v is True],  # type: ignore[attr-defined]
                                   [i for i, v in enumerate(results, 1) if v is UNKNOWN])
    return out


def unknown_inputs(matter: Matter, node, values: dict, seen: set[str] | None = None,
                   scope: dict | None = None, confirm: bool = True) -> set[str]:
    """What to ask so that `node` can be decided.

    Only the parts that are still undecided count: in `a or b` with `a` false, only `b`'s
    unknowns are asked. Through derived facts it reaches the input facts the application did
    not give; a list whose records lack a field is asked as a whole; a derived fact that cannot
    be computed from the facts given (e.g. per-capita income of a household of zero) is named
    itself; a computation written in the condition that fails on known facts (a division by a
    household of zero) names those facts, to be confirmed (`confirm`)."""
    seen = seen if seen is not None else set()
    if isinstance(node, ListLit):  # the items of `x in [...]`
        return set().union(*(unknown_inputs(matter, i, values, seen, scope, confirm) for i in node.items))
    if evaluate(node, values, scope) is not UNKNOWN:
        return set()
    if isinstance(node, (BoolOp, Not, Compare, Arith, Neg)) or (
            isinstance(node, Call) and node.func not in AGGREGATE_FUNCS):
        out: set[str] = set()
        for child in children(node):
            out |= unknown_inputs(matter, child, values, seen, scope, confirm)
        if not out and confirm and not isinstance(node, (BoolOp, Not, Compare)):
            # every input is known and still the value is not (a division by zero, a date that
            # does not exist): those inputs are what the applicant must confirm or correct
            named = {n for n in names_in(node) if not (scope is not None and n in scope)}
            out = ({n for n in named if n in matter.facts}
                   or {f for n in named if n in matter.derived for f in inputs_of(matter, n)}
                   or {n for n in named if n in matter.derived})
        return out
    if isinstance(node, Call):  # an aggregate over a list
        listed = node.args[0].name  # type: ignore[attr-defined]
        if values.get(listed) is None:
            return unknown_inputs(matter, node.args[0], values, seen, scope, confirm)
        fields = dict(matter.facts[listed].type.fields) if listed in matter.facts else {}
        outer = {n for a in node.args[1:] for n in names_in(a) if n not in fields}
        asked = set()
        for n in outer:
            asked |= unknown_inputs(matter, Name(n), values, seen, scope, confirm)
        return asked or {listed}  # some record lacks a field the condition needs
    if not isinstance(node, Name) or node.name in seen:
        return set()
    name = node.name
    if scope is not None and name in scope:
        return set()
    seen.add(name)
    if name in matter.facts or name in matter.parameters:  # a parameter unknown: no locality set it
        return {name}
    if name in matter.derived:
        d = matter.derived[name]
        when = True if d.when is None else evaluate(d.when, values)
        part = d.when if when is UNKNOWN else (d.value if when is True else d.otherwise)
        inner = unknown_inputs(matter, part, values, seen, confirm=False) if part is not None else set()
        if inner:
            return inner
        # computed from facts all given, and still no value (a household of no members, a date
        # that is an input error): the facts it is computed from are what to confirm, never the
        # computed value itself, which no applicant can state
        source = part if part is not None else d.when  # not computed when its `when` is false
        given: set[str] = set()
        for n in names_in(source) if source is not None else ():
            given |= {n} if n in matter.facts else inputs_of(matter, n)
        return given or {name}
    return set()


def inputs_of(matter: Matter, name: str, seen: set[str] | None = None) -> set[str]:
    """The facts a derived fact is computed from (through other derived facts)."""
    seen = seen if seen is not None else set()
    if name in seen or name not in matter.derived:
        return set()
    seen.add(name)
    d = matter.derived[name]
    out: set[str] = set()
    for node in (d.value, d.when, d.otherwise):
        for n in names_in(node) if node is not None else ():
            out |= {n} if n in matter.facts else inputs_of(matter, n, seen)
    return out


def material_why(compiled: CompiledMatter, m: Material, values: dict, date: str) -> tuple[dict, list[FactValue]]:
    """Why a material is asked for on an application dated `date`, and the facts that make it so."""
    facts = explaining_facts(compiled, m.when, values) if m.when is not None else []
    # the application date heads the notice: beside a material it explains nothing to a citizen
    facts = [f for f in facts if f.fact != "application_date"]
    if m.why:
        why = dict(m.why)
    elif m.when is None:
        why = words("why.required_always")
    else:
        why = words("why.required_when", when=m.when_text)
    if m.effective_until or m.effective_from:
        span_zh, span_en = [], []
        if m.effective_from:
            span_zh.append(t("why.span_from", "zh", date=m.effective_from))
            span_en.append(t("why.span_from", "en", date=m.effective_from))
        if m.effective_until:
            span_zh.append(t("why.span_until", "zh", date=m.effective_until))
            span_en.append(t("why.span_until", "en", date=m.effective_until))
        why = words("why.in_force", why=why, date=date, span={"zh": "".join(span_zh), "en": " and ".join(span_en)})
    return why, facts


def exempt_why() -> dict:
    """Why a material obtained through data sharing is not asked for."""
    return words("why.exempt")


def promise_barred(why: dict) -> dict:
    """A promised material's reason, when the applicant's credit record bars the promise."""
    return words("why.promise_barred", why=why)


def unset_parameter(name_label: dict) -> dict:
    """How the agency checks a value only a locality sets, when none has."""
    return words("why.unset_parameter", label=name_label)


def defect(kind: str, form: str, got: Any, copies: int | None, date: str) -> Problem:
    """A defect of a presented material, in words: `form` the form required, `got` what was
    presented (its form, copies or valid-until date)."""
    required = both(f"notice.form.{form}")
    given = both(f"notice.form.{got}") if kind == "form" and got in FORMS else {"zh": got, "en": got}
    fill = dict(form_zh=required["zh"], form_en=required["en"], got_zh=given["zh"], got_en=given["en"],
                got=got, copies=copies, date=date)
    return Problem(kind, words(f"why.defect.{kind}", **fill))


def defect_attribute(kind: str) -> str:
    """The attribute of a presented material a defect is about (form, copies, signed, ...)."""
    return _DEFECT_ATTRIBUTE.get(kind, kind)


def effects(matter: Matter, affects: set[str], required: set[str] = frozenset()) -> list[dict]:
    """What an answer may change, in words: a material it may require (or, for one required
    anyway, which of its forms counts), a condition it decides."""
    rules = {r.id: r for r in matter.rules}
    out = []
    for key in sorted(affects):
        m = matter.material(key)
        if m is not None and key in required and m.options:
            out.append(words("why.affects_form", id=m.id, name=m.name))
        elif m is not None:
            out.append(words("why.affects_material", id=m.id, name=m.name))
        elif key in rules:
            out.append(words("why.affects_rule", reason=rules[key].reason))
        elif key == "rongque":
            out.append(words("why.affects_rongque"))
    return out


def info_needed(matter: Matter, name: str, affects: set[str], values: dict,
                required: set[str] = frozenset()) -> InfoNeeded:
    """What to ask about `name`, and what the answer decides."""
    if name in matter.facts:
        f = matter.facts[name]
        question = f.question
        records = values.get(name)
        if f.type.kind == "list" and isinstance(records, list):  # given, but records lack fields
            used = matter.referenced_names()  # only the fields some condition reads are wanted
            gaps = [(i, [k for k, v in r.items() if v is None and k in used]) for i, r in enumerate(records, 1)]
            gaps = [(i, ks) for i, ks in gaps if ks]
            labels = {k: v.get("label") or {} for k, v in f.field_specs.items()}  # labels, not internal names
            if gaps:
                zh = "；".join(t("why.record_lacks", "zh", record=i,
                                fields="、".join(labels.get(k, {}).get("zh", k) for k in ks)) for i, ks in gaps)
                en = "; ".join(t("why.record_lacks", "en", record=i,
                                 fields=", ".join(labels.get(k, {}).get("en", k) for k in ks)) for i, ks in gaps)
                question = words("why.question_gaps", question=f.question, gaps={"zh": zh, "en": en})
        elif values.get(name) is not None:  # given, but what is computed from it cannot be: confirm it
            question = words("why.please_check", label=f.label, given=display(matter, name, values[name]))
        return InfoNeeded(name, question, f.type.kind, list(f.type.values), sorted(affects),
                          effects(matter, affects, required))
    d = matter.derived[name]
    question = words("why.cannot_determine", label=d.label)
    return InfoNeeded(name, question, d.type.kind, list(d.type.values), sorted(affects),
                      effects(matter, affects, required))
