"""Anonymous reporting and tracking: ``POST complaints/`` and ``POST track/``."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.schema import documented
from api.throttles import AnonymousScopedThrottle
from complaints import idempotency
from complaints.access import events_for_reporter
from complaints.exceptions import ComplaintNotFound
from complaints.inputs import (
    ComplaintInput,
    ReceiptInput,
    ReporterDecisionInput,
    ReporterMessageInput,
)
from complaints.models import Status
from complaints.selectors import (
    complaint_delay_check,
    complaint_fee_check,
    complaint_get_by_receipt,
)
from complaints.services import (
    complaint_reporter_decision,
    complaint_reporter_message,
    complaint_reporter_photos,
    complaint_submit,
    complaint_withdraw,
)
from config.metrics import submission_counted

MSG_RECEIPT_UNKNOWN = _("No complaint matches this receipt. Check the 16 digits and try again.")

IDEMPOTENCY_KEY = OpenApiParameter(
    name=idempotency.HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    pattern=r"^[!-~]{16,128}$",
    description=(
        "A random string chosen by the client (16-128 printable ASCII characters, e.g. a UUID) "
        "that makes the call retry-safe: the same key within 24 hours answers with the first "
        "answer and does nothing again (the answer then carries `Idempotent-Replayed: true`), "
        "even if the body differs. A malformed key is 400."
    ),
)


def _idempotency_key(request) -> str | None:
    return idempotency.key_clean(request.headers.get(idempotency.HEADER))


def _answered(answer: idempotency.Answer, status_code: int) -> Response:
    response = Response(answer.data, status=status_code)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _acted(complaint) -> dict:
    """What a reporter's retry-safe action keeps: only that it was done (the answer is the
    complaint as it is when asked, read with the request's receipt)."""
    return {}


class OpdSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ComplaintPublicSerializer(serializers.Serializer):
    """What the holder of the receipt may see of a complaint."""

    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    category = serializers.CharField()
    opd = OpdSerializer(allow_null=True)
    oversight = serializers.SerializerMethodField()
    reason = serializers.CharField(source="routing_reason")
    fee_check = serializers.SerializerMethodField()
    delay_check = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(allow_null=True)

    def get_oversight(self, complaint) -> list[str]:
        return [opd.code for opd in complaint.oversight.all()]

    def get_status_label(self, complaint) -> str:
        return str(Status(complaint.status).label)

    def get_fee_check(self, complaint) -> dict:
        return complaint_fee_check(complaint).as_dict()

    def get_delay_check(self, complaint) -> dict:
        return complaint_delay_check(complaint).as_dict()


class EventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    text = serializers.CharField()
    at = serializers.DateTimeField(source="created_at")


class _AnonymousApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [AnonymousScopedThrottle]


class ComplaintSubmitApi(_AnonymousApi):
    throttle_scope = "submit"

    class OutputSerializer(ComplaintPublicSerializer):
        receipt = serializers.CharField()

    @documented(
        request=ComplaintInput,
        response=OutputSerializer,
        status=201,
        errors=(400, 409, 413, 415),
        proof_of_work=True,
        parameters=(IDEMPOTENCY_KEY,),
    )
    def post(self, request):
        answer = idempotency.answer_once(
            key=_idempotency_key(request),
            scope="api.complaints",
            perform=lambda retry: submission_counted(
                complaint_submit(**self._valid(request), retry=retry), channel="api"
            ),
            render=self.answer,
        )
        return _answered(answer, status.HTTP_201_CREATED)

    @staticmethod
    def _valid(request) -> dict:
        data = ComplaintInput(data=request.data)
        data.is_valid(raise_exception=True)
        return data.to_service_kwargs()

    @classmethod
    def answer(cls, complaint, receipt) -> dict:
        # The receipt is in this answer only; kept (for a retry) encrypted under the client's key.
        complaint.receipt = receipt
        return cls.OutputSerializer(complaint).data


class ComplaintTrackApi(_AnonymousApi):
    throttle_scope = "track"

    class OutputSerializer(ComplaintPublicSerializer):
        events = serializers.SerializerMethodField()
        can_reply = serializers.SerializerMethodField()
        can_rate = serializers.SerializerMethodField()
        withdrawn = serializers.SerializerMethodField()

        def get_events(self, complaint) -> list[dict]:
            return EventSerializer(events_for_reporter(complaint), many=True).data

        def get_can_reply(self, complaint) -> bool:
            return complaint.accepts_reporter_input

        def get_can_rate(self, complaint) -> bool:
            return complaint.awaits_reporter_decision

        def get_withdrawn(self, complaint) -> bool:
            return complaint.withdrawn_at is not None

    @documented(request=ReceiptInput, response=OutputSerializer, errors=(400, 404, 429))
    def post(self, request):
        data = ReceiptInput(data=request.data)
        data.is_valid(raise_exception=True)
        return _tracked(request, _reporter_complaint(data.validated_data["receipt"]))


def _reporter_complaint(receipt: str):
    complaint = complaint_get_by_receipt(receipt=receipt)
    if complaint is None:
        raise ComplaintNotFound(str(MSG_RECEIPT_UNKNOWN))
    return complaint


def _tracked(request, complaint, status_code=status.HTTP_200_OK) -> Response:
    return Response(ComplaintTrackApi.OutputSerializer(complaint).data, status=status_code)


def _tracked_answer(request, complaint, answer: idempotency.Answer, status_code) -> Response:
    """The track answer after a retry-safe action: the complaint as it is now, and whether this
    was a repeat that did nothing."""
    response = _tracked(request, complaint, status_code)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


class ReporterMessageApi(_AnonymousApi):
    """``POST track/messages/`` ``{"receipt", "body"}``: the reporter answers or adds to it."""

    throttle_scope = "submit"

    @documented(
        request=ReporterMessageInput,
        response=ComplaintTrackApi.OutputSerializer,
        status=201,
        errors=(400, 404, 409),
        proof_of_work=True,
        parameters=(IDEMPOTENCY_KEY,),
    )
    def post(self, request):
        key = _idempotency_key(request)
        data = ReporterMessageInput(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = _reporter_complaint(data.validated_data["receipt"])
        body = data.validated_data["body"]
        answer = idempotency.answer_once(
            key=key,
            scope=f"api.track.messages:{complaint.pk}",
            perform=lambda retry: complaint_reporter_message(
                complaint=complaint, body=body, retry=retry
            ),
            render=_acted,
        )
        return _tracked_answer(request, complaint, answer, status.HTTP_201_CREATED)


class ReporterPhotosApi(_AnonymousApi):
    """``POST track/photos/`` (multipart ``receipt``, ``photos``): more evidence."""

    throttle_scope = "submit"

    class InputSerializer(ReceiptInput):
        photos = serializers.ListField(
            child=serializers.FileField(allow_empty_file=True), allow_empty=False
        )

    @documented(
        request=InputSerializer,
        response=ComplaintTrackApi.OutputSerializer,
        status=201,
        errors=(400, 404, 409, 413, 415),
        proof_of_work=True,
        parameters=(IDEMPOTENCY_KEY,),
    )
    def post(self, request):
        key = _idempotency_key(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = _reporter_complaint(data.validated_data["receipt"])
        photos = data.validated_data["photos"]
        answer = idempotency.answer_once(
            key=key,
            scope=f"api.track.photos:{complaint.pk}",
            perform=lambda retry: complaint_reporter_photos(
                complaint=complaint, photos=photos, retry=retry
            ),
            render=_acted,
        )
        return _tracked_answer(request, complaint, answer, status.HTTP_201_CREATED)


class ReporterDecisionApi(_AnonymousApi):
    """``POST track/decision/`` ``{"receipt", "accept", "ratings": {element: 1..4}}``."""

    throttle_scope = "track"

    @documented(
        request=ReporterDecisionInput,
        response=ComplaintTrackApi.OutputSerializer,
        errors=(400, 404, 409, 429),
    )
    def post(self, request):
        data = ReporterDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = _reporter_complaint(data.validated_data["receipt"])
        complaint_reporter_decision(
            complaint=complaint,
            accept=data.validated_data["accept"],
            ratings=data.validated_data["ratings"],
        )
        return _tracked(request, complaint)


class ReporterWithdrawApi(_AnonymousApi):
    """``POST track/withdraw/`` ``{"receipt"}``: the reporter withdraws the complaint; it closes
    and what they wrote and sent is deleted. 409 while it is on legal hold."""

    throttle_scope = "track"

    @documented(
        request=ReceiptInput,
        response=ComplaintTrackApi.OutputSerializer,
        errors=(400, 404, 409, 429),
    )
    def post(self, request):
        data = ReceiptInput(data=request.data)
        data.is_valid(raise_exception=True)
        complaint = _reporter_complaint(data.validated_data["receipt"])
        complaint_withdraw(complaint=complaint)
        complaint.refresh_from_db()
        return _tracked(request, complaint)
