"""`python manage.py send_digest [--day YYYY-MM-DD]`: write and send one day's digest (by
default yesterday's) to everyone e-mailed daily. Running it twice sends each digest once."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.sender import digests_prepare, mails_send


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--day must be a date like 2026-11-30, not {value!r}.") from exc


class Command(BaseCommand):
    help = "Write and send the daily digest of one day (yesterday unless --day is given)."

    def add_arguments(self, parser):
        parser.add_argument("--day", type=str, default="")

    def handle(self, *args, day: str, **options):
        day = _day(day) if day else timezone.localdate() - timedelta(days=1)
        written = digests_prepare(day=day)
        report = mails_send()
        self.stdout.write(
            f"Digests of {day.isoformat()} written: {written}; sent: {report.sent}; "
            f"waiting after an error: {report.failed}."
        )
