"""A matter as a guide a person can read (`checker show`, `checker docs`): identity, conditions,
materials, facts asked, parameters, processing flow and examples, in Chinese or English.

The content is laid out once (`sections`) and formatted as text, Markdown (with a Mermaid flow
chart) or HTML (with an SVG flow chart), like the notice renderers.
"""

from __future__ import annotations

import json
from html import escape

from checker.describe.flow import mermaid, svg
from checker.source.model import Matter, cite_kind
from checker.texts import fee_text, limit_text, t, tx


def _conf(value: str, lang: str) -> str:
    return f"{t('guide.confidence', lang)}: {t('guide.confidence.' + value, lang)}"


def _authors(item, lang: str, notes: bool) -> list[str]:
    """An item's confidence mark and note: for rule authors only (`notes`)."""
    if not notes:
        return []
    return ([_conf(item.confidence, lang)] if item.confidence else []) + (
        [f"{t('guide.note', lang)}: {tx(item.note, lang)}"] if item.note else [])


def sections(matter: Matter, lang: str = "zh", notes: bool = False) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """[(section title, [(item title, [detail lines])])] — the guide's content; `notes`: with the
    authors' notes and confidence marks (for rule authors; never for the guide as published)."""
    meta = [(t("guide.code", lang), matter.code), (t("guide.department", lang), tx(matter.department, lang)),
            (t("locality", lang), tx(matter.locality_name, lang) if matter.locality_name else ""),
            (t("guide.level", lang), matter.level), (t("guide.type", lang), matter.type),
            (t("guide.basis", lang), "; ".join(tx(b, lang) for b in matter.basis))]
    for key in ("statutory", "promised"):
        limit = matter.time_limit.get(key)
        if limit:
            meta.append((f"{t('guide.time', lang)} ({t('time_limit.' + key, lang)})", limit_text(limit, lang, detail=True)))
    meta.append((t("guide.fee", lang), fee_text(matter.fee, lang)))
    if matter.handling.get("text"):  # where and how to apply
        meta.append((t("guide.handling", lang), tx(matter.handling["text"], lang)))
    out = [("", [(f"{k}: {v}", []) for k, v in meta if v])]
    if matter.note and notes:
        out.append((t("guide.notes", lang), [(tx(matter.note, lang), [])]))

    rules = []
    for r in matter.rules:
        lines = [f"`{r.when_text}`", "; ".join(tx(b, lang) for b in r.basis)]
        lines += _authors(r, lang, notes)
        label = t("guide.outcome.refuse_review" if r.outcome == "refuse" and r.stage == "review"
                  else "guide.outcome." + r.outcome, lang)
        rules.append((f"[{label}] {tx(r.reason, lang)}", lines))
    out.append((t("guide.conditions", lang), rules))

    materials = []
    for m in matter.materials:
        form = t("notice.form." + m.form, lang)
        if not m.when_text:
            lines = [t("guide.always", lang)]
        elif m.why:  # the condition in words; as written, for rule authors only
            lines = [f"{t('guide.when', lang)}: {tx(m.why, lang)}"] + ([f"`{m.when_text}`"] if notes else [])
        else:
            lines = [f"{t('guide.when', lang)}: `{m.when_text}`"]
        if m.effective_from or m.effective_until:
            lines.append(f"{t('guide.in_force', lang)}: {m.effective_from or '…'} – {m.effective_until or '…'}")
        shared = m.shared is True or (isinstance(m.shared, str) and _effective(matter.parameters[m.shared]) is True)
        for flag, key in ((shared, "shared"), (m.secondary, "secondary"), (m.promise_allowed, "promise")):
            if flag:
                lines.append(t("guide." + key, lang))
        for o in m.options:
            parts = " + ".join(f"{p.id} {tx(p.name, lang)}" for p in o.parts)
            when = f" (`{o.when_text}`)" if o.when_text and notes else ""  # the route's name says it in words
            lines.append(f"{t('guide.options', lang)}: {tx(o.name, lang)}{when}: {parts}")
        if m.standard:
            lines.append(tx(m.standard, lang))
        if m.remark:  # for the applicant (a locality may give its own)
            lines.append(tx(m.remark, lang))
        lines += _authors(m, lang, notes)
        if m.copies is None:
            copies = ""
        elif isinstance(m.copies, int):
            copies = str(m.copies)
        else:
            value = _effective(matter.parameters[m.copies])
            copies = f"`{m.copies}` = {value}" if value is not None else ""
        materials.append((f"{m.id} {tx(m.name, lang)} — {form}" + (f" ×{copies}" if copies else ""), lines))
    out.append((t("guide.materials", lang), materials))

    facts = []
    used = matter.referenced_names()
    for f in matter.facts.values():
        if f.name not in used and not f.record_only:
            continue  # declared by an included rule set but not used by this matter
        kind = f"[{', '.join(f.type.values)}]" if f.type.kind == "enum" else f"({f.type})"
        lines = []
        if f.source == "agency":
            lines.append(f"{t('guide.from_agency', lang)}: {tx(f.verified_how, lang)}")
        elif f.source == "declaration":
            lines.append(f"{t('guide.from_declaration', lang)} {f.declared_by}: {f.declared_value!r}")
        lines += _authors(f, lang, notes)
        facts.append((f"`{f.name}` {kind}: {tx(f.question, lang)}", lines))
    for d in matter.derived.values():
        lines = []
        if d.when_text:
            lines.append(f"{t('guide.if', lang)} `{d.when_text}`" + (f"; {t('guide.otherwise', lang)} `{d.otherwise_text}`"
                                                              if d.otherwise_text else ""))
        lines += _authors(d, lang, notes)
        facts.append((f"`{d.name}` ({t('guide.derived', lang)}): {tx(d.label, lang)} = `{d.value_text}`", lines))
    out.append((t("guide.facts", lang), facts))

    if matter.parameters:
        params = []
        for p in matter.parameters.values():
            lines = [f"{t('guide.from', lang)} {start}: {_value(value)}" for start, value in p.changes]
            if p.local_value is not None:
                lines.append(f"{t('guide.local', lang)} ({p.local_source}): {_value(p.local_value)}")
            if not p.local:
                lines.append(t("guide.law", lang))
            lines += _authors(p, lang, notes)
            params.append((f"`{p.name}` = {_value(p.value)}{(' ' + p.unit) if p.unit and p.value is not None else ''}: {tx(p.label, lang)}",
                           lines))
        out.append((t("guide.parameters", lang), params))
    if matter.flow:
        steps = []
        for i, st in enumerate(matter.flow, 1):
            lines = [x for x in (tx(st.actor, lang), limit_text(st.time_limit, lang, detail=True),
                                 tx(st.note, lang) if notes else "") if x]
            steps.append((f"{i}. {tx(st.name, lang)}", lines))
        out.append((t("guide.flow", lang), steps))
    out.append((f"{t('guide.examples', lang)}: {len(matter.examples)}",
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


def guide_text(matter: Matter, lang: str = "zh", markdown: bool = False, notes: bool = False) -> str:
    if markdown:
        return guide_markdown(matter, lang, notes=notes)
    return sections_text(f"{tx(matter.name, lang)} ({matter.id})", sections(matter, lang, notes))


def sections_text(title: str, parts: list[tuple[str, list[tuple[str, list[str]]]]]) -> str:
    """A guide's sections as plain text under its title (a matter's or an event's)."""
    out = [title, ""]
    for heading, items in parts:
        if heading:
            out += ["", heading]
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
        if title == t("guide.flow", lang):
            out += ["", "```mermaid", mermaid(matter, lang).rstrip(), "```"]
    return "\n".join(out) + "\n"


def guide_html(matter: Matter, lang: str = "zh", notes: bool = False) -> str:
    e = escape
    title = e(tx(matter.name, lang))
    html_lang = t("html_lang", lang)
    out = [f'<!DOCTYPE html>\n<html lang="{html_lang}">\n<head><meta charset="utf-8">',
           f"<title>{title}</title><style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.5}}"
           "code{background:#f3f3f3;padding:0 .2em}li ul{color:#444}</style></head><body>",
           f"<h1>{title} <small>({e(matter.id)})</small></h1>"]
    for sec_title, items in sections(matter, lang, notes):
        if sec_title:
            out.append(f"<h2>{e(sec_title)}</h2>")
        if sec_title == t("guide.flow", lang):
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
    out = [f"# {t('guide.catalogue', 'en')} / {t('guide.catalogue', 'zh')}", "",
           "Generated by `checker docs` from `matters/*.yaml`; do not edit by hand.", "",
           f"| id | {t('guide.matter', 'zh')} | {t('guide.matter', 'en')} | code | materials | rules | examples |",
           "|---|---|---|---|---|---|---|"]
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
