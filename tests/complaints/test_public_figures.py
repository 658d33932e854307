"""Public figures (docs/product.md F7): no cell can single a case out, even by comparing tables.

``public_figures(period, today=)`` publishes one fixed period (``complaints.stats.periods``: a
month, a quarter, a year), never any other range. Its counts go through ``scoring.published``
(1-4 as "<5" with a second cell hidden where one alone would be, every other count but 0
rounded to a multiple of 5, never below 5; hand-computed in ``test_scoring.py``); the figures
that belong to a small cell (compliance, IKM, zone) are left out; hotspots under 5 reports are
left out and the others carry no money; the excess fees appear only as the period's total,
once the period is over and every month of it has at least 10 reports with an excess, rounded
to Rp1.000. ``tests/api/test_public_figures_api.py`` replays the differencing attack against
the API and the page.

The April 2026 city below (rows written directly, rollups rebuilt), seen on 15 May 2026:

    Dinas Perhubungan   12 pungli: 10 parking at Sawah Lebar (excess 8.000 each) in the week of
                        6 Apr (6) and 13 Apr (4), 2 car parking at Pagar Dewa (7.000 each), week
                        of 13 Apr; 6 resolved on time and rated 4/3/4/3; 1 waiting past its deadline
    Dukcapil             6 delays, week of 20 Apr
    Dinas Kesehatan      3 delays, week of 27 Apr, one of them resolved and rated 1/1/1/1

Offices [12, 6, 3] are published [10, "<5", "<5"]: Dinkes' 3 is "<5", and, being the only small
one, Dukcapil's 6 is hidden too; Dishub's 12 is rounded to 10. The total 21 is published 20.
April's cells (pungli/delay/other) [12, 9, 0] are published [10, 10, 0]. The excess fees,
10 × 8.000 + 2 × 7.000 = 94.000 from 12 reports with an excess, are published as Rp94.000.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.test import Client

from complaints.models import Category, Status
from complaints.stats import dashboard
from complaints.stats.dashboard import Period
from complaints.stats.periods import PublishedPeriod, period_parse
from complaints.stats.public import public_figures, public_figures_cached
from complaints.stats.scoring import SUPPRESSED
from routing.models import Kelurahan, Opd
from tests.complaints.clock import FrozenClock
from tests.complaints.statdata import FUTURE, PAST, WIB, complaint, rate, rebuild, wib

pytestmark = pytest.mark.usefixtures("directory")

TODAY = date(2026, 5, 15)  # April is over
APRIL = period_parse("2026-04", today=TODAY)
APRIL_SPAN = Period(date(2026, 4, 1), date(2026, 4, 30))
SAWAH_LEBAR = "17.71.06.1006"
PAGAR_DEWA = "17.71.01.1001"


def figures(period: PublishedPeriod = APRIL, today: date = TODAY) -> dict:
    return public_figures(period, today=today)


@pytest.fixture
def on_15_may():
    """The pages' and the API's "today" (``timezone.localdate()``) is 15 May 2026."""
    with mock.patch(
        "django.utils.timezone.now", FrozenClock(datetime(2026, 5, 15, 10, 0, tzinfo=WIB))
    ):
        yield


# --- the April city ---------------------------------------------------------------------------


def dishub_day(index: int) -> date:
    return date(2026, 4, 6 + index) if index < 6 else date(2026, 4, 13 + index - 6)


@pytest.fixture
def city():
    for index in range(12):
        parking = index < 10
        row = complaint(
            wib(dishub_day(index)),
            opd="DISHUB",
            category=Category.PUNGLI,
            service="PARKIR-MOTOR" if parking else "PARKIR-MOBIL",
            kelurahan=SAWAH_LEBAR if parking else PAGAR_DEWA,
            fee_flagged=True,
            fee_excess=8_000 if parking else 7_000,
            status=Status.CLOSED if index < 6 else Status.IN_PROGRESS,
            resolved_at=wib(date(2026, 4, 17)) if index < 6 else None,
            resolve_due_at=PAST if index == 6 else FUTURE,
            first_response_days=1 if index < 6 else None,
        )
        if index < 6:
            rate(row, wib(date(2026, 4, 18)), waktu=4, biaya=3, perilaku=4, penanganan=3)
    for index in range(6):
        complaint(
            wib(date(2026, 4, 20 + index % 3)),
            opd="DUKCAPIL",
            category=Category.DELAY,
            status=Status.ASSIGNED,
            due_at=FUTURE,
            resolve_due_at=FUTURE,
        )
    for index in range(3):
        row = complaint(
            wib(date(2026, 4, 27 + index)),
            opd="DINKES",
            category=Category.DELAY,
            status=Status.CLOSED if index == 0 else Status.ASSIGNED,
            resolved_at=wib(date(2026, 4, 28)) if index == 0 else None,
            resolve_due_at=FUTURE,
            due_at=None if index == 0 else FUTURE,
            first_response_days=0 if index == 0 else None,
        )
        if index == 0:
            rate(row, wib(date(2026, 4, 29)), waktu=1, biaya=1, perilaku=1, penanganan=1)
    rebuild()


def test_the_dashboard_itself_shows_every_figure(city):
    """The internal figures the public page starts from (so the suppression below is real)."""
    table = {row["opd"]: row for row in dashboard.opd_table(APRIL_SPAN)}
    received = {code: row["received"] for code, row in table.items()}
    assert received == {"DISHUB": 12, "DUKCAPIL": 6, "DINKES": 3}
    assert table["DINKES"]["ikm"] == Decimal("25.00") and table["DINKES"]["zone"] is not None
    assert dashboard.overview(APRIL_SPAN)["received"] == 21
    assert dashboard.overview(APRIL_SPAN)["excess_total"] == 94_000


def test_the_period(city):
    published = figures()
    assert (published["period"], published["kind"]) == ("2026-04", "month")
    assert (published["from"], published["to"]) == (date(2026, 4, 1), date(2026, 4, 30))
    assert published["provisional"] is False


def test_public_offices(city):
    rows = {row["opd"]: row for row in figures()["opds"]}
    small = rows["DINKES"]
    assert small["received"] == SUPPRESSED
    assert (
        small["deadline_compliance"],
        small["ikm"],
        small["ikm_category"],
        small["zone"],
        small["zone_score"],
    ) == (None, None, None, None, None)
    hidden_too = rows["DUKCAPIL"]  # 6, hidden so that Dinkes' 3 cannot be worked out
    assert hidden_too["received"] == SUPPRESSED
    assert (hidden_too["deadline_compliance"], hidden_too["ikm"], hidden_too["zone"]) == (
        None,
        None,
        None,
    )
    big = rows["DISHUB"]
    # 12, rounded to 10. 6 kept of 7 (one waiting past its deadline): 85.7; IKM 3.5 × 25 = 87.50
    # from 6 reporters.
    assert big["received"] == 10
    assert big["deadline_compliance"] == Decimal("85.7")
    assert (big["ikm"], big["ikm_category"]) == (Decimal("87.50"), "B")
    assert (big["zone_score"], big["zone"]) == (Decimal("86.42"), "hijau")  # 51.42 + 35
    assert all("excess_total" not in row for row in rows.values())


def test_public_totals(city):
    published = figures()
    assert published["received"] == 20  # 21, rounded
    # 7 kept of 8 with a deadline counted: 87.5 %; the overall IKM from 7 reporters.
    assert published["deadline_compliance"] == Decimal("87.5")
    assert published["ikm"] == dashboard.overview(APRIL_SPAN)["ikm"] is not None
    # 10 × 8.000 + 2 × 7.000, from 12 reports with an excess in the one month: published.
    assert published["excess_total"] == 94_000
    assert published["median_first_response_days"] == 1.0


def test_public_monthly_cells(city):
    """Months, not weeks, so the chart is not emptied by suppression; April's cells rounded."""
    raw = dashboard.trend(APRIL_SPAN, bucket="month")
    assert raw == [{"month": date(2026, 4, 1), "pungli": 12, "delay": 9, "other": 0}]
    assert figures()["months"] == [
        {"month": date(2026, 4, 1), "pungli": 10, "delay": 10, "other": 0}
    ]


def test_a_month_reads_the_same_in_its_quarter_and_its_year(city):
    """Rounding is the same in every table: April's cells and Dishub's count agree everywhere."""
    for key in ("2026-Q2", "2026"):
        wider = figures(period_parse(key, today=TODAY))
        april = [month for month in wider["months"] if month["month"] == date(2026, 4, 1)]
        assert april == figures()["months"]
        assert all(
            month[category] == 0
            for month in wider["months"]
            if month not in april
            for category in Category.values
        )
        assert wider["received"] == 20
        assert {row["opd"]: row["received"] for row in wider["opds"]} == {
            "DISHUB": 10,
            "DUKCAPIL": SUPPRESSED,
            "DINKES": SUPPRESSED,
        }
    assert [month["month"] for month in figures(period_parse("2026", today=TODAY))["months"]] == [
        date(2026, month, 1) for month in range(1, 13)
    ]


def test_public_hotspots(city):
    sawah_lebar = Kelurahan.objects.get(code=SAWAH_LEBAR).name
    pagar_dewa = Kelurahan.objects.get(code=PAGAR_DEWA).name
    assert figures()["hotspots"] == [
        {
            "kelurahan_name": sawah_lebar,
            "service_name": "Parkir tepi jalan umum: sepeda motor",
            "reports": 10,
        },
    ]
    # Pagar Dewa's parking reports (fewer than 5) are left out altogether.
    assert pagar_dewa not in str(figures()["hotspots"])


def test_public_figures_carry_no_code_or_count_under_five(city):
    """Whatever the page or a later change shows, the public data itself holds no 1-4 count,
    and every count it shows is a multiple of 5."""
    published = figures()
    counts = [published["received"]]
    counts += [month[key] for month in published["months"] for key in Category.values]
    counts += [row["received"] for row in published["opds"]]
    counts += [row["reports"] for row in published["hotspots"]]
    numbers = [count for count in counts if count != SUPPRESSED]
    assert numbers and all(isinstance(count, int) and count % 5 == 0 for count in numbers)
    assert all("kelurahan" not in row and "service" not in row for row in published["hotspots"])


def test_the_cached_figures_are_the_figures(city):
    assert public_figures_cached(APRIL, today=TODAY) == figures()


def test_an_office_with_many_complaints_but_few_ratings_shows_no_ikm():
    """8 complaints, 1 rated: that IKM would be one reporter's answers, so it is not published;
    the zone then comes from the deadlines alone (as the page's formula says)."""
    for index in range(8):
        row = complaint(
            wib(date(2026, 4, 6 + index)),
            opd="DISHUB",
            status=Status.CLOSED,
            resolved_at=wib(date(2026, 4, 20)),
            resolve_due_at=FUTURE,
        )
        if index == 0:
            rate(row, wib(date(2026, 4, 21)), waktu=1, biaya=1, perilaku=2, penanganan=1)
    rebuild()
    internal = dashboard.opd_table(APRIL_SPAN)[0]
    assert internal["ikm"] == Decimal("31.25")  # the dashboard still shows it
    (row,) = figures()["opds"]
    assert row["received"] == 10 and row["deadline_compliance"] == Decimal("100.0")  # 8, rounded
    assert (row["ikm"], row["ikm_category"]) == (None, None)
    assert (row["zone_score"], row["zone"]) == (Decimal("100.00"), "hijau")


def test_small_totals_are_suppressed():
    for index in range(3):
        complaint(
            wib(date(2026, 4, 7 + index)),
            status=Status.CLOSED,
            resolved_at=wib(date(2026, 4, 10)),
            resolve_due_at=FUTURE,
            fee_flagged=True,
            fee_excess=5_000,
            first_response_days=2,
        )
    rebuild()
    published = figures()
    assert published["received"] == "<5"
    assert (
        published["deadline_compliance"],
        published["median_first_response_days"],
        published["ikm"],
        published["excess_total"],
    ) == (None, None, None, None)
    assert [row["received"] for row in published["opds"]] == ["<5"]
    assert published["hotspots"] == []
    assert published["months"] == [
        {"month": date(2026, 4, 1), "pungli": "<5", "delay": 0, "other": 0}
    ]


def test_an_empty_period_is_zero_not_suppressed():
    published = figures()
    assert published["received"] == 0
    assert published["opds"] == [] and published["hotspots"] == []
    assert published["excess_total"] is None
    assert all(month[key] == 0 for month in published["months"] for key in Category.values)


# --- The period still running -------------------------------------------------------------------


def test_the_current_month_is_provisional_and_shows_no_money(city):
    """Seen on 30 April, April is still running: its counts are published (and will change),
    marked provisional, and its money is not, though it has 12 reports with an excess."""
    running = figures(period_parse("2026-04", today=date(2026, 4, 30)), today=date(2026, 4, 30))
    assert running["provisional"] is True
    assert running["excess_total"] is None
    assert running["received"] == 20
    assert {row["opd"]: row["received"] for row in running["opds"]} == {
        "DISHUB": 10,
        "DUKCAPIL": SUPPRESSED,
        "DINKES": SUPPRESSED,
    }
    # The quarter and the year that hold April are running as well on 15 May.
    for key in ("2026-Q2", "2026"):
        wider = figures(period_parse(key, today=TODAY))
        assert wider["provisional"] is True and wider["excess_total"] is None


# --- Money: only totals of months with 10 reports with an excess each ---------------------------


def excess_reports(day: date, amounts: list[int], *, opd: str = "DISHUB") -> None:
    for index, amount in enumerate(amounts):
        complaint(
            wib(day, 8 + index % 12),
            opd=opd,
            service="PARKIR-MOTOR",
            kelurahan=SAWAH_LEBAR,
            fee_flagged=True,
            fee_excess=amount,
        )


def karcis_only_reports(day: date, count: int) -> None:
    """Paid the official fee, got no karcis: flagged, but no excess."""
    for index in range(count):
        complaint(
            wib(day, 8 + index % 12),
            opd="DISHUB",
            service="PARKIR-MOTOR",
            fee_flagged=True,
            fee_karcis_missing=True,
            fee_excess=0,
        )


def test_money_of_a_month_with_ten_reports_with_an_excess_is_rounded_to_a_thousand():
    # 9 × 8.000 + 10.499 = 82.499, rounded to Rp82.000.
    excess_reports(date(2026, 4, 14), [8_000] * 9 + [10_499])
    rebuild()
    assert figures()["excess_total"] == 82_000


def test_money_of_a_month_with_nine_reports_is_not_published():
    excess_reports(date(2026, 4, 14), [8_000] * 9)
    rebuild()
    assert dashboard.overview(APRIL_SPAN)["excess_total"] == 72_000  # the dashboard has it
    assert figures()["excess_total"] is None


def test_reports_flagged_for_a_missing_karcis_do_not_count_as_reports_with_an_excess():
    """Nine reports flagged only for a missing karcis and one Rp3.000 excess: ten flagged
    reports, but the total would be that one report's amount. Not published."""
    karcis_only_reports(date(2026, 4, 14), 9)
    excess_reports(date(2026, 4, 24), [3_000])
    rebuild()
    overview = dashboard.overview(APRIL_SPAN)
    assert (overview["fee_flagged"], overview["excess_total"]) == (10, 3_000)
    assert figures()["excess_total"] is None
    # With nine more reports with an excess (3.000 + 9 × 8.000 = 75.000), it is.
    excess_reports(date(2026, 4, 15), [8_000] * 9)
    rebuild()
    assert figures()["excess_total"] == 75_000


def test_money_of_a_quarter_needs_every_month():
    """Q2 2026 seen on 1 July: April and May have 10 reports with an excess each, June 9.

    Each full month publishes its own total; the quarter, which would add June's 9 reports
    (its total minus April's and May's), publishes none. With a tenth June report it does:
    April 10 × 5.000 + May 10 × 6.000 + June 10 × 7.000 = 180.000.
    """
    today = date(2026, 7, 1)
    excess_reports(date(2026, 4, 14), [5_000] * 10)
    excess_reports(date(2026, 5, 14), [6_000] * 10)
    excess_reports(date(2026, 6, 14), [7_000] * 9)
    rebuild()

    def money(key):
        return figures(period_parse(key, today=today), today=today)["excess_total"]

    assert (money("2026-04"), money("2026-05"), money("2026-06"), money("2026-Q2")) == (
        50_000,
        60_000,
        None,
        None,
    )
    excess_reports(date(2026, 6, 30), [7_000])
    rebuild()
    assert (money("2026-06"), money("2026-Q2")) == (70_000, 180_000)
    # The year is still running on 1 July, and its first quarter had none: no money.
    assert money("2026") is None


def test_a_report_on_the_last_evening_of_a_month_counts_in_that_month():
    """Months are WIB months: 30 April 23.30 WIB (16.30 UTC) is April's, and so April has its
    tenth report with an excess (4 × 1.000 + 6 × 1.000)."""
    excess_reports(date(2026, 4, 10), [1_000] * 9)
    complaint(
        datetime(2026, 4, 30, 23, 30, tzinfo=WIB),
        service="PARKIR-MOTOR",
        fee_flagged=True,
        fee_excess=1_000,
    )
    complaint(
        datetime(2026, 5, 1, 0, 30, tzinfo=WIB),
        service="PARKIR-MOTOR",  # May's
        fee_flagged=True,
        fee_excess=50_000,
    )
    rebuild()
    assert figures()["excess_total"] == 10_000


# --- the public page --------------------------------------------------------------------------


class Tables(HTMLParser):
    """The text of every table row (``th`` and ``td`` cells) of a page."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def rows_of(html: str) -> list[list[str]]:
    parser = Tables()
    parser.feed(html)
    return parser.rows


def test_the_public_page_shows_no_small_count(city, on_15_may):
    response = Client().get("/transparansi/?period=2026-04")
    assert response.status_code == 200
    html = response.content.decode()
    rows = rows_of(html)
    dinkes = Opd.objects.get(code="DINKES").name
    dukcapil = Opd.objects.get(code="DUKCAPIL").name
    dishub = Opd.objects.get(code="DISHUB").name
    by_name = {row[0]: row for row in rows if row}
    assert by_name[dinkes] == [dinkes, "<5", "–", "–", "–"]
    assert by_name[dukcapil] == [dukcapil, "<5", "–", "–", "–"]
    assert by_name[dishub][:2] == [dishub, "10"]
    assert "&lt;5" in html
    # Nowhere next to Dinkes' name is its 3 (or its one reporter's IKM of 25).
    around = html[html.index(dinkes) - 200 : html.index(dinkes) + 400]
    assert not re.search(r">\s*3\s*<", around) and "25.00" not in around and "25,00" not in around
    # The chart draws no bar for a hidden cell and labels none with a small number.
    assert not re.search(r":\s*[1-4]\s*</title>", html)
    assert not re.search(r'data-total="[1-4]"', html)
    # A hotspot with fewer than 5 reports is not listed at all.
    assert not [row for row in rows if row and row[0] == "Parkir tepi jalan umum: mobil"]
    assert "Rp94.000" in html


def test_the_public_page_defaults_to_the_last_complete_month(city, on_15_may):
    html = Client().get("/transparansi/").content.decode()
    assert re.search(r'<option value="2026-04" selected>', html)
    assert "Rp94.000" in html


def test_the_public_page_with_small_totals(on_15_may):
    for index in range(2):
        complaint(wib(date(2026, 4, 7 + index)), opd="DINKES", fee_flagged=True, fee_excess=1_000)
    rebuild()
    html = Client().get("/transparansi/?period=2026-04").content.decode()
    kpi = re.search(r'kpi-label">[^<]*</span><strong>([^<]*)</strong>', html)
    assert kpi.group(1) == "&lt;5"
    assert "Rp2.000" not in html and "Rp1.000" not in html
