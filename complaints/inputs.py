"""What reporters and staff may send, validated once for the API and the pages alike.

The API's views (``api.apis``) and the HTML forms (``frontend``) read a request through these
serializers and hand the validated data to ``complaints.services``; messages are for people
(Indonesian unless the client asks for English), and every text limit is ``TEXT_MAX``.
"""

import re
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.models import TEXT_MAX, Category
from complaints.receipts import receipt_normalize
from routing.models import Kelurahan, Opd, Service

MAX_AMOUNT = 1_000_000_000  # Rp1 miliar: anything above is a typo, not a bribe at a counter
MAX_YEARS_BACK = 5

MSG_REQUIRED = _("This field is required.")
MSG_CATEGORY = _("Choose the type of report: pungli, delay or other.")
MSG_DESCRIPTION_EMPTY = _("Tell us what happened.")
# Shared by every text field of the API (DRF fills in {max_length}).
MSG_TEXT_LONG = _("Please write at most {max_length} characters.")
MSG_MESSAGE_EMPTY = _("Write a message.")
MSG_UNKNOWN_SERVICE = _("Unknown service.")
MSG_UNKNOWN_OPD = _("Unknown office.")
MSG_UNKNOWN_KELURAHAN = _("Unknown kelurahan.")
MSG_AMOUNT = _("Enter an amount in whole rupiah, without dots, from 0 to 1.000.000.000.")
MSG_DATE = _("Enter a date as YYYY-MM-DD.")
MSG_DATE_FUTURE = _("The date cannot be in the future.")
MSG_DATE_OLD = _("The date cannot be more than 5 years ago.")
MSG_BOOLEAN = _("Answer yes or no.")
MSG_RECEIPT = _("A receipt has 16 digits.")
MSG_NOT_A_FILE = _("Attach the photo as a file.")
MSG_RATING = _("Each rating is a whole number from 1 to 4.")
MSG_WITHDRAW_CONFIRM = _(
    "Tick “I am sure” to withdraw: what you wrote and your photos are deleted for good."
)


def _date_field() -> serializers.DateField:
    return serializers.DateField(
        required=False, allow_null=True, error_messages={"invalid": MSG_DATE, "datetime": MSG_DATE}
    )


class DigitsField(serializers.IntegerField):
    """A whole number written with the digits 0-9 only. DRF's ``IntegerField`` reads "10.000"
    as 10 (it drops a zero decimal part), but that is how an Indonesian writes ten thousand; and
    Python's ``int`` reads other scripts' digits ("١"): text other than plain digits is refused."""

    _digits = re.compile(r"[0-9]+")

    def to_internal_value(self, data):
        if isinstance(data, str) and not self._digits.fullmatch(data.strip()):
            self.fail("invalid")
        return super().to_internal_value(data)


class RupiahField(DigitsField):
    """Whole rupiah."""


def _amount_field() -> serializers.IntegerField:
    messages = {
        "invalid": MSG_AMOUNT,
        "min_value": MSG_AMOUNT,
        "max_value": MSG_AMOUNT,
        "max_string_length": MSG_AMOUNT,
    }
    return RupiahField(
        required=False, allow_null=True, min_value=0, max_value=MAX_AMOUNT, error_messages=messages
    )


def _code_field(queryset, message) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=queryset,
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": message, "invalid": message},
    )


class ComplaintInput(serializers.Serializer):
    category = serializers.ChoiceField(
        choices=Category.choices,
        error_messages={
            "required": MSG_CATEGORY,
            "invalid_choice": MSG_CATEGORY,
            "null": MSG_CATEGORY,
            "blank": MSG_CATEGORY,
        },
    )
    description = serializers.CharField(
        max_length=TEXT_MAX,
        error_messages={
            "required": MSG_DESCRIPTION_EMPTY,
            "blank": MSG_DESCRIPTION_EMPTY,
            "null": MSG_DESCRIPTION_EMPTY,
            "max_length": MSG_TEXT_LONG,
        },
    )
    service = _code_field(Service.objects.filter(is_active=True), MSG_UNKNOWN_SERVICE)
    opd = _code_field(Opd.objects.filter(is_active=True), MSG_UNKNOWN_OPD)
    kelurahan = _code_field(Kelurahan.objects.select_related("kecamatan"), MSG_UNKNOWN_KELURAHAN)
    incident_date = _date_field()
    amount_asked = _amount_field()
    amount_paid = _amount_field()
    karcis_given = serializers.BooleanField(
        required=False, allow_null=True, default=None, error_messages={"invalid": MSG_BOOLEAN}
    )
    applied_date = _date_field()
    involves_head = serializers.BooleanField(
        required=False, default=False, error_messages={"invalid": MSG_BOOLEAN}
    )
    photos = serializers.ListField(
        child=serializers.FileField(
            allow_empty_file=True,
            error_messages={"invalid": MSG_NOT_A_FILE, "no_name": MSG_NOT_A_FILE},
        ),
        required=False,
        default=list,
    )

    def validate_incident_date(self, value):
        return _past_date(value)

    def validate_applied_date(self, value):
        return _past_date(value)

    def to_service_kwargs(self) -> dict:
        """The validated data, named as ``complaints.services.complaint_submit`` takes it."""
        data = dict(self.validated_data)
        data["reported_opd"] = data.pop("opd", None)
        return data


def _past_date(value):
    if value is None:
        return value
    today = timezone.localdate()
    if value > today:
        raise serializers.ValidationError(MSG_DATE_FUTURE)
    if value < today - timedelta(days=366 * MAX_YEARS_BACK):
        raise serializers.ValidationError(MSG_DATE_OLD)
    return value


class ReceiptInput(serializers.Serializer):
    receipt = serializers.CharField(
        max_length=64,
        error_messages={
            "required": MSG_RECEIPT,
            "blank": MSG_RECEIPT,
            "max_length": MSG_RECEIPT,
            "null": MSG_RECEIPT,
        },
    )

    def validate_receipt(self, value):
        normalized = receipt_normalize(value)
        if normalized is None:
            raise serializers.ValidationError(MSG_RECEIPT)
        return normalized


class PreviewInput(ComplaintInput):
    """The report form as it stands while the citizen is still typing: nothing is required."""

    category = serializers.ChoiceField(
        choices=Category.choices,
        required=False,
        default=Category.OTHER,
        error_messages={"invalid_choice": MSG_CATEGORY, "null": MSG_CATEGORY},
    )
    description = serializers.CharField(
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        default="",
        error_messages={"max_length": MSG_TEXT_LONG},
    )
    incident_date = None
    applied_date = None
    photos = None


class ReporterMessageInput(ReceiptInput):
    """The reporter answers or adds information (``track/messages/``, the tracking page)."""

    body = serializers.CharField(
        max_length=TEXT_MAX,
        error_messages={
            "required": MSG_MESSAGE_EMPTY,
            "blank": MSG_MESSAGE_EMPTY,
            "null": MSG_MESSAGE_EMPTY,
            "max_length": MSG_TEXT_LONG,
        },
    )


class ReporterDecisionInput(ReceiptInput):
    """The reporter accepts or disputes a resolution, and may rate the service once
    (``track/decision/``, the tracking page): ``{"accept": bool, "ratings": {element: 1..4}}``.

    Here each rating is a whole number; which elements exist and the range 1 to 4 are the
    domain's rule (``complaint_reporter_decision``).
    """

    accept = serializers.BooleanField(
        error_messages={"required": MSG_BOOLEAN, "invalid": MSG_BOOLEAN, "null": MSG_BOOLEAN}
    )
    ratings = serializers.DictField(
        child=DigitsField(
            error_messages={
                "invalid": MSG_RATING,
                "max_string_length": MSG_RATING,
                "null": MSG_RATING,
                "required": MSG_RATING,
            }
        ),
        required=False,
        default=dict,
        error_messages={"not_a_dict": MSG_RATING},
    )


class WithdrawalInput(ReceiptInput):
    """The tracking page's withdrawal form: the receipt, and "saya yakin" ticked (the API's
    ``track/withdraw/`` takes the receipt alone)."""

    confirm = serializers.BooleanField(
        error_messages={
            "required": MSG_WITHDRAW_CONFIRM,
            "invalid": MSG_WITHDRAW_CONFIRM,
            "null": MSG_WITHDRAW_CONFIRM,
        }
    )

    def validate_confirm(self, value):
        if not value:
            raise serializers.ValidationError(MSG_WITHDRAW_CONFIRM)
        return value
