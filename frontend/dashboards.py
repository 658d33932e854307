"""The mayor's dashboard, the public transparency page, the published standards and posters."""

import io

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints import exports
from complaints.access import can_view_dashboard
from complaints.exceptions import ApplicationError
from complaints.integrity import checkpoint_latest
from complaints.models import Category
from complaints.stats import dashboard as stats
from complaints.stats.dashboard import DEFAULT_PERIOD_DAYS, hotspots, opd_table, overview, trend
from complaints.stats.periods import MSG_PERIOD, period_default, period_parse, periods_recent
from complaints.stats.public import public_figures_cached
from complaints.stats.scoring import COMPLIANCE_WEIGHT, IKM_WEIGHT
from frontend import identity
from frontend.charts import stacked_bars
from frontend.errors import http_status
from frontend.standards import (
    MAX_QUERY_LENGTH,
    standard_rows,
    standards_grouped,
    standards_search,
)
from routing.models import Service
from routing.selectors import service_list_public


def _period(request, *, default_days: int = DEFAULT_PERIOD_DAYS):
    """The mayor's dashboard keeps any period (``?from=&to=``)."""
    return stats.period_parse(
        request.GET.get("from"), request.GET.get("to"), default_days=default_days
    )


def _trend_chart(buckets: list[dict]):
    """Bars per week (``%d/%m``) or per month (``%m/%Y``), stacked by category."""
    labels = dict(Category.choices)
    rows = [
        {
            **row,
            "label": row["week"].strftime("%d/%m")
            if "week" in row
            else row["month"].strftime("%m/%Y"),
        }
        for row in buckets
    ]
    chart = stacked_bars(rows, list(Category.values), label_key="label")
    chart.series = [(labels[key], colour) for key, colour in chart.series]
    return chart


@login_required
def dashboard(request):
    if not can_view_dashboard(request.user):
        raise Http404
    try:
        period = _period(request)
    except ApplicationError as error:
        return render(
            request, "frontend/dashboard.html", {"error": error.message}, status=http_status(error)
        )
    weeks = trend(period)
    context = {
        "period": period,
        "overview": overview(period),
        "weeks": weeks,
        "chart": _trend_chart(weeks),
        "opds": opd_table(period),
        "hotspots": hotspots(period),
        "query": f"from={period.start.isoformat()}&to={period.end.isoformat()}",
        "weights": (int(COMPLIANCE_WEIGHT * 100), int(IKM_WEIGHT * 100)),
        "export_refused": _export_refused(period),
    }
    return render(request, "frontend/dashboard.html", context)


def _export_refused(period) -> str | None:
    """Why the de-identified export cannot cover the dashboard's period (over a year, or
    ending after today), or None: the page then offers its downloads."""
    try:
        exports.export_period(period.start.isoformat(), period.end.isoformat())
    except ApplicationError as error:
        return error.message
    return None


@login_required
def dashboard_export(request):
    """The de-identified export of the dashboard's period (``?from=&to=&format=json|csv``),
    for those who may read the dashboard (404 for other staff, as the dashboard)."""
    if not can_view_dashboard(request.user):
        raise Http404
    try:
        period = exports.export_period(request.GET.get("from"), request.GET.get("to"))
        fmt = exports.export_format(request.GET.get("format"))
    except ApplicationError as error:
        return render(
            request, "frontend/dashboard.html", {"error": error.message}, status=http_status(error)
        )
    return exports.export_download(request.user, period, fmt)


def transparency(request):
    """Public figures of one published period (``?period=2026-10``), and the integrity
    checkpoints; any other period is a 400 that says which ones exist."""
    today = timezone.localdate()
    raw = request.GET.get("period")
    period = period_default(today) if raw is None else period_parse(raw, today=today)
    context = {
        "periods": periods_recent(today),
        "checkpoint": checkpoint_latest(),
        "weights": (int(COMPLIANCE_WEIGHT * 100), int(IKM_WEIGHT * 100)),
    }
    if period is None or request.GET.keys() - {"period", "lang"}:
        context["error"] = str(MSG_PERIOD)
        return render(request, "frontend/transparency.html", context, status=400)
    figures = public_figures_cached(period, today=today)
    context |= {
        "period": period,
        "figures": figures,
        "chart": _trend_chart(figures["months"]),
        # Hotspots under 5 reports are left out: an empty list then does not mean "none".
        "pungli_reported": any(month["pungli"] != 0 for month in figures["months"]),
    }
    return render(request, "frontend/transparency.html", context)


def standards(request):
    """Every active service's fee and time limit with their basis, grouped by office;
    ``?q=`` hides the rows that do not match (the page's script does the same as one types)."""
    query = request.GET.get("q", "").strip()
    rows = standard_rows(service_list_public())
    context = {"groups": standards_grouped(rows), "query": query, "total": len(rows)}
    if len(query) > MAX_QUERY_LENGTH:
        context["error"] = _("Search for at most %(count)s characters.") % {
            "count": MAX_QUERY_LENGTH
        }
        context |= {"query": "", "shown": len(rows)}
        return render(request, "frontend/standards.html", context, status=400)
    context["shown"] = standards_search(rows, query)
    return render(request, "frontend/standards.html", context)


def poster(request, code: str):
    """An A4 poster for the counter: the official fee, and a QR code to report without identity."""
    service = get_object_or_404(Service.objects.select_related("opd"), code=code, is_active=True)
    link = request.build_absolute_uri(reverse("frontend:report") + f"?service={service.code}")
    svg = io.BytesIO()
    qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2).save(svg)
    return render(
        request,
        "frontend/poster.html",
        {
            "service": service,
            "link": link,
            # The SVG goes inline (no request for an image): drop its XML declaration.
            "qr_svg": svg.getvalue().decode().split("?>", 1)[-1],
            # The poster itself is in Indonesian whatever the page's language.
            "poster_city": _city_in_indonesian(),
        },
    )


def _city_in_indonesian():
    with translation.override("id"):
        return identity.city()
