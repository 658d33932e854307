"""`python manage.py integrity_verify [--published FILE]`: recompute every event chain and every
checkpoint; exit status 0 only if nothing was altered, else 1 naming the first divergence. A
text removed under the retention rule or on withdrawal is accepted as a tombstone only when a
valid purge event names it (docs/integrity.md "Tombstones"); the command says how many it accepted.

``--published``: the checkpoints as mirrored from ``/api/v1/integrity/checkpoints/`` (a JSON
list, or that endpoint's page with ``results``): a stored checkpoint that differs from its
published copy was rewritten.
"""

import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from complaints.integrity import PURGE_RETENTION, PURGE_WITHDRAWAL, verify


class Command(BaseCommand):
    help = "Check that no event and no checkpoint was edited, deleted or reordered."

    def add_arguments(self, parser):
        parser.add_argument("--published", type=Path, help="Mirrored checkpoints (JSON).")

    def handle(self, *args, published: Path | None, **options):
        mirrored = None
        if published is not None:
            try:
                data = json.loads(published.read_text())
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read {published}: {error}") from error
            mirrored = data["results"] if isinstance(data, dict) else data
        tombstones = Counter()
        divergence = verify(published=mirrored, tombstones=tombstones)
        if divergence is not None:
            raise CommandError(f"Integrity check failed at {divergence}", returncode=1)
        self.stdout.write("Integrity check passed: every chain and checkpoint recomputes.")
        # Removed texts whose stored hash still chains, each named by a valid purge event.
        self.stdout.write(
            f"{tombstones[PURGE_RETENTION]} texts purged under the retention rule; "
            f"{tombstones[PURGE_WITHDRAWAL]} on withdrawal by the reporter."
        )
