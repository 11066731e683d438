"""What a notice says, laid out once in either language; the text, Markdown and HTML renderers
only format this layout, so the three never disagree on content.

The fields follow the reference's section A2 (补正材料通知书): applicant and contact, matter,
application date, legal basis, each item with its name and required standard, the deadline,
the officer, the seal, and the applicant's signature with the time of receipt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.describe.flow import limit_text
from checker.notice.notice import FORM_TEXT, NOT_GOING_AHEAD, FactValue, MaterialItem, Notice, Reason

LABELS = {
    "title.accept": ("受理通知书", "Notice of acceptance"),
    "title.rongque": ("容缺受理通知书", "Notice of acceptance with deferred materials"),
    "title.correct": ("一次性告知书（补正材料通知书）", "One-time notice of materials to supply or correct"),
    # failing a condition is not one of art. 32(1)(1)-(2)'s grounds for non-acceptance: the notice
    # says what is lacking, with reasons, its basis and the remedies
    "title.refuse": ("不符合申请条件告知书", "Notice: the conditions are not met"),
    "title.refuse_review": ("预审意见：不符合许可条件", "Pre-screening: the conditions of the licence are not met"),
    "outcome.refuse_review": ("申请人所述情况不符合许可条件，依法将不予许可", "What the applicant states does not meet the conditions of the licence: it would be refused"),
    "sec.reasons_review": ("不符合许可条件的情形", "Conditions of the licence not met"),
    "sec.verify": ("审查或现场核查时将核实是否存在下列情形", "On review or inspection the agency will verify that none of these applies"),
    "refuse_basis_review": ("《中华人民共和国行政许可法》第三十八条第二款", "Administrative Licensing Law, art. 38 para. 2"),
    "title.questions": ("申请前需说明的情况", "Questions to answer before a decision"),
    "outcome.questions": ("应当提交的材料已齐全；尚有下列情况需要说明，说明后方能确定是否受理及是否还需其他材料（本文书不是补正通知）",
                          "The materials required so far are all here; the questions below must be answered before the agency can decide whether to accept and whether anything else is needed (this is not a notice to supply materials)"),
    "sec.agency_checks": ("受理机关将自行核实的情况（无需申请人提供）", "What the agency will check itself (nothing to bring)"),
    "sec.declared": ("按申请人签署的声明认定的情况", "Taken from what the applicant signed"),
    "declared_on": ("依据您签署的", "as declared on"),
    "title.redirect": ("不予受理通知书（告知向有关行政机关申请）", "Notice of non-acceptance: apply to the competent agency"),
    "title.not_required": ("不予受理通知书（无需取得行政许可）", "Notice of non-acceptance: no licence is needed"),
    "outcome.accept": ("申请材料齐全、符合法定形式，予以受理", "The materials are complete and in legal form: the application is accepted"),
    "outcome.rongque": ("主要材料齐全，次要材料容缺，予以容缺受理；请按承诺期限补齐", "Main materials complete; secondary materials deferred under a written promise: accepted, supply them by the promised date"),
    "outcome.correct": ("申请材料不齐全或者不符合法定形式，请一次性补正下列事项", "The materials are incomplete or not in legal form: supply or correct everything listed below"),
    "outcome.refuse": ("根据申请人所述情况，不符合下列法定条件，申请不能获准", "From what the applicant states, the legal conditions below are not met: the application cannot be granted"),
    "outcome.redirect": ("申请事项不属于本机关职权范围，不予受理，请向有关行政机关申请", "The matter is outside this agency's competence: apply to the competent agency"),
    "outcome.not_required": ("申请事项依法不需要取得行政许可，不予受理", "No licence is needed for this by law: the application is not accepted"),
    "matter": ("申请事项", "Matter"),
    "number": ("文号", "Document number"),
    "supersedes": ("本通知书取代", "Replaces notice"),
    "code": ("事项编码", "Matter code"),
    "department": ("受理机关", "Agency"),
    "locality": ("适用地方规定", "Local rules applied"),
    "office_address": ("办理地点", "Address"),
    "office_hours": ("办公时间", "Opening hours"),
    "phone.consultation": ("咨询电话", "Enquiries"),
    "phone.complaint": ("投诉电话", "Complaints"),
    "applicant": ("申请人", "Applicant"),
    "contact": ("联系方式", "Contact"),
    "date": ("申请日期", "Application date"),
    "reference": ("受理编号", "Reference"),
    "outcome": ("处理结论", "Outcome"),
    "outcome_basis": ("法律依据", "Legal basis"),
    "matter_basis": ("事项设定依据", "Basis of the matter"),
    "sec.reasons": ("理由", "Reasons"),
    "sec.corrections": ("需更正的申请信息", "Information to correct"),
    "sec.missing": ("需补充提交的材料", "Materials to supply"),
    "sec.defective": ("需补正的材料", "Materials to correct"),
    "sec.possibly": ("视情况需要提交的材料", "Materials that may be required"),
    "sec.info": ("尚需说明的情况", "Information still needed"),
    "sec.deferred": ("容缺后补的材料", "Materials deferred under the promise"),
    "sec.promised": ("以书面承诺（告知承诺）办理的材料：须按承诺书载明的内容和期限履行",
                     "Materials covered by a written promise (告知承诺): keep the promise, by the deadline it states"),
    "sec.exempt": ("免提交的材料", "Materials not needed"),
    "sec.accepted": ("已收到且符合要求的材料", "Materials received and in order"),
    "sec.limits": ("期限与收费", "Deadlines and fees"),
    "form": ("提交形式", "Form"),
    "copies": ("份数", "Copies"),
    "standard": ("要求", "Standard"),
    "source": ("获取途径", "Where to obtain it"),
    "why": ("需要的原因", "Why it is required"),
    "facts": ("依据的情况", "Facts"),
    "basis": ("依据", "Basis"),
    "problems": ("存在的问题", "Problems"),
    "routes": ("可选择下列任一方式", "Any one of these will do"),
    "route": ("应提交", "To supply"),
    "route_applies": ("（按申报情况适用）", " (applies to the facts given)"),
    "presented": ("已提交", "presented"),
    "still_missing": ("尚缺", "still missing"),
    "question": ("请说明", "Please state"),
    "affects": ("您的回答将决定", "Your answer decides"),
    "redirect_to": ("请向", "Apply to"),
    "qualifies_on": ("符合该条件的日期（届时可再申请）", "Meets this condition from (apply again then)"),
    "note": ("说明", "Note"),
    "secondary": ("次要材料，可容缺", "secondary material, may be deferred"),
    "promise_ok": ("可以书面承诺代替", "a written promise may replace it"),
    "deadline": ("补正告知", "One-time notice"),
    "deadline.text": ("本机关应当场或者在五个工作日内一次告知需要补正的全部内容；逾期不告知的，自收到申请材料之日起即为受理。",
                      "The agency must list everything to correct in one notice, on the spot or within 5 working days; if it does not, the application counts as accepted from the day the materials were received."),
    "deadline.text_self": ("受理机关收到申请材料后，应当场或者在五个工作日内一次告知需要补正的全部内容；逾期不告知的，自收到申请材料之日起即为受理。",
                           "Once the agency receives the materials, it must list everything to correct in one notice, on the spot or within 5 working days; if it does not, the application counts as accepted from the day the materials were received."),
    "self.accept": ("按所填情况和所列材料，材料齐全，可以到窗口申请", "From what you state and bring, the materials are complete: you can apply at the window"),
    "self.rongque": ("主要材料齐全，次要材料可承诺后补（容缺受理），以受理机关审查为准", "The main materials are complete; the secondary ones may be supplied later under a written promise, subject to the agency's check"),
    "self.correct": ("材料尚不齐全或不符合要求，请先准备好下列全部事项", "Some materials are missing or not in order: prepare everything listed below first"),
    "self.questions": ("应当提交的材料已齐全；还有下列情况需要说明，说明后才能确定是否可以受理、是否还需其他材料",
                       "The materials required so far are all here; answer the questions below to find out whether the application can be accepted and whether anything else is needed"),
    "self.refuse": ("按所填情况，不符合办理条件", "From what you state, the conditions are not met"),
    "self.redirect": ("该事项不由此机关办理，请向下列机关申请", "This agency does not handle it: apply to the agency named below"),
    "self.not_required": ("按所填情况，依法无需办理此事项", "From what you state, this is not required by law"),
    "title.self_check": ("自助预审结果（仅供参考）", "Self-check result (for reference only)"),
    "self_check": ("本结果为申请人自助预审，仅供参考，不是受理机关出具的正式文书；是否受理以受理机关的审查为准。",
                   "This is the applicant's self-check, for reference only, not a notice of the agency; the agency's own check decides."),
    "supply_within": ("补齐期限", "Supply within"),
    "notice_by": ("一次性告知最迟日期", "One-time notice due by"),
    "decision_by": ("作出决定的期限届满日（依法延长的期限和不计入期限的时间另计）",
                    "Decision due by (any lawful extension, and time the law does not count, comes on top)"),
    "supply_by": ("容缺材料补齐最迟日期", "Deferred materials due by"),
    "calendar_note": ("期限说明", "About the deadlines"),
    "days": ("日", "days"),
    "time_limit": ("办理时限", "Time limit for the decision"),
    "time_limit.statutory": ("法定", "statutory"),
    "time_limit.promised": ("承诺", "promised"),
    "fee": ("收费", "Fee"),
    "free": ("不收费", "free of charge"),
    "remedy": ("如不服本决定，可依法申请行政复议或者提起行政诉讼。", "You may apply for administrative reconsideration or bring an administrative lawsuit against this decision."),
    "officer": ("经办人：__________　联系电话：__________", "Officer: __________   Phone: __________"),
    "accepted_by": ("受理日期：____年__月__日　受理人：__________", "Accepted on: ____-__-__   Received by (officer): __________"),
    "copies_footer": ("本文书一式两份，一份交申请人，一份由受理机关存档。", "Made in two copies: one for the applicant, one kept by the agency."),
    "seal": ("（受理机关专用章）　　年　月　日", "(Agency seal)        Date: ____-__-__"),
    "receipt": ("申请人签收：__________　签收时间：__________", "Received by the applicant: __________   Time: __________"),
    "digests": ("校验信息", "Reproducibility"),
    "rules_sha": ("规则文件摘要", "Rule files sha256"),
    "app_sha": ("申请数据摘要", "Application sha256"),
    "version": ("检查程序版本", "Checker version"),
    "none": ("无", "none"),
    "derived": ("推算结果", "Computed facts"),
}


def t(key: str, lang: str) -> str:
    zh, en = LABELS[key]
    return zh if lang == "zh" else en


def tx(text: dict | None, lang: str) -> str:
    if not text:
        return ""
    return text.get(lang) or text.get("zh") or text.get("en") or ""


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
    sep = "；" if lang == "zh" else "; "
    eq = "：" if lang == "zh" else ": "
    return sep.join(f"{tx(f.label, lang)}{eq}{tx(f.display, lang)}" for f in facts)


def _basis(basis: list[dict], lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(tx(b, lang) for b in basis)


def _form(item: MaterialItem, lang: str) -> str:
    zh, en = FORM_TEXT[item.form]
    return zh if lang == "zh" else en


def item_form(item: MaterialItem, lang: str) -> str:
    """"原件，2份" / "original, 2 copies"; "" where its routes ask for different forms (a title
    copy for owned premises, the lease's original): then each route says its own (route_form)."""
    if any((p.form, p.copies) != (item.form, item.copies) for a in item.alternatives for p in a.parts):
        return ""
    return _form(item, lang) + copies_text(item.copies, lang, sep=True)


def route_form(alt, lang: str) -> str:
    """Each part of a route with its form: "产权证（复印件）、租约（原件，2份）"."""
    opening, closing, sep = ("（", "）", "、") if lang == "zh" else (" (", ")", "; ")
    return sep.join(f"{tx(p.name, lang)}{opening}{FORM_TEXT[p.form][0 if lang == 'zh' else 1]}"
                    f"{copies_text(p.copies, lang, sep=True)}{closing}" for p in alt.parts)


def copies_text(copies: int | None, lang: str, *, sep: bool = False) -> str:
    """"2份" / "2 copies"; nothing where the sources give no number."""
    if copies is None:
        return ""
    text = f"{copies}份" if lang == "zh" else f"{copies} cop{'y' if copies == 1 else 'ies'}"
    return (("，" if lang == "zh" else ", ") + text) if sep else text


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
                text += ("：" if lang == "zh" else ": ") + route_form(alt, lang)
            if have:
                sep = "、" if lang == "zh" else ", "
                text += f"（{t('presented', lang)}：{sep.join(have)}；{t('still_missing', lang)}：{sep.join(lack)}）" \
                    if lang == "zh" else f" ({t('presented', lang)}: {sep.join(have)}; {t('still_missing', lang)}: {sep.join(lack)})"
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
        e.lines.append((t("note", lang), ("；" if lang == "zh" else "; ").join(flags)))
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


def layout(notice: Notice, lang: str = "zh") -> Layout:
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
        sep = "：" if lang == "zh" else ": "
        sections.append(Section("declared", t("sec.declared", lang), [
            Entry(f"{tx(d.label, lang)}{sep}{tx(d.display, lang)}",
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
        limits.append((t("supply_within", lang), f"{days}{t('days', lang)}" if lang == "zh" else f"{days} {t('days', lang)}"))
    for key in ("statutory", "promised"):
        if n.time_limit.get(key):
            limits.append((f"{t('time_limit', lang)}（{t('time_limit.' + key, lang)}）" if lang == "zh"
                           else f"{t('time_limit', lang)} ({t('time_limit.' + key, lang)})", limit_text(n.time_limit[key], lang, detail=True)))
    from checker.describe.guide import fee_text
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
        key, basis = "refuse_review", t("refuse_basis_review", lang)
    if official:
        title, outcome = t(f"title.{key}", lang), t(f"outcome.{key}", lang)
    else:
        title, outcome = t("title.self_check", lang), t(f"self.{n.outcome}", lang)
    return Layout(lang, title, header, outcome, n.outcome, basis, sections, footer, digests)
