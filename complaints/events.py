"""The only publisher to the channel layer: committed events go to their complaint's group.

Every event is published after its transaction commits (``on_commit(..., robust=True)``), so a
rolled-back change is never announced and a channel-layer failure never fails the request.
Only what the reporter may see leaves this module: internal notes and staff names never do.
"""

import logging
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from complaints.models import Event

logger = logging.getLogger(__name__)

# The consumer's handler for live events is named after this type (dots become underscores).
EVENT_MESSAGE_TYPE = "complaint.event"


def complaint_group(complaint_id) -> str:
    return f"complaint.{complaint_id.hex}"


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


def publish_on_commit(event: Event) -> None:
    if not event.public:
        return
    transaction.on_commit(
        partial(_publish, event.pk, complaint_group(event.complaint_id), event_payload(event)),
        robust=True,
    )


def _publish(event_pk: int, group: str, payload: dict) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(
            group, {"type": EVENT_MESSAGE_TYPE, "event": payload}
        )
    except Exception:
        # The event is committed; the outbox sweeper publishes it again later.
        logger.exception("Publishing event %s failed; it stays in the outbox", event_pk)
        return
    Event.objects.filter(pk=event_pk).update(published_at=timezone.now())
