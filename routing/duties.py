"""Each office's duties as weak text rules: every office is reachable by its services' words.

``routing/data/duties_kota_bengkulu.json`` lists, per office, the words citizens use for the
duties the city's organisation regulations give it (sources recorded in the file). The admin's
text rules stay the strong, editable signal; these add a weak vote (the file's ``weight``) for
services no admin rule names, and are training examples for the learned model
(``routing.learning``).
"""

import json
from functools import lru_cache
from pathlib import Path

from routing import engine
from routing.text import analyze_pattern

DUTIES = Path(__file__).resolve().parent / "data" / "duties_kota_bengkulu.json"
LOCAL = "@local"  # the file's name for "the kelurahan/kecamatan office of the place"


@lru_cache(maxsize=1)
def duties() -> dict[str, tuple[str, ...]]:
    """Office code (or ``@local``) -> its duty phrases."""
    data = json.loads(DUTIES.read_text(encoding="utf-8"))
    return {row["opd"]: tuple(row["duties"]) for row in data["offices"]}


@lru_cache(maxsize=1)
def _weight() -> float:
    return float(json.loads(DUTIES.read_text(encoding="utf-8"))["weight"])


def duty_rules(existing: tuple[engine.TextRule, ...], opds) -> list[engine.TextRule]:
    """The duties as text rules (negative ids, apart from the admin's), leaving out a phrase
    an admin rule already has for the same office and offices not in the directory."""
    known = {(rule.terms, rule.target) for rule in existing}
    rules: list[engine.TextRule] = []
    for code, phrases in duties().items():
        target = engine.LOCAL_OFFICE if code == LOCAL else code
        if target != engine.LOCAL_OFFICE and target not in opds:
            continue
        for phrase in phrases:
            terms = analyze_pattern("keyword", phrase)
            kind = "phrase" if len(terms) > 1 else "keyword"
            root = analyze_pattern("stem", phrase)
            if kind == "keyword" and root == terms:
                # A root word ("sampah") matches its forms ("persampahan"); a derived one
                # ("pertanahan", "persalinan") only itself: its root ("tanah", "salin") is
                # every other office's word too.
                kind = "stem"
            if not terms or (terms, target) in known:
                continue
            known.add((terms, target))
            rules.append(
                engine.TextRule(
                    id=-1 - len(rules),
                    kind=kind,
                    terms=terms,
                    label=phrase,
                    weight=_weight(),
                    target=target,
                )
            )
    return rules
