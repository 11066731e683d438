"""Errors and problems that name a place in a file.

Every bad input ends in one of these, so the CLI can print `file:line:col: message` and exit 2
instead of a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column in a file (0 means unknown)."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a rule file or an application, with where it is and what would be right."""

    location: Location
    code: str
    message: str
    hint: str = ""

    @property
    def name(self) -> str:
        from .codes import CODES
        found = CODES.get(self.code)
        return found.name if found else ""

    @property
    def severity(self) -> str:
        from .codes import CODES
        found = CODES.get(self.code)
        return found.severity if found else "error"

    def __str__(self) -> str:
        name = f" {self.name}:" if self.name else ""
        text = f"{self.location}: {self.code}{name} {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_dict(self) -> dict:
        return {"file": self.location.file, "line": self.location.line, "column": self.location.column,
                "code": self.code, "name": self.name, "severity": self.severity,
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
