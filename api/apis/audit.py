"""The access audit, for the Inspektorat and admins only (``complaints.access.can_read_audit``):
who read or acted on a complaint, what one staff member read or did, and the notices of unusual
reading (``complaints.audit``). Anyone else gets the 404 of any out-of-scope thing.
"""

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from api.schema import documented, query
from complaints.access import can_read_audit
from complaints.audit import (
    audit_complaint_get,
    notices_recent,
    records_of_complaint,
    records_of_user,
)
from complaints.exceptions import NotFound
from complaints.models import AccessRecord, AuditNotice
from complaints.selectors import MSG_NOT_FOUND

PAGE = query("page", "Page number", kind=int)


class AccessRecordSerializer(serializers.Serializer):
    user = serializers.CharField(source="user.username", help_text="The staff account")
    complaint = serializers.CharField(source="complaint.reference")
    action = serializers.ChoiceField(choices=AccessRecord.Action.values)
    detail = serializers.CharField(
        help_text="For an action, its name; for a photo, its id (and 'thumbnail')"
    )
    at = serializers.DateTimeField()


class AuditNoticeSerializer(serializers.Serializer):
    user = serializers.CharField(source="user.username")
    kind = serializers.ChoiceField(choices=AuditNotice.Kind.values)
    kind_label = serializers.CharField(source="get_kind_display")
    complaint = serializers.CharField(source="complaint.reference", default=None, allow_null=True)
    detail = serializers.CharField(
        help_text="many_outside_work: how many complaints were opened in 24 hours"
    )
    day = serializers.DateField()
    created_at = serializers.DateTimeField()


class _AuditApi(APIView):
    pagination_class = PageNumberPagination  # documents the page envelope (drf-spectacular)
    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not can_read_audit(request.user):
            raise NotFound(str(MSG_NOT_FOUND))

    def paginated(self, request, queryset, serializer_class):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)


class StaffComplaintAuditApi(_AuditApi):
    """``GET staff/complaints/<reference>/audit/``: who read or acted on the complaint, newest
    first; of any complaint, whoever's scope it is in."""

    @documented(response=AccessRecordSerializer(many=True), errors=(401, 404), parameters=[PAGE])
    def get(self, request, reference):
        complaint = audit_complaint_get(user=request.user, reference=reference)
        return self.paginated(request, records_of_complaint(complaint), AccessRecordSerializer)


class StaffAuditApi(_AuditApi):
    """``GET staff/audit/?user=<username>``: everything one staff member read or did (every
    record without ``user``), newest first."""

    @documented(
        response=AccessRecordSerializer(many=True),
        errors=(401, 404),
        parameters=[query("user", "A staff account's username"), PAGE],
    )
    def get(self, request):
        records = records_of_user(request.query_params.get("user", "").strip() or None)
        return self.paginated(request, records, AccessRecordSerializer)


class StaffAuditNoticeApi(_AuditApi):
    """``GET staff/audit/notices/``: the notices of unusual reading, newest first."""

    @documented(response=AuditNoticeSerializer(many=True), errors=(401, 404), parameters=[PAGE])
    def get(self, request):
        return self.paginated(request, notices_recent(), AuditNoticeSerializer)
