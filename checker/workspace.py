"""The workspace: the one place that knows where a matter library's files live and what kind each
is, finds a matter or a locality by its id (with a "did you mean"), and loads and compiles each
matter once (per locality) for everything that runs in this process.

Every command, the web pages and screening use it; nothing else globs matters/ or local/.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from checker.errors import CheckerError, Location, Problem, suggest
from checker.run.compiler import CompiledMatter, compile_matter
from checker.source.loader import load_matter
from checker.source.local import locality_file
from checker.source.model import Matter

# folder → the kind of rule file in it (and the schema it follows)
FOLDERS = {"matters": "matter", "rules": "ruleset", "local": "local", "bundles": "bundle"}
SUFFIXES = (".yaml", ".yml")
MATTER_ID = re.compile(r"[a-z][a-z0-9-]*")  # a matter's id: its file's name without the suffix
CASES = Path("tests") / "cases"  # case files: more examples of a matter, kept beside the tests


def shipped_root() -> Path:
    """The matter library that comes with the package: checker/library/ in an installed wheel
    (pyproject.toml maps matters/, rules/ and local/ there), the repository in a source checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "library"
    return installed if (installed / "matters").is_dir() else package.parent


def find_root(start: Path | None = None) -> Path:
    """The folder holding matters/: from `start` (the current folder) upwards, else the shipped library."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "matters").is_dir():
            return folder
    return shipped_root()


def check_root(root: Path, hint: str) -> Path:
    """A root must hold matter files: a wrong or empty root is an error (E025), never a run over
    nothing that looks like success. The hint says where the root came from."""
    if not root.is_dir():
        wrong = "no such folder" if not root.exists() else "not a folder"
    elif not (root / "matters").is_dir():
        wrong = "no matters/ folder in it"
    elif not any(p.suffix in SUFFIXES for p in (root / "matters").iterdir()):
        wrong = "no matter files (matters/*.yaml) in it"
    else:
        return root
    raise CheckerError(Problem(Location(str(root)), "E025", f"not a matter library: {wrong}", hint))


class Workspace:
    """A matter library (a folder holding matters/, rules/ and local/) and what is loaded from it.

    Loading and compiling are cached per (matter, locality file) under a lock, so the web server's
    threads and a batch share one compiled matter; a matter that fails to load or compile fails
    the same way every time it is asked for, and every other matter is served as before."""

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self._lock = threading.RLock()
        self._matters: dict[tuple[str, str], Matter | CheckerError] = {}
        self._compiled: dict[tuple[str, str], CompiledMatter | CheckerError] = {}
        self._bundles: dict[tuple[str, str], "Bundle | CheckerError"] = {}

    @classmethod
    def find(cls, root: Path | None = None) -> "Workspace":
        """The library to use: `root` (--root), else $CHECKER_ROOT, else the nearest folder above
        the current one holding matters/, else the library installed with the checker."""
        wanted = "must name a folder holding matters/*.yaml and rules/"
        if root is not None:
            return cls(check_root(Path(root), f"--root {wanted}"))
        env = os.environ.get("CHECKER_ROOT")
        if env:
            return cls(check_root(Path(env), f"$CHECKER_ROOT {wanted}"))
        found = find_root()
        if found == shipped_root():
            return cls(check_root(found, "the library installed with the checker is incomplete: reinstall it, or use --root"))
        return cls(check_root(found, "the nearest matters/ folder above the current one; add a matter or use --root"))

    # --- where files are -------------------------------------------------------------------

    def folder(self, folder: str) -> Path:
        """matters/, rules/ or local/ of this library."""
        return self.root / folder

    @property
    def rules(self) -> Path:
        return self.root / "rules"

    def files(self, folder: str) -> list[Path]:
        """The rule files in one of the library's folders, sorted by name: every entry named *.yaml
        or *.yml that is not a folder (one that is not a regular file, such as a named pipe, is
        listed so that reading it says what is wrong, instead of the matter vanishing)."""
        base = self.root / folder
        if not base.is_dir():
            return []
        return sorted(p for p in base.iterdir() if p.suffix in SUFFIXES and not p.is_dir())

    def rule_files(self) -> list[Path]:
        """Every rule file of the library: matters, rule sets and localities."""
        return [p for folder in FOLDERS for p in self.files(folder)]

    @staticmethod
    def kind_of(path: Path) -> str | None:
        """The kind of a rule file, by the folder it is in (matters/ → matter, ...); None elsewhere."""
        return FOLDERS.get(Path(path).parent.name)

    def case_files(self) -> list[Path]:
        return sorted((self.root / CASES).glob("*.yaml"))

    # --- the catalogue ------------------------------------------------------------------------

    def matter_ids(self) -> list[str]:
        return [p.stem for p in self.files("matters")]

    def matter_path(self, name: str) -> Path:
        """The file of a matter named by its id or given as a path. A path that does not exist is
        E001; an id not in matters/ is E020, naming the close one."""
        as_path = Path(name)
        if as_path.suffix in SUFFIXES or as_path.exists():
            if not as_path.exists():
                raise CheckerError(Problem(Location(name), "E001", "matter file not found"))
            return as_path  # whatever it is, the reader says if it is not a regular file
        paths = {p.stem: p for p in self.files("matters")}
        if MATTER_ID.fullmatch(name) and name in paths:
            return paths[name]
        close = suggest(name, sorted(paths))
        hint = f"did you mean '{close}'?" if close else "run `checker list` to see the matters"
        raise CheckerError(Problem(Location(name), "E020", f"unknown matter '{name}' in {self.root / 'matters'}", hint))

    def locality_file(self, name: str | Path) -> Path:
        """The settings file of a locality named by its id or given as a path (E026 if unknown)."""
        return locality_file(self.root, name)

    def knows(self, matter_id: str) -> bool:
        """Whether matters/ has this id (the web asks on every request: a look-up, not a listing)."""
        return MATTER_ID.fullmatch(matter_id) is not None and any(
            (p.exists() or p.is_symlink()) and not p.is_dir()
            for p in (self.root / "matters" / f"{matter_id}{suffix}" for suffix in SUFFIXES))

    def matter(self, name: str, locality: Path | None = None) -> Matter:
        """The matter loaded with a locality's rules (None: the national rules), once."""
        return self._once(self._matters, name, locality,
                          lambda: load_matter(self.matter_path(name), self.rules, locality))

    def compiled(self, name: str, locality: Path | None = None) -> CompiledMatter:
        """The compiled matter; CheckerError if it does not load or is beyond the engine's limits
        (M018: then it is never registered with the engine)."""
        return self._once(self._compiled, name, locality, lambda: compile_matter(self.matter(name, locality)))

    def _once(self, cache: dict, name: str, locality: Path | None, make):
        """make() once per (name, locality), under the lock; a CheckerError is kept and raised again."""
        key = (name, str(locality or ""))
        with self._lock:
            found = cache.get(key)
            if found is None:
                try:
                    found = make()
                except CheckerError as e:
                    found = e
                cache[key] = found
        if isinstance(found, CheckerError):
            raise found
        return found

    # --- bundles (一件事) ---------------------------------------------------------------------

    def bundle_ids(self) -> list[str]:
        return [p.stem for p in self.files("bundles")]

    def is_bundle(self, name: str) -> bool:
        """Whether `name` names a bundle: an id in bundles/ (and not a matter's), or a file there."""
        as_path = Path(name)
        if as_path.suffix in SUFFIXES:
            return self.kind_of(as_path) == "bundle"
        return name in self.bundle_ids() and not self.knows(name)

    def bundle_path(self, name: str) -> Path:
        as_path = Path(name)
        if as_path.suffix in SUFFIXES:
            if not as_path.exists():
                raise CheckerError(Problem(Location(name), "E001", "bundle file not found"))
            return as_path
        paths = {p.stem: p for p in self.files("bundles")}
        if name in paths:
            return paths[name]
        close = suggest(name, sorted(paths))
        raise CheckerError(Problem(Location(name), "E020", f"unknown bundle '{name}' in {self.root / 'bundles'}",
                                   f"did you mean '{close}'?" if close else "run `checker list` to see the bundles"))

    def bundle(self, name: str, locality: Path | None = None) -> "Bundle":
        """The bundle with its members loaded under a locality's rules (None: national), once."""
        from checker.source.bundle import load_bundle
        return self._once(self._bundles, name, locality,
                          lambda: load_bundle(self.bundle_path(name), lambda mid: self.matter(mid, locality)))

    def matters(self) -> tuple[list[Matter], list[Problem]]:
        """Every matter that loads, in id order, and the problems of those that do not."""
        loaded, problems = [], []
        for matter_id in self.matter_ids():
            try:
                loaded.append(self.matter(matter_id))
            except CheckerError as e:
                problems += e.problems
        return loaded, problems
