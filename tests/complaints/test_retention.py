"""Content lifetimes (docs/product.md §3 "Accountability and data lifetime", complaints.retention):
photos purged ``PORTAL_RETENTION_PHOTOS_DAYS`` (365) after closure, the reporter's own texts
``PORTAL_RETENTION_TEXT_DAYS`` (730) after it, legal hold excepted; and the tombstones the
integrity check accepts (docs/integrity.md "Tombstones") and the edits it still catches.

The histories are written in the past (``tests.complaints.retention.at``: the clock and the
events' stamps), because closure is what the event chain says: moving ``closed_at`` alone does not
age a complaint. Planted strings go into the description and a reporter message, real JPEGs
into the photos; after the purge every table and the media folder are scanned for them.
"""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from complaints import integrity
from complaints.clocks import clocks_run
from complaints.integrity import PURGE_RETENTION, PURGE_WITHDRAWAL, Purge, purge_text
from complaints.models import Complaint, Event, Evidence, Status, Visibility
from complaints.retention import retention_purge
from complaints.services import (
    complaint_legal_hold,
    complaint_reporter_message,
    complaint_reporter_photos,
    complaint_staff_message,
    event_append,
)
from routing.models import RoutingFeedback
from tests.complaints.retention import (
    PLANTED,
    PLANTED_DESCRIPTION,
    PLANTED_MESSAGE,
    STAFF_REPLY,
    at,
    database_leaks,
    media_leaks,
    photo_files,
    planted_photo,
)
from tests.complaints.rollupcheck import rollup_snapshot
from tests.complaints.test_integrity import independent_verify
from tests.factories import complaint_moved_to, complaint_new, staff_user

pytestmark = pytest.mark.usefixtures("directory")

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def closed_history(closed: timezone.datetime) -> Complaint:
    """A complaint closed at about ``closed``: filed with a photo and a description that waits in
    triage, routed by the coordinator (a routing correction keeps a copy of the description),
    asked for information, answered by its reporter with a message and a second photo, resolved
    with a public reply, then accepted."""
    start = closed - 4 * HOUR
    with at(start) as clock:
        complaint, _receipt = complaint_new(
            category="other",
            description=PLANTED_DESCRIPTION,
            service=None,
            photos=[planted_photo()],
        )
        assert complaint.status == Status.TRIAGE
        clock.now = start + HOUR
        complaint_moved_to(complaint, Status.NEEDS_INFO)
        clock.now = start + 2 * HOUR
        complaint_reporter_message(complaint=complaint, body=PLANTED_MESSAGE)
        complaint_reporter_photos(complaint=complaint, photos=[planted_photo()])
        clock.now = start + 3 * HOUR
        officer = staff_user("opd", opd=Complaint.objects.get(pk=complaint.pk).opd)
        complaint_staff_message(user=officer, complaint=complaint, body=STAFF_REPLY)
        complaint_moved_to(complaint, Status.RESOLVED)
        clock.now = closed
        complaint_moved_to(complaint, Status.CLOSED)
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    assert RoutingFeedback.objects.filter(description=PLANTED_DESCRIPTION).exists()
    return complaint


def divergence() -> str | None:
    found = integrity.verify()
    return None if found is None else str(found)


def tombstones() -> Counter:
    counted = Counter()
    assert integrity.verify(tombstones=counted) is None
    return counted


def message_seq(complaint) -> int:
    return complaint.events.get(kind=Event.Kind.REPORTER_MESSAGE).seq


def history_of(complaint) -> list[tuple]:
    """What a purge must leave alone: every event's place, kind, status and hashes."""
    return list(
        complaint.events.order_by("seq").values_list(
            "seq", "kind", "status", "visibility", "created_at", "content_hash", "chain_hash"
        )
    )


# --- The purge -----------------------------------------------------------------------------------


def test_past_both_periods_nothing_planted_is_left_and_the_chain_still_verifies(
    django_capture_on_commit_callbacks,
):
    complaint = closed_history(timezone.now() - 800 * DAY)
    paths, digests = photo_files(complaint)
    assert len(paths) == 4 and all(path.exists() for path in paths)  # two photos, two thumbnails
    integrity.checkpoint_publish(now=timezone.now() + integrity.CHECKPOINT_SETTLE)
    assert database_leaks(*PLANTED)  # the scan does find them while they are there
    history, rollups = history_of(complaint), rollup_snapshot()
    evidence = list(
        Evidence.objects.filter(complaint=complaint).values_list("pk", "sha256", "width", "height")
    )
    seq = message_seq(complaint)

    with django_capture_on_commit_callbacks(execute=True):
        report = retention_purge()

    assert (report.complaints, report.texts, report.photos) == ([complaint.reference], 2, 2)
    assert database_leaks(*PLANTED) == []
    assert media_leaks(digests=digests) == []
    assert not any(path.exists() for path in paths)
    # Rows stay: the photos with their hash and size, the events with their hashes.
    assert (
        list(
            Evidence.objects.filter(complaint=complaint).values_list(
                "pk", "sha256", "width", "height"
            )
        )
        == evidence
    )
    assert all(
        item.purged_at and not item.image and not item.thumbnail
        for item in Evidence.objects.filter(complaint=complaint)
    )
    assert history_of(complaint)[: len(history)] == history
    message = complaint.events.get(seq=seq)
    assert (message.text, message.purged_at is not None) == ("", True)
    # What staff wrote stays; the figures do not move.
    assert complaint.events.filter(text=STAFF_REPLY).exists()
    assert rollup_snapshot() == rollups
    complaint.refresh_from_db()
    assert (complaint.description, complaint.status) == ("", Status.CLOSED)
    # One purge event, at the end of the chain, that the reporter reads too.
    purge = complaint.events.get(kind=Event.Kind.PURGED)
    assert purge.seq == complaint.last_seq == len(history) + 1
    assert purge.visibility == Visibility.REPORTER
    assert (
        purge.text
        == f"Dihapus sesuai aturan retensi: uraian laporan; pesan pelapor #{seq}; 2 foto."
    )
    # The chain and the checkpoint published before the purge both still verify.
    assert tombstones() == Counter({PURGE_RETENTION: 1})
    out = StringIO()
    call_command("integrity_verify", stdout=out)
    assert (
        "1 texts purged under the retention rule; 0 on withdrawal by the reporter."
        in out.getvalue()
    )


def test_photos_go_a_year_after_closure_and_texts_two(django_capture_on_commit_callbacks):
    complaint = closed_history(timezone.now() - 400 * DAY)
    paths, _digests = photo_files(complaint)

    with django_capture_on_commit_callbacks(execute=True):
        first = retention_purge()

    assert (first.texts, first.photos) == (0, 2)
    assert not any(path.exists() for path in paths)
    complaint.refresh_from_db()
    assert complaint.description == PLANTED_DESCRIPTION
    assert (
        complaint.events.get(kind=Event.Kind.PURGED).text
        == "Dihapus sesuai aturan retensi: 2 foto."
    )
    assert database_leaks(*PLANTED) != []
    assert tombstones() == Counter()

    with at(timezone.now() + 331 * DAY), django_capture_on_commit_callbacks(execute=True):
        second = retention_purge()

    assert (second.texts, second.photos) == (2, 0)
    assert database_leaks(*PLANTED) == []
    assert complaint.events.filter(kind=Event.Kind.PURGED).count() == 2
    assert tombstones() == Counter({PURGE_RETENTION: 1})


def test_the_purge_is_idempotent(django_capture_on_commit_callbacks):
    complaint = closed_history(timezone.now() - 800 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        retention_purge()
    events = complaint.events.count()

    with django_capture_on_commit_callbacks(execute=True):
        again = retention_purge()

    assert (again.complaints, again.texts, again.photos) == ([], 0, 0)
    assert complaint.events.count() == events
    assert divergence() is None


def test_nothing_is_purged_before_its_time_or_while_open(django_capture_on_commit_callbacks):
    recent = closed_history(timezone.now() - 300 * DAY)
    with at(timezone.now() - 900 * DAY):
        still_open, _ = complaint_new(description=PLANTED_DESCRIPTION, photos=[planted_photo()])

    with django_capture_on_commit_callbacks(execute=True):
        report = retention_purge()

    assert report.complaints == []
    for complaint in (recent, still_open):
        complaint.refresh_from_db()
        assert complaint.description == PLANTED_DESCRIPTION
        assert not complaint.events.filter(kind=Event.Kind.PURGED).exists()
        assert all(path.exists() for path in photo_files(complaint)[0])


def test_an_edited_closed_at_does_not_bring_the_purge_forward(django_capture_on_commit_callbacks):
    """Closure is when the chain says the complaint closed; the column only picks candidates."""
    complaint = closed_history(timezone.now() - 10 * DAY)
    Complaint.objects.filter(pk=complaint.pk).update(closed_at=timezone.now() - 800 * DAY)

    with django_capture_on_commit_callbacks(execute=True):
        report = retention_purge()

    assert report.complaints == []
    complaint.refresh_from_db()
    assert complaint.description == PLANTED_DESCRIPTION
    assert all(path.exists() for path in photo_files(complaint)[0])


def test_a_legal_hold_keeps_the_complaint_whole_until_it_is_lifted(
    django_capture_on_commit_callbacks,
):
    complaint = closed_history(timezone.now() - 800 * DAY)
    inspektorat = staff_user("inspektorat")
    complaint_legal_hold(
        user=inspektorat, complaint=complaint, hold=True, reason="Berkas diminta Kejaksaan."
    )

    with django_capture_on_commit_callbacks(execute=True):
        held = retention_purge()

    assert held.complaints == []
    assert len(database_leaks(*PLANTED)) >= 2
    assert all(path.exists() for path in photo_files(complaint)[0])
    hold = complaint.events.get(kind=Event.Kind.HOLD)
    assert (hold.visibility, hold.actor) == (Visibility.OVERSIGHT, inspektorat)

    complaint_legal_hold(
        user=inspektorat, complaint=complaint, hold=False, reason="Perkara selesai."
    )
    with django_capture_on_commit_callbacks(execute=True):
        lifted = retention_purge()

    assert lifted.complaints == [complaint.reference]
    assert database_leaks(*PLANTED) == []
    assert divergence() is None


def test_the_clocks_purge_once_a_day_and_the_command_says_what_it_did(
    django_capture_on_commit_callbacks,
):
    first = closed_history(timezone.now() - 800 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        report = clocks_run()
    assert (report.checkpoint, report.purged) == (timezone.localdate().isoformat(), 1)
    assert first.events.filter(kind=Event.Kind.PURGED).count() == 1

    second = closed_history(timezone.now() - 800 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        assert clocks_run().purged == 0  # the day's checkpoint is out: retention runs tomorrow
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retention_purge", stdout=out)
    assert out.getvalue().splitlines() == [
        "Purged under the retention rule: 2 texts and 2 photos of 1 complaints.",
        f"Complaints: {second.reference}",
    ]
    assert database_leaks(*PLANTED) == []


def test_the_reporters_proof_still_verifies_with_a_tombstone(django_capture_on_commit_callbacks):
    complaint = closed_history(timezone.now() - 800 * DAY)
    seq = message_seq(complaint)
    with django_capture_on_commit_callbacks(execute=True):
        retention_purge()
    integrity.checkpoint_publish(now=timezone.now() + integrity.CHECKPOINT_SETTLE)

    proof = integrity.proof_for(complaint)

    link = proof["chain"][seq - 1]
    assert link == {"seq": seq, "digest": link["digest"], "purged": True}  # no text to recompute
    assert independent_verify(proof, integrity.checkpoint_latest().root)


# --- What the integrity check still catches -------------------------------------------------------


@pytest.fixture
def answered():
    """A closed complaint (recently: no purge is due) with a reporter message and a staff reply."""
    complaint, _receipt = complaint_new(status=Status.NEEDS_INFO)
    complaint_reporter_message(complaint=complaint, body=PLANTED_MESSAGE)
    officer = staff_user("opd", opd=complaint.opd)
    complaint_staff_message(user=officer, complaint=complaint, body=STAFF_REPLY)
    complaint_moved_to(complaint, Status.RESOLVED)
    complaint_moved_to(complaint, Status.CLOSED)
    complaint.refresh_from_db()
    assert divergence() is None
    return complaint


def forge_purge(complaint, purge: Purge) -> Event:
    """Append a purge event as the code would (rightly chained), whatever the rule says."""
    with transaction.atomic():
        return event_append(complaint=complaint, kind=Event.Kind.PURGED, text=purge_text(purge))


def empty(complaint, seq: int) -> None:
    Event.objects.filter(complaint=complaint, seq=seq).update(text="", purged_at=timezone.now())


def test_an_emptied_text_without_a_purge_event_is_detected(answered):
    seq = message_seq(answered)
    empty(answered, seq)
    assert (
        divergence()
        == f"{answered.reference} #{seq}: the text was removed, and no purge event names it"
    )


def test_an_emptied_text_not_marked_as_purged_is_a_changed_text(answered):
    seq = message_seq(answered)
    Event.objects.filter(complaint=answered, seq=seq).update(text="")
    assert divergence() == f"{answered.reference} #{seq}: the text was changed"


def test_a_purged_mark_on_a_text_still_there_is_detected(answered):
    seq = message_seq(answered)
    Event.objects.filter(complaint=answered, seq=seq).update(purged_at=timezone.now())
    assert (
        divergence()
        == f"{answered.reference} #{seq}: marked as purged, but its text is still there"
    )


def test_a_forged_purge_before_the_retention_period_is_detected(answered):
    seq = message_seq(answered)
    empty(answered, seq)
    forged = forge_purge(answered, Purge(rule=PURGE_RETENTION, seqs=(seq,)))
    assert divergence() == (
        f"{answered.reference} #{forged.seq}: "
        "purged before the retention period after closure had passed"
    )


def test_a_forged_purge_of_a_staff_text_is_detected(answered):
    reply = answered.events.get(text=STAFF_REPLY).seq
    empty(answered, reply)
    forged = forge_purge(answered, Purge(rule=PURGE_WITHDRAWAL, seqs=(reply,)))
    assert divergence() == (
        f"{answered.reference} #{forged.seq}: "
        f"the purge names #{reply}, which is not a text of the reporter"
    )


def test_a_forged_purge_on_withdrawal_without_a_withdrawal_is_detected(answered):
    seq = message_seq(answered)
    empty(answered, seq)
    forged = forge_purge(answered, Purge(rule=PURGE_WITHDRAWAL, seqs=(seq,)))
    assert divergence() == (
        f"{answered.reference} #{forged.seq}: "
        "purged on withdrawal, but the reporter did not withdraw the complaint"
    )


def test_a_purge_event_naming_a_text_still_there_is_detected(answered):
    seq = message_seq(answered)
    forged = forge_purge(answered, Purge(rule=PURGE_RETENTION, seqs=(seq,)))
    assert divergence() == (
        f"{answered.reference} #{forged.seq}: "
        f"the purge names #{seq}, whose text was not removed before it"
    )


def test_a_purge_event_in_another_form_is_detected(answered):
    seq = message_seq(answered)
    empty(answered, seq)
    with transaction.atomic():
        forged = event_append(
            complaint=answered, kind=Event.Kind.PURGED, text=f"Dihapus karena diminta: #{seq}."
        )
    assert divergence() == (
        f"{answered.reference} #{forged.seq}: "
        "a purge event that does not say what it removed under which rule"
    )


def test_a_rewritten_purge_event_breaks_the_chain(django_capture_on_commit_callbacks):
    """The purge event is chained like any other: editing it to name more is caught."""
    complaint = closed_history(timezone.now() - 800 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        retention_purge()
    purge = complaint.events.get(kind=Event.Kind.PURGED)
    text = purge.text.replace("2 foto", "3 foto")
    Event.objects.filter(pk=purge.pk).update(text=text, content_hash=integrity.content_hash(text))
    assert divergence() == (
        f"{complaint.reference} #{purge.seq}: the event's fields or its place in the chain changed"
    )
