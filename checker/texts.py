"""Every text a person reads that the program itself writes, in Chinese and English: one table,
one `t()`. Texts that come from rule files (names, reasons, standards) are bilingual there and
read with `tx()`.

Keys are grouped by where the text appears: the notice's labels (title., outcome., sec., ...)
first, then each other part's under its own prefix (web., guide., flow., ...).
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

    # --- deciding and explaining (run/decide.py, run/why.py): keys why.* ----------------------

    # --- the guide and the flow chart (describe/guide.py, describe/flow.py): guide.*, flow.* ----

    # --- the explanation of a run (describe/explain.py): explain.* ------------------------------

    # --- the interview (shells/interview.py, shells/terminal.py): interview.* -------------------

    # --- the web pages and the API (shells/web/): web.* ------------------------------------------
    # the pages' texts (the templates get them as `t`, without the prefix)
    "web.site": ("政务服务事项自助预审", "Government services: self-check"),
    "web.all_matters": ("全部事项", "All matters"),
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
    "web.result": ("自助预审结果", "Self-check result"),
    "web.bring": ("请携带以下材料到窗口办理：", "Bring these materials:"),
    "web.bring_none": ("无需另外准备材料。", "No materials to prepare."),
    "web.possibly": ("视情况可能需要", "may be required"),
    "web.form": ("提交形式", "Form"),
    "web.copies": ("份数", "Copies"),
    "web.route_one": ("应提交", "To supply"),
    "web.route_any": ("可选择下列任一方式", "Any one of these will do"),
    "web.source": ("获取途径", "Where to obtain it"),
    "web.why": ("需要的原因", "Why it is required"),
    "web.exempt": ("无需提交（由受理部门通过数据共享获取）", "Not needed: obtained by the agency"),
    "web.verify": ("审查或现场核查时将核实", "Verified later, on review or inspection"),
    "web.agency_checks": ("受理机关将自行核实（无需您提供）", "The agency will check itself (nothing to bring)"),
    "web.declared": ("按您签署的声明认定", "Taken from what you sign"),
    "web.declared_on": ("依据", "as declared on"),
    "web.needed_if": ("如属下列情形则需要", "Needed if this applies"),
    "web.qualifies_on": ("符合该条件的日期（届时可再申请）", "You meet this condition from (apply again then)"),
    "web.unknown": ("尚不清楚的情况（可能影响所需材料）", "Not known yet (may change the materials)"),
    "web.corrections": ("需更正的信息", "Information to correct"),
    "web.outcome.refuse": ("根据您的回答，不符合办理条件", "From your answers, the conditions are not met"),
    "web.outcome.redirect": ("该事项不由本机关办理，请向有关机关申请", "This agency does not handle it: apply to the competent agency"),
    "web.outcome.not_required": ("根据您的回答，依法无需办理此事项", "From your answers, this is not required by law"),
    "web.reasons": ("原因", "Reasons"),
    "web.basis": ("依据", "Basis"),
    "web.apply_to": ("请向", "Apply to"),
    "web.notice_link": ("查看并打印完整的预审结果", "View and print the full self-check result"),
    "web.disclaimer": ("本结果为自助预审，仅供参考，以受理机关的审查为准。",
                       "This self-check is for guidance only; the agency's review decides."),
    "web.not_found": ("没有这个事项", "No such matter"),
    "web.bad_request": ("请求无效", "Bad request"),
    "web.error": ("服务器内部错误", "Internal error"),
    "web.unusable": ("这个回答无法使用", "this answer cannot be used"),
    "web.colon": ("：", ": "),
    "web.unit": ("（{unit}）", "({unit})"),  # a question's unit, after its hint
    "web.parts": ("（{parts}）", " ({parts})"),  # an alternative's parts, after its name
    "web.parts_sep": ("、", "; "),
    "web.basis_sep": ("；", "; "),
    "web.html_lang": ("zh-CN", "en"),  # the pages' <html lang>
    # the JSON API's errors
    "web.api.unknown_matter": ("没有这个事项：{id}", "unknown matter '{id}'"),
    "web.api.too_large": ("请求体超过 {n} 字节", "the body is larger than {n} bytes"),
    "web.api.bad_length": ("Content-Length 无效", "invalid Content-Length"),
    "web.api.not_json": ("请求体不是有效的 JSON：{why}", "the body is not valid JSON: {why}"),
    "web.api.bad_lang": ("lang 只能是 zh 或 en", "lang must be zh or en"),
    "web.api.engine": ("规则引擎内部错误", "internal error in the rules engine"),
    "web.api.broken": ("该事项的规则文件有错误，暂时无法使用", "the rule files of this matter have errors"),

    # --- the command line (shells/cli/): cli.* ----------------------------------------------------

}


LANGS = ("zh", "en")


def t(key: str, lang: str, **values) -> str:
    """The text `key` in `lang` ("zh", else English), with {name} placeholders filled from `values`."""
    zh, en = TEXTS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def tx(text: dict | None, lang: str) -> str:
    """A bilingual text from a rule file ({zh: ..., en: ...}) in `lang`, else whichever it has."""
    if not text:
        return ""
    return text.get(lang) or text.get("zh") or text.get("en") or ""
