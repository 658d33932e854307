"""`python manage.py seed_demo`: the demo accounts of docs/interface.md, idempotently.

The accounts share one known password, so they are made only for a demo: under ``DEBUG`` (what
`make run` runs by default), or with ``--force`` (`make run DEMO=true`). With ``DEBUG`` off —
the settings of a production start — the command refuses and creates nothing.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from complaints.models import StaffRole
from complaints.services import staff_account_ensure
from routing.models import Opd


class Command(BaseCommand):
    help = (
        "Create or refresh the demo staff accounts (password: DEMO_PASSWORD). "
        "Only under DEBUG, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create them even with DEBUG off (a demo run without DEBUG, never production).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not (settings.DEBUG or force):
            raise CommandError(
                "DEBUG is off: seed_demo would create staff accounts, a superuser among them, "
                "with a known password. Nothing was created. For a demo, pass --force "
                "(make run DEMO=true)."
            )
        password = settings.DEMO_PASSWORD
        accounts = [
            staff_account_ensure(username="admin", password=password, superuser=True),
            staff_account_ensure(
                username="koordinator", password=password, role=StaffRole.KOORDINATOR
            ),
            staff_account_ensure(
                username="inspektorat", password=password, role=StaffRole.INSPEKTORAT
            ),
            staff_account_ensure(username="walikota", password=password, role=StaffRole.WALIKOTA),
        ]
        for opd in Opd.objects.order_by("code"):
            accounts.append(
                staff_account_ensure(
                    username=f"kepala-{opd.code.lower()}",
                    password=password,
                    role=StaffRole.OPD_STAFF,
                    opd=opd,
                )
            )
        self.stdout.write(
            f"Demo accounts ({len(accounts)}), password: {password}  (log in at /staf/masuk/)"
        )
        for user in accounts[:4]:
            self.stdout.write(f"  {user.username}")
        self.stdout.write(
            f"  kepala-<opd code>, e.g. kepala-dishub ({len(accounts) - 4} OPD heads)"
        )
