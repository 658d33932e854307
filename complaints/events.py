"""The only publisher to the channel layer, and the outbox that makes its delivery reliable.

Every event is published after its transaction commits (``on_commit(..., robust=True)``): a
rolled-back change is never announced and a channel-layer failure never fails the request.
An event counts as published once every group got it (``published_at``); the outbox sweeper
publishes again whatever was committed but not marked after a few seconds (at-least-once;
clients drop duplicates by ``seq``).

Groups and what they may receive:
- ``complaint.<id>``: the reporter's page; public events only, with their public text;
- ``staff.opd.<code>``: the OPD handling the complaint or holding an oversight copy (and the
  OPD it just left); ``staff.oversight``: the Inspektorat (pungli and overdue complaints);
  ``staff.all``: the coordinator, the mayor's office and admins. Staff messages carry no text
  and no staff name: a page that wants more asks the staff API, which checks scope again;
- ``staff.dashboard``: counters only, sent by the sweeper when anything happened (and once a
  minute, since "overdue" grows with time) rather than by every request.
"""

import logging
from datetime import timedelta
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints.models import FINAL_STATUSES, Category, Complaint, Event, Status

logger = logging.getLogger(__name__)

# Consumers' handlers are named after these types (dots become underscores).
EVENT_MESSAGE = "complaint.event"
STAFF_MESSAGE = "staff.complaint"
COUNTERS_MESSAGE = "staff.counters"

STAFF_ALL = "staff.all"
STAFF_OVERSIGHT = "staff.oversight"
STAFF_DASHBOARD = "staff.dashboard"
OUTBOX_DELAY = timedelta(seconds=5)


def complaint_group(complaint_id) -> str:
    return f"complaint.{complaint_id.hex}"


def opd_group(code: str) -> str:
    return f"staff.opd.{code}"


def event_payload(event: Event) -> dict:
    """An event as the reporter sees it (CONTRACT.md "Websocket")."""
    return {
        "type": "event",
        "seq": event.seq,
        "kind": event.kind,
        "status": event.status,
        "text": event.text,
        "at": event.created_at.isoformat(),
    }


def publish_on_commit(event: Event, *, left_opd: str | None = None) -> None:
    """Publish ``event`` once its transaction commits (``left_opd``: an OPD it was taken from)."""
    transaction.on_commit(partial(_publish, event.pk, left_opd), robust=True)


def _publish(event_pk: int, left_opd: str | None = None) -> None:
    event = Event.objects.select_related("complaint__opd").filter(pk=event_pk).first()
    if event is None:
        return
    try:
        event_send(event, left_opd=left_opd)
    except Exception:
        # The event is committed; the outbox sweeper publishes it again later.
        logger.exception("Publishing event %s failed; it stays in the outbox", event_pk)
        return
    Event.objects.filter(pk=event_pk).update(published_at=timezone.now())


def events_send(events: list[Event], *, left_opds: dict[int, str] | None = None) -> None:
    """Send events (ordered by complaint and seq) to every group that may see them."""
    left_opds = left_opds or {}
    send = async_to_sync(get_channel_layer().group_send)
    latest: dict = {}
    for event in events:
        if event.public:
            send(complaint_group(event.complaint_id), {"type": EVENT_MESSAGE, "event": event_payload(event)})
        latest[event.complaint_id] = event
    for event in latest.values():
        complaint = event.complaint
        summary = {"type": STAFF_MESSAGE, "complaint": staff_summary(complaint, event)}
        for group in staff_groups(complaint):
            send(group, summary)
    for event in events:
        if event.pk in left_opds:
            summary = staff_summary(event.complaint, event)
            send(opd_group(left_opds[event.pk]), {"type": STAFF_MESSAGE, "complaint": {**summary, "left": True}})


def event_send(event: Event, *, left_opd: str | None = None) -> None:
    """Send one event to every group that may see it."""
    events_send([event], left_opds={event.pk: left_opd} if left_opd else None)


def staff_summary(complaint: Complaint, event: Event) -> dict:
    """What a staff inbox needs to place a complaint, without any text."""
    return {
        "reference": complaint.reference,
        "seq": event.seq,
        "kind": event.kind,
        "status": complaint.status,
        "category": complaint.category,
        "opd": complaint.opd.code if complaint.opd_id else None,
        "due_at": complaint.due_at.isoformat() if complaint.due_at else None,
        "overdue": is_overdue(complaint),
        "at": event.created_at.isoformat(),
    }


def is_overdue(complaint: Complaint) -> bool:
    return bool(
        complaint.due_at
        and complaint.status not in FINAL_STATUSES
        and complaint.due_at < timezone.now()
    )


def staff_groups(complaint: Complaint) -> list[str]:
    """The staff groups whose members may see ``complaint`` (as complaints_visible_to says)."""
    groups = [STAFF_ALL]
    codes = set(complaint.oversight.values_list("code", flat=True))
    if complaint.opd_id:
        codes.add(complaint.opd.code)
    groups.extend(opd_group(code) for code in sorted(codes))
    if complaint.category == Category.PUNGLI or is_overdue(complaint):
        groups.append(STAFF_OVERSIGHT)
    return groups


def complaint_counters() -> dict:
    """The live counters of the dashboard: numbers only, nothing about any complaint."""
    now = timezone.now()
    open_statuses = [s for s in Status.values if s not in FINAL_STATUSES]
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    complaints = Complaint.objects.all()
    return {
        "received_today": complaints.filter(created_at__gte=today).count(),
        "open": complaints.filter(status__in=open_statuses).count(),
        "overdue": complaints.filter(status__in=open_statuses, due_at__lt=now).count(),
        "triage": complaints.filter(status=Status.TRIAGE).count(),
        "pungli_open": complaints.filter(status__in=open_statuses, category=Category.PUNGLI).count(),
    }


COUNTERS_EVERY = timedelta(seconds=60)
# What this process last told the dashboards: the newest event then, and when.
_counters_sent: dict = {"last_event": None, "at": None}


def counters_publish_if_changed(*, now=None) -> bool:
    """Send the dashboards' counters if an event happened since the last send, or a minute
    passed (overdue counts grow by themselves). Returns whether it sent."""
    now = now or timezone.now()
    last_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    sent_at = _counters_sent["at"]
    if last_event == _counters_sent["last_event"] and sent_at and now - sent_at < COUNTERS_EVERY:
        return False
    async_to_sync(get_channel_layer().group_send)(
        STAFF_DASHBOARD, {"type": COUNTERS_MESSAGE, "counters": complaint_counters()}
    )
    _counters_sent.update(last_event=last_event, at=now)
    return True


def outbox_sweep(*, older_than: timedelta = OUTBOX_DELAY, limit: int = 500) -> int:
    """Publish again the committed events not marked as published; returns how many went out.

    Runs periodically (``manage.py publish_outbox`` or inside `make run`'s server). Old enough
    to be sure the normal publish had its chance, so the common case publishes once.
    """
    cutoff = timezone.now() - older_than
    pending = (
        Event.objects.select_related("complaint__opd")
        .filter(Q(published_at__isnull=True), created_at__lt=cutoff)
        .order_by("complaint_id", "seq")[:limit]
    )
    sent = 0
    for event in pending:
        try:
            event_send(event)
        except Exception:
            logger.warning("The channel layer is unreachable; %s events wait in the outbox",
                           Event.objects.filter(published_at__isnull=True).count())
            return sent
        Event.objects.filter(pk=event.pk).update(published_at=timezone.now())
        sent += 1
    try:
        counters_publish_if_changed()
    except Exception:
        logger.warning("The channel layer is unreachable; the dashboard counters wait")
    return sent
