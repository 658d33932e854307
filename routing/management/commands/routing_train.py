"""`python manage.py routing_train`: learn from staff corrections, keep the model if not worse.

Examples: every recorded correction (``RoutingFeedback``: reassignments and reroute decisions),
the dev halves of the labelled sets, the training sets (complaints written for learning only;
``triage`` for what no office of the city can take) and each office's duties. The candidate is
evaluated with the rules on the test halves, next to the current model; it replaces the stored
model only when it gets at least as many cases right and still copies every pungli case to
oversight.

``--cross-validate`` estimates how the rules and a model trained this way do on text nobody
tuned on: the dev halves and the training sets are cut into five folds (every fifth complaint,
in the order of the files); each fold is decided by the rules and a model trained on the other
four (with the corrections and the duties). Nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from routing import learning
from routing.evaluation import (
    LABELLED_SETS,
    TRAINING_SETS,
    TRIAGE,
    Case,
    cases_read,
    evaluate,
    feedback_cases,
    training_cases,
)
from routing.selectors import routing_rules


class Command(BaseCommand):
    help = "Retrain the routing model; replace the stored one only when it is not worse."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=learning.MODEL)
        parser.add_argument("--sets", type=Path, nargs="*", default=list(LABELLED_SETS))
        parser.add_argument("--training", type=Path, nargs="*", default=list(TRAINING_SETS))
        parser.add_argument("--dry-run", action="store_true", help="Evaluate, write nothing.")
        parser.add_argument(
            "--cross-validate",
            action="store_true",
            help="Five-fold cross-validation over the dev halves and training sets; write nothing.",
        )

    def handle(
        self,
        *args,
        output: Path,
        sets: list[Path],
        training: list[Path],
        dry_run,
        cross_validate,
        **options,
    ):
        rules = routing_rules().with_model(None)
        # Always learned from: the corrections and the duties; in folds: the rest.
        fixed = [(learning.case_features(case.text), case.expected) for case in feedback_cases()]
        corrections = len(fixed)
        fixed += learning.duty_examples(rules.opds)
        learned = [case for path in sets for case in cases_read(path, "dev")] + [
            case
            for path in training
            if path.exists()
            for case in training_cases(path)
            if case.expected in rules.opds or case.expected == TRIAGE
        ]
        if cross_validate:
            self._cross_validate(rules, learned, fixed)
            return
        examples = fixed + [(learning.case_features(case.text), case.expected) for case in learned]
        about = {"corrections": corrections, "examples": len(examples)}
        candidate = learning.Model.from_data(data := learning.model_train(examples, about=about))
        current = learning.model_load(output)
        tests = [case for path in sets for case in cases_read(path, "test")]
        new = evaluate(tests, rules.with_model(candidate))
        old = evaluate(tests, rules.with_model(current))
        self.stdout.write(
            f"{len(examples)} examples ({corrections} corrections); test halves, {len(tests)} "
            f"cases: current {old.correct} right, candidate {new.correct} right"
        )
        better = new.correct >= old.correct and new.oversight_missed == 0
        if not better:
            self.stdout.write("The candidate is worse: the current model stays.")
            return
        if dry_run:
            self.stdout.write("Not worse; --dry-run: nothing written.")
            return
        learning.model_save(data, output)
        self.stdout.write(f"Not worse: written to {output}.")

    def _cross_validate(self, rules, learned: list[Case], fixed: list, folds: int = 5) -> None:
        features = [learning.case_features(case.text) for case in learned]
        right = 0
        for fold in range(folds):
            examples = fixed + [
                (found, case.expected)
                for number, (found, case) in enumerate(zip(features, learned, strict=True))
                if number % folds != fold
            ]
            model = learning.Model.from_data(learning.model_train(examples))
            report = evaluate(learned[fold::folds], rules.with_model(model))
            right += report.correct
        self.stdout.write(
            f"{folds}-fold cross-validation over {len(learned)} complaints (dev halves and "
            f"training sets): {right} right ({right / len(learned):.1%})"
        )
