"""Localities: which local rules apply. A locality is a file local/ID.yaml of the matter library;
the national rule applies wherever no locality is chosen."""

from __future__ import annotations

from pathlib import Path

from .errors import CheckerError, Location, Problem, suggest


def localities(root: Path) -> list[str]:
    """The ids of the localities the library ships (local/*.yaml)."""
    return sorted(p.stem for p in (root / "local").glob("*.yaml"))


def locality_file(root: Path, name: str | Path) -> Path:
    """The settings file of a locality named by its id (`hunan`) or given as a file path; an
    unknown id is an error (E026) that names the close one and the known ones."""
    text = str(name)
    as_path = Path(text)
    if as_path.suffix in (".yaml", ".yml") or "/" in text or as_path.is_file():
        if not as_path.exists():
            raise CheckerError(Problem(Location(text), "E001", "local settings file not found"))
        return as_path
    candidate = root / "local" / f"{text}.yaml"
    if candidate.is_file():
        return candidate
    known = localities(root)
    close = suggest(text, known)
    hint = f"did you mean '{close}'?" if close else ("localities: " + ", ".join(known) if known else
                                                     f"{root / 'local'} has no locality files")
    raise CheckerError(Problem(Location(text), "E026", f"unknown locality '{text}'", hint))
