"""The staff API: scoped complaint lists and details, and the actions staff take.

Who sees what is decided once, in ``complaints.selectors`` (``complaints_visible_to``): a
complaint out of the user's scope is a 404, never a 403 that would confirm it exists.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.apis.complaints import EventSerializer, OpdSerializer
from api.inputs import MSG_MESSAGE_EMPTY, MSG_TEXT_LONG
from api.schema import documented, query
from api.throttles import AnonymousScopedThrottle
from complaints.filters import ComplaintFilter
from complaints.models import Status
from complaints.selectors import (
    complaint_delay_check,
    complaint_fee_check,
    complaint_get_after_action,
    complaint_get_for_staff,
    complaints_visible_to,
    events_for_staff,
    is_overdue,
    staff_allowed_targets,
)
from complaints.services import complaint_staff_message, complaint_staff_transition, staff_reassign
from routing.models import Opd



class TokenObtainApi(ObtainAuthToken):
    """``POST auth/token/`` ``{"username", "password"}`` -> ``{"token"}``; login attempts are limited."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonymousScopedThrottle]
    throttle_scope = "login"


class ComplaintListItemSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    category = serializers.CharField()
    opd = OpdSerializer(allow_null=True)
    service = serializers.CharField(source="service.code", default=None)
    kecamatan = serializers.CharField(source="kecamatan.code", default=None)
    kelurahan = serializers.CharField(source="kelurahan.code", default=None)
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    fee_flagged = serializers.BooleanField()
    delay_flagged = serializers.BooleanField()

    def get_overdue(self, complaint) -> bool:
        return is_overdue(complaint)


LIST_FILTERS = [
    query("status", "Status (repeatable)", enum=list(Status.values)),
    query("category", "pungli, delay or other"),
    query("service", "Service code"),
    query("opd", "OPD code"),
    query("kecamatan", "Kecamatan code"),
    query("overdue", "true or false", kind=bool),
    query("created_after", "YYYY-MM-DD"),
    query("created_before", "YYYY-MM-DD"),
    query("sort", "deadline (default), newest or oldest"),
    query("page", "Page number", kind=int),
]


class StaffComplaintListApi(APIView):
    permission_classes = [IsAuthenticated]

    @documented(response=ComplaintListItemSerializer(many=True), errors=(400, 401), parameters=LIST_FILTERS)
    def get(self, request):
        queryset = complaints_visible_to(request.user).select_related(
            "opd", "service", "kecamatan", "kelurahan"
        )
        filtered = ComplaintFilter(request.query_params, queryset=queryset)
        if not filtered.is_valid():
            raise serializers.ValidationError(filtered.errors)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(filtered.qs, request, view=self)
        return paginator.get_paginated_response(ComplaintListItemSerializer(page, many=True).data)


class StaffEventSerializer(EventSerializer):
    public = serializers.BooleanField()
    actor = serializers.CharField(source="actor.username", default=None)


class StaffComplaintDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(ComplaintListItemSerializer):
        description = serializers.CharField()
        incident_date = serializers.DateField(allow_null=True)
        amount_asked = serializers.IntegerField(allow_null=True)
        amount_paid = serializers.IntegerField(allow_null=True)
        karcis_given = serializers.BooleanField(allow_null=True)
        applied_date = serializers.DateField(allow_null=True)
        involves_head = serializers.BooleanField()
        oversight = serializers.SerializerMethodField()
        routing = serializers.SerializerMethodField()
        fee_check = serializers.SerializerMethodField()
        delay_check = serializers.SerializerMethodField()
        evidence = serializers.SerializerMethodField()
        events = serializers.SerializerMethodField()
        allowed_transitions = serializers.SerializerMethodField()

        def get_oversight(self, complaint) -> list[str]:
            return [opd.code for opd in complaint.oversight.all()]

        def get_routing(self, complaint) -> dict:
            return {
                "rule": complaint.routing_rule,
                "confidence": complaint.routing_confidence,
                "reason": complaint.routing_reason,
            }

        def get_fee_check(self, complaint) -> dict:
            return complaint_fee_check(complaint).as_dict()

        def get_delay_check(self, complaint) -> dict:
            return complaint_delay_check(complaint).as_dict()

        def get_evidence(self, complaint) -> list[dict]:
            return [
                {
                    "id": str(item.pk),
                    "url": reverse("frontend:evidence", args=[item.pk]),
                    "thumbnail_url": reverse("frontend:evidence-thumb", args=[item.pk]),
                    "sha256": item.sha256,
                    "width": item.width,
                    "height": item.height,
                }
                for item in complaint.evidence.all()
            ]

        def get_events(self, complaint) -> list[dict]:
            return StaffEventSerializer(events_for_staff(complaint=complaint), many=True).data

        def get_allowed_transitions(self, complaint) -> list[str]:
            return staff_allowed_targets(self.context["user"], complaint)

    @documented(response=OutputSerializer, errors=(401, 404))
    def get(self, request, reference):
        complaint = complaint_get_for_staff(user=request.user, reference=reference)
        return Response(self.OutputSerializer(complaint, context={"user": request.user}).data)


def _text_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=5000,
        error_messages={"blank": MSG_MESSAGE_EMPTY, "required": MSG_MESSAGE_EMPTY, "max_length": MSG_TEXT_LONG},
        **kwargs,
    )


class StaffTransitionApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        to = serializers.ChoiceField(choices=Status.choices)
        message = _text_field(required=False, allow_blank=True, default="")

    @documented(request=InputSerializer, response=StaffComplaintDetailApi.OutputSerializer, errors=(400, 401, 403, 404, 409))
    def post(self, request, reference):
        complaint = complaint_get_for_staff(user=request.user, reference=reference)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint_staff_transition(
            user=request.user,
            complaint=complaint,
            target=data.validated_data["to"],
            message=data.validated_data["message"],
        )
        return _detail(request, complaint)


class StaffMessageApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        body = _text_field()
        internal = serializers.BooleanField(default=False)

    @documented(request=InputSerializer, response=StaffComplaintDetailApi.OutputSerializer, status=201, errors=(400, 401, 403, 404, 409))
    def post(self, request, reference):
        complaint = complaint_get_for_staff(user=request.user, reference=reference)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint_staff_message(user=request.user, complaint=complaint, **data.validated_data)
        return _detail(request, complaint, status_code=status.HTTP_201_CREATED)


class StaffReassignApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        opd = serializers.SlugRelatedField(
            slug_field="code",
            queryset=Opd.objects.all(),
            error_messages={"does_not_exist": _("Unknown office."), "invalid": _("Unknown office.")},
        )
        reason = _text_field()

    @documented(request=InputSerializer, response=StaffComplaintDetailApi.OutputSerializer, errors=(400, 401, 403, 404, 409))
    def post(self, request, reference):
        complaint = complaint_get_for_staff(user=request.user, reference=reference)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        staff_reassign(user=request.user, complaint=complaint, **data.validated_data)
        return _detail(request, complaint)


def _detail(request, complaint, status_code=status.HTTP_200_OK) -> Response:
    complaint = complaint_get_after_action(complaint=complaint)
    data = StaffComplaintDetailApi.OutputSerializer(complaint, context={"user": request.user}).data
    return Response(data, status=status_code)
