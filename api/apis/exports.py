"""``GET stats/export/?from=&to=&format=json|csv``: the de-identified export of the complaints
received in a period, for SP4N-LAPOR! and the Ombudsman (``complaints.exports``), for those who
may read the dashboard."""

from django.http import Http404
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from api.permissions import IsDashboardViewer
from api.renderers import CsvRenderer
from api.schema import documented, query
from complaints import exports
from complaints.exceptions import InvalidInput


class ExportRowSerializer(serializers.Serializer):
    """One complaint (docs/interface.md "De-identified export"); only documents the answer."""

    reference = serializers.CharField()
    received_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True, help_text="Final complaints only.")
    category = serializers.CharField()
    service = serializers.CharField(allow_null=True)
    service_name = serializers.CharField(allow_null=True)
    office = serializers.CharField(allow_null=True, help_text="The responsible OPD's code.")
    office_name = serializers.CharField(allow_null=True)
    kecamatan = serializers.CharField(allow_null=True)
    kecamatan_name = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    first_response_on_time = serializers.BooleanField(allow_null=True)
    resolved_on_time = serializers.BooleanField(allow_null=True)
    fee_excess_band = serializers.ChoiceField(
        choices=["", *sorted(label for _lowest, label in exports.FEE_BANDS)]
    )
    public_summary = serializers.CharField(allow_blank=True)


# ``from`` is a Python keyword: the fields are given by name.
ExportPeriodSerializer = type(
    "ExportPeriodSerializer",
    (serializers.Serializer,),
    {"from": serializers.DateField(), "to": serializers.DateField()},
)


class ExportSerializer(serializers.Serializer):
    """The JSON file; the CSV file has a header row of ``fields`` and one line per complaint."""

    period = ExportPeriodSerializer()
    fields = serializers.ListField(child=serializers.CharField())
    complaints = ExportRowSerializer(many=True)


class StatsExportApi(APIView):
    permission_classes = [IsAuthenticated, IsDashboardViewer]
    # The renderers choose the format (``?format=``) and shape the errors; the file itself is
    # written by ``complaints.exports``, the same bytes as the command's and the dashboard's.
    renderer_classes = [JSONRenderer, CsvRenderer]

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:  # ``?format=`` names neither renderer: say so, as the dashboard does
            raise InvalidInput.on_field("format", exports.MSG_FORMAT) from None

    @documented(
        response=ExportSerializer,
        errors=(400, 401, 403),
        parameters=[
            query("from", "First day received, YYYY-MM-DD (required)"),
            query(
                "to",
                "Last day received, YYYY-MM-DD (required; before the same date a year after "
                "`from`, not after today)",
            ),
            query("format", "json (default) or csv", enum=list(exports.FORMATS)),
        ],
        summary="De-identified export of the complaints received in a period",
    )
    def get(self, request):
        period = exports.export_period(
            request.query_params.get("from"), request.query_params.get("to")
        )
        fmt = request.accepted_renderer.format
        return exports.export_download(request.user, period, fmt)
