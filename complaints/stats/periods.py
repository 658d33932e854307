"""The periods public figures are published for: calendar months, quarters and years.

Public figures for any date range could be differenced (``to=24 Oct`` minus ``to=23 Oct`` is one
day, and one complaint); fixed periods that only nest (months in quarters in years) cannot be
cut that finely. The current period is provisional: its figures still change. Pure: no database.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

MSG_PERIOD = _(
    "Choose a published period: a month (2026-10), a quarter (2026-Q4) or a year (2026), "
    "not in the future."
)
MONTH, QUARTER, YEAR = "month", "quarter", "year"
# [0-9], not \d: \d also matches other scripts' digits ("٢٠٢٦"), which int() would read as 2026.
_FORMS = (
    (re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])"), MONTH),
    (re.compile(r"([0-9]{4})-Q([1-4])"), QUARTER),
    (re.compile(r"([0-9]{4})"), YEAR),
)
FIRST_YEAR = 2000


@dataclass(frozen=True)
class PublishedPeriod:
    kind: str  # month, quarter or year
    start: date
    end: date  # inclusive
    key: str  # as written in the address: 2026-10, 2026-Q4, 2026

    def provisional(self, today: date) -> bool:
        """Still running: its figures change until it ends."""
        return self.start <= today <= self.end

    def months(self) -> list["PublishedPeriod"]:
        """The calendar months it is made of."""
        found, start = [], self.start
        while start <= self.end:
            found.append(month_of(start))
            start = found[-1].end + timedelta(days=1)
        return found


def month_of(day: date) -> PublishedPeriod:
    start = day.replace(day=1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return PublishedPeriod(MONTH, start, end, f"{start:%Y-%m}")


def quarter_of(day: date) -> PublishedPeriod:
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    end = month_of(date(day.year, first_month + 2, 1)).end
    return PublishedPeriod(QUARTER, start, end, f"{day.year}-Q{(first_month + 2) // 3}")


def year_of(day: date) -> PublishedPeriod:
    return PublishedPeriod(YEAR, date(day.year, 1, 1), date(day.year, 12, 31), f"{day.year}")


def period_parse(text: str, *, today: date) -> PublishedPeriod | None:
    """The published period ``text`` names, or None (malformed, or starting after today)."""
    text = (text or "").strip()
    for pattern, kind in _FORMS:
        match = pattern.fullmatch(text)
        if match is None:
            continue
        year = int(match.group(1))
        if year < FIRST_YEAR:
            return None
        if kind == MONTH:
            period = month_of(date(year, int(match.group(2)), 1))
        elif kind == QUARTER:
            period = quarter_of(date(year, int(match.group(2)) * 3, 1))
        else:
            period = year_of(date(year, 1, 1))
        return period if period.start <= today else None
    return None


def period_default(today: date) -> PublishedPeriod:
    """The last complete month: the first figures a visitor sees are final."""
    return month_of(today.replace(day=1) - timedelta(days=1))


def periods_recent(today: date, *, years: int = 3) -> list[PublishedPeriod]:
    """The periods offered for choice, newest first: months, quarters and years."""
    offered = []
    for year in range(today.year, today.year - years, -1):
        offered.append(year_of(date(year, 1, 1)))
        for quarter in range(4, 0, -1):
            period = quarter_of(date(year, quarter * 3, 1))
            if period.start <= today:
                offered.append(period)
        for month in range(12, 0, -1):
            period = month_of(date(year, month, 1))
            if period.start <= today:
                offered.append(period)
    return offered
