"""`python manage.py load_directory`: the Kota Bengkulu directory, idempotently."""

from pathlib import Path

from django.core.management.base import BaseCommand

from routing.directory import (
    DEFAULT_FIXTURE,
    DEFAULT_RULES,
    directory_load,
    directory_read,
    rules_load,
)


class Command(BaseCommand):
    help = "Load kecamatan, kelurahan, OPDs, services and the default routing rules."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FIXTURE)
        parser.add_argument("--rules", type=Path, default=DEFAULT_RULES)
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite rows that exist with the fixture's values (default: keep admin edits).",
        )

    def handle(self, *args, file: Path, rules: Path, update: bool, **options):
        for name, report in (
            ("Directory", directory_load(data=directory_read(file), update=update)),
            ("Routing rules", rules_load(data=directory_read(rules), update=update)),
        ):
            self.stdout.write(
                f"{name}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged."
            )
