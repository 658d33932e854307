"""``GET stats/overview|trend|opds|hotspots/`` for the dashboard: JSON, or CSV with ?format=csv."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_view
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsDashboardViewer
from api.renderers import CsvRenderer
from api.schema import documented, query
from complaints.stats import dashboard

# Trend, OPD table and hotspots are lists of rows; the overview is one object.
ROWS = {"type": "array", "items": {"type": "object", "additionalProperties": True}}
PERIOD = [
    query("from", "First day, YYYY-MM-DD (default: 90 days before `to`)"),
    query("to", "Last day, YYYY-MM-DD (default: today)"),
    query("format", "csv for a CSV file", enum=["json", "csv"]),
]


class _StatsApi(APIView):
    permission_classes = [IsAuthenticated, IsDashboardViewer]
    renderer_classes = [JSONRenderer, CsvRenderer]
    selector = None

    @documented(response=OpenApiTypes.OBJECT, errors=(400, 401, 403), parameters=PERIOD)
    def get(self, request):
        period = dashboard.period_parse(
            request.query_params.get("from"), request.query_params.get("to")
        )
        return Response(type(self).selector(period))


class StatsOverviewApi(_StatsApi):
    selector = staticmethod(dashboard.overview)


class StatsTrendApi(_StatsApi):
    """``?group_by=category`` (default) or ``opd``."""

    @documented(
        response=ROWS,
        errors=(400, 401, 403),
        parameters=[
            *PERIOD,
            query("group_by", "category (default) or opd", enum=["category", "opd"]),
        ],
    )
    def get(self, request):
        period = dashboard.period_parse(
            request.query_params.get("from"), request.query_params.get("to")
        )
        return Response(dashboard.trend(period, request.query_params.get("group_by", "category")))


@extend_schema_view(get=documented(response=ROWS, errors=(400, 401, 403), parameters=PERIOD))
class StatsOpdsApi(_StatsApi):
    selector = staticmethod(dashboard.opd_table)
    # The CSV header of an empty period (the rows' keys otherwise; the tests keep them equal).
    csv_fields = (
        "opd",
        "name",
        "received",
        "open",
        "overdue",
        "deadline_compliance",
        "median_first_response_days",
        "ikm",
        "ikm_category",
        "ikm_responses",
        "zone_score",
        "zone",
        "excess_total",
    )


@extend_schema_view(get=documented(response=ROWS, errors=(400, 401, 403), parameters=PERIOD))
class StatsHotspotsApi(_StatsApi):
    selector = staticmethod(dashboard.hotspots)
    csv_fields = (
        "kelurahan",
        "kelurahan_name",
        "service",
        "service_name",
        "reports",
        "excess_total",
    )
