"""Load matter files and the shared rule sets they include into typed Matter objects.

Every problem found is collected with its file, line and column (schema violations, unknown
facts, type errors in conditions, duplicate IDs, dependency cycles, a template that does not
exist) and raised together, so an author fixes a file in one pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.errors import CheckerError, Location, Problem, suggest
from checker.lang.expr import Node, ParseError, names_in, parse
from checker.source.local import locality_file
from checker.source.model import Derived, Example, Fact, Material, Matter, Option, Parameter, Part, Rule, Step
from checker.lang.typecheck import DATE, Checker, Type, TypeProblem, a, fact_type
from checker.source.schemas import schema_problems
from checker.source.yamlsource import Document, load_file

BUILTIN_FACTS = {"application_date": DATE}


class _Build:
    """State while one matter is assembled from its file and its includes."""

    def __init__(self, rules_dir: Path):
        self.rules_dir = rules_dir
        self.problems: list[Problem] = []
        self.files: dict[str, bytes] = {}
        self.facts: dict[str, Fact] = {}
        self.parameters: dict[str, Parameter] = {}
        self.derived_specs: list[tuple[Document, tuple, str, dict, str]] = []
        self.templates: dict[str, tuple[Document, tuple, dict]] = {}
        self.rule_specs: list[tuple[Document, tuple, dict, str]] = []
        # what the passes of load_matter read and add, in their order
        self.path: Path = Path()
        self.local: Path | None = None
        self.doc: Document | None = None
        self.local_id: str = ""
        self.overrides: dict = {}
        self.env: dict[str, Type] = {}
        self.derived: dict[str, Derived] = {}
        self.checker: Checker = Checker({})
        self.materials: list[Material] = []
        self.rules: list[Rule] = []
        self.examples: list[Example] = []

    def problem(self, doc: Document, path: tuple, code: str, message: str, hint: str = "",
                key: bool = False) -> None:
        self.problems.append(Problem(doc.where(path, key=key), code, message, hint))

    def read(self, path: Path, kind: str) -> Document | None:
        try:
            doc = load_file(path)
        except CheckerError as e:
            self.problems.extend(e.problems)
            return None
        self.files[str(path)] = doc.text.encode("utf-8")
        if not isinstance(doc.data, dict):
            self.problem(doc, (), "S002", f"a {kind} file must be a mapping of keys to values")
            return None
        found = schema_problems(doc, kind)
        if found:
            self.problems.extend(found)
            return None
        return doc

    def add_facts(self, doc: Document, origin: str) -> None:
        for name, spec in (doc.data.get("facts") or {}).items():
            loc = doc.where(("facts", name), key=True)
            if name in self.facts or name in BUILTIN_FACTS:
                first = self.facts[name].origin if name in self.facts else "the checker (built in)"
                self.problems.append(Problem(loc, "M001", f"fact '{name}' is declared twice",
                                             f"already declared by {first}; remove one"))
                continue
            self.facts[name] = Fact(
                name=name, type=fact_type(spec), question=spec["question"],
                label=spec.get("label") or spec["question"], unit=spec.get("unit", ""),
                **_source(spec.get("from")), value_labels=spec.get("value_labels", {}),
                minimum=spec.get("minimum"), maximum=spec.get("maximum"), note=spec.get("note"),
                remark=spec.get("remark"),
                confidence=spec.get("confidence", ""), record_only=spec.get("record_only", False),
                field_specs=dict(spec.get("fields", {})),
                origin=origin, location=loc)
            for value in spec.get("value_labels", {}):
                if spec["type"] != "enum" or value not in spec["values"]:
                    self.problem(doc, ("facts", name, "value_labels", value), "M002",
                                 f"'{value}' is not a value of fact '{name}'", key=True)
        for name, spec in (doc.data.get("derived") or {}).items():
            self.derived_specs.append((doc, ("derived", name), name, spec, origin))
        for name, spec in (doc.data.get("parameters") or {}).items():
            self.add_parameter(doc, name, spec, origin)

    def add_parameter(self, doc: Document, name: str, spec: dict, origin: str) -> None:
        path = ("parameters", name)
        if name in self.facts or name in self.parameters or name in BUILTIN_FACTS:
            self.problem(doc, path, "M001", f"parameter '{name}' is declared twice",
                         "a parameter needs a name of its own", key=True)
            return
        t = fact_type(spec)
        if spec["value"] is None and spec.get("local") is False:
            self.problem(doc, path + ("value",), "M015", f"parameter '{name}' is fixed by law (local: false) but has no value",
                         "give the value the law sets")
        elif spec["value"] is not None:
            self.check_value(doc, path + ("value",), t, spec["value"], name)
        changes = []
        for i, change in enumerate(spec.get("changes", [])):
            self.check_value(doc, path + ("changes", i, "value"), t, change["value"], name)
            if changes and change["from"] <= changes[-1][0]:
                self.problem(doc, path + ("changes", i, "from"), "M014",
                             "changes must be in date order", f"after {changes[-1][0]}")
            changes.append((change["from"], change["value"]))
        self.parameters[name] = Parameter(
            name=name, type=t, value=spec["value"], label=spec["label"], changes=changes,
            unit=spec.get("unit", ""), local=spec.get("local", True), note=spec.get("note"),
            confidence=spec.get("confidence", ""), cite=_cite(spec), origin=origin,
            location=doc.where(path, key=True))

    def check_value(self, doc: Document, path: tuple, t: Type, value: Any, name: str) -> None:
        if not _value_fits(t, value):
            self.problem(doc, path, "M015", f"{value!r} is not {a(t)}, the type of parameter '{name}'",
                         "one of: " + ", ".join(t.values) if t.kind == "enum" else "")

    def parse(self, doc: Document, path: tuple, text: str) -> Node | None:
        try:
            return parse(text)
        except ParseError as e:
            self.problems.append(Problem(_offset(doc, path, e.offset), "C001",
                                         f"syntax error: {e.message}", e.hint))
            return None

    def typed(self, checker: Checker, doc: Document, path: tuple, node: Node | None,
              condition: bool = True) -> Type | None:
        if node is None:
            return None
        try:
            if condition:
                checker.condition(node)
                return None
            return checker.check(node)
        except TypeProblem as e:
            self.problems.append(Problem(_offset(doc, path, e.pos), "C002", e.message, e.hint))
            return None


def _source(spec: Any) -> dict:
    """A fact's `from`, as the Fact's fields."""
    if isinstance(spec, dict) and "declaration" in spec:
        return {"source": "declaration", "declared_by": spec["declaration"], "declared_value": spec["value"]}
    if isinstance(spec, dict):
        return {"source": "agency", "verified_how": spec["agency"]}
    return {"source": spec or ""}


def _check_declarations(b: _Build, materials: list[Material]) -> None:
    """A declared fact names a material (or part) of this matter, and a value of its type. A
    material that declares a fact is a signed statement: presented unsigned, it is defective."""
    pieces = {pid for m in materials for pid in m.piece_ids}
    by_id = {m.id: m for m in materials}
    for f in b.facts.values():
        if f.source != "declaration":
            continue
        loc = f.location or Location("")
        if f.declared_by not in pieces:
            near = suggest(f.declared_by, sorted(pieces))
            b.problems.append(Problem(loc, "M020", f"fact '{f.name}' is declared on {f.declared_by}, "
                                      "which is no material of this matter",
                                      f"did you mean {near}?" if near else "name the signed material that states it"))
        declaring = by_id.get(f.declared_by)
        if declaring is not None and "signed" not in declaring.checks:
            declaring.checks.append("signed")
        if not _value_fits(f.type, f.declared_value):
            b.problems.append(Problem(loc, "M021", f"fact '{f.name}' is declared as {f.declared_value!r}, "
                                      f"which is not {a(f.type)}"))


def _value_fits(t: Type, value: Any) -> bool:
    if t.kind == "bool":
        return isinstance(value, bool)
    if t.kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t.kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t.kind == "enum":
        return value in t.values
    if t.kind == "date":
        from checker.lang.functions import to_date
        return to_date(value) is not None
    return isinstance(value, str)


def _offset(doc: Document, path: tuple, offset: int) -> Location:
    """The location of a character inside a condition string written at `path`."""
    loc = doc.where(path)
    if not loc.line:
        return loc
    lines = doc.text.splitlines()
    line_text = lines[loc.line - 1] if loc.line - 1 < len(lines) else ""
    start = loc.column - 1
    quoted = start < len(line_text) and line_text[start] in "\"'"
    return Location(loc.file, loc.line, loc.column + offset + (1 if quoted else 0))


def load_matter(path: Path | str, rules_dir: Path | str | None = None,
                local: Path | str | None = None) -> Matter:
    """Load, validate, parse and type-check one matter file with the rule sets it includes,
    applying a locality's settings if a local file is given: the PASSES below, in order. Every
    problem is collected with its place and raised together."""
    path = Path(path)
    b = _Build(Path(rules_dir) if rules_dir else path.resolve().parent.parent / "rules")
    b.path, b.local = path, Path(local) if local else None
    for _name, run in PASSES:
        run(b)
        if b.doc is None:  # the file itself is unreadable or off its schema: nothing more to say
            break
    if b.doc is None:
        raise CheckerError(b.problems)
    if b.problems:
        raise CheckerError(sorted(set(b.problems)))
    return _assemble(b)


def _read(b: _Build) -> None:
    """The matter file: safe YAML, against the matter schema."""
    b.doc = b.read(b.path, "matter")


def _facts(b: _Build) -> None:
    """The included rule sets first, then the matter's own facts, parameters and rules (a name
    declared twice is reported at the second)."""
    for i, name in enumerate(b.doc.data.get("include", [])):
        _include(b, b.doc, ("include", i), name)
    b.add_facts(b.doc, f"matter {b.doc.data['matter']}")
    for i, spec in enumerate(b.doc.data.get("rules", [])):
        b.rule_specs.append((b.doc, ("rules", i), spec, ""))


def _locality(b: _Build) -> None:
    """A locality's parameter values, time limit, fee, handling, bases and material standards."""
    if b.local is not None:
        material_ids = {spec.get("id") for spec in b.doc.data.get("materials", [])}
        b.local_id, b.overrides = _apply_local(b, b.local, b.doc.data["matter"], material_ids)


def _types(b: _Build) -> None:
    """What every condition may read, with its type: built-in facts, facts, parameters."""
    b.env = dict(BUILTIN_FACTS)
    b.env.update({n: f.type for n, f in b.facts.items()})
    b.env.update({n: p.type for n, p in b.parameters.items()})


def _derived_pass(b: _Build) -> None:
    """Derived facts, in dependency order, each typed (they join what conditions may read)."""
    b.derived = _derived(b, b.env)
    b.checker = Checker(b.env)


def _materials_pass(b: _Build) -> None:
    """Materials with their conditions, alternatives and checks; a locality's own standard or remark."""
    b.materials = _materials(b, b.doc, b.checker)
    for m in b.materials:
        changes = b.overrides.get("materials", {}).get(m.id, {})
        m.standard, m.remark = changes.get("standard", m.standard), changes.get("remark", m.remark)


def _rules_pass(b: _Build) -> None:
    """Rules (the matter's and the included ones), type-checked; then what declared facts rest on."""
    b.rules = _rules(b, b.checker)
    _check_declarations(b, b.materials)


def _examples(b: _Build) -> None:
    """The examples beside the rules: their localities and parameters, and what they expect."""
    doc = b.doc
    b.examples = [Example(name=e["name"], application=e["application"], expect=e["expect"],
                          source=e.get("source", ""), location=doc.where(("examples", i)), index=i,
                          parameters=e.get("parameters", {}), locality=e.get("locality", ""))
                  for i, e in enumerate(doc.data.get("examples", []))]
    for ex in b.examples:
        if ex.locality:
            try:
                locality_file(b.rules_dir.parent, ex.locality)
            except CheckerError as e:
                b.problem(doc, ("examples", ex.index, "locality"), "M022",
                          f"example names locality '{ex.locality}', which has no file local/{ex.locality}.yaml",
                          e.problems[0].hint)
    for ex in b.examples:
        for name, value in ex.parameters.items():
            p = b.parameters.get(name)
            if p is None:
                b.problem(doc, ("examples", ex.index, "parameters", name), "M017",
                          f"example sets parameter '{name}', which this matter does not declare", key=True)
            elif not _value_fits(p.type, value):
                b.problem(doc, ("examples", ex.index, "parameters", name), "M015",
                          f"{value!r} is not {a(p.type)}, the type of parameter '{name}'")
    _check_expectations(b, doc, b.materials, b.rules, b.env)


# The loader as a named list of passes (as OPA's compiler is): each reads and adds to the build.
PASSES = [("read", _read), ("facts", _facts), ("locality", _locality), ("types", _types),
          ("derived", _derived_pass), ("materials", _materials_pass), ("rules", _rules_pass),
          ("examples", _examples)]


def _assemble(b: _Build) -> Matter:
    data, overrides = b.doc.data, b.overrides
    return Matter(
        id=data["matter"], name=data["name"], department=data["department"], level=data["level"],
        type=data["type"], basis=data["basis"] + overrides.get("basis", []),
        time_limit=dict(data["time_limit"], **overrides.get("time_limit", {})), fee=overrides.get("fee", data["fee"]),
        facts=b.facts, derived=b.derived, materials=b.materials, rules=b.rules, examples=b.examples,
        code=data.get("code", ""), parameters=b.parameters, local=b.local_id,
        locality_name=overrides.get("locality_name"),
        flow=[Step(key=st["step"], kind=st["kind"], name=st["name"], actor=st.get("actor"),
                   time_limit=st.get("time_limit", {}), note=st.get("note"))
              for st in data.get("flow", [])],
        rongque=data.get("rongque", False), handling=overrides.get("handling", data.get("handling", {})),
        licensing=data.get("licensing", data["type"] == "licence"),
        procedure_basis=data.get("procedure_basis", []), note=data.get("note"), path=str(b.path), files=b.files,
        document=b.doc)


def _apply_local(b: _Build, path: Path, matter_id: str, material_ids: set[str]) -> tuple[str, dict]:
    """Apply a locality's file, after the file of the locality it lies in (`part_of`): parameter
    values replace the defaults; a time limit, fee or handling replaces the matter's; local bases
    are cited after the national ones; a material may get its own standard and remark. Returns the
    locality's id and the matter-level overrides (with the locality's name)."""
    chain: list[Document] = []
    seen: set[str] = set()
    while True:
        ldoc = b.read(path, "local")
        if ldoc is None:
            return "", {}
        chain.insert(0, ldoc)
        seen.add(ldoc.data["local"])
        parent = ldoc.data.get("part_of")
        if not parent:
            break
        path = path.parent / f"{parent}.yaml"
        if parent in seen or not path.is_file():
            b.problem(ldoc, ("part_of",), "L006",
                      f"part_of names '{parent}', " + ("which lies in this locality" if parent in seen
                                                       else f"but there is no {path.name} beside this file"),
                      "name the province or city this locality lies in, by its file name")
            return "", {}
    overrides: dict = {}
    for ldoc in chain:
        entry = ldoc.data["matters"].get(matter_id)
        if entry is None:
            continue
        for name, given in entry.get("parameters", {}).items():
            value = given["value"] if isinstance(given, dict) else given
            at = ("matters", matter_id, "parameters", name)
            p = b.parameters.get(name)
            if p is None:
                close = suggest(name, sorted(b.parameters))
                b.problem(ldoc, at, "L001", f"matter {matter_id} has no parameter '{name}'",
                          f"did you mean '{close}'?" if close else
                          "parameters: " + (", ".join(sorted(b.parameters)) or "none"), key=True)
            elif not p.local:
                b.problem(ldoc, at, "L002", f"parameter '{name}' of {matter_id} is set by law, not locally",
                          key=True)
            elif not _value_fits(p.type, value):
                b.problem(ldoc, at + (("value",) if isinstance(given, dict) else ()), "L003",
                          f"{value!r} is not {a(p.type)}, the type of parameter '{name}'")
            else:
                p.local_value = value
                p.local_source = ldoc.data["local"]
                p.local_cite = _cite(given) if isinstance(given, dict) else []
        if "time_limit" in entry:  # each limit given replaces the matter's (or the province's)
            overrides["time_limit"] = {**overrides.get("time_limit", {}), **entry["time_limit"]}
        for key in ("fee", "handling"):
            if key in entry:
                overrides[key] = entry[key]
        overrides["basis"] = overrides.get("basis", []) + entry.get("basis", [])
        for mid, changes in entry.get("materials", {}).items():
            if mid not in material_ids:
                close = suggest(mid, sorted(material_ids))
                b.problem(ldoc, ("matters", matter_id, "materials", mid), "L005",
                          f"matter {matter_id} has no material {mid}", f"did you mean {close}?" if close else "",
                          key=True)
            overrides.setdefault("materials", {}).setdefault(mid, {}).update(changes)
    overrides["locality_name"] = chain[-1].data["name"]
    return chain[-1].data["local"], overrides


def _check_expectations(b: _Build, doc: Document, materials: list[Material], rules: list[Rule],
                        env: dict[str, Type]) -> None:
    """An example's expectations may only name materials, facts and rules that exist."""
    known = {
        "missing": {m.id for m in materials}, "defective": {m.id for m in materials},
        "deferred": {m.id for m in materials}, "exempt": {m.id for m in materials},
        "info_needed": set(env) - set(BUILTIN_FACTS), "reasons": {r.id for r in rules},
        "declared": set(b.facts), "verified": set(b.facts) | set(b.parameters),
        "derived": set(env) - set(BUILTIN_FACTS),
        "accepted": {m.id for m in materials}, "promised": {m.id for m in materials},
        "promise_offered": {m.id for m in materials}, "computed": set(b.derived),
    }
    for i, e in enumerate(doc.data.get("examples", [])):
        for key, names in known.items():
            for j, name in enumerate(e["expect"].get(key, [])):
                if name not in names:
                    import difflib
                    close = difflib.get_close_matches(name, sorted(names), n=1)
                    b.problem(doc, ("examples", i, "expect", key, j) if key not in ("derived", "computed")
                              else ("examples", i, "expect", key, name), "M013",
                              f"example expects {key} '{name}', which this matter does not define",
                              f"did you mean '{close[0]}'?" if close else "")


def _include(b: _Build, doc: Document, at: tuple, name: str) -> None:
    path = b.rules_dir / f"{name}.yaml"
    if not path.exists():  # one that is not a regular file is refused by the reader
        available = sorted(p.stem for p in b.rules_dir.glob("*.yaml")) if b.rules_dir.is_dir() else []
        b.problem(doc, at, "M010", f"no shared rule set '{name}' in {b.rules_dir}",
                  "available: " + (", ".join(available) or "none"))
        return
    rdoc = b.read(path, "ruleset")
    if rdoc is None:
        return
    if rdoc.data["ruleset"] != name:
        b.problem(rdoc, ("ruleset",), "M011",
                  f"rule set file {path.name} names itself '{rdoc.data['ruleset']}'",
                  f"write ruleset: {name}")
    b.add_facts(rdoc, f"rule set {name}")
    for key, spec in (rdoc.data.get("templates") or {}).items():
        b.templates[f"{name}.{key}"] = (rdoc, ("templates", key), spec)
    for i, spec in enumerate(rdoc.data.get("rules", [])):
        b.rule_specs.append((rdoc, ("rules", i), spec, name))


def _derived(b: _Build, env: dict[str, Type]) -> dict[str, Derived]:
    """Parse derived facts, order them by dependency, and type-check each in that order."""
    parsed: dict[str, tuple] = {}
    for doc, path, name, spec, origin in b.derived_specs:
        if name in env or name in parsed:
            b.problem(doc, path, "M001", f"'{name}' is declared twice", "rename the derived fact",
                      key=True)
            continue
        nodes = {k: b.parse(doc, path + (k,), spec[k]) if k in spec else None
                 for k in ("value", "when", "otherwise")}
        parsed[name] = (doc, path, spec, origin, nodes)
    # dependency order (Kahn), reporting cycles
    deps = {n: {r for node in p[4].values() if node is not None for r in names_in(node)} & set(parsed)
            for n, p in parsed.items()}
    order: list[str] = []
    ready = sorted(n for n, d in deps.items() if not d)
    remaining = {n: set(d) for n, d in deps.items() if d}
    while ready:
        n = ready.pop(0)
        order.append(n)
        for m in sorted(remaining):
            remaining[m].discard(n)
            if not remaining[m]:
                del remaining[m]
                ready.append(m)
    for n in sorted(remaining):
        doc, path = parsed[n][0], parsed[n][1]
        b.problem(doc, path, "M003", f"derived fact '{n}' depends on itself",
                  "through: " + ", ".join(sorted(remaining[n])), key=True)
    out: dict[str, Derived] = {}
    for name in order:
        doc, path, spec, origin, nodes = parsed[name]
        declared = fact_type(spec)
        checker = Checker(env)
        for key in ("value", "otherwise"):
            t = b.typed(checker, doc, path + (key,), nodes[key], condition=False)
            if t is not None and not _assignable(declared, t):
                b.problem(doc, path + (key,), "C003",
                          f"'{name}' is declared {declared} but its {key} is {a(t)}",
                          "change the type or the expression")
        b.typed(checker, doc, path + ("when",), nodes["when"])
        env[name] = declared
        if nodes["value"] is None:
            continue
        out[name] = Derived(name=name, type=declared, value=nodes["value"], value_text=spec["value"],
                            label=spec["label"], when=nodes["when"], when_text=spec.get("when", ""),
                            otherwise=nodes["otherwise"], otherwise_text=spec.get("otherwise", ""),
                            unit=spec.get("unit", ""), note=spec.get("note"),
                            confidence=spec.get("confidence", ""), cite=_cite(spec), origin=origin,
                            location=doc.where(path, key=True))
    return out


def _assignable(declared: Type, got: Type) -> bool:
    if declared.kind == "number":
        return got.numeric
    if declared.kind == "enum":
        return got.textual and (got.kind == "string" or set(got.values) <= set(declared.values))
    if declared.kind == "string":
        return got.textual
    return declared.kind == got.kind


def _materials(b: _Build, doc: Document, checker: Checker) -> list[Material]:
    out: list[Material] = []
    seen: dict[str, tuple] = {}
    for i, raw in enumerate(doc.data["materials"]):
        path = ("materials", i)
        src_doc, src_path, spec = doc, path, raw
        if "use" in raw:
            found = b.templates.get(raw["use"])
            if found is None:
                ruleset = raw["use"].split(".")[0]
                hint = (f"add '{ruleset}' to include" if ruleset not in (doc.data.get("include") or [])
                        else "templates: " + ", ".join(sorted(b.templates)))
                b.problem(doc, path + ("use",), "M012", f"no material template '{raw['use']}'", hint)
                continue
            src_doc, src_path, template = found
            spec = {**template, **raw}
        mid = spec["id"]
        if mid in seen:
            b.problem(doc, path + ("id",), "M004", f"material ID '{mid}' is used twice",
                      f"first at line {doc.where(seen[mid]).line}")
            continue
        seen[mid] = path

        def cond(key: str, sub: tuple = ()) -> Node | None:
            # a condition from the matter itself, else from the template it uses
            top = sub[0] if sub else key
            where_doc, where = (doc, path) if top in raw else (src_doc, src_path)
            text = _dig(spec, sub + (key,))
            if text is None:
                return None
            node = b.parse(where_doc, where + sub + (key,), text)
            b.typed(checker, where_doc, where + sub + (key,), node)
            return node

        options = []
        keys: set[str] = set()
        for j, o in enumerate(spec.get("alternatives", [])):
            if o["option"] in keys:
                b.problem(src_doc, src_path + ("alternatives", j, "option"), "M005",
                          f"option '{o['option']}' appears twice in {mid}")
            keys.add(o["option"])
            parts = [Part(id=f"{mid}/{p['part']}", name=p["name"], form=p.get("form", spec["form"]),
                          copies=p.get("copies", spec.get("copies")), standard=p.get("standard"),
                          source=p.get("source")) for p in o["parts"]]
            options.append(Option(key=o["option"], name=o["name"], parts=parts,
                                  when=cond("when", ("alternatives", j)),
                                  when_text=o.get("when", "")))
        for where, copies in [(("copies",), spec.get("copies"))] + [
                (("alternatives", j, "parts", k, "copies"), p.get("copies"))
                for j, o in enumerate(spec.get("alternatives", [])) for k, p in enumerate(o["parts"])]:
            if isinstance(copies, str):
                param = b.parameters.get(copies)
                if param is None or param.type.kind != "integer":
                    b.problem(doc if where == ("copies",) and "copies" in raw else src_doc,
                              (path if where == ("copies",) and "copies" in raw else src_path) + where,
                              "M016", f"copies names '{copies}', which is no integer parameter",
                              "declare it under parameters with type: integer")
        part_ids = [p.id for o in options for p in o.parts]
        dup = {p for p in part_ids if part_ids.count(p) > 1}
        # a part may serve in several options (the owner's title in 'own' and 'lease')
        for p in sorted(dup):
            forms = {(x.form, x.copies) for o in options for x in o.parts if x.id == p}
            if len(forms) > 1:
                b.problem(src_doc, src_path, "M006", f"part '{p}' is given different forms or copies")
        ef, eu = spec.get("effective_from"), spec.get("effective_until")
        for key in ("effective_from", "effective_until"):
            if spec.get(key):
                from checker.lang.functions import to_date
                if to_date(spec[key]) is None:
                    b.problem(doc, path + (key,), "M007", f"'{spec[key]}' is not a real date")
        if ef and eu and ef >= eu:
            b.problem(doc, path + ("effective_until",), "M008",
                      f"effective_until {eu} is not after effective_from {ef}")
        shared = spec.get("shared", False)
        if isinstance(shared, str) and (shared not in b.parameters or b.parameters[shared].type.kind != "bool"):
            b.problem(doc if "shared" in raw else src_doc, (path if "shared" in raw else src_path) + ("shared",),
                      "M016", f"shared names '{shared}', which is no bool parameter",
                      "declare it under parameters with type: bool")
        promise = spec.get("promise_allowed", False)
        if isinstance(promise, str):
            promise = cond("promise_allowed") or False
        out.append(Material(
            id=mid, name=spec["name"], form=spec["form"], copies=spec.get("copies"),
            standard=spec.get("standard"), source=spec.get("source"), when=cond("when"),
            when_text=spec.get("when") or "", why=spec.get("why"), basis=spec.get("basis", []),
            secondary=spec.get("secondary", False), promise_allowed=promise,
            shared=shared, effective_from=ef, effective_until=eu, options=options,
            checks=spec.get("checks", []), note=spec.get("note"), remark=spec.get("remark"),
            confidence=spec.get("confidence", ""), cite=_cite(spec),
            replaces=spec.get("replaces", ""), location=doc.where(path)))
    return out


def _cite(spec: dict) -> list[dict]:
    """An item's `cite` as a list (one reference may be written without the list)."""
    cite = spec.get("cite") or []
    return [cite] if isinstance(cite, dict) else list(cite)


def _dig(data: Any, path: tuple) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _rules(b: _Build, checker: Checker) -> list[Rule]:
    out: list[Rule] = []
    seen: set[str] = set()
    for doc, path, spec, origin in b.rule_specs:
        rid = f"{origin}.{spec['id']}" if origin else spec["id"]
        if rid in seen:
            b.problem(doc, path + ("id",), "M009", f"rule ID '{rid}' is used twice")
            continue
        seen.add(rid)
        node = b.parse(doc, path + ("when",), spec["when"])
        b.typed(checker, doc, path + ("when",), node)
        if node is None:
            continue
        qualifies = None
        if "qualifies_from" in spec:  # a date: when the applicant would meet the condition
            qualifies = b.parse(doc, path + ("qualifies_from",), spec["qualifies_from"])
            got = b.typed(checker, doc, path + ("qualifies_from",), qualifies, condition=False)
            if qualifies is not None and got is not None and got != DATE:
                b.problem(doc, path + ("qualifies_from",), "C002", f"qualifies_from must be a date, not {a(got)}",
                          "e.g. add_years(birth_date, 18)")
        out.append(Rule(id=rid, when=node, when_text=spec["when"], outcome=spec["outcome"], qualifies_from=qualifies,
                        reason=spec["reason"], basis=spec["basis"], redirect_to=spec.get("redirect_to"),
                        note=spec.get("note"), remark=spec.get("remark"), confidence=spec.get("confidence", ""),
                        cite=_cite(spec), stage=spec.get("stage", "acceptance"), effective_from=spec.get("effective_from"),
                        effective_until=spec.get("effective_until"), origin=origin, location=doc.where(path)))
    return out


def load_ruleset_file(path: Path | str) -> list[Problem]:
    """Problems of a shared rule set on its own (schema, facts, conditions, templates)."""
    b = _Build(Path(path).parent)
    doc = b.read(Path(path), "ruleset")
    if doc is None:
        return b.problems
    name = doc.data["ruleset"]
    if Path(path).stem != name:
        b.problem(doc, ("ruleset",), "M011", f"rule set '{name}' is in a file named {Path(path).name}",
                  f"name the file {name}.yaml")
    b.add_facts(doc, f"rule set {name}")
    for i, spec in enumerate(doc.data.get("rules", [])):
        b.rule_specs.append((doc, ("rules", i), spec, name))
    env: dict[str, Type] = dict(BUILTIN_FACTS)
    env.update({n: f.type for n, f in b.facts.items()})
    env.update({n: p.type for n, p in b.parameters.items()})
    _derived(b, env)
    checker = Checker(env)
    for key, spec in (doc.data.get("templates") or {}).items():
        for sub in [("when",)] + [("alternatives", j, "when") for j in range(len(spec.get("alternatives", [])))]:
            text = _dig(spec, sub)
            if text is not None:
                b.typed(checker, doc, ("templates", key) + sub, b.parse(doc, ("templates", key) + sub, text))
    _rules(b, checker)
    return sorted(set(b.problems))
