"""durable-rules' limits (engine.LIMITS, measured by bench/limits.py): generated matters at and past
each edge are compiled within them or refused (M018), and never bring the process down.

Every engine run here is in a child process: if a ruleset beyond a limit ever reached the engine,
the child would die of a signal (an abort from the C library's heap checks, a segfault) or hang,
and the test would see it instead of dying with it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
from limits import matter_text  # noqa: E402  (the sweep's own generator)


def _root(tmp_path: Path, shape: str, n: int) -> Path:
    (tmp_path / "matters").mkdir(parents=True)
    (tmp_path / "rules").mkdir()
    (tmp_path / "matters" / "generated.yaml").write_text(matter_text(shape, n), encoding="utf-8")
    return tmp_path


def _application(shape: str, n: int) -> dict:
    """Facts that make as many of the matter's tests true at once as can be."""
    if shape == "thresholds":
        facts = {"f0": 10 ** 6}
    elif shape == "spread":
        facts = {f"f{k}": 10 ** 6 for k in range(min(n, 10))}
    elif shape == "flags":
        facts = {f"f{i}": True for i in range(n)}
    elif shape == "ors":
        facts = {k: True for i in range(n) for k in (f"a{i}", f"b{i}")}
    else:
        facts = {"f0": False}
    return {"date": "2026-03-02", "facts": facts, "materials": []}


def _checker(args: list[str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=REPO)


# shape, size: each just past an edge of the engine (bench/LIMITS.md), or at the figures
EDGES = [
    ("thresholds", 65),   # 65 rules whose tests all hold: past the 64 the engine's walk holds
    ("thresholds", 200),
    ("flags", 65),        # 65 yes/no facts, each read by a rule
    ("flags", 251),       # one field more than a fact can have
    ("ors", 14),   # 14 ANDed (a or b): past the 31 expression slots of one rule
    ("materials", 256),   # 256 rules ending at one test: past the engine's list of 255
    ("spread", 1060),     # the 1,060 ordinary rules
]


@pytest.mark.parametrize("shape,n", EDGES, ids=[f"{s}-{n}" for s, n in EDGES])
def test_a_matter_past_an_engine_edge_is_checked_in_a_child_that_exits_normally(tmp_path, shape, n):
    root = _root(tmp_path, shape, n)
    app = tmp_path / "application.json"
    app.write_text(json.dumps(_application(shape, n)), encoding="utf-8")
    r = _checker(["check", str(root / "matters" / "generated.yaml"), str(app), "--root", str(root),
                  "--format", "json"])
    assert r.returncode in (0, 1), (r.returncode, r.stderr[-2000:])
    assert json.loads(r.stdout)["matter"]["id"] == "generated"


def test_a_matter_just_over_the_rule_limit_is_refused_and_just_under_runs(tmp_path):
    # `flags` with n rules compiles to 2n engine rules (true and false), 1 for the application form
    # (always required) and 2 for its checks (form, copies), and a catch-all per step; a step
    # takes 48 of the rules' fields (the frontier budget: each field's true and false tests never
    # hold together). 1,750 rules: 3,500 + 3 + 37 steps = 3,540 > 3,500; 1,700: 3,400 + 3 + 36 = 3,439
    over = _root(tmp_path / "over", "flags", 1750)
    r = _checker(["validate", str(over / "matters" / "generated.yaml"), "--root", str(over), "--format", "json", "--ignore", "W011"])
    codes = [p["code"] for p in json.loads(r.stdout)["problems"]]
    assert r.returncode == 1 and codes == ["M018"]
    app = tmp_path / "application.json"
    app.write_text(json.dumps(_application("flags", 1750)), encoding="utf-8")
    r = _checker(["check", str(over / "matters" / "generated.yaml"), str(app), "--root", str(over)])
    assert r.returncode == 2 and "M018" in r.stderr and "3540 engine rules" in r.stderr
    under = _root(tmp_path / "under", "flags", 1700)
    r = _checker(["validate", str(under / "matters" / "generated.yaml"), "--root", str(under), "--format", "json", "--ignore", "W011"])
    assert r.returncode == 0 and json.loads(r.stdout)["problems"] == []
    app.write_text(json.dumps(_application("flags", 1700)), encoding="utf-8")
    r = _checker(["check", str(under / "matters" / "generated.yaml"), str(app), "--root", str(under)])
    assert r.returncode in (0, 1), r.stderr[-2000:]


def test_an_over_limit_matter_does_not_take_the_server_down(tmp_path):
    # the web server compiles a matter on its first request: one beyond the engine's limits is
    # refused (500, "broken") and never registered; the other matters are served as before
    root = _root(tmp_path, "flags", 1750)
    (root / "matters" / "small.yaml").write_text(matter_text("flags", 3).replace("matter: generated", "matter: small"),
                                                 encoding="utf-8")
    script = textwrap.dedent(f"""
        import json
        from pathlib import Path
        from starlette.testclient import TestClient
        from checker.shells.web import create_app
        client = TestClient(create_app(Path({str(root)!r})), raise_server_exceptions=False)
        body = {{"date": "2026-03-02", "facts": {{"f0": True}}, "materials": []}}
        out = [client.post("/api/matters/generated/check", json=body).status_code,
               client.get("/matters/generated").status_code,
               client.post("/api/matters/small/check", json=body).status_code,
               client.post("/api/matters/generated/check", json=body).status_code]
        print(json.dumps(out))
    """)
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert r.returncode == 0, r.stderr[-2000:]
    big, page, small, again = json.loads(r.stdout.strip().splitlines()[-1])
    assert (big, page, again) == (500, 500, 500) and small == 200
