import sys, json
from checker.service import compiled_matter, check
from checker.errors import CheckerError
from dataclasses import asdict
try:
    cm = compiled_matter(sys.argv[1])
except CheckerError as e:
    print(e); sys.exit(2)
print("stages", cm.stages, "rules", len(cm.rules), "terms", {k: str(v.node) for k,v in cm.terms.items()})
for ex in cm.matter.examples:
    n = check(cm, ex.application)
    got = dict(outcome=n.outcome, missing=[i.id for i in n.missing], defective=[i.id for i in n.defective],
               info=[i.fact for i in n.info_needed], reasons=[r.rule for r in n.reasons], derived=n.derived)
    ok = all((got.get(k if k!='info_needed' else 'info') == v) if k!='derived' else all(n.derived.get(a)==b for a,b in v.items()) for k,v in ex.expect.items())
    print("OK " if ok else "BAD", ex.name, got if not ok else "", ex.expect if not ok else "")
