"""Facts a signed material declares (issue 13, part 1), on the construction permit: CP-07, the
owner's funding promise (建设资金已经落实承诺书, reference 13, art. 4(7)), declares that the
funding is in place."""

from __future__ import annotations

from checker.run.compiler import compile_matter
from checker.source.loader import load_matter
from checker.service import check
from conftest import MATTERS, RULES

CP = compile_matter(load_matter(MATTERS / "construction-permit.yaml", RULES))
COMPLETE = next(e for e in CP.matter.examples if "funding as declared" in e.name).application


def _with_cp07(**attrs):
    app = dict(COMPLETE)
    app["materials"] = [dict(m, **attrs) if m["id"] == "CP-07" else m for m in COMPLETE["materials"]]
    return app


def test_a_presented_promise_declares_the_funding_and_the_notice_says_so():
    n = check(CP, _with_cp07())
    assert n.outcome == "accept"
    [d] = n.declared
    assert (d.fact, d.material, d.display["zh"]) == ("funding_in_place", "CP-07", "是")


def test_an_unsigned_promise_declares_nothing_and_is_itself_to_be_signed():
    # a declaration binds only when signed: unsigned, the material is defective (补正) and the fact
    # it would declare is neither taken nor asked (signing the promise answers it)
    n = check(CP, _with_cp07(signed=False))
    assert n.outcome == "correct"
    assert [(i.id, [p.kind for p in i.problems]) for i in n.defective] == [("CP-07", ["unsigned"])]
    assert n.declared == [] and n.info_needed == []


def test_a_fact_the_applicant_states_wins_over_the_declaration():
    app = _with_cp07()
    app["facts"] = dict(app["facts"], funding_in_place=False)
    n = check(CP, app)
    assert n.declared == [] and n.outcome == "refuse"
