"""The clocks (docs/product.md F8, §3 "Deadlines"): escalation of missed deadlines and auto-close.

Time is frozen (``django.utils.timezone.now`` patched, and the same instant passed to
``clocks_run(now=...)``) around Christmas 2026, whose working days were counted by hand:

    Fri 18 Dec 2026  the complaint is filed and assigned (10.00 WIB)
    Sat 19, Sun 20   weekend
    Mon 21 .. Wed 23 working days 1-3
    Thu 24 Dec       cuti bersama Natal (joint leave)       -- not a working day
    Fri 25 Dec       Natal (Christmas)                      -- not a working day
    Mon 28, Tue 29   working days 4-5  => first response due Tue 29 Dec 2026 23:59:59 WIB
    Wed 30, Thu 31   working days 6-7
    Fri 1 Jan 2027   Tahun Baru                             -- not a working day
    Mon 4 Jan        working day 8
    Tue 5 Jan 2027   Isra Mi'raj                            -- not a working day
    Wed 6 .. Wed 13  working days 9-14 => resolution due Wed 13 Jan 2027 23:59:59 WIB (14 days)

Escalation: once the current deadline has passed, level 1 (the OPD head; an internal event);
``escalate_inspektorat`` (3) working days after that deadline, still open, level 2 (the
Inspektorat gets an oversight copy; a public event). From the first-response deadline Tue 29 Dec:
Wed 30 (1), Thu 31 (2), Mon 4 Jan (3) => level 2 after Mon 4 Jan 2027 23:59:59 WIB.

Auto-close: 10 working days after ``resolved``. Resolved Wed 23 Dec 2026 14.00 WIB: Mon 28 (1),
Tue 29 (2), Wed 30 (3), Thu 31 (4), Mon 4 Jan (5), Wed 6 (6), Thu 7 (7), Fri 8 (8), Mon 11 (9),
Tue 12 Jan 2027 (10) => closes after Tue 12 Jan 2027 23:59:59 WIB.
"""

import dataclasses
import sqlite3
import threading
from datetime import datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper

from complaints.access import complaints_visible_to, events_for_reporter
from complaints.clocks import ClockReport, clocks_run
from complaints.exceptions import TransitionNotAllowed
from complaints.models import Complaint, DayOff, Event, Status
from complaints.services import (
    complaint_reporter_decision,
    complaint_reporter_message,
    complaint_staff_transition,
    complaint_submit,
    staff_account_ensure,
)
from routing.models import Opd, Service
from tests.api.client import track_post
from tests.complaints.clock import FrozenClock

WIB = ZoneInfo("Asia/Jakarta")
NOTHING = ClockReport(escalated_to_head=0, escalated_to_inspektorat=0, auto_closed=0)
TO_HEAD = ClockReport(escalated_to_head=1, escalated_to_inspektorat=0, auto_closed=0)
TO_INSPEKTORAT = ClockReport(escalated_to_head=0, escalated_to_inspektorat=1, auto_closed=0)

FILED = datetime(2026, 12, 18, 10, 0, tzinfo=WIB)  # Friday
FIRST_RESPONSE_DUE = datetime(2026, 12, 29, 23, 59, 59, tzinfo=WIB)  # Tuesday
RESOLVE_DUE = datetime(2027, 1, 13, 23, 59, 59, tzinfo=WIB)  # Wednesday
INSPEKTORAT_AFTER = datetime(2027, 1, 4, 23, 59, 59, tzinfo=WIB)  # Monday
RESOLVED = datetime(2026, 12, 23, 14, 0, tzinfo=WIB)  # Wednesday
AUTO_CLOSE_AT = datetime(2027, 1, 12, 23, 59, 59, tzinfo=WIB)  # Tuesday
SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)

LEVEL_1_TEXT = "Batas waktu terlewati; diteruskan ke pimpinan"
LEVEL_2_TEXT = "Batas waktu lama terlewati; Inspektorat Daerah ikut mengawasi"
AUTO_CLOSE_TEXT = (
    "Ditutup otomatis: tidak ada tanggapan pelapor dalam 10 hari kerja setelah selesai"
)


@pytest.fixture
def clock():
    frozen = FrozenClock(FILED)
    with mock.patch("django.utils.timezone.now", frozen):
        yield frozen


def run_at(clock: FrozenClock, moment: datetime) -> ClockReport:
    """The deadline work of a run (its daily checkpoint is tested on its own below)."""
    clock.now = moment
    return dataclasses.replace(clocks_run(now=moment), checkpoint="")


def test_the_clocks_publish_one_checkpoint_a_day(directory):
    from complaints.models import Checkpoint

    file_kk_delay()
    monday = datetime(2026, 6, 1, 8, tzinfo=WIB)
    assert clocks_run(now=monday).checkpoint == "2026-06-01"
    assert clocks_run(now=monday + timedelta(hours=5)).checkpoint == ""
    assert clocks_run(now=monday + timedelta(days=1)).checkpoint == "2026-06-02"
    assert Checkpoint.objects.count() == 2


def dukcapil_head():
    return staff_account_ensure(
        username="kepala-dukcapil",
        password="pw-clock-1",
        role="opd",
        opd=Opd.objects.get(code="DUKCAPIL"),
    )


def file_kk_delay() -> Complaint:
    """A Kartu Keluarga delay (not pungli), routed to Dukcapil at the clock's time."""
    complaint, receipt = complaint_submit(
        category="delay",
        description="Kartu Keluarga perubahan belum selesai sejak bulan lalu.",
        service=Service.objects.get(code="KK"),
    )
    assert complaint.status == Status.ASSIGNED and complaint.opd.code == "DUKCAPIL"
    complaint.receipt = receipt
    return complaint


def escalations(complaint) -> list[Event]:
    return list(complaint.events.filter(kind=Event.Kind.ESCALATED).order_by("seq"))


def fresh(complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)


# --- Deadlines as stamped ------------------------------------------------------------------------


@pytest.mark.usefixtures("directory")
def test_deadlines_of_a_complaint_assigned_on_the_friday_before_christmas(clock):
    complaint = fresh(file_kk_delay())

    assert complaint.created_at == FILED
    assert complaint.assigned_at == FILED
    assert complaint.first_response_due_at == FIRST_RESPONSE_DUE
    assert complaint.resolve_due_at == RESOLVE_DUE
    assert complaint.due_at == FIRST_RESPONSE_DUE
    assert complaint.escalation_level == 0


@pytest.mark.usefixtures("directory")
def test_a_city_day_off_moves_the_deadline(clock):
    """A DayOff row (a local holiday) on Mon 28 Dec pushes day 4 and 5 to Tue 29, Wed 30."""
    DayOff.objects.create(date=datetime(2026, 12, 28).date(), name="Libur daerah (uji)")

    complaint = fresh(file_kk_delay())

    assert complaint.first_response_due_at == datetime(2026, 12, 30, 23, 59, 59, tzinfo=WIB)


# --- Escalation ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("directory")
def test_a_missed_first_response_escalates_to_the_head_then_the_inspektorat(clock):
    complaint = file_kk_delay()
    inspector = staff_account_ensure(
        username="inspektorat", password="pw-clock-2", role="inspektorat"
    )
    inspektorat_office = staff_account_ensure(
        username="kepala-inspektorat",
        password="pw-clock-3",
        role="opd",
        opd=Opd.objects.get(code="INSPEKTORAT"),
    )

    # At the very end of the deadline day nothing is late yet.
    assert run_at(clock, FIRST_RESPONSE_DUE) == NOTHING
    assert fresh(complaint).escalation_level == 0

    # One second later: level 1, an internal event for the OPD head.
    assert run_at(clock, FIRST_RESPONSE_DUE + SECOND) == TO_HEAD
    late = fresh(complaint)
    assert (late.escalation_level, late.escalated_due_at) == (1, FIRST_RESPONSE_DUE)
    [level_1] = escalations(complaint)
    assert level_1.public is False
    assert level_1.text == f"{LEVEL_1_TEXT} Dinas Kependudukan dan Pencatatan Sipil"
    assert level_1.status == Status.ASSIGNED
    public_kinds = [e.kind for e in events_for_reporter(complaint)]
    assert Event.Kind.ESCALATED not in public_kinds
    # Overdue: the Inspektorat role sees it now; the Inspektorat's own office does not yet.
    assert complaints_visible_to(inspector).filter(pk=complaint.pk).exists()
    assert not complaints_visible_to(inspektorat_office).filter(pk=complaint.pk).exists()

    # Idempotent: again at the same instant, and until the Inspektorat's turn, nothing.
    seq = fresh(complaint).last_seq
    assert run_at(clock, FIRST_RESPONSE_DUE + SECOND) == NOTHING
    assert run_at(clock, INSPEKTORAT_AFTER) == NOTHING
    assert fresh(complaint).last_seq == seq

    # After Mon 4 Jan 2027 (3 working days past the deadline): level 2, public, oversight copy.
    assert run_at(clock, INSPEKTORAT_AFTER + SECOND) == TO_INSPEKTORAT
    late = fresh(complaint)
    assert late.escalation_level == 2
    assert list(late.oversight.values_list("code", flat=True)) == ["INSPEKTORAT"]
    level_2 = escalations(complaint)[-1]
    assert (level_2.public, level_2.text) == (True, LEVEL_2_TEXT)
    assert level_2 in events_for_reporter(complaint)
    assert complaints_visible_to(inspektorat_office).filter(pk=complaint.pk).exists()

    # Nothing more, however long it stays open on this deadline.
    seq = fresh(complaint).last_seq
    assert run_at(clock, INSPEKTORAT_AFTER + timedelta(days=30)) == NOTHING
    assert fresh(complaint).last_seq == seq
    assert len(escalations(complaint)) == 2


@pytest.mark.usefixtures("directory")
def test_a_new_deadline_starts_a_new_escalation(clock):
    """Starting work moves the complaint to its resolution deadline; a miss escalates afresh."""
    complaint = file_kk_delay()
    head = dukcapil_head()
    assert run_at(clock, FIRST_RESPONSE_DUE + SECOND) == TO_HEAD

    clock.now = datetime(2027, 1, 6, 9, 0, tzinfo=WIB)
    complaint_staff_transition(user=head, complaint=complaint, target=Status.IN_PROGRESS)
    started = fresh(complaint)
    assert started.due_at == RESOLVE_DUE
    assert started.escalated_due_at != started.due_at  # the old escalation no longer counts

    assert run_at(clock, RESOLVE_DUE) == NOTHING
    assert run_at(clock, RESOLVE_DUE + SECOND) == TO_HEAD
    late = fresh(complaint)
    assert (late.escalation_level, late.escalated_due_at) == (1, RESOLVE_DUE)
    assert [e.status for e in escalations(complaint)] == [Status.ASSIGNED, Status.IN_PROGRESS]


@pytest.mark.usefixtures("directory")
def test_resolved_and_closed_complaints_do_not_escalate(clock):
    complaint = file_kk_delay()
    head = dukcapil_head()
    clock.now = RESOLVED
    complaint_staff_transition(user=head, complaint=complaint, target=Status.IN_PROGRESS)
    complaint_staff_transition(
        user=head, complaint=complaint, target=Status.RESOLVED, message="KK sudah dicetak."
    )

    # Past every deadline the complaint had, but resolved: nothing to escalate.
    assert run_at(clock, AUTO_CLOSE_AT - timedelta(hours=12)) == NOTHING
    # Closed by the clock, then long after: still nothing.
    assert run_at(clock, AUTO_CLOSE_AT + MINUTE) == ClockReport(auto_closed=1)
    assert run_at(clock, AUTO_CLOSE_AT + timedelta(days=90)) == NOTHING
    assert escalations(complaint) == []


# --- Auto-close ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("directory")
def test_a_silent_resolution_closes_10_working_days_later(clock, api_client):
    complaint = file_kk_delay()
    head = dukcapil_head()
    clock.now = RESOLVED
    complaint_staff_transition(user=head, complaint=complaint, target=Status.IN_PROGRESS)
    complaint_staff_transition(
        user=head, complaint=complaint, target=Status.RESOLVED, message="KK sudah dicetak."
    )
    resolved = fresh(complaint)
    assert resolved.auto_close_at == AUTO_CLOSE_AT
    assert resolved.due_at is None

    assert run_at(clock, AUTO_CLOSE_AT - MINUTE) == NOTHING
    assert run_at(clock, AUTO_CLOSE_AT) == NOTHING
    assert fresh(complaint).status == Status.RESOLVED

    closing = AUTO_CLOSE_AT + MINUTE
    assert run_at(clock, closing) == ClockReport(auto_closed=1)
    closed = fresh(complaint)
    assert (closed.status, closed.closed_at, closed.auto_close_at) == (Status.CLOSED, closing, None)
    last = closed.events.order_by("-seq").first()
    assert (last.kind, last.status, last.public, last.text) == (
        Event.Kind.STATUS,
        Status.CLOSED,
        True,
        AUTO_CLOSE_TEXT,
    )
    assert run_at(clock, closing + timedelta(days=10)) == NOTHING

    # The reporter can no longer reply, decide or rate; the tracking API says so.
    seq = closed.last_seq
    with pytest.raises(TransitionNotAllowed):
        complaint_reporter_message(complaint=closed, body="Masih ada masalah.")
    with pytest.raises(TransitionNotAllowed):
        complaint_reporter_decision(complaint=closed, accept=False, ratings={"waktu": 1})
    tracked = track_post(api_client, complaint.receipt).json()
    assert (tracked["status"], tracked["can_reply"], tracked["can_rate"]) == (
        "closed",
        False,
        False,
    )
    assert tracked["events"][-1]["text"] == AUTO_CLOSE_TEXT
    reply = api_client.post(
        "/api/v1/track/messages/",
        {"receipt": complaint.receipt, "body": "Masih ada masalah."},
        format="json",
    )
    assert reply.status_code == 409
    assert fresh(complaint).last_seq == seq
    assert not closed.ratings.exists()


@pytest.mark.usefixtures("directory")
def test_a_reply_before_the_clock_keeps_it_open(clock):
    """The reporter disputes on the 9th working day: reopened, and the clock no longer closes it."""
    complaint = file_kk_delay()
    head = dukcapil_head()
    clock.now = RESOLVED
    complaint_staff_transition(user=head, complaint=complaint, target=Status.IN_PROGRESS)
    complaint_staff_transition(
        user=head, complaint=complaint, target=Status.RESOLVED, message="KK sudah dicetak."
    )
    clock.now = datetime(2027, 1, 11, 8, 0, tzinfo=WIB)
    complaint_reporter_decision(complaint=fresh(complaint), accept=False)

    assert fresh(complaint).auto_close_at is None
    assert run_at(clock, AUTO_CLOSE_AT + MINUTE) == NOTHING
    assert fresh(complaint).status == Status.IN_PROGRESS


# --- Concurrency and the command -----------------------------------------------------------------


def breached_pair(clock) -> list[Complaint]:
    """Two complaints whose first response is late, between level 1 and level 2."""
    return [file_kk_delay(), file_kk_delay()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("directory")
def test_two_runs_in_a_row_escalate_each_complaint_once(clock):
    complaints = breached_pair(clock)

    first = run_at(clock, FIRST_RESPONSE_DUE + MINUTE)
    second = run_at(clock, FIRST_RESPONSE_DUE + MINUTE)

    assert first == ClockReport(escalated_to_head=2)
    assert second == NOTHING
    assert [len(escalations(c)) for c in complaints] == [1, 1]


def database_for_threads(tmp_path) -> dict | None:
    """Connection settings for the racing threads, or None to use the test database itself.

    The embedded default's test database is SQLite in memory with a shared cache, where a
    second writer is refused at once ("database table is locked") instead of waiting: not how
    `make run` behaves. There the threads get a file copy of it with the project's own options
    (WAL, IMMEDIATE transactions, busy timeout), as `make run` has. PostgreSQL is used as is.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return None
    path = tmp_path / "clocks.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return {**connection.settings_dict, "NAME": str(path)}


def escalation_rows(settings_dict: dict | None) -> list[tuple]:
    """``(escalation_level, escalated events)`` of every complaint, in the threads' database."""
    if settings_dict is None:
        return sorted((c.escalation_level, len(escalations(c))) for c in Complaint.objects.all())
    with sqlite3.connect(settings_dict["NAME"]) as database:
        return sorted(
            database.execute(
                "SELECT c.escalation_level, (SELECT COUNT(*) FROM complaints_event e "
                "WHERE e.complaint_id = c.id AND e.kind = 'escalated') FROM complaints_complaint c"
            ).fetchall()
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("directory")
def test_two_concurrent_runs_escalate_each_complaint_once(clock, tmp_path):
    breached_pair(clock)
    moment = FIRST_RESPONSE_DUE + MINUTE
    clock.now = moment
    settings_dict = database_for_threads(tmp_path)
    start = threading.Barrier(2)
    reports: list[ClockReport] = []
    errors: list[BaseException] = []

    def run():
        if settings_dict is not None:  # this thread's own connection to the file copy
            connections["default"] = DatabaseWrapper(settings_dict, alias="default")
        try:
            start.wait(timeout=10)
            reports.append(clocks_run(now=moment))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(reports) == 2
    assert sum(r.escalated_to_head for r in reports) == 2
    assert sum(r.escalated_to_inspektorat + r.auto_closed for r in reports) == 0
    assert escalation_rows(settings_dict) == [(1, 1), (1, 1)]


@pytest.mark.usefixtures("directory")
def test_run_clocks_command_prints_what_it_did(clock):
    complaint = file_kk_delay()
    clock.now = FIRST_RESPONSE_DUE + MINUTE
    out = StringIO()

    call_command("run_clocks", stdout=out)
    call_command("run_clocks", stdout=out)

    assert out.getvalue().splitlines() == [
        "Escalated to the OPD head: 1; to the Inspektorat: 0; auto-closed: 0.",
        "Integrity checkpoint published for 2026-12-30.",
        "Escalated to the OPD head: 0; to the Inspektorat: 0; auto-closed: 0.",
    ]
    assert len(escalations(complaint)) == 1
