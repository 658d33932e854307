"""The mayor's dashboard figures (docs/product.md F6, §3 "IKM" and "OPD zone"), against hand counts.

One small April 2026 city (``april`` below) is written row by row, the rollups rebuilt, and every
aggregate compared with a figure worked out by hand in the table here. Times are WIB; PAST and
FUTURE are deadlines long gone / far ahead (the overdue counts use the database's clock).

    ref created (WIB)  OPD       type    status       due_at  resolved / due     1st  excess
    H   31 Mar 23.30   DISHUB    pungli  in_progress  PAST    - / PAST           -    50.000 (March)
    I   1 Apr 00.30    DISHUB    delay   assigned     PAST    - / FUTURE         -    -
    A   6 Apr          DISHUB    pungli  closed       -       10 Apr / 30 Jun    1    8.000
    B   7 Apr          DISHUB    pungli  in_progress  PAST    - / PAST (waits)   3    3.000
    C   8 Apr          DUKCAPIL  delay   resolved     -       30 Apr / 28 Apr    2    -
    D   14 Apr         DUKCAPIL  delay   resolved     -       20 Apr / 5 May     0    -
    L   15 Apr         DIKBUD    pungli  closed       -       20 Apr / 10 Jul    5    500.000
    M   16 Apr         DINKES    delay   needs_info   PAST    - / PAST (waits)   -    -
    E   20 Apr         DUKCAPIL  other   assigned     FUTURE  - / FUTURE         -    -
    F   21 Apr         (triage)  other   triage       PAST    -                  -    -
    G   22 Apr         (triage)  other   rejected     -       -                  -    -
    J   30 Apr 23.59   DUKCAPIL  pungli  referred     -       - / PAST (final)   -    2.000
    K   1 May 00.00    DUKCAPIL  delay   assigned     FUTURE  -                  -    - (May)

April: received 11 (I A B C D L M E F G J); open 7 (I B C D M E F: resolved counts as open);
overdue 4 (I B M F); deadlines kept = on time 3 (A D L) / (3 + late 1 (C) + waiting past the
deadline 2 (B M)) = 50.0 % (C and D are resolved: never "waiting", though their deadline passed);
first responses 0 1 2 3 5: median 2; excess 8.000 + 3.000 + 500.000 + 2.000 = 513.000.

Ratings: A waktu 4, biaya 3, perilaku 4, penanganan 3; D waktu 2, biaya 3; L all 4; and a
March complaint rated on 31 March, waktu 1 (not April's). April element means: waktu 10/3,
biaya 10/3, perilaku 4, penanganan 3.5; their mean 3.5417 × 25 = IKM 88.54 (A, 3 complaints).

The arithmetic (the IKM formula and its categories, zone boundaries, medians, percentages) is
tested without a database in ``test_scoring.py``; here it is the figures the dashboard reads back
from the rollups.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import translation

from complaints.exceptions import InvalidInput
from complaints.models import Category, Status
from complaints.services import (
    complaint_reporter_decision,
    complaint_staff_transition,
    complaint_submit,
    staff_account_ensure,
)
from complaints.stats import dashboard
from complaints.stats.dashboard import Period, period_parse
from routing.models import Kelurahan, Service
from tests.complaints.statdata import FUTURE, PAST, WIB, complaint, rate, rebuild, wib

pytestmark = pytest.mark.usefixtures("directory")

APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
SAWAH_LEBAR = "17.71.06.1006"
PAGAR_DEWA = "17.71.01.1001"


@pytest.fixture
def april():
    complaint(
        datetime(2026, 3, 31, 23, 30, tzinfo=WIB),
        status=Status.IN_PROGRESS,
        due_at=PAST,
        resolve_due_at=PAST,
        fee_flagged=True,
        fee_excess=50_000,
        service="PARKIR-MOTOR",
        kelurahan=SAWAH_LEBAR,
    )  # H
    march = complaint(wib(date(2026, 3, 20)), category=Category.DELAY, status=Status.CLOSED)
    rate(march, wib(date(2026, 3, 31)), waktu=1)
    complaint(
        datetime(2026, 3, 31, 17, 30, tzinfo=UTC),
        category=Category.DELAY,  # I: 1 Apr 00.30 WIB
        status=Status.ASSIGNED,
        due_at=PAST,
        resolve_due_at=FUTURE,
    )
    a = complaint(
        wib(date(2026, 4, 6)),
        status=Status.CLOSED,
        service="PARKIR-MOTOR",
        kelurahan=SAWAH_LEBAR,
        fee_flagged=True,
        fee_excess=8_000,
        resolved_at=wib(date(2026, 4, 10)),
        resolve_due_at=wib(date(2026, 6, 30), 23, 59),
        first_response_days=1,
    )
    rate(a, wib(date(2026, 4, 11)), waktu=4, biaya=3, perilaku=4, penanganan=3)
    complaint(
        wib(date(2026, 4, 7)),
        status=Status.IN_PROGRESS,
        service="PARKIR-MOTOR",
        kelurahan=SAWAH_LEBAR,
        fee_flagged=True,
        fee_excess=3_000,
        due_at=PAST,
        resolve_due_at=PAST,
        first_response_days=3,
    )  # B
    complaint(
        wib(date(2026, 4, 8)),
        opd="DUKCAPIL",
        category=Category.DELAY,
        status=Status.RESOLVED,
        resolved_at=wib(date(2026, 4, 30)),
        resolve_due_at=wib(date(2026, 4, 28), 23, 59),
        first_response_days=2,
    )  # C
    d = complaint(
        wib(date(2026, 4, 14)),
        opd="DUKCAPIL",
        category=Category.DELAY,
        status=Status.RESOLVED,
        resolved_at=wib(date(2026, 4, 20)),
        resolve_due_at=wib(date(2026, 5, 5), 23, 59),
        first_response_days=0,
    )
    rate(d, wib(date(2026, 4, 21)), waktu=2, biaya=3)
    l_ = complaint(
        wib(date(2026, 4, 15)),
        opd="DIKBUD",
        status=Status.CLOSED,
        service="SPMB-SD",
        kelurahan=PAGAR_DEWA,
        fee_flagged=True,
        fee_excess=500_000,
        resolved_at=wib(date(2026, 4, 20)),
        resolve_due_at=wib(date(2026, 7, 10), 23, 59),
        first_response_days=5,
    )
    rate(l_, wib(date(2026, 4, 21)), waktu=4, biaya=4, perilaku=4, penanganan=4)
    complaint(
        wib(date(2026, 4, 16)),
        opd="DINKES",
        category=Category.DELAY,
        status=Status.NEEDS_INFO,
        due_at=PAST,
        resolve_due_at=PAST,
    )  # M
    complaint(
        wib(date(2026, 4, 20)),
        opd="DUKCAPIL",
        category=Category.OTHER,
        status=Status.ASSIGNED,
        due_at=FUTURE,
        resolve_due_at=FUTURE,
    )  # E
    complaint(
        wib(date(2026, 4, 21)), opd=None, category=Category.OTHER, status=Status.TRIAGE, due_at=PAST
    )  # F
    complaint(
        wib(date(2026, 4, 22)), opd=None, category=Category.OTHER, status=Status.REJECTED
    )  # G
    complaint(
        datetime(2026, 4, 30, 23, 59, tzinfo=WIB),
        opd="DUKCAPIL",
        status=Status.REFERRED,
        service="KK",
        fee_flagged=True,
        fee_excess=2_000,
        resolve_due_at=PAST,
    )  # J
    complaint(
        datetime(2026, 5, 1, 0, 0, tzinfo=WIB),
        opd="DUKCAPIL",
        category=Category.DELAY,
        status=Status.ASSIGNED,
        due_at=FUTURE,
        resolve_due_at=FUTURE,
    )  # K
    rebuild()


# --- overview ---------------------------------------------------------------------------------


def test_overview_of_april(april):
    assert dashboard.overview(APRIL) == {
        "from": date(2026, 4, 1),
        "to": date(2026, 4, 30),
        "received": 11,
        "open": 7,
        "overdue": 4,
        "median_first_response_days": 2.0,
        "deadline_compliance": Decimal("50.0"),
        "ikm": Decimal("88.54"),
        "ikm_category": "A",
        "ikm_responses": 3,
        "fee_flagged": 4,
        "excess_total": 513_000,
    }


def test_period_bounds_are_whole_wib_days(april):
    """1 April 00.30 WIB (31 March in UTC) is April's; 31 March 23.30 WIB is not; 1 May is not."""
    assert dashboard.overview(Period(date(2026, 4, 1), date(2026, 4, 1)))["received"] == 1  # I
    assert dashboard.overview(Period(date(2026, 3, 31), date(2026, 3, 31)))["received"] == 1  # H
    assert dashboard.overview(Period(date(2026, 4, 30), date(2026, 5, 1)))["received"] == 2  # J, K


def test_a_resolved_complaint_past_its_deadline_is_not_waiting():
    """Resolved on time, and its resolution deadline has passed since: 1 kept of 1, not of 2."""
    complaint(
        wib(date(2026, 4, 15)),
        opd="DUKCAPIL",
        category=Category.DELAY,
        status=Status.RESOLVED,
        resolved_at=wib(date(2026, 4, 20)),
        resolve_due_at=wib(date(2026, 4, 24), 23, 59),
    )
    rebuild()
    assert dashboard.overview(APRIL)["deadline_compliance"] == Decimal("100.0")
    assert dashboard.opd_table(APRIL)[0]["deadline_compliance"] == Decimal("100.0")


def test_compliance_counts_kept_late_and_still_waiting():
    """2 on time, 1 late, 1 still open past its deadline, 1 open within it: 2 / 4 = 50.0 %."""
    for resolved, due in (
        (date(2026, 4, 10), date(2026, 4, 20)),
        (date(2026, 4, 20), date(2026, 4, 20)),
        (date(2026, 4, 21), date(2026, 4, 20)),
    ):
        complaint(
            wib(date(2026, 4, 6)),
            status=Status.CLOSED,
            resolved_at=wib(resolved, 9),
            resolve_due_at=wib(due, 23, 59),
        )
    complaint(wib(date(2026, 4, 6)), status=Status.IN_PROGRESS, resolve_due_at=PAST)
    complaint(wib(date(2026, 4, 6)), status=Status.IN_PROGRESS, resolve_due_at=FUTURE)
    rebuild()
    assert dashboard.overview(APRIL)["deadline_compliance"] == Decimal("50.0")
    # 2 of 3 is 66.666...: one decimal, rounded half up.
    complaint(
        wib(date(2026, 5, 6)),
        status=Status.CLOSED,
        resolved_at=wib(date(2026, 5, 7)),
        resolve_due_at=FUTURE,
    )
    complaint(
        wib(date(2026, 5, 6)),
        status=Status.CLOSED,
        resolved_at=wib(date(2026, 5, 7)),
        resolve_due_at=FUTURE,
    )
    complaint(
        wib(date(2026, 5, 6)),
        status=Status.RESOLVED,
        resolved_at=wib(date(2026, 5, 7)),
        resolve_due_at=wib(date(2026, 5, 6), 23, 59),
    )
    rebuild()
    may = Period(date(2026, 5, 1), date(2026, 5, 31))
    assert dashboard.overview(may)["deadline_compliance"] == Decimal("66.7")


class FrozenClock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now.astimezone(UTC)


def test_a_disputed_resolution_is_not_counted_as_kept():
    """Resolved on time, disputed by the reporter, still open long after its deadline.

    It is one complaint waiting past its deadline (0 of 1 kept), not one kept and one missed.
    """
    clock = FrozenClock(datetime(2026, 4, 6, 9, 0, tzinfo=WIB))
    admin = staff_account_ensure(username="admin", password="uji-5512", superuser=True)
    with mock.patch("django.utils.timezone.now", clock):
        filed, _receipt = complaint_submit(
            category="delay",
            description="Kartu Keluarga belum selesai.",
            service=Service.objects.get(code="KK"),
        )
        complaint_staff_transition(user=admin, complaint=filed, target=Status.IN_PROGRESS)
        clock.now = datetime(2026, 4, 8, 9, 0, tzinfo=WIB)
        complaint_staff_transition(
            user=admin, complaint=filed, target=Status.RESOLVED, message="Selesai."
        )
        assert dashboard.overview(APRIL)["deadline_compliance"] == Decimal("100.0")
        clock.now = datetime(2026, 4, 9, 9, 0, tzinfo=WIB)
        complaint_reporter_decision(complaint=filed, accept=False)
    filed.refresh_from_db()
    assert filed.status == Status.IN_PROGRESS and filed.resolve_due_at < datetime.now(UTC)
    assert dashboard.overview(APRIL)["deadline_compliance"] == Decimal("0.0")
    assert dashboard.opd_table(APRIL)[0]["deadline_compliance"] == Decimal("0.0")

    with mock.patch("django.utils.timezone.now", clock):
        clock.now = datetime(2026, 6, 1, 9, 0, tzinfo=WIB)  # resolved again, after the deadline
        complaint_staff_transition(
            user=admin, complaint=filed, target=Status.RESOLVED, message="Selesai."
        )
    assert dashboard.overview(APRIL)["deadline_compliance"] == Decimal("0.0")  # 0 kept, 1 late


# --- median first response --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "median"),
    [
        ([3], 3.0),
        ([0, 9, 2], 2.0),
        ([1, 2], 1.5),
        ([7, 1, 4, 2], 3.0),
        ([0, 0, 0, 10], 0.0),
        ([5, 5, 6, 6, 6, 1], 5.5),
    ],
)
def test_median_first_response_in_working_days(days, median):
    for value in days:
        complaint(wib(date(2026, 4, 7)), first_response_days=value)
    complaint(wib(date(2026, 4, 7)), first_response_days=None)  # not answered yet: not counted
    complaint(wib(date(2026, 3, 31)), first_response_days=40)  # outside the period
    rebuild()
    assert dashboard.overview(APRIL)["median_first_response_days"] == median


def test_no_first_response_no_median():
    complaint(wib(date(2026, 4, 7)))
    rebuild()
    assert dashboard.overview(APRIL)["median_first_response_days"] is None


# --- IKM --------------------------------------------------------------------------------------


def test_ikm_from_ratings():
    """One complaint rated 4, 4, 3, 2: (4 + 4 + 3 + 2) / 4 = 3.25 × 25 = 81.25 (B)."""
    row = complaint(wib(date(2026, 4, 7)), status=Status.CLOSED)
    rate(row, wib(date(2026, 4, 9)), waktu=4, biaya=4, perilaku=3, penanganan=2)
    rebuild()
    summary = dashboard.overview(APRIL)
    assert (summary["ikm"], summary["ikm_category"], summary["ikm_responses"]) == (
        Decimal("81.25"),
        "B",
        1,
    )


def test_ikm_is_the_mean_of_element_means():
    """waktu rated 1 by three complaints, perilaku 4 by one: (1 + 4) / 2 × 25 = 62.50 (D),
    not the mean of all four ratings (7 / 4 × 25 = 43.75)."""
    for _ in range(3):
        rate(complaint(wib(date(2026, 4, 7)), status=Status.CLOSED), wib(date(2026, 4, 9)), waktu=1)
    rate(complaint(wib(date(2026, 4, 7)), status=Status.CLOSED), wib(date(2026, 4, 9)), perilaku=4)
    rebuild()
    summary = dashboard.overview(APRIL)
    assert (summary["ikm"], summary["ikm_category"], summary["ikm_responses"]) == (
        Decimal("62.50"),
        "D",
        3,
    )


def test_no_ratings_no_ikm():
    complaint(wib(date(2026, 4, 7)))
    rebuild()
    summary = dashboard.overview(APRIL)
    assert (summary["ikm"], summary["ikm_category"], summary["ikm_responses"]) == (None, None, 0)


# --- trend ------------------------------------------------------------------------------------


def test_weekly_trend_by_type(april):
    weeks = dashboard.trend(Period(date(2026, 4, 1), date(2026, 5, 17)))
    assert weeks == [
        {"week": date(2026, 3, 30), "pungli": 0, "delay": 1, "other": 0},  # I (1 Apr)
        {"week": date(2026, 4, 6), "pungli": 2, "delay": 1, "other": 0},  # A B C
        {"week": date(2026, 4, 13), "pungli": 1, "delay": 2, "other": 0},  # L D M
        {"week": date(2026, 4, 20), "pungli": 0, "delay": 0, "other": 3},  # E F G
        {"week": date(2026, 4, 27), "pungli": 1, "delay": 1, "other": 0},  # J K
        {"week": date(2026, 5, 4), "pungli": 0, "delay": 0, "other": 0},  # empty weeks are there
        {"week": date(2026, 5, 11), "pungli": 0, "delay": 0, "other": 0},
    ]
    assert all(week["week"].weekday() == 0 for week in weeks)  # Mondays


def test_weekly_trend_by_opd(april):
    assert dashboard.trend(APRIL, "opd") == [
        {
            "week": date(2026, 3, 30),
            "triage": 0,
            "DIKBUD": 0,
            "DINKES": 0,
            "DISHUB": 1,
            "DUKCAPIL": 0,
        },
        {
            "week": date(2026, 4, 6),
            "triage": 0,
            "DIKBUD": 0,
            "DINKES": 0,
            "DISHUB": 2,
            "DUKCAPIL": 1,
        },
        {
            "week": date(2026, 4, 13),
            "triage": 0,
            "DIKBUD": 1,
            "DINKES": 1,
            "DISHUB": 0,
            "DUKCAPIL": 1,
        },
        {
            "week": date(2026, 4, 20),
            "triage": 2,
            "DIKBUD": 0,
            "DINKES": 0,
            "DISHUB": 0,
            "DUKCAPIL": 1,
        },
        {
            "week": date(2026, 4, 27),
            "triage": 0,
            "DIKBUD": 0,
            "DINKES": 0,
            "DISHUB": 0,
            "DUKCAPIL": 1,
        },
    ]


def test_trend_of_a_period_starting_on_a_monday_and_of_one_day():
    assert [
        week["week"] for week in dashboard.trend(Period(date(2026, 4, 6), date(2026, 4, 19)))
    ] == [date(2026, 4, 6), date(2026, 4, 13)]
    assert dashboard.trend(Period(date(2026, 4, 12), date(2026, 4, 12))) == [
        {"week": date(2026, 4, 6), "pungli": 0, "delay": 0, "other": 0}
    ]


def test_trend_by_an_unknown_group_is_a_400():
    with pytest.raises(InvalidInput) as raised:  # the interfaces answer invalid input with 400
        dashboard.trend(APRIL, "kelurahan")
    assert raised.value.message == str(dashboard.MSG_GROUP)
    assert raised.value.errors == {"group_by": [str(dashboard.MSG_GROUP)]}


# --- OPD league table and zones ---------------------------------------------------------------


def test_opd_table_of_april(april):
    """Dukcapil: 1 of 2 kept = 50.0, IKM (2 + 3) / 2 × 25 = 62.50 (D): 30 + 25 = 55.00 kuning.
    Dishub: A kept, B waiting late = 50.0, IKM 3.5 × 25 = 87.50 (B): 30 + 35 = 65.00 kuning.
    Dikbud: 100.0 and IKM 100.00: hijau. Dinkes: only M, waiting late: 0.0, no IKM: merah.
    Triage complaints (no OPD) have no row."""
    table = dashboard.opd_table(APRIL)
    assert [row["opd"] for row in table] == ["DUKCAPIL", "DISHUB", "DIKBUD", "DINKES"]
    rows = {row["opd"]: row for row in table}
    assert rows["DUKCAPIL"] == {
        "opd": "DUKCAPIL",
        "name": rows["DUKCAPIL"]["name"],
        "received": 4,
        "open": 3,
        "overdue": 0,
        "deadline_compliance": Decimal("50.0"),
        "median_first_response_days": 1.0,
        "ikm": Decimal("62.50"),
        "ikm_category": "D",
        "ikm_responses": 1,
        "zone_score": Decimal("55.00"),
        "zone": "kuning",
        "excess_total": 2_000,
    }
    assert rows["DUKCAPIL"]["name"] == "Dinas Kependudukan dan Pencatatan Sipil"
    assert rows["DISHUB"] == {
        "opd": "DISHUB",
        "name": "Dinas Perhubungan",
        "received": 3,
        "open": 2,
        "overdue": 2,
        "deadline_compliance": Decimal("50.0"),
        "median_first_response_days": 2.0,
        "ikm": Decimal("87.50"),
        "ikm_category": "B",
        "ikm_responses": 1,
        "zone_score": Decimal("65.00"),
        "zone": "kuning",
        "excess_total": 11_000,
    }
    assert (
        rows["DIKBUD"]["received"],
        rows["DIKBUD"]["deadline_compliance"],
        rows["DIKBUD"]["ikm"],
        rows["DIKBUD"]["zone_score"],
        rows["DIKBUD"]["zone"],
    ) == (1, Decimal("100.0"), Decimal("100.00"), Decimal("100.00"), "hijau")
    assert (
        rows["DINKES"]["overdue"],
        rows["DINKES"]["deadline_compliance"],
        rows["DINKES"]["ikm"],
        rows["DINKES"]["median_first_response_days"],
        rows["DINKES"]["zone_score"],
        rows["DINKES"]["zone"],
    ) == (1, Decimal("0.0"), None, None, Decimal("0.00"), "merah")
    assert sum(row["received"] for row in table) == 11 - 2  # F and G wait in / left triage


def test_an_opd_with_neither_compliance_nor_ikm_has_no_zone():
    complaint(wib(date(2026, 4, 7)), status=Status.ASSIGNED, due_at=FUTURE, resolve_due_at=FUTURE)
    rebuild()
    (row,) = dashboard.opd_table(APRIL)
    figures = (row["deadline_compliance"], row["ikm"], row["zone_score"], row["zone"])
    assert figures == (None, None, None, None)


# --- hotspots ---------------------------------------------------------------------------------


def test_hotspots_of_april(april):
    """Pungli only: Sawah Lebar × parking (A, B: 2 reports, 11.000), then the 1-report cells by
    excess: Pagar Dewa × SPMB SD (500.000), no kelurahan × KK (2.000). H is March's."""
    sawah_lebar = Kelurahan.objects.get(code=SAWAH_LEBAR).name
    pagar_dewa = Kelurahan.objects.get(code=PAGAR_DEWA).name
    assert dashboard.hotspots(APRIL) == [
        {
            "kelurahan": SAWAH_LEBAR,
            "kelurahan_name": sawah_lebar,
            "service": "PARKIR-MOTOR",
            "service_name": "Parkir tepi jalan umum: sepeda motor",
            "reports": 2,
            "excess_total": 11_000,
        },
        {
            "kelurahan": PAGAR_DEWA,
            "kelurahan_name": pagar_dewa,
            "service": "SPMB-SD",
            "service_name": "Penerimaan murid baru SD negeri (SPMB/PPDB)",
            "reports": 1,
            "excess_total": 500_000,
        },
        {
            "kelurahan": "",
            "kelurahan_name": "—",
            "service": "KK",
            "service_name": "Kartu Keluarga (baru, perubahan, hilang)",
            "reports": 1,
            "excess_total": 2_000,
        },
    ]
    assert [row["service"] for row in dashboard.hotspots(APRIL, limit=1)] == ["PARKIR-MOTOR"]
    march = dashboard.hotspots(Period(date(2026, 3, 1), date(2026, 3, 31)))
    assert [(row["reports"], row["excess_total"]) for row in march] == [(1, 50_000)]


def test_hotspots_with_equal_reports_and_excess_go_by_kelurahan_code():
    for code in ("17.71.06.1006", "17.71.01.1002", "17.71.01.1001"):
        complaint(wib(date(2026, 4, 7)), kelurahan=code, service="PARKIR-MOBIL", fee_excess=1_000)
    complaint(wib(date(2026, 4, 7)), category=Category.DELAY, kelurahan=SAWAH_LEBAR)  # not pungli
    rebuild()
    assert [row["kelurahan"] for row in dashboard.hotspots(APRIL)] == [
        "17.71.01.1001",
        "17.71.01.1002",
        "17.71.06.1006",
    ]


# --- an empty period -------------------------------------------------------------------------


def test_an_empty_period_has_zeros_and_empty_lists(april):
    empty = Period(date(2019, 1, 1), date(2019, 1, 13))
    assert dashboard.overview(empty) == {
        "from": empty.start,
        "to": empty.end,
        "received": 0,
        "open": 0,
        "overdue": 0,
        "median_first_response_days": None,
        "deadline_compliance": None,
        "ikm": None,
        "ikm_category": None,
        "ikm_responses": 0,
        "fee_flagged": 0,
        "excess_total": 0,
    }
    assert dashboard.trend(empty) == [
        {"week": date(2018, 12, 31), "pungli": 0, "delay": 0, "other": 0},
        {"week": date(2019, 1, 7), "pungli": 0, "delay": 0, "other": 0},
    ]
    assert dashboard.trend(empty, "opd") == [
        {"week": date(2018, 12, 31)},
        {"week": date(2019, 1, 7)},
    ]
    assert dashboard.opd_table(empty) == []
    assert dashboard.hotspots(empty) == []


# --- period_parse -----------------------------------------------------------------------------

TODAY = date(2026, 5, 15)


def test_default_period_is_the_last_90_days():
    assert period_parse(None, None, today=TODAY) == Period(date(2026, 2, 15), TODAY)
    assert period_parse("", "", today=TODAY) == Period(date(2026, 2, 15), TODAY)
    assert (TODAY - date(2026, 2, 15)).days + 1 == dashboard.DEFAULT_PERIOD_DAYS
    assert period_parse(None, None, today=TODAY, default_days=365) == Period(
        date(2025, 5, 16), TODAY
    )


def test_default_period_uses_the_wib_date():
    """17.30 UTC is already the next day in Bengkulu."""
    with mock.patch("django.utils.timezone.now", lambda: datetime(2026, 5, 14, 17, 30, tzinfo=UTC)):
        assert period_parse(None, None).end == date(2026, 5, 15)


def test_period_with_one_bound():
    assert period_parse("2026-05-01", None, today=TODAY) == Period(date(2026, 5, 1), TODAY)
    assert period_parse(None, "2026-03-31", today=TODAY) == Period(
        date(2026, 1, 1), date(2026, 3, 31)
    )
    one_day = Period(date(2026, 4, 12), date(2026, 4, 12))
    assert period_parse("2026-04-12", "2026-04-12", today=TODAY) == one_day


def refused(raw_from, raw_to) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:  # the interfaces answer invalid input with 400
        period_parse(raw_from, raw_to, today=TODAY)
    assert raised.value.message
    return raised.value


def test_period_start_after_its_end():
    error = refused("2026-05-02", "2026-05-01")
    assert error.message == str(dashboard.MSG_ORDER)
    assert error.errors == {"from": [str(dashboard.MSG_ORDER)]}
    # Only a start, after today (the default end).
    assert refused("2026-06-01", None).message == str(dashboard.MSG_ORDER)


@pytest.mark.parametrize(
    "raw", ["2026-13-01", "2026-02-30", "15/05/2026", "kemarin", "2026-5-1x", "20260515x"]
)
def test_malformed_dates(raw):
    error = refused(raw, "2026-05-15")
    assert error.message == str(dashboard.MSG_DATE)
    assert error.errors == {"from": [str(dashboard.MSG_DATE)]}
    error = refused("2026-05-01", raw)
    assert error.errors == {"to": [str(dashboard.MSG_DATE)]}


def test_both_dates_malformed_name_both_fields():
    assert set(refused("x", "y").errors) == {"from", "to"}


def test_periods_over_five_years():
    assert period_parse("2021-01-01", "2025-12-31", today=TODAY).start == date(
        2021, 1, 1
    )  # 5 years
    error = refused("2019-01-01", "2025-12-31")
    assert error.message == str(dashboard.MSG_RANGE)
    assert error.errors == {"from": [str(dashboard.MSG_RANGE)]}
    assert refused("2000-01-01", None).message == str(dashboard.MSG_RANGE)


def test_period_messages_follow_the_language():
    with translation.override("en"):
        assert refused("2026-05-02", "2026-05-01").message == (
            "The start of the period must not be after its end."
        )
        assert refused("x", None).message == "Dates are written YYYY-MM-DD."
        assert (
            refused("2019-01-01", "2025-12-31").message == "A period can be at most 5 years long."
        )
