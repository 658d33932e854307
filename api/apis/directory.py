"""The public directory: services with their official standards, OPDs, and areas."""

from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import documented
from api.throttles import AnonymousScopedThrottle
from routing.selectors import kecamatan_list_with_kelurahan, opd_list_public, service_list_public


class _PublicDirectoryApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AnonymousScopedThrottle]
    throttle_scope = "directory"


class ServiceListApi(_PublicDirectoryApi):
    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        opd = serializers.CharField(source="opd.code", default=None, allow_null=True)
        opd_name = serializers.CharField(source="opd.name", default=None, allow_null=True)
        location_based = serializers.BooleanField()
        fee_rupiah = serializers.IntegerField(allow_null=True)
        fee_confirmed = serializers.BooleanField()
        fee_basis = serializers.CharField()
        requires_karcis = serializers.BooleanField()
        legal_basis = serializers.CharField()
        time_limit = serializers.IntegerField(allow_null=True)
        time_unit = serializers.CharField()
        time_confirmed = serializers.BooleanField()
        time_basis = serializers.CharField()
        time_as_written = serializers.CharField()

    @documented(response=OutputSerializer(many=True), errors=(429,))
    def get(self, request):
        return Response(self.OutputSerializer(service_list_public(), many=True).data)


class OpdListApi(_PublicDirectoryApi):
    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        kind = serializers.CharField()
        kecamatan = serializers.CharField(source="kecamatan.code", default=None, allow_null=True)

    @documented(response=OutputSerializer(many=True), errors=(429,))
    def get(self, request):
        return Response(self.OutputSerializer(opd_list_public(), many=True).data)


class AreaListApi(_PublicDirectoryApi):
    class OutputSerializer(serializers.Serializer):
        class KelurahanSerializer(serializers.Serializer):
            code = serializers.CharField()
            name = serializers.CharField()

        code = serializers.CharField()
        name = serializers.CharField()
        kelurahan = KelurahanSerializer(many=True)

    @documented(response=OutputSerializer(many=True), errors=(429,))
    def get(self, request):
        return Response(self.OutputSerializer(kecamatan_list_with_kelurahan(), many=True).data)
