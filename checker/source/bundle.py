"""Bundles (一件事): one life or business event served by several matters, with one form, one set
of materials and one notice (国发〔2024〕3号; GB/T 45836-2025: 一次告知、一表申请、一套材料).

A bundle file (bundles/ID.yaml, checked against schemas/bundle.schema.json) names its member
matters and, for each, when it applies (a condition over the event's facts), which members come
before it, which of its materials another member produces within the event, and under which
event names its facts go. Documents several members require are listed once.

`load_bundle` reads the file, loads each member with `member_of(matter_id)`, and checks that the
pieces fit: members exist and appear once, every renamed fact and material exists, a fact shared
by two members has one type, the order has no cycle, a produced material comes from a member
ordered before it, and every condition parses and type-checks against the event's facts. It also
builds the event's one form (`Bundle.form`): a matter-shaped view whose facts are the union of the
members' (each once, under its event name) and whose materials are the shared documents and the
members' own materials, so that an event's application is validated and normalised by the same
code as a matter's (run/application.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from checker.errors import CheckerError, Location, Problem, suggest
from checker.lang.expr import Node, ParseError, parse
from checker.lang.typecheck import Checker, TypeProblem, a, fact_type
from checker.source.model import Example, Fact, Material, Matter, Text
from checker.source.schemas import schema_problems
from checker.source.yamlsource import Document, load_file


@dataclass
class Member:
    """One member matter of a bundle."""

    matter: Matter
    when: Node | None = None  # over the event's facts; None: always
    when_text: str = ""
    when_words: Text | None = None  # the condition in words, for the applicant
    after: list[str] = field(default_factory=list)  # member matter ids done before this one
    produced: dict[str, str] = field(default_factory=dict)  # this member's material ID -> producing member
    produced_facts: dict[str, str] = field(default_factory=dict)  # this member's yes/no fact -> producing member
    given: dict[str, object] = field(default_factory=dict)  # this member's facts the event settles
    facts: dict[str, str] = field(default_factory=dict)  # member fact -> event fact (every fact, renamed or not)

    @property
    def id(self) -> str:
        return self.matter.id


@dataclass
class SharedDocument:
    """A document several members require: presented once, counted for each."""

    id: str
    name: Text
    materials: dict[str, str]  # member matter id -> its piece ID


@dataclass
class Bundle:
    id: str
    name: Text
    basis: list[dict]
    members: list[Member]  # in an order that respects `after`
    documents: list[SharedDocument]
    form: Matter  # the event's one form: the union of facts, the one set of materials
    facts: dict[str, Fact]  # the event's own facts (no member asks them)
    examples: list[Example]
    sources: list[str] = field(default_factory=list)
    note: Text | None = None
    path: str = ""
    files: dict[str, bytes] = field(default_factory=dict)  # the bundle file and every member's files
    document: Document | None = field(default=None, repr=False, compare=False)

    def member(self, matter_id: str) -> Member | None:
        return next((m for m in self.members if m.id == matter_id), None)

    def documents_of(self, matter_id: str, item_id: str) -> list[SharedDocument]:
        """The shared documents that are this member's material, or one of its parts (a notice's
        item names the material: each such document is one way to present it)."""
        return [d for d in self.documents
                if (piece := d.materials.get(matter_id)) is not None and item_id in (piece, piece.split("/", 1)[0])]


def load_bundle(path: Path | str, member_of: Callable[[str], Matter]) -> Bundle:
    """Load and check one bundle file; `member_of` loads a member matter by its id (raising
    CheckerError). Every problem is collected with its place and raised together."""
    path = Path(path)
    doc = load_file(path)
    if not isinstance(doc.data, dict):
        raise CheckerError(Problem(doc.where(()), "S002", "a bundle file must be a mapping of keys to values"))
    found = schema_problems(doc, "bundle")
    if found:
        raise CheckerError(found)
    problems: list[Problem] = []
    data = doc.data

    def problem(at: tuple, code: str, message: str, hint: str = "", key: bool = False) -> None:
        problems.append(Problem(doc.where(at, key=key), code, message, hint))

    if data["bundle"] != path.stem:
        problem(("bundle",), "B001", f"the bundle id '{data['bundle']}' is not its file's name '{path.stem}'",
                f"name the file {data['bundle']}.yaml, or write bundle: {path.stem}")

    # the members, each loaded once
    matters: dict[str, Matter] = {}
    files: dict[str, bytes] = {str(path): doc.text.encode("utf-8")}
    for i, spec in enumerate(data["members"]):
        mid = spec["matter"]
        if mid in matters:
            problem(("members", i, "matter"), "B002", f"matter '{mid}' is a member twice", "list each member once")
            continue
        try:
            matters[mid] = member_of(mid)
        except CheckerError as e:
            first = e.problems[0]
            hint = first.hint if first.code == "E020" else f"{first.location}: {first.message}"
            problem(("members", i, "matter"), "B003", f"member '{mid}' cannot be loaded", hint)
            continue
        files.update(matters[mid].files)

    # the event's own facts
    own: dict[str, Fact] = {}
    for name, spec in (data.get("facts") or {}).items():
        own[name] = Fact(name=name, type=fact_type(spec), question=spec["question"],
                         label=spec.get("label") or spec["question"], unit=spec.get("unit", ""),
                         value_labels=spec.get("value_labels", {}), minimum=spec.get("minimum"),
                         maximum=spec.get("maximum"), note=spec.get("note"), remark=spec.get("remark"),
                         origin=f"bundle {data['bundle']}", location=doc.where(("facts", name), key=True))

    # each member's facts under their event names; a name shared by members must mean one type
    event_facts: dict[str, Fact] = dict(own)
    members: dict[str, Member] = {}
    for i, spec in enumerate(data["members"]):
        mid = spec["matter"]
        matter = matters.get(mid)
        if matter is None or mid in members:
            continue
        renames = spec.get("facts") or {}
        for member_fact in renames:
            if member_fact not in matter.facts:
                close = suggest(member_fact, sorted(matter.facts))
                problem(("members", i, "facts", member_fact), "B004",
                        f"'{member_fact}' is not a fact of {mid}",
                        f"did you mean '{close}'?" if close else "facts: " + ", ".join(sorted(matter.facts)), key=True)
        produced_spec = spec.get("produced") or {}
        produced_facts = {k: v for k, v in produced_spec.items() if not k[0].isupper()}
        given = dict(spec.get("given") or {})
        for name in list(produced_facts) + list(given):
            fact = matter.facts.get(name)
            where = ("members", i, "produced" if name in produced_facts else "given", name)
            if fact is None:
                close = suggest(name, sorted(matter.facts))
                problem(where, "B004", f"'{name}' is not a fact of {mid}",
                        f"did you mean '{close}'?" if close else "", key=True)
            elif name in produced_facts and fact.type.kind != "bool":
                problem(where, "B004", f"only a yes/no fact can be produced: '{name}' is {a(fact.type)}", key=True)
            elif name in given and not _fits(fact, given[name]):
                problem(where, "B004", f"{given[name]!r} is not a value of {mid}'s fact '{name}' ({a(fact.type)})")
        mapping = {}
        for name, fact in matter.facts.items():
            if name in given:
                continue  # settled by the event: not on the form, never asked
            # a produced fact stays on the form: it is asked only where its producer is not part of
            # the event (a business registered before), and may be renamed onto an event fact
            event_name = renames.get(name, name)
            mapping[name] = event_name
            if event_name in own:
                if own[event_name].type != fact.type:
                    problem(("members", i, "facts", name) if name in renames else ("members", i, "matter"), "B005",
                            f"{mid}'s fact '{name}' is {a(fact.type)}, but the event's fact '{event_name}' is {a(own[event_name].type)}",
                            "rename it under `facts:` to keep the two apart")
                continue
            first = event_facts.get(event_name)
            if first is None:
                event_facts[event_name] = dataclasses.replace(fact, name=event_name)
            elif first.type != fact.type:
                problem(("members", i, "facts", name) if name in renames else ("members", i, "matter"), "B005",
                        f"{mid}'s fact '{name}' is {a(fact.type)}, but '{event_name}' of {first.origin} is {a(first.type)}",
                        f"rename it under facts: ({name}: {mid.replace('-', '_')}_{name}) to keep the two apart")
        members[mid] = Member(matter=matter, when_text=spec.get("when", ""), when_words=spec.get("when_text"),
                              after=list(spec.get("after", [])),
                              produced={k: v for k, v in produced_spec.items() if k[0].isupper()},
                              produced_facts=produced_facts, given=given, facts=mapping)

    # conditions over the event's facts
    env = {"application_date": fact_type({"type": "date"})}
    env.update({name: f.type for name, f in event_facts.items()})
    checker = Checker(env)
    for i, spec in enumerate(data["members"]):
        member = members.get(spec["matter"])
        if member is None or not member.when_text:
            continue
        try:
            member.when = parse(member.when_text)
            checker.condition(member.when)
        except ParseError as e:
            problem(("members", i, "when"), "C001", f"syntax error: {e.message}", e.hint)
        except TypeProblem as e:
            problem(("members", i, "when"), "C002", str(e))

    # order: known members, no cycle; a produced material comes from a member before it
    for i, spec in enumerate(data["members"]):
        member = members.get(spec["matter"])
        if member is None:
            continue
        for j, earlier in enumerate(member.after):
            if earlier not in matters:
                close = suggest(earlier, sorted(matters))
                problem(("members", i, "after", j), "B006", f"'{earlier}' is not a member of this bundle",
                        f"did you mean '{close}'?" if close else "members: " + ", ".join(matters))
            elif earlier == member.id:
                problem(("members", i, "after", j), "B007", f"{member.id} cannot come after itself")
        for material_id, producer in {**member.produced, **member.produced_facts}.items():
            at = ("members", i, "produced", material_id)
            if material_id in member.produced and member.matter.piece(material_id) is None:
                problem(at, "B004", f"'{material_id}' is not a material of {member.id}", key=True)
            if producer not in matters:
                problem(at, "B006", f"'{producer}' is not a member of this bundle")
            elif producer not in member.after:
                problem(at, "B007", f"{material_id} is produced by {producer}, which is not listed in `after`",
                        f"add {producer} to after")
    ordered = _in_order(members, problem, data)

    # shared documents: each names materials of members, each once
    documents: list[SharedDocument] = []
    claimed: dict[tuple[str, str], str] = {}
    for i, spec in enumerate(data.get("documents") or []):
        if any(d.id == spec["id"] for d in documents):
            problem(("documents", i, "id"), "B002", f"document '{spec['id']}' is listed twice")
            continue
        for mid, piece in spec["materials"].items():
            at = ("documents", i, "materials", mid)
            member = members.get(mid)
            if mid not in matters:
                problem(at, "B006", f"'{mid}' is not a member of this bundle", key=True)
            elif member is not None and member.matter.piece(piece) is None:
                problem(at, "B004", f"'{piece}' is not a material of {mid}",
                        "a material with alternatives is named by its part: ID/part")
            elif member is not None and piece in member.produced:
                problem(at, "B008", f"{mid}'s {piece} is produced within the event by {member.produced[piece]}: it is not presented")
            elif (mid, piece) in claimed:
                problem(at, "B002", f"{mid}'s {piece} is already the document '{claimed[(mid, piece)]}'")
            claimed[(mid, piece)] = spec["id"]
        documents.append(SharedDocument(id=spec["id"], name=spec["name"], materials=dict(spec["materials"])))

    examples = [Example(name=e["name"], application=e["application"], expect=e["expect"], source=e.get("source", ""),
                        location=doc.where(("examples", i)), index=i, locality=e.get("locality", ""))
                for i, e in enumerate(data.get("examples") or [])]
    if problems:
        raise CheckerError(sorted(set(problems)))
    bundle = Bundle(id=data["bundle"], name=data["name"], basis=data["basis"], members=ordered,
                    documents=documents, form=None, facts=own, examples=examples,  # type: ignore[arg-type]
                    sources=list(data.get("sources", [])), note=data.get("note"), path=str(path), files=files,
                    document=doc)
    bundle.form = _form(bundle, event_facts)
    return bundle


def _fits(fact: Fact, value) -> bool:
    kind = fact.type.kind
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "enum":
        return value in fact.type.values
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    return kind in ("string", "date") and isinstance(value, str)


def _in_order(members: dict[str, Member], problem, data: dict) -> list[Member]:
    """The members in file order, moved after those they come after (B007 on a cycle)."""
    done: list[str] = []
    visiting: set[str] = set()

    def visit(mid: str, trail: list[str]) -> None:
        if mid in done or mid not in members:
            return
        if mid in visiting:
            at = next(i for i, s in enumerate(data["members"]) if s["matter"] == mid)
            problem(("members", at, "after"), "B007", "the members' order has a cycle: " + " → ".join(trail + [mid]))
            return
        visiting.add(mid)
        for earlier in members[mid].after:
            visit(earlier, trail + [mid])
        visiting.discard(mid)
        done.append(mid)

    for mid in members:
        visit(mid, [])
    return [members[mid] for mid in done]


def _form(bundle: Bundle, facts: dict[str, Fact]) -> Matter:
    """The event's one form, matter-shaped: the union of facts under their event names, the shared
    documents, and each member's materials that no document stands for and no member produces."""
    materials: list[Material] = []
    for d in bundle.documents:
        first_member, first_piece = next(iter(d.materials.items()))
        material, part = bundle.member(first_member).matter.piece(first_piece)
        form = part.form if part is not None else material.form
        materials.append(Material(id=d.id, name=d.name, form=form))
    covered = {(mid, piece) for d in bundle.documents for mid, piece in d.materials.items()}
    for member in bundle.members:  # a produced material stays: where its producer is not part of the event, it is brought
        for material in member.matter.materials:
            if not material.options and (member.id, material.id) in covered:
                continue
            materials.append(material)
    first = bundle.members[0].matter
    return Matter(id=bundle.id, name=bundle.name, department=first.department, level=first.level, type="bundle",
                  basis=bundle.basis, time_limit={}, fee={}, facts=facts, derived={}, materials=materials,
                  rules=[], examples=[], path=bundle.path)
