"""From the engine's findings to the notice: the outcome under 行政许可法 art. 32 and every item.

Precedence of outcomes: another agency is competent (redirect) > no licence needed
(not_required) > ineligible (refuse) > something to supply, fix or answer (correct) >
only secondary materials missing, deferred under a promise (rongque) > accept.

When the application cannot be accepted at all (redirect, not_required, refuse), materials are
not asked for: the notice must not demand materials unrelated to what can be granted.
"""

from __future__ import annotations

from typing import Any

from checker import __version__
from checker.run.application import Application
from checker.run.compiler import CompiledMatter
from checker.lang.typecheck import AGGREGATES as AGGREGATE_FUNCS
from checker.run.evaluate import Findings
from checker.lang.expr import Arith, BoolOp, Call, Compare, ListLit, Name, Neg, Not, children, names_in, walk
from checker.lang.kleene import UNKNOWN, evaluate
from checker.source.model import Material, Matter, Rule
from checker.notice.notice import (FORM_TEXT, NOT_GOING_AHEAD, OUTCOME_BASIS, Alternative, Declared, FactValue, InfoNeeded,
                     MaterialItem, Notice, PartStatus, Problem, Reason, ToVerify)

CREDIT_FACT = "credit_barred"  # declared by rules/credit.yaml

_DEFECT_TEXT = {
    "form": ("提交形式不符合要求：应为{form_zh}，实际为{got_zh}", "wrong form: {form_en} is required, {got_en} was presented"),
    "copies": ("份数不足：应提交{copies}份，实际{got}份", "not enough copies: {copies} required, {got} presented"),
    "unsigned": ("未签字", "not signed"),
    "unsealed": ("未盖章", "not sealed"),
    "expired": ("已于{got}失效，申请日期为{date}", "expired on {got}; the application is dated {date}"),
}
# the units facts are written in, in English (a unit not listed is printed as written)
UNIT_EN = {"周岁": ("year", "years"), "年": ("year", "years"), "个月": ("month", "months"), "月": ("month", "months"),
           "日": ("day", "days"), "元": ("yuan", "yuan"), "元/人·月": ("yuan per person a month", "yuan per person a month"),
           "人": ("person", "persons"), "间": ("room", "rooms"), "米": ("m", "m")}


def _with_unit(value: Any, unit: str, lang: str) -> str:
    if not unit:
        return str(value)
    if lang == "en" and unit in UNIT_EN:
        one, many = UNIT_EN[unit]
        return f"{value} {one if value == 1 else many}"
    return f"{value} {unit}"


def display(matter: Matter, name: str, value: Any) -> dict:
    """A value in words, for explanations."""
    fact = matter.facts.get(name)
    unit = fact.unit if fact else (matter.derived[name].unit if name in matter.derived else "")
    if value is UNKNOWN or value is None:
        return {"zh": "未知", "en": "unknown"}
    if isinstance(value, bool):
        return {"zh": "是" if value else "否", "en": "yes" if value else "no"}
    if isinstance(value, list):
        return {"zh": f"{len(value)} 条记录", "en": f"{len(value)} record(s)"}
    if fact and value in fact.value_labels:
        return dict(fact.value_labels[value])
    if isinstance(value, float):  # money and ratios: at most two decimals, as people write them
        value = int(value) if value.is_integer() else round(value, 2)
    return {"zh": _with_unit(value, unit, "zh"), "en": _with_unit(value, unit, "en")}


def _label(matter: Matter, name: str) -> dict:
    if name in matter.facts:
        return matter.facts[name].label
    if name in matter.derived:
        return matter.derived[name].label
    if name == "application_date":
        return {"zh": "申请日期", "en": "application date"}
    return {"zh": name, "en": name}


def _explaining_facts(matter: Matter, node, values: dict) -> list[FactValue]:
    key = ("explaining", id(node))  # the node belongs to the matter: its id is stable while it lives
    plan = matter.cache.get(key)
    if plan is None:
        names = sorted(n for n in names_in(node)
                       if n in matter.facts or n in matter.derived or n == "application_date")
        aggregates = [n for n in walk(node) if isinstance(n, Call) and n.func in ("count", "any", "all")
                      and len(n.args) == 2 and isinstance(n.args[0], Name)]
        plan = matter.cache[key] = (names, aggregates)
    names, aggregates = plan
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
            if hits:
                zh.append(f"涉及第 {', '.join(map(str, hits))} 条")  # the records the finding is about
                en.append(f"concerns record(s) {', '.join(map(str, hits))}")
            if unknown:
                zh.append(f"第 {', '.join(map(str, unknown))} 条情况不明")
                en.append(f"record(s) {', '.join(map(str, unknown))} not known")
            if not hits and not unknown:
                zh.append("不涉及任何一条")
                en.append("concerns none of them")
            shown = {"zh": "，".join(zh), "en": "; ".join(en)}
        out.append(FactValue(n, _label(matter, n), value, shown))
    return out


def _matching_records(aggregates: list[Call], values: dict) -> dict[str, tuple[list[int], list[int]]]:
    """For each count/any/all over a list (in a condition): the 1-based numbers of the records
    that satisfy its condition, and of those for which it is unknown (household matters explain
    per member)."""
    out: dict[str, tuple[list[int], list[int]]] = {}
    for n in aggregates:
        if isinstance(values.get(n.args[0].name), list):
            results = [evaluate(n.args[1], values, r) for r in values[n.args[0].name]]
            out[n.args[0].name] = ([i for i, v in enumerate(results, 1) if v is True],
                                   [i for i, v in enumerate(results, 1) if v is UNKNOWN])
    return out


def _unknown_inputs(matter: Matter, node, values: dict, seen: set[str] | None = None,
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
        return set().union(*(_unknown_inputs(matter, i, values, seen, scope, confirm) for i in node.items))
    if evaluate(node, values, scope) is not UNKNOWN:
        return set()
    if isinstance(node, (BoolOp, Not, Compare, Arith, Neg)) or (
            isinstance(node, Call) and node.func not in AGGREGATE_FUNCS):
        out: set[str] = set()
        for child in children(node):
            out |= _unknown_inputs(matter, child, values, seen, scope, confirm)
        if not out and confirm and not isinstance(node, (BoolOp, Not, Compare)):
            # every input is known and still the value is not (a division by zero, a date that
            # does not exist): those inputs are what the applicant must confirm or correct
            named = {n for n in names_in(node) if not (scope is not None and n in scope)}
            out = ({n for n in named if n in matter.facts}
                   or {f for n in named if n in matter.derived for f in _inputs_of(matter, n)}
                   or {n for n in named if n in matter.derived})
        return out
    if isinstance(node, Call):  # an aggregate over a list
        listed = node.args[0].name  # type: ignore[attr-defined]
        if values.get(listed) is None:
            return _unknown_inputs(matter, node.args[0], values, seen, scope, confirm)
        fields = dict(matter.facts[listed].type.fields) if listed in matter.facts else {}
        outer = {n for a in node.args[1:] for n in names_in(a) if n not in fields}
        asked = set()
        for n in outer:
            asked |= _unknown_inputs(matter, Name(n), values, seen, scope, confirm)
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
        inner = _unknown_inputs(matter, part, values, seen, confirm=False) if part is not None else set()
        if inner:
            return inner
        # computed from facts all given, and still no value (a household of no members, a date
        # that is an input error): the facts it is computed from are what to confirm, never the
        # computed value itself, which no applicant can state
        source = part if part is not None else d.when  # not computed when its `when` is false
        given: set[str] = set()
        for n in names_in(source) if source is not None else ():
            given |= {n} if n in matter.facts else _inputs_of(matter, n)
        return given or {name}
    return set()


def _inputs_of(matter: Matter, name: str, seen: set[str] | None = None) -> set[str]:
    """The facts a derived fact is computed from (through other derived facts)."""
    seen = seen if seen is not None else set()
    if name in seen or name not in matter.derived:
        return set()
    seen.add(name)
    d = matter.derived[name]
    out: set[str] = set()
    for node in (d.value, d.when, d.otherwise):
        for n in names_in(node) if node is not None else ():
            out |= {n} if n in matter.facts else _inputs_of(matter, n, seen)
    return out


def in_force(items: list[dict], day: str) -> list[dict]:
    """The basis items (or time limits) in force on `day`: an instrument that came into force later,
    or was no longer in force, is not cited on that application's notice."""
    return [b for b in items if (b.get("effective_from") or "") <= day
            and (not b.get("effective_until") or day < b["effective_until"])]


def _joined(items: list[dict]) -> dict:
    unique = list({(b["zh"], b["en"]): b for b in items}.values())
    return {"zh": "；".join(b["zh"] for b in unique), "en": "; ".join(b["en"] for b in unique)}


def _outcome_basis(matter: Matter, outcome: str, reasons: list[Reason], day: str) -> dict:
    """What governs the outcome's form. An administrative licence: the article of 行政许可法 for the
    outcome, except that failing a condition cites the condition's own basis (it is not one of
    art. 32's grounds for non-acceptance). Any other matter: its own procedural provisions, else the
    instruments that establish it, never the Administrative Licensing Law."""
    if not matter.licensing:
        return _joined(in_force(matter.procedure_basis or matter.basis, day))
    if outcome == "refuse" and any(r.stage == "acceptance" for r in reasons):
        return _joined(in_force([b for r in reasons for b in r.basis], day))
    return OUTCOME_BASIS[outcome]


def _piece_name(matter: Matter, piece_id: str) -> dict:
    material, part = matter.piece(piece_id) or (matter.material(piece_id.split("/", 1)[0]), None)
    return (part or material).name


def _material_lists() -> dict[str, list]:
    """The notice's lists of materials, empty."""
    return {k: [] for k in ("missing", "defective", "possibly_required", "promised", "exempt", "accepted")}


class _Decider:
    def __init__(self, compiled: CompiledMatter, app: Application, findings: Findings):
        self.matter = compiled.matter
        self.app = app
        self.f = findings
        self.values = findings.values
        self.info: dict[str, set[str]] = {}  # the applicant's questions: fact -> what waits for it
        self.verify: dict[str, set[str]] = {}  # facts the agency establishes itself
        self.undeclared: dict[str, set[str]] = {}  # facts whose declaring material is not presented signed
        self.unset: dict[str, set[str]] = {}  # values only a locality sets, and none has
        self.to_verify: list[ToVerify] = []

    def need(self, node, affects: str) -> None:
        for fact in _unknown_inputs(self.matter, node, self.values):
            self.ask(fact, affects)

    def ask(self, name: str, affects: str) -> None:
        """Route an unknown fact by where its value comes from: the agency verifies its own facts,
        a declared fact waits for its signed material, anything else is a question for the applicant."""
        f = self.matter.facts.get(name)
        source = f.source if f is not None else ""
        into = (self.unset if name in self.matter.parameters else self.verify if source == "agency"
                else self.undeclared if source == "declaration" else self.info)
        into.setdefault(name, set()).add(affects)

    def settle_declarations(self, to_supply: list[MaterialItem]) -> None:
        """A declared fact whose signed material is to be supplied anyway, or may be, is not asked
        (presenting the material answers it); one whose material is not required is asked like any
        other."""
        supplying = {i.id for i in to_supply}
        for name, affects in self.undeclared.items():
            if self.matter.facts[name].declared_by.split("/", 1)[0] not in supplying:
                self.info.setdefault(name, set()).update(affects)

    def verified(self) -> list[ToVerify]:
        """What the agency will establish itself, in declaration order: one entry per way of
        checking (its `how` says what is checked; the fact's label alone would read as a finding,
        "scope barred"), with the facts it settles."""
        out: dict[tuple, ToVerify] = {}
        for name in self.matter.facts:
            if name in self.verify:
                how = self.matter.facts[name].verified_how
                entry = out.setdefault((how["zh"], how["en"]), ToVerify("", dict(how), [], []))
                entry.facts.append(name)
        for name in self.matter.parameters:  # the office applies its locality's value
            if name in self.unset:
                label = self.matter.parameters[name].label
                out[name, ""] = ToVerify("", {"zh": f"按{label['zh']}审核（由当地公布，本次预审未设定该值）",
                                              "en": f"checked against the {label['en']} (published locally; "
                                                    "not set for this check)"}, [], [name])
        return list(out.values())

    def reasons(self) -> list[Reason]:
        out = []
        for r in self.matter.rules:
            status = self.f.of(f"rule:{r.id}")
            if status is True:
                out.append(Reason(r.id, r.outcome, r.reason, in_force(r.basis, self.app.date),
                                  _explaining_facts(self.matter, r.when, self.values),
                                  r.redirect_to, r.remark, r.stage, self.qualifies_on(r)))
            elif status is UNKNOWN and r.stage == "review":
                # a condition of the licence verified on review: the agency establishes its own
                # facts then; what only the applicant can state is still asked, and what a signed
                # material declares waits for that material (settle_declarations)
                unknown = _unknown_inputs(self.matter, r.when, self.values)
                theirs = {n for n in unknown if n in self.matter.facts
                          and (self.matter.facts[n].asked or self.matter.facts[n].source == "declaration")}
                for name in theirs:
                    self.ask(name, r.id)
                if unknown - theirs:
                    self.to_verify.append(ToVerify(r.id, r.reason, in_force(r.basis, self.app.date),
                                                   sorted(unknown - theirs)))
            elif status is UNKNOWN:
                self.need(r.when, r.id)
        return out

    def qualifies_on(self, r: Rule) -> str | None:
        """The date from which the applicant would meet a refused condition, when the rule gives
        one and the facts decide it (a date after the application date)."""
        if r.qualifies_from is None:
            return None
        day = evaluate(r.qualifies_from, self.values)
        return day if isinstance(day, str) and day > self.app.date else None

    def copies(self, copies: int | str | None) -> int | None:
        """A number of copies; a parameter's name is read from this application's values; None
        where the sources give no number."""
        if copies is None or isinstance(copies, int):
            return copies
        value = self.values.get(copies)  # a number only a locality sets, and none has: not stated
        return None if value is None else int(value)

    def promise(self, m: Material) -> Any:
        """Whether a written promise may replace `m` here: True, False or UNKNOWN (its condition)."""
        if isinstance(m.promise_allowed, bool):
            return m.promise_allowed
        return self.f.of(f"promise:{m.id}")

    def promise_open(self, m: Material) -> bool:
        """Whether the notice may say a written promise can replace `m`: its condition is not false
        here and the applicant's credit record does not bar it (never both "a promise may replace
        it" and "the promise is barred")."""
        return self.promise(m) is not False and self.credit_barred() is not True

    def item(self, m: Material, why: dict, facts: list[FactValue]) -> MaterialItem:
        copies = self.copies(m.copies)
        return MaterialItem(m.id, m.name, m.form, copies, m.standard, m.source, why, facts,
                            in_force(m.basis, self.app.date), m.secondary, self.promise_open(m),
                            remark=m.remark)

    def why(self, m: Material) -> tuple[dict, list[FactValue]]:
        facts = _explaining_facts(self.matter, m.when, self.values) if m.when is not None else []
        # the application date heads the notice: beside a material it explains nothing to a citizen
        facts = [f for f in facts if f.fact != "application_date"]
        if m.why:
            why = dict(m.why)
        elif m.when is None:
            why = {"zh": "本事项必须提交的材料", "en": "required for every application of this matter"}
        else:
            why = {"zh": f"适用条件：{m.when_text}", "en": f"applies when: {m.when_text}"}
        if m.effective_until or m.effective_from:
            span_zh, span_en = [], []
            if m.effective_from:
                span_zh.append(f"自{m.effective_from}起")
                span_en.append(f"from {m.effective_from}")
            if m.effective_until:
                span_zh.append(f"{m.effective_until}前")
                span_en.append(f"before {m.effective_until}")
            why = {"zh": why["zh"] + f"（申请日期 {self.app.date}，该要求适用于{''.join(span_zh)}的申请）",
                   "en": why["en"] + f" (application dated {self.app.date}; this requirement applies to "
                                     f"applications {' and '.join(span_en)})"}
        return why, facts

    def defects(self, piece_id: str, form: str, copies: int | str | None) -> list[Problem]:
        attrs = self.app.presented.get(piece_id, {})
        copies = self.copies(copies)
        out = []
        for kind, (zh, en) in _DEFECT_TEXT.items():
            if self.f.of(f"defect:{piece_id}:{kind}") is True:
                got = attrs.get({"form": "form", "copies": "copies", "expired": "valid_until"}.get(kind, kind))
                fz, fe = FORM_TEXT[form]
                gz, ge = FORM_TEXT.get(got, (got, got)) if kind == "form" else (got, got)
                fill = dict(form_zh=fz, form_en=fe, got_zh=gz, got_en=ge, got=got, copies=copies,
                            date=self.app.date)
                out.append(Problem(kind, {"zh": zh.format(**fill), "en": en.format(**fill)}))
        return out

    def credit_barred(self) -> bool | None:
        """Whether a credit record bars 容缺 and 告知承诺: False for a matter without the credit
        rule set, None while the record is not known."""
        return self.values.get(CREDIT_FACT) if CREDIT_FACT in self.matter.facts else False

    def materials(self) -> dict[str, list]:
        lists = _material_lists()
        credit = self.credit_barred()
        for m in self.matter.materials:
            status = self.f.of(f"req:{m.id}")
            if status is False:
                continue
            why, facts = self.why(m)
            item = self.item(m, why, facts)
            if m.shared is True or (isinstance(m.shared, str) and self.values.get(m.shared) is True):
                if status is True:
                    item.why = {"zh": "无需提交：由受理部门通过数据共享获取（免提交）",
                                "en": "not needed: obtained by the agency through data sharing"}
                    lists["exempt"].append(item)
                continue
            satisfied, problems = self.satisfaction(m, item)
            if satisfied and not problems:
                lists["accepted"].append({"id": m.id, "name": m.name})
                continue
            if status is UNKNOWN:
                if not satisfied:
                    self.need(m.when, m.id)
                    lists["possibly_required"].append(item)
                continue
            if problems:
                item.problems = problems
                lists["defective"].append(item)
                continue
            promise = self.promise(m)
            if m.id in self.app.promised and promise is UNKNOWN:
                # promised where the promise may be allowed: ask what decides it, don't call it missing
                self.need(m.promise_allowed, m.id)
                lists["promised"].append(item)
                continue
            promise_ok = promise is True
            if m.id in self.app.promised and promise_ok:
                if credit is True:
                    item.why = {"zh": why["zh"] + "；申请人有严重失信记录，不适用告知承诺",
                                "en": why["en"] + "; the applicant's credit record bars a written promise"}
                elif credit is None:
                    self.ask(CREDIT_FACT, m.id)
                    lists["promised"].append(item)
                    continue
                else:
                    lists["promised"].append(item)
                    continue
            lists["missing"].append(item)
        return lists

    def satisfaction(self, m: Material, item: MaterialItem) -> tuple[bool, list[Problem]]:
        """Whether the material is presented (by some applicable alternative), and its defects."""
        if not m.options:
            if m.id not in self.app.presented:
                return False, []
            return True, self.defects(m.id, m.form, m.copies)
        routes = []
        for o in m.options:
            applies = True if o.when is None else self.f.of(f"opt:{m.id}/{o.key}")
            if applies is False:
                continue
            parts = [PartStatus(p.id, p.name, p.id in self.app.presented, p.form, self.copies(p.copies))
                     for p in o.parts]
            routes.append((o, applies, parts))
            if all(p.presented for p in parts) and applies is True:
                return True, [pr for p in o.parts for pr in self.defects(p.id, p.form, p.copies)]
        for o, applies, parts in routes:
            if all(p.presented for p in parts):
                # presented by a route whose condition is unknown: ask, don't assume it applies
                self.need(o.when, m.id)
                return True, [pr for p in o.parts for pr in self.defects(p.id, p.form, p.copies)]
        for o, applies, parts in routes:
            if applies is UNKNOWN:
                self.need(o.when, m.id)
            elif o.when is not None:
                known = {f.fact for f in item.facts}
                item.facts += [f for f in _explaining_facts(self.matter, o.when, self.values)
                               if f.fact not in known]
        item.alternatives = [Alternative(o.key, o.name, parts, True if applies is True else None)
                             for o, applies, parts in routes]
        return False, []


def _deadlines(time_limit: dict, on: str, outcome: str, promised_days: int | None,
               licensing: bool = True) -> dict:
    """The dates that follow from the application date, in working days where the law counts them
    so (statutory holidays and adjusted weekends from the chinesecalendar package); a date the
    calendar cannot give is left out with a note, never guessed. The 5-day notice and deemed
    acceptance are 行政许可法 art. 32(4)'s: a matter that is no licence has neither."""
    from checker.run.workdays import deadline
    out: dict[str, Any] = {"notice_within_working_days": 5 if licensing else None,
                           "deemed_accepted_if_not_notified": licensing,
                           "supply_within_days": promised_days if outcome == "rongque" else None,
                           "basis": OUTCOME_BASIS["correct"] if licensing else None, "notice_by": None,
                           "decision_by": None, "supply_by": None, "notes": []}

    def put(key: str, days: int, working: bool) -> None:
        d = deadline(on, days, working)
        out[key] = d.date
        if d.note and d.note not in out["notes"]:
            out["notes"].append(d.note)

    if outcome == "correct" and licensing:
        put("notice_by", 5, True)  # 行政许可法 art. 32: on the spot or within 5 working days
    limit = time_limit.get("statutory") or time_limit.get("promised") or {}
    if outcome in ("accept", "rongque") and limit.get("days") is not None:
        put("decision_by", limit["days"], bool(limit.get("working_days")))
    if outcome == "rongque" and promised_days is not None:
        promised = time_limit.get("promised") or limit  # never beyond the promised time (A3)
        put("supply_by", promised_days, bool(promised.get("working_days")))
    return out


def _effects(matter: Matter, affects: set[str], required: set[str] = frozenset()) -> list[dict]:
    """What an answer may change, in words: a material it may require (or, for one required
    anyway, which of its forms counts), a condition it decides."""
    rules = {r.id: r for r in matter.rules}
    out = []
    for key in sorted(affects):
        m = matter.material(key)
        if m is not None and key in required and m.options:
            out.append({"zh": f"[{m.id}]{m.name['zh']}提交哪一种", "en": f"which form of [{m.id}] {m.name['en']} counts"})
        elif m is not None:
            out.append({"zh": f"是否需要提交[{m.id}]{m.name['zh']}", "en": f"whether [{m.id}] {m.name['en']} is needed"})
        elif key in rules:
            r = rules[key]
            out.append({"zh": f"是否存在以下情形：{r.reason['zh']}", "en": f"whether this applies: {r.reason['en']}"})
        elif key == "rongque":
            out.append({"zh": "能否容缺受理", "en": "whether the application can be accepted with deferred materials"})
    return out


def _info_item(matter: Matter, name: str, affects: set[str], values: dict,
               required: set[str] = frozenset()) -> InfoNeeded:
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
                zh = "；".join(f"第{i}条缺少" + "、".join(labels.get(k, {}).get("zh", k) for k in ks) for i, ks in gaps)
                en = "; ".join(f"record {i} lacks " + ", ".join(labels.get(k, {}).get("en", k) for k in ks)
                               for i, ks in gaps)
                question = {"zh": f"{f.question['zh']}（{zh}）", "en": f"{f.question['en']} ({en})"}
        elif values.get(name) is not None:  # given, but what is computed from it cannot be: confirm it
            shown = display(matter, name, values[name])
            question = {"zh": f"请核实：{f.label['zh']}（所填：{shown['zh']}）",
                        "en": f"Please check: {f.label['en']} (given: {shown['en']})"}
        return InfoNeeded(name, question, f.type.kind, list(f.type.values), sorted(affects),
                          _effects(matter, affects, required))
    d = matter.derived[name]
    question = {"zh": f"无法根据所填情况确定“{d.label['zh']}”，请核实相关情况",
                "en": f"'{d.label['en']}' cannot be determined from the facts given; please check them"}
    return InfoNeeded(name, question, d.type.kind, list(d.type.values), sorted(affects),
                      _effects(matter, affects, required))


def decide(compiled: CompiledMatter, app: Application, findings: Findings) -> Notice:
    matter = compiled.matter
    d = _Decider(compiled, app, findings)
    reasons = d.reasons()
    fired = {r.outcome for r in reasons}
    lists = _material_lists()
    for outcome in NOT_GOING_AHEAD:
        if outcome in fired:
            for waiting in (d.info, d.verify, d.unset):  # it ends here: nothing to ask or check
                waiting.clear()
            break
    else:
        lists = d.materials()
        to_supply = lists["missing"] + lists["defective"]
        d.settle_declarations(to_supply + lists["possibly_required"])
        # 补正 only for a material to supply or fix, or an entry to correct; open questions alone
        # are not a 补正: they are asked before a decision
        outcome = "correct" if to_supply or "correct" in fired else "questions" if d.info else "accept"
        if (outcome == "correct" and matter.rongque and app.rongque and not d.info
                and "correct" not in fired and all(i.secondary for i in to_supply)):
            credit = d.credit_barred()
            if credit is not True:  # a record not known yet is the agency's to check (listed)
                outcome = "rongque"
                if credit is None:
                    d.ask(CREDIT_FACT, "rongque")
    # the reasons that govern the outcome: a park needs no licence, whatever else it lacks
    governing = outcome if outcome in NOT_GOING_AHEAD else "correct"
    reasons = [r for r in reasons if r.outcome == governing]
    deferred: list[MaterialItem] = []
    if outcome == "rongque":
        deferred = lists["missing"] + lists["defective"]
        lists["missing"], lists["defective"] = [], []
    order = {name: i for i, name in enumerate([*matter.facts, *matter.derived])}
    corrected = {f.fact for r in reasons if r.outcome == "correct" for f in r.facts}  # asked to correct already
    required = {m.id for m in matter.materials if findings.of(f"req:{m.id}") is True}
    info = [_info_item(matter, fact, affects, findings.values, required)
            for fact, affects in sorted(d.info.items(), key=lambda kv: order[kv[0]]) if fact not in corrected]
    derived = {n: findings.values[n] for n in matter.derived if findings.values.get(n) is not None}
    # the time limits in force on the application date (a limit set later is not cited)
    time_limit = {k: v for k, v in matter.time_limit.items() if in_force([v], app.date)}
    promised_days = (time_limit.get("promised") or time_limit.get("statutory") or {}).get("days")
    return Notice(
        outcome=outcome,
        outcome_basis=_outcome_basis(matter, outcome, reasons, app.date),
        matter={"id": matter.id, "name": matter.name, "code": matter.code,
                "department": matter.department, "basis": in_force(matter.basis, app.date),
                "licensing": matter.licensing},
        application={"date": app.date, "reference": app.reference, "applicant": app.applicant},
        reasons=reasons,
        missing=lists["missing"], defective=lists["defective"],
        possibly_required=lists["possibly_required"], info_needed=info,
        to_verify=d.to_verify + d.verified() if outcome not in ("redirect", "not_required") else [],
        declared=[Declared(n, _label(matter, n), display(matter, n, findings.values.get(n)), m, _piece_name(matter, m))
                  for n, m in findings.declared.items()] if outcome not in ("redirect", "not_required") else [],
        deferred=deferred,
        promised=lists["promised"], exempt=lists["exempt"], accepted=lists["accepted"],
        derived=derived,
        computed=[FactValue(n, _label(matter, n), v, display(matter, n, v)) for n, v in derived.items()]
        if outcome not in ("redirect", "not_required") else [],
        deadline=_deadlines(time_limit, app.date, outcome, promised_days, matter.licensing),
        time_limit=time_limit, fee=matter.fee,
        rules_sha256=compiled.digest, application_sha256=app.digest,
        checker_version=__version__,
        locality={"id": matter.local, "name": matter.locality_name} if matter.local else {},
    )
