"""The region this portal serves (the ``routing.Region`` row), read often and cheaply.

The pages read it on every request (identity, time zone), so it is kept per process for a short
while; an import in this process forgets it at once, one in another process within ``TTL``.
Without a row (a directory loaded by ``load_directory`` alone) there is no region: callers fall
back to the settings.
"""

import time
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import DatabaseError

TTL = 30.0  # seconds


@dataclass(frozen=True)
class CurrentRegion:
    code: str
    name: str
    government: str
    province: str
    time_zone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


_cached: dict = {}


def region_current() -> CurrentRegion | None:
    """The recorded region, or None (none recorded, or the database is away)."""
    now = time.monotonic()
    hit = _cached.get("region")
    if hit is not None and now - hit[0] < TTL:
        return hit[1]
    from routing.models import Region

    try:
        row = Region.objects.first()
    except (DatabaseError, RuntimeError):
        # The database is away, not migrated yet, or closed to this code (a page rendered
        # without one): the settings' identity and zone stand in, nothing is cached.
        return None
    region = (
        CurrentRegion(row.code, row.name, row.government, row.province, row.time_zone)
        if row
        else None
    )
    _cached["region"] = (now, region)
    return region


def region_forget() -> None:
    _cached.clear()
