"""The reporter's side of the conversation: answers, more photos, the verdict with ratings, and
withdrawal.

Each takes an optional ``retry`` (``complaints.idempotency.answer_once``): its answer is kept in
the same transaction as the change, so a repeated request posts nothing twice.

The receipt holder is the ``reporter`` role of the workflow; whether the complaint still takes
their input is its own predicate (``Complaint.accepts_reporter_input``,
``Complaint.awaits_reporter_decision``).
"""

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import rollups
from complaints.exceptions import Conflict, InvalidInput
from complaints.idempotency import Retry
from complaints.integrity import PURGE_WITHDRAWAL
from complaints.models import Complaint, Event, Evidence, Rating, RatingElement, Status
from complaints.services.merging import duplicate_detach, duplicates_release
from complaints.services.purging import content_purge
from complaints.services.submission import (
    MSG_TOO_MANY_PHOTOS,
    evidence_files_discard,
    evidence_store,
    photos_sanitize,
)
from complaints.services.transitions import complaint_transition, event_append
from complaints.workflow import Role

MSG_REPORTER_CLOSED = _("This complaint is closed; it can no longer receive messages or photos.")
MSG_NOT_RESOLVED = _(
    "The complaint has not been resolved yet, so there is nothing to accept or dispute."
)
MSG_ALREADY_RATED = _("This complaint has been rated already.")
MSG_RATING = _("Each rating is a whole number from 1 to 4.")
MSG_REQUIRED_PHOTO = _("Choose at least one photo.")
MSG_WITHDRAW_ON_HOLD = _(
    "This complaint is being handled by law enforcement, so it cannot be withdrawn now."
)
TEXT_WITHDRAWN_STATUS = "Ditarik oleh pelapor"
TEXT_WITHDRAWN = "Pelapor menarik laporan ini; isi laporan dan fotonya dihapus"


def complaint_reporter_message(
    *, complaint: Complaint, body: str, retry: Retry | None = None
) -> Event:
    """The reporter writes; an answer to a question moves the case back to ``in_progress``."""
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if not complaint.accepts_reporter_input:
            raise Conflict(str(MSG_REPORTER_CLOSED))
        event = event_append(complaint=complaint, kind=Event.Kind.REPORTER_MESSAGE, text=body)
        if complaint.status == Status.NEEDS_INFO:
            event = complaint_transition(
                complaint=complaint, target=Status.IN_PROGRESS, role=Role.REPORTER
            )
        if retry is not None:
            retry.keep(complaint)
        return event


def complaint_reporter_photos(
    *, complaint: Complaint, photos: Sequence, retry: Retry | None = None
) -> Event:
    """More photo evidence from the reporter, sanitized like the first ones."""
    if not complaint.accepts_reporter_input:
        raise Conflict(str(MSG_REPORTER_CLOSED))
    limit = settings.PORTAL_MAX_PHOTOS_PER_COMPLAINT
    if complaint.evidence.count() + len(photos) > limit:
        raise InvalidInput.on_field("photos", str(MSG_TOO_MANY_PHOTOS) % {"max": limit})
    sanitized = photos_sanitize(files=photos)
    if not sanitized:
        raise InvalidInput.on_field("photos", MSG_REQUIRED_PHOTO)
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
            if not complaint.accepts_reporter_input:
                raise Conflict(str(MSG_REPORTER_CLOSED))
            for photo in sanitized:
                stored.append(evidence_store(complaint=complaint, photo=photo))
            event = event_append(complaint=complaint, kind=Event.Kind.PHOTOS, text=str(len(stored)))
            if retry is not None:
                retry.keep(complaint)
            return event
    except BaseException:
        evidence_files_discard(stored)
        raise


def complaint_reporter_decision(
    *,
    complaint: Complaint,
    accept: bool,
    ratings: dict[str, int] | None = None,
    retry: Retry | None = None,
) -> Event:
    """Accept (closes) or dispute (reopens) a resolved complaint, and rate it once."""
    ratings = ratings or {}
    for element, value in ratings.items():
        valid = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4
        if element not in RatingElement.values or not valid:
            raise InvalidInput.on_field("ratings", MSG_RATING)
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if not complaint.awaits_reporter_decision:
            raise Conflict(str(MSG_NOT_RESOLVED))
        if not accept and complaint.merged_into_id is not None:
            duplicate_detach(complaint)
        if ratings:
            if complaint.ratings.exists():
                raise Conflict(str(MSG_ALREADY_RATED))
            rollups.ratings_add(
                Rating.objects.bulk_create(
                    Rating(
                        complaint=complaint,
                        opd=complaint.opd,
                        service=complaint.service,
                        element=element,
                        value=value,
                    )
                    for element, value in ratings.items()
                )
            )
            event_append(complaint=complaint, kind=Event.Kind.RATED, text="")
        event = complaint_transition(
            complaint=complaint,
            target=Status.CLOSED if accept else Status.IN_PROGRESS,
            role=Role.REPORTER,
            text=""
            if accept
            else "Pelapor belum puas dengan penyelesaian; pengaduan dibuka kembali",
        )
        if retry is not None:
            retry.keep(complaint)
        return event


def complaint_withdraw(*, complaint: Complaint, retry: Retry | None = None) -> Event | None:
    """The reporter withdraws their complaint: it closes (if open) with their reason, and what
    they wrote and sent is removed at once (``services.purging``), files after commit. Refused
    while the complaint is on legal hold. Withdrawing again removes only what is left (a
    complaint reopened since may hold new messages); None when nothing was left to do."""
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if complaint.legal_hold:
            raise Conflict(str(MSG_WITHDRAW_ON_HOLD))
        was_open = complaint.is_open
        if complaint.withdrawn_at is not None and not was_open and not _reporter_content(complaint):
            if retry is not None:
                retry.keep(complaint)
            return None
        if was_open:
            complaint_transition(
                complaint=complaint,
                target=Status.CLOSED,
                role=Role.REPORTER,
                text=TEXT_WITHDRAWN_STATUS,
            )
            duplicates_release(original=complaint)
        complaint.withdrawn_at = timezone.now()
        complaint.save(update_fields=["withdrawn_at", "updated_at"])
        event = event_append(complaint=complaint, kind=Event.Kind.WITHDRAWN, text=TEXT_WITHDRAWN)
        purged = content_purge(complaint=complaint, rule=PURGE_WITHDRAWAL, texts=True, photos=True)
        if retry is not None:
            retry.keep(complaint)
        return purged or event


def _reporter_content(complaint: Complaint) -> bool:
    """Whether anything the reporter wrote or sent is still there."""
    return bool(
        complaint.description
        or complaint.evidence.filter(purged_at__isnull=True).exists()
        or complaint.events.filter(kind=Event.Kind.REPORTER_MESSAGE, purged_at__isnull=True)
        .exclude(text="")
        .exists()
    )
