"""What a status change does, said as the click's verb, with what it needs from staff.

``complaints.access`` decides which statuses a user may move a complaint to now; this module
only names each move for the page ("Ask the reporter for information", not "Needs
information"), says which text it asks for and whether the text is required, and whether it
names a destination (a referral). The same status can mean different acts: ``in_progress`` is
"start" from ``assigned``, "continue" from ``needs_info`` and "reopen" from a resolution.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from complaints.models import Status

# A reopened case must say why (the reporter reads it); the API leaves it to the caller.
MSG_REOPEN_REASON = _("Say why the case is reopened: the reporter reads it.")
MSG_DESTINATION_REQUIRED = _("Choose where the case is referred.")


@dataclass(frozen=True)
class Verb:
    target: str  # the status it moves to (the form's ``to``)
    label: str  # the button: what the click does
    text_label: str = ""  # the text asked for; empty: none
    text_required: bool = False
    destination: bool = False  # a referral names where it goes
    primary: bool = False  # the usual next step
    danger: bool = False  # ends the case for the reporter

    @property
    def key(self) -> str:
        return self.target


def _in_progress(current: str) -> Verb:
    if current in (Status.RESOLVED, Status.CLOSED):
        return Verb(
            Status.IN_PROGRESS,
            _("Reopen the case"),
            _("Why it is reopened (the reporter reads it)"),
            text_required=True,
        )
    if current == Status.NEEDS_INFO:
        return Verb(
            Status.IN_PROGRESS,
            _("Continue without an answer"),
            _("Message to the reporter (optional)"),
        )
    return Verb(
        Status.IN_PROGRESS,
        _("Start work"),
        _("Message to the reporter (optional)"),
        primary=True,
    )


_VERBS = {
    Status.NEEDS_INFO: lambda current: Verb(
        Status.NEEDS_INFO,
        _("Ask the reporter for information"),
        _("Your question (the reporter reads it)"),
        text_required=True,
    ),
    Status.RESOLVED: lambda current: Verb(
        Status.RESOLVED,
        _("Mark as resolved"),
        _("What was done (the reporter reads it)"),
        text_required=True,
        primary=True,
    ),
    Status.REJECTED: lambda current: Verb(
        Status.REJECTED,
        _("Reject"),
        _("Why it is rejected (the reporter reads it)"),
        text_required=True,
        danger=True,
    ),
    Status.REFERRED: lambda current: Verb(
        Status.REFERRED,
        _("Refer to law enforcement or the Ombudsman"),
        _("What is referred, and why (the reporter reads it)"),
        text_required=True,
        destination=True,
        danger=True,
    ),
    Status.IN_PROGRESS: _in_progress,
}


def verb_for(current: str, target: str) -> Verb:
    make = _VERBS.get(target)
    if make is not None:
        return make(current)
    return Verb(
        target,
        _("Move to “%(status)s”") % {"status": Status(target).label},
        _("Message to the reporter (optional)"),
    )


def verbs_for(current: str, targets: list[str]) -> list[Verb]:
    """The verbs of the moves allowed now, the usual next step first."""
    verbs = [verb_for(current, target) for target in targets]
    return sorted(verbs, key=lambda verb: (not verb.primary, verb.danger))


def page_requirement(current: str, target: str, *, message: str, destination: str) -> tuple:
    """What the page asks beyond the service's own checks: ``(field, message)`` or ``None``."""
    verb = verb_for(current, target)
    if verb.destination and not destination:
        return "destination", MSG_DESTINATION_REQUIRED
    if target == Status.IN_PROGRESS and verb.text_required and not message.strip():
        return "message", MSG_REOPEN_REASON
    return None
