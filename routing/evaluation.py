"""Measuring the routing rules: accuracy on a labelled set and on the corrections staff made.

A case is a complaint as a reporter would send it with nothing chosen (category, description,
maybe a kelurahan) and the office a careful coordinator would pick, or ``triage``.
"""

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from routing import engine
from routing.text import analyze

TRIAGE = "triage"
DATA = Path(__file__).resolve().parent.parent / "tests" / "routing" / "data"
# The labelled sets: plain complaints, and hard ones (actors, negation, long stories,
# unnamed services, dialect) written without sight of the rules. Each has a dev and a test half.
LABELLED_SETS = (DATA / "labelled_complaints.jsonl", DATA / "hard_complaints.jsonl")
# Examples for learning only (no test half): complaints written for training, by another hand
# than the labelled sets', so the test halves stay unseen by everything that is tuned.
TRAINING_SETS = tuple(
    sorted((Path(__file__).resolve().parent / "data").glob("training_complaints*.jsonl"))
)


@dataclass(frozen=True)
class Case:
    id: str
    category: str
    text: str
    expected: str  # an OPD code or TRIAGE
    kelurahan: str | None = None
    involves_head: bool = False
    split: str = ""
    kind: str = ""  # the hard set's kind of difficulty (actor, negation, long_story, ...)


@dataclass
class Report:
    total: int = 0
    correct: int = 0
    triaged: int = 0
    pairs: Counter = field(default_factory=Counter)  # (expected, predicted) -> count
    mistakes: list = field(default_factory=list)  # (case, decision) that were wrong
    pungli: int = 0
    oversight_missed: int = 0  # pungli cases without an oversight copy (or oversight primary)
    kinds: Counter = field(default_factory=Counter)  # (kind, right) -> count

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def triage_rate(self) -> float:
        return self.triaged / self.total if self.total else 0.0

    def per_label(self) -> dict[str, tuple[float, float, int]]:
        """label -> (precision, recall, support)."""
        labels = {expected for expected, _ in self.pairs} | {
            predicted for _, predicted in self.pairs
        }
        result = {}
        for label in sorted(labels):
            true_positive = self.pairs[(label, label)]
            predicted = sum(n for (_, p), n in self.pairs.items() if p == label)
            support = sum(n for (e, _), n in self.pairs.items() if e == label)
            result[label] = (
                true_positive / predicted if predicted else 0.0,
                true_positive / support if support else 0.0,
                support,
            )
        return result

    def confusions(self) -> list[tuple[tuple[str, str], int]]:
        return sorted(
            ((pair, n) for pair, n in self.pairs.items() if pair[0] != pair[1]),
            key=lambda item: (-item[1], item[0]),
        )


def cases_read(path: Path, split: str | None = None) -> list[Case]:
    cases = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            if split and row.get("split") != split:
                continue
            cases.append(
                Case(
                    id=row["id"],
                    category=row["category"],
                    text=row["text"],
                    expected=row["expected"],
                    kelurahan=row.get("kelurahan"),
                    involves_head=bool(row.get("involves_head")),
                    split=row.get("split", ""),
                    kind=row.get("kind", ""),
                )
            )
    return cases


def training_read(path: Path) -> list[tuple[str, str]]:
    """(text, office code) of every example in a training file: lines of
    ``{"text", "category", "opd", "why"}``."""
    return [(case.text, case.expected) for case in training_cases(path)]


def training_cases(path: Path) -> list[Case]:
    """A training file's examples as cases (for cross-validation), numbered by line."""
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [
        Case(
            id=f"{path.name}:{number}",
            category=row["category"],
            text=row["text"],
            expected=row["opd"],
        )
        for number, row in enumerate(rows, start=1)
    ]


def case_decide(case: Case, rules: engine.Rules) -> engine.Decision:
    analysis = analyze(case.text)
    facts = engine.Facts(
        category=case.category,
        description=case.text,
        kelurahan=case.kelurahan,
        involves_head=case.involves_head,
        words=analysis.words,
        stems=analysis.stems,
        weights=analysis.weights,
        roles=analysis.roles,
    )
    return engine.route(facts, rules)


def evaluate(cases: Iterable[Case], rules: engine.Rules) -> Report:
    report = Report()
    watchers = {rule.opd for rule in rules.oversight}
    for case in cases:
        decision = case_decide(case, rules)
        predicted = decision.opd or TRIAGE
        report.total += 1
        report.correct += predicted == case.expected
        report.triaged += predicted == TRIAGE
        report.pairs[(case.expected, predicted)] += 1
        if case.kind:
            report.kinds[(case.kind, predicted == case.expected)] += 1
        if predicted != case.expected:
            report.mistakes.append((case, decision))
        if case.category == "pungli":
            report.pungli += 1
            watched = decision.oversight or decision.opd in watchers
            report.oversight_missed += not watched
    return report


def feedback_cases() -> list[Case]:
    """Every recorded correction (reassignment, reroute decision) as a labelled case."""
    from routing.models import RoutingFeedback

    return [
        Case(
            id=f"reroute-{row.pk}",
            category=row.category,
            text=row.description,
            expected=row.new_opd.code,
            kelurahan=row.kelurahan_code or None,
            involves_head=row.involves_head,
        )
        for row in RoutingFeedback.objects.select_related("new_opd").order_by("pk")
    ]


def report_lines(report: Report, *, title: str, show_mistakes: Sequence = ()) -> list[str]:
    lines = [
        f"{title}: {report.total} cases",
        f"  top-1 accuracy  {report.accuracy:6.1%}  ({report.correct}/{report.total})",
        f"  triage rate     {report.triage_rate:6.1%}  ({report.triaged}/{report.total})",
        f"  pungli copied to oversight  {report.pungli - report.oversight_missed}/{report.pungli}",
    ]
    if not report.total:
        return lines
    for kind in sorted({kind for kind, _right in report.kinds}):
        right = report.kinds[(kind, True)]
        total = right + report.kinds[(kind, False)]
        lines.append(f"  kind {kind:<20} {right / total:6.1%}  ({right}/{total})")
    lines.append("  per OPD          precision  recall  support")
    for label, (precision, recall, support) in report.per_label().items():
        lines.append(f"    {label:<22} {precision:6.1%}  {recall:6.1%}  {support:5d}")
    confusions = report.confusions()
    if confusions:
        lines.append("  confusion pairs (expected → predicted)")
        lines.extend(f"    {e} → {p}: {n}" for (e, p), n in confusions[:20])
    for case, decision in show_mistakes:
        lines.append(f"  ✗ {case.id} expected {case.expected}: {decision.reason}")
        lines.append(f"      {case.text[:160]}")
    return lines
