"""Localities: which local rules apply. A locality is a file local/ID.yaml of the matter library;
the national rule applies wherever no locality is chosen."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from checker.errors import CheckerError, Location, Problem, suggest
from checker.source.schemas import schema_problems
from checker.source.yamlsource import load_file


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


PHONES = ("consultation", "complaint")  # the telephones an office gives, in the order notices print them


@dataclass(frozen=True)
class Office:
    """The agency that runs the checker, configured once: its notices carry its name, address,
    hours and telephones, its document numbers start with `abbr`, and it applies one locality's
    rules (`locality` "" = the national rules)."""

    id: str
    name: dict
    abbr: str
    locality: str = ""
    address: dict | None = None
    hours: dict | None = None
    phones: dict = field(default_factory=dict)
    path: str = ""

    def header(self) -> dict:
        """What a notice prints about its office (the telephones in PHONES order)."""
        return {"name": self.name, "address": self.address, "hours": self.hours,
                "phones": {kind: self.phones[kind] for kind in PHONES if self.phones.get(kind)}}


def load_office(path: Path, root: Path | None) -> Office:
    """An office file, checked against its schema and against the localities of the library
    (root None: the locality is not looked up, e.g. by the register, which never applies rules)."""
    doc = load_file(path)
    if not isinstance(doc.data, dict):
        raise CheckerError(Problem(doc.where(()), "S002", "an office file must be a mapping of keys to values",
                                   "see examples/office.yaml"))
    problems = schema_problems(doc, "office")
    if problems:
        raise CheckerError(problems)
    data = doc.data
    locality = data.get("locality", "")
    if locality and root is not None:
        try:
            locality_file(root, locality)
        except CheckerError as e:
            raise CheckerError([Problem(doc.where(("locality",)), p.code, p.message, p.hint) for p in e.problems]) from None
    return Office(id=data["office"], name=data["name"], abbr=data["abbr"], locality=locality,
                  address=data.get("address"), hours=data.get("hours"), phones=data.get("phones", {}),
                  path=str(path))


def choose_locality(root: Path, *, office: Office | None = None, local: str | Path | None = None,
                    application: str = "", where: Location | None = None) -> Path | None:
    """The locality file whose rules apply: the office's (or --local's), which an application
    may name too but may not contradict; else the application's; else none (the national rules)."""
    chosen = None
    if office is not None:
        chosen = (office.locality or "national", f"the office {office.id}")
        if local is not None:
            raise CheckerError(Problem(Location("--local"), "E027", "--local and --office both choose the locality",
                                       f"the office applies {chosen[0]}'s rules: leave out --local"))
    elif local is not None:
        chosen = (str(local), "--local")
    if chosen is not None:
        name, by = chosen
        path = None if name == "national" else locality_file(root, name)
        if application and Path(name).stem != application:
            rules = "the national rules" if name == "national" else f"the rules of '{Path(name).stem}'"
            raise CheckerError(Problem(where or Location("application"), "E027",
                                       f"the application names locality '{application}', but {by} applies {rules}",
                                       "check it where that locality's rules apply, or remove `locality` from the application"))
        return path
    if not application:
        return None
    try:
        return locality_file(root, application)
    except CheckerError as e:
        raise CheckerError([Problem(where or p.location, p.code, p.message, p.hint) for p in e.problems]) from None


def locality_rows(paths: list[Path]) -> list[dict]:
    """What `checker list --localities` shows of each locality file: its id, name, the locality
    it is part of and the matters whose rules it changes."""
    from checker.source.yamlsource import load_file
    rows = []
    for path in paths:
        data = load_file(path).data
        data = data if isinstance(data, dict) else {}
        rows.append({"id": path.stem, "name": data.get("name"), "part_of": data.get("part_of"),
                     "matters": sorted(data.get("matters") or {})})
    return rows
