"""Filing an anonymous complaint: photos cleaned, checks computed, routed, in one transaction.

Photos are sanitized before any transaction opens (CPU work); their files are written inside
it and deleted again if it fails, so a refused or failed submission leaves no row and no file.
An evidence store that cannot take the files fails the whole submission (``StorageUnavailable``,
answered 503): no complaint is filed without its photos.
"""

import logging
from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import rollups
from complaints.checks import delay_check
from complaints.deadlines import WorkingCalendar
from complaints.evidence import SanitizedPhoto, photo_sanitize
from complaints.exceptions import InvalidInput
from complaints.idempotency import Retry
from complaints.models import Complaint, Event, Evidence
from complaints.receipts import receipt_hash, receipt_new, reference_new
from complaints.selectors import complaint_preview, fee_check_for, working_calendar
from complaints.services.rerouting import complaint_apply_decision
from complaints.services.transitions import event_append
from complaints.unavailable import StorageUnavailable, storage_call
from routing.models import Kelurahan, Opd, Service

logger = logging.getLogger(__name__)

MSG_TOO_MANY_PHOTOS = _("At most %(max)s photos can be attached.")


def photos_sanitize(*, files: Sequence) -> list[SanitizedPhoto]:
    """Read and clean uploaded photos (CPU work, done before any transaction opens)."""
    if len(files) > settings.PORTAL_MAX_PHOTOS:
        message = str(MSG_TOO_MANY_PHOTOS) % {"max": settings.PORTAL_MAX_PHOTOS}
        raise InvalidInput.on_field("photos", message)
    return [
        photo_sanitize(
            _read_upload(upload),
            max_bytes=settings.PORTAL_MAX_PHOTO_BYTES,
            max_pixels=settings.PORTAL_MAX_IMAGE_PIXELS,
            long_edge=settings.PORTAL_PHOTO_LONG_EDGE,
            thumb_edge=settings.PORTAL_THUMB_LONG_EDGE,
        )
        for upload in files
    ]


def _read_upload(upload) -> bytes:
    # Read one byte past the cap: enough to know a file is too large without reading it all.
    upload.seek(0)
    return upload.read(settings.PORTAL_MAX_PHOTO_BYTES + 1)


def complaint_submit(
    *,
    category: str,
    description: str,
    service: Service | None = None,
    reported_opd: Opd | None = None,
    kelurahan: Kelurahan | None = None,
    incident_date: date | None = None,
    amount_asked: int | None = None,
    amount_paid: int | None = None,
    karcis_given: bool | None = None,
    applied_date: date | None = None,
    involves_head: bool = False,
    photos: Sequence = (),
    retry: Retry | None = None,
) -> tuple[Complaint, str]:
    """File an anonymous complaint; returns it with its receipt (the only time it exists).

    With ``retry`` (``complaints.idempotency.answer_once``), the answer holding the receipt is
    stored, encrypted, in the same transaction as the complaint."""
    sanitized = photos_sanitize(files=photos)
    preview = complaint_preview(
        category=category,
        description=description,
        service=service,
        reported_opd=reported_opd,
        kelurahan=kelurahan,
        involves_head=involves_head,
        amount_asked=amount_asked,
        amount_paid=amount_paid,
    )
    decision = preview.decision
    if amount_asked is None and amount_paid is None and preview.amounts:
        amount_asked = preview.fee_check.amount  # the amount the description mentions
    calendar = working_calendar()
    complaint = Complaint(
        category=category,
        description=description,
        service=service,
        reported_opd=reported_opd,
        kelurahan=kelurahan,
        kecamatan=kelurahan.kecamatan if kelurahan else None,
        incident_date=incident_date,
        amount_asked=amount_asked,
        amount_paid=amount_paid,
        karcis_given=karcis_given,
        applied_date=applied_date,
        involves_head=involves_head,
    )
    _apply_checks(complaint, calendar=calendar, today=timezone.localdate())
    receipt = receipt_new()
    stored: list[Evidence] = []
    try:
        with transaction.atomic(), rollups.tracking(complaint):
            _insert_with_fresh_identifiers(complaint, receipt=receipt)
            event_append(complaint=complaint, kind=Event.Kind.STATUS)
            for photo in sanitized:
                stored.append(evidence_store(complaint=complaint, photo=photo))
            complaint_apply_decision(complaint=complaint, decision=decision, calendar=calendar)
            if retry is not None:
                retry.keep(complaint, receipt)
    except BaseException:
        evidence_files_discard(stored)
        raise
    return complaint, receipt


def _insert_with_fresh_identifiers(complaint: Complaint, *, receipt: str) -> None:
    """Insert with a random reference, drawing again on the rare collision."""
    complaint.receipt_hash = receipt_hash(receipt)
    for _attempt in range(5):
        complaint.reference = reference_new()
        try:
            with transaction.atomic():
                complaint.save(force_insert=True)
            return
        except IntegrityError:
            if Complaint.objects.filter(receipt_hash=complaint.receipt_hash).exists():
                raise
    raise IntegrityError("No free complaint reference after 5 draws.")


def _apply_checks(complaint: Complaint, *, calendar: WorkingCalendar, today: date) -> None:
    service = complaint.service
    fee = fee_check_for(
        service=service,
        amount_asked=complaint.amount_asked,
        amount_paid=complaint.amount_paid,
        karcis_given=complaint.karcis_given,
    )
    complaint.official_fee = fee.official_fee
    complaint.fee_excess = fee.excess
    complaint.fee_karcis_missing = fee.karcis_missing
    complaint.fee_flagged = fee.flagged
    delay = delay_check(
        applied_date=complaint.applied_date,
        on_date=today,
        time_limit=service.time_limit if service else None,
        time_unit=service.time_unit if service else "",
        calendar=calendar,
    )
    complaint.delay_working_days = delay.working_days
    complaint.delay_time_limit = delay.time_limit
    complaint.delay_time_unit = delay.time_unit
    complaint.delay_late_by = delay.late_by
    complaint.delay_flagged = delay.flagged


def evidence_store(*, complaint: Complaint, photo: SanitizedPhoto) -> Evidence:
    evidence = Evidence(
        complaint=complaint, sha256=photo.sha256, width=photo.width, height=photo.height
    )
    try:
        with storage_call():
            evidence.image.save("photo.jpg", ContentFile(photo.image), save=False)
            evidence.thumbnail.save("thumb.jpg", ContentFile(photo.thumbnail), save=False)
        evidence.save()
    except BaseException:
        evidence_files_discard([evidence])
        raise
    return evidence


def evidence_files_delete(evidence: Sequence[Evidence]) -> None:
    """Delete the photos' files from the store, or raise ``StorageUnavailable``."""
    with storage_call():
        for item in evidence:
            for field in (item.image, item.thumbnail):
                if field.name:
                    field.storage.delete(field.name)


def evidence_files_discard(evidence: Sequence[Evidence]) -> None:
    """Delete the files of photos whose rows were not written, while the failure that undid
    them goes on: a store that cannot delete them now leaves only a logged file name."""
    try:
        evidence_files_delete(evidence)
    except StorageUnavailable:
        names = [f.name for item in evidence for f in (item.image, item.thumbnail) if f.name]
        logger.warning("Files of a failed write left in the evidence store: %s", names)
