"""`python manage.py publish_outbox [--loop]`: publish committed events that were not published,
and the dashboard's live counters when they changed.

Production runs it as its own process beside the web workers (`--loop`); `make run` runs the
same two jobs inside its server (``config.lifespan``). Needs the shared channel layer
(REDIS_URL) to reach other processes' sockets.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from complaints.counters import counters_publish_if_changed
from complaints.events import outbox_sweep
from config.loops import run_periodically


class Command(BaseCommand):
    help = "Publish events whose publish after commit did not happen (at-least-once delivery)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep sweeping every few seconds.")

    def handle(self, *args, loop: bool, **options):
        # Until SIGTERM; a failed sweep is tried again at the next turn (config.loops).
        run_periodically(
            "outbox", lambda: self._sweep(loop), every=settings.PORTAL_OUTBOX_INTERVAL, loop=loop
        )

    def _sweep(self, loop: bool) -> None:
        sent = outbox_sweep()
        counters_publish_if_changed()
        if sent or not loop:
            self.stdout.write(f"Published {sent} event(s) from the outbox.")
