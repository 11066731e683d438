"""An event's guide (`checker show BUNDLE`): its members, when each applies and in which order,
the one form (the questions the members share, each once), the documents presented once for
several members, what the event produces for itself, and the combined flow chart."""

from __future__ import annotations

import json
from html import escape

from checker.describe.flow import mermaid_label
from checker.describe.guide import sections_text
from checker.source.bundle import Bundle
from checker.texts import t, tx


def sections(b: Bundle, lang: str = "zh") -> list[tuple[str, list[tuple[str, list[str]]]]]:
    colon, sep = t("colon", lang), t("semicolon", lang)
    names = {m.id: tx(m.matter.name, lang) for m in b.members}
    out = [("", [(t("event.basis", lang) + colon + sep.join(tx(x, lang) for x in b.basis), [])])]
    members = []
    for i, m in enumerate(b.members, 1):
        lines = [t("event.member.department", lang) + colon + tx(m.matter.department, lang)]
        if m.when is not None:
            words = tx(m.when_words, lang) if m.when_words else t("guide.event.conditional", lang)
            lines.append(t("event.member.applies_when", lang) + colon + words)
        if m.after:
            lines.append(t("guide.event.after", lang) + colon + sep.join(names[x] for x in m.after))
        members.append((f"{i}. {names[m.id]}", lines))
    out.append((t("event.members", lang), members))
    shared: dict[str, list[str]] = {}
    for m in b.members:
        for name, event_name in m.facts.items():
            shared.setdefault(event_name, []).append(m.id)
    asked_once = [(tx(b.form.facts[name].question, lang), [t("event.asks_for", lang) + colon + sep.join(names[x] for x in ms)])
                  for name, ms in shared.items() if len(ms) > 1]
    out.append((t("guide.event.form", lang, n=len(b.form.facts)), asked_once))
    out.append((t("guide.event.documents", lang), [
        (tx(d.name, lang), [t("event.needed_by", lang) + colon + sep.join(f"{names[mid]} ({piece})" for mid, piece in d.materials.items())])
        for d in b.documents]))
    produced = []
    for m in b.members:
        for key, producer in m.produced.items():
            material, part = m.matter.piece(key)
            produced.append((f"[{key}] {tx((part or material).name, lang)}",
                             [t("event.needed_by", lang) + colon + names[m.id],
                              t("event.produced_from", lang) + colon + t("event.produced_by", lang, name=names[producer])]))
        for key, producer in m.produced_facts.items():
            produced.append((tx(m.matter.facts[key].label, lang),
                             [t("event.needed_by", lang) + colon + names[m.id],
                              t("event.produced_from", lang) + colon + t("event.produced_by", lang, name=names[producer])]))
    out.append((t("event.sec.produced", lang), produced))
    return [(title, items) for title, items in out if items]


def guide_text(b: Bundle, lang: str = "zh") -> str:
    return sections_text(tx(b.name, lang), sections(b, lang))


def guide_markdown(b: Bundle, lang: str = "zh") -> str:
    out = [f"# {tx(b.name, lang)}", ""]
    for title, items in sections(b, lang):
        if title:
            out += ["", f"## {title}", ""]
        for head, lines in items:
            out.append(f"- {head}")
            out += [f"  - {line}" for line in lines]
    out += ["", f"## {t('guide.flow', lang)}", "", "```mermaid", mermaid(b, lang).rstrip(), "```"]
    return "\n".join(out) + "\n"


def guide_html(b: Bundle, lang: str = "zh") -> str:
    e = escape
    title = e(tx(b.name, lang))
    out = [f'<!DOCTYPE html>\n<html lang="{t("html_lang", lang)}">\n<head><meta charset="utf-8">',
           f"<title>{title}</title><style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.5}}"
           "li ul{color:#444}</style></head><body>", f"<h1>{title}</h1>"]
    for sec_title, items in sections(b, lang):
        if sec_title:
            out.append(f"<h2>{e(sec_title)}</h2>")
        out.append("<ul>")
        for head, lines in items:
            sub = "".join(f"<li>{e(line)}</li>" for line in lines)
            out.append(f"<li>{e(head)}" + (f"<ul>{sub}</ul>" if sub else "") + "</li>")
        out.append("</ul>")
    out += [f"<h2>{e(t('guide.flow', lang))}</h2>", svg(b, lang), "</body></html>"]
    return "\n".join(out) + "\n"


def guide_json(b: Bundle) -> str:
    data = {"id": b.id, "name": b.name, "basis": b.basis, "sources": b.sources,
            "members": [{"matter": m.id, "name": m.matter.name, "when": m.when_text or None,
                         "when_text": m.when_words, "after": m.after, "produced": {**m.produced, **m.produced_facts},
                         "given": m.given} for m in b.members],
            "documents": [{"id": d.id, "name": d.name, "materials": d.materials} for d in b.documents],
            "facts": sorted(b.form.facts)}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _node(i: int) -> str:
    return f"m{i}"


def mermaid(b: Bundle, lang: str = "zh") -> str:
    """The combined flow: one node per member; an arrow from each member to those after it (with
    what it produces for them), a dotted one from the start to a member that applies only to some."""
    index = {m.id: i for i, m in enumerate(b.members)}
    out = ["flowchart TD", f'  start(["{mermaid_label([tx(b.name, lang)])}"])']
    for i, m in enumerate(b.members):
        lines = [tx(m.matter.name, lang), tx(m.matter.department, lang)[:30]]
        out.append(f'  {_node(i)}["{mermaid_label(lines)}"]')
    for i, m in enumerate(b.members):
        if not m.after:
            if m.when is not None:
                words = tx(m.when_words, lang) if m.when_words else t("guide.event.conditional", lang)
                out.append(f'  start -. "{mermaid_label([words])}" .-> {_node(i)}')
            else:
                out.append(f"  start --> {_node(i)}")
        for earlier in m.after:
            made = [k for k, v in {**m.produced, **m.produced_facts}.items() if v == earlier]
            label = mermaid_label([", ".join(made)]) if made else ""
            if m.when is not None:
                words = tx(m.when_words, lang) if m.when_words else t("guide.event.conditional", lang)
                label = mermaid_label([x for x in (", ".join(made), words) if x])
            arrow = f' -- "{label}" --> ' if label else " --> "
            out.append(f"  {_node(index[earlier])}{arrow}{_node(i)}")
    return "\n".join(out) + "\n"


def svg(b: Bundle, lang: str = "zh") -> str:
    """The members as boxes, one row per step of the order, arrows from each to those after it."""
    depth: dict[str, int] = {}
    for m in b.members:  # already in an order that respects `after`
        depth[m.id] = 1 + max((depth[x] for x in m.after), default=-1)
    rows: dict[int, list[str]] = {}
    for m in b.members:
        rows.setdefault(depth[m.id], []).append(m.id)
    width, height, gap_x, gap_y = 230, 56, 30, 50
    cols = max(len(v) for v in rows.values())
    total_w = cols * (width + gap_x) + gap_x
    total_h = len(rows) * (height + gap_y) + gap_y
    pos = {}
    for r, ids in rows.items():
        for c, mid in enumerate(ids):
            pos[mid] = (gap_x + c * (width + gap_x), gap_y + r * (height + gap_y))
    e = escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{total_h}" role="img" '
           f'aria-label="{e(tx(b.name, lang))}" font-family="sans-serif" font-size="13">',
           '<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
           '<path d="M0,0 L10,5 L0,10 z"/></marker></defs>']
    for m in b.members:
        for earlier in m.after:
            x1, y1 = pos[earlier]
            x2, y2 = pos[m.id]
            out.append(f'<line x1="{x1 + width / 2}" y1="{y1 + height}" x2="{x2 + width / 2}" y2="{y2}" '
                       'stroke="#333" marker-end="url(#a)"/>')
    for m in b.members:
        x, y = pos[m.id]
        dash = ' stroke-dasharray="5,3"' if m.when is not None else ""
        out.append(f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="6" fill="#fff" stroke="#333"{dash}/>')
        out.append(f'<text x="{x + width / 2}" y="{y + 24}" text-anchor="middle">{e(tx(m.matter.name, lang))}</text>')
        if m.when is not None:
            words = tx(m.when_words, lang) if m.when_words else t("guide.event.conditional", lang)
            out.append(f'<text x="{x + width / 2}" y="{y + 44}" text-anchor="middle" font-size="11" fill="#555">{e(words)}</text>')
    out.append("</svg>")
    return "\n".join(out)
