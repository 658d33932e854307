"""``seed_load``: realistic synthetic complaints in bulk (COPY on PostgreSQL, batched inserts here).

On the test database (SQLite under `make test`, PostgreSQL under `make test-services`): 300
complaints over two years with a fixed seed and a fixed "today", then

- the counts, and a history for each: at least 2 events, numbered 1..n (``last_seq`` = n), in time
  order, the last one in the complaint's status;
- every pungli complaint has the Inspektorat's oversight copy, unless the Inspektorat is primary;
- clocks that fit the status (open ones have a deadline, closed ones a closing time...);
- the rollups equal ``rollups_rebuild()``, also after the services changed seeded complaints;
- seasonality: SPMB (school admission) complaints take a larger share in June-July;
- a second call tops up (new ids, references and receipts; nothing collides).
"""

from collections import defaultdict
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count, Max, Min

from complaints.deadlines import WIB
from complaints.models import (
    FINAL_STATUSES,
    Category,
    Complaint,
    Event,
    Rating,
    StaffRole,
    Status,
)
from complaints.seeding import seed_load
from complaints.services import (
    complaint_reassign,
    complaint_staff_transition,
    staff_account_ensure,
)
from routing.models import Opd
from tests.api.staff import staff_write
from tests.complaints.rollupcheck import differences, rebuilt_snapshot, rollup_snapshot

pytestmark = pytest.mark.usefixtures("directory")

TODAY = date(2026, 11, 27)
SEED = 2026
N = 300


@pytest.fixture
def loaded():
    assert seed_load(complaints=N, days=730, seed=SEED, today=TODAY) == N


def test_counts(loaded):
    assert Complaint.objects.count() == N
    assert Event.objects.count() >= 2 * N
    created = Complaint.objects.aggregate(first=Min("created_at"), last=Max("created_at"))
    assert (TODAY - created["last"].date()).days <= 1
    assert 700 <= (TODAY - created["first"].date()).days <= 731
    categories = dict(Complaint.objects.values_list("category").annotate(n=Count("pk")))
    assert set(categories) == set(Category.values)
    assert categories[Category.PUNGLI] > N // 3
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {Status.CLOSED, Status.IN_PROGRESS, Status.ASSIGNED} <= statuses
    assert Rating.objects.exists()


def test_every_complaint_has_a_numbered_history(loaded):
    events = defaultdict(list)
    for complaint_id, seq, status, at in Event.objects.order_by("complaint_id", "seq").values_list(
        "complaint_id", "seq", "status", "created_at"
    ):
        events[complaint_id].append((seq, status, at))
    complaints = {
        row[0]: row
        for row in Complaint.objects.values_list("pk", "last_seq", "status", "created_at")
    }
    assert set(events) == set(complaints)
    for pk, (_pk, last_seq, status, created) in complaints.items():
        history = events[pk]
        assert len(history) >= 2
        assert [seq for seq, _status, _at in history] == list(range(1, len(history) + 1))
        assert last_seq == len(history)
        assert history[0][1] == Status.RECEIVED and history[0][2] == created
        assert history[-1][1] == status, (pk, history)
        times = [at for _seq, _status, at in history]
        assert times == sorted(times), (pk, history)


def test_pungli_complaints_have_the_inspektorat_copy(loaded):
    inspektorat = Opd.objects.get(code=settings.PORTAL_INSPEKTORAT_CODE)
    pungli = Complaint.objects.filter(category=Category.PUNGLI)
    missing = pungli.exclude(opd=inspektorat).exclude(oversight=inspektorat)
    assert not missing.exists()
    assert not Complaint.objects.filter(opd=inspektorat, oversight=inspektorat).exists()
    assert (
        not Complaint.objects.exclude(category=Category.PUNGLI)
        .filter(oversight__isnull=False)
        .exists()
    )


def test_clocks_fit_the_status(loaded):
    for row in Complaint.objects.values():
        status = row["status"]
        if status not in FINAL_STATUSES and status != Status.RESOLVED:
            assert row["due_at"] is not None, row["reference"]
        if status in (Status.RESOLVED, Status.CLOSED) and row["opd_id"]:
            assert row["resolved_at"] is not None and row["resolved_at"] >= row["created_at"]
        if row["closed_at"]:
            assert row["closed_at"] >= (row["resolved_at"] or row["created_at"])
        assert (row["first_response_at"] is None) == (row["first_response_days"] is None)
        if row["first_response_at"]:
            assert row["first_response_at"] > row["created_at"]
        if row["status"] == Status.TRIAGE:
            assert row["opd_id"] is None
        if row["fee_excess"]:
            assert row["category"] == Category.PUNGLI and row["fee_flagged"]
    for rating in Rating.objects.select_related("complaint"):
        assert rating.complaint.status == Status.CLOSED and 1 <= rating.value <= 4


def test_rollups_equal_a_rebuild(loaded):
    loaded_rollups = rollup_snapshot()
    assert sum(row["received"] for row in loaded_rollups["StatDaily"].values()) == N
    assert differences(loaded_rollups, rebuilt_snapshot()) == []
    assert loaded_rollups == rebuilt_snapshot()


def test_services_keep_the_rollups_of_seeded_complaints_exact(loaded):
    """The seeded rows are what the services expect: changing them keeps the rollups exact."""
    admin = staff_account_ensure(username="admin", password="uji-seed-1", superuser=True)
    koordinator = staff_account_ensure(
        username="koordinator", password="uji-seed-1", role=StaffRole.KOORDINATOR
    )
    dishub = Opd.objects.get(code="DISHUB")
    assigned = list(Complaint.objects.filter(status=Status.ASSIGNED)[:3])
    in_progress = list(Complaint.objects.filter(status=Status.IN_PROGRESS)[:3])
    triage = list(Complaint.objects.filter(status=Status.TRIAGE)[:2])
    assert assigned and in_progress
    for complaint in assigned:
        staff_write(admin, complaint, "Kami cek.")
    for complaint in in_progress:
        complaint_staff_transition(
            user=admin, complaint=complaint, target=Status.RESOLVED, message="Selesai."
        )
    for complaint in triage:
        complaint_reassign(user=koordinator, complaint=complaint, opd=dishub, reason="Parkir")
    assert differences(rollup_snapshot(), rebuilt_snapshot()) == []


def spmb_share(months: set[int], inside: bool) -> float:
    rows = Complaint.objects.values_list("created_at", "service__code")
    chosen = [code for at, code in rows if (at.astimezone(WIB).month in months) == inside]
    return sum(1 for code in chosen if code and code.startswith("SPMB-")) / len(chosen)


def test_seasonality_school_admission_in_june_and_july(loaded):
    in_season = spmb_share({6, 7}, inside=True)
    off_season = spmb_share({6, 7}, inside=False)
    assert in_season > 2 * off_season, (in_season, off_season)


def test_a_second_call_tops_up(loaded):
    first = set(Complaint.objects.values_list("pk", flat=True))
    references = set(Complaint.objects.values_list("reference", flat=True))
    receipts = set(Complaint.objects.values_list("receipt_hash", flat=True))
    assert seed_load(complaints=80, days=730, seed=SEED, today=TODAY) == 80
    assert Complaint.objects.count() == N + 80
    added = Complaint.objects.exclude(pk__in=first)
    assert added.count() == 80
    assert not set(added.values_list("reference", flat=True)) & references
    assert not set(added.values_list("receipt_hash", flat=True)) & receipts
    assert Complaint.objects.values("reference").distinct().count() == N + 80
    snapshot = rollup_snapshot()
    assert sum(row["received"] for row in snapshot["StatDaily"].values()) == N + 80
    assert snapshot == rebuilt_snapshot()


def test_the_same_seed_on_an_empty_database_gives_the_same_complaints():
    seed_load(complaints=40, days=365, seed=7, today=TODAY)
    first = sorted(Complaint.objects.values_list("reference", "category", "status"))
    Complaint.objects.all().delete()
    seed_load(complaints=40, days=365, seed=7, today=TODAY)
    assert sorted(Complaint.objects.values_list("reference", "category", "status")) == first


def test_the_management_command():
    out = StringIO()
    call_command("seed_load", complaints=25, days=60, seed=3, stdout=out)
    assert out.getvalue().startswith("Loaded 25 complaints in ")
    assert Complaint.objects.count() == 25
