"""`python manage.py run_clocks [--loop]`: escalate missed deadlines, auto-close silent cases,
publish the day's integrity checkpoint and purge what the retention rule says is due.

Idempotent and safe to run concurrently. Production runs it from a scheduler (e.g. every
5 minutes from cron or a systemd timer) or as its own process with `--loop`; `make run` runs it
inside its server.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from complaints.clocks import clocks_run
from config.loops import run_periodically


class Command(BaseCommand):
    help = "Escalate breached deadlines and auto-close resolved complaints with no reply."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Run every PORTAL_CLOCKS_INTERVAL s."
        )

    def handle(self, *args, loop: bool, **options):
        # Until SIGTERM; a failed run is tried again at the next turn (config.loops).
        run_periodically("clocks", self._run, every=settings.PORTAL_CLOCKS_INTERVAL, loop=loop)

    def _run(self) -> None:
        report = clocks_run()
        self.stdout.write(
            f"Escalated to the OPD head: {report.escalated_to_head}; to the Inspektorat: "
            f"{report.escalated_to_inspektorat}; auto-closed: {report.auto_closed}."
        )
        if report.checkpoint:
            self.stdout.write(f"Integrity checkpoint published for {report.checkpoint}.")
        if report.purged:
            self.stdout.write(
                f"Texts or photos purged under the retention rule: {report.purged} complaints."
            )
