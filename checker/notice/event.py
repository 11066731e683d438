"""The event's one notice (一次告知) for a bundle: the event's outcome, each member's outcome and
notice, one deduplicated list of what to bring or fix (each item naming the members that need
it), what the event produces for itself, the questions left, the deadlines and the offices.

`EventNotice.to_dict()` is the JSON shape (schema "checker.event-notice/1"); each member's own
notice inside it is the matter notice's shape ("checker.notice/1"). `event_notice_from_json`
reads it back; `stored_notice_from_json` reads either kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.notice.notice import NOTICE_SCHEMA, MaterialItem, Notice, from_json, to_plain

EVENT_NOTICE_SCHEMA = "checker.event-notice/1"

# a member's standing in the event, beyond the outcomes of its own notice
NOT_APPLICABLE, UNDECIDED = "not_applicable", "undecided"
BLOCKED = "blocked"  # an earlier member whose result it needs cannot go ahead
# the event's outcomes: those of a notice, and `partial` (what goes ahead is acceptable, some member cannot)
EVENT_OUTCOMES = ("accept", "rongque", "correct", "questions", "partial", "refuse", "not_required")


@dataclass
class MemberResult:
    matter: str
    name: dict
    department: dict
    outcome: str  # a notice's outcome, or not_applicable / undecided / blocked
    applies_when: dict | None  # the member's condition in words, where it has one
    waits_on: list[str]  # members whose unfinished result this one needs
    notice: Notice | None  # None: not applicable or undecided


@dataclass
class Need:
    """One member's need of an item: the member, its material ID, and the member's item."""

    matter: str
    material: str
    item: MaterialItem


@dataclass
class EventItem:
    """One thing to bring or fix, once for the event: a shared document or one member's material."""

    id: str  # the shared document's id, or the member's material ID
    name: dict
    needs: list[Need]


@dataclass
class Produced:
    """What one member produces for another within the event (a material, or a yes/no fact such
    as "registered as unemployed"): never asked of the applicant."""

    material: str  # the using member's material ID, or its fact's name (kind "fact")
    name: dict
    used_by: str
    produced_by: str
    ready: bool  # the producing member can go ahead as it stands
    kind: str = "material"  # material | fact
    blocked: bool = False  # the producing member cannot go ahead at all: it will not be produced


@dataclass
class EventQuestion:
    fact: str  # the event's name of the fact
    question: dict
    type: str
    values: list[str]
    members: list[str]  # the members whose result it may change


@dataclass
class EventNotice:
    outcome: str
    event: dict  # id, name, basis
    application: dict
    members: list[MemberResult]
    missing: list[EventItem]
    defective: list[EventItem]
    possibly_required: list[EventItem]
    produced: list[Produced]
    info_needed: list[EventQuestion]
    accepted: list[dict]  # {id, name}: presented once and in order for every member that needs it
    rules_sha256: str
    application_sha256: str
    checker_version: str
    locality: dict = field(default_factory=dict)
    office: dict = field(default_factory=dict)
    schema: str = EVENT_NOTICE_SCHEMA

    @property
    def acceptable(self) -> bool:
        return self.outcome == "accept"

    def to_dict(self) -> dict[str, Any]:
        return to_plain(self)



def event_notice_from_json(text: str, where: str = "notice") -> EventNotice:
    """The event's notice whose JSON (render(notice, "json")) is `text`, to render again exactly
    as it was issued (see notice.notice_from_json)."""
    return from_json({EVENT_NOTICE_SCHEMA: EventNotice}, text, where)


def stored_notice_from_json(text: str, where: str = "notice") -> Notice | EventNotice:
    """A matter's or an event's notice from its JSON, whichever its schema says it is."""
    return from_json({NOTICE_SCHEMA: Notice, EVENT_NOTICE_SCHEMA: EventNotice}, text, where)
