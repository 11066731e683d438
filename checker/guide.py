"""A matter as a guide a person can read (`checker show`): conditions, materials, facts asked."""

from __future__ import annotations

import json

from .decide import FORM_TEXT
from .model import Matter
from .render.layout import tx

_L = {
    "code": ("事项编码", "Matter code"), "department": ("实施机关", "Agency"),
    "level": ("行使层级", "Level"), "type": ("事项类型", "Type"), "basis": ("设定依据", "Legal basis"),
    "time": ("办理时限", "Time limit"), "fee": ("收费", "Fee"), "conditions": ("受理条件与不予受理情形", "Conditions"),
    "materials": ("申请材料", "Materials"), "facts": ("需要了解的情况", "Facts asked"),
    "always": ("必须提交", "always required"), "when": ("适用条件", "required when"),
    "options": ("可选方式", "alternatives"), "in_force": ("适用期间", "in force"),
    "shared": ("免提交（部门共享获取）", "not submitted: obtained by data sharing"),
    "secondary": ("可容缺", "may be deferred (容缺)"), "promise": ("可告知承诺", "written promise accepted"),
    "note": ("说明", "note"), "confidence": ("可信度", "confidence"), "derived": ("推算", "Computed"),
    "outcome.refuse": ("不予受理", "refuse"), "outcome.redirect": ("告知向其他机关申请", "redirect"),
    "outcome.not_required": ("无需许可", "no licence needed"), "outcome.correct": ("需更正", "to correct"),
    "statutory": ("法定", "statutory"), "promised": ("承诺", "promised"), "examples": ("示例", "Examples"),
    "unit_wd": ("个工作日", " working days"), "unit_d": ("日", " days"), "spot": ("当场办理", "on the spot"),
}


def _t(key: str, lang: str) -> str:
    return _L[key][0 if lang == "zh" else 1]


def _limit(limit: dict, lang: str) -> str:
    parts = []
    if limit.get("on_the_spot"):
        parts.append(_t("spot", lang))
    if limit.get("days") is not None:
        parts.append(f"{limit['days']}{_t('unit_wd' if limit.get('working_days') else 'unit_d', lang)}")
    if limit.get("text"):
        parts.append(tx(limit["text"], lang))
    return "; ".join(parts)


def guide_text(matter: Matter, lang: str = "zh", markdown: bool = False) -> str:
    h1, h2, li = ("# ", "## ", "- ") if markdown else ("", "", "  - ")
    out = [f"{h1}{tx(matter.name, lang)} ({matter.id})", ""]
    meta = [(_t("code", lang), matter.code), (_t("department", lang), tx(matter.department, lang)),
            (_t("level", lang), matter.level), (_t("type", lang), matter.type),
            (_t("basis", lang), "; ".join(tx(b, lang) for b in matter.basis))]
    for key in ("statutory", "promised"):
        if matter.time_limit.get(key):
            meta.append((f"{_t('time', lang)} ({_t(key, lang)})", _limit(matter.time_limit[key], lang)))
    meta.append((_t("fee", lang), tx(matter.fee.get("text"), lang) or str(matter.fee.get("amount"))))
    out += [f"{li}{k}: {v}" for k, v in meta if v]
    out += ["", f"{h2}{_t('conditions', lang)}", ""]
    for r in matter.rules:
        line = f"{li}[{_t('outcome.' + r.outcome, lang)}] {tx(r.reason, lang)} — `{r.when_text}`"
        if r.confidence:
            line += f" ({_t('confidence', lang)}: {r.confidence})"
        out.append(line)
        if r.note:
            out.append(f"    {_t('note', lang)}: {tx(r.note, lang)}")
    out += ["", f"{h2}{_t('materials', lang)}", ""]
    for m in matter.materials:
        form = FORM_TEXT[m.form][0 if lang == "zh" else 1]
        out.append(f"{li}**{m.id}** {tx(m.name, lang)} — {form} ×{m.copies}" if markdown
                   else f"{li}{m.id} {tx(m.name, lang)} — {form} x{m.copies}")
        cond = f"{_t('when', lang)}: `{m.when_text}`" if m.when_text else _t("always", lang)
        extras = [cond]
        if m.effective_from or m.effective_until:
            extras.append(f"{_t('in_force', lang)}: {m.effective_from or '…'} – {m.effective_until or '…'}")
        for flag, key in ((m.shared, "shared"), (m.secondary, "secondary"), (m.promise_allowed, "promise")):
            if flag:
                extras.append(_t(key, lang))
        if m.confidence:
            extras.append(f"{_t('confidence', lang)}: {m.confidence}")
        out.append(f"    {'; '.join(extras)}")
        for o in m.options:
            parts = " + ".join(f"{p.id} {tx(p.name, lang)}" for p in o.parts)
            when = f" (`{o.when_text}`)" if o.when_text else ""
            out.append(f"    {_t('options', lang)}: {tx(o.name, lang)}{when}: {parts}")
        if m.note:
            out.append(f"    {_t('note', lang)}: {tx(m.note, lang)}")
    out += ["", f"{h2}{_t('facts', lang)}", ""]
    for f in matter.facts.values():
        extra = f" [{', '.join(f.type.values)}]" if f.type.kind == "enum" else f" ({f.type})"
        line = f"{li}`{f.name}`{extra}: {tx(f.question, lang)}"
        if f.shared:
            line += f" — {_t('shared', lang)}"
        if f.confidence:
            line += f" ({_t('confidence', lang)}: {f.confidence})"
        out.append(line)
        if f.note:
            out.append(f"    {_t('note', lang)}: {tx(f.note, lang)}")
    for d in matter.derived.values():
        out.append(f"{li}`{d.name}` ({_t('derived', lang)}): {tx(d.label, lang)} = `{d.value_text}`")
    out += ["", f"{h2}{_t('examples', lang)}: {len(matter.examples)}", ""]
    out += [f"{li}{ex.name} → {ex.expect['outcome']}" for ex in matter.examples]
    return "\n".join(out) + "\n"


def guide_json(matter: Matter) -> str:
    data = {
        "id": matter.id, "name": matter.name, "code": matter.code, "department": matter.department,
        "level": matter.level, "type": matter.type, "basis": matter.basis, "time_limit": matter.time_limit,
        "fee": matter.fee,
        "rules": [{"id": r.id, "when": r.when_text, "outcome": r.outcome, "reason": r.reason,
                   "basis": r.basis, "confidence": r.confidence, "note": r.note} for r in matter.rules],
        "materials": [{"id": m.id, "name": m.name, "form": m.form, "copies": m.copies,
                       "when": m.when_text or None, "effective_from": m.effective_from,
                       "effective_until": m.effective_until, "shared": m.shared,
                       "secondary": m.secondary, "promise_allowed": m.promise_allowed,
                       "alternatives": [{"option": o.key, "name": o.name, "when": o.when_text or None,
                                         "parts": [{"id": p.id, "name": p.name} for p in o.parts]}
                                        for o in m.options],
                       "confidence": m.confidence, "note": m.note} for m in matter.materials],
        "facts": {f.name: {"type": f.type.kind, "values": list(f.type.values), "question": f.question,
                           "shared": f.shared, "confidence": f.confidence} for f in matter.facts.values()},
        "derived": {d.name: {"value": d.value_text, "when": d.when_text or None, "label": d.label}
                    for d in matter.derived.values()},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
