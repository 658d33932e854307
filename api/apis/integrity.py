"""The public side of the integrity checkpoints: the published roots anyone may mirror, and a
reporter's proof that their complaint's history is included (docs/integrity.md)."""

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.apis.complaints import _AnonymousApi, _reporter_complaint
from api.schema import documented
from api.throttles import AnonymousScopedThrottle
from complaints.exceptions import NotFound
from complaints.inputs import ReceiptInput
from complaints.integrity import MSG_NO_CHECKPOINT, proof_for
from complaints.models import Checkpoint


class CheckpointSerializer(serializers.Serializer):
    date = serializers.DateField()
    root = serializers.CharField()
    size = serializers.IntegerField()


class ProofEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    visibility = serializers.CharField()
    at = serializers.CharField(help_text="UTC, ISO 8601 with microseconds, as hashed")
    text = serializers.CharField()


class ProofLinkSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    digest = serializers.CharField()
    entry = ProofEntrySerializer(required=False, help_text="Only for events the reporter reads")


class ProofSerializer(serializers.Serializer):
    """docs/integrity.md "Proof"."""

    format = serializers.CharField()
    reference = serializers.CharField()
    checkpoint = CheckpointSerializer()
    seq = serializers.IntegerField()
    head = serializers.CharField()
    leaf_index = serializers.IntegerField()
    audit_path = serializers.ListField(child=serializers.CharField())
    chain = ProofLinkSerializer(many=True)
    later_events = serializers.IntegerField()


class CheckpointListApi(APIView):
    """``GET integrity/checkpoints/``: the published checkpoints, newest first (hashes only)."""

    pagination_class = PageNumberPagination  # documents the page envelope (drf-spectacular)

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AnonymousScopedThrottle]
    throttle_scope = "preview"

    @documented(response=CheckpointSerializer(many=True), errors=(404, 429))
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(Checkpoint.objects.order_by("-day"), request, view=self)
        published = [{"date": item.day, "root": item.root, "size": item.size} for item in page]
        return paginator.get_paginated_response(CheckpointSerializer(published, many=True).data)


class ProofApi(_AnonymousApi):
    """``POST track/proof/`` ``{"receipt"}``: the inclusion proof of the complaint's history."""

    throttle_scope = "track"

    @documented(request=ReceiptInput, response=ProofSerializer, errors=(400, 404, 429))
    def post(self, request):
        data = ReceiptInput(data=request.data)
        data.is_valid(raise_exception=True)
        proof = proof_for(_reporter_complaint(data.validated_data["receipt"]))
        if proof is None:
            raise NotFound(str(MSG_NO_CHECKPOINT))
        return Response(proof)
