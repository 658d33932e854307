"""The staff API: scoped complaint lists and details, evidence files, and every action staff
take on the pages (status changes, replies and notes, reassignment, "bukan kewenangan" requests
and their decisions, merges, the public summary).

Who sees and may do what is decided in ``complaints.access``: a complaint out of the user's
scope is a 404, never a 403 that would confirm it exists. Each action validates its input with
the same ``complaints.staff_inputs`` as the pages and calls the same service. Every list, detail,
photo and action is recorded in the access audit (``complaints.audit``), as on the pages.
"""

from dataclasses import asdict

from django.contrib.auth.signals import user_logged_in
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.apis.complaints import EventSerializer, OpdSerializer
from api.authentication import TokenAuthentication
from api.schema import documented, query
from complaints import staff_inputs
from complaints.access import (
    complaint_actions,
    complaints_visible_to,
    event_time,
    events_visible_to,
    reroute_requests_of,
    sees_photo_hashes,
    shown_time,
)
from complaints.audit import access_record
from complaints.exceptions import InvalidInput
from complaints.files import evidence_response
from complaints.filters import ComplaintFilter
from complaints.logins import login_authenticate
from complaints.models import AccessRecord, Status
from complaints.selectors import (
    complaint_delay_check,
    complaint_fee_check,
    complaint_get_after_action,
    complaint_get_for_staff,
)
from complaints.services import (
    complaint_legal_hold,
    complaint_merge,
    complaint_public_summary,
    complaint_reassign,
    complaint_reroute_request,
    complaint_staff_message,
    complaint_staff_transition,
    reroute_request_decide,
)


class TokenObtainApi(APIView):
    """``POST auth/token/`` ``{"username", "password"}`` -> a new token and its expiry.

    Attempts are limited per address and per account like every login (``complaints.logins``);
    the token is stored only as a digest (django-rest-knox) and expires after
    ``PORTAL_TOKEN_TTL_HOURS``.
    """

    # A login needs no credentials, and a stale token in the header must not block it.
    authentication_classes = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expiry = serializers.DateTimeField()

    @documented(request=InputSerializer, response=OutputSerializer, errors=(400, 429))
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        credentials = data.validated_data
        user = login_authenticate(
            request, username=credentials["username"], password=credentials["password"]
        )
        if user is None:
            raise InvalidInput(_("Wrong username or password."))
        AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
        instance, token = AuthToken.objects.create(user=user)
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response(self.OutputSerializer({"token": token, "expiry": instance.expiry}).data)


class TokenLogoutApi(APIView):
    """``POST auth/logout/``: the token the request carries is revoked (204)."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @documented(status=204, errors=(401,))
    def post(self, request):
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class ComplaintListItemSerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    category = serializers.CharField()
    opd = OpdSerializer(allow_null=True)
    service = serializers.CharField(source="service.code", default=None, allow_null=True)
    kecamatan = serializers.CharField(source="kecamatan.code", default=None, allow_null=True)
    kelurahan = serializers.CharField(source="kelurahan.code", default=None, allow_null=True)
    created_at = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    fee_flagged = serializers.BooleanField()
    delay_flagged = serializers.BooleanField()

    def get_overdue(self, complaint) -> bool:
        return complaint.is_overdue

    def get_created_at(self, complaint) -> str:
        return shown_time(self.context["request"].user, complaint.created_at).isoformat()


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
    pagination_class = PageNumberPagination  # documents the page envelope (drf-spectacular)
    permission_classes = [IsAuthenticated]

    @documented(
        response=ComplaintListItemSerializer(many=True),
        errors=(400, 401, 404),
        parameters=LIST_FILTERS,
    )
    def get(self, request):
        queryset = complaints_visible_to(request.user).select_related(
            "opd", "service", "kecamatan", "kelurahan"
        )
        filtered = ComplaintFilter(request.query_params, queryset=queryset)
        if not filtered.is_valid():
            raise serializers.ValidationError(filtered.errors)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(filtered.qs, request, view=self)
        access_record(request.user, page, AccessRecord.Action.LIST)
        items = ComplaintListItemSerializer(page, many=True, context={"request": request})
        return paginator.get_paginated_response(items.data)


class StaffEventSerializer(EventSerializer):
    """An event as staff read it: who may read it, who wrote it, and its time as the reader may
    see it (``complaints.access.event_time``)."""

    at = serializers.SerializerMethodField()
    public = serializers.BooleanField()
    visibility = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    def get_at(self, event) -> str:
        return event_time(self.context["request"].user, event).isoformat()


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
        public_summary = serializers.CharField()
        # The summary approved for the Open311 feed (what the public sees of the case).
        published_summary = serializers.CharField()
        legal_hold = serializers.BooleanField()
        withdrawn = serializers.SerializerMethodField()
        oversight = serializers.SerializerMethodField()
        routing = serializers.SerializerMethodField()
        fee_check = serializers.SerializerMethodField()
        delay_check = serializers.SerializerMethodField()
        evidence = serializers.SerializerMethodField()
        events = serializers.SerializerMethodField()
        allowed_transitions = serializers.SerializerMethodField()
        actions = serializers.SerializerMethodField()
        reroute_requests = serializers.SerializerMethodField()

        def get_oversight(self, complaint) -> list[str]:
            return [opd.code for opd in complaint.oversight.all()]

        def get_withdrawn(self, complaint) -> bool:
            """Withdrawn by the reporter (when: only as its events tell, to the hour)."""
            return complaint.withdrawn_at is not None

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
            request = self.context["request"]
            hashes = sees_photo_hashes(request.user)
            return [
                {
                    "id": str(item.pk),
                    "url": request.build_absolute_uri(
                        reverse("api:staff-evidence", args=[item.pk])
                    ),
                    "thumbnail_url": request.build_absolute_uri(
                        reverse("api:staff-evidence-thumb", args=[item.pk])
                    ),
                    "sha256": item.sha256 if hashes else None,
                    "width": item.width,
                    "height": item.height,
                }
                for item in complaint.evidence.filter(purged_at__isnull=True)  # files kept
            ]

        def get_events(self, complaint) -> list[dict]:
            events = events_visible_to(self.context["request"].user, complaint)
            return StaffEventSerializer(events, many=True, context=self.context).data

        def get_allowed_transitions(self, complaint) -> list[str]:
            return self._actions(complaint).targets

        def get_actions(self, complaint) -> dict[str, bool]:
            """The actions besides status changes the user may take now."""
            actions = asdict(self._actions(complaint))
            del actions["targets"]
            return actions

        def get_reroute_requests(self, complaint) -> list[dict]:
            return [
                {
                    "id": item.pk,
                    "from_opd": item.from_opd.code,
                    "suggested_opd": item.suggested_opd.code,
                    "reason": item.reason,
                    "state": item.state,
                    "created_at": item.created_at.isoformat(),
                }
                for item in reroute_requests_of(self.context["request"].user, complaint)
            ]

        def _actions(self, complaint):
            return complaint_actions(self.context["request"].user, complaint)

    @documented(response=OutputSerializer, errors=(401, 404))
    def get(self, request, reference):
        complaint = complaint_get_for_staff(user=request.user, reference=reference)
        access_record(request.user, [complaint], AccessRecord.Action.VIEW)
        return Response(self.OutputSerializer(complaint, context={"request": request}).data)


Detail = StaffComplaintDetailApi.OutputSerializer
# 415: a body in a media type the API does not read (JSON, multipart and form are read).
ACTION_ERRORS = (400, 401, 403, 404, 409, 415)


class _StaffActionApi(APIView):
    """One staff action on one complaint: validate the input, call one service, answer with
    the complaint as the action left it."""

    permission_classes = [IsAuthenticated]
    input_class: type[serializers.Serializer]
    action_name: str  # as the access audit records it: the staff page's name of the action
    status_code = status.HTTP_200_OK

    def post(self, request, reference):
        complaint = complaint_get_for_staff(user=request.user, reference=reference)
        data = self.input_class(
            data=request.data, context={"user": request.user, "complaint": complaint}
        )
        data.is_valid(raise_exception=True)
        self.act(request.user, complaint, **data.validated_data)
        access_record(request.user, [complaint], AccessRecord.Action.ACT, detail=self.action_name)
        complaint = complaint_get_after_action(complaint=complaint)
        return Response(Detail(complaint, context={"request": request}).data, self.status_code)

    def act(self, user, complaint, **data) -> None:
        raise NotImplementedError


class StaffTransitionApi(_StaffActionApi):
    input_class = staff_inputs.TransitionInput
    action_name = "transition"

    @documented(request=input_class, response=Detail, errors=ACTION_ERRORS)
    def post(self, request, reference):
        return super().post(request, reference)

    def act(self, user, complaint, *, to, message):
        complaint_staff_transition(user=user, complaint=complaint, target=to, message=message)


class StaffMessageApi(_StaffActionApi):
    input_class = staff_inputs.StaffMessageInput
    action_name = "message"
    status_code = status.HTTP_201_CREATED

    @documented(request=input_class, response=Detail, status=201, errors=ACTION_ERRORS)
    def post(self, request, reference):
        return super().post(request, reference)

    def act(self, user, complaint, **data):
        complaint_staff_message(user=user, complaint=complaint, **data)


class StaffReassignApi(_StaffActionApi):
    input_class = staff_inputs.ReassignInput
    action_name = "reassign"

    @documented(request=input_class, response=Detail, errors=ACTION_ERRORS)
    def post(self, request, reference):
        return super().post(request, reference)

    def act(self, user, complaint, **data):
        complaint_reassign(user=user, complaint=complaint, **data)


class StaffRerouteRequestApi(_StaffActionApi):
    """The handling office: "bukan kewenangan kami", with the office it belongs to."""

    input_class = staff_inputs.RerouteRequestInput
    action_name = "reroute"
    status_code = status.HTTP_201_CREATED

    @documented(request=input_class, response=Detail, status=201, errors=ACTION_ERRORS)
    def post(self, request, reference):
        return super().post(request, reference)

    def act(self, user, complaint, *, opd, reason):
        complaint_reroute_request(user=user, complaint=complaint, suggested_opd=opd, reason=reason)


class StaffRerouteDecisionApi(_StaffActionApi):
    """The coordinator or the Inspektorat approves or declines a pending reroute request."""

    input_class = staff_inputs.RerouteDecisionInput
    action_name = "decide_reroute"

    @documented(request=input_class, response=Detail, errors=ACTION_ERRORS)
    def post(self, request, reference):
        return super().post(request, reference)

    def act(self, user, complaint, *, request, **data):
        reroute_request_decide(user=user, request=request, **data)


class StaffMergeApi(_StaffActionApi):
    """The triage desk merges this complaint, a duplicate, into the original (``into``)."""

    input_class = staff_inputs.MergeInput
    action_name = "merge"

    @documented(request=input_class, response=Detail, errors=ACTION_ERRORS)
    def post(self, request, reference):
        return super().post(request, reference)

    def act(self, user, complaint, *, into, reason):
        complaint_merge(user=user, duplicate=complaint, original=into, reason=reason)


class StaffPublicSummaryApi(_StaffActionApi):
    """The handling office, the desk or oversight writes (and so approves) the public summary
    the de-identified export carries; empty withdraws it. Not the mayor's office (403)."""

    input_class = staff_inputs.PublicSummaryInput
    action_name = "summary"

    @documented(request=input_class, response=Detail, errors=ACTION_ERRORS)
    def post(self, request, reference):
        return super().post(request, reference)

    def act(self, user, complaint, *, summary):
        complaint_public_summary(user=user, complaint=complaint, text=summary)


class StaffLegalHoldApi(_StaffActionApi):
    """The Inspektorat (or an admin) sets or lifts the legal hold: while set, nothing of the
    complaint is purged and its reporter cannot withdraw it. Others 403."""

    input_class = staff_inputs.LegalHoldInput
    action_name = "legal_hold"

    @documented(request=input_class, response=Detail, errors=ACTION_ERRORS)
    def post(self, request, reference):
        return super().post(request, reference)

    def act(self, user, complaint, *, hold, reason):
        complaint_legal_hold(user=user, complaint=complaint, hold=hold, reason=reason)


class StaffEvidenceApi(APIView):
    """A sanitized photo (or its thumbnail), for a user who may see its complaint; 404 else."""

    permission_classes = [IsAuthenticated]
    size = "full"

    def perform_content_negotiation(self, request, force=False):
        # The answer is the JPEG whatever ``Accept`` says (an image client asks for image/*,
        # which no JSON renderer offers); only a refusal is rendered, and always as JSON.
        return super().perform_content_negotiation(request, force=True)

    @documented(response=None, errors=(401, 404))
    def get(self, request, evidence_id):
        return evidence_response(request.user, evidence_id, thumbnail=self.size == "thumb")
