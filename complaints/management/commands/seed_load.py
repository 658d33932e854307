"""`python manage.py seed_load --complaints N`: realistic synthetic complaints, fast (COPY).

For demos of the dashboards and for the benchmarks; never on a production database.
"""

import time

from django.core.management.base import BaseCommand

from complaints.seeding import seed_load


class Command(BaseCommand):
    help = "Generate N realistic complaints over the last two years (and rebuild the rollups)."

    def add_arguments(self, parser):
        parser.add_argument("--complaints", type=int, required=True)
        parser.add_argument("--days", type=int, default=730)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, complaints: int, days: int, seed: int, **options):
        started = time.perf_counter()
        made = seed_load(complaints=complaints, days=days, seed=seed)
        self.stdout.write(f"Loaded {made} complaints in {time.perf_counter() - started:.1f} s.")
