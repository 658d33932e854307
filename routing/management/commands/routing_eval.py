"""`python manage.py routing_eval`: how well the current rules (and learned model) route, on
the labelled sets (both halves of each) and on the corrections staff have made."""

from pathlib import Path

from django.core.management.base import BaseCommand

from routing.evaluation import LABELLED_SETS, cases_read, evaluate, feedback_cases, report_lines
from routing.selectors import routing_rules


class Command(BaseCommand):
    help = "Print routing accuracy, triage rate, per-OPD precision/recall and confusion pairs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file", type=Path, action="append", help="A labelled set (default: both sets)."
        )
        parser.add_argument(
            "--split", choices=["dev", "test"], default=None, help="One half (default: each)."
        )
        parser.add_argument("--mistakes", action="store_true", help="List every wrong case.")

    def handle(self, *args, file: list[Path] | None, split: str | None, mistakes: bool, **opts):
        rules = routing_rules()
        for path in file or LABELLED_SETS:
            if not path.exists():
                self.stdout.write(f"No labelled set at {path}.")
                continue
            for half in [split] if split else ["dev", "test"]:
                report = evaluate(cases_read(path, half), rules)
                self._print(
                    report_lines(
                        report,
                        title=f"Labelled set {path.name} ({half} half)",
                        show_mistakes=report.mistakes if mistakes else (),
                    )
                )
        report = evaluate(feedback_cases(), rules)
        self._print(
            report_lines(
                report, title="Recorded reroutes", show_mistakes=report.mistakes if mistakes else ()
            )
        )

    def _print(self, lines):
        for line in lines:
            self.stdout.write(line)
