"""`python manage.py region_init <code>`: the whole directory of a kabupaten/kota, from its
Kemendagri code (routing.regions)."""

from django.core.management.base import BaseCommand, CommandError

from routing.models import Region
from routing.regions.dataset import RegionError
from routing.regions.pack import PackError
from routing.regions.services import region_init


class Command(BaseCommand):
    help = (
        "Build the directory of a kabupaten/kota (e.g. 13.71): kecamatan and kelurahan/desa, "
        "the standard offices (to confirm in the admin), national services and routing rules."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Kemendagri code of the kabupaten/kota, NN.NN")
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Leave the directory as it is (admin edits included) if this region is set up.",
        )

    def handle(self, *args, code: str, keep: bool = False, **options):
        if keep and Region.objects.filter(code=code.strip()).exists():
            self.stdout.write(f"Region {code} is set up already; kept as it is.")
            return
        try:
            counts = region_init(code)
        except (RegionError, PackError) as error:
            raise CommandError(f"region_init {code}: {error}") from None
        self.stdout.write(_summary(code, counts))


def _summary(code: str, counts: dict) -> str:
    return f"Region {code}: " + ", ".join(f"{n} {name}" for name, n in counts.items()) + "."
