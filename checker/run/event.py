"""An event's application through its bundle: each member checked on its share of the one form,
then one notice (notice/event.py).

    parse (the one form, run/application) → for each member, in order:
        applies? (its condition over the event's facts: true, false or unknown)
        its application: the event's facts under its own names, each shared document as its
        material, what an earlier member produces as presented → check (service.evaluate_and_decide)
    → combine: the event's outcome, one deduplicated list of items, what is produced within the
      event and who waits on it, the questions that can still change some member's result

A material an earlier member produces is never asked of the applicant: the later member is
checked as if it were presented and waits on the earlier one until that one can go ahead.
"""

from __future__ import annotations

import hashlib
from typing import Callable

from checker import __version__
from checker.lang.expr import names_in
from checker.lang.kleene import UNKNOWN, evaluate as kleene
from checker.notice.event import (BLOCKED, NOT_APPLICABLE, UNDECIDED, EventItem, EventNotice, EventQuestion, MemberResult,
                                  Need, Produced)
from checker.errors import CheckerError, Location, Problem
from checker.notice.notice import NOT_GOING_AHEAD, MaterialItem, Notice
from checker.run.application import Application, parse_application
from checker.run.compiler import CompiledMatter
from checker.source.bundle import Bundle, Member

GOING_AHEAD = ("accept", "rongque")  # a member whose result other members can use as it stands


def parse_event(bundle: Bundle, data: dict, doc=None, where=None) -> Application:
    """The event's application, validated against its one form (A-codes as for a matter). It may
    name its bundle (`bundle: ID`), and then must name this one."""
    if isinstance(data, dict) and "bundle" in data:
        if data["bundle"] != bundle.id:
            at = doc.where(("bundle",)) if doc is not None else (where or Location("application"))
            raise CheckerError(Problem(at, "A002", f"bundle: the application is for '{data['bundle']}', not '{bundle.id}'",
                                       f"check it with the bundle it names, or write bundle: {bundle.id}"))
        data = {k: v for k, v in data.items() if k != "bundle"}
    return parse_application(data, bundle.form, doc, where)


def member_application(bundle: Bundle, member: Member, app: Application, produced: list[str],
                       settled: dict[str, bool] | None = None) -> Application:
    """A member's share of the event's application: its facts under its own names, those the
    event settles (`given`) and those earlier members produce (`settled`: true once the producer can
    go ahead, false when it cannot), the shared documents as its materials, its own materials as
    given, and the materials earlier members produce (`produced`) as presented."""
    facts = {name: app.facts.get(event_name) for name, event_name in member.facts.items()}
    facts.update(member.given)
    facts.update(settled or {})
    presented: dict[str, dict] = {}
    for piece_id, attrs in app.presented.items():
        document = next((d for d in bundle.documents if d.id == piece_id), None)
        if document is not None:
            if member.id in document.materials:
                presented[document.materials[member.id]] = dict(attrs)
        elif member.matter.piece(piece_id) is not None:
            presented[piece_id] = dict(attrs)
    for material_id in produced:
        material, part = member.matter.piece(material_id)
        presented.setdefault(material_id, {"form": _presented_form(part.form if part else material.form)})
    promised = [m for m in app.promised if member.matter.material(m) is not None]
    return Application(date=app.date, facts=facts, presented=presented, promised=promised, rongque=app.rongque,
                       applicant=app.applicant, reference=app.reference, locality=app.locality,
                       digest=app.digest)


def _presented_form(required: str) -> str:
    # a produced material reaches the member as the producer issues it: in the form the member asks
    return "original" if required == "original_or_electronic" else required


def check_event(bundle: Bundle, compiled_of: Callable[[str], CompiledMatter], app: Application,
                decide_member: Callable[[CompiledMatter, Application], Notice],
                applications: dict[str, Application] | None = None) -> EventNotice:
    """The event's notice. `compiled_of` gives a member's compiled matter (under the locality that
    applies); `decide_member` checks one member's application (service.evaluate_and_decide);
    `applications`, if given, receives each checked member's share (for `checker explain`)."""
    env = dict(app.facts)
    env["application_date"] = app.date
    results: dict[str, MemberResult] = {}
    produced_items: list[Produced] = []
    for member in bundle.members:
        compiled = compiled_of(member.id)
        applies = True if member.when is None else kleene(member.when, env)
        words = member.when_words
        if applies is False or applies is UNKNOWN:
            results[member.id] = MemberResult(member.id, compiled.matter.name, compiled.matter.department,
                                              NOT_APPLICABLE if applies is False else UNDECIDED, words, [], None)
            continue
        produced, settled, waits, blocked, made = [], {}, [], False, []
        for key, producer in {**member.produced, **member.produced_facts}.items():
            earlier = results.get(producer)
            if earlier is None or earlier.outcome in (NOT_APPLICABLE, UNDECIDED):
                continue  # the producer is not part of this event: the applicant brings it, or says so
            going = earlier.outcome not in NOT_GOING_AHEAD + (BLOCKED,)
            ready = earlier.outcome in GOING_AHEAD
            if key in member.produced_facts:
                settled[key] = True  # as made, so that its other lacks are told (as for a material)
                name, kind = member.matter.facts[key].label, "fact"
            else:  # presented as made, so that it is never asked of the applicant
                produced.append(key)
                material, part = member.matter.piece(key)
                name, kind = (part or material).name, "material"
            made.append(Produced(key, name, member.id, producer, ready, kind, blocked=not going))
            if not ready and producer not in waits:
                waits.append(producer)
        for earlier_id in member.after:
            earlier = results.get(earlier_id)
            if earlier is not None and earlier.outcome not in GOING_AHEAD + (NOT_APPLICABLE,) \
                    and earlier_id not in waits:
                waits.append(earlier_id)
            # a member that must come first and cannot go ahead (or is blocked itself): this one cannot either
            blocked |= earlier is not None and earlier.outcome in NOT_GOING_AHEAD + (BLOCKED,)
        share = member_application(bundle, member, app, produced, settled)
        if applications is not None:
            applications[member.id] = share
        notice = decide_member(compiled, share)
        outcome = notice.outcome
        if blocked and outcome not in NOT_GOING_AHEAD:
            outcome = BLOCKED  # its own materials are told all the same; it cannot go ahead in this event
        results[member.id] = MemberResult(member.id, compiled.matter.name, compiled.matter.department,
                                          outcome, words, waits, notice)
        # what it produces for this member, shown where the member goes ahead or waits, and a
        # material only where the member's notice needs it
        needed = {a["id"] for a in notice.accepted} | {i.id for i in notice.exempt + notice.defective}
        if outcome not in NOT_GOING_AHEAD:
            produced_items += [p for p in made if p.kind == "fact" or p.material.split("/", 1)[0] in needed]

    members = [results[m.id] for m in bundle.members]
    going = [r for r in members if r.notice is not None and r.outcome not in NOT_GOING_AHEAD + (BLOCKED,)]
    # everything a member that goes ahead still lacks, told at once; nothing is asked for one that
    # cannot go ahead, or waits on one that cannot (as a matter's notice asks for nothing then)
    lists = {key: _merge(bundle, [(r.matter, getattr(r.notice, key)) for r in going], app.presented)
             for key in ("missing", "defective", "possibly_required")}
    questions = _questions(bundle, members, app.facts)
    accepted = _accepted(bundle, going, app.presented)
    notice = EventNotice(
        outcome=_outcome(members, lists, questions), event={"id": bundle.id, "name": bundle.name, "basis": bundle.basis},
        application={"date": app.date, "reference": app.reference, "applicant": app.applicant},
        members=members, missing=lists["missing"], defective=lists["defective"],
        possibly_required=lists["possibly_required"], produced=produced_items, info_needed=questions,
        accepted=accepted, rules_sha256=_digest(bundle, members), application_sha256=app.digest,
        checker_version=__version__, locality=next((r.notice.locality for r in members if r.notice), {}))
    return notice


def _outcome(members: list[MemberResult], lists: dict, questions: list[EventQuestion]) -> str:
    decided = [r for r in members if r.notice is not None]
    going = [r for r in decided if r.outcome not in NOT_GOING_AHEAD + (BLOCKED,)]
    if not going and not any(r.outcome == UNDECIDED for r in members):
        if decided and all(r.outcome == "not_required" for r in decided):
            return "not_required"
        return "refuse"
    if lists["missing"] or lists["defective"] or any(r.outcome == "correct" for r in going):
        return "correct"
    if questions or any(r.outcome == "questions" for r in going):
        return "questions"
    if any(r.outcome != "not_required" for r in decided if r not in going):
        return "partial"  # a member that is simply not needed leaves nothing undone
    return "rongque" if any(r.outcome == "rongque" for r in going) else "accept"


def _merge(bundle: Bundle, per_member: list[tuple[str, list[MaterialItem]]], presented: dict) -> list[EventItem]:
    """One item per shared document (whichever members need it) and per other material, in the
    members' order. A material that several documents can stand for (an ID card or a social
    security card) goes under the first of them, by the member's own name for it; one whose shared
    document was presented lacks something else (an authorisation beside the ID card): its own item."""
    out: dict[str, EventItem] = {}
    for matter_id, items in per_member:
        for item in items:
            # a document not presented and one of the routes the member's item still offers
            routes = {part.id for alt in item.alternatives for part in alt.parts}
            documents = [d for d in bundle.documents_of(matter_id, item.id) if d.id not in presented
                         and (not routes or d.materials[matter_id] in routes)]
            key = documents[0].id if documents else item.id
            name = documents[0].name if len(documents) == 1 else item.name
            entry = out.get(key)
            if entry is None:
                entry = out[key] = EventItem(key, name, [])
            entry.needs.append(Need(matter_id, item.id, item))
    return list(out.values())


def _questions(bundle: Bundle, members: list[MemberResult], known: dict) -> list[EventQuestion]:
    """Each question once, under the event's name of the fact: the members' questions, and the
    event's own facts that decide whether an undecided member applies."""
    out: dict[str, EventQuestion] = {}
    for r in members:
        member = bundle.member(r.matter)
        if r.outcome == UNDECIDED:  # what its condition reads that is not known yet, and is the applicant's to say
            for name in sorted(names_in(member.when)):
                fact = bundle.form.facts.get(name)
                if fact is None or not fact.asked or known.get(name) is not None:
                    continue
                q = out.setdefault(name, EventQuestion(name, fact.question, fact.type.kind, list(fact.type.values), []))
                if r.matter not in q.members:
                    q.members.append(r.matter)
            continue
        if r.notice is None or r.outcome in NOT_GOING_AHEAD:
            continue  # a member that cannot go ahead asks nothing more
        for info in r.notice.info_needed:
            name = member.facts.get(info.fact, info.fact)
            q = out.setdefault(name, EventQuestion(name, info.question, info.type, list(info.values), []))
            if r.matter not in q.members:
                q.members.append(r.matter)
    return list(out.values())


def _accepted(bundle: Bundle, going: list[MemberResult], presented: dict) -> list[dict]:
    """What was received and in order, each document once: a member's accepted material goes
    under the shared document that was presented for it."""
    out: dict[str, dict] = {}
    for r in going:
        member = bundle.member(r.matter)
        made = {k.split("/", 1)[0] for k in member.produced}
        for a in r.notice.accepted:
            if a["id"] in made:
                continue  # produced within the event: listed as such, not as received
            document = next((d for d in bundle.documents_of(r.matter, a["id"]) if d.id in presented), None)
            key = document.id if document is not None else a["id"]
            out.setdefault(key, {"id": key, "name": document.name if document is not None else a["name"]})
    return list(out.values())


def _digest(bundle: Bundle, members: list[MemberResult]) -> str:
    """sha256 over the bundle file and each member notice's rules digest, in the members' order."""
    h = hashlib.sha256(hashlib.sha256(bundle.files[bundle.path]).digest())
    for r in members:
        h.update(r.matter.encode() + b"\0" + (r.notice.rules_sha256 if r.notice else "").encode())
    return h.hexdigest()
