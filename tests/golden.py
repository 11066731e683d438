"""Golden files: the rendered notices of every example of every matter (every format, both
languages), the outputs of the command line, and the web pages and API answers, as they are
now. A change that alters any of them fails tests/test_golden.py with a diff; when the change
is meant, regenerate them and review the diff before committing:

    python tests/golden.py            (or: make golden)
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GOLDEN = HERE / "golden"
FORMATS = [("text", "zh", "zh.txt"), ("text", "en", "en.txt"), ("markdown", "zh", "zh.md"),
           ("markdown", "en", "en.md"), ("html", "zh", "zh.html"), ("html", "en", "en.html"),
           ("json", "zh", "json")]
EXAMPLE = "examples/individual-business-leased-agent.yaml"
OFFICE = "examples/office.yaml"
IB = "individual-business-registration"


def _separator(title: str) -> str:
    return f"\n======== {title} ========\n"


def notices() -> dict[str, str]:
    """notices/<matter>.<lang>.<ext>: every example's notice (the matter file's, then its case
    file's), one after another under its name."""
    from checker.run.compiler import compile_matter
    from checker.tools.testing import load_cases, run_example
    from checker.source.loader import load_matter
    from checker.notice.render import render

    cases: dict[str, list] = {}
    for path in sorted((REPO / "tests" / "cases").glob("*.yaml")):
        matter, examples = load_cases(path)
        cases.setdefault(matter, []).extend(examples)
    out = {}
    for path in sorted((REPO / "matters").glob("*.yaml")):
        compiled = compile_matter(load_matter(path, REPO / "rules"))
        examples = list(compiled.matter.examples) + cases.get(compiled.matter.id, [])
        results = [(ex.name, run_example(compiled, ex).notice) for ex in examples]
        for fmt, lang, ext in FORMATS:
            parts = []
            for name, notice in results:
                body = "(invalid application)\n" if notice is None else render(notice, fmt, lang)
                parts.append(_separator(name) + body)
            out[f"notices/{compiled.matter.id}.{ext}"] = "".join(parts)
    return out


def cli_commands() -> list[tuple[str, list[str]]]:
    """(golden name, arguments): the outputs a user of the command line sees."""
    matters = sorted(p.stem for p in (REPO / "matters").glob("*.yaml"))
    commands = [("list", ["list"]), ("list-json", ["list", "--format", "json"]),
                ("list-localities", ["list", "--localities"]),
                ("list-localities-json", ["list", "--localities", "--format", "json"]),
                ("rule-E001", ["rule", "E001"]), ("rule-W011", ["rule", "W011"]), ("rule-all", ["rule"]),
                ("schema", ["schema", IB]),
                ("validate", ["validate"]), ("validate-json", ["validate", "--format", "json"]),
                ("test", ["test"]),
                ("check-unknown-matter", ["check", "individual-busines-registration", EXAMPLE]),
                ("check-unknown-local", ["check", IB, EXAMPLE, "--local", "bejing"]),
                ("explain", ["explain", IB, EXAMPLE]),
                ("explain-json", ["explain", IB, EXAMPLE, "--format", "json"]),
                ("explain-zh", ["explain", IB, EXAMPLE, "--lang", "zh"])]
    for fmt, lang, ext in FORMATS:
        commands.append((f"check.{ext}", ["check", IB, EXAMPLE, "--format", fmt, "--lang", lang]))
        commands.append((f"check-office.{ext}", ["check", IB, EXAMPLE, "--office", OFFICE,
                                                 "--format", fmt, "--lang", lang]))
    for matter in matters:
        for lang in ("zh", "en"):
            commands.append((f"show-{matter}.{lang}", ["show", matter, "--lang", lang]))
    for fmt in ("markdown", "html", "mermaid", "svg"):
        for lang in ("zh", "en"):
            commands.append((f"show-{IB}-{fmt}.{lang}", ["show", IB, "--format", fmt, "--lang", lang]))
    commands += [(f"show-{IB}-beijing", ["show", IB, "--local", "beijing"]),
                 (f"show-{IB}-sources", ["show", IB, "--sources"]),
                 (f"show-{IB}-notes", ["show", IB, "--notes"]),
                 ("show-food-business-licence-shanghai.en", ["show", "food-business-licence", "--local", "shanghai", "--lang", "en"])]
    return commands


def cli() -> dict[str, str]:
    """cli/<name>.txt: exit code and output of each command, run in this repository."""
    from typer.testing import CliRunner
    from checker.shells.cli import app

    runner = CliRunner()
    out = {}
    for name, args in cli_commands():
        result = runner.invoke(app, [*args, "--root", str(REPO)], catch_exceptions=False)
        text = result.output.replace(str(REPO), "<repo>")
        out[f"cli/{name}.txt"] = f"$ checker {' '.join(args)}\nexit {result.exit_code}\n{text}"
    return out


def web() -> dict[str, str]:
    """web/<name>: the self-check pages and the JSON API's answers."""
    from starlette.testclient import TestClient
    from checker.shells.web import create_app
    from checker.source.yamlsource import load_file

    client = TestClient(create_app(REPO))
    answers = {"date": "2026-03-02", "filed_by_agent": "no", "premises_tenure": "owned",
               "family_operation": "no", "scope_needs_pre_approval": "no",
               "operator_id_number": "11010519491231002X", "civil_servant_or_military": "no",
               "scope_barred": "no"}
    application = load_file(REPO / EXAMPLE).data
    requests = [("index.zh.html", "GET", "/", None), ("index.en.html", "GET", "/?lang=en", None),
                ("search.html", "GET", "/?q=营业执照", None),
                ("matter.zh.html", "GET", f"/matters/{IB}", None),
                ("matter.en.html", "GET", f"/matters/{IB}?lang=en", None),
                ("matter-answered.zh.html", "POST", f"/matters/{IB}", answers),
                ("matter-answered.en.html", "POST", f"/matters/{IB}?lang=en", answers),
                ("matter-partly.zh.html", "POST", f"/matters/{IB}", {"date": "2026-03-02", "filed_by_agent": "yes"}),
                ("notice.zh.html", "POST", f"/matters/{IB}/notice", answers),
                ("notice.en.html", "POST", f"/matters/{IB}/notice?lang=en", answers),
                ("unknown.html", "GET", "/matters/no-such-matter", None),
                ("api-matters.json", "GET", "/api/matters", None),
                ("api-schema.json", "GET", f"/api/matters/{IB}/schema", None),
                ("api-openapi.json", "GET", "/api/openapi.json", None),
                ("api-check.json", "JSON", f"/api/matters/{IB}/check", application),
                ("api-check-bad.json", "JSON", f"/api/matters/{IB}/check", {"facts": {"premises_tenure": "castle"}})]
    out = {}
    for name, method, url, data in requests:
        if method == "GET":
            r = client.get(url)
        elif method == "POST":
            r = client.post(url, data=data)
        else:
            r = client.post(url, json=data)
        body = r.text
        if name.endswith(".json"):
            body = json.dumps(r.json(), ensure_ascii=False, indent=1)
        body = re.sub(r'name="csrf[^"]*" value="[^"]*"', 'name="csrf" value="…"', body)
        out[f"web/{name}"] = f"{method} {url}\nstatus {r.status_code}\n{body}\n"
    return out


def everything() -> dict[str, str]:
    return {**notices(), **cli(), **web()}


def differences(expected_dir: Path = GOLDEN, now: dict[str, str] | None = None) -> list[str]:
    """A unified diff per golden file that differs (or is missing or left over)."""
    now = everything() if now is None else now
    found = []
    stored = {str(p.relative_to(expected_dir)) for p in expected_dir.rglob("*") if p.is_file()}
    for name in sorted(set(now) | stored):
        path = expected_dir / name
        want = path.read_text(encoding="utf-8") if path.exists() else None
        got = now.get(name)
        if want == got:
            continue
        if want is None:
            found.append(f"{name}: new (not in tests/golden)")
        elif got is None:
            found.append(f"{name}: no longer produced")
        else:
            diff = difflib.unified_diff(want.splitlines(), got.splitlines(), f"golden/{name}", "now", lineterm="", n=2)
            found.append("\n".join(list(diff)[:60]))
    return found


def write(expected_dir: Path = GOLDEN, now: dict[str, str] | None = None) -> int:
    now = everything() if now is None else now
    for old in expected_dir.rglob("*"):
        if old.is_file() and str(old.relative_to(expected_dir)) not in now:
            old.unlink()
    for name, text in now.items():
        path = expected_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return len(now)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    print(f"wrote {write()} golden files in {GOLDEN}")
