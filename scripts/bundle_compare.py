"""What an event's one form and one notice save a family, measured (README, "Bundles"): for each
bundle's first example (its complete case), the questions the interview asks and the documents the
notice lists, for the event and for its members one by one.

    python scripts/bundle_compare.py            # a Markdown table

Questions: the interview run to its end with the example's answers (each member alone gets the
answers under its own names, and says yes to what an earlier member settled: it was done first). Documents: the notice for the example's facts with nothing presented
yet (each member alone: also what another member would have produced, which the family must then
fetch first). Windows: each member alone is handled at its own window (at least one visit each; one
more for every notice to supply something); the event is one window (一窗受理)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.run.event import member_application, parse_event  # noqa: E402
from checker.service import check_bundle, evaluate_and_decide  # noqa: E402
from checker.shells import interview as iv  # noqa: E402
from checker.texts import tx  # noqa: E402
from checker.workspace import Workspace  # noqa: E402


def _ask(step, oracle: dict) -> int:
    answers: dict = {}
    for count in range(200):
        st = step(answers)
        if st.done:
            return count
        fact = st.questions[0].fact
        answers[fact] = oracle.get(fact)
    raise RuntimeError("the interview does not end")


def measure(ws: Workspace, bundle_id: str) -> dict:
    b = ws.bundle(bundle_id)
    ex = b.examples[0]
    on = ex.application["date"]
    facts = dict(ex.application.get("facts") or {})
    event = _ask(lambda a: iv.event_step(b, ws.compiled, a, on), facts)
    bare = {k: v for k, v in ex.application.items() if k != "materials"}
    notice = check_bundle(b, ws.compiled, bare)
    applying = [m for m in notice.members if m.notice is not None]
    app = parse_event(b, bare)
    alone_q = alone_docs = 0
    for r in applying:
        member = b.member(r.matter)
        own = {name: facts.get(event_name) for name, event_name in member.facts.items()}
        own.update(member.given)
        done_before = {name: True for name in member.produced_facts}  # the family did the earlier matter first
        own.update(done_before)
        alone_q += _ask(lambda a, m=member: iv.step(ws.compiled(m.id), {**a}, on), own)
        alone = evaluate_and_decide(ws.compiled(member.id), member_application(b, member, app, [], done_before))[1]
        alone_docs += len(alone.missing)
    return {"event": tx(b.name, "zh"), "members": len(applying), "q_event": event, "q_alone": alone_q,
            "d_event": len(notice.missing), "d_alone": alone_docs, "visits_alone": len(applying)}


def main() -> int:
    ws = Workspace(ROOT)
    print("| event | matters | questions: one form / one by one | documents listed: one notice / one by one "
          "| windows visited: event / one by one |")
    print("|---|---|---|---|---|")
    for bundle_id in ws.bundle_ids():
        m = measure(ws, bundle_id)
        print(f"| {m['event']} (`{bundle_id}`) | {m['members']} | {m['q_event']} / {m['q_alone']} | "
              f"{m['d_event']} / {m['d_alone']} | 1 / {m['visits_alone']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
