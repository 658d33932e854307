"""Content lifetimes (docs/product.md §3 "Accountability and data lifetime"): a closed complaint's
photos are purged ``PORTAL_RETENTION_PHOTOS_DAYS`` after its closure, the reporter's own texts
``PORTAL_RETENTION_TEXT_DAYS`` after it; a complaint on legal hold is kept whole.

*Closure* is when the complaint last became final (closed, rejected or referred) as its own
event chain tells, the same moment ``integrity.verify`` checks each purge against: ``closed_at``
only picks the candidates, so an edited ``closed_at`` cannot bring a purge forward. What a purge
removes, and what it keeps, is ``services.purging.content_purge``'s to say.

``retention_purge`` is idempotent and safe to run concurrently: each complaint is re-read under
a row lock and what is due computed again, and what is gone cannot be purged twice. It runs
once a day with the clocks (``complaints.clocks``) and as ``manage.py retention_purge``.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints.integrity import PURGE_RETENTION, purge_parse
from complaints.models import FINAL_STATUS_LIST, FINAL_STATUSES, Complaint, Event, Evidence
from complaints.services.purging import content_purge, evidence_files_sweep


@dataclass
class PurgeReport:
    complaints: list[str] = field(default_factory=list)  # references, in the order purged
    texts: int = 0  # descriptions and reporter messages removed
    photos: int = 0  # photos whose files were removed

    def __str__(self):
        return (
            f"Purged under the retention rule: {self.texts} texts and {self.photos} photos "
            f"of {len(self.complaints)} complaints."
        )


def retention_periods() -> tuple[timedelta, timedelta]:
    """``(photos, texts)``: how long after closure each is kept."""
    return (
        timedelta(days=settings.PORTAL_RETENTION_PHOTOS_DAYS),
        timedelta(days=settings.PORTAL_RETENTION_TEXT_DAYS),
    )


def retention_purge(*, now: datetime | None = None) -> PurgeReport:
    """Purge what the retention rule says is due by ``now`` (never later than the clock: the
    purge event is stamped with it); returns what it removed."""
    clock = timezone.now()
    now = min(now or clock, clock)
    photos_kept, texts_kept = retention_periods()
    report = PurgeReport()
    final = Complaint.objects.filter(status__in=FINAL_STATUS_LIST, legal_hold=False)
    with_photos = Evidence.objects.filter(purged_at__isnull=True).values("complaint")
    with_messages = (
        Event.objects.filter(kind=Event.Kind.REPORTER_MESSAGE, purged_at__isnull=True)
        .exclude(text="")
        .values("complaint")
    )
    candidates = final.filter(
        Q(closed_at__lte=now - photos_kept, pk__in=with_photos)
        | (Q(closed_at__lte=now - texts_kept) & (~Q(description="") | Q(pk__in=with_messages)))
    )
    for pk in candidates.order_by("closed_at").values_list("pk", flat=True).iterator():
        event = _purge_one(pk, now=now, photos_kept=photos_kept, texts_kept=texts_kept)
        if event is not None:
            purge = purge_parse(event.text)
            report.complaints.append(event.complaint.reference)
            report.texts += int(purge.description) + len(purge.seqs)
            report.photos += purge.photos
    evidence_files_sweep()  # files an earlier run could not delete
    return report


@transaction.atomic
def _purge_one(pk, *, now, photos_kept: timedelta, texts_kept: timedelta) -> Event | None:
    complaint = Complaint.objects.select_for_update().get(pk=pk)
    if complaint.legal_hold or complaint.status not in FINAL_STATUSES:
        return None
    closed = closure_time(complaint)
    if closed is None:
        return None
    return content_purge(
        complaint=complaint,
        rule=PURGE_RETENTION,
        texts=closed <= now - texts_kept,
        photos=closed <= now - photos_kept,
    )


def closure_time(complaint: Complaint) -> datetime | None:
    """When the complaint last became final, by its event chain; None while it is open."""
    closed = None
    statuses = complaint.events.order_by("-seq").values_list("status", "created_at")
    for status, created_at in statuses.iterator():
        if status not in FINAL_STATUSES:
            break
        closed = created_at
    return closed
