"""The matters the web serves: the workspace's, under the one locality file of this server.

The workspace loads and compiles each matter once, under its lock, for every request; a matter
whose files are broken is logged here, once, and otherwise served as an error while every other
matter is served as before."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from checker.errors import CheckerError
from checker.run.compiler import CompiledMatter
from checker.source.model import Matter
from checker.workspace import Workspace

log = logging.getLogger("checker.web")


class Library:
    """The workspace's matters under `locality` (None: the national rules)."""

    def __init__(self, workspace: Workspace, locality: Path | None = None):
        self.workspace, self.locality = workspace, locality
        self._lock = threading.Lock()
        self._logged: set[tuple[str, str]] = set()  # (message, matter id) already logged

    def _log_once(self, message: str, matter_id: str, error: CheckerError) -> None:
        with self._lock:
            if (message, matter_id) in self._logged:
                return
            self._logged.add((message, matter_id))
        log.error(message, matter_id, error)

    def knows(self, matter_id: str) -> bool:
        return self.workspace.knows(matter_id)

    def matter(self, matter_id: str) -> Matter:
        """The loaded matter; CheckerError if its files are broken."""
        try:
            return self.workspace.matter(matter_id, self.locality)
        except CheckerError as e:
            self._log_once("matter %s cannot be loaded:\n%s", matter_id, e)
            raise

    def compiled(self, matter_id: str) -> CompiledMatter:
        """The compiled matter; CheckerError if it does not load or is beyond the engine's limits
        (M018: then it is never registered, and every other matter is served as before)."""
        try:
            return self.workspace.compiled(matter_id, self.locality)
        except CheckerError as e:
            try:
                self.matter(matter_id)  # a matter that does not load is logged as such first
            except CheckerError:
                pass
            self._log_once("matter %s cannot be compiled:\n%s", matter_id, e)
            raise

    def knows_bundle(self, bundle_id: str) -> bool:
        return bundle_id in self.workspace.bundle_ids()

    def bundle(self, bundle_id: str):
        """The bundle with its members under this server's locality; CheckerError if broken."""
        try:
            return self.workspace.bundle(bundle_id, self.locality)
        except CheckerError as e:
            self._log_once("bundle %s cannot be loaded:\n%s", bundle_id, e)
            raise

    def bundles(self) -> list:
        """Every bundle that loads, in id order (one that does not is logged and left out)."""
        out = []
        for bundle_id in self.workspace.bundle_ids():
            try:
                out.append(self.bundle(bundle_id))
            except CheckerError:
                continue
        return out

    def all(self) -> list[Matter]:
        """Every matter that loads, in id order (one that does not is logged and left out)."""
        out = []
        for matter_id in self.workspace.matter_ids():
            try:
                out.append(self.matter(matter_id))
            except CheckerError:
                continue
        return out
