"""What staff may send: one input per staff action, validated once for the staff API and the
staff pages alike (the reporter's inputs are in ``complaints.inputs``).

Inputs that name another object look it up within what the user may see: a complaint to merge
into, a reroute request of this complaint. Nothing out of scope is ever confirmed to exist.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.access import complaints_visible_to
from complaints.inputs import (
    MSG_MESSAGE_EMPTY,
    MSG_TEXT_LONG,
    MSG_UNKNOWN_OPD,
    CodeField,
    DigitsField,
    TextField,
)
from complaints.models import TEXT_MAX, Status, Visibility
from routing.models import Opd

MSG_UNKNOWN_STATUS = _("Unknown status.")
MSG_UNKNOWN_COMPLAINT = _("No complaint with that reference.")
MSG_UNKNOWN_REQUEST = _("Unknown request.")
MSG_VISIBILITY = _("Choose who may read it: the reporter, your office, or oversight only.")
MSG_HOLD = _("Say whether to set the legal hold or to lift it.")
MSG_SUMMARY_REQUIRED = _("Write the public summary (leave it empty to withdraw the one published).")


def text_field(**kwargs) -> serializers.CharField:
    """Free text (a message, a note, a reason): nothing visible in it counts as empty."""
    messages = {"blank": MSG_MESSAGE_EMPTY, "required": MSG_MESSAGE_EMPTY}
    return TextField(
        max_length=TEXT_MAX, error_messages={**messages, "max_length": MSG_TEXT_LONG}, **kwargs
    )


def _optional_text() -> serializers.CharField:
    return text_field(required=False, allow_blank=True, default="")


def _opd_field(**kwargs) -> CodeField:
    messages = {"does_not_exist": MSG_UNKNOWN_OPD, "invalid": MSG_UNKNOWN_OPD}
    messages |= {"required": MSG_UNKNOWN_OPD, "null": MSG_UNKNOWN_OPD}
    return CodeField(
        slug_field="code", queryset=Opd.objects.all(), error_messages=messages, **kwargs
    )


# "Dilimpahkan" (``referred``) hands a case to a body outside the city government: law
# enforcement or the Ombudsman (docs/product.md F4). A referral may name which: the code is what
# clients send, the name (Indonesian, like every event text) opens the message the reporter reads.
REFERRAL_BODIES = {
    "police": ("Kepolisian", _("the Police (law enforcement)")),
    "prosecutor": ("Kejaksaan", _("the Public Prosecutor's Office (law enforcement)")),
    "ombudsman": ("Ombudsman Republik Indonesia", _("the Ombudsman of the Republic of Indonesia")),
}
MSG_UNKNOWN_DESTINATION = _(
    "Choose where the case is referred: the police, the prosecutor or the Ombudsman."
)
MSG_DESTINATION_ONLY_REFERRAL = _("Only a referral has a destination outside the city government.")


def referral_text(destination: str, message: str) -> str:
    """The message of a referral, opened by where it goes."""
    return f"Dilimpahkan ke {REFERRAL_BODIES[destination][0]}. {message}"


class TransitionInput(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=Status.choices,
        error_messages={"invalid_choice": MSG_UNKNOWN_STATUS, "required": MSG_UNKNOWN_STATUS},
    )
    message = _optional_text()
    destination = serializers.ChoiceField(
        choices=[(code, label) for code, (_name, label) in REFERRAL_BODIES.items()],
        required=False,
        error_messages={
            "invalid_choice": MSG_UNKNOWN_DESTINATION,
            "null": MSG_UNKNOWN_DESTINATION,
        },
    )

    def validate(self, data):
        destination = data.pop("destination", None)
        if destination is None:
            return data
        if data["to"] != Status.REFERRED:
            raise serializers.ValidationError({"destination": [MSG_DESTINATION_ONLY_REFERRAL]})
        # An empty message stays empty: the service asks for it, as for any referral.
        if data["message"].strip():
            data["message"] = referral_text(destination, data["message"])
        return data


class StaffMessageInput(serializers.Serializer):
    """A reply or a note. ``visibility`` says who reads it; ``internal: true`` without it means
    a note for the writer's office."""

    body = text_field()
    internal = serializers.BooleanField(default=False)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        required=False,
        error_messages={"invalid_choice": MSG_VISIBILITY},
    )

    def validate(self, data):
        internal = data.pop("internal")
        visibility = data.get("visibility")
        if visibility is None:
            data["visibility"] = Visibility.OFFICE if internal else Visibility.REPORTER
        elif internal and visibility == Visibility.REPORTER:
            raise serializers.ValidationError({"visibility": [MSG_VISIBILITY]})
        return data


class ReassignInput(serializers.Serializer):
    opd = _opd_field()
    reason = text_field()


class RerouteRequestInput(serializers.Serializer):
    """ "Bukan kewenangan kami": the office it belongs to, and why."""

    opd = _opd_field()
    reason = text_field()


class RerouteDecisionInput(serializers.Serializer):
    """Approve (to the suggested office, or ``opd``) or decline one pending request."""

    request = DigitsField(
        min_value=1,
        max_value=2**62,
        error_messages=dict.fromkeys(
            ("invalid", "required", "null", "min_value", "max_value", "max_string_length"),
            MSG_UNKNOWN_REQUEST,
        ),
    )
    approve = serializers.BooleanField()
    opd = _opd_field(required=False, allow_null=True, default=None)
    note = _optional_text()

    def validate_request(self, value):
        request = self.context["complaint"].reroute_requests.filter(pk=value).first()
        if request is None:
            raise serializers.ValidationError(MSG_UNKNOWN_REQUEST)
        return request


class PublicSummaryInput(serializers.Serializer):
    """The complaint's public summary: what the de-identified export publishes, written (and
    so approved) by staff. Empty withdraws it."""

    summary = TextField(
        max_length=TEXT_MAX,
        allow_blank=True,
        error_messages={
            "required": MSG_SUMMARY_REQUIRED,
            "null": MSG_SUMMARY_REQUIRED,
            "max_length": MSG_TEXT_LONG,
        },
    )


class PublishedSummaryInput(serializers.Serializer):
    """The summary the Open311 feed publishes (``complaints.services.publication``), approved
    by whoever writes it here. Empty withdraws it."""

    text = TextField(
        max_length=TEXT_MAX,
        allow_blank=True,
        error_messages={
            "required": MSG_SUMMARY_REQUIRED,
            "null": MSG_SUMMARY_REQUIRED,
            "max_length": MSG_TEXT_LONG,
        },
    )


class LegalHoldInput(serializers.Serializer):
    """Set (``hold: true``) or lift the legal hold, with the reason (for oversight only)."""

    hold = serializers.BooleanField(
        error_messages={"required": MSG_HOLD, "invalid": MSG_HOLD, "null": MSG_HOLD}
    )
    reason = text_field()


class MergeInput(serializers.Serializer):
    """Merge this complaint, a duplicate, into the original named by its reference."""

    into = serializers.CharField(
        max_length=24,
        error_messages=dict.fromkeys(
            ("blank", "required", "null", "max_length"), MSG_UNKNOWN_COMPLAINT
        ),
    )
    reason = _optional_text()

    def validate_into(self, value):
        original = (
            complaints_visible_to(self.context["user"]).filter(reference=value.strip()).first()
        )
        if original is None:
            raise serializers.ValidationError(MSG_UNKNOWN_COMPLAINT)
        return original
