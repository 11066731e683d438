"""Random applications for a matter, valid by construction, for the benchmarks.

Every declared fact is present nine times in ten (so some conditions stay unknown), every
material piece seven times in ten, with random forms, copies, signatures and expiry dates.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from checker.lang.functions import id_check_char


def random_id(rng: random.Random) -> str:
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 30000))
    first = f"110105{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first + id_check_char(first)


def random_value(rng: random.Random, name: str, t, low=None, high=None) -> object:
    kind = t.kind
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "integer":
        lo = int(low) if low is not None else 0
        return rng.randrange(lo, int(high) + 1 if high is not None else lo + 10)
    if kind == "number":
        lo = low if low is not None else 0
        return round(rng.uniform(lo, high if high is not None else lo + 5000), 2)
    if kind == "enum":
        return rng.choice(t.values)
    if kind == "date":
        return (date(1950, 1, 1) + timedelta(days=rng.randrange(0, 27000))).isoformat()
    if kind == "list":
        return [{f: random_value(rng, f, ft) for f, ft in t.fields} for _ in range(rng.randrange(0, 4))]
    return random_id(rng) if "id_number" in name else f"text-{rng.randrange(100)}"


def random_application(rng: random.Random, matter) -> dict:
    facts = {n: random_value(rng, n, f.type, f.minimum, f.maximum)
             for n, f in matter.facts.items() if rng.random() < 0.9}
    materials = []
    for pid in matter.all_piece_ids:
        if rng.random() < 0.7:
            materials.append({"id": pid, "form": rng.choice(["original", "copy", "original_and_copy"]),
                              "copies": rng.randrange(0, 3), "signed": rng.random() < 0.9,
                              "valid_until": (date(2024, 1, 1) + timedelta(days=rng.randrange(0, 3000))).isoformat()})
    day = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 1400))
    return {"date": day.isoformat(), "facts": facts, "materials": materials}
