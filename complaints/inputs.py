"""What reporters and staff may send, validated once for the API and the pages alike.

The API's views (``api.apis``) and the HTML forms (``frontend``) read a request through these
serializers and hand the validated data to ``complaints.services``; messages are for people
(Indonesian unless the client asks for English), and every text limit is ``TEXT_MAX``.

It also owns strict reading, for every surface: whole numbers only in the ASCII digits 0-9 and
of a bounded length (``ascii_int``, ``DigitsField``), JSON of a bounded nesting depth read
without recursion (``json_loads_strict``), and free text that counts as empty when nothing in it
is visible (``has_visible``, ``TextField``).
"""

import json
import math
import re
import unicodedata
from datetime import date, timedelta

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
MSG_NUMBER = _("Enter a whole number using the digits 0-9 only.")

# Longest whole number any field takes (PositiveBigIntegerField holds 19 digits); amounts and
# ratings have their own, smaller bounds.
NUMBER_MAX_DIGITS = 18
# No request of the API nests deeper than 3 levels; 20 leaves room and stops "[[[[..." (5,000
# levels) long before Python's recursive JSON decoder would overflow its stack.
JSON_MAX_DEPTH = 20
# A JSON number longer than this is not a count, an amount or a rating of anyone's.
JSON_MAX_NUMBER_CHARS = 40


# --- Strict reading: numbers, JSON, visible text ---------------------------------------------


def ascii_int(value, *, max_digits: int = NUMBER_MAX_DIGITS) -> int:
    """The whole number ``value`` writes in the ASCII digits 0-9 alone (spaces around allowed),
    at most ``max_digits`` of them; ``ValueError`` for anything else.

    Python's ``int`` also reads other scripts' digits ("٣"), signs, underscores ("1_000") and
    thousands of digits; none of that is a number a person typed into a form.
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        raise ValueError("not a whole number in the digits 0-9")
    return int(text)


# A JSON string (escapes included) or one bracket: brackets inside strings are not structure.
_JSON_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def json_depth_ok(text: str, *, max_depth: int = JSON_MAX_DEPTH) -> bool:
    """Whether the arrays and objects in ``text`` nest at most ``max_depth`` deep (and no
    bracket closes one that never opened). One pass, no recursion, whatever the input."""
    depth = 0
    for match in _JSON_STRUCTURE.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                return False
        elif token in "]}":
            depth -= 1
            if depth < 0:
                return False
    return True


def _json_int(text: str) -> int:
    if len(text) > JSON_MAX_NUMBER_CHARS:
        raise ValueError("number too long")
    return int(text)


def _json_float(text: str) -> float:
    value = float(text) if len(text) <= JSON_MAX_NUMBER_CHARS else math.inf
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _json_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def json_loads_strict(text: str, *, max_depth: int = JSON_MAX_DEPTH):
    """``json.loads`` for text from outside: ``ValueError`` (never ``RecursionError``) when it
    nests deeper than ``max_depth``, has a number longer than ``JSON_MAX_NUMBER_CHARS`` or out
    of a float's range, or uses ``NaN``/``Infinity``, or is not JSON at all."""
    if not json_depth_ok(text, max_depth=max_depth):
        raise ValueError("JSON nested too deeply")
    return json.loads(
        text, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant
    )


# Characters that show nothing though Unicode does not file them as spaces or format controls:
# the Hangul fillers, the Braille blank, the combining grapheme joiner, Khmer and Mongolian
# invisible vowels and selectors, and the variation selectors.
_BLANK_LOOKING = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u2800\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
# Control (Cc), format (Cf: zero-width space and joiners, word joiner, BOM, soft hyphen,
# direction marks, tags) and the separators: spaces of every width, line and paragraph.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def has_visible(text: str) -> bool:
    """Whether ``text`` shows anything: a text of spaces, zero-width characters and other
    invisible ones alone is empty to a reader, whatever its length."""
    return any(
        char not in _BLANK_LOOKING and unicodedata.category(char) not in _INVISIBLE_CATEGORIES
        for char in text
    )


class TextField(serializers.CharField):
    """Free text a person writes (descriptions, messages, notes, reasons, summaries). Text in
    which nothing is visible counts as empty: "required" when a text is required, ``""`` when
    it may be left out (so nothing invisible is ever stored as if it were a message)."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str) and data and not has_visible(data):
            data = ""
        return super().run_validation(data)


# [0-9], not \d: \d also matches other scripts' digits, which Django's date parsing reads.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def ascii_date(value) -> date:
    """The date ``value`` writes as ``YYYY-MM-DD`` in the digits 0-9; ``ValueError`` otherwise
    (``date.fromisoformat`` alone also reads "20260401" and "2026-W14-1")."""
    text = value.strip() if isinstance(value, str) else ""
    if not _ISO_DATE.fullmatch(text):
        raise ValueError("not a YYYY-MM-DD date")
    return date.fromisoformat(text)


class DayField(serializers.DateField):
    """A date written ``YYYY-MM-DD`` (``ascii_date``)."""

    def to_internal_value(self, value):
        if isinstance(value, date):
            return super().to_internal_value(value)
        try:
            return ascii_date(value)
        except ValueError:
            self.fail("invalid", format="YYYY-MM-DD")


def _date_field() -> serializers.DateField:
    return DayField(
        required=False, allow_null=True, error_messages={"invalid": MSG_DATE, "datetime": MSG_DATE}
    )


class DigitsField(serializers.IntegerField):
    """A whole number: a JSON integer, or text of the digits 0-9 alone (``ascii_int``) of at
    most ``max_digits``. DRF's ``IntegerField`` reads "10.000" as 10 (it drops a zero decimal
    part), but that is how an Indonesian writes ten thousand; and Python's ``int`` reads other
    scripts' digits ("١") and thousands of digits. Booleans and fractions are refused too."""

    default_error_messages = {"invalid": MSG_NUMBER, "max_string_length": MSG_NUMBER}

    def __init__(self, *, max_digits: int = NUMBER_MAX_DIGITS, **kwargs):
        self.max_digits = max_digits
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int):
            if len(str(abs(data))) > self.max_digits:
                self.fail("invalid")
            return data
        try:
            return ascii_int(data, max_digits=self.max_digits)
        except ValueError:
            self.fail("invalid")


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
        required=False,
        allow_null=True,
        min_value=0,
        max_value=MAX_AMOUNT,
        max_digits=len(str(MAX_AMOUNT)),
        error_messages=messages,
    )


# Directory codes (OPD, service, kelurahan) are short printable ASCII ("DISHUB", "17.71.06.1006").
CODE_MAX = 64


class CodeField(serializers.SlugRelatedField):
    """A directory object by its ``code``. What cannot be a code is "unknown" before any lookup:
    PostgreSQL refuses a NUL byte in a query parameter (a 500), and nothing else need reach it."""

    def to_internal_value(self, data):
        if not (isinstance(data, str) and data.isascii() and data.isprintable()):
            self.fail("invalid")
        if len(data) > CODE_MAX:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data[:CODE_MAX])
        return super().to_internal_value(data)


def _code_field(queryset, message) -> serializers.SlugRelatedField:
    return CodeField(
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
    description = TextField(
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
    description = TextField(
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

    body = TextField(
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
            max_digits=3,
            error_messages={
                "invalid": MSG_RATING,
                "max_string_length": MSG_RATING,
                "null": MSG_RATING,
                "required": MSG_RATING,
            },
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
