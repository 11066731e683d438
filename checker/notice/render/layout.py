"""What a notice says, laid out once in either language; the text, Markdown and HTML renderers
only format this layout, so the three never disagree on content.

The fields follow the reference's section A2 (补正材料通知书): applicant and contact, matter,
application date, legal basis, each item with its name and required standard, the deadline,
the officer, the seal, and the applicant's signature with the time of receipt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.notice.notice import NOT_GOING_AHEAD, FactValue, MaterialItem, Notice, Reason
from checker.texts import fee_text, limit_text, t, tx


@dataclass
class Entry:
    """One numbered item of a section: a title line and labelled lines below it."""

    title: str
    lines: list[tuple[str, str | list[str]]] = field(default_factory=list)  # a list value: sub-items


@dataclass
class Section:
    key: str
    title: str
    entries: list[Entry]


@dataclass
class Layout:
    lang: str
    title: str
    header: list[tuple[str, str]]
    outcome: str
    outcome_key: str
    outcome_basis: str
    sections: list[Section]
    footer: list[str]
    digests: list[tuple[str, str]]


def _facts(facts: list[FactValue], lang: str) -> str:
    sep, eq = t("semicolon", lang), t("colon", lang)
    return sep.join(f"{tx(f.label, lang)}{eq}{tx(f.display, lang)}" for f in facts)


def _basis(basis: list[dict], lang: str) -> str:
    return t("semicolon", lang).join(tx(b, lang) for b in basis)


def _form(item: MaterialItem, lang: str) -> str:
    return t(f"notice.form.{item.form}", lang)


def item_form(item: MaterialItem, lang: str) -> str:
    """"原件，2份" / "original, 2 copies"; "" where its routes ask for different forms (a title
    copy for owned premises, the lease's original): then each route says its own (route_form)."""
    if any((p.form, p.copies) != (item.form, item.copies) for a in item.alternatives for p in a.parts):
        return ""
    return _form(item, lang) + copies_text(item.copies, lang, sep=True)


def route_form(alt, lang: str) -> str:
    """Each part of a route with its form: "产权证（复印件）、租约（原件，2份）"."""
    return t("parts", lang).join(
        tx(p.name, lang) + t("paren", lang, text=t(f"notice.form.{p.form}", lang) + copies_text(p.copies, lang, sep=True))
        for p in alt.parts)


def copies_text(copies: int | None, lang: str, *, sep: bool = False) -> str:
    """"2份" / "2 copies"; nothing where the sources give no number."""
    if copies is None:
        return ""
    text = t("notice.copies.one" if copies == 1 else "notice.copies.many", lang, n=copies)
    return t("comma", lang) + text if sep else text


def _material(item: MaterialItem, lang: str, *, detail: bool = True, why_label: str = "why") -> Entry:
    e = Entry(f"[{item.id}] {tx(item.name, lang)}")
    if not detail:
        e.lines.append((t(why_label, lang), tx(item.why, lang)))
        if item.remark:  # a promised material's deadline, where the locality gives one
            e.lines.append((t("note", lang), tx(item.remark, lang)))
        return e
    form = item_form(item, lang)
    if form:
        e.lines.append((t("form", lang), form))
    for p in item.problems:
        e.lines.append((t("problems", lang), tx(p.text, lang)))
    if item.alternatives:
        routes: list[str] = []
        e.lines.append((t("routes" if len(item.alternatives) > 1 else "route", lang), routes))
        for alt in item.alternatives:
            have = [tx(p.name, lang) for p in alt.parts if p.presented]
            lack = [tx(p.name, lang) for p in alt.parts if not p.presented]
            text = tx(alt.name, lang) + (t("route_applies", lang) if alt.applies else "")
            if not form:
                text += t("colon", lang) + route_form(alt, lang)
            if have:
                colon, sep = t("colon", lang), t("enum", lang)
                text += t("paren", lang, text=f"{t('presented', lang)}{colon}{sep.join(have)}{t('semicolon', lang)}"
                                               f"{t('still_missing', lang)}{colon}{sep.join(lack)}")
            routes.append(text)
    if item.standard:
        e.lines.append((t("standard", lang), tx(item.standard, lang)))
    if item.source:
        e.lines.append((t("source", lang), tx(item.source, lang)))
    e.lines.append((t("why", lang), tx(item.why, lang)))
    if item.facts:
        e.lines.append((t("facts", lang), _facts(item.facts, lang)))
    if item.basis:
        e.lines.append((t("basis", lang), _basis(item.basis, lang)))
    flags = []
    if item.secondary:
        flags.append(t("secondary", lang))
    if item.promise_allowed:
        flags.append(t("promise_ok", lang))
    if flags:
        e.lines.append((t("note", lang), t("semicolon", lang).join(flags)))
    if item.remark:
        e.lines.append((t("note", lang), tx(item.remark, lang)))
    return e


def _reason(r: Reason, lang: str) -> Entry:
    e = Entry(tx(r.text, lang))
    if r.redirect_to:
        e.lines.append((t("redirect_to", lang), tx(r.redirect_to, lang)))
    if r.facts:
        e.lines.append((t("facts", lang), _facts(r.facts, lang)))
    if r.basis:  # a reason the sources give no article for prints no empty basis line
        e.lines.append((t("basis", lang), _basis(r.basis, lang)))
    if r.qualifies_on:
        e.lines.append((t("qualifies_on", lang), r.qualifies_on))
    if r.remark:
        e.lines.append((t("note", lang), tx(r.remark, lang)))
    return e


def layout(notice, lang: str = "zh") -> Layout:
    """A matter's notice or an event's (notice/event.py) laid out."""
    from checker.notice.event import EventNotice
    if isinstance(notice, EventNotice):
        return event_layout(notice, lang)
    return matter_layout(notice, lang)


def matter_layout(notice: Notice, lang: str = "zh") -> Layout:
    """The notice laid out. Only a notice issued by the agency (numbered in the register) reads as
    the agency's document, with its title, seal, signature lines and the remedies; anything else is
    a self-check for reference, and says so."""
    n = notice
    official = bool(n.number)
    applicant = n.application.get("applicant") or {}
    header = []
    if n.number:
        header.append((t("number", lang), n.number))
    if n.supersedes:
        header.append((t("supersedes", lang), n.supersedes))
    header.append((t("matter", lang), tx(n.matter["name"], lang)))
    if n.matter.get("code"):
        header.append((t("code", lang), n.matter["code"]))
    office = n.office or {}
    header.append((t("department", lang), tx(office.get("name") or n.matter["department"], lang)))
    if n.locality:
        header.append((t("locality", lang), tx(n.locality["name"], lang)))
    for key, label in (("address", "office_address"), ("hours", "office_hours")):
        if office.get(key):
            header.append((t(label, lang), tx(office[key], lang)))
    for kind, number in (office.get("phones") or {}).items():  # in the order Office.header gives
        header.append((t(f"phone.{kind}", lang), number))
    if applicant.get("name"):
        header.append((t("applicant", lang), applicant["name"]))
    contact = applicant.get("contact") or applicant.get("phone")
    if contact:
        header.append((t("contact", lang), contact))
    header.append((t("date", lang), n.application["date"]))
    if n.application.get("reference"):
        header.append((t("reference", lang), n.application["reference"]))
    header.append((t("matter_basis", lang), _basis(n.matter["basis"], lang)))

    sections: list[Section] = []
    refusals = [r for r in n.reasons if r.outcome != "correct" and r.stage == "acceptance"]
    on_review = [r for r in n.reasons if r.outcome != "correct" and r.stage == "review"]
    corrections = [r for r in n.reasons if r.outcome == "correct"]
    if refusals:
        sections.append(Section("reasons", t("sec.reasons", lang), [_reason(r, lang) for r in refusals]))
    if on_review:
        sections.append(Section("reasons_review", t("sec.reasons_review", lang),
                                [_reason(r, lang) for r in on_review]))
    if corrections:
        sections.append(Section("corrections", t("sec.corrections", lang),
                                [_reason(r, lang) for r in corrections]))
    for key, items in (("missing", n.missing), ("defective", n.defective), ("deferred", n.deferred),
                       ("possibly", n.possibly_required)):
        if items:
            sections.append(Section(key, t(f"sec.{key}", lang), [_material(i, lang) for i in items]))
    if n.info_needed:
        entries = []
        for q in n.info_needed:
            e = Entry(tx(q.question, lang))
            if q.effects:
                e.lines.append((t("affects", lang), [tx(x, lang) for x in q.effects]))
            entries.append(e)
        sections.append(Section("info", t("sec.info", lang), entries))
    if n.declared:
        sections.append(Section("declared", t("sec.declared", lang), [
            Entry(f"{tx(d.label, lang)}{t('colon', lang)}{tx(d.display, lang)}",
                  [(t("declared_on", lang), f"[{d.material}] {tx(d.material_name, lang)}")])
            for d in n.declared]))
    on_review_checks, agency_checks = n.review_checks, n.agency_checks
    if on_review_checks:
        sections.append(Section("verify", t("sec.verify", lang),
                                [Entry(tx(v.text, lang), [(t("basis", lang), _basis(v.basis, lang))] if v.basis else [])
                                 for v in on_review_checks]))
    if agency_checks:
        sections.append(Section("agency_checks", t("sec.agency_checks", lang),
                                [Entry(tx(v.text, lang)) for v in agency_checks]))
    for key, items in (("promised", n.promised), ("exempt", n.exempt)):
        if items:
            sections.append(Section(key, t(f"sec.{key}", lang), [_material(i, lang, detail=False, why_label="note")
                                                                 for i in items]))
    if n.computed:
        sections.append(Section("derived", t("derived", lang),
                                [Entry("", [(tx(f.label, lang), tx(f.display, lang)) for f in n.computed])]))
    if n.accepted:
        sections.append(Section("accepted", t("sec.accepted", lang),
                                [Entry(f"[{a['id']}] {tx(a['name'], lang)}") for a in n.accepted]))
    limits = []
    if n.outcome == "correct" and n.matter.get("licensing", True):  # 行政许可法 art. 32(4)
        limits.append((t("deadline", lang), t("deadline.text" if official else "deadline.text_self", lang)))
    for key in ("notice_by", "decision_by", "supply_by"):
        if n.deadline.get(key):
            limits.append((t(key, lang), n.deadline[key]))
    for note in n.deadline.get("notes", []):
        limits.append((t("calendar_note", lang), tx(note, lang)))
    if n.outcome == "rongque" and n.deadline.get("supply_within_days"):
        days = n.deadline["supply_within_days"]
        limits.append((t("supply_within", lang), t("notice.days", lang, n=days)))
    for key in ("statutory", "promised"):
        if n.time_limit.get(key):
            limits.append((t("time_limit", lang) + t("paren", lang, text=t("time_limit." + key, lang)),
                           limit_text(n.time_limit[key], lang, detail=True)))
    limits.append((t("fee", lang), fee_text(n.fee, lang)))
    sections.append(Section("limits", t("sec.limits", lang), [Entry("", limits)]))

    footer = []
    if official and n.outcome in NOT_GOING_AHEAD:
        footer.append(t("remedy", lang))
    if official:
        if n.outcome in ("accept", "rongque"):
            footer.append(t("accepted_by", lang))
        footer += [t("officer", lang), t("seal", lang), t("receipt", lang), t("copies_footer", lang)]
    else:
        footer.append(t("self_check", lang))
    digests = [(t("rules_sha", lang), n.rules_sha256), (t("app_sha", lang), n.application_sha256),
               (t("version", lang), n.checker_version)]
    key, basis = n.outcome, tx(n.outcome_basis, lang)
    if n.outcome == "refuse" and on_review and not refusals:
        key, basis = "refuse_review", t("notice.basis.refuse", lang)
    if official:
        title, outcome = t(f"title.{key}", lang), t(f"outcome.{key}", lang)
    else:
        title, outcome = t("title.self_check", lang), t(f"self.{n.outcome}", lang)
    return Layout(lang, title, header, outcome, n.outcome, basis, sections, footer, digests)


def event_layout(notice, lang: str = "zh") -> Layout:
    """The event's one notice laid out: each member's standing, then one list of what to bring
    (each item naming the members that need it), what the event produces for itself, the
    questions each asked once, what was received, and each member's time limits and fees."""
    from checker.notice.event import BLOCKED, NOT_APPLICABLE, UNDECIDED
    n = notice
    names = {m.matter: tx(m.name, lang) for m in n.members}
    sep, colon = t("semicolon", lang), t("colon", lang)
    applicant = n.application.get("applicant") or {}
    header = [(t("event.name", lang), tx(n.event["name"], lang)),
              (t("event.members", lang), sep.join(names.values()))]
    if n.locality:
        header.append((t("locality", lang), tx(n.locality["name"], lang)))
    if applicant.get("name"):
        header.append((t("applicant", lang), applicant["name"]))
    header.append((t("date", lang), n.application["date"]))
    if n.application.get("reference"):
        header.append((t("reference", lang), n.application["reference"]))
    header.append((t("event.basis", lang), _basis(n.event["basis"], lang)))

    sections: list[Section] = []
    entries = []
    for m in n.members:
        e = Entry(names[m.matter])
        if m.outcome == UNDECIDED and not any(m.matter in q.members for q in n.info_needed):
            # what decides it is nothing the applicant is asked: the agency's to establish
            e.lines.append((t("event.member.outcome", lang), t("event.member.undecided_agency", lang)))
        elif m.outcome in (NOT_APPLICABLE, UNDECIDED, BLOCKED):
            e.lines.append((t("event.member.outcome", lang), t(f"event.member.{m.outcome}", lang)))
        else:
            e.lines.append((t("event.member.outcome", lang), t(f"self.{m.outcome}", lang)))
        if m.applies_when:
            e.lines.append((t("event.member.applies_when", lang), tx(m.applies_when, lang)))
        e.lines.append((t("event.member.department", lang), tx(m.department, lang)))
        if m.notice is not None and m.notice.number:  # numbered in the register, one number per member
            e.lines.append((t("number", lang), m.notice.number))
        if m.waits_on:
            e.lines.append((t("event.member.waits_on", lang),
                            t("event.member.waits_text", lang, names=sep.join(names[w] for w in m.waits_on))))
        if m.notice is not None:
            reasons = [r for r in m.notice.reasons if r.outcome != "correct"]
            if reasons:
                e.lines.append((t("event.member.reasons", lang),
                                [tx(r.text, lang) + (f"（{_basis(r.basis, lang)}）" if lang == "zh" and r.basis
                                                     else f" ({_basis(r.basis, lang)})" if r.basis else "")
                                 for r in reasons]))
            corrections = [r for r in m.notice.reasons if r.outcome == "correct"]
            if corrections:
                e.lines.append((t("sec.corrections", lang), [tx(r.text, lang) for r in corrections]))
        entries.append(e)
    sections.append(Section("members", t("event.sec.members", lang), entries))

    for key, items in (("missing", n.missing), ("defective", n.defective), ("possibly", n.possibly_required)):
        if items:
            sections.append(Section(key, t(f"event.sec.{key}", lang), [_event_item(i, names, lang) for i in items]))
    if n.produced:
        entries = []
        for p in n.produced:
            title = f"[{p.material}] {tx(p.name, lang)}" if p.kind == "material" else tx(p.name, lang)
            e = Entry(title, [(t("event.needed_by", lang), names[p.used_by]),
                              (t("event.produced_from", lang), t("event.produced_by", lang, name=names[p.produced_by]))])
            if p.blocked:
                e.lines.append((t("event.member.waits_on", lang), t("event.blocked", lang, name=names[p.produced_by])))
            elif not p.ready:
                e.lines.append((t("event.member.waits_on", lang), t("event.not_ready", lang, name=names[p.produced_by])))
            entries.append(e)
        sections.append(Section("produced", t("event.sec.produced", lang), entries))
    if n.info_needed:
        sections.append(Section("info", t("event.sec.info", lang), [
            Entry(tx(q.question, lang), [(t("event.asks_for", lang), sep.join(names[m] for m in q.members))])
            for q in n.info_needed]))
    if n.accepted:
        sections.append(Section("accepted", t("event.sec.accepted", lang),
                                [Entry(f"[{a['id']}] {tx(a['name'], lang)}") for a in n.accepted]))
    limits = []
    for m in n.members:
        if m.notice is None or m.outcome in NOT_GOING_AHEAD:
            continue
        lines = []
        for key in ("notice_by", "decision_by", "supply_by"):
            if m.notice.deadline.get(key):
                lines.append((t(key, lang), m.notice.deadline[key]))
        for key in ("statutory", "promised"):
            if m.notice.time_limit.get(key):
                lines.append((t("time_limit", lang) + t("paren", lang, text=t("time_limit." + key, lang)),
                              limit_text(m.notice.time_limit[key], lang, detail=True)))
        lines.append((t("fee", lang), fee_text(m.notice.fee, lang)))
        limits.append(Entry(names[m.matter], lines))
    if limits:
        sections.append(Section("limits", t("event.sec.limits", lang), limits))
    digests = [(t("rules_sha", lang), n.rules_sha256), (t("app_sha", lang), n.application_sha256),
               (t("version", lang), n.checker_version)]
    return Layout(lang, t("event.title", lang), header, t(f"event.outcome.{n.outcome}", lang), n.outcome,
                  t("event.outcome_basis", lang), sections, [t("event.self_check", lang)], digests)


def _event_item(item, names: dict[str, str], lang: str) -> Entry:
    """One item of the event's list: the first member's requirement, every member it serves and,
    where several need it, each one's reason. A shared document goes by its name alone (its id is
    the form's key, not the citizen's)."""
    first = item.needs[0].item
    e = _material(first, lang)
    shared = item.id != first.id
    e.title = tx(item.name, lang) if shared else f"[{item.id}] {tx(item.name, lang)}"
    sep = t("semicolon", lang)
    e.lines.insert(0, (t("event.needed_by", lang),
                       sep.join(f"{names[need.matter]}（{need.material}）" if lang == "zh"
                                else f"{names[need.matter]} ({need.material})" for need in item.needs)))
    if len(item.needs) > 1:  # each member's reason
        whys = [f"{names[need.matter]}{t('colon', lang)}{tx(need.item.why, lang)}" for need in item.needs]
        e.lines = [(label, whys if label == t("why", lang) else value) for label, value in e.lines]
    return e
