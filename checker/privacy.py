"""Personal data kept out of logs and the register: resident ID numbers are masked wherever the
checker writes text that outlives the request (the register, batch logs, server logs)."""

from __future__ import annotations

import hashlib
import logging
import re

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
    """A logging filter that masks ID numbers in a record's message and in its traceback (an
    exception's text may quote a value from an application)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
            record.exc_text = None
        record.msg, record.args = mask_id(text), None
        return True


LOGGERS = ("checker", "checker.web", "uvicorn", "uvicorn.error", "uvicorn.access")


def mask_logs() -> None:
    """Mask ID numbers in every record of the checker's and the web server's loggers (a filter
    acts only on records logged to its own logger, so each one gets it)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskIds) for f in logger.filters):
            logger.addFilter(MaskIds())
