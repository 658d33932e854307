"""`python manage.py routing_eval`: how well the current rules route, on a labelled set and
on the corrections staff have made."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from routing.evaluation import Case, cases_read, evaluate, report_lines
from routing.models import RoutingFeedback
from routing.selectors import routing_rules

DEFAULT_CASES = Path(settings.BASE_DIR) / "tests" / "routing" / "data" / "labelled_complaints.jsonl"


class Command(BaseCommand):
    help = "Print routing accuracy, triage rate, per-OPD precision/recall and confusion pairs."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_CASES)
        parser.add_argument("--split", choices=["dev", "test"], default=None)
        parser.add_argument("--mistakes", action="store_true", help="List every wrong case.")

    def handle(self, *args, file: Path, split: str | None, mistakes: bool, **options):
        rules = routing_rules()
        if file.exists():
            report = evaluate(cases_read(file, split), rules)
            title = f"Labelled set {file.name}" + (f" ({split} half)" if split else "")
            self._print(
                report_lines(report, title=title, show_mistakes=report.mistakes if mistakes else ())
            )
        else:
            self.stdout.write(f"No labelled set at {file}.")
        feedback = [
            Case(
                id=f"reroute-{row.pk}",
                category=row.category,
                text=row.description,
                expected=row.new_opd.code,
                kelurahan=row.kelurahan_code or None,
                involves_head=row.involves_head,
            )
            for row in RoutingFeedback.objects.select_related("new_opd")
        ]
        report = evaluate(feedback, rules)
        self._print(
            report_lines(
                report, title="Recorded reroutes", show_mistakes=report.mistakes if mistakes else ()
            )
        )

    def _print(self, lines):
        for line in lines:
            self.stdout.write(line)
