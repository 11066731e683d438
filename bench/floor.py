"""The floor the engine is compared to: the same compiled conditions evaluated directly in Python,
three-valued, over plain dicts (no engine)."""

from __future__ import annotations

from checker.run.evaluate import engine_input
from checker.lang.kleene import evaluate as kleene


def direct(compiled, app) -> None:
    """Compute the derived facts, then evaluate every condition of the compiled matter."""
    env = engine_input(compiled, app)
    for d in compiled.matter.derived.values():
        when = True if d.when is None else kleene(d.when, env)
        node = d.value if when is True else (d.otherwise if when is False else None)
        if node is not None:
            env[d.name] = kleene(node, env)
    for c in compiled.conditions.values():
        kleene(c.source, env)
