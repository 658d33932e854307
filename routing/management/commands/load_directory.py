"""`python manage.py load_directory`: the Kota Bengkulu directory, idempotently."""

from pathlib import Path

from django.core.management.base import BaseCommand

from routing.directory import DEFAULT_FIXTURE, directory_load, directory_read


class Command(BaseCommand):
    help = "Load kecamatan, kelurahan, OPDs and services from the directory fixture."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FIXTURE)
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite rows that exist with the fixture's values (default: keep admin edits).",
        )

    def handle(self, *args, file: Path, update: bool, **options):
        report = directory_load(data=directory_read(file), update=update)
        self.stdout.write(
            f"Directory: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
