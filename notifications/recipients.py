"""Who may be told of a notice: exactly the staff who may see its complaint, and read its event,
as ``complaints.access`` decides (the same functions as the inbox, the pages and the sockets).

Asked twice: when a notice's mails are written, and again just before each is sent, so a
complaint that moved away (or walled an office off) in between is mailed to nobody who lost it.
"""

from collections.abc import Iterable

from complaints.access import complaints_visible_to, events_visible_to
from complaints.models import Visibility
from notifications.models import Notice


def notices_readable_by(user, notices: Iterable[Notice]) -> list[Notice]:
    """The notices among ``notices`` that ``user`` may be told of."""
    notices = list(notices)
    if not notices:
        return []
    visible = set(
        complaints_visible_to(user)
        .filter(pk__in={notice.complaint_id for notice in notices})
        .values_list("pk", flat=True)
    )
    return [
        notice
        for notice in notices
        if notice.complaint_id in visible and _event_readable(user, notice)
    ]


def _event_readable(user, notice: Notice) -> bool:
    # A notice without an event (a deadline warning) or of a public event is the complaint's;
    # an internal one (an escalation to the office's head) only for those who read the event.
    if notice.event_id is None or notice.event.visibility == Visibility.REPORTER:
        return True
    return events_visible_to(user, notice.complaint).filter(pk=notice.event_id).exists()
