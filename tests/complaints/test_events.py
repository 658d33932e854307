"""Publishing events after commit, the outbox that makes delivery reliable (complaints.events),
and the dashboard's live counters (complaints.counters).

A committed change is announced to the reporter's group (public events only, with their text)
and to the staff groups that may see the complaint (a summary without any text), then marked
``published_at``; the dashboard gets counters, at the sweeper's pace. A rolled-back change is
never announced. A channel layer that fails never fails the request: the event stays committed
and unpublished, and the outbox sweeper sends it later. The channel layer here is a recorder
(or a broken one) standing in for ``get_channel_layer``; the websocket tests drive the real
layers.
"""

import logging
from collections import Counter
from datetime import timedelta
from io import StringIO
from operator import attrgetter

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints import counters, events
from complaints.models import Complaint, Event, Status, Visibility
from complaints.services import (
    complaint_reassign,
    complaint_staff_message,
    complaint_transition,
    event_append,
    staff_account_ensure,
)
from complaints.workflow import Role
from routing.models import Opd
from tests.factories import KK, PARKIR, complaint_kk, complaint_parkir

pytestmark = pytest.mark.usefixtures("directory")

INTERNAL = "Catatan internal: jukir ini kerabat pejabat, rahasia 90417"


class RecordingLayer:
    """Records every ``group_send`` as ``(group, message)``."""

    def __init__(self):
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group, message):
        self.sent.append((group, message))

    def groups(self) -> Counter:
        return Counter(group for group, _message in self.sent)

    def to(self, group: str) -> list[dict]:
        return [message for sent_to, message in self.sent if sent_to == group]


class BrokenLayer:
    """A channel layer whose server is down (``fails(group, message)`` decides which sends fail)."""

    def __init__(self, fails=lambda group, message: True):
        self.fails = fails
        self.calls = 0
        self.delivered = RecordingLayer()

    async def group_send(self, group, message):
        self.calls += 1
        if self.fails(group, message):
            raise ConnectionError("Error connecting to the channel layer")
        await self.delivered.group_send(group, message)


def use_layer(monkeypatch, layer) -> None:
    """``layer`` stands in for the channel layer of both senders: events and counters."""
    for module in (events, counters):
        monkeypatch.setattr(module, "get_channel_layer", lambda: layer)


@pytest.fixture
def layer(monkeypatch) -> RecordingLayer:
    recording = RecordingLayer()
    use_layer(monkeypatch, recording)
    return recording


def broken(monkeypatch, **kwargs) -> BrokenLayer:
    layer = BrokenLayer(**kwargs)
    use_layer(monkeypatch, layer)
    return layer


def submit_parkir() -> tuple[Complaint, str]:
    """A pungli complaint for DISHUB, with an oversight copy to the Inspektorat."""
    complaint, receipt = complaint_parkir()
    assert complaint.opd.code == "DISHUB"
    assert list(complaint.oversight.values_list("code", flat=True)) == ["INSPEKTORAT"]
    return complaint, receipt


def submit_kk() -> tuple[Complaint, str]:
    """A delay complaint for DUKCAPIL only, not overdue."""
    complaint, receipt = complaint_kk()
    assert complaint.opd.code == "DUKCAPIL" and not complaint.oversight.exists()
    return complaint, receipt


def published(complaint) -> dict[int, bool]:
    return {
        seq: published_at is not None
        for seq, published_at in Event.objects.filter(complaint=complaint).values_list(
            "seq", "published_at"
        )
    }


def age(complaint, *, seqs) -> None:
    """Make events older than the outbox delay (as if their publish had been lost a while ago)."""
    old = timezone.now() - events.OUTBOX_DELAY - timedelta(seconds=1)
    Event.objects.filter(complaint=complaint, seq__in=seqs).update(created_at=old)


def reporter_seqs(layer: RecordingLayer, complaint) -> list[int]:
    return [message["event"]["seq"] for message in layer.to(events.complaint_group(complaint.pk))]


def assert_no_text(message: dict, *texts: str) -> None:
    flat = repr(message)
    assert "text" not in message.get("complaint", {})
    assert not any(text and text in flat for text in texts), message


# --- Publishing after commit ---------------------------------------------------------------------


def test_a_committed_transition_reaches_every_group_that_may_see_it(
    layer, django_capture_on_commit_callbacks
):
    complaint, receipt = submit_parkir()  # its own callbacks never run: the test rolls back

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = complaint_transition(
            complaint=complaint, target=Status.IN_PROGRESS, role=Role.OPD, text="Sedang dicek."
        )

    assert len(callbacks) == 1
    reporter_group = events.complaint_group(complaint.pk)
    assert reporter_group == f"complaint.{complaint.pk.hex}"
    assert layer.groups() == Counter(
        {
            reporter_group: 1,
            "staff.all": 1,
            "staff.opd.DISHUB": 1,
            "staff.opd.INSPEKTORAT": 1,  # the oversight copy
            "staff.oversight": 1,  # pungli
        }
    )
    event.refresh_from_db()
    assert layer.to(reporter_group) == [
        {
            "type": events.EVENT_MESSAGE,
            "event": {
                "type": "event",
                "seq": 3,
                "kind": "status",
                "status": "in_progress",
                "text": "Sedang dicek.",
                "at": event.created_at.isoformat(),
            },
        }
    ]
    for group in ("staff.all", "staff.opd.DISHUB", "staff.opd.INSPEKTORAT", "staff.oversight"):
        [message] = layer.to(group)
        assert message["type"] == events.STAFF_MESSAGE
        summary = message["complaint"]
        assert (summary["reference"], summary["seq"], summary["status"]) == (
            complaint.reference,
            3,
            "in_progress",
        )
        assert (summary["opd"], summary["category"], summary["overdue"]) == (
            "DISHUB",
            "pungli",
            False,
        )
        assert_no_text(message, PARKIR, "Sedang dicek.", receipt)
    # The dashboard's counters come from the sweeper, not from each request.
    assert layer.to("staff.dashboard") == []
    assert published(complaint) == {1: False, 2: False, 3: True}


def test_a_complaint_without_pungli_or_delay_goes_to_its_opd_and_not_to_oversight(
    layer, django_capture_on_commit_callbacks
):
    complaint, _receipt = submit_kk()

    with django_capture_on_commit_callbacks(execute=True):
        complaint_transition(complaint=complaint, target=Status.IN_PROGRESS, role=Role.OPD)

    assert set(layer.groups()) == {
        events.complaint_group(complaint.pk),
        "staff.all",
        "staff.opd.DUKCAPIL",
    }


def test_an_overdue_complaint_also_goes_to_oversight(layer, django_capture_on_commit_callbacks):
    complaint, _receipt = submit_kk()
    Complaint.objects.filter(pk=complaint.pk).update(due_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event_append(complaint=complaint, kind="note", text=INTERNAL, visibility=Visibility.OFFICE)

    [message] = layer.to("staff.oversight")
    assert message["complaint"]["overdue"] is True
    assert_no_text(message, INTERNAL, KK)


def test_a_rolled_back_transition_sends_nothing(layer, django_capture_on_commit_callbacks):
    complaint, _receipt = submit_parkir()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            complaint_transition(complaint=complaint, target=Status.IN_PROGRESS, role=Role.OPD)
            raise RuntimeError("the request failed after the transition")

    assert callbacks == []
    assert layer.sent == []
    assert not Event.objects.filter(complaint=complaint, seq=3).exists()
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED


def test_an_internal_event_is_not_sent_to_the_reporter(layer, django_capture_on_commit_callbacks):
    complaint, receipt = submit_parkir()
    head = staff_account_ensure(
        username="kepala-dishub",
        password="kata-sandi-uji-5820",
        role="opd",
        opd=Opd.objects.get(code="DISHUB"),
    )

    with django_capture_on_commit_callbacks(execute=True):
        note = complaint_staff_message(
            user=head, complaint=complaint, body=INTERNAL, visibility=Visibility.OFFICE
        )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event_append(
            complaint=complaint,
            kind="note",
            text=INTERNAL + " (2)",
            visibility=Visibility.OFFICE,
            office=complaint.opd,
        )

    assert note.public is False
    assert layer.to(events.complaint_group(complaint.pk)) == []
    staff_messages = layer.to("staff.opd.DISHUB")
    assert [message["complaint"]["seq"] for message in staff_messages] == [3, 4]
    assert [message["complaint"]["kind"] for message in staff_messages] == ["note", "note"]
    for _group, message in layer.sent:
        assert_no_text(message, INTERNAL, "kepala-dishub", receipt)
    assert published(complaint) == {1: False, 2: False, 3: True, 4: True}


def test_the_office_a_complaint_left_is_told(layer, django_capture_on_commit_callbacks):
    complaint, _receipt = submit_parkir()
    coordinator = staff_account_ensure(
        username="koordinator", password="kata-sandi-uji-5820", role="koordinator"
    )

    with django_capture_on_commit_callbacks(execute=True):
        complaint_reassign(
            user=coordinator,
            complaint=complaint,
            opd=Opd.objects.get(code="DLH"),
            reason=INTERNAL,
        )

    [left] = layer.to("staff.opd.DISHUB")
    assert left["complaint"]["left"] is True and left["complaint"]["opd"] == "DLH"
    reporter = layer.to(events.complaint_group(complaint.pk))
    assert [message["event"]["text"] for message in reporter] == [
        "Dialihkan ke Dinas Lingkungan Hidup"
    ]
    assert INTERNAL not in repr(layer.sent)


@pytest.mark.django_db(transaction=True)
def test_a_failing_channel_layer_never_fails_the_request(monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    layer = broken(monkeypatch)

    complaint, receipt = submit_parkir()  # committed for real; each publish after commit fails
    complaint_transition(complaint=complaint, target=Status.IN_PROGRESS, role=Role.OPD)

    assert layer.calls == 3  # one attempt per event, each stopped at its first send
    assert Complaint.objects.get(pk=complaint.pk).status == Status.IN_PROGRESS
    assert published(complaint) == {1: False, 2: False, 3: False}
    failures = [record for record in caplog.records if record.name == "complaints.events"]
    assert len(failures) == 3
    assert all(record.levelno == logging.ERROR and record.exc_info for record in failures)
    assert receipt not in caplog.text and PARKIR not in caplog.text

    # The layer is back: the sweeper publishes what the requests could not, in order.
    layer.fails = lambda group, message: False
    assert events.outbox_sweep(older_than=timedelta(0)) == 3
    assert reporter_seqs(layer.delivered, complaint) == [1, 2, 3]
    assert published(complaint) == {1: True, 2: True, 3: True}


# --- The outbox sweeper --------------------------------------------------------------------------


def test_the_sweep_publishes_old_unpublished_events_and_skips_the_rest(layer):
    parkir, _ = submit_parkir()  # on_commit never runs here: every event is unpublished
    kk, _ = submit_kk()
    complaint_transition(complaint=parkir, target=Status.IN_PROGRESS, role=Role.OPD)
    age(parkir, seqs=[1, 2])  # 3 stays younger than the delay
    age(kk, seqs=[1, 2])
    Event.objects.filter(complaint=parkir, seq=1).update(published_at=timezone.now())

    assert events.outbox_sweep() == 3

    assert reporter_seqs(layer, parkir) == [2]
    assert reporter_seqs(layer, kk) == [1, 2]
    assert published(parkir) == {1: True, 2: True, 3: False}
    assert published(kk) == {1: True, 2: True}
    layer.sent.clear()
    assert events.outbox_sweep() == 0  # nothing is sent twice
    assert layer.sent == []


def test_the_sweep_sends_an_internal_event_to_staff_only(layer):
    complaint, _ = submit_parkir()
    Event.objects.filter(complaint=complaint).update(published_at=timezone.now())
    with transaction.atomic():
        event_append(
            complaint=complaint,
            kind="note",
            text=INTERNAL,
            visibility=Visibility.OFFICE,
            office=complaint.opd,
        )
    age(complaint, seqs=[3])

    assert events.outbox_sweep() == 1

    assert reporter_seqs(layer, complaint) == []
    assert [m["complaint"]["seq"] for m in layer.to("staff.opd.DISHUB")] == [3]
    # An office's note is for that office and oversight: the desk's group is not told of it.
    assert layer.to("staff.all") == []
    assert INTERNAL not in repr(layer.sent)


def test_the_sweep_stops_without_marking_when_the_layer_is_down(monkeypatch, caplog):
    parkir, _ = submit_parkir()
    kk, _ = submit_kk()
    age(parkir, seqs=[1, 2])
    age(kk, seqs=[1, 2])
    layer = broken(monkeypatch)

    assert events.outbox_sweep() == 0

    assert layer.calls == 1  # it stops at the first failure instead of trying every event
    assert published(parkir) == {1: False, 2: False} and published(kk) == {1: False, 2: False}
    [warning] = [record for record in caplog.records if record.name == "complaints.events"]
    assert warning.levelno == logging.WARNING
    assert "4 events wait in the outbox" in warning.getMessage()


def seq_of(message: dict) -> int | None:
    return (message.get("event") or message.get("complaint") or {}).get("seq")


def test_the_sweep_marks_what_went_out_before_the_layer_failed(monkeypatch, caplog):
    """Complaint by complaint (staff get one summary per complaint): a complaint whose messages
    all went out is marked; the one the layer failed on waits whole, though its first event
    reached the reporter (it is sent again: clients drop duplicates by seq)."""
    parkir, _ = submit_parkir()
    kk, _ = submit_kk()
    age(parkir, seqs=[1, 2])
    age(kk, seqs=[1, 2])
    first, second = sorted([parkir, kk], key=attrgetter("pk"))  # the sweep's order
    layer = broken(
        monkeypatch,
        fails=lambda group, message: (
            group == events.complaint_group(second.pk) and seq_of(message) == 2
        ),
    )

    assert events.outbox_sweep() == 2

    assert published(first) == {1: True, 2: True}
    assert published(second) == {1: False, 2: False}
    assert reporter_seqs(layer.delivered, first) == [1, 2]
    assert reporter_seqs(layer.delivered, second) == [1]
    [warning] = [record for record in caplog.records if record.name == "complaints.events"]
    assert "2 events wait in the outbox" in warning.getMessage()

    layer.fails = lambda group, message: False
    assert events.outbox_sweep() == 2
    assert published(second) == {1: True, 2: True}
    assert reporter_seqs(layer.delivered, second) == [1, 1, 2]


def test_the_sweep_sends_staff_one_summary_per_complaint(layer):
    complaint, _ = submit_parkir()
    age(complaint, seqs=[1, 2])

    assert events.outbox_sweep() == 2

    assert reporter_seqs(layer, complaint) == [1, 2]
    for group in ("staff.all", "staff.opd.DISHUB", "staff.opd.INSPEKTORAT", "staff.oversight"):
        assert [message["complaint"]["seq"] for message in layer.to(group)] == [2], group


def backlog(complaints: int, notes: int) -> int:
    """``complaints`` new complaints (pungli with an oversight copy, and delays in turn), each
    with ``notes`` more events, all old enough for the sweeper; returns how many events wait."""
    for index in range(complaints):
        complaint, _ = submit_parkir() if index % 2 == 0 else submit_kk()
        with transaction.atomic():
            for _ in range(notes):
                event_append(complaint=complaint, kind="message", text="Sedang dicek.")
    Event.objects.filter(published_at__isnull=True).update(
        created_at=timezone.now() - events.OUTBOX_DELAY - timedelta(seconds=1)
    )
    return Event.objects.filter(published_at__isnull=True).count()


def test_the_sweep_takes_a_bounded_number_of_queries_whatever_the_backlog(layer):
    """One read of the events with their complaints, OPDs and oversight copies, one UPDATE:
    the same queries for 1 complaint with 2 events as for 6 complaints with 42."""
    assert backlog(complaints=1, notes=0) == 2
    with CaptureQueriesContext(connection) as small:
        assert events.outbox_sweep() == 2

    assert backlog(complaints=6, notes=5) == 42
    with CaptureQueriesContext(connection) as large:
        assert events.outbox_sweep() == 42

    assert len(large.captured_queries) == len(small.captured_queries) <= 5, [
        query["sql"] for query in large.captured_queries
    ]
    assert not Event.objects.filter(published_at__isnull=True).exists()
    # Still every group that may see each complaint: the oversight copies came prefetched.
    assert len(layer.to("staff.opd.INSPEKTORAT")) == 1 + 3


def test_a_failed_sweep_adds_only_the_count_for_its_warning(monkeypatch):
    backlog(complaints=4, notes=3)
    broken(monkeypatch)

    with CaptureQueriesContext(connection) as queries:
        assert events.outbox_sweep() == 0

    # The read, and the count of what waits for the warning (nothing went out: no UPDATE).
    assert len(queries.captured_queries) <= 3


def test_the_sweep_respects_its_limit(layer):
    complaint, _ = submit_parkir()
    age(complaint, seqs=[1, 2])

    assert events.outbox_sweep(limit=1) == 1

    assert published(complaint) == {1: True, 2: False}


def test_publish_outbox_command_publishes_pending_events(layer):
    complaint, _ = submit_parkir()
    age(complaint, seqs=[1, 2])
    out = StringIO()

    call_command("publish_outbox", stdout=out)

    assert out.getvalue().strip() == "Published 2 event(s) from the outbox."
    assert reporter_seqs(layer, complaint) == [1, 2]
    assert published(complaint) == {1: True, 2: True}


# --- The dashboard's counters (complaints.counters) ---------------------------------------------


@pytest.fixture
def fresh_counters(monkeypatch):
    """As if this process had never sent the counters."""
    monkeypatch.setattr(counters, "_counters_sent", {"last_event": None, "at": None})


@pytest.mark.usefixtures("fresh_counters")
def test_the_sweeper_sends_the_counters_when_something_happened(layer):
    submit_kk()
    now = timezone.now()

    assert counters.counters_publish_if_changed(now=now) is True
    [message] = layer.to("staff.dashboard")
    assert message["type"] == counters.COUNTERS_MESSAGE
    assert message["counters"]["open"] >= 1
    assert all(type(value) is int for value in message["counters"].values())
    # Nothing new: no second send, until a minute has passed (overdue grows with time).
    assert counters.counters_publish_if_changed(now=now + timedelta(seconds=5)) is False
    assert counters.counters_publish_if_changed(now=now + timedelta(seconds=61)) is True
    # A new event: sent at once.
    submit_kk()
    assert counters.counters_publish_if_changed(now=now + timedelta(seconds=62)) is True
    assert len(layer.to("staff.dashboard")) == 3


def test_the_counters_count_what_the_model_calls_open_and_overdue():
    parkir, _ = submit_parkir()  # assigned, pungli
    kk, _ = submit_kk()  # assigned
    late, _ = submit_kk()
    Complaint.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    done, _ = submit_kk()
    Complaint.objects.filter(pk=done.pk).update(
        status=Status.CLOSED,
        due_at=timezone.now() - timedelta(hours=1),  # past, but closed
    )

    assert counters.complaint_counters() == {
        "received_today": 4,
        "open": 3,
        "overdue": 1,
        "triage": 0,
        "pungli_open": 1,
    }
    assert counters.complaint_counters()["open"] == Complaint.objects.open().count()
    assert counters.complaint_counters()["overdue"] == Complaint.objects.overdue().count()


@pytest.mark.usefixtures("fresh_counters")
def test_counters_wait_for_a_channel_layer_that_is_down(monkeypatch, caplog):
    submit_kk()
    layer = broken(monkeypatch)

    assert counters.counters_publish_if_changed() is False

    assert layer.calls == 1
    [warning] = [record for record in caplog.records if record.name == "complaints.counters"]
    assert warning.levelno == logging.WARNING
    assert warning.getMessage() == "The channel layer is unreachable; the dashboard counters wait"
    # Not remembered as sent: the next call tries again.
    layer.fails = lambda group, message: False
    assert counters.counters_publish_if_changed() is True
    assert len(layer.delivered.to("staff.dashboard")) == 1


@pytest.mark.usefixtures("fresh_counters")
def test_publish_outbox_command_also_sends_the_counters(layer):
    submit_kk()

    call_command("publish_outbox", stdout=StringIO())

    [message] = layer.to("staff.dashboard")
    assert message["type"] == counters.COUNTERS_MESSAGE
