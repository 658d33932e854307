"""`python manage.py retention_purge`: purge the photos and the reporter's texts of complaints
closed longer ago than the retention periods (legal hold excepted), and print what it did.

Idempotent; `run_clocks` also runs it once a day.
"""

from django.core.management.base import BaseCommand

from complaints.retention import retention_purge


class Command(BaseCommand):
    help = "Purge photos and reporters' texts past their retention period after closure."

    def handle(self, *args, **options):
        report = retention_purge()
        self.stdout.write(str(report))
        if report.complaints:
            self.stdout.write("Complaints: " + ", ".join(report.complaints))
