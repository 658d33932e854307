"""The dashboard's live counters (``staff.dashboard``): numbers only, nothing about any complaint.

Counted from the complaints with the model's own predicates (``Complaint.objects.open()``,
``.overdue()``), so "open" and "overdue" mean here what they mean everywhere else. Sent by the
periodic jobs beside the outbox sweep (``manage.py publish_outbox``, or `make run`'s server)
when anything happened, and once a minute since "overdue" grows with time; a staff socket that
joins the dashboard group gets the current counters at once (``frontend.consumers``).
"""

import logging
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from complaints.access import STAFF_DASHBOARD
from complaints.models import Category, Complaint, Event, Status

logger = logging.getLogger(__name__)

# The consumers' handler is named after this type (``staff_counters``).
COUNTERS_MESSAGE = "staff.counters"
COUNTERS_EVERY = timedelta(seconds=60)
# What this process last told the dashboards: the newest event then, and when.
_counters_sent: dict = {"last_event": None, "at": None}


def complaint_counters() -> dict:
    """The live counters of the dashboard: numbers only, nothing about any complaint."""
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    complaints = Complaint.objects.all()
    open_complaints = Complaint.objects.open()
    return {
        "received_today": complaints.filter(created_at__gte=today).count(),
        "open": open_complaints.count(),
        "overdue": Complaint.objects.overdue(now=now).count(),
        "triage": complaints.filter(status=Status.TRIAGE).count(),
        "pungli_open": open_complaints.filter(category=Category.PUNGLI).count(),
    }


def counters_publish_if_changed(*, now=None) -> bool:
    """Send the dashboards' counters if an event happened since the last send, or a minute
    passed (overdue counts grow by themselves). Returns whether it sent.

    A channel layer that is down is logged and retried at the next call, not raised: the
    periodic job that calls this must go on (like the outbox sweep, it waits for the layer).
    """
    now = now or timezone.now()
    last_event = Event.objects.order_by("-pk").values_list("pk", flat=True).first()
    sent_at = _counters_sent["at"]
    if last_event == _counters_sent["last_event"] and sent_at and now - sent_at < COUNTERS_EVERY:
        return False
    counters = complaint_counters()
    try:
        async_to_sync(get_channel_layer().group_send)(
            STAFF_DASHBOARD, {"type": COUNTERS_MESSAGE, "counters": counters}
        )
    except Exception:
        logger.warning("The channel layer is unreachable; the dashboard counters wait")
        return False
    _counters_sent.update(last_event=last_event, at=now)
    return True
