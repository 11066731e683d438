"""JSON rendering: the notice's documented shape (see README, "The notice as JSON")."""

from __future__ import annotations

import json

from ..notice import Notice


def render(notice: Notice) -> str:
    """Stable JSON: field order fixed by the Notice dataclasses, no timestamps, UTF-8 text."""
    return json.dumps(notice.to_dict(), ensure_ascii=False, indent=2) + "\n"
