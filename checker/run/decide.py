"""From the engine's findings to the notice: the outcome under 行政许可法 art. 32 and every item.

Precedence of outcomes: another agency is competent (redirect) > no licence needed
(not_required) > ineligible (refuse) > something to supply, fix or answer (correct) >
only secondary materials missing, deferred under a promise (rongque) > accept.

When the application cannot be accepted at all (redirect, not_required, refuse), materials are
not asked for: the notice must not demand materials unrelated to what can be granted.

This module decides (the outcome, the materials, the deadlines); run/why.py says why, in words.
"""

from __future__ import annotations

from typing import Any

from checker import __version__
from checker.lang.kleene import UNKNOWN, evaluate
from checker.notice.notice import (NOT_GOING_AHEAD, Alternative, Declared, FactValue, MaterialItem,
                                   Notice, PartStatus, Problem, Reason, ToVerify)
from checker.run.application import Application
from checker.run.compiler import CompiledMatter
from checker.run.evaluate import Findings
from checker.run.why import (DEFECTS, defect, defect_attribute, display, exempt_why, explaining_facts, info_needed,
                             label, material_why, promise_barred, unknown_inputs, unset_parameter)
from checker.source.model import Material, Matter, Rule
from checker.texts import both

CREDIT_FACT = "credit_barred"  # declared by rules/credit.yaml


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
    return both(f"notice.basis.{outcome}")


def _piece_name(matter: Matter, piece_id: str) -> dict:
    """The name of a material or part (a declared fact's material: the loader checked it exists)."""
    material, part = matter.piece(piece_id)
    return (part or material).name


def _material_lists() -> dict[str, list]:
    """The notice's lists of materials, empty."""
    return {k: [] for k in ("missing", "defective", "possibly_required", "promised", "exempt", "accepted")}


class _Decider:
    def __init__(self, compiled: CompiledMatter, app: Application, findings: Findings):
        self.compiled = compiled
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
        for fact in unknown_inputs(self.matter, node, self.values):
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
                out[name, ""] = ToVerify("", unset_parameter(self.matter.parameters[name].label), [], [name])
        return list(out.values())

    def reasons(self) -> list[Reason]:
        out = []
        for r in self.matter.rules:
            status = self.f.of(f"rule:{r.id}")
            if status is True:
                out.append(Reason(r.id, r.outcome, r.reason, in_force(r.basis, self.app.date),
                                  explaining_facts(self.compiled, r.when, self.values),
                                  r.redirect_to, r.remark, r.stage, self.qualifies_on(r)))
            elif status is UNKNOWN and r.stage == "review":
                # a condition of the licence verified on review: the agency establishes its own
                # facts then; what only the applicant can state is still asked, and what a signed
                # material declares waits for that material (settle_declarations)
                unknown = unknown_inputs(self.matter, r.when, self.values)
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

    def defects(self, piece_id: str, form: str, copies: int | str | None) -> list[Problem]:
        attrs = self.app.presented.get(piece_id, {})
        copies = self.copies(copies)
        return [defect(kind, form, attrs.get(defect_attribute(kind)), copies, self.app.date)
                for kind in DEFECTS if self.f.of(f"defect:{piece_id}:{kind}") is True]

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
            why, facts = material_why(self.compiled, m, self.values, self.app.date)
            item = self.item(m, why, facts)
            if m.shared is True or (isinstance(m.shared, str) and self.values.get(m.shared) is True):
                if status is True:
                    item.why = exempt_why()
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
                    item.why = promise_barred(why)
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
                item.facts += [f for f in explaining_facts(self.compiled, o.when, self.values)
                               if f.fact not in known]
        item.alternatives = [Alternative(o.key, o.name, parts, True if applies is True else None)
                             for o, applies, parts in routes]
        return False, []


def _deadlines(time_limit: dict, on: str, outcome: str, promised_days: int | None,
               licensing: bool) -> dict:
    """The dates that follow from the application date, in working days where the law counts them
    so (statutory holidays and adjusted weekends from the chinesecalendar package); a date the
    calendar cannot give is left out with a note, never guessed. The 5-day notice and deemed
    acceptance are 行政许可法 art. 32(4)'s: a matter that is no licence has neither."""
    from checker.run.workdays import deadline
    out: dict[str, Any] = {"notice_within_working_days": 5 if licensing else None,
                           "deemed_accepted_if_not_notified": licensing,
                           "supply_within_days": promised_days if outcome == "rongque" else None,
                           "basis": both("notice.basis.correct") if licensing else None, "notice_by": None,
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
    info = [info_needed(matter, fact, affects, findings.values, required)
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
        declared=[Declared(n, label(matter, n), display(matter, n, findings.values.get(n)), m, _piece_name(matter, m))
                  for n, m in findings.declared.items()] if outcome not in ("redirect", "not_required") else [],
        deferred=deferred,
        promised=lists["promised"], exempt=lists["exempt"], accepted=lists["accepted"],
        derived=derived,
        computed=[FactValue(n, label(matter, n), v, display(matter, n, v)) for n, v in derived.items()]
        if outcome not in ("redirect", "not_required") else [],
        deadline=_deadlines(time_limit, app.date, outcome, promised_days, matter.licensing),
        time_limit=time_limit, fee=matter.fee,
        rules_sha256=compiled.digest, application_sha256=app.digest,
        checker_version=__version__,
        locality={"id": matter.local, "name": matter.locality_name} if matter.local else {},
    )
