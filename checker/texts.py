"""Every text a person reads that the program itself writes, in Chinese and English: one table,
one `t()`. Texts that come from rule files (names, reasons, standards) are bilingual there and
read with `tx()`.

Keys are grouped by where the text appears: the notice's labels (title., outcome., sec., ...)
and each language's punctuation (colon, semicolon, paren, ...) first, then each other part's
under its own prefix (web., guide., flow., ...). The wording of a matter's time limit and fee
(`limit_text`, `fee_text`) is here too: the guide, the flow chart and the notice all say them.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- the notice (notice/render/layout.py) ---------------------------------------------------
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
    # ---- the event's one notice (一件事一次告知)
    "event.title": ("“一件事”一次告知单（自助预审，仅供参考）", "One notice for the event (self-check, for reference only)"),
    "event.name": ("一件事", "Event"),
    "event.members": ("涉及事项", "Matters in this event"),
    "event.basis": ("依据", "Basis"),
    "event.outcome.accept": ("按所填情况和所列材料，本事件各事项材料齐全，可以一次申请", "From what you state and bring, every matter of this event is complete: you can apply for all of them at once"),
    "event.outcome.rongque": ("主要材料齐全，部分次要材料可承诺后补（容缺受理），以受理机关审查为准", "The main materials are complete; some secondary ones may be supplied later under a written promise, subject to the agencies' check"),
    "event.outcome.correct": ("材料尚不齐全或不符合要求，请一次准备好下列全部事项；同一份材料只需提交一次", "Some materials are missing or not in order: prepare everything listed below in one go; a document is handed in once, whichever matters need it"),
    "event.outcome.questions": ("还有下列情况需要说明，说明后才能确定各事项是否可以受理、是否还需其他材料", "Some questions below still need an answer before it is known whether each matter can be accepted and what else is needed"),
    "event.outcome.partial": ("可以办理的事项材料齐全；但有事项按所填情况不能办理，见各事项情况", "The matters that can go ahead are complete; but some matter cannot be done from what you state: see each matter"),
    "event.outcome.refuse": ("按所填情况，本事件的事项均不能办理，见各事项情况", "From what you state, none of the matters of this event can be done: see each matter"),
    "event.outcome.not_required": ("按所填情况，本事件的事项依法均无需办理", "From what you state, none of the matters of this event is required by law"),
    "event.outcome_basis": ("《国务院关于进一步优化政务服务提升行政效能推动“高效办成一件事”的指导意见》（国发〔2024〕3号）：一次告知、一表申请、一套材料", "State Council guidance on doing each event efficiently (国发〔2024〕3号): one notice, one form, one set of materials"),
    "event.sec.members": ("各事项办理情况", "Each matter"),
    "event.sec.missing": ("需要准备的材料（每份只交一次）", "Materials to bring (each once)"),
    "event.sec.defective": ("需要补正的材料", "Materials to correct"),
    "event.sec.possibly": ("视情况需要提交的材料", "Materials that may be required"),
    "event.sec.produced": ("由本事件中其他事项产生、无需另行提交的材料和办理结果", "Materials and results produced within this event: nothing to bring"),
    "event.sec.info": ("尚需说明的情况（每项只问一次）", "Questions still open (each asked once)"),
    "event.sec.accepted": ("已收到且符合要求的材料", "Materials received and in order"),
    "event.sec.limits": ("各事项的期限与收费", "Each matter's time limits and fees"),
    "event.member.outcome": ("情况", "Standing"),
    "event.member.department": ("办理机关", "Agency"),
    "event.member.applies_when": ("适用情形", "Applies"),
    "event.member.waits_on": ("需等待", "Waits for"),
    "event.member.waits_text": ("{names}办结后方能办理（本事项需要其办理结果）", "can be done once {names} is done (this matter needs its result)"),
    "event.member.reasons": ("原因", "Why"),
    "event.member.not_applicable": ("按所填情况，本事项不适用", "From what you state, this matter does not apply"),
    "event.member.blocked": ("需先办理的事项按所填情况不能办理，本事项在本事件中暂不能办理", "A matter it needs first cannot be done from what you state, so this one cannot go ahead in this event"),
    "event.member.undecided_agency": ("是否需要办理，由受理机关根据其掌握的情况确定", "Whether it is needed, the agency establishes from its own records"),
    "event.member.undecided": ("是否需要办理，取决于下列尚需说明的情况", "Whether it is needed depends on a question below"),
    "event.needed_by": ("用于", "Needed for"),
    "event.produced_by": ("由“{name}”办结后产生", "issued by \u201c{name}\u201d once it is done"),
    "event.produced_from": ("来源", "Comes from"),
    "event.not_ready": ("“{name}”尚未齐备：该事项办结后才能产生", "\u201c{name}\u201d is not complete yet: this comes once it is done"),
    "event.blocked": ("按所填情况“{name}”不能办理，此项不能在本事件内产生，本事项因此暂不能办理", "from what you state, \u201c{name}\u201d cannot be done, so this is not produced within the event and this matter cannot go ahead yet"),
    "guide.event.conditional": ("视申请人情况", "depending on the applicant"),
    "guide.event.after": ("在下列事项之后办理", "Comes after"),
    "guide.event.form": ("一张表单：共{n}项信息，下列各事项共用的只填一次", "One form: {n} items of information; those the matters share are given once"),
    "guide.event.documents": ("一套材料：下列材料只交一份，各事项共用", "One set of materials: each of these is handed in once, for every matter that needs it"),
    "event.asks_for": ("影响", "Affects"),
    "event.self_check": ("本单据为“一件事”自助预审结果，仅供参考；各事项以受理机关出具的书面告知为准。", "This is a self-check of the event, for reference only; for each matter, the written notice of the agency that handles it decides."),
    "title.self_check": ("自助预审结果（仅供参考）", "Self-check result (for reference only)"),
    "self_check": ("本结果为申请人自助预审，仅供参考，不是受理机关出具的正式文书；是否受理以受理机关的审查为准。",
                   "This is the applicant's self-check, for reference only, not a notice of the agency; the agency's own check decides."),
    "supply_within": ("补齐期限", "Supply within"),
    "notice_by": ("一次性告知最迟日期", "One-time notice due by"),
    "decision_by": ("作出决定的期限届满日（依法延长的期限和不计入期限的时间另计）",
                    "Decision due by (any lawful extension, and time the law does not count, comes on top)"),
    "supply_by": ("容缺材料补齐最迟日期", "Deferred materials due by"),
    "calendar_note": ("期限说明", "About the deadlines"),
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
    # punctuation: each language's own colon, separators and brackets
    "colon": ("：", ": "),
    "semicolon": ("；", "; "),
    "comma": ("，", ", "),
    "enum": ("、", ", "),  # between items of a list
    "parts": ("、", "; "),  # between the parts of a route, which may carry their own commas
    "paren": ("（{text}）", " ({text})"),
    "html_lang": ("zh-CN", "en"),
    "notice.numerals": ("一二三四五六七八九十", ""),  # a section's number in words, where the language has them
    "notice.section_no": ("{n}、", "{n}. "),
    "notice.count": ("（{n}项）", " ({n})"),
    "notice.days": ("{n}日", "{n} days"),
    "notice.copies.one": ("{n}份", "{n} copy"),
    "notice.copies.many": ("{n}份", "{n} copies"),
    # how a material is to be presented (a material's `form`)
    "notice.form.original": ("原件", "the original"),
    "notice.form.copy": ("复印件", "a copy"),
    "notice.form.original_and_copy": ("原件核验并提交复印件", "the original for checking plus a copy"),
    "notice.form.electronic": ("电子证照", "an electronic document"),
    "notice.form.original_or_electronic": ("原件或电子证照", "the original or an electronic document"),
    # 行政许可法 art. 32 para. 1: the item that governs each outcome (carried in the notice's JSON)
    "notice.basis.accept": ("《中华人民共和国行政许可法》第三十二条第一款第（五）项",
                            "Administrative Licensing Law, art. 32 para. 1 item 5"),
    "notice.basis.rongque": ("《中华人民共和国行政许可法》第三十二条；容缺受理制度",
                             "Administrative Licensing Law, art. 32; acceptance with deferred secondary materials (容缺受理)"),
    "notice.basis.correct": ("《中华人民共和国行政许可法》第三十二条第一款第（四）项",
                             "Administrative Licensing Law, art. 32 para. 1 item 4"),
    # a condition of the licence not met on review (不予许可); one known at the window cites the
    # condition's own basis instead (decide._outcome_basis)
    "notice.basis.refuse": ("《中华人民共和国行政许可法》第三十八条第二款", "Administrative Licensing Law, art. 38 para. 2"),
    "notice.basis.redirect": ("《中华人民共和国行政许可法》第三十二条第一款第（二）项",
                              "Administrative Licensing Law, art. 32 para. 1 item 2"),
    "notice.basis.not_required": ("《中华人民共和国行政许可法》第三十二条第一款第（一）项",
                                  "Administrative Licensing Law, art. 32 para. 1 item 1"),
    # not a decision: what the applicant still has to state before one (and it is theirs to state truthfully)
    "notice.basis.questions": ("《中华人民共和国行政许可法》第三十一条（申请人应当如实提交有关材料和反映真实情况）",
                               "Administrative Licensing Law, art. 31 (the applicant gives true materials and facts)"),

    # --- deciding and explaining (run/decide.py, run/why.py): keys why.* ----------------------
    "why.calendar.before": ("节假日数据不包含{year}年（覆盖{start}年起），无法按工作日计算期限",
                            "the holiday data does not cover {year} (it starts in {start}): "
                            "the working-day deadline cannot be computed"),
    "why.calendar.beyond": ("无法推算{year}年的节假日，无法按工作日计算期限",
                            "the holidays of {year} cannot be reckoned: the working-day deadline cannot be computed"),
    "why.calendar.provisional": ("{year}年节假日安排尚未公布：此日期按法定节假日（含补假）推算，以国务院公布的安排为准",
                                 "the {year} holiday schedule is not published yet: this date is reckoned from the statutory "
                                 "holidays (with their make-up days) and may change when the schedule is published"),
    "why.unknown": ("未知", "unknown"),
    "why.yes": ("是", "yes"),
    "why.no": ("否", "no"),
    "why.records": ("{count} 条记录", "{count} record(s)"),
    "why.application_date": ("申请日期", "application date"),
    "why.records_concerned": ("涉及第 {records} 条", "concerns record(s) {records}"),
    "why.records_unknown": ("第 {records} 条情况不明", "record(s) {records} not known"),
    "why.records_none": ("不涉及任何一条", "concerns none of them"),
    "why.unset_parameter": ("按{label}审核（由当地公布，本次预审未设定该值）",
                            "checked against the {label} (published locally; not set for this check)"),
    "why.required_always": ("本事项必须提交的材料", "required for every application of this matter"),
    "why.required_when": ("适用条件：{when}", "applies when: {when}"),
    "why.span_from": ("自{date}起", "from {date}"),
    "why.span_until": ("{date}前", "before {date}"),
    "why.in_force": ("{why}（申请日期 {date}，该要求适用于{span}的申请）",
                     "{why} (application dated {date}; this requirement applies to applications {span})"),
    "why.exempt": ("无需提交：由受理部门通过数据共享获取（免提交）", "not needed: obtained by the agency through data sharing"),
    "why.promise_barred": ("{why}；申请人有严重失信记录，不适用告知承诺", "{why}; the applicant's credit record bars a written promise"),
    "why.defect.form": ("提交形式不符合要求：应为{form_zh}，实际为{got_zh}", "wrong form: {form_en} is required, {got_en} was presented"),
    "why.defect.copies": ("份数不足：应提交{copies}份，实际{got}份", "not enough copies: {copies} required, {got} presented"),
    "why.defect.unsigned": ("未签字", "not signed"),
    "why.defect.unsealed": ("未盖章", "not sealed"),
    "why.defect.expired": ("已于{got}失效，申请日期为{date}", "expired on {got}; the application is dated {date}"),
    "why.affects_form": ("[{id}]{name}提交哪一种", "which form of [{id}] {name} counts"),
    "why.affects_material": ("是否需要提交[{id}]{name}", "whether [{id}] {name} is needed"),
    "why.affects_rule": ("是否存在以下情形：{reason}", "whether this applies: {reason}"),
    "why.affects_rongque": ("能否容缺受理", "whether the application can be accepted with deferred materials"),
    "why.record_lacks": ("第{record}条缺少{fields}", "record {record} lacks {fields}"),
    "why.question_gaps": ("{question}（{gaps}）", "{question} ({gaps})"),
    "why.please_check": ("请核实：{label}（所填：{given}）", "Please check: {label} (given: {given})"),
    "why.cannot_determine": ("无法根据所填情况确定“{label}”，请核实相关情况",
                             "'{label}' cannot be determined from the facts given; please check them"),
    # the units facts are written in, in English: "one|many" (a unit not listed is printed as written)
    "why.unit.周岁": ("周岁", "year|years"),
    "why.unit.年": ("年", "year|years"),
    "why.unit.个月": ("个月", "month|months"),
    "why.unit.月": ("月", "month|months"),
    "why.unit.日": ("日", "day|days"),
    "why.unit.元": ("元", "yuan|yuan"),
    "why.unit.元/人·月": ("元/人·月", "yuan per person a month|yuan per person a month"),
    "why.unit.人": ("人", "person|persons"),
    "why.unit.间": ("间", "room|rooms"),
    "why.unit.米": ("米", "m|m"),

    # --- the guide and the flow chart (describe/guide.py, describe/flow.py): guide.*, flow.* ----
    "guide.catalogue": ("事项目录", "Matters"),
    "guide.matter": ("事项", "matter"),
    "guide.code": ("事项编码", "Matter code"),
    "guide.department": ("实施机关", "Agency"),
    "guide.level": ("行使层级", "Level"),
    "guide.type": ("事项类型", "Type"),
    "guide.basis": ("设定依据", "Legal basis"),
    "guide.time": ("办理时限", "Time limit"),
    "guide.fee": ("收费", "Fee"),
    "guide.fee.unstated": ("未注明", "not stated"),
    "guide.fee.amount": ("{amount} 元", "RMB {amount}"),
    "guide.handling": ("办理地点和方式", "Where and how"),
    "guide.conditions": ("受理条件与不予受理情形", "Conditions"),
    "guide.materials": ("申请材料", "Materials"),
    "guide.facts": ("需要了解的情况", "Facts asked"),
    "guide.always": ("必须提交", "always required"),
    "guide.when": ("适用条件", "required when"),
    "guide.options": ("可选方式", "alternative"),
    "guide.in_force": ("适用期间", "in force"),
    "guide.shared": ("免提交（部门共享获取）", "not submitted: obtained by data sharing"),
    "guide.from_agency": ("由受理机关自行核实，不向申请人询问", "verified by the agency itself, not asked"),
    "guide.from_declaration": ("未填写时按申请人签署的材料认定", "when not stated, taken from the signed material"),
    "guide.secondary": ("可容缺", "may be deferred (容缺)"),
    "guide.promise": ("可告知承诺", "written promise accepted"),
    "guide.note": ("说明", "note"),
    "guide.notes": ("说明", "Notes"),
    "guide.derived": ("推算", "computed"),
    "guide.outcome.refuse": ("不予受理", "refuse"),
    "guide.outcome.refuse_review": ("不予许可（审查、核查时认定）", "refused on review or inspection"),
    "guide.outcome.redirect": ("告知向其他机关申请", "redirect"),
    "guide.outcome.not_required": ("无需许可", "no licence needed"),
    "guide.outcome.correct": ("需更正", "to correct"),
    "guide.examples": ("示例", "Examples"),
    "guide.parameters": ("参数（可由当地设置）", "Parameters (a local office may set them)"),
    "guide.law": ("法定，不可本地修改", "set by law, not locally"),
    "guide.from": ("自", "from"),
    "guide.local": ("本地设置", "local setting"),
    "guide.flow": ("办理流程", "Processing flow"),
    "guide.if": ("条件", "when"),
    "guide.otherwise": ("否则", "otherwise"),
    # how far a rule file's item can be trusted (for rule authors: `checker show --notes`)
    "guide.confidence": ("可信度", "confidence"),
    "guide.confidence.official": ("官方来源", "official source"),
    "guide.confidence.mirror": ("转载官方文本", "mirror of an official text"),
    "guide.confidence.third_party": ("第三方资料，未经官方核实", "third-party source, not verified officially"),
    "guide.confidence.inferred": ("推断", "inferred"),
    "guide.confidence.unverified": ("未经核实", "unverified"),
    # the flow chart's branches at acceptance and decision (行政许可法 art. 32)
    "flow.accepted": ("材料齐全", "complete"),
    "flow.incomplete": ("材料不齐全", "incomplete"),
    "flow.notice": ("出具一次性告知书，申请人补正后重新提交", "one-time notice; the applicant supplies and resubmits"),
    "flow.not_accepted": ("不予受理", "not accepted"),
    "flow.not_accepted_box": ("出具不予受理通知书，说明理由", "notice of non-acceptance with reasons"),
    "flow.granted": ("准予", "granted"),
    "flow.refused": ("不予准予", "refused"),
    "flow.refused_box": ("书面决定并说明理由，告知复议、诉讼权利", "written decision with reasons and the right of appeal"),
    # a time limit in words (limit_text below: the flow chart, the guide and the notice)
    "flow.spot": ("当场", "on the spot"),
    "flow.or": ("或", " or "),
    "flow.working_days": ("{n}个工作日", "{n} working days"),
    "flow.days": ("{n}日", "{n} days"),

    # --- the explanation of a run (describe/explain.py): explain.* ------------------------------

    # --- the interview (shells/interview.py, shells/terminal.py): interview.* -------------------
    # the interview's result, as the terminal and the web both show it: result.*
    "result.heading": ("自助预审结果", "Self-check result"),
    "result.bring": ("请携带以下材料到窗口办理：", "Bring these materials:"),
    "result.bring_none": ("无需另外准备材料。", "No materials to prepare."),
    "result.possibly": ("视情况可能需要", "may be required"),
    "result.form": ("提交形式", "Form"),
    "result.copies": ("份数", "Copies"),
    "result.route_one": ("应提交", "To supply"),
    "result.route_any": ("可选择下列任一方式", "Any one of these will do"),
    "result.source": ("获取途径", "Where to obtain it"),
    "result.why": ("需要的原因", "Why it is required"),
    "result.exempt": ("无需提交（由受理部门通过数据共享获取）", "Not needed: obtained by the agency"),
    "result.verify": ("审查或现场核查时将核实", "Verified later, on review or inspection"),
    "result.agency_checks": ("受理机关将自行核实（无需您提供）", "The agency will check itself (nothing to bring)"),
    "result.declared": ("按您签署的声明认定", "Taken from what you sign"),
    "result.declared_on": ("依据", "as declared on"),
    "result.needed_if": ("如属下列情形则需要", "Needed if this applies"),
    "result.qualifies_on": ("符合该条件的日期（届时可再申请）", "You meet this condition from (apply again then)"),
    "result.unknown": ("尚不清楚的情况（可能影响所需材料）", "Not known yet (may change the materials)"),
    "result.corrections": ("需更正的信息", "Information to correct"),
    "result.outcome.refuse": ("根据您的回答，不符合办理条件", "From your answers, the conditions are not met"),
    "result.outcome.redirect": ("该事项不由本机关办理，请向有关机关申请", "This agency does not handle it: apply to the competent agency"),
    "result.outcome.not_required": ("根据您的回答，依法无需办理此事项", "From your answers, this is not required by law"),
    "result.reasons": ("原因", "Reasons"),
    "result.basis": ("依据", "Basis"),
    "result.apply_to": ("请向", "Apply to"),
    "interview.title": ("{name}（自助预审）", "{name} (self-check)"),
    "interview.skip_hint": ("输入 ? 表示不清楚。", "Answer ? if you do not know."),
    "interview.yes_no": (" [是/否]", " [yes/no]"),
    "interview.error": ("  ✗ ", "  x "),
    "interview.record": ("第{i}条", "record {i}"),
    "interview.how_many": ("{question}：共几条？", "{question}: how many?"),
    "interview.saved": ("答案已保存到 {path}", "Answers saved to {path}"),
    # why an answer is asked again
    "interview.answer.yes_no": ("请回答“是”或“否”", "answer yes or no"),
    "interview.answer.integer": ("请输入整数", "enter a whole number"),
    "interview.answer.number": ("请输入数字", "enter a number"),
    "interview.answer.minimum": ("不能小于 {n}", "must be at least {n}"),
    "interview.answer.maximum": ("不能大于 {n}", "must be at most {n}"),
    "interview.answer.date": ("请按“年-月-日”输入一个真实的日期，例如 2026-03-02", "enter a real date as YYYY-MM-DD, e.g. 2026-03-02"),
    "interview.answer.date_range": ("日期须在 {first} 至 {last} 之间", "enter a date from {first} to {last}"),
    "interview.answer.choose": ("请选择：{options}", "choose one of: {options}"),
    "interview.answer.empty": ("请填写", "please answer"),
    # the interview's result (the applicant's self-check), in the terminal and on the web

    # --- the web pages and the API (shells/web/): web.* ------------------------------------------
    # the pages' texts (the templates get them as `t`, without the prefix)
    "web.site": ("政务服务事项自助预审", "Government services: self-check"),
    "web.all_matters": ("全部事项", "All matters"),
    "web.events": ("“一件事”：一张表单、一套材料、一次告知", "Life and business events: one form, one set of materials, one notice"),
    "web.event_members": ("包括", "Covers"),
    "web.event_intro": ("回答下列问题，一次了解本事件各事项需要准备的全部材料；各事项共用的问题只问一次，同一份材料只需准备一份。", "Answer the questions below to learn, in one go, everything every matter of this event needs; a question the matters share is asked once, and a document is prepared once."),
    "web.search": ("搜索事项（名称或编号）", "Search the matters (name or id)"),
    "web.search_button": ("搜索", "Search"),
    "web.count": ("共 {n} 项", "{n} matters"),
    "web.none_found": ("没有找到符合条件的事项。", "No matter matches."),
    "web.department": ("受理机关", "Agency"),
    "web.intro": ("只询问可能影响结果的问题；不确定的请选择“不清楚”。本页面不保存您填写的任何信息。",
                  "Only questions that can change the result are asked; choose “don't know” if you are not sure. "
                  "Nothing you enter is stored."),
    "web.date": ("申请日期", "Application date"),
    "web.date_hint": ("年-月-日，例如 2026-03-02", "YYYY-MM-DD, e.g. 2026-03-02"),
    "web.answered": ("您的回答（可以修改）", "Your answers (you can change them)"),
    "web.questions": ("请回答以下问题", "Please answer these questions"),
    "web.yes": ("是", "yes"),
    "web.no": ("否", "no"),
    "web.dont_know": ("不清楚", "don't know"),
    "web.submit": ("下一步", "Continue"),
    "web.back": ("上一步", "Back"),
    "web.recheck": ("更新结果", "Update the result"),
    "web.skipped": ("您选择了“不清楚”的问题", "Questions you answered “don't know”"),
    "web.unskip": ("改为回答", "answer it"),
    "web.how_many": ("共几条？（没有的填 0）", "How many? (none: 0)"),
    "web.record": ("第 {i} 条", "Record {i}"),
    "web.remaining": ("还有 {n} 个问题", "{n} question(s) left"),
    "web.notice_link": ("查看并打印完整的预审结果", "View and print the full self-check result"),
    "web.disclaimer": ("本结果为自助预审，仅供参考，以受理机关的审查为准。",
                       "This self-check is for guidance only; the agency's review decides."),
    "web.not_found": ("没有这个事项", "No such matter"),
    "web.bad_request": ("请求无效", "Bad request"),
    "web.error": ("服务器内部错误", "Internal error"),
    "web.unusable": ("这个回答无法使用", "this answer cannot be used"),
    "web.unit": ("（{unit}）", "({unit})"),  # a question's unit, after its hint
    "web.html_lang": ("zh-CN", "en"),  # the pages' <html lang>
    # the JSON API's errors
    "web.api.unknown_matter": ("没有这个事项：{id}", "unknown matter '{id}'"),
    "web.api.unknown_bundle": ("没有这件“一件事”：{id}", "unknown bundle '{id}'"),
    "web.api.too_large": ("请求体超过 {n} 字节", "the body is larger than {n} bytes"),
    "web.api.bad_length": ("Content-Length 无效", "invalid Content-Length"),
    "web.api.not_json": ("请求体不是有效的 JSON：{why}", "the body is not valid JSON: {why}"),
    "web.api.bad_lang": ("lang 只能是 zh 或 en", "lang must be zh or en"),
    "web.api.engine": ("规则引擎内部错误", "internal error in the rules engine"),
    "web.api.broken": ("该事项的规则文件有错误，暂时无法使用", "the rule files of this matter have errors"),

    # --- batch pre-screening (shells/screen.py): screen.* ----------------------------------------
    "screen.summary": ("预审汇总", "Screening summary"),

    # --- the batch template (shells/template.py): template.* -----------------------------------
    "template.data_sheet": ("申请", "Applications"),
    "template.help_sheet": ("说明", "Help"),
    "template.title": ("{name}：批量预审表填写说明", "{name}: how to fill in the batch screening sheet"),
    "template.rows": ("每行一件申请；第一行是列名，请勿改动。首格以 # 开头的行不读入：第2行说明各列，第3行是按本事项示例填写的一行，删去首格的 # 即可作为一件申请预审。",
                      "One application per row; the first row names the columns: do not change it. Rows whose first cell starts with # are not read: the second row explains the columns, the third is filled from one of the matter's examples; delete the # in its first cell to screen it as an application."),
    "template.rows_xlsx": ("第一张表每行一件申请；第一行是列名，请勿改动（列名上的批注说明填写方式）。首格以 # 开头的行不读入：第2行是按本事项示例填写的一行，删去首格的 # 即可作为一件申请预审。",
                           "One application per row of the first sheet; the first row names the columns: do not change it (the note on each name says what to write). Rows whose first cell starts with # are not read: the second row is filled from one of the matter's examples; delete the # in its first cell to screen it as an application."),
    "template.forms": ("日期可写 2026-03-02、2026/3/2、2026.03.02 或 2026年3月2日；是/否可写 是/否、有/无、true/false、yes/no、Y/N 或 1/0；选项可写编号或中文、英文名称；数字可带千位分隔符（12,000），也可用全角数字。",
                       "Dates may be written 2026-03-02, 2026/3/2, 2026.03.02 or 2026年3月2日; yes/no as 是/否, 有/无, true/false, yes/no, Y/N or 1/0; a choice by its id or its Chinese or English name; numbers with thousands separators (12,000) or in full-width digits."),
    "template.run": ("填好后预审：checker screen 文件名 --out 结果文件夹", "To screen it: checker screen FILE --out FOLDER"),
    "template.head.column": ("列名", "Column"),
    "template.head.question": ("填写内容", "What to write"),
    "template.head.how": ("填写方式", "How to write it"),
    "template.head.example": ("示例", "Example"),
    "template.matter": ("事项编号，本表为 {id}（{name}）", "the matter's id: {id} ({name}) on this sheet"),
    "template.bundle": ("“一件事”编号，本表为 {id}（{name}）", "the event's id: {id} ({name}) on this sheet"),
    "template.date": ("申请日期", "the application date"),
    "template.reference": ("本窗口的受理编号，每件申请各不相同（可不填）", "the office's case reference, one per application (may be left empty)"),
    "template.locality": ("适用哪个地方的规定（不填：本窗口所在地的规定）", "whose local rules apply (empty: those of the office)"),
    "template.applicant.name": ("申请人姓名", "the applicant's name"),
    "template.applicant.contact": ("申请人联系方式", "the applicant's contact"),
    "template.applicant.phone": ("申请人电话", "the applicant's telephone"),
    "template.applicant.id_number": ("申请人身份号码", "the applicant's ID number"),
    "template.materials": ("已提交的材料", "the materials presented"),
    "template.promised": ("以书面承诺代替的材料（告知承诺）", "the materials replaced by a written promise (告知承诺)"),
    "template.rongque": ("是否申请容缺受理", "whether the applicant asks for acceptance with deferred materials (容缺受理)"),
    "template.kind.text": ("文字", "text"),
    "template.kind.bool": ("填 是 或 否", "yes or no"),
    "template.kind.integer": ("整数", "a whole number"),
    "template.kind.number": ("数字", "a number"),
    "template.kind.date": ("日期，如 2026-03-02", "a date, e.g. 2026-03-02"),
    "template.kind.enum": ("选一项：{choices}", "one of: {choices}"),
    "template.kind.list": ("多条记录，按 JSON 格式填写，每条可含：{fields}", "records written as JSON, each with: {fields}"),
    "template.kind.materials": ("材料编号，以 ; 分隔；每项可附 :form=提交形式:copies=份数:signed=是:valid_until=有效期至，提交形式为 {forms}。可填的材料：{choices}",
                                "material IDs separated by ;, each optionally followed by :form=FORM:copies=N:signed=yes:valid_until=DATE, FORM being {forms}. The materials: {choices}"),
    "template.kind.promised": ("材料编号，以 ; 分隔。可填：{choices}", "material IDs separated by ;. Allowed: {choices}"),
    "template.kind.locality": ("地方编号：{choices}", "a locality's id: {choices}"),
    "template.range": ("{low}至{high}", "from {low} to {high}"),
    "template.at_least": ("不小于{low}", "at least {low}"),
    "template.at_most": ("不大于{high}", "at most {high}"),
    "template.unit": ("单位：{unit}", "unit: {unit}"),
    "template.agency": ("由受理机关核实，一般不填", "the agency verifies this: usually left empty"),
    "template.declared": ("由申请人签署的材料声明，一般不填", "stated on a material the applicant signs: usually left empty"),
    "template.sep": ("；", "; "),
    "template.or": ("、", ", "),

    # --- the command line (shells/cli/): cli.* ----------------------------------------------------

}


LANGS = ("zh", "en")


def t(key: str, lang: str, **values) -> str:
    """The text `key` in `lang` ("zh", else English), with {name} placeholders filled from `values`."""
    zh, en = TEXTS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def both(key: str, **values) -> dict[str, str]:
    """The text `key` in both languages, as a notice carries it ({"zh": ..., "en": ...})."""
    return {lang: t(key, lang, **values) for lang in LANGS}


def tx(text: dict | None, lang: str) -> str:
    """A bilingual text from a rule file ({zh: ..., en: ...}) in `lang`, else whichever it has."""
    if not text:
        return ""
    return text.get(lang) or text.get("zh") or text.get("en") or ""


def limit_text(limit: dict, lang: str, detail: bool = False) -> str:
    """A time limit in words: "当场或5个工作日" / "on the spot or 5 working days"; with `detail`,
    the limit's own explanation follows in brackets. A limit given only as text is that text.
    (Here, not with the flow chart, because the guide, the flow chart and the notice all say it.)"""
    parts = []
    if limit.get("on_the_spot"):
        parts.append(t("flow.spot", lang))
    if limit.get("days") is not None:
        parts.append(t("flow.working_days" if limit.get("working_days") else "flow.days", lang, n=limit["days"]))
    text = t("flow.or", lang).join(parts)
    explanation = tx(limit.get("text"), lang)
    if not text:
        return explanation
    if detail and explanation:
        text += t("paren", lang, text=explanation)
    return text


def fee_text(fee: dict, lang: str) -> str:
    """A matter's fee in words (the guide and the notice)."""
    if fee.get("text"):
        return tx(fee["text"], lang)
    if "amount" not in fee:
        return t("guide.fee.unstated", lang)
    if not fee["amount"]:
        return t("free", lang)
    return t("guide.fee.amount", lang, amount=fee["amount"])
