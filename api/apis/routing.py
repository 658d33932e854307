"""``POST routing/preview/``: where a complaint would go, and why, while it is being written."""

from rest_framework import serializers
from rest_framework.response import Response

from api.apis.complaints import OpdSerializer, _AnonymousApi
from api.schema import documented
from complaints.inputs import PreviewInput
from complaints.selectors import complaint_preview
from routing.models import Opd


class RoutingPreviewApi(_AnonymousApi):
    throttle_scope = "preview"

    class OutputSerializer(serializers.Serializer):
        opd = OpdSerializer(allow_null=True)
        status = serializers.CharField()
        oversight = serializers.ListField(child=serializers.CharField())
        oversight_names = serializers.ListField(child=serializers.CharField())
        reason = serializers.CharField()
        confidence = serializers.FloatField()
        matched = serializers.ListField(child=serializers.CharField())
        service = serializers.CharField(allow_null=True)
        amounts = serializers.ListField(child=serializers.IntegerField())
        fee_check = serializers.DictField()

    @documented(request=PreviewInput, response=OutputSerializer, errors=(400, 429))
    def post(self, request):
        data = PreviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        preview = complaint_preview(**data.to_service_kwargs())
        decision = preview.decision
        names = dict(
            Opd.objects.filter(code__in=[decision.opd, *decision.oversight]).values_list(
                "code", "name"
            )
        )
        output = {
            "opd": {"code": decision.opd, "name": names[decision.opd]} if decision.opd else None,
            "status": decision.status,
            "oversight": list(decision.oversight),
            "oversight_names": [names[code] for code in decision.oversight],
            "reason": decision.reason,
            "confidence": decision.confidence,
            "matched": list(decision.matched),
            "service": decision.service,
            "amounts": list(preview.amounts),
            "fee_check": preview.fee_check.as_dict(),
        }
        return Response(self.OutputSerializer(output).data)
