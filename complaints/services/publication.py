"""Publishing a complaint's summary in the Open311 feed (docs/interface.md "Open311").

The feed carries no text of a complaint but the one written here, by someone
``complaints.access.may_publish_summary`` allows: never the office the complaint is about.
The summary's own text never goes into an event; the event, an office note like the one for the
export's summary (``complaints.services.staff``), says only that it was published or withdrawn.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.access import may_publish_summary, writer_office
from complaints.exceptions import NotPermitted
from complaints.models import Complaint, Event, Visibility
from complaints.services.transitions import event_append

MSG_NOT_PUBLISHER = _(
    "Only the complaint desk, the Inspektorat or an admin publish a summary (for pungli, only "
    "the Inspektorat or an admin), and never an office the complaint is about."
)
# System event texts are Indonesian (docs/product.md "Language").
TEXT_PUBLISHED = "Ringkasan untuk umpan Open311 disetujui"
TEXT_UNPUBLISHED = "Ringkasan untuk umpan Open311 ditarik"


def complaint_summary_publish(*, user, complaint: Complaint, text: str) -> Event:
    """Approve ``text`` as the summary the Open311 feed publishes (empty withdraws it)."""
    if not may_publish_summary(user, complaint):
        raise NotPermitted(str(MSG_NOT_PUBLISHER))
    text = (text or "").strip()
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        complaint.published_summary = text
        complaint.published_summary_by = user if text else None
        complaint.published_summary_at = timezone.now() if text else None
        complaint.save(
            update_fields=[
                "published_summary",
                "published_summary_by",
                "published_summary_at",
                "updated_at",
            ]
        )
        return event_append(
            complaint=complaint,
            kind=Event.Kind.NOTE,
            text=TEXT_PUBLISHED if text else TEXT_UNPUBLISHED,
            visibility=Visibility.OFFICE,
            office=writer_office(user),
            actor=user,
        )
