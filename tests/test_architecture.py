"""The house's rules, read from the source (scripts/import_graph.py): data flows one way between
the subpackages, nothing imports a private name of another module, there is no import cycle,
and validation and the application schema never reach the engine."""

from __future__ import annotations

import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
import import_graph  # noqa: E402

# what each part may import (besides itself); the parts are listed from the bottom up
MAY_IMPORT = {
    "checker.codes": set(),
    "checker.errors": {"checker.codes"},
    "checker.texts": set(),
    "checker.lang": {"checker.errors"},
    "checker.source": {"checker.errors", "checker.lang"},
    "checker.notice.notice": {"checker.errors", "checker.texts"},
    "checker.notice.event": {"checker.errors", "checker.texts", "checker.notice.notice"},
    "checker.run": {"checker.errors", "checker.texts", "checker.lang", "checker.source", "checker.notice.notice",
                    "checker.notice.event"},
    "checker.notice.render": {"checker.errors", "checker.texts", "checker.lang", "checker.source", "checker.notice.notice",
                              "checker.notice.event"},
    "checker.describe": {"checker.errors", "checker.texts", "checker.lang", "checker.source", "checker.run",
                         "checker.notice"},
    "checker.workspace": {"checker.errors", "checker.source", "checker.run"},
    "checker.service": {"checker.errors", "checker.source", "checker.run", "checker.notice.notice",
                        "checker.notice.event"},
    "checker.tools": {"checker.errors", "checker.texts", "checker.lang", "checker.source", "checker.run",
                      "checker.notice", "checker.describe", "checker.workspace", "checker.service"},
    "checker.shells": {"checker"},
}
# these never reach durable-rules, directly or through another module
WITHOUT_ENGINE = ("checker.lang", "checker.source", "checker.run.application", "checker.tools.lint",
                  "checker.tools.fmt", "checker.codes")
ENGINE = "checker.run.engine"


@pytest.fixture(scope="module")
def graph():
    return import_graph.read_graph()


def part_of(module: str) -> str:
    """The longest MAY_IMPORT key that is `module` or a package holding it."""
    parts = [k for k in MAY_IMPORT if module == k or module.startswith(k + ".")]
    if not parts and any(k.startswith(module + ".") for k in MAY_IMPORT):
        return module  # a package's __init__ holding parts of different levels: it imports nothing
    assert parts, f"{module} belongs to no part of the house: add it to MAY_IMPORT"
    return max(parts, key=len)


def allowed(importer: str, imported: str) -> bool:
    own = part_of(importer)
    if imported == "checker" or imported.startswith(own + ".") or imported == own:
        return True
    return any(imported == k or imported.startswith(k + ".") for k in MAY_IMPORT.get(own, set()) | {own})


def test_every_module_belongs_to_a_part(graph):
    for name in graph:
        if name != "checker" and not name.endswith("__main__"):
            part_of(name)


def test_data_flows_one_way(graph):
    wrong = sorted(f"{m} imports {i}" for m in graph if m not in ("checker", "checker.__main__")
                   for i in graph[m].imports if not allowed(m, i))
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle(graph):
    assert import_graph.cycles(graph) == []


def test_no_module_imports_a_private_name_of_another(graph):
    assert [p for m in graph.values() for p in m.private] == []


def test_validation_and_the_application_schema_do_not_reach_the_engine(graph):
    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph[todo.pop()].imports:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen
    for name in graph:
        if any(name == w or name.startswith(w + ".") for w in WITHOUT_ENGINE):
            assert ENGINE not in reach(name), f"{name} reaches {ENGINE}"


def test_the_checks_can_fail():
    """The rules catch what they are meant to: a made-up upward import, a cycle, a private name."""
    m = import_graph.Module
    fake = {"checker.lang.expr": m("checker.lang.expr", REPO, 1, {"checker.run.engine"}, ["checker.run.x._y"]),
            "checker.run.engine": m("checker.run.engine", REPO, 1, {"checker.lang.expr"})}
    assert not allowed("checker.lang.expr", "checker.run.engine")
    assert allowed("checker.run.engine", "checker.lang.expr")
    assert import_graph.cycles(fake) == [["checker.lang.expr", "checker.run.engine"]]
    assert fake["checker.lang.expr"].private
