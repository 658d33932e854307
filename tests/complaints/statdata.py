"""Small, hand-made datasets for the statistics tests: complaint rows written directly.

The services keep the rollups exact as they go (``tests/complaints/test_rollups.py`` proves that
the incremental path equals ``rollups_rebuild()``), so these tests may write ``Complaint`` and
``Rating`` rows with exactly the fields they need and then call ``rollups_rebuild()``.

Times are WIB. "Past" deadlines are long gone and "future" ones far ahead, whatever day the suite
runs: the overdue counts compare with the database's own clock.
"""

import itertools
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from complaints.models import Category, Complaint, Rating, Status
from complaints.rollups import rollups_rebuild
from routing.models import Kelurahan, Opd, Service

WIB = ZoneInfo("Asia/Jakarta")
PAST = datetime(2020, 1, 6, 23, 59, 59, tzinfo=WIB)
FUTURE = datetime(2100, 1, 4, 23, 59, 59, tzinfo=WIB)
_numbers = itertools.count(1)


def wib(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WIB)


def complaint(
    created: datetime,
    *,
    opd: str | None = "DISHUB",
    category: str = Category.PUNGLI,
    status: str = Status.IN_PROGRESS,
    service: str | None = None,
    kelurahan: str | None = None,
    **fields,
) -> Complaint:
    """One complaint row as the services would have left it (only the fields given)."""
    number = next(_numbers)
    row = Complaint.objects.create(
        reference=f"BKL-T-{number:06d}",
        receipt_hash=f"{number:064x}",
        category=category,
        description="Data uji statistik.",
        status=status,
        opd=Opd.objects.get(code=opd) if opd else None,
        service=Service.objects.get(code=service) if service else None,
        kelurahan=Kelurahan.objects.get(code=kelurahan) if kelurahan else None,
        **fields,
    )
    Complaint.objects.filter(pk=row.pk).update(created_at=created)  # auto_now_add ignores it
    row.refresh_from_db()
    return row


def rate(row: Complaint, at: datetime, **values: int) -> None:
    """The reporter's ratings of ``row`` (element=value), given at ``at``."""
    ratings = Rating.objects.bulk_create(
        Rating(complaint=row, opd=row.opd, service=row.service, element=element, value=value)
        for element, value in values.items()
    )
    Rating.objects.filter(pk__in=[rating.pk for rating in ratings]).update(created_at=at)


def rebuild() -> None:
    rollups_rebuild()
