"""``GET stats/overview|trend|opds|hotspots/`` for the dashboard: JSON, or CSV with ?format=csv."""

from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import IsDashboardViewer
from api.renderers import CsvRenderer
from complaints import stats


class _StatsApi(APIView):
    permission_classes = [IsAuthenticated, IsDashboardViewer]
    renderer_classes = [JSONRenderer, CsvRenderer]
    selector = None

    def get(self, request):
        period = stats.period_parse(request.query_params.get("from"), request.query_params.get("to"))
        return Response(type(self).selector(period))


class StatsOverviewApi(_StatsApi):
    selector = staticmethod(stats.overview)


class StatsTrendApi(_StatsApi):
    """``?group_by=category`` (default) or ``opd``."""

    def get(self, request):
        period = stats.period_parse(request.query_params.get("from"), request.query_params.get("to"))
        return Response(stats.trend(period, request.query_params.get("group_by", "category")))


class StatsOpdsApi(_StatsApi):
    selector = staticmethod(stats.opd_table)
    # The CSV header of an empty period (the rows' keys otherwise; the tests keep them equal).
    csv_fields = (
        "opd", "name", "received", "open", "overdue", "deadline_compliance",
        "median_first_response_days", "ikm", "ikm_category", "ikm_responses", "zone_score", "zone",
        "excess_total",
    )


class StatsHotspotsApi(_StatsApi):
    selector = staticmethod(stats.hotspots)
    csv_fields = ("kelurahan", "kelurahan_name", "service", "service_name", "reports", "excess_total")
