"""The one table of texts (checker/texts.py): each key once, each text in both languages with
the same placeholders, and one t() that fills them."""

from __future__ import annotations

import ast
import string

import pytest

from checker import texts
from conftest import REPO


def test_no_key_is_written_twice():
    """A dict literal keeps the last of two equal keys silently: the table is read as source."""
    tree = ast.parse((REPO / "checker" / "texts.py").read_text(encoding="utf-8"))
    table = next(n.value for n in tree.body if isinstance(n, ast.AnnAssign) and n.target.id == "TEXTS")
    keys = [k.value for k in table.keys]
    assert len(keys) == len(texts.TEXTS)
    assert sorted({k for k in keys if keys.count(k) > 1}) == []


@pytest.mark.parametrize("key", sorted(texts.TEXTS))
def test_each_text_has_both_languages_with_the_same_placeholders(key):
    zh, en = texts.TEXTS[key]
    assert isinstance(zh, str) and isinstance(en, str)
    # a value given in each language (form_zh / form_en) counts as one placeholder
    fields = lambda s: sorted(f.removesuffix("_zh").removesuffix("_en")  # noqa: E731
                              for _, f, _, _ in string.Formatter().parse(s) if f)
    assert fields(zh) == fields(en), key


def test_t_fills_placeholders_in_the_language_asked():
    assert texts.t("why.calendar.beyond", "zh", year=2031) == "无法推算2031年的节假日，无法按工作日计算期限"
    assert texts.t("why.calendar.beyond", "en", year=2031).startswith("the holidays of 2031 cannot be reckoned")
    assert texts.both("screen.summary") == {"zh": "预审汇总", "en": "Screening summary"}
    assert texts.t("screen.summary", "fr") == "Screening summary"  # any other language: English


def test_tx_reads_a_rule_files_text_in_either_language():
    assert texts.tx({"zh": "申请表", "en": "Application form"}, "en") == "Application form"
    assert texts.tx({"zh": "申请表"}, "en") == "申请表"
    assert texts.tx(None, "zh") == ""


def test_every_key_the_code_names_is_in_the_table():
    """t("key", ...) with a key the table lacks fails only when that line runs: find them all."""
    import re
    missing = []
    for path in sorted((REPO / "checker").rglob("*.py")):
        for m in re.finditer(r"""\bt\(\s*["']([a-z_.]+)["']""", path.read_text(encoding="utf-8")):
            key = m.group(1)
            if not key.endswith(".") and key not in texts.TEXTS:  # a prefix completed at run time
                missing.append(f"{path.relative_to(REPO)}: {key}")
    assert missing == []
