"""Merging duplicates: complaints about the same thing handled together, each reporter apart.

The triage desk merges a duplicate into the original. From then on the duplicate *follows*
its original: it takes the status staff give the original, the office that handles it and the
office's public replies, while its reporter keeps seeing only their own text, messages and
decision, and is told it is "handled together with another report". Nothing of the original's
reporter reaches the duplicate's, or the other way round; each accepts, disputes and rates only
their own complaint, so no reporter's action can close another's. A reporter who disputes the
shared resolution takes their complaint back out of the merge (``duplicate_detach``).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import rollups
from complaints.access import Action, acting_role, writer_office
from complaints.exceptions import Conflict, InvalidInput
from complaints.models import Complaint, Event, Visibility
from complaints.selectors import working_calendar
from complaints.services.deadlines import Cause, deadlines_update
from complaints.services.transitions import complaint_transition, event_append
from complaints.workflow import Role

MSG_MERGE_SELF = _("A complaint cannot be merged into itself.")
MSG_MERGE_TARGET = _("The original complaint must be open and not itself a duplicate.")
MSG_MERGE_DUPLICATE = _("This complaint already has duplicates merged into it.")
MSG_MERGE_CLOSED = _("A closed complaint cannot be merged.")
TEXT_DUPLICATE = "Ditangani bersama laporan lain tentang hal yang sama"
TEXT_ORIGINAL = "Laporan lain tentang hal yang sama ditangani bersama laporan ini"
TEXT_DETACHED = "Pelapor belum puas; laporan ini ditangani tersendiri lagi"
TEXT_RELEASED = "Laporan ini kembali ditangani tersendiri"


def complaint_merge(*, user, duplicate: Complaint, original: Complaint, reason: str = "") -> Event:
    """The triage desk merges ``duplicate`` into ``original``; returns the duplicate's event."""
    if duplicate.pk == original.pk:
        raise InvalidInput.on_field("into", MSG_MERGE_SELF)
    acting_role(user, duplicate, Action.MERGE)
    with transaction.atomic():
        # Lock both rows in one order, so two merges cannot deadlock; then check them as locked.
        for row in sorted((duplicate, original), key=lambda complaint: str(complaint.pk)):
            row.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if not original.is_open or original.merged_into_id is not None:
            raise InvalidInput.on_field("into", MSG_MERGE_TARGET)
        if not duplicate.is_open:
            raise Conflict(str(MSG_MERGE_CLOSED))
        if duplicate.duplicates.exists():
            raise InvalidInput.on_field("into", MSG_MERGE_DUPLICATE)
        duplicate.merged_into = original
        duplicate.save(update_fields=["merged_into"])
        event = event_append(complaint=duplicate, kind=Event.Kind.MERGED, text=TEXT_DUPLICATE)
        if reason:
            event_append(
                complaint=duplicate,
                kind=Event.Kind.NOTE,
                text=reason,
                visibility=Visibility.OFFICE,
                office=writer_office(user),
                actor=user,
            )
        event_append(complaint=original, kind=Event.Kind.MERGED, text=TEXT_ORIGINAL, actor=user)
        _follow(duplicate, original)
        return event


def duplicates_follow(*, original: Complaint, reply: Event | None = None, text: str = "") -> None:
    """After staff act on ``original``: its duplicates take its office and status (with the
    status change's ``text``: the question, the action taken, the reason), and the office's
    public ``reply`` — never anything a reporter wrote."""
    for duplicate in original.duplicates.select_for_update():
        if not duplicate.is_open:
            continue  # its reporter has accepted: their complaint is theirs to close
        _follow(duplicate, original, text=text)
        if reply is not None:
            event_append(
                complaint=duplicate, kind=Event.Kind.MESSAGE, text=reply.text, actor=reply.actor
            )


def _follow(duplicate: Complaint, original: Complaint, *, text: str = "") -> None:
    if duplicate.opd_id != original.opd_id:
        with rollups.tracking(duplicate):
            duplicate.opd_id = original.opd_id
            duplicate.save(update_fields=["opd"])
        if original.opd_id is not None:
            event_append(
                complaint=duplicate,
                kind=Event.Kind.REASSIGNED,
                text=f"Ditangani oleh {original.opd.name}",
            )
    if duplicate.status != original.status:
        complaint_transition(
            complaint=duplicate, target=original.status, role=Role.FOLLOW, text=text
        )


def duplicate_detach(duplicate: Complaint) -> None:
    """A disputed duplicate is handled on its own again (the caller holds its row lock)."""
    duplicate.merged_into = None
    duplicate.save(update_fields=["merged_into"])
    event_append(complaint=duplicate, kind=Event.Kind.MERGED, text=TEXT_DETACHED)


def duplicates_release(*, original: Complaint) -> None:
    """The original is withdrawn by its reporter: each open duplicate is handled on its own
    again, where it stands, with its own deadline (nothing of the withdrawal reaches it)."""
    calendar = working_calendar()
    for duplicate in original.duplicates.select_for_update():
        if not duplicate.is_open:
            continue
        with rollups.tracking(duplicate):
            duplicate.merged_into = None
            deadlines_update(duplicate, cause=Cause.STATUS, now=timezone.now(), calendar=calendar)
            duplicate.save()
        event_append(complaint=duplicate, kind=Event.Kind.MERGED, text=TEXT_RELEASED)
