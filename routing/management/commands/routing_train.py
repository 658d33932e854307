"""`python manage.py routing_train`: learn from staff corrections, keep the model if not worse.

Examples: every recorded correction (``RoutingFeedback``: reassignments and reroute decisions),
the dev halves of the labelled sets, the training sets (complaints written for learning only;
``triage`` for what no office of the city can take) and each office's duties. The candidate is
evaluated with the rules on the test halves, next to the current model; it replaces the stored
model only when it gets at least as many cases right and still copies every pungli case to
oversight.
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from routing import learning
from routing.evaluation import (
    LABELLED_SETS,
    TRAINING_SETS,
    TRIAGE,
    cases_read,
    evaluate,
    feedback_cases,
    training_read,
)
from routing.selectors import routing_rules


class Command(BaseCommand):
    help = "Retrain the routing model; replace the stored one only when it is not worse."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=learning.MODEL)
        parser.add_argument("--sets", type=Path, nargs="*", default=list(LABELLED_SETS))
        parser.add_argument("--training", type=Path, nargs="*", default=list(TRAINING_SETS))
        parser.add_argument("--dry-run", action="store_true", help="Evaluate, write nothing.")

    def handle(
        self, *args, output: Path, sets: list[Path], training: list[Path], dry_run, **options
    ):
        rules = routing_rules().with_model(None)
        examples = [(learning.case_features(case.text), case.expected) for case in feedback_cases()]
        corrections = len(examples)
        for path in sets:
            examples += [
                (learning.case_features(case.text), case.expected)
                for case in cases_read(path, "dev")
            ]
        for path in training:
            if path.exists():
                examples += [
                    (learning.case_features(text), code)
                    for text, code in training_read(path)
                    if code in rules.opds or code == TRIAGE
                ]
        examples += learning.duty_examples(rules.opds)
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
