"""The dashboard rollups (``complaints.rollups``) always equal an aggregation of the complaints.

The main test builds a random city history (fixed seed) through the real services only: about
60 complaints filed with random types, services, kelurahan and amounts, then random staff
transitions, reassignments, first public replies, resolutions, reporter decisions with ratings,
disputes, Inspektorat reopenings and referrals, and the clocks auto-closing silent resolutions,
while a patched ``timezone.now`` walks forward through about four months (so deadlines are kept
and missed). At checkpoints and at the end the four rollup tables kept incrementally are compared
with what ``rollups_rebuild()`` computes from the complaints themselves.

Unit tests pin the pieces: ``contribution()`` of one complaint, nested ``tracking()`` blocks
counting once, and a rolled-back transaction leaving the rollups untouched.
"""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from complaints import rollups
from complaints.clocks import clocks_run
from complaints.exceptions import ApplicationError
from complaints.models import (
    FINAL_STATUSES,
    Category,
    Complaint,
    Rating,
    RatingElement,
    StaffRole,
    StatDaily,
    StatHotspot,
    StatResponse,
    Status,
)
from complaints.rollups import contribution, rollups_rebuild, tracking
from complaints.services import (
    complaint_reassign,
    complaint_reporter_decision,
    complaint_reporter_message,
    complaint_staff_transition,
    complaint_submit,
    staff_account_ensure,
)
from routing.models import Kelurahan, Opd, Service
from tests.api.staff import staff_write
from tests.complaints.clock import FrozenClock
from tests.complaints.rollupcheck import differences, rebuilt_snapshot, rollup_snapshot

pytestmark = pytest.mark.usefixtures("directory")

WIB = ZoneInfo("Asia/Jakarta")
SEED = 20260302
COMPLAINTS = 60
START = datetime(2026, 3, 2, 8, 0, tzinfo=WIB)  # a Monday
PASSWORD = "uji-rollup-4471"

DESCRIPTIONS = {
    Category.PUNGLI: [
        "Jukir minta Rp10.000 untuk parkir motor, tidak ada karcis.",
        "Petugas minta uang Rp50.000 supaya berkas cepat selesai.",
        "Ada pungutan uang bangku Rp1.500.000 saat pendaftaran sekolah.",
        "Diminta bayar Rp25.000 di loket, tanpa kuitansi.",
        "Pungutan PKL di pasar Rp5.000 per hari tanpa karcis.",
    ],
    Category.DELAY: [
        "KTP-el belum dicetak padahal sudah merekam dua bulan lalu.",
        "Berkas saya tertahan berminggu-minggu tanpa kabar.",
        "Akta kelahiran anak belum juga selesai.",
    ],
    Category.OTHER: [
        "Petugas tidak ramah dan layanan ditolak tanpa alasan jelas.",
        "Pelayanan jelek sekali, petugas acuh.",
        "Antrean tidak tertib dan informasi persyaratan membingungkan.",
    ],
}
# Texts no routing rule recognises: without a service or an office they wait in triage.
VAGUE = [
    "Pelayanan jelek sekali, petugas acuh.",
    "Saya kecewa, tolong ditindak.",
    "Tidak jelas semua.",
]


@pytest.fixture
def clock():
    frozen = FrozenClock(START)
    with mock.patch("django.utils.timezone.now", frozen):
        yield frozen


class City:
    """The random city history: who acts, and a record of what happened (to check coverage)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.services = list(Service.objects.filter(is_active=True))
        self.kelurahan = list(Kelurahan.objects.all())
        self.opds = list(Opd.objects.filter(is_active=True))
        self.koordinator = staff_account_ensure(
            username="koordinator", password=PASSWORD, role=StaffRole.KOORDINATOR
        )
        self.inspektorat = staff_account_ensure(
            username="inspektorat", password=PASSWORD, role=StaffRole.INSPEKTORAT
        )
        self.admin = staff_account_ensure(username="admin", password=PASSWORD, superuser=True)
        self.heads: dict[int, object] = {}
        self.complaints: list[Complaint] = []
        self.done: Counter = Counter()

    def head_of(self, complaint: Complaint):
        """The head of the complaint's OPD (or, now and then, an admin acting instead)."""
        if self.rng.random() < 0.1:
            return self.admin
        opd = complaint.opd
        if opd.pk not in self.heads:
            self.heads[opd.pk] = staff_account_ensure(
                username=f"kepala-{opd.code.lower()}",
                password=PASSWORD,
                role=StaffRole.OPD_STAFF,
                opd=opd,
            )
        return self.heads[opd.pk]

    def file(self) -> None:
        rng = self.rng
        category = rng.choice(Category.values)
        service = rng.choice(self.services) if rng.random() < 0.75 else None
        kelurahan = rng.choice(self.kelurahan) if rng.random() < 0.7 else None
        reported = rng.choice(self.opds) if service is None and rng.random() < 0.3 else None
        amounts = {}
        if category == Category.PUNGLI:
            paid = rng.choice([None, 5_000, 10_000, 25_000, 100_000])
            amounts = {
                "amount_paid": paid,
                "amount_asked": rng.choice([paid, 50_000]) if paid else rng.choice([None, 20_000]),
                "karcis_given": rng.choice([None, True, False]),
            }
        vague = service is None and reported is None and rng.random() < 0.6
        complaint, receipt = complaint_submit(
            category=category,
            description=rng.choice(VAGUE if vague else DESCRIPTIONS[category]),
            service=service,
            kelurahan=kelurahan,
            reported_opd=reported,
            involves_head=rng.random() < 0.05,
            **amounts,
        )
        complaint.receipt = receipt
        self.complaints.append(complaint)
        self.done[f"filed:{complaint.status}"] += 1

    def act(self) -> None:
        """One random action that the complaint's current status allows."""
        rng = self.rng
        # Referred and rejected complaints never change again: pick among the others.
        complaint = rng.choice(
            [c for c in self.complaints if c.status not in (Status.REFERRED, Status.REJECTED)]
            or self.complaints
        )
        complaint.refresh_from_db()
        status = complaint.status
        actions = {
            Status.TRIAGE: [self.route, self.route, self.reject, self.refer],
            Status.ASSIGNED: [self.reply, self.start, self.ask, self.reassign, self.refer],
            Status.IN_PROGRESS: [self.resolve, self.resolve, self.ask, self.reply, self.reassign],
            Status.NEEDS_INFO: [self.answer, self.answer, self.start],
            Status.RESOLVED: [self.accept, self.accept, self.dispute, self.reopen, self.wait],
            Status.CLOSED: [self.reopen, self.wait, self.wait, self.wait],
        }.get(status, [self.wait])
        action = rng.choice(actions)
        action(complaint)
        complaint.refresh_from_db()
        self.done[action.__name__] += 1

    # --- Staff ---------------------------------------------------------------------------

    def route(self, complaint):
        target = self.rng.choice([opd for opd in self.opds if opd.pk != complaint.opd_id])
        complaint_reassign(
            user=self.koordinator, complaint=complaint, opd=target, reason="Sesuai layanan"
        )

    def reassign(self, complaint):
        user = self.rng.choice([self.koordinator, self.inspektorat])
        target = self.rng.choice([opd for opd in self.opds if opd.pk != complaint.opd_id])
        try:
            complaint_reassign(
                user=user, complaint=complaint, opd=target, reason="Bukan kewenangan"
            )
        except ApplicationError:  # the Inspektorat may not see this one: allowed to refuse
            self.done["reassign refused"] += 1

    def reject(self, complaint):
        complaint_staff_transition(
            user=self.koordinator, complaint=complaint, target=Status.REJECTED, message="Spam"
        )

    def refer(self, complaint):
        complaint_staff_transition(
            user=self.inspektorat,
            complaint=complaint,
            target=Status.REFERRED,
            message="Dilimpahkan ke APH",
        )

    def reply(self, complaint):
        staff_write(self.head_of(complaint), complaint, "Sedang kami cek.")

    def start(self, complaint):
        complaint_staff_transition(
            user=self.head_of(complaint), complaint=complaint, target=Status.IN_PROGRESS
        )

    def ask(self, complaint):
        complaint_staff_transition(
            user=self.head_of(complaint),
            complaint=complaint,
            target=Status.NEEDS_INFO,
            message="Di loket mana kejadiannya?",
        )

    def resolve(self, complaint):
        complaint_staff_transition(
            user=self.head_of(complaint),
            complaint=complaint,
            target=Status.RESOLVED,
            message="Petugas sudah ditegur dan uang dikembalikan.",
        )

    def reopen(self, complaint):
        complaint_staff_transition(
            user=self.inspektorat,
            complaint=complaint,
            target=Status.IN_PROGRESS,
            message="Dibuka kembali oleh Inspektorat",
        )

    # --- Reporter ------------------------------------------------------------------------

    def answer(self, complaint):
        complaint_reporter_message(complaint=complaint, body="Di loket dua, pukul sepuluh pagi.")

    def _ratings(self) -> dict:
        elements = self.rng.sample(RatingElement.values, self.rng.randint(0, 4))
        return {element: self.rng.randint(1, 4) for element in elements}

    def accept(self, complaint):
        ratings = {} if complaint.ratings.exists() else self._ratings()
        complaint_reporter_decision(complaint=complaint, accept=True, ratings=ratings)

    def dispute(self, complaint):
        ratings = {} if complaint.ratings.exists() else self._ratings()
        complaint_reporter_decision(complaint=complaint, accept=False, ratings=ratings)

    def wait(self, complaint):
        pass


def test_rollups_kept_by_the_services_equal_a_rebuild(clock):
    rng = random.Random(SEED)
    city = City(rng)
    mismatches = []
    steps = 0
    while len(city.complaints) < COMPLAINTS or steps < 520:
        steps += 1
        # Mostly working hours, sometimes across a weekend or a long gap.
        clock.now += timedelta(
            hours=rng.choice([1, 1, 2, 2, 3, 4, 8, 24]), minutes=rng.randint(0, 59)
        )
        if len(city.complaints) < COMPLAINTS and (not city.complaints or rng.random() < 0.25):
            city.file()
        else:
            city.act()
        if steps % 40 == 0:
            report = clocks_run(now=clock.now)
            city.done["auto_closed"] += report.auto_closed
            city.done["escalated"] += report.escalated_to_head + report.escalated_to_inspektorat
        if steps % 130 == 0:
            mismatches += differences(rollup_snapshot(), rebuilt_snapshot())
    clock.now += timedelta(days=30)  # long enough for every silent resolution to close
    city.done["auto_closed"] += clocks_run(now=clock.now).auto_closed

    incremental = rollup_snapshot()
    rollups_rebuild()
    rebuilt = rollup_snapshot()
    assert differences(incremental, rebuilt) == []
    assert incremental == rebuilt
    assert mismatches == [], "the rollups drifted at a checkpoint"

    # The history really went through the paths the rollups must follow.
    complaints = Complaint.objects.all()
    assert complaints.count() == COMPLAINTS
    assert len({key[0] for key in incremental["StatDaily"]}) >= 10
    assert len({key[1] for key in incremental["StatDaily"]}) >= 6  # several OPDs
    assert city.done["filed:triage"] >= 2 and city.done["reject"] >= 1, city.done
    for action in (
        "route",
        "reassign",
        "reply",
        "start",
        "ask",
        "resolve",
        "answer",
        "accept",
        "dispute",
        "reopen",
        "refer",
    ):
        assert city.done[action] >= 2, (action, city.done)
    assert city.done["auto_closed"] >= 1, city.done
    daily = {
        field: sum(row.get(field, 0) for row in incremental["StatDaily"].values())
        for field in ("received", "open", "resolved_on_time", "resolved_late", "excess")
    }
    assert daily["received"] == COMPLAINTS
    assert daily["open"] == complaints.exclude(status__in=FINAL_STATUSES).count()
    assert daily["resolved_on_time"] >= 3 and daily["resolved_late"] >= 1, daily
    assert daily["excess"] > 0
    assert incremental["StatResponse"] and incremental["StatHotspot"] and incremental["StatRating"]
    assert Rating.objects.count() == sum(row["count"] for row in incremental["StatRating"].values())


# --- contribution() -------------------------------------------------------------------------


def test_contribution_of_one_pungli_complaint():
    service = Service.objects.get(code="PARKIR-MOTOR")
    kelurahan = Kelurahan.objects.get(code="17.71.06.1006")
    dishub = Opd.objects.get(code="DISHUB")
    complaint = Complaint(
        category=Category.PUNGLI,
        status=Status.IN_PROGRESS,
        opd=dishub,
        service=service,
        kelurahan=kelurahan,
        fee_flagged=True,
        fee_excess=8_000,
        # 23.30 UTC on 31 May is 06.30 WIB on 1 June: the rollups count WIB days.
        created_at=datetime(2026, 5, 31, 23, 30, tzinfo=UTC),
        resolve_due_at=datetime(2026, 8, 28, 23, 59, 59, tzinfo=WIB),
        resolved_at=datetime(2026, 6, 10, 9, 0, tzinfo=WIB),
        first_response_days=120,  # beyond the cap: counted in the last bucket
    )
    day = date(2026, 6, 1)
    daily = (StatDaily, (day, "DISHUB", "pungli"))
    hotspot = (StatHotspot, (day, "17.71.06.1006", "PARKIR-MOTOR"))
    expected = {
        (daily, "received"): 1,
        (daily, "open"): 1,
        (daily, "fee_flagged"): 1,
        (daily, "excess"): 8_000,
        (daily, "resolved_on_time"): 1,
        ((StatResponse, (day, "DISHUB", rollups.RESPONSE_DAYS_CAP)), "count"): 1,
        (hotspot, "reports"): 1,
        (hotspot, "excess"): 8_000,
    }
    assert +contribution(complaint) == expected  # "+" drops the zero entries


def test_contribution_of_a_closed_late_delay_and_of_a_triage_complaint():
    late = Complaint(
        category=Category.DELAY,
        status=Status.CLOSED,
        opd=Opd.objects.get(code="DUKCAPIL"),
        created_at=datetime(2026, 6, 1, 10, 0, tzinfo=WIB),
        resolve_due_at=datetime(2026, 6, 19, 23, 59, 59, tzinfo=WIB),
        resolved_at=datetime(2026, 6, 20, 0, 0, tzinfo=WIB),
        first_response_days=0,
    )
    daily = (StatDaily, (date(2026, 6, 1), "DUKCAPIL", "delay"))
    assert +contribution(late) == {
        (daily, "received"): 1,
        (daily, "resolved_late"): 1,
        ((StatResponse, (date(2026, 6, 1), "DUKCAPIL", 0)), "count"): 1,
    }  # closed: not open; not pungli: no hotspot; no fee

    triage = Complaint(
        category=Category.PUNGLI,
        status=Status.TRIAGE,
        created_at=datetime(2026, 6, 2, 8, tzinfo=WIB),
    )
    daily = (StatDaily, (date(2026, 6, 2), "", "pungli"))
    hotspot = (StatHotspot, (date(2026, 6, 2), "", ""))
    assert +contribution(triage) == {
        (daily, "received"): 1,
        (daily, "open"): 1,
        (hotspot, "reports"): 1,
    }


# --- tracking() -----------------------------------------------------------------------------


def file_parking() -> Complaint:
    complaint, _receipt = complaint_submit(
        category="pungli",
        description="Jukir minta Rp10.000 untuk parkir motor, tanpa karcis.",
        service=Service.objects.get(code="PARKIR-MOTOR"),
        amount_paid=10_000,
        karcis_given=False,
    )
    return complaint


def test_nested_tracking_blocks_count_a_change_once():
    complaint = file_parking()
    before = rollup_snapshot()
    dukcapil = Opd.objects.get(code="DUKCAPIL")
    with mock.patch.object(rollups, "_apply", wraps=rollups._apply) as apply:
        with transaction.atomic(), tracking(complaint):
            with tracking(complaint):  # a service calling another service
                complaint.status = Status.IN_PROGRESS
                complaint.save()
            with tracking(complaint):
                complaint.opd = dukcapil
                complaint.save()
    assert apply.call_count == 1
    after = rollup_snapshot()
    day = next(iter(before["StatDaily"]))[0]
    # The complaint left Dishub's row and is counted once in Dukcapil's.
    assert (day, "DISHUB", "pungli") not in after["StatDaily"]
    assert (
        after["StatDaily"][(day, "DUKCAPIL", "pungli")]
        == before["StatDaily"][(day, "DISHUB", "pungli")]
    )
    assert after["StatDaily"][(day, "DUKCAPIL", "pungli")]["received"] == 1
    assert after == rebuilt_snapshot()


def test_tracking_a_new_complaint_adds_it_once():
    complaint = file_parking()
    second = file_parking()
    snapshot = rollup_snapshot()
    day = complaint.created_at.astimezone(WIB).date()
    assert snapshot["StatDaily"][(day, "DISHUB", "pungli")]["received"] == 2
    assert snapshot["StatHotspot"][(day, "", "PARKIR-MOTOR")] == {"reports": 2, "excess": 16_000}
    assert second.status == Status.ASSIGNED
    assert snapshot == rebuilt_snapshot()


class Boom(Exception):
    pass


def test_a_rolled_back_transaction_leaves_the_rollups_unchanged():
    complaint = file_parking()
    before = rollup_snapshot()

    with pytest.raises(Boom), transaction.atomic():
        file_parking()
        staff_write(
            staff_account_ensure(username="admin", password=PASSWORD, superuser=True),
            complaint,
            "Kami cek.",
        )
        raise Boom

    assert rollup_snapshot() == before
    assert Complaint.objects.count() == 1


def test_a_service_failing_after_its_rollup_update_leaves_the_rollups_unchanged():
    """The resolution's rollup change is applied, then appending its event fails: all undone."""
    complaint = file_parking()
    admin = staff_account_ensure(username="admin", password=PASSWORD, superuser=True)
    complaint_staff_transition(user=admin, complaint=complaint, target=Status.IN_PROGRESS)
    before = rollup_snapshot()
    with mock.patch.object(rollups, "_apply", wraps=rollups._apply) as apply:
        # The choke point appends the status event: make that append fail.
        append = "complaints.services.transitions.event_append"
        with mock.patch(append, side_effect=Boom), pytest.raises(Boom):
            complaint_staff_transition(
                user=admin, complaint=complaint, target=Status.RESOLVED, message="Selesai."
            )
    assert apply.call_count == 1  # the rollups were changed, inside the failed transaction
    assert rollup_snapshot() == before
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS and complaint.resolved_at is None


def test_a_refused_transition_changes_nothing():
    complaint = file_parking()
    before = rollup_snapshot()
    with pytest.raises(ApplicationError):
        complaint_reporter_decision(complaint=complaint, accept=True, ratings={"waktu": 4})
    assert rollup_snapshot() == before
    assert not complaint.ratings.exists()


def test_rebuild_of_an_empty_database_is_empty():
    rollups_rebuild()
    assert rollup_snapshot() == {
        "StatDaily": {},
        "StatResponse": {},
        "StatHotspot": {},
        "StatRating": {},
    }
