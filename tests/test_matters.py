"""Every example written in every matter file, run as a test (expectations come from the reference)."""

from __future__ import annotations

import pytest

from checker.run.compiler import compile_matter
from checker.tools.testing import run_examples
from checker.source.loader import load_matter
from conftest import MATTERS, REPO, RULES

COMPILED = {p.stem: compile_matter(load_matter(p, RULES)) for p in sorted(MATTERS.glob("*.yaml"))}
CASES = [(mid, i) for mid, c in COMPILED.items() for i in range(len(c.matter.examples))]


@pytest.mark.parametrize("matter_id, index", CASES,
                         ids=[f"{m}[{COMPILED[m].matter.examples[i].name}]" for m, i in CASES])
def test_example(matter_id, index):
    compiled = COMPILED[matter_id]
    result = run_examples(compiled)[index]
    assert result.passed, "\n".join(result.differences)


@pytest.mark.parametrize("matter_id", sorted(COMPILED))
def test_each_matter_has_enough_examples(matter_id):
    # at least 8 examples per matter, covering acceptance and a one-time notice
    examples = COMPILED[matter_id].matter.examples
    outcomes = {e.expect["outcome"] for e in examples}
    assert len(examples) >= 8
    assert {"accept", "correct"} <= outcomes


@pytest.mark.parametrize("matter_id", sorted(COMPILED))
def test_every_rule_fires_in_some_example(matter_id):
    """Each eligibility rule (refuse, redirect, not_required, correct) is shown to apply at least once."""
    compiled = COMPILED[matter_id]
    fired = {r.rule for result in run_examples(compiled) for r in result.notice.reasons}
    rules = {r.id for r in compiled.matter.rules}
    assert rules <= fired, f"never fires in an example: {sorted(rules - fired)}"


@pytest.mark.parametrize("matter_id", sorted(COMPILED))
def test_every_conditional_material_is_exercised(matter_id):
    """Each conditional material appears as missing in at least one example."""
    compiled = COMPILED[matter_id]
    missing = set()
    for r in run_examples(compiled):
        missing |= {i.id for i in r.notice.missing + r.notice.defective + r.notice.possibly_required}
    conditional = {m.id for m in compiled.matter.materials if m.when is not None and not m.shared}
    assert conditional <= missing, f"never required in an example: {sorted(conditional - missing)}"


@pytest.mark.parametrize("matter_id", sorted(COMPILED))
def test_every_matter_has_a_processing_flow(matter_id):
    """Application first, then acceptance (where the one-time notice is given), then a decision."""
    kinds = [step.kind for step in COMPILED[matter_id].matter.flow]
    assert kinds[0] == "apply" and "accept" in kinds and "decide" in kinds
    assert kinds.index("accept") < kinds.index("decide")



@pytest.mark.parametrize("matter_id", sorted(p.stem for p in (REPO / "matters").glob("*.yaml")))
def test_each_matter_has_its_audit_against_the_reference(matter_id):
    # docs/audit/MATTER.md: each rule, material and parameter read against the reference by someone
    # who did not write it, with what was found, fixed and left (and why)
    import re
    text = (REPO / "docs" / "audit" / f"{matter_id}.md").read_text(encoding="utf-8")
    found, fixed, left = map(int, re.findall(r"^Counts: found (\d+), fixed (\d+), left (\d+)$", text, re.M)[-1])
    assert found == fixed + left


def test_every_shipped_file_reads_the_same_with_and_without_libyaml():
    # libyaml accepts `{en: a question?}`, the pure-Python parser does not: a library that reads only
    # where libyaml is installed would fail elsewhere
    import yaml
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML without libyaml: only one parser to compare")
    for path in sorted([*REPO.glob("matters/*.yaml"), *REPO.glob("rules/*.yaml"), *REPO.glob("local/*.yaml")]):
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=yaml.SafeLoader) == yaml.load(text, Loader=yaml.CSafeLoader), path
