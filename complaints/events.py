"""The only publisher of complaint events to the channel layer, and the outbox that makes
their delivery reliable.

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
- ``staff.dashboard``: counters only, and not from here: ``complaints.counters`` sends them at
  the outbox sweeper's pace rather than on every request.

Which groups may see a complaint and each event is ``complaints.access``'s to say
(``event_staff_groups``); this module only sends.
"""

import logging
from datetime import timedelta
from functools import partial
from itertools import groupby
from operator import attrgetter

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from complaints.access import complaint_group, event_staff_groups, hour_of, opd_group
from complaints.models import Complaint, Event
from config import metrics

logger = logging.getLogger(__name__)

# Consumers' handlers are named after these types (dots become underscores).
EVENT_MESSAGE = "complaint.event"
STAFF_MESSAGE = "staff.complaint"

OUTBOX_DELAY = timedelta(seconds=5)


def event_payload(event: Event) -> dict:
    """An event as the reporter sees it (docs/interface.md "Websocket")."""
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
    event = Event.objects.select_related("complaint__opd", "office").filter(pk=event_pk).first()
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
    """Send events (ordered by complaint and seq) to every group that may see them: the
    reporter's group the events for the reporter, each staff group one summary per complaint,
    of the latest event it may read (``complaints.access.event_staff_groups``)."""
    left_opds = left_opds or {}
    messages: list[tuple[str, dict]] = []
    latest: dict = {}
    for event in events:
        if event.public:
            message = {"type": EVENT_MESSAGE, "event": event_payload(event)}
            messages.append((complaint_group(event.complaint_id), message))
        for group in event_staff_groups(event, event.complaint):
            latest[(event.complaint_id, group)] = event
    for (_complaint_id, group), event in latest.items():
        messages.append(
            (group, {"type": STAFF_MESSAGE, "complaint": staff_summary(event.complaint, event)})
        )
    for event in events:
        if event.pk in left_opds:
            summary = staff_summary(event.complaint, event)
            messages.append(
                (
                    opd_group(left_opds[event.pk]),
                    {"type": STAFF_MESSAGE, "complaint": {**summary, "left": True}},
                )
            )
    # One trip to the event loop for all of them: each async_to_sync call is a hand-over to the
    # loop's thread and back (a new loop in a thread where none runs, as in the clocks), paid
    # per message before; a submission sends about eight.
    async_to_sync(_group_send_all)(get_channel_layer(), messages)
    metrics.events_published(events)


async def _group_send_all(layer, messages: list[tuple[str, dict]]) -> None:
    """Send in order, one after the other, as the reporter's page expects seqs in order."""
    for group, message in messages:
        await layer.group_send(group, message)


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
        "overdue": complaint.is_overdue,
        # To the hour: the office's inbox has no need of the reporter's second (access).
        "at": hour_of(event.created_at).isoformat(),
    }


def outbox_sweep(*, older_than: timedelta = OUTBOX_DELAY, limit: int = 500) -> int:
    """Publish again the committed events not marked as published; returns how many went out.

    Runs periodically (``manage.py publish_outbox`` or inside `make run`'s server). Old enough
    to be sure the normal publish had its chance, so the common case publishes once.

    A bounded number of queries whatever the backlog: one read of the pending events with their
    complaints, OPDs and oversight copies (``complaint_staff_groups`` reads the prefetched
    ``oversight``), one UPDATE of the events that went out, and a count only if the layer fails.
    """
    cutoff = timezone.now() - older_than
    pending = list(
        Event.objects.select_related("complaint__opd", "office")
        .prefetch_related("complaint__oversight")
        .filter(published_at__isnull=True, created_at__lt=cutoff)
        .order_by("complaint_id", "seq")[:limit]
    )
    sent: list[int] = []
    failed = False
    # Complaint by complaint: ``events_send`` gives staff one summary per complaint (its latest
    # event), so a complaint's events are published together or not at all. A layer that fails
    # midway stops the sweep; what went out before stays marked, the rest goes next time
    # (at-least-once: clients drop duplicates by seq).
    for _complaint_id, batch in groupby(pending, key=attrgetter("complaint_id")):
        batch = list(batch)
        try:
            events_send(batch)
        except Exception:
            failed = True
            break
        sent.extend(event.pk for event in batch)
    if sent:
        Event.objects.filter(pk__in=sent).update(published_at=timezone.now())
    if failed:
        logger.warning(
            "The channel layer is unreachable; %s events wait in the outbox",
            Event.objects.filter(published_at__isnull=True).count(),
        )
    return len(sent)
