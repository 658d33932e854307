"""``GET public/figures/?period=2026-10``: the public figures, exactly as ``/transparansi/`` shows
them (JSON, or the per-office table as CSV with ``?format=csv``). Fixed periods only: a month,
a quarter or a year (docs/product.md F7)."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.renderers import CsvRenderer
from api.schema import documented, query
from api.throttles import AnonymousScopedThrottle
from complaints.exceptions import InvalidInput
from complaints.stats.periods import MSG_PERIOD, period_default, period_parse
from complaints.stats.public import public_figures_cached

# ``format`` chooses JSON or CSV, ``lang`` the language (frontend.middleware), as on the page.
PARAMETERS = {"period", "format", "lang"}


class PublicFiguresApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AnonymousScopedThrottle]
    throttle_scope = "preview"
    renderer_classes = [JSONRenderer, CsvRenderer]
    csv_fields = (
        "opd",
        "name",
        "received",
        "deadline_compliance",
        "ikm",
        "ikm_category",
        "zone",
        "zone_score",
    )

    @documented(
        response=OpenApiTypes.OBJECT,
        errors=(400, 429),
        parameters=[
            query("period", "2026-10 (month), 2026-Q4 (quarter), 2026 (year); default: last month"),
            query("format", "csv for the per-office table as CSV", enum=["json", "csv"]),
        ],
    )
    def get(self, request):
        today = timezone.localdate()
        raw = request.query_params.get("period")
        period = period_default(today) if raw is None else period_parse(raw, today=today)
        # Any other parameter (``?from=&to=``, the old ranges) is refused, not ignored: an
        # address that used to choose a range must not quietly answer for another period.
        if period is None or request.query_params.keys() - PARAMETERS:
            raise InvalidInput.on_field("period", MSG_PERIOD)
        figures = public_figures_cached(period, today=today)
        if request.accepted_renderer.format == CsvRenderer.format:
            return Response(figures["opds"])  # the per-office table: CSV is rows
        return Response(figures)
