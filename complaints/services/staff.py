"""What staff do to a complaint: status changes, replies and notes, its public summary; and
staff accounts. Every function takes the acting ``user``; the role it acts in is resolved by
``complaints.access``, the workflow table decides the move."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import rollups
from complaints.access import NOTE_ACTIONS, Action, acting_role, transition_role, writer_office
from complaints.exceptions import Conflict, InvalidInput
from complaints.models import Complaint, Event, StaffProfile, Status, Visibility
from complaints.selectors import working_calendar
from complaints.services.deadlines import Cause, deadlines_update
from complaints.services.merging import duplicates_follow
from complaints.services.transitions import (
    complaint_transition,
    event_append,
    transition_refused,
)
from complaints.workflow import STAFF_ACTION_TARGETS
from routing.models import Opd

MSG_MESSAGE_REQUIRED = _("Write the message the reporter will read.")
MSG_TRANSITION_BY_ACTION = _(
    "“%(target)s” is not set by a status change: route the complaint to an office to assign it, "
    "or merge a duplicate into its original to close it."
)
MSG_CLOSED_FOR_MESSAGES = _("The complaint is closed; no more messages can be added.")
# System event texts are Indonesian (docs/product.md "Language"); the summary's own text never
# goes into an event: the event says only that it changed, and who changed it.
TEXT_SUMMARY_UPDATED = "Ringkasan publik diperbarui"
TEXT_SUMMARY_WITHDRAWN = "Ringkasan publik ditarik"
# Statuses whose move must say something to the reporter: the question, the action, the reason.
_NEEDS_MESSAGE = {Status.NEEDS_INFO, Status.RESOLVED, Status.REJECTED, Status.REFERRED}


def complaint_staff_transition(
    *, user, complaint: Complaint, target: str, message: str = ""
) -> Event:
    """A staff member moves a complaint: the workflow decides whether any of their roles may."""
    message = (message or "").strip()
    if target in _NEEDS_MESSAGE and not message:
        raise InvalidInput.on_field("message", MSG_MESSAGE_REQUIRED)
    acting_role(user, complaint, Action.TRANSITION)
    if target in STAFF_ACTION_TARGETS:
        raise Conflict(str(MSG_TRANSITION_BY_ACTION) % {"target": Status(target).label})
    role = transition_role(user, complaint, target)
    if role is None:
        raise Conflict(transition_refused(complaint, target))
    with transaction.atomic():
        event = complaint_transition(
            complaint=complaint, target=target, role=role, actor=user, text=message
        )
        duplicates_follow(original=complaint, text=message)
        return event


def complaint_staff_message(
    *, user, complaint: Complaint, body: str, visibility: str = Visibility.REPORTER
) -> Event:
    """A public reply the reporter reads, or a note for the writer's office (and oversight), or
    a note for oversight only (docs/product.md §3 "Walls against the insider")."""
    acting_role(user, complaint, NOTE_ACTIONS[visibility])
    public = visibility == Visibility.REPORTER
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if public and not complaint.is_open:
            raise Conflict(str(MSG_CLOSED_FOR_MESSAGES))
        if public and complaint.first_response_at is None:
            with rollups.tracking(complaint):
                changed = deadlines_update(
                    complaint,
                    cause=Cause.FIRST_RESPONSE,
                    now=timezone.now(),
                    calendar=working_calendar(),
                )
                complaint.save(update_fields=changed)
        event = event_append(
            complaint=complaint,
            kind=Event.Kind.MESSAGE if public else Event.Kind.NOTE,
            text=body,
            visibility=visibility,
            office=None if public else writer_office(user),
            actor=user,
        )
        if public:
            duplicates_follow(original=complaint, reply=event)
        return event


def complaint_public_summary(*, user, complaint: Complaint, text: str) -> Event:
    """Write (and so approve) the complaint's public summary, the only complaint text the
    de-identified export carries; empty withdraws it. Any status: it is often written at the
    end. The event is an office note that says only that the summary changed."""
    acting_role(user, complaint, Action.PUBLIC_SUMMARY)
    text = (text or "").strip()
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        complaint.public_summary = text
        complaint.save(update_fields=["public_summary", "updated_at"])
        return event_append(
            complaint=complaint,
            kind=Event.Kind.NOTE,
            text=TEXT_SUMMARY_UPDATED if text else TEXT_SUMMARY_WITHDRAWN,
            visibility=Visibility.OFFICE,
            office=writer_office(user),
            actor=user,
        )


def staff_account_ensure(
    *,
    username: str,
    password: str,
    role: str | None = None,
    opd: Opd | None = None,
    superuser: bool = False,
):
    """Create a staff account (or bring it back to this role, OPD and password)."""
    user, _created = get_user_model().objects.get_or_create(username=username)
    user.is_staff = superuser
    user.is_superuser = superuser
    user.is_active = True
    if not user.check_password(password):
        user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role)[0]] if role else [])
    StaffProfile.objects.update_or_create(user=user, defaults={"opd": opd})
    return user
