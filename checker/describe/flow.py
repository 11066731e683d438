"""The processing flow chart (办理流程图) of a matter: Mermaid text and a self-contained SVG.

Service halls post a flow chart with unified elements beside each matter: the steps in order,
each with its time limit, and at acceptance the branches that 行政许可法 art. 32 prescribes
(complete → accepted; incomplete → one-time notice, then resubmission; not acceptable → a
written refusal). The decision step branches into grant and a reasoned refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from checker.source.model import Matter, Step
from checker.texts import limit_text, t, tx


@dataclass
class Node:
    id: str
    lines: list[str]
    decision: bool = False


def _nodes(matter: Matter, lang: str) -> tuple[list[Node], list[tuple[str, str, str]], list[Node]]:
    """Main-column nodes, edges (from, to, label) and side nodes, from the matter's flow."""
    main: list[Node] = []
    side: list[Node] = []
    edges: list[tuple[str, str, str]] = []
    steps: list[Step] = matter.flow
    for i, st in enumerate(steps):
        lines = [tx(st.name, lang)]
        extra = [tx(st.actor, lang)] if st.actor else []
        limit = limit_text(st.time_limit, lang)
        if limit:
            extra.append(limit)
        lines += extra
        main.append(Node(st.key, lines, decision=st.kind in ("accept", "decide")))
    for i, st in enumerate(steps):
        nxt = steps[i + 1].key if i + 1 < len(steps) else None
        if st.kind == "accept":
            first = steps[0].key
            side.append(Node(f"{st.key}_notice", [t("flow.notice", lang)]))
            side.append(Node(f"{st.key}_refuse", [t("flow.not_accepted_box", lang)]))
            if nxt:
                edges.append((st.key, nxt, t("flow.accepted", lang)))
            edges.append((st.key, f"{st.key}_notice", t("flow.incomplete", lang)))
            edges.append((f"{st.key}_notice", first, ""))
            edges.append((st.key, f"{st.key}_refuse", t("flow.not_accepted", lang)))
        elif st.kind == "decide":
            side.append(Node(f"{st.key}_refused", [t("flow.refused_box", lang)]))
            if nxt:
                edges.append((st.key, nxt, t("flow.granted", lang)))
            edges.append((st.key, f"{st.key}_refused", t("flow.refused", lang)))
        elif nxt:
            edges.append((st.key, nxt, ""))
    return main, edges, side


def mermaid_label(lines: list[str]) -> str:
    return "<br/>".join(line.replace('"', "#quot;") for line in lines)


def mermaid(matter: Matter, lang: str = "zh") -> str:
    """The flow as a Mermaid flowchart (renders on GitHub, GitLab and in Mermaid tools)."""
    main, edges, side = _nodes(matter, lang)
    out = ["flowchart TD"]
    for n in main + side:
        label = mermaid_label(n.lines)
        out.append(f'  {n.id}{{"{label}"}}' if n.decision else f'  {n.id}["{label}"]')
    for a, b, label in edges:
        out.append(f'  {a} -- "{label}" --> {b}' if label else f"  {a} --> {b}")
    return "\n".join(out) + "\n"


# --- SVG --------------------------------------------------------------------------------------

_FONT = 13
_LINE = 18
_PAD = 10
_GAP = 46


def _text_width(text: str) -> float:
    return sum(_FONT if ord(ch) > 0x2E80 else _FONT * 0.58 for ch in text)


def _wrap(text: str, width: float) -> list[str]:
    out, line = [], ""
    for ch in text:
        if _text_width(line + ch) > width and line:
            out.append(line)
            line = ""
        line += ch
    return out + [line] if line else out


def svg(matter: Matter, lang: str = "zh") -> str:
    """The flow as a self-contained SVG: steps down the middle, branches to the right."""
    main, edges, side = _nodes(matter, lang)
    box_w, side_w = 240.0, 210.0
    x_main, x_side = 30.0, 30.0 + box_w + 90.0
    boxes: dict[str, tuple[float, float, float, float, Node]] = {}
    y = 20.0
    for n in main:
        lines = [w for line in n.lines for w in _wrap(line, box_w - 2 * _PAD - (40 if n.decision else 0))]
        n.lines = lines
        h = len(lines) * _LINE + 2 * _PAD + (12 if n.decision else 0)
        boxes[n.id] = (x_main, y, box_w, h, n)
        y += h + _GAP
    total_h = y
    for n in side:
        lines = [w for line in n.lines for w in _wrap(line, side_w - 2 * _PAD)]
        n.lines = lines
        h = len(lines) * _LINE + 2 * _PAD
        parent = next(a for a, b, _ in edges if b == n.id)
        _, py, _, ph, _ = boxes[parent]
        sy = py + (0 if n.id.endswith("_notice") else ph + 6) - (10 if n.id.endswith("_notice") else 0)
        boxes[n.id] = (x_side, sy, side_w, h, n)
        total_h = max(total_h, sy + h + 20)
    width = x_side + side_w + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{total_h:.0f}" '
           f'viewBox="0 0 {width:.0f} {total_h:.0f}" font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif" '
           f'font-size="{_FONT}" role="img" aria-label="{escape(tx(matter.name, lang))}">',
           '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>']
    for a, b, label in edges:
        ax, ay, aw, ah, _ = boxes[a]
        bx, by, bw, bh, _ = boxes[b]
        if ax == bx == x_main and by > ay:  # down the main column
            x = ax + aw / 2
            out.append(f'<line x1="{x}" y1="{ay + ah}" x2="{x}" y2="{by}" stroke="#333" marker-end="url(#arrow)"/>')
            if label:
                out.append(f'<text x="{x + 6}" y="{(ay + ah + by) / 2 + 4}" fill="#2e7d32">{escape(label)}</text>')
        elif bx == x_side:  # a branch to the right
            y1 = ay + ah - 8 if b.endswith("_refuse") else ay + ah / 2
            y2 = by + bh / 2
            out.append(f'<path d="M{ax + aw},{y1} L{bx - 20},{y1} L{bx - 20},{y2} L{bx},{y2}" fill="none" '
                       f'stroke="#333" marker-end="url(#arrow)"/>')
            if label:
                out.append(f'<text x="{ax + aw + 6}" y="{y1 - 5}" fill="#c62828">{escape(label)}</text>')
        else:  # back from a side box to an earlier step (resubmission)
            out.append(f'<path d="M{ax + aw / 2},{ay} L{ax + aw / 2},{by + bh / 2} L{bx + bw},{by + bh / 2}" '
                       f'fill="none" stroke="#777" stroke-dasharray="5,4" marker-end="url(#arrow)"/>')
    for x, y0, w, h, n in boxes.values():
        fill = "#fff8e1" if x == x_side else "#e3f2fd"
        if n.decision:
            d = 14
            out.append(f'<polygon points="{x + d},{y0} {x + w - d},{y0} {x + w},{y0 + h / 2} {x + w - d},{y0 + h} '
                       f'{x + d},{y0 + h} {x},{y0 + h / 2}" fill="{fill}" stroke="#333"/>')
        else:
            out.append(f'<rect x="{x}" y="{y0}" width="{w}" height="{h}" rx="8" fill="{fill}" stroke="#333"/>')
        top = y0 + (h - len(n.lines) * _LINE) / 2 + _FONT
        for i, line in enumerate(n.lines):
            weight = ' font-weight="bold"' if i == 0 and x == x_main else ""
            out.append(f'<text x="{x + w / 2}" y="{top + i * _LINE:.1f}" text-anchor="middle"{weight}>{escape(line)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
