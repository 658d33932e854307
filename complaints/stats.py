"""Read-only statistics: the satisfaction index (IKM) and the dashboards' aggregates.

The aggregates read the rollup tables (``complaints.rollups``), so each is a small query
whatever the number of complaints; only "overdue", which changes as time passes, reads the
complaints themselves, through an index on open complaints' deadlines.

IKM (Permenpan RB 14/2017, PRODUCT.md §3): the mean of each rated element's mean (1-4), times
25, giving 25-100; category A 88.31-100, B 76.61-88.30, C 65.00-76.60, D 25.00-64.99.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.deadlines import WIB
from complaints.exceptions import ApplicationError
from complaints.models import (
    FINAL_STATUS_LIST,
    FINAL_STATUSES,
    UNRESOLVED_EXCLUDED,
    Category,
    Complaint,
    Rating,
    StatDaily,
    StatRating,
    StatResponse,
    StatHotspot,
)
from routing.models import Kelurahan, Opd, Service

# Lower bounds of each category, highest first.
IKM_CATEGORIES = (("A", Decimal("88.31")), ("B", Decimal("76.61")), ("C", Decimal("65.00")), ("D", Decimal("25.00")))


@dataclass(frozen=True)
class Ikm:
    value: Decimal  # 25.00-100.00, two decimals
    category: str  # A-D
    responses: int  # complaints rated


def ikm_category(value: Decimal) -> str:
    for category, lower in IKM_CATEGORIES:
        if value >= lower:
            return category
    return "D"


def ikm_from_element_means(means: list[float], responses: int) -> Ikm | None:
    if not means:
        return None
    value = (Decimal(str(sum(means) / len(means))) * 25).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Ikm(value=value, category=ikm_category(value), responses=responses)


def ikm_by(ratings: QuerySet[Rating], field: str) -> dict:
    """IKM per value of ``field`` ("opd", "service", or "" for one overall figure), one query."""
    keys = [field] if field else []
    rows = ratings.values(*keys, "element").annotate(mean=Avg("value"), complaints=Count("complaint", distinct=True))
    means: dict = defaultdict(list)
    responses: dict = defaultdict(int)
    for row in rows:
        key = row[field] if field else None
        means[key].append(float(row["mean"]))
        responses[key] = max(responses[key], row["complaints"])
    return {key: ikm_from_element_means(values, responses[key]) for key, values in means.items()}


def ikm_overall(ratings: QuerySet[Rating]) -> Ikm | None:
    return ikm_by(ratings, "").get(None)


# --- Dashboard aggregates (PRODUCT.md F6, F7) -------------------------------------------------

MAX_PERIOD_DAYS = 5 * 366
DEFAULT_PERIOD_DAYS = 90
# Zone score = COMPLIANCE_WEIGHT × deadline compliance % + IKM_WEIGHT × IKM (both 0-100).
COMPLIANCE_WEIGHT = Decimal("0.6")
IKM_WEIGHT = Decimal("0.4")
ZONES = (("hijau", Decimal("81")), ("kuning", Decimal("51")), ("merah", Decimal("0")))

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
    """A reporting period from ``?from=&to=`` (default: the last ``default_days`` days), or a 400."""
    today = today or timezone.localdate()
    errors = {}
    end = _parse_date(raw_to, "to", errors) or today
    start = _parse_date(raw_from, "from", errors) or end - timedelta(days=default_days - 1)
    if errors:
        raise ApplicationError(str(MSG_DATE), errors=errors)
    if start > end:
        raise ApplicationError(str(MSG_ORDER), errors={"from": [str(MSG_ORDER)]})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise ApplicationError(str(MSG_RANGE), errors={"from": [str(MSG_RANGE)]})
    return Period(start, end)


def _parse_date(raw: str | None, name: str, errors: dict) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = [str(MSG_DATE)]
        return None


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    """The median of integer values given as value -> count (exact, like the raw median)."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def nth(position: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > position:
                return value
        return ordered[-1][0]

    if total % 2:
        return float(nth(total // 2))
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def zone(compliance: Decimal | None, ikm: Ikm | None) -> tuple[Decimal | None, str | None]:
    """The OPD's zone score (0-100) and colour; documented on the dashboard."""
    if compliance is None and ikm is None:
        return None, None
    if ikm is None:
        score = compliance
    elif compliance is None:
        score = ikm.value
    else:
        score = COMPLIANCE_WEIGHT * compliance + IKM_WEIGHT * ikm.value
    score = score.quantize(Decimal("0.01"), ROUND_HALF_UP)
    colour = next(name for name, lower in ZONES if score >= lower)
    return score, colour


def _open_overdue(period: Period, *, deadline: str, group: str | None = None):
    """Complaints received in the period, still waiting, whose ``deadline`` has passed.

    For the current deadline (``due_at``) that is every open complaint; for the resolution
    deadline a resolved complaint is not waiting (the rollups count it as on time or late).
    Each shape of the query is served by a partial index on the complaints still waiting.
    """
    waiting = FINAL_STATUS_LIST if deadline == "due_at" else UNRESOLVED_EXCLUDED
    # Now() (SQL CURRENT_TIMESTAMP), not a literal: PostgreSQL then estimates the range well
    # and reads the partial index alone (index-only scan) instead of visiting the table.
    rows = Complaint.objects.filter(
        period.created_filter(), ~Q(status__in=waiting), **{f"{deadline}__lt": Now()}
    )
    if group is None:
        return rows.count()
    # COUNT(*), not COUNT(id): the id is not in the index, and reading it means the table.
    return dict(rows.values_list(group).annotate(n=Count("*")).values_list(group, "n"))


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
        "deadline_compliance": _percent(daily["on_time"], daily["on_time"] + daily["late"] + open_late),
        "ikm": ikm.value if ikm else None,
        "ikm_category": ikm.category if ikm else None,
        "ikm_responses": ikm.responses if ikm else 0,
        "fee_flagged": daily["fee_flagged"],
        "excess_total": daily["excess"],
    }


def ikm_from_rollup(rows, *, by: str | None = None) -> dict | Ikm | None:
    """IKM from StatRating rows: overall, or per ``by`` ("opd" or "service")."""
    keys = [by] if by else []
    grouped: dict = defaultdict(dict)
    counts: dict = defaultdict(int)
    for row in rows.values(*keys, "element").annotate(t=Sum("total"), n=Sum("count")):
        key = row[by] if by else None
        grouped[key][row["element"]] = row["t"] / row["n"]
        counts[key] = max(counts[key], row["n"])
    result = {key: ikm_from_element_means(list(means.values()), counts[key]) for key, means in grouped.items()}
    return result if by else result.get(None)


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
        raise ApplicationError(str(MSG_GROUP), errors={"group_by": [str(MSG_GROUP)]})
    start_of, step = (_week_start, lambda d: d + timedelta(days=7)) if bucket == "week" else (_month_start, _next_month)
    rows = list(
        StatDaily.objects.filter(period.rollup_filter())
        .values_list("day", group_by)
        .annotate(n=Sum("received"))
        .values_list("day", group_by, "n")
    )
    rows = [(day, key or "triage", received) for day, key, received in rows]
    keys = list(Category.values) if group_by == "category" else sorted({key for _d, key, _n in rows})
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
    overdue = {codes.get(pk): n for pk, n in _open_overdue(period, deadline="due_at", group="opd_id").items()}
    open_late = {
        codes.get(pk): n for pk, n in _open_overdue(period, deadline="resolve_due_at", group="opd_id").items()
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
        compliance = _percent(row["on_time"], row["on_time"] + row["late"] + open_late.get(code, 0))
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


# --- Public figures: small cells suppressed (PRODUCT.md F7) ----------------------------------

SMALL = 5
SUPPRESSED = "<5"


def suppressed(values: list[int]) -> list:
    """Counts under 5 (but above 0) as "<5"; when only one cell would be hidden, the next
    smallest is hidden too, so it cannot be recovered from a published total."""
    shown: list = list(values)
    small = [i for i, value in enumerate(values) if 0 < value < SMALL]
    if len(small) == 1:
        others = sorted((value, i) for i, value in enumerate(values) if value >= SMALL)
        if others:
            small.append(others[0][1])
    for index in small:
        shown[index] = SUPPRESSED
    return shown


def public_figures(period: Period) -> dict:
    """The transparency page: the dashboard's aggregates with no cell that can single a case out."""
    summary = overview(period)
    enough = summary["received"] >= SMALL
    # Months, not weeks: a city's weekly counts per type are mostly under 5 and would vanish.
    months = trend(period, bucket="month")
    flat = suppressed([month[category] for month in months for category in Category.values])
    width = len(Category.values)
    public_months = [
        {"month": month["month"], **dict(zip(Category.values, flat[i * width : (i + 1) * width], strict=True))}
        for i, month in enumerate(months)
    ]
    table = opd_table(period)
    counts = suppressed([row["received"] for row in table])
    public_table = []
    for row, count in zip(table, counts, strict=True):
        big = row["received"] >= SMALL and count != SUPPRESSED
        # An IKM from fewer than 5 reporters would publish their answers: like the overall IKM,
        # it is left out, and the zone then comes from the deadlines alone.
        rated = big and row["ikm_responses"] >= SMALL
        if big and not rated and row["ikm"] is not None:
            score, colour = zone(row["deadline_compliance"], None)
        else:
            score, colour = row["zone_score"], row["zone"]
        public_table.append(
            {
                "opd": row["opd"],
                "name": row["name"],
                "received": count,
                "deadline_compliance": row["deadline_compliance"] if big else None,
                "ikm": row["ikm"] if rated else None,
                "ikm_category": row["ikm_category"] if rated else None,
                "zone": colour if big else None,
                "zone_score": score if big else None,
            }
        )
    # A place × service with fewer than 5 reports is left out: even "<5" would tell that such
    # a case exists there, and its excess could be worked out from a total.
    public_hotspots = [
        {
            "kelurahan_name": row["kelurahan_name"],
            "service_name": row["service_name"],
            "reports": row["reports"],
            "excess_total": row["excess_total"],
        }
        for row in hotspots(period)
        if row["reports"] >= SMALL
    ]
    return {
        "from": period.start,
        "to": period.end,
        "received": summary["received"] if enough or not summary["received"] else SUPPRESSED,
        "deadline_compliance": summary["deadline_compliance"] if enough else None,
        "median_first_response_days": summary["median_first_response_days"] if enough else None,
        "ikm": summary["ikm"] if summary["ikm_responses"] >= SMALL else None,
        "ikm_category": summary["ikm_category"] if summary["ikm_responses"] >= SMALL else None,
        "excess_total": summary["excess_total"] if enough else None,
        "months": public_months,
        "opds": public_table,
        "hotspots": public_hotspots,
    }
