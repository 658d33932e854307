"""`python manage.py region_import <path>`: replace the directory, rules and region with a
region pack's, all or nothing (routing.regions)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from routing.regions.pack import PackError, pack_parse
from routing.regions.services import region_import


class Command(BaseCommand):
    help = (
        "Import a region pack: its directory, rules and identity replace the current ones. "
        "Refused, with nothing written, if complaints would be orphaned."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"region_import: cannot read {path}: {error}.") from None
        try:
            counts = region_import(pack_parse(text))
        except PackError as error:
            raise CommandError(f"{path}: {error}") from None
        self.stdout.write(
            f"Region pack {path} imported: "
            + ", ".join(f"{n} {name}" for name, n in counts.items())
            + "."
        )
