"""A matter as a guide a person can read (`checker show`, `checker docs`): identity, conditions,
materials, facts asked, parameters, processing flow and examples, in Chinese or English.

The content is laid out once (`sections`) and formatted as text, Markdown (with a Mermaid flow
chart) or HTML (with an SVG flow chart), like the notice renderers.
"""

from __future__ import annotations

import json
from html import escape

from checker.notice.notice import FORM_TEXT
from checker.describe.flow import limit_text, mermaid, svg
from checker.source.model import Matter, cite_kind
from checker.texts import tx

_L = {
    "code": ("事项编码", "Matter code"), "department": ("实施机关", "Agency"),
    "level": ("行使层级", "Level"), "type": ("事项类型", "Type"), "basis": ("设定依据", "Legal basis"),
    "time": ("办理时限", "Time limit"), "fee": ("收费", "Fee"), "handling": ("办理地点和方式", "Where and how"), "conditions": ("受理条件与不予受理情形", "Conditions"),
    "materials": ("申请材料", "Materials"), "facts": ("需要了解的情况", "Facts asked"),
    "always": ("必须提交", "always required"), "when": ("适用条件", "required when"),
    "options": ("可选方式", "alternative"), "in_force": ("适用期间", "in force"),
    "shared": ("免提交（部门共享获取）", "not submitted: obtained by data sharing"),
    "from_agency": ("由受理机关自行核实，不向申请人询问", "verified by the agency itself, not asked"),
    "from_declaration": ("未填写时按申请人签署的材料认定", "when not stated, taken from the signed material"),
    "secondary": ("可容缺", "may be deferred (容缺)"), "promise": ("可告知承诺", "written promise accepted"),
    "note": ("说明", "note"), "confidence": ("可信度", "confidence"), "derived": ("推算", "computed"),
    "outcome.refuse": ("不予受理", "refuse"),
    "outcome.refuse_review": ("不予许可（审查、核查时认定）", "refused on review or inspection"), "outcome.redirect": ("告知向其他机关申请", "redirect"),
    "outcome.not_required": ("无需许可", "no licence needed"), "outcome.correct": ("需更正", "to correct"),
    "statutory": ("法定", "statutory"), "promised": ("承诺", "promised"), "examples": ("示例", "Examples"),
    "parameters": ("参数（可由当地设置）", "Parameters (a local office may set them)"),
    "law": ("法定，不可本地修改", "set by law, not locally"), "from": ("自", "from"),
    "local": ("本地设置", "local setting"), "flow": ("办理流程", "Processing flow"),
    "locality": ("适用地方规定", "Local rules applied"),
    "notes": ("说明", "Notes"), "copies": ("份", "copies"),
    "if": ("条件", "when"), "otherwise": ("否则", "otherwise"),
}
CONFIDENCE = {
    "official": ("官方来源", "official source"), "mirror": ("转载官方文本", "mirror of an official text"),
    "third_party": ("第三方资料，未经官方核实", "third-party source, not verified officially"),
    "inferred": ("推断", "inferred"), "unverified": ("未经核实", "unverified"),
}


def _t(key: str, lang: str) -> str:
    return _L[key][0 if lang == "zh" else 1]


def _conf(value: str, lang: str) -> str:
    return f"{_t('confidence', lang)}: {CONFIDENCE[value][0 if lang == 'zh' else 1]}"


def _authors(item, lang: str, notes: bool) -> list[str]:
    """An item's confidence mark and note: for rule authors only (`notes`)."""
    if not notes:
        return []
    return ([_conf(item.confidence, lang)] if item.confidence else []) + (
        [f"{_t('note', lang)}: {tx(item.note, lang)}"] if item.note else [])


def sections(matter: Matter, lang: str = "zh", notes: bool = False) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """[(section title, [(item title, [detail lines])])] — the guide's content; `notes`: with the
    authors' notes and confidence marks (for rule authors; never for the guide as published)."""
    meta = [(_t("code", lang), matter.code), (_t("department", lang), tx(matter.department, lang)),
            (_t("locality", lang), tx(matter.locality_name, lang) if matter.locality_name else ""),
            (_t("level", lang), matter.level), (_t("type", lang), matter.type),
            (_t("basis", lang), "; ".join(tx(b, lang) for b in matter.basis))]
    for key in ("statutory", "promised"):
        limit = matter.time_limit.get(key)
        if limit:
            meta.append((f"{_t('time', lang)} ({_t(key, lang)})", limit_text(limit, lang, detail=True)))
    meta.append((_t("fee", lang), fee_text(matter.fee, lang)))
    if matter.handling.get("text"):  # where and how to apply
        meta.append((_t("handling", lang), tx(matter.handling["text"], lang)))
    out = [("", [(f"{k}: {v}", []) for k, v in meta if v])]
    if matter.note and notes:
        out.append((_t("notes", lang), [(tx(matter.note, lang), [])]))

    rules = []
    for r in matter.rules:
        lines = [f"`{r.when_text}`", "; ".join(tx(b, lang) for b in r.basis)]
        lines += _authors(r, lang, notes)
        label = _t("outcome.refuse_review" if r.outcome == "refuse" and r.stage == "review"
                   else "outcome." + r.outcome, lang)
        rules.append((f"[{label}] {tx(r.reason, lang)}", lines))
    out.append((_t("conditions", lang), rules))

    materials = []
    for m in matter.materials:
        form = FORM_TEXT[m.form][0 if lang == "zh" else 1]
        lines = [f"{_t('when', lang)}: `{m.when_text}`" if m.when_text else _t("always", lang)]
        if m.effective_from or m.effective_until:
            lines.append(f"{_t('in_force', lang)}: {m.effective_from or '…'} – {m.effective_until or '…'}")
        shared = m.shared is True or (isinstance(m.shared, str) and _effective(matter.parameters[m.shared]) is True)
        for flag, key in ((shared, "shared"), (m.secondary, "secondary"), (m.promise_allowed, "promise")):
            if flag:
                lines.append(_t(key, lang))
        for o in m.options:
            parts = " + ".join(f"{p.id} {tx(p.name, lang)}" for p in o.parts)
            when = f" (`{o.when_text}`)" if o.when_text else ""
            lines.append(f"{_t('options', lang)}: {tx(o.name, lang)}{when}: {parts}")
        if m.standard:
            lines.append(tx(m.standard, lang))
        lines += _authors(m, lang, notes)
        if m.copies is None:
            copies = ""
        elif isinstance(m.copies, int):
            copies = str(m.copies)
        else:
            value = _effective(matter.parameters[m.copies])
            copies = f"`{m.copies}` = {value}" if value is not None else ""
        materials.append((f"{m.id} {tx(m.name, lang)} — {form}" + (f" ×{copies}" if copies else ""), lines))
    out.append((_t("materials", lang), materials))

    facts = []
    used = matter.referenced_names()
    for f in matter.facts.values():
        if f.name not in used and not f.record_only:
            continue  # declared by an included rule set but not used by this matter
        kind = f"[{', '.join(f.type.values)}]" if f.type.kind == "enum" else f"({f.type})"
        lines = []
        if f.source == "agency":
            lines.append(f"{_t('from_agency', lang)}: {tx(f.verified_how, lang)}")
        elif f.source == "declaration":
            lines.append(f"{_t('from_declaration', lang)} {f.declared_by}: {f.declared_value!r}")
        lines += _authors(f, lang, notes)
        facts.append((f"`{f.name}` {kind}: {tx(f.question, lang)}", lines))
    for d in matter.derived.values():
        lines = []
        if d.when_text:
            lines.append(f"{_t('if', lang)} `{d.when_text}`" + (f"; {_t('otherwise', lang)} `{d.otherwise_text}`"
                                                              if d.otherwise_text else ""))
        lines += _authors(d, lang, notes)
        facts.append((f"`{d.name}` ({_t('derived', lang)}): {tx(d.label, lang)} = `{d.value_text}`", lines))
    out.append((_t("facts", lang), facts))

    if matter.parameters:
        params = []
        for p in matter.parameters.values():
            lines = [f"{_t('from', lang)} {start}: {_value(value)}" for start, value in p.changes]
            if p.local_value is not None:
                lines.append(f"{_t('local', lang)} ({p.local_source}): {_value(p.local_value)}")
            if not p.local:
                lines.append(_t("law", lang))
            lines += _authors(p, lang, notes)
            params.append((f"`{p.name}` = {_value(p.value)}{(' ' + p.unit) if p.unit and p.value is not None else ''}: {tx(p.label, lang)}",
                           lines))
        out.append((_t("parameters", lang), params))
    if matter.flow:
        steps = []
        for i, st in enumerate(matter.flow, 1):
            lines = [x for x in (tx(st.actor, lang), limit_text(st.time_limit, lang, detail=True),
                                 tx(st.note, lang) if notes else "") if x]
            steps.append((f"{i}. {tx(st.name, lang)}", lines))
        out.append((_t("flow", lang), steps))
    out.append((f"{_t('examples', lang)}: {len(matter.examples)}",
                [(f"{ex.name} → {ex.expect['outcome']}", []) for ex in matter.examples]))
    return out


def _value(value) -> str:
    """Parameter values as a rule author writes them (true, not True; none: set locally)."""
    if value is None:
        return "—"
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _effective(p) -> object:
    """A parameter's value as this guide's locality has it (the national one without a locality)."""
    return p.value if p.local_value is None else p.local_value


def fee_text(fee: dict, lang: str) -> str:
    if fee.get("text"):
        return tx(fee["text"], lang)
    if "amount" not in fee:
        return "未注明" if lang == "zh" else "not stated"
    if not fee["amount"]:
        return "不收费" if lang == "zh" else "free of charge"
    return f"{fee['amount']} 元" if lang == "zh" else f"RMB {fee['amount']}"


def guide_text(matter: Matter, lang: str = "zh", markdown: bool = False, notes: bool = False) -> str:
    if markdown:
        return guide_markdown(matter, lang, notes=notes)
    out = [f"{tx(matter.name, lang)} ({matter.id})", ""]
    for title, items in sections(matter, lang, notes):
        if title:
            out += ["", title]
        for head, lines in items:
            out.append(f"  - {head}")
            out += [f"      {line}" for line in lines]
    return "\n".join(out) + "\n"


def guide_markdown(matter: Matter, lang: str = "zh", level: int = 1, notes: bool = False) -> str:
    h = "#" * level
    out = [f"{h} {tx(matter.name, lang)} (`{matter.id}`)", ""]
    for title, items in sections(matter, lang, notes):
        if title:
            out += ["", f"{h}# {title}", ""]
        for head, lines in items:
            out.append(f"- {head}")
            out += [f"  - {line}" for line in lines]
        if title == _t("flow", lang):
            out += ["", "```mermaid", mermaid(matter, lang).rstrip(), "```"]
    return "\n".join(out) + "\n"


def guide_html(matter: Matter, lang: str = "zh", notes: bool = False) -> str:
    e = escape
    title = e(tx(matter.name, lang))
    out = [f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head><meta charset="utf-8">',
           f"<title>{title}</title><style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.5}}"
           "code{background:#f3f3f3;padding:0 .2em}li ul{color:#444}</style></head><body>",
           f"<h1>{title} <small>({e(matter.id)})</small></h1>"]
    for sec_title, items in sections(matter, lang, notes):
        if sec_title:
            out.append(f"<h2>{e(sec_title)}</h2>")
        if sec_title == _t("flow", lang):
            out.append(svg(matter, lang))
        out.append("<ul>")
        for head, lines in items:
            sub = "".join(f"<li>{_code(line)}</li>" for line in lines)
            out.append(f"<li>{_code(head)}" + (f"<ul>{sub}</ul>" if sub else "") + "</li>")
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _code(text: str) -> str:
    """Escape, then show `backticked` spans as code."""
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def guide_json(matter: Matter) -> str:
    data = {
        "id": matter.id, "name": matter.name, "code": matter.code, "department": matter.department,
        "level": matter.level, "type": matter.type, "basis": matter.basis, "time_limit": matter.time_limit,
        "fee": matter.fee, "handling": matter.handling or None, "local": matter.local or None,
        "rules": [{"id": r.id, "when": r.when_text, "outcome": r.outcome, "reason": r.reason,
                   "basis": r.basis, "confidence": r.confidence, "note": r.note, "cite": r.cite} for r in matter.rules],
        "materials": [{"id": m.id, "name": m.name, "form": m.form, "copies": m.copies,
                       "when": m.when_text or None, "effective_from": m.effective_from,
                       "effective_until": m.effective_until, "shared": m.shared,
                       "secondary": m.secondary, "promise_allowed": m.promise_allowed,
                       "alternatives": [{"option": o.key, "name": o.name, "when": o.when_text or None,
                                         "parts": [{"id": p.id, "name": p.name} for p in o.parts]}
                                        for o in m.options],
                       "confidence": m.confidence, "note": m.note, "cite": m.cite} for m in matter.materials],
        "facts": {f.name: {"type": f.type.kind, "values": list(f.type.values), "question": f.question,
                           "from": f.source or None, "declared_by": f.declared_by or None,
                           "declared_value": f.declared_value, "verified_how": f.verified_how,
                           "confidence": f.confidence, "note": f.note}
                  for f in matter.facts.values()},
        "derived": {d.name: {"value": d.value_text, "when": d.when_text or None, "label": d.label, "cite": d.cite}
                    for d in matter.derived.values()},
        "parameters": {p.name: {"type": p.type.kind, "value": p.value, "changes": p.changes,
                                "local_value": p.local_value, "local": p.local, "label": p.label,
                                "cite": p.cite, "local_cite": p.local_cite}
                       for p in matter.parameters.values()},
        "flow": [{"step": st.key, "kind": st.kind, "name": st.name, "actor": st.actor,
                  "time_limit": st.time_limit} for st in matter.flow],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def catalogue_markdown(matters: list[Matter]) -> str:
    """docs/matters.md: the catalogue of all matters, then each matter's guide in both languages."""
    out = ["# Matters / 事项目录", "",
           "Generated by `checker docs` from `matters/*.yaml`; do not edit by hand.", "",
           "| id | 事项 | matter | code | materials | rules | examples |", "|---|---|---|---|---|---|---|"]
    for m in matters:
        out.append(f"| [`{m.id}`](#{m.id}) | {m.name['zh']} | {m.name['en']} | {m.code or '-'} | "
                   f"{len(m.materials)} | {len(m.rules)} | {len(m.examples)} |")
    for m in matters:
        out += ["", f'<a id="{m.id}"></a>', ""]
        out.append(guide_markdown(m, "zh", level=2, notes=True).rstrip())
        out += [""]
        out.append(guide_markdown(m, "en", level=3, notes=True).rstrip())
    return "\n".join(out) + "\n"


def sources_text(matter: Matter) -> str:
    """Where each rule, material, parameter and computed fact comes from, for auditors (English:
    the reference is): its section of the reference and the source cited there, or why it is
    inferred; items citing nothing are listed as such (the linter's W011)."""
    def cites(items: list[dict]) -> list[str]:
        if not items:
            return ["    NO SOURCE (W011)"]
        return [f"    inferred: {c['inferred']}" if "inferred" in c and "section" not in c else
                f"    {c['section']}" + (f" — {c['url']}" if c.get("url") else "")
                + (f" (inferred: {c['inferred']})" if c.get("inferred") else "") for c in items]

    out = [f"{matter.id}: sources" + (f" (locality {matter.local})" if matter.local else "")]
    groups = [("rules", [(r.id, r.cite) for r in matter.rules]),
              ("materials", [(m.id, m.cite) for m in matter.materials]),
              ("parameters", [(p.name + (f" = {_value(p.local_value)} ({p.local_source})" if p.local_value is not None else ""),
                               p.cite + p.local_cite) for p in matter.parameters.values()]),
              ("computed facts", [(d.name, d.cite) for d in matter.derived.values()])]
    counts = {"cited": 0, "inferred": 0, "none": 0}
    for title, items in groups:
        if not items:
            continue
        out += ["", title]
        for name, cite in items:
            out.append(f"  {name}")
            out += cites(cite)
            counts[cite_kind(cite)] += 1
    out += ["", f"{counts['cited']} cited, {counts['inferred']} inferred, {counts['none']} without a source"]
    return "\n".join(out) + "\n"
