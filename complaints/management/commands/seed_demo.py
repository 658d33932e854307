"""`python manage.py seed_demo`: the demo accounts of docs/interface.md, idempotently."""

from django.conf import settings
from django.core.management.base import BaseCommand

from complaints.models import StaffRole
from complaints.services import staff_account_ensure
from routing.models import Opd


class Command(BaseCommand):
    help = "Create or refresh the demo staff accounts (password: DEMO_PASSWORD)."

    def handle(self, *args, **options):
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
