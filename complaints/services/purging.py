"""Removing for good what a reporter wrote and sent: under the retention rule, or at once when
they withdraw the complaint; and the legal hold that keeps a complaint whole.

What goes: the reporter's own words (the complaint's description, the texts of their messages)
and their photos (both files). What stays: every row (a message keeps its ``content_hash``, a
*tombstone* the integrity chain still verifies, docs/integrity.md "Tombstones"; a photo keeps
its SHA-256 and size), the status history, what staff wrote (replies, notes, the public
summary) and the figures (the rollups count complaints, not words). One ``purged`` event, which
the reporter reads too, says what was removed under which rule.

A copy of the description kept for the routing evaluation (``RoutingFeedback``) goes with it.
Files are deleted once the transaction has committed; a photo whose files could not be deleted
keeps their names until a later run (``evidence_files_sweep``) deletes them.
"""

import logging
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.access import Action, acting_role, writer_office
from complaints.exceptions import Conflict, InvalidInput
from complaints.integrity import Purge, purge_text
from complaints.models import Complaint, Event, Evidence, Visibility
from complaints.services.submission import evidence_files_delete
from complaints.services.transitions import event_append
from complaints.unavailable import StorageUnavailable
from routing.models import RoutingFeedback

logger = logging.getLogger(__name__)

MSG_HOLD_REASON = _("Give the reason for the legal hold (for oversight only).")
MSG_HOLD_ALREADY = _("The complaint is already on legal hold.")
MSG_HOLD_NOT_SET = _("The complaint is not on legal hold.")
MSG_ON_HOLD = _("The complaint is on legal hold: nothing of it may be removed.")
# System event texts are Indonesian (docs/product.md "Language").
TEXT_HOLD_SET = "Ditahan untuk proses hukum: {reason}"
TEXT_HOLD_LIFTED = "Penahanan untuk proses hukum dicabut: {reason}"


def content_purge(*, complaint: Complaint, rule: str, texts: bool, photos: bool) -> Event | None:
    """Remove the reporter's texts and/or photos under ``rule`` (``integrity.PURGE_*``) and
    append the ``purged`` event that names them; None if there was nothing left to remove.

    The caller holds the transaction and the complaint's row lock, and has checked the rule.
    """
    if complaint.legal_hold:
        raise Conflict(str(MSG_ON_HOLD))
    now = timezone.now()
    description, seqs, removed_photos = False, (), 0
    if texts:
        messages = Event.objects.filter(
            complaint=complaint, kind=Event.Kind.REPORTER_MESSAGE, purged_at__isnull=True
        ).exclude(text="")
        seqs = tuple(sorted(messages.values_list("seq", flat=True)))
        messages.update(text="", purged_at=now)
        if complaint.description:
            description = True
            RoutingFeedback.objects.filter(
                category=complaint.category, description=complaint.description
            ).delete()
            Complaint.objects.filter(pk=complaint.pk).update(description="")
            complaint.description = ""
    if photos:
        evidence = Evidence.objects.filter(complaint=complaint, purged_at__isnull=True)
        pks = list(evidence.values_list("pk", flat=True))
        removed_photos = evidence.update(purged_at=now)
        transaction.on_commit(partial(evidence_files_sweep, pks), robust=True)
    if not (description or seqs or removed_photos):
        return None
    purge = Purge(rule=rule, description=description, seqs=seqs, photos=removed_photos)
    return event_append(complaint=complaint, kind=Event.Kind.PURGED, text=purge_text(purge))


def evidence_files_sweep(pks=None) -> int:
    """Delete the files of purged photos (of ``pks``, or every one still holding a file name)
    and forget their names; returns how many photos were cleared."""
    pending = Evidence.objects.filter(purged_at__isnull=False).exclude(image="", thumbnail="")
    if pks is not None:
        pending = pending.filter(pk__in=pks)
    cleared = 0
    for item in pending:
        try:
            evidence_files_delete([item])
        except StorageUnavailable:
            logger.exception("Deleting the files of purged photo %s failed; retried later", item.pk)
            continue
        cleared += Evidence.objects.filter(pk=item.pk).update(image="", thumbnail="")
    return cleared


def complaint_legal_hold(*, user, complaint: Complaint, hold: bool, reason: str) -> Event:
    """The Inspektorat (or an admin) keeps a complaint whole while its case is with law
    enforcement (no purge, no withdrawal), or lifts that; the reason is for oversight only."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.on_field("reason", MSG_HOLD_REASON)
    acting_role(user, complaint, Action.LEGAL_HOLD)
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if complaint.legal_hold == hold:
            raise Conflict(str(MSG_HOLD_ALREADY if hold else MSG_HOLD_NOT_SET))
        complaint.legal_hold = hold
        complaint.save(update_fields=["legal_hold", "updated_at"])
        return event_append(
            complaint=complaint,
            kind=Event.Kind.HOLD,
            text=(TEXT_HOLD_SET if hold else TEXT_HOLD_LIFTED).format(reason=reason),
            visibility=Visibility.OVERSIGHT,
            office=writer_office(user),
            actor=user,
        )
