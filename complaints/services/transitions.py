"""The single choke point of the workflow, and the one way an event is appended.

``complaint_transition`` locks the complaint's row, asks the workflow table
(``complaints.workflow``) whether the role may make the move, moves the deadlines and appends
the event, in one transaction; ``event_append`` gives each event the next ``seq`` of its
complaint and leaves publishing to ``complaints.events`` after commit.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import events, integrity, rollups
from complaints.deadlines import WorkingCalendar
from complaints.exceptions import Conflict
from complaints.models import Complaint, Event, Status, Visibility
from complaints.selectors import working_calendar
from complaints.services.deadlines import Cause, deadlines_update
from complaints.workflow import Role, transition_allowed
from notifications.notices import event_notice
from routing.models import Opd

MSG_TRANSITION = _("A complaint that is “%(current)s” cannot be moved to “%(target)s” by you.")


def complaint_transition(
    *,
    complaint: Complaint,
    target: str,
    role: Role,
    actor=None,
    text: str = "",
    calendar: WorkingCalendar | None = None,
) -> Event:
    """Move a complaint to ``target`` if the workflow lets ``role`` do it; append the event."""
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if not transition_allowed(current=complaint.status, target=target, role=role):
            raise Conflict(transition_refused(complaint, target))
        with rollups.tracking(complaint):
            complaint.status = target
            deadlines_update(
                complaint,
                cause=Cause.STATUS,
                now=timezone.now(),
                role=role,
                calendar=calendar or working_calendar(),
            )
            complaint.save()
        return event_append(complaint=complaint, kind=Event.Kind.STATUS, text=text, actor=actor)


def transition_refused(complaint: Complaint, target: str) -> str:
    return str(MSG_TRANSITION) % {
        "current": Status(complaint.status).label,
        "target": Status(target).label,
    }


def event_append(
    *,
    complaint: Complaint,
    kind: str,
    text: str = "",
    visibility: str = Visibility.REPORTER,
    office: Opd | None = None,
    actor=None,
    left_opd: str | None = None,
) -> Event:
    """Append the next event of a complaint, chained to the one before (the caller holds its
    transaction; the ``last_seq`` update locks the complaint's row until it ends)."""
    Complaint.objects.filter(pk=complaint.pk).update(last_seq=F("last_seq") + 1)
    complaint.refresh_from_db(fields=["last_seq"])
    previous = (
        Event.objects.filter(complaint=complaint, seq=complaint.last_seq - 1)
        .values_list("chain_hash", flat=True)
        .first()
    )
    event = Event(
        complaint=complaint,
        seq=complaint.last_seq,
        kind=kind,
        status=complaint.status,
        text=text,
        visibility=visibility,
        office=office,
        actor=actor,
    )
    integrity.event_seal(event, reference=complaint.reference, previous=previous)
    event.save(force_insert=True)
    events.publish_on_commit(event, left_opd=left_opd)
    # Staff e-mail it is worth (notifications), recorded in this same transaction.
    event_notice(event)
    return event
