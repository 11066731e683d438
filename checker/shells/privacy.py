"""Personal data kept out of logs and the register: resident ID numbers are masked wherever the
checker writes text that outlives the request (the register, batch logs, server logs)."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from typing import Any

from checker.errors import printable

# an 18-character resident ID number: 17 digits and a check digit or X, alone or as 6-8-4 groups
# separated by one space or hyphen; `\d` also matches full-width digits
_ID = re.compile(r"(?<!\d)(\d{3})\d{3}([ \-]?)\d{8}\2(\d{3}[\dXxＸｘ])(?!\d)")


def mask_id(text: str) -> str:
    """`text` with every 18-digit resident ID number in it masked to its first 3 and last 4
    characters: `110105194912310021` → `110***********0021`."""
    return _ID.sub(lambda m: f"{m.group(1)}{'*' * 11}{m.group(3)}", text)


def pseudonymise_ids(text: str) -> str:
    """`text` with every resident ID number masked as by `mask_id` and followed by `#` and 12
    hexadecimal digits of its SHA-256, so that two numbers with the same mask stay apart (for keys
    that must be unique, e.g. a case reference that is an ID number). The hash is not a secret:
    with the mask beside it the number can be recovered by trying the birth dates; it keeps the
    number out of plain sight, as the mask does, not out of reach of a determined reader."""
    return _ID.sub(lambda m: f"{m.group(1)}{'*' * 11}{m.group(3)}#"
                   f"{hashlib.sha256(m.group().encode()).hexdigest()[:12]}", text)


class MaskIds(logging.Filter):
    """A logging filter that masks ID numbers in a record's message, its arguments and its
    traceback (an exception's text may quote a value from an application), and escapes control
    characters in its arguments (a value with a newline must not forge a log line).

    The record keeps its shape: `args` stays a tuple (or mapping) of the same length, each value
    masked on its own, because formatters read it — uvicorn's access formatter unpacks
    `(client, method, path, http_version, status)`. Only when an ID number is split across
    arguments (no masked argument shows it, the formatted message does) is the record replaced by
    its masked text without arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            before = record.getMessage()
        except Exception:  # a malformed record: logging reports it, with what is masked below
            before = None
        if isinstance(record.msg, str):
            record.msg = mask_id(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(a) for a in record.args)
        elif isinstance(record.args, Mapping):
            record.args = {k: _masked(v) for k, v in record.args.items()}
        if record.exc_info:  # formatted once, masked; formatters print exc_text as it is
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = mask_id(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_id(record.stack_info)
        if before is not None:
            try:
                after = record.getMessage()
            except Exception:  # a masked argument no longer fits its %d
                after = None
            if after is None or mask_id(after) != after:
                record.msg, record.args = mask_id(before), ()
        return True


def _masked(value: Any) -> Any:
    """A log argument with any ID number in its text masked and its control characters escaped;
    unchanged (type and all) if it has neither, so that `%d` and `%r` still format it."""
    if value is None or isinstance(value, (bool, float)):
        return value
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # logging will say it cannot format the value
        return value
    masked = printable(mask_id(text))
    return value if masked == text else masked


LOGGERS = ("checker", "checker.web", "uvicorn", "uvicorn.error", "uvicorn.access")


def mask_logs() -> None:
    """Mask ID numbers in every record of the checker's and the web server's loggers (a filter
    acts only on records logged to its own logger, so each one gets it)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskIds) for f in logger.filters):
            logger.addFilter(MaskIds())
