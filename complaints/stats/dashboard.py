"""The mayor's-office dashboard (docs/product.md F6): the reporting period and the figures of it.

KPIs (``overview``), complaints received per week or month (``trend``), the OPD league table
(``opd_table``) and the pungli hotspots (``hotspots``); the API's CSV exports are these rows.
The arithmetic (IKM, zone, median, percentages) is ``complaints.stats.scoring``'s; this module
only queries.

The figures read the rollup tables (``complaints.rollups``), so each is a small query whatever
the number of complaints; only "overdue", which changes as time passes, reads the complaints
themselves, through a partial index on the deadlines of the complaints still waiting.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.deadlines import WIB
from complaints.exceptions import InvalidInput
from complaints.inputs import ascii_date
from complaints.models import Category, Complaint, StatDaily, StatHotspot, StatRating, StatResponse
from complaints.stats.scoring import (
    Ikm,
    ikm_from_element_means,
    median_from_histogram,
    percent,
    zone,
)
from routing.models import Kelurahan, Opd, Service

# --- The reporting period -------------------------------------------------------------------

MAX_PERIOD_DAYS = 5 * 366
DEFAULT_PERIOD_DAYS = 90

MSG_DATE = _("Dates are written YYYY-MM-DD.")
MSG_ORDER = _("The start of the period must not be after its end.")
MSG_RANGE = _("A period can be at most 5 years long.")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def rollup_filter(self) -> Q:
        return Q(day__gte=self.start, day__lte=self.end)

    def created_filter(self) -> Q:
        """Complaints received in the period (WIB days), as bounds the created_at index serves."""
        first = datetime.combine(self.start, time.min, tzinfo=WIB)
        after_last = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=WIB)
        return Q(created_at__gte=first, created_at__lt=after_last)


def period_parse(
    raw_from: str | None,
    raw_to: str | None,
    *,
    today: date | None = None,
    default_days: int = DEFAULT_PERIOD_DAYS,
) -> Period:
    """A reporting period from ``?from=&to=`` (default: the last ``default_days`` days); bad
    dates are ``InvalidInput``, named by field."""
    today = today or timezone.localdate()
    errors = {}
    end = _parse_date(raw_to, "to", errors) or today
    start = _parse_date(raw_from, "from", errors) or end - timedelta(days=default_days - 1)
    if errors:
        raise InvalidInput(str(MSG_DATE), errors=errors)  # either field, or both
    if start > end:
        raise InvalidInput.on_field("from", MSG_ORDER)
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidInput.on_field("from", MSG_RANGE)
    return Period(start, end)


def _parse_date(raw: str | None, name: str, errors: dict) -> date | None:
    if not raw:
        return None
    try:
        return ascii_date(raw)  # YYYY-MM-DD in 0-9 only, not "20260401" or "2026-W14-1"
    except ValueError:
        errors[name] = [str(MSG_DATE)]
        return None


# --- Reading the rollups --------------------------------------------------------------------


def _open_overdue(period: Period, *, deadline: str, group: str | None = None):
    """Complaints received in the period, still waiting, whose ``deadline`` has passed.

    For the current deadline (``due_at``) that is every open complaint; for the resolution
    deadline a resolved complaint is not waiting (the rollups count it as on time or late).
    Each shape of the query is served by a partial index on the complaints still waiting.
    """
    rows = Complaint.objects.filter(period.created_filter())
    # The model's predicates say which complaints wait; they spell their status lists exactly
    # as the partial indexes' conditions do, so PostgreSQL still matches the index.
    rows = rows.open() if deadline == "due_at" else rows.unresolved()
    # Now() (SQL CURRENT_TIMESTAMP), not a literal (which ``.overdue()`` would use): PostgreSQL
    # then estimates the range well and reads the partial index alone (index-only scan) instead
    # of visiting the table.
    rows = rows.filter(**{f"{deadline}__lt": Now()})
    if group is None:
        return rows.count()
    # COUNT(*), not COUNT(id): the id is not in the index, and reading it means the table.
    return dict(rows.values_list(group).annotate(n=Count("*")).values_list(group, "n"))


def ikm_from_rollup(rows, *, by: str | None = None) -> dict | Ikm | None:
    """IKM from StatRating rows: overall, or per ``by`` ("opd" or "service")."""
    keys = [by] if by else []
    grouped: dict = defaultdict(dict)
    counts: dict = defaultdict(int)
    for row in rows.values(*keys, "element").annotate(t=Sum("total"), n=Sum("count")):
        key = row[by] if by else None
        grouped[key][row["element"]] = row["t"] / row["n"]
        counts[key] = max(counts[key], row["n"])
    result = {
        key: ikm_from_element_means(list(means.values()), counts[key])
        for key, means in grouped.items()
    }
    return result if by else result.get(None)


# --- The dashboard's figures ----------------------------------------------------------------


def overview(period: Period) -> dict:
    """The KPIs of the mayor's dashboard for a period."""
    daily = StatDaily.objects.filter(period.rollup_filter()).aggregate(
        received=Coalesce(Sum("received"), 0),
        open=Coalesce(Sum("open"), 0),
        on_time=Coalesce(Sum("resolved_on_time"), 0),
        late=Coalesce(Sum("resolved_late"), 0),
        excess=Coalesce(Sum("excess"), 0),
        fee_flagged=Coalesce(Sum("fee_flagged"), 0),
    )
    open_late = _open_overdue(period, deadline="resolve_due_at")
    histogram = dict(
        StatResponse.objects.filter(period.rollup_filter())
        .values_list("days")
        .annotate(n=Sum("count"))
        .values_list("days", "n")
    )
    ikm = ikm_from_rollup(StatRating.objects.filter(period.rollup_filter()))
    return {
        "from": period.start,
        "to": period.end,
        "received": daily["received"],
        "open": daily["open"],
        "overdue": _open_overdue(period, deadline="due_at"),
        "median_first_response_days": median_from_histogram(histogram),
        "deadline_compliance": percent(
            daily["on_time"], daily["on_time"] + daily["late"] + open_late
        ),
        "ikm": ikm.value if ikm else None,
        "ikm_category": ikm.category if ikm else None,
        "ikm_responses": ikm.responses if ikm else 0,
        "fee_flagged": daily["fee_flagged"],
        "excess_total": daily["excess"],
    }


def fee_flagged_by_month(period: Period) -> list[int]:
    """Reports with an excess fee in each calendar month of the period (a month with none: 0)."""
    counts: dict[date, int] = {}
    month = _month_start(period.start)
    while month <= period.end:
        counts[month] = 0
        month = _next_month(month)
    rows = (
        StatDaily.objects.filter(period.rollup_filter())
        .values_list("day")
        .annotate(n=Sum("fee_flagged"))
        .values_list("day", "n")
    )
    for day, n in rows:
        counts[_month_start(day)] += n
    return list(counts.values())


TREND_GROUPS = ("category", "opd")
MSG_GROUP = _("Group by one of: category, opd.")


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def trend(period: Period, group_by: str = "category", *, bucket: str = "week") -> list[dict]:
    """Complaints received per week (starting Monday) or month, by category or by OPD.

    Rows are keyed ``week`` or ``month`` (the first day); complaints still in triage count
    under ``triage`` when grouping by OPD.
    """
    if group_by not in TREND_GROUPS:
        raise InvalidInput.on_field("group_by", MSG_GROUP)
    start_of, step = (
        (_week_start, lambda d: d + timedelta(days=7))
        if bucket == "week"
        else (_month_start, _next_month)
    )
    rows = list(
        StatDaily.objects.filter(period.rollup_filter())
        .values_list("day", group_by)
        .annotate(n=Sum("received"))
        .values_list("day", group_by, "n")
    )
    rows = [(day, key or "triage", received) for day, key, received in rows]
    keys = (
        list(Category.values) if group_by == "category" else sorted({key for _d, key, _n in rows})
    )
    buckets: dict = {}
    first = start_of(period.start)
    while first <= period.end:  # every week or month of the period, empty ones too
        buckets[first] = dict.fromkeys(keys, 0)
        first = step(first)
    for day, key, received in rows:
        buckets[start_of(day)][key] += received
    return [{bucket: first, **counts} for first, counts in buckets.items()]


def opd_table(period: Period) -> list[dict]:
    """The OPD league table: volume, open, overdue, compliance, response time, IKM, zone."""
    rows = {
        row["opd"]: row
        for row in StatDaily.objects.filter(period.rollup_filter())
        .exclude(opd="")
        .values("opd")
        .annotate(
            received=Sum("received"),
            open=Sum("open"),
            on_time=Sum("resolved_on_time"),
            late=Sum("resolved_late"),
            excess=Sum("excess"),
        )
    }
    codes = dict(Opd.objects.values_list("pk", "code"))
    overdue = {
        codes.get(pk): n
        for pk, n in _open_overdue(period, deadline="due_at", group="opd_id").items()
    }
    open_late = {
        codes.get(pk): n
        for pk, n in _open_overdue(period, deadline="resolve_due_at", group="opd_id").items()
    }
    histograms: dict = defaultdict(dict)
    for opd, days, count in (
        StatResponse.objects.filter(period.rollup_filter())
        .values_list("opd", "days")
        .annotate(n=Sum("count"))
        .values_list("opd", "days", "n")
    ):
        histograms[opd][days] = count
    ikms = ikm_from_rollup(StatRating.objects.filter(period.rollup_filter()), by="opd")
    names = dict(Opd.objects.values_list("code", "name"))
    table = []
    for code, row in rows.items():
        compliance = percent(row["on_time"], row["on_time"] + row["late"] + open_late.get(code, 0))
        ikm = ikms.get(code)
        score, colour = zone(compliance, ikm)
        table.append(
            {
                "opd": code,
                "name": names.get(code, code),
                "received": row["received"],
                "open": row["open"],
                "overdue": overdue.get(code, 0),
                "deadline_compliance": compliance,
                "median_first_response_days": median_from_histogram(histograms.get(code, {})),
                "ikm": ikm.value if ikm else None,
                "ikm_category": ikm.category if ikm else None,
                "ikm_responses": ikm.responses if ikm else 0,
                "zone_score": score,
                "zone": colour,
                "excess_total": row["excess"] or 0,
            }
        )
    return sorted(table, key=lambda item: (-item["received"], item["opd"]))


def hotspots(period: Period, *, limit: int = 20) -> list[dict]:
    """Kelurahan × service with the most pungli reports, and the excess fees reported."""
    kelurahan = dict(Kelurahan.objects.values_list("code", "name"))
    services = dict(Service.objects.values_list("code", "name"))
    rows = (
        StatHotspot.objects.filter(period.rollup_filter())
        .values("kelurahan", "service")
        .annotate(reports=Sum("reports"), excess=Sum("excess"))
        .order_by("-reports", "-excess", "kelurahan", "service")[:limit]
    )
    return [
        {
            "kelurahan": row["kelurahan"],
            "kelurahan_name": kelurahan.get(row["kelurahan"], "—"),
            "service": row["service"],
            "service_name": services.get(row["service"], "—"),
            "reports": row["reports"],
            "excess_total": row["excess"],
        }
        for row in rows
    ]
