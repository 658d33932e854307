"""Working days in the region's local time: weekends, Indonesian public holidays and cuti
bersama are days off.

Public holidays and the national cuti bersama come from the ``holidays`` package; the city adds
its own days off (``DayOff`` rows) and they are passed in as ``extra_days_off``.
A deadline of N working days ends at the close (23:59:59 local time) of the Nth working day after
the day the clock starts; the starting day itself never counts. Local time is the current time
zone: the region's (WIB, WITA or WIT) during a request (``frontend.middleware``), the settings'
``TIME_ZONE`` otherwise, so a WITA region's days end at 23:59:59 WITA.
"""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

WIB = ZoneInfo("Asia/Jakarta")
_END_OF_DAY = time(23, 59, 59)


@lru_cache(maxsize=64)
def _national_days_off(year: int) -> frozenset[date]:
    calendar = holidays.Indonesia(years=year, categories=(holidays.PUBLIC, holidays.GOVERNMENT))
    return frozenset(calendar.keys())


class WorkingCalendar:
    def __init__(self, extra_days_off: Iterable[date] = ()):
        self._extra = frozenset(extra_days_off)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < 5 and day not in self._extra and day not in _national_days_off(day.year)
        )

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end of the ``days``-th working day after ``start`` (an aware datetime), in local
        time."""
        zone = timezone.get_current_timezone()
        day = start.astimezone(zone).date()
        remaining = days
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return datetime.combine(day, _END_OF_DAY, tzinfo=zone)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def wib_date(moment: datetime) -> date:
    """The local calendar day of ``moment`` (WIB, or the region's zone; see above)."""
    return moment.astimezone(timezone.get_current_timezone()).date()
