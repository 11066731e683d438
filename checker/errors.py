"""Errors and problems that name a place in a file.

Every bad input ends in one of these, so the CLI can print `file:line:col: message` and exit 2
instead of a traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.codes import CODES

# C0 and C1 control characters (newline, carriage return, tab, ESC and with it every ANSI escape
# sequence, the 8-bit CSI...), DEL, the Unicode line and paragraph separators and the bidi
# embedding, override and isolate controls: in a file name or a quoted value they could forge a
# line of a log or repaint a terminal
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` with control characters written as escapes (`\\n`, `\\x1b`, `\\u202e`), as `repr`
    writes them: one line, shown as it is on any terminal."""
    return _CONTROL.sub(lambda m: _SHORT.get(m.group(), f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                                          else f"\\u{ord(m.group()):04x}"), text)


def quoted(value: object, limit: int = 60) -> str:
    """A value from the input, for a message: in quotes, at most `limit` characters (a file that
    is not what it should be must not be echoed), control characters escaped."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return "'" + printable(text) + "'"


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column in a file (0 means unknown); in a workbook, the row and column of
    a cell of the sheet named, shown as a spreadsheet names it (batch.xlsx:Sheet1!C7)."""

    file: str
    line: int = 0
    column: int = 0
    sheet: str = ""

    def __str__(self) -> str:
        if self.sheet:
            return printable(f"{self.file}:{self.sheet}!{column_letters(self.column or 1)}{self.line}")
        if self.line:
            return f"{printable(self.file)}:{self.line}:{self.column}"
        return printable(self.file)


def column_letters(column: int) -> str:
    """A spreadsheet's name of a 1-based column: 1 A, 26 Z, 27 AA."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a rule file or an application, with where it is and what would be right."""

    location: Location
    code: str
    message: str
    hint: str = ""

    @property
    def name(self) -> str:
        found = CODES.get(self.code)
        return found.name if found else ""

    @property
    def severity(self) -> str:
        found = CODES.get(self.code)
        return found.severity if found else "error"

    def __str__(self) -> str:
        name = f" {self.name}:" if self.name else ""
        text = f"{self.location}: {self.code}{name} {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return printable(text)  # one line, whatever a file name or a quoted value holds

    def to_dict(self) -> dict:
        return {"file": self.location.file, "line": self.location.line, "column": self.location.column,
                **({"sheet": self.location.sheet} if self.location.sheet else {}), "code": self.code, "name": self.name, "severity": self.severity,
                "message": self.message, "hint": self.hint}


class CheckerError(Exception):
    """Unusable input: the CLI prints each problem and exits 2."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def fail(file: str, message: str, *, code: str, line: int = 0, column: int = 0,
         hint: str = "") -> CheckerError:
    """Build a one-problem error, for `raise fail(...)`."""
    return CheckerError(Problem(Location(file, line, column), code, message, hint))


def suggest(name: str, known: list[str]) -> str:
    """The closest of `known` to a misspelt `name`, or ""."""
    import difflib
    close = difflib.get_close_matches(name, known, n=1)
    return close[0] if close else ""
