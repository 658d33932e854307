"""`python manage.py region_export <path>`: the directory, rules and region as a region pack."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from routing.regions.pack import pack_dumps
from routing.regions.services import region_export


class Command(BaseCommand):
    help = "Write the directory, the routing rules and the region as one region pack (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="file to write ('-' for standard output)")

    def handle(self, *args, path: Path, **options):
        text = pack_dumps(region_export())
        if str(path) == "-":
            self.stdout.write(text, ending="")
            return
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"region_export: cannot write {path}: {error.strerror}.") from None
        self.stdout.write(f"Region pack written to {path}.")
