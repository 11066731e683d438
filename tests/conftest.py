"""Shared helpers: the repository's folders and the fixture matter that exercises every mechanism."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.run.compiler import compile_matter
from checker.source.loader import load_matter

REPO = Path(__file__).resolve().parent.parent
RULES = REPO / "rules"
MATTERS = REPO / "matters"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def test_licence():
    """The compiled fixture matter tests/fixtures/matters/test-licence.yaml."""
    return compile_matter(load_matter(FIXTURES / "matters" / "test-licence.yaml", RULES))


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """A checker root: the shipped rule sets, the fixture matter test-licence and one real matter
    (company-registration)."""
    import shutil
    base = tmp_path_factory.mktemp("root")
    shutil.copytree(RULES, base / "rules")
    shutil.copytree(REPO / "local", base / "local")  # the matters' examples run under its localities
    (base / "matters").mkdir()
    shutil.copy(FIXTURES / "matters" / "test-licence.yaml", base / "matters")
    shutil.copy(MATTERS / "company-registration.yaml", base / "matters")
    return base


def notice_files(out: Path) -> list[str]:
    """The notice files a `checker screen --out OUT` wrote, as MATTER/NAME, sorted; the hash that
    follows the name of a record without a reference (`~` and 16 hexadecimal digits) as ~HASH."""
    import re
    return sorted(re.sub(r"~[0-9a-f]{16}\.", "~HASH.", p.relative_to(out / "notices").as_posix())
                  for p in (out / "notices").glob("*/*") if p.is_file())


def complete_test_application(**facts) -> dict:
    """An application for the fixture matter that can be accepted, with facts overridden."""
    base = {
        "birth_date": "1990-01-01", "id_number": "11010519491231002X", "region": "local",
        "small_scale": False, "has_car": False, "monthly_income": 1500.0, "members": 3,
        "homes": [], "filed_by_agent": False, "credit_barred": False,
    }
    base.update(facts)
    return {
        "date": "2026-03-02",
        "facts": {k: v for k, v in base.items() if v is not ...},
        "materials": [
            {"id": "TL-01", "form": "original", "copies": 1, "signed": True},
            {"id": "TL-03", "form": "original", "copies": 1},
            {"id": "TL-05", "form": "original", "copies": 1},
            {"id": "TL-08/title", "form": "copy", "copies": 1},
            {"id": "TL-09", "form": "original", "copies": 3},
            {"id": "TL-10", "form": "copy", "copies": 1},
        ],
    }
