"""Strict JSON for the API's request bodies: UTF-8, no NaN or Infinity, no duplicate keys, no
deeper nesting than a YAML application may have."""

from __future__ import annotations

import json
import math
from typing import Any

from checker.shells.web.security import BodyError
from checker.source.yamlsource import MAX_DEPTH, nested_too_deep


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:
            raise BodyError(f"duplicate key '{k}'")
        out[k] = v
    return out


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyError(f"number out of range: {text}")
    return value


def _constant(name: str) -> Any:
    raise BodyError(f"{name} is not JSON")


def parse_json(body: bytes) -> Any:
    """Strict JSON: UTF-8, no NaN or Infinity, no duplicate keys."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("not UTF-8 text") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    too_deep = BodyError(f"nested too deeply (more than {MAX_DEPTH} levels)")
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_constant, parse_float=_finite)
    except BodyError:
        raise
    except RecursionError:
        raise too_deep from None
    except ValueError as e:
        raise BodyError(str(e)) from None
    if nested_too_deep(data):
        raise too_deep
    return data
