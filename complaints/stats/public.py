"""The public figures: ``/transparansi/`` and the public statistics API and CSV alike
(docs/product.md F7 and §3 "Walls against the insider").

The dashboard's own figures (``complaints.stats.dashboard``), published only for fixed periods
(``complaints.stats.periods``: a month, a quarter, a year; the current one provisional) and with
no cell that can single a case out, even by comparing tables:

- every count is suppressed under 5 and rounded to a multiple of 5 (``scoring.published``), the
  same way in every table, so a count seen in a month's table and in its quarter's agree;
- the figures that belong to a small cell (compliance, IKM, zone) are left out;
- money (the reported excess fees) appears once, as the period's total, and only when every
  month in it has at least 10 reports with an excess and the period is over
  (``scoring.published_money``);
- a place × service with fewer than 5 reports is left out of the hotspots.
"""

from datetime import date

from django.core.cache import cache
from django.db.models import Count, DateField
from django.db.models.functions import TruncMonth
from django.utils.translation import get_language

from complaints.deadlines import WIB
from complaints.models import Category, Complaint
from complaints.stats.dashboard import (
    Period,
    fee_flagged_by_month,
    hotspots,
    opd_table,
    overview,
    trend,
)
from complaints.stats.periods import PublishedPeriod
from complaints.stats.scoring import (
    SMALL,
    SUPPRESSED,
    published,
    published_money,
    rounded,
    zone,
)

CACHE_SECONDS = 300


def public_figures_cached(period: PublishedPeriod, *, today: date) -> dict:
    """``public_figures``, kept a few minutes: the public page is the busiest one."""
    key = f"public-figures:{period.key}:{today.isoformat()}:{get_language()}"
    return cache.get_or_set(key, lambda: public_figures(period, today=today), CACHE_SECONDS)


def public_figures(period: PublishedPeriod, *, today: date) -> dict:
    """The figures of one published period, as anyone may see them."""
    span = Period(period.start, period.end)
    summary = overview(span)
    enough = summary["received"] >= SMALL
    provisional = period.provisional(today)
    months = trend(span, bucket="month")
    flat = published([month[category] for month in months for category in Category.values])
    width = len(Category.values)
    public_months = [
        {
            "month": month["month"],
            **dict(zip(Category.values, flat[i * width : (i + 1) * width], strict=True)),
        }
        for i, month in enumerate(months)
    ]
    return {
        "period": period.key,
        "kind": period.kind,
        "from": period.start,
        "to": period.end,
        "provisional": provisional,
        "received": published([summary["received"]])[0],
        "deadline_compliance": summary["deadline_compliance"] if enough else None,
        "median_first_response_days": summary["median_first_response_days"] if enough else None,
        "ikm": summary["ikm"] if summary["ikm_responses"] >= SMALL else None,
        "ikm_category": summary["ikm_category"] if summary["ikm_responses"] >= SMALL else None,
        "excess_total": None if provisional else _money(period, summary["excess_total"]),
        "months": public_months,
        "opds": _public_opds(span),
        "hotspots": [
            {
                "kelurahan_name": row["kelurahan_name"],
                "service_name": row["service_name"],
                "reports": rounded(row["reports"]),
            }
            for row in hotspots(span)
            if row["reports"] >= SMALL
        ],
    }


def _money(period: PublishedPeriod, total: int) -> int | None:
    """The period's excess fees, if every month of it has at least 10 reports with an excess.

    The rollups count the fee-flagged reports, and a report is flagged for a missing karcis too,
    with no excess: nine of those and one Rp3.000 excess are ten flagged reports and a total of
    Rp3.000, one report's own amount. So the rollups' count only rules a period out (it is never
    below the count of reports with an excess); the reports with an excess are then counted
    themselves.
    """
    span = Period(period.start, period.end)
    if published_money(total, fee_flagged_by_month(span)) is None:
        return None
    return published_money(total, _excess_reports_by_month(period))


def _excess_reports_by_month(period: PublishedPeriod) -> list[int]:
    """Reports with an excess fee received in each calendar month of the period (WIB)."""
    counts = dict.fromkeys((month.start for month in period.months()), 0)
    received = Period(period.start, period.end).created_filter()
    rows = (
        Complaint.objects.filter(received, fee_excess__gt=0)
        .order_by()
        .annotate(month=TruncMonth("created_at", tzinfo=WIB, output_field=DateField()))
        .values_list("month")
        .annotate(n=Count("*"))
        .values_list("month", "n")
    )
    for month, n in rows:
        counts[month] += n
    return list(counts.values())


def _public_opds(span: Period) -> list[dict]:
    table = opd_table(span)
    counts = published([row["received"] for row in table])
    rows = []
    for row, count in zip(table, counts, strict=True):
        big = row["received"] >= SMALL and count != SUPPRESSED
        # An IKM from fewer than 5 reporters would publish their answers: like the overall IKM,
        # it is left out, and the zone then comes from the deadlines alone.
        rated = big and row["ikm_responses"] >= SMALL
        if big and not rated and row["ikm"] is not None:
            score, colour = zone(row["deadline_compliance"], None)
        else:
            score, colour = row["zone_score"], row["zone"]
        rows.append(
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
    return rows
