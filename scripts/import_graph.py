"""The checker's import graph: modules, levels, largest modules, imports per module, cycles and
imports of private names, read from the source with `ast` (function-level imports included).

Run: python scripts/import_graph.py [--markdown]   (tests/test_architecture.py uses it too)
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "checker"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE


@dataclass
class Module:
    name: str
    path: Path
    lines: int
    imports: set[str] = field(default_factory=set)       # internal modules imported
    private: list[str] = field(default_factory=list)     # "module._name" imported from another


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(current: str, is_package: bool, level: int, target: str | None) -> str:
    base = current.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def read_graph(root: Path = ROOT) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for path in sorted(root.rglob("*.py")):
        name = module_name(path)
        text = path.read_text(encoding="utf-8")
        modules[name] = Module(name, path, text.count("\n"))
    for module in modules.values():
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        is_package = module.path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == PACKAGE:
                        module.imports.add(_nearest(alias.name, modules))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    target = _resolve(module.name, is_package, node.level, node.module)
                elif node.module and node.module.split(".")[0] == PACKAGE:
                    target = node.module
                else:
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in modules:
                        module.imports.add(sub)
                    else:
                        module.imports.add(_nearest(target, modules))
                        if alias.name.startswith("_") and not alias.name.startswith("__"):
                            module.private.append(f"{target}.{alias.name}")
        module.imports.discard(module.name)
    return modules


def _nearest(name: str, modules: dict[str, Module]) -> str:
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in modules[v].imports:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(modules):
        if v not in index:
            visit(v)
    return found


def levels(modules: dict[str, Module]) -> dict[str, int]:
    """Level 0 imports no module of the package; otherwise one above its highest import
    (modules in a cycle share a level)."""
    component_of = {m: m for m in modules}
    for component in cycles(modules):
        for m in component:
            component_of[m] = component[0]
    memo: dict[str, int] = {}

    def level(c: str) -> int:
        if c in memo:
            return memo[c]
        members = [m for m in modules if component_of[m] == c]
        targets = {component_of[t] for m in members for t in modules[m].imports} - {c}
        value = 0 if not targets else 1 + max(level(t) for t in targets)
        memo[c] = value
        return value

    return {m: level(component_of[m]) for m in modules}


def parts(modules: dict[str, Module]) -> dict[str, Module]:
    """The graph of the package's parts: each subpackage (lang, source, run ...) or top-level
    module (errors, texts, workspace ...) as one node."""
    def part(name: str) -> str:
        pieces = name.split(".")
        return ".".join(pieces[:2]) if len(pieces) > 1 else name
    out: dict[str, Module] = {}
    for m in modules.values():
        node = out.setdefault(part(m.name), Module(part(m.name), m.path, 0))
        node.lines += m.lines
        node.imports |= {part(i) for i in m.imports} - {node.name, PACKAGE}
    return out


def report(modules: dict[str, Module]) -> str:
    lv = levels(modules)
    code = {n: m for n, m in modules.items() if m.lines > 0}
    out = []
    out.append(f"modules: {len(code)} (with code; {len(modules)} files)")
    out.append(f"levels: {max(lv.values()) + 1}")
    grouped = parts(modules)
    plv = levels(grouped)
    order = sorted(grouped, key=lambda n: (plv[n], n))
    out.append(f"parts: {len(grouped)} in {max(plv.values()) + 1} levels, cycles among them: {len(cycles(grouped))}; "
               + " < ".join("/".join(n.removeprefix(PACKAGE + '.') for n in order if plv[n] == k)
                            for k in range(max(plv.values()) + 1)))
    packages = sorted({n.rsplit('.', 1)[0] for n in modules if '.' in n})
    out.append(f"packages: {', '.join(packages)}")
    out.append(f"lines: {sum(m.lines for m in modules.values())}")
    largest = sorted(modules.values(), key=lambda m: -m.lines)[:8]
    out.append("largest: " + ", ".join(f"{m.name} {m.lines}" for m in largest))
    counts = sorted(((len(m.imports), m.name) for m in modules.values()), reverse=True)
    mean = sum(c for c, _ in counts) / len(counts)
    out.append(f"imports per module: mean {mean:.1f}, most " +
               ", ".join(f"{n} {c}" for c, n in counts[:5]))
    found = cycles(modules)
    out.append(f"cycles: {len(found)}" + "".join(f"\n  {' <-> '.join(c)}" for c in found))
    private = [(m.name, p) for m in modules.values() for p in m.private]
    out.append(f"private names imported: {len(private)}" +
               "".join(f"\n  {m} imports {p}" for m, p in private))
    return "\n".join(out)


if __name__ == "__main__":
    print(report(read_graph()))
