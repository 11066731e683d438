"""`checker explain`: the trace of one evaluation — which engine rules fired, stage by stage and in
order, with the facts that made each fire and the values derived; and for every condition that
did not hold, why not (the parts that were false, or the facts still unknown).
"""

from __future__ import annotations

from typing import Any

from checker.run.application import Application
from checker.run.compiler import CompiledMatter
from checker.run.why import display, unknown_inputs
from checker.run.evaluate import Findings
from checker.lang.expr import BoolOp, Node, Not, names_in, unparse
from checker.lang.kleene import UNKNOWN, evaluate

_KIND = {"T": "true", "F": "false", "D": "derived", "E": "derived (otherwise)", "S": "stage"}


def _values(compiled: CompiledMatter, node: Node, values: dict, lang: str) -> str:
    m = compiled.matter
    parts = []
    for n in sorted(names_in(node)):
        if n in m.facts or n in m.derived or n in m.parameters or n == "application_date":
            v = values.get(n, UNKNOWN)
            parts.append(f"{n} = {display(m, n, v)[lang] if n in m.facts or n in m.derived else v}")
    return ", ".join(parts)


def false_parts(node: Node, values: dict) -> list[Node]:
    """The smallest parts of `node` that make it false: the false conjuncts of an `and`, every
    disjunct of an `or`, through `not`."""
    if isinstance(node, BoolOp) and node.op == "and":
        return [p for item in node.items if evaluate(item, values) is False for p in false_parts(item, values)]
    if isinstance(node, BoolOp) and node.op == "or":
        return [p for item in node.items for p in false_parts(item, values)]
    if isinstance(node, Not) and isinstance(node.operand, BoolOp):
        inner = node.operand
        flipped = BoolOp("or" if inner.op == "and" else "and", tuple(Not(i) for i in inner.items))
        return false_parts(flipped, values)
    return [node]


def trace(compiled: CompiledMatter, app: Application, findings: Findings, lang: str = "en") -> dict[str, Any]:
    """The explanation as data (for --format json); `render` writes it as text."""
    values = findings.values
    fired = []
    asserted = set()
    for rule, ref, kind, stage in findings.trace:
        entry: dict[str, Any] = {"engine_rule": rule, "stage": stage, "kind": _KIND[kind], "ref": ref}
        if kind == "S" and stage not in asserted:  # computed before the stage was asserted
            asserted.add(stage)  # (once: a large stage is asserted as several facts)
            entry["computed"] = {name if name in compiled.matter.derived else unparse(node): values.get(name)
                                 for name, node in compiled.computed[stage]}
        elif kind in ("D", "E"):
            d = compiled.matter.derived[ref]
            entry["value"] = values.get(ref)
            entry["expression"] = d.value_text if kind == "D" else d.otherwise_text
            entry["because"] = _values(compiled, d.value if kind == "D" else d.otherwise, values, lang)
        else:
            c = compiled.conditions[ref]
            entry["condition"] = unparse(c.source)
            entry["because"] = _values(compiled, c.source, values, lang)
        fired.append(entry)
    not_holding = []
    for cid, c in compiled.conditions.items():
        status = findings.of(cid)
        if status is True or cid.startswith("derive:"):
            continue
        item: dict[str, Any] = {"ref": cid, "condition": unparse(c.source),
                                "status": "unknown" if status is UNKNOWN else "false"}
        if status is UNKNOWN:
            item["needs"] = sorted(unknown_inputs(compiled.matter, c.source, values))
        elif not cid.startswith("defect:"):
            item["false_parts"] = [f"{unparse(p)}  ({_values(compiled, p, values, lang)})"
                                   for p in false_parts(c.source, values)]
        if not (cid.startswith("defect:") and status is False):
            not_holding.append(item)
    return {"matter": compiled.matter.id, "date": app.date, "stages": compiled.stages + 1,
            "fired": fired, "did_not_hold": not_holding}


def render(data: dict[str, Any]) -> str:
    out = [f"{data['matter']}: application dated {data['date']}, {data['stages']} stage(s)", "", "Fired, in order:"]
    stage = None
    for e in data["fired"]:
        if e["stage"] != stage:
            stage = e["stage"]
            out.append(f"  stage {stage}")
        if e["kind"] == "stage":
            computed = "; ".join(f"{k} = {v!r}" for k, v in e.get("computed", {}).items())
            out.append(f"    {e['engine_rule']} stage {stage} asserted" + (f"; computed {computed}" if computed else ""))
        elif e["kind"].startswith("derived"):
            out.append(f"    {e['engine_rule']} {e['ref']} = {e['value']!r}  ({e['expression']}; {e['because']})")
        else:
            out.append(f"    {e['engine_rule']} {e['ref']} is {e['kind']}: {e['condition']}")
            if e["because"]:
                out.append(f"        because {e['because']}")
    out += ["", "Did not hold:"]
    for item in data["did_not_hold"]:
        out.append(f"  {item['ref']} is {item['status']}: {item['condition']}")
        for p in item.get("false_parts", []):
            out.append(f"      false: {p}")
        if item.get("needs"):
            out.append(f"      needs: {', '.join(item['needs'])}")
    return "\n".join(out) + "\n"
