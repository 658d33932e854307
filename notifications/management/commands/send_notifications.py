"""`python manage.py send_notifications [--loop]`: write and send the staff e-mail now.

The clocks (`run_clocks`, or `make run`'s server) do the same at every run; this command lets a
scheduler send more often than the clocks run. Safe beside them: each mail is sent once.
"""

from django.core.management.base import BaseCommand

from config.loops import run_periodically
from notifications.sender import notifications_run

DEFAULT_INTERVAL = 60.0


class Command(BaseCommand):
    help = "Write and send the staff e-mail that is due (deadline warnings, notices, digests)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Run every --interval seconds.")
        parser.add_argument("--interval", type=float, default=DEFAULT_INTERVAL)

    def handle(self, *args, loop: bool, interval: float, **options):
        # Until SIGTERM; a failed run is tried again at the next turn (config.loops).
        run_periodically("notifications", self._run, every=interval, loop=loop)

    def _run(self) -> None:
        report = notifications_run()
        self.stdout.write(
            f"Deadline warnings: {report.due_soon}; mails written: {report.written}; "
            f"digests: {report.digests}; sent: {report.sent}; waiting after an error: "
            f"{report.failed}; dropped: {report.dropped}."
        )
