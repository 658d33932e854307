"""The mayor's dashboard, the public transparency page, the published standards and posters."""

import io

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language

from complaints import stats
from complaints.exceptions import ApplicationError
from complaints.models import Category
from complaints.selectors import can_view_dashboard
from frontend.charts import stacked_bars
from routing.models import Service
from routing.selectors import service_list_public

PUBLIC_PERIOD_DAYS = 365
PUBLIC_CACHE_SECONDS = 300


def _period(request, *, default_days: int = stats.DEFAULT_PERIOD_DAYS):
    return stats.period_parse(
        request.GET.get("from"), request.GET.get("to"), default_days=default_days
    )


def _trend_chart(buckets: list[dict]):
    """Bars per week (``%d/%m``) or per month (``%m/%Y``), stacked by category."""
    labels = dict(Category.choices)
    rows = [
        {**row, "label": row["week"].strftime("%d/%m") if "week" in row else row["month"].strftime("%m/%Y")}
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
        return render(request, "frontend/dashboard.html", {"error": error.message}, status=400)
    weeks = stats.trend(period)
    context = {
        "period": period,
        "overview": stats.overview(period),
        "weeks": weeks,
        "chart": _trend_chart(weeks),
        "opds": stats.opd_table(period),
        "hotspots": stats.hotspots(period),
        "query": f"from={period.start.isoformat()}&to={period.end.isoformat()}",
        "weights": (int(stats.COMPLIANCE_WEIGHT * 100), int(stats.IKM_WEIGHT * 100)),
    }
    return render(request, "frontend/dashboard.html", context)


def transparency(request):
    try:
        period = _period(request, default_days=PUBLIC_PERIOD_DAYS)
    except ApplicationError as error:
        return render(request, "frontend/transparency.html", {"error": error.message}, status=400)
    # Public and anonymous, so the busiest page: the figures are kept for a few minutes.
    figures = cache.get_or_set(
        f"public-figures:{period.start}:{period.end}:{get_language()}",
        lambda: stats.public_figures(period),
        PUBLIC_CACHE_SECONDS,
    )
    return render(
        request,
        "frontend/transparency.html",
        {
            "period": period,
            "figures": figures,
            "chart": _trend_chart(figures["months"]),
            "weights": (int(stats.COMPLIANCE_WEIGHT * 100), int(stats.IKM_WEIGHT * 100)),
        },
    )


def standards(request):
    return render(request, "frontend/standards.html", {"services": service_list_public()})


def poster(request, code: str):
    """An A4 poster for the counter: the official fee, and a QR code to report without identity."""
    service = get_object_or_404(Service.objects.select_related("opd"), code=code, is_active=True)
    link = request.build_absolute_uri(reverse("frontend:report") + f"?service={service.code}")
    svg = io.BytesIO()
    qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2).save(svg)
    return render(
        request,
        "frontend/poster.html",
        # The SVG goes inline (no request for an image): drop its XML declaration.
        {"service": service, "link": link, "qr_svg": svg.getvalue().decode().split("?>", 1)[-1]},
    )
