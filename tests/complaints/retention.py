"""Helpers for the retention and withdrawal tests: time travel, a history with planted strings,
and the scans that say whether anything of them is left in the database or the media folder.

``at(moment)`` makes everything written inside happen at ``moment``: ``timezone.now()`` and the
stamps the models take by default (an event's ``created_at``, which its chain hash commits to),
so a history can be written in the past and still verify.
"""

import hashlib
import secrets
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import connection

from complaints.models import AccessRecord, Event
from tests import images
from tests.api.client import photo
from tests.complaints.clock import FrozenClock
from tests.conftest import files_under

# Strings nobody else writes: if one turns up anywhere after a purge, it leaked.
PLANTED_DESCRIPTION = "Pelayanan jelek sekali, petugas acuh. Tanda ZAMRUDQX4417 di meja."
PLANTED_MESSAGE = "Jam sepuluh pagi, petugas berkacamata, tanda KECUBUNGQX9921."
PLANTED = ("ZAMRUDQX4417", "KECUBUNGQX9921")
STAFF_REPLY = "Petugas sudah kami tegur; karcis resmi kini diberikan."


@contextmanager
def at(moment: datetime):
    """Write as if it were ``moment`` (moved by assigning ``.now`` on what this yields)."""
    clock = FrozenClock(moment)
    stamps = [Event._meta.get_field("created_at"), AccessRecord._meta.get_field("at")]
    with mock.patch("django.utils.timezone.now", clock):
        with mock.patch.object(stamps[0], "_get_default", clock):
            with mock.patch.object(stamps[1], "_get_default", clock):
                yield clock


def planted_photo():
    """A real JPEG upload whose pixels (so whose stored files) no other photo shares."""
    return photo(images.jpeg_noise(width=320, height=240, seed=secrets.randbelow(2**31)))


def database_leaks(*needles: str) -> list[str]:
    """``table: needle`` for every needle found in any column of any table (raw SELECTs)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(include_views=False):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        text = bytes(value).decode("utf-8", errors="ignore")
                    else:
                        text = str(value)
                    found += [f"{table}: {needle}" for needle in needles if needle in text]
    return sorted(set(found))


def media_files() -> list[Path]:
    return files_under(Path(settings.MEDIA_ROOT))


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def media_leaks(*, needles=PLANTED, digests=()) -> list[str]:
    """Files under MEDIA_ROOT holding a needle, or whose content has one of ``digests``."""
    found = []
    wanted = set(digests)
    for path in media_files():
        data = path.read_bytes()
        if any(needle.encode() in data for needle in needles):
            found.append(f"{path}: a planted string")
        if hashlib.sha256(data).hexdigest() in wanted:
            found.append(f"{path}: a planted photo")
    return found


def photo_files(complaint) -> tuple[list[Path], set[str]]:
    """The complaint's stored photo files (image and thumbnail) and their content digests."""
    paths = [
        Path(field.path)
        for item in complaint.evidence.all()
        for field in (item.image, item.thumbnail)
        if field.name
    ]
    return paths, {file_digest(path) for path in paths}
