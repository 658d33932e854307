"""Which events are worth an e-mail, recorded in the event's own transaction.

``event_notice`` is called by ``complaints.services.transitions.event_append`` (the one way an
event is written), so a notice exists exactly when its event was committed, and a rolled-back
change mails nobody. Only the kinds below make a notice; a staff member's own replies and notes,
ratings and the like are read in the inbox.

Deadline warnings have no event: ``due_soon_record`` writes them when the clocks run.
"""

from django.conf import settings

from complaints.models import Complaint, Event, Status
from complaints.selectors import working_calendar
from notifications.models import Notice

_NEW_STATUSES = {Status.ASSIGNED, Status.TRIAGE}


def event_notice(event: Event) -> Notice | None:
    """Record the notice ``event`` is worth, if any (the caller holds the transaction)."""
    kind = _kind_of(event)
    if kind is None:
        return None
    complaint = event.complaint
    return Notice.objects.create(
        complaint=complaint,
        event=event,
        kind=kind,
        opd_id=complaint.opd_id,
        due_at=complaint.due_at,
        created_at=event.created_at,
    )


def notice_current(notice: Notice) -> bool:
    """Whether a notice still holds: "new for an office" only while the complaint is with that
    office (reassigned before its mail went out, the new office's own notice tells it)."""
    return notice.kind != Notice.Kind.NEW or notice.complaint.opd_id == notice.opd_id


def _kind_of(event: Event) -> str | None:
    complaint = event.complaint
    if event.kind == Event.Kind.REPORTER_MESSAGE:
        return Notice.Kind.ANSWER
    if event.kind == Event.Kind.PHOTOS:
        return Notice.Kind.PHOTOS
    if event.kind == Event.Kind.ESCALATED:
        return Notice.Kind.OVERDUE
    # A merged duplicate follows its original's moves: staff hear of the original only.
    if complaint.merged_into_id is not None:
        return None
    if event.kind == Event.Kind.REASSIGNED:
        return Notice.Kind.NEW
    if event.kind != Event.Kind.STATUS:
        return None
    if event.status in _NEW_STATUSES:
        return Notice.Kind.NEW
    if event.status == Status.IN_PROGRESS and event.actor_id is None and _was_resolved(event):
        # Back in progress by no staff member, from "resolved": the reporter disputes. (An answer
        # that moves a question back is told by its own notice.)
        return Notice.Kind.DISPUTE
    return None


def _was_resolved(event: Event) -> bool:
    before = Event.objects.filter(complaint_id=event.complaint_id, seq=event.seq - 1)
    return before.filter(status=Status.RESOLVED).exists()


def due_soon_record(*, now) -> int:
    """Warn of each deadline of a complaint still in an office's hands that falls within
    ``PORTAL_NOTIFY_DUE_SOON_DAYS`` working days; once per deadline. Returns how many."""
    horizon = working_calendar().add_working_days(now, settings.PORTAL_NOTIFY_DUE_SOON_DAYS)
    soon = Complaint.objects.unresolved().filter(
        due_at__gte=now, due_at__lte=horizon, merged_into__isnull=True
    )
    warned = set(
        Notice.objects.filter(kind=Notice.Kind.DUE_SOON, complaint__in=soon).values_list(
            "complaint_id", "due_at"
        )
    )
    notices = [
        Notice(
            complaint_id=pk,
            kind=Notice.Kind.DUE_SOON,
            opd_id=opd_id,
            due_at=due_at,
            created_at=now,
        )
        for pk, opd_id, due_at in soon.values_list("pk", "opd_id", "due_at")
        if (pk, due_at) not in warned
    ]
    # Two clocks racing here write one warning: the unique constraint keeps the first.
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return len(notices)
