"""What a citizen reads (issue 13, part 4): every example notice of every matter, in every printed
format and both languages, carries no author's research note, no internal name and, unless issued
by staff with a number, no official wording of the agency."""

from __future__ import annotations

import re

import pytest

from checker.run.compiler import compile_matter
from checker.tools.testing import run_examples
from checker.source.loader import load_matter
from checker.notice.render import render
from conftest import MATTERS, RULES

# words authors use about their sources; never meant for an applicant
AUTHOR_WORDS = ("推断", "参考资料", "镜像", "第三方", "截断", "(inferred)", "inferred", "the reference",
                "mirror page", "third-party", "third party", "truncated", "read on a")
# official document names that contain one of those words: the hospital's 居民死亡医学证明（推断）书
DOCUMENT_NAMES = ("死亡医学证明（推断）书",)
# what only the agency's own, numbered notice may say
OFFICIAL = {"zh": ("本机关", "专用章", "经办人", "签收", "文号", "不予受理通知书", "补正材料通知书", "受理通知书"),
            "en": ("this agency", "Agency seal", "Officer:", "Received by", "Document number", "Notice of")}


def _notes(matter) -> list[str]:
    """Every author's note of the matter, in both languages."""
    things = [matter, *matter.facts.values(), *matter.derived.values(), *matter.parameters.values(),
              *matter.materials, *matter.rules]
    return [text for t in things if getattr(t, "note", None) for text in t.note.values() if len(text) > 12]


def _internal_names(matter) -> list[str]:
    # names made of one plain word ("wholesale") are words; a joined name is an identifier
    return [n for n in [*matter.facts, *matter.derived, *matter.parameters, *(r.id for r in matter.rules)]
            if "_" in n or "-" in n]


CASES = []
for path in sorted(MATTERS.glob("*.yaml")):
    compiled = compile_matter(load_matter(path, RULES))
    for result in run_examples(compiled):
        if result.notice is not None:
            CASES.append(pytest.param(compiled, result.notice, id=f"{path.stem}[{result.example.index}]"))


@pytest.mark.parametrize("compiled, notice", CASES)
def test_a_self_check_speaks_plainly(compiled, notice):
    m = compiled.matter
    notes, names = _notes(m), _internal_names(m)
    for lang in ("zh", "en"):
        for fmt in ("text", "markdown", "html"):
            out = render(notice, fmt, lang)
            where = f"{fmt}/{lang}"
            plain = re.sub("|".join(map(re.escape, DOCUMENT_NAMES)), "", out)
            assert [w for w in AUTHOR_WORDS if w in plain] == [], where
            assert [n for n in notes if n in out] == [], where
            assert [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", out)] == [], where
            assert not re.search(r"\br\d{4}\b", out), where
            assert [w for w in OFFICIAL[lang] if w in out] == [], where
