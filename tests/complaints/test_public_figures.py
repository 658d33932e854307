"""Public figures (PRODUCT.md F7): small cells suppressed so no single case can be picked out.

``suppressed()`` shows counts of 1-4 as "<5" (0 stays 0); when only one cell would be hidden,
the next smallest is hidden too, so it cannot be recovered from a published total.
``public_figures()`` applies that to the transparency page's totals, weekly cells, offices and
hotspots, and drops the figures (compliance, IKM, zone, excess) that belong to a small cell.

The April 2026 city below (rows written directly, rollups rebuilt):

    Dinas Perhubungan   12 pungli: 10 parking at Sawah Lebar (excess 8.000 each) in the week of
                        6 Apr (6) and 13 Apr (4), 2 car parking at Pagar Dewa (7.000 each), week
                        of 13 Apr; 6 resolved on time and rated 4/3/4/3; 1 waiting past its deadline
    Dukcapil             6 delays, week of 20 Apr
    Dinas Kesehatan      3 delays, week of 27 Apr, one of them resolved and rated 1/1/1/1

Offices [12, 6, 3]: Dinkes is "<5", and, being the only small one, Dukcapil's 6 is hidden too.
Weekly cells (pungli/delay/other): 6 Apr 6/0/0, 13 Apr 6/0/0, 20 Apr 0/6/0, 27 Apr 0/3/0: the
3 is "<5", and so is the first 6 (the next smallest).
"""

import re
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client

from complaints import stats
from complaints.models import Category, Status
from complaints.stats import SUPPRESSED, Period, public_figures, suppressed
from routing.models import Kelurahan, Opd
from tests.complaints.statdata import FUTURE, PAST, complaint, rate, rebuild, wib

pytestmark = pytest.mark.usefixtures("directory")

APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
APRIL_QUERY = "?from=2026-04-01&to=2026-04-30"
SAWAH_LEBAR = "17.71.06.1006"
PAGAR_DEWA = "17.71.01.1001"


# --- suppressed() -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ([], []),
        ([0, 0, 0], [0, 0, 0]),
        ([5, 12, 0], [5, 12, 0]),
        ([1, 2, 3, 4], ["<5", "<5", "<5", "<5"]),
        ([12, 3, 0], ["<5", "<5", 0]),  # one small cell: the next smallest goes too
        ([20, 6, 3], [20, "<5", "<5"]),
        ([9, 6, 6, 1], [9, "<5", 6, "<5"]),  # of equal ones, the first
        ([12, 3, 2], [12, "<5", "<5"]),  # two small cells hide each other
        ([0, 4, 0], [0, "<5", 0]),  # nothing else to hide
        ([5, 4], ["<5", "<5"]),
    ],
)
def test_suppressed(values, shown):
    assert suppressed(values) == shown


def test_suppressed_leaves_its_input_alone():
    values = [12, 3]
    suppressed(values)
    assert values == [12, 3]


# --- the April city ---------------------------------------------------------------------------


def dishub_day(index: int) -> date:
    return date(2026, 4, 6 + index) if index < 6 else date(2026, 4, 13 + index - 6)


@pytest.fixture
def city():
    for index in range(12):
        parking = index < 10
        row = complaint(
            wib(dishub_day(index)), opd="DISHUB", category=Category.PUNGLI,
            service="PARKIR-MOTOR" if parking else "PARKIR-MOBIL",
            kelurahan=SAWAH_LEBAR if parking else PAGAR_DEWA,
            fee_flagged=True, fee_excess=8_000 if parking else 7_000,
            status=Status.CLOSED if index < 6 else Status.IN_PROGRESS,
            resolved_at=wib(date(2026, 4, 17)) if index < 6 else None,
            resolve_due_at=PAST if index == 6 else FUTURE,
            first_response_days=1 if index < 6 else None,
        )
        if index < 6:
            rate(row, wib(date(2026, 4, 18)), waktu=4, biaya=3, perilaku=4, penanganan=3)
    for index in range(6):
        complaint(wib(date(2026, 4, 20 + index % 3)), opd="DUKCAPIL", category=Category.DELAY,
                  status=Status.ASSIGNED, due_at=FUTURE, resolve_due_at=FUTURE)
    for index in range(3):
        row = complaint(wib(date(2026, 4, 27 + index)), opd="DINKES", category=Category.DELAY,
                        status=Status.CLOSED if index == 0 else Status.ASSIGNED,
                        resolved_at=wib(date(2026, 4, 28)) if index == 0 else None,
                        resolve_due_at=FUTURE, due_at=None if index == 0 else FUTURE,
                        first_response_days=0 if index == 0 else None)
        if index == 0:
            rate(row, wib(date(2026, 4, 29)), waktu=1, biaya=1, perilaku=1, penanganan=1)
    rebuild()


def test_the_dashboard_itself_shows_every_figure(city):
    """The internal figures the public page starts from (so the suppression below is real)."""
    table = {row["opd"]: row for row in stats.opd_table(APRIL)}
    received = {code: row["received"] for code, row in table.items()}
    assert received == {"DISHUB": 12, "DUKCAPIL": 6, "DINKES": 3}
    assert table["DINKES"]["ikm"] == Decimal("25.00") and table["DINKES"]["zone"] is not None
    assert stats.overview(APRIL)["received"] == 21


def test_public_offices(city):
    figures = public_figures(APRIL)
    rows = {row["opd"]: row for row in figures["opds"]}
    small = rows["DINKES"]
    assert small["received"] == SUPPRESSED
    assert (small["deadline_compliance"], small["ikm"], small["ikm_category"], small["zone"],
            small["zone_score"]) == (None, None, None, None, None)
    hidden_too = rows["DUKCAPIL"]  # 6, hidden so that Dinkes' 3 cannot be worked out
    assert hidden_too["received"] == SUPPRESSED
    assert (hidden_too["deadline_compliance"], hidden_too["ikm"], hidden_too["zone"]) == (None, None, None)
    big = rows["DISHUB"]
    # 6 kept of 7 (one waiting past its deadline): 85.7; IKM 3.5 × 25 = 87.50 from 6 reporters.
    assert big["received"] == 12
    assert big["deadline_compliance"] == Decimal("85.7")
    assert (big["ikm"], big["ikm_category"]) == (Decimal("87.50"), "B")
    assert (big["zone_score"], big["zone"]) == (Decimal("86.42"), "hijau")  # 51.42 + 35


def test_public_totals(city):
    figures = public_figures(APRIL)
    assert figures["received"] == 21
    # 7 kept of 8 with a deadline counted: 87.5 %; the overall IKM from 7 reporters.
    assert figures["deadline_compliance"] == Decimal("87.5")
    assert figures["ikm"] == stats.overview(APRIL)["ikm"] is not None
    assert figures["excess_total"] == 10 * 8_000 + 2 * 7_000
    assert figures["median_first_response_days"] == 1.0


def test_public_monthly_cells(city):
    """Months, not weeks, so the chart is not emptied by suppression; April's cells are big."""
    raw = stats.trend(APRIL, bucket="month")
    assert [row["month"] for row in raw] == [date(2026, 4, 1)]
    assert raw[0]["pungli"] >= 5 and raw[0]["delay"] >= 5 and raw[0]["other"] == 0
    assert public_figures(APRIL)["months"] == raw


def test_public_hotspots(city):
    sawah_lebar = Kelurahan.objects.get(code=SAWAH_LEBAR).name
    pagar_dewa = Kelurahan.objects.get(code=PAGAR_DEWA).name
    assert public_figures(APRIL)["hotspots"] == [
        {"kelurahan_name": sawah_lebar, "service_name": "Parkir tepi jalan umum: sepeda motor",
         "reports": 10, "excess_total": 80_000},
    ]
    # Pagar Dewa's parking reports (fewer than 5) are left out altogether.
    assert pagar_dewa not in str(public_figures(APRIL)["hotspots"])


def test_public_figures_carry_no_code_or_count_under_five(city):
    """Whatever the page or a later change shows, the public data itself holds no 1-4 count."""
    figures = public_figures(APRIL)
    counts = [figures["received"]]
    counts += [month[key] for month in figures["months"] for key in Category.values]
    counts += [row["received"] for row in figures["opds"]]
    counts += [row["reports"] for row in figures["hotspots"]]
    assert not [count for count in counts if isinstance(count, int) and 0 < count < 5]
    assert all("kelurahan" not in row and "service" not in row for row in figures["hotspots"])


def test_an_office_with_many_complaints_but_few_ratings_shows_no_ikm():
    """8 complaints, 1 rated: that IKM would be one reporter's answers, so it is not published;
    the zone then comes from the deadlines alone (as the page's formula says)."""
    for index in range(8):
        row = complaint(wib(date(2026, 4, 6 + index)), opd="DISHUB", status=Status.CLOSED,
                        resolved_at=wib(date(2026, 4, 20)), resolve_due_at=FUTURE)
        if index == 0:
            rate(row, wib(date(2026, 4, 21)), waktu=1, biaya=1, perilaku=2, penanganan=1)
    rebuild()
    internal = stats.opd_table(APRIL)[0]
    assert internal["ikm"] == Decimal("31.25")  # the dashboard still shows it
    (row,) = public_figures(APRIL)["opds"]
    assert row["received"] == 8 and row["deadline_compliance"] == Decimal("100.0")
    assert (row["ikm"], row["ikm_category"]) == (None, None)
    assert (row["zone_score"], row["zone"]) == (Decimal("100.00"), "hijau")


def test_small_totals_are_suppressed():
    for index in range(3):
        complaint(wib(date(2026, 4, 7 + index)), status=Status.CLOSED, resolved_at=wib(date(2026, 4, 10)),
                  resolve_due_at=FUTURE, fee_excess=5_000, first_response_days=2)
    rebuild()
    figures = public_figures(APRIL)
    assert figures["received"] == "<5"
    assert (figures["deadline_compliance"], figures["median_first_response_days"], figures["ikm"],
            figures["excess_total"]) == (None, None, None, None)
    assert [row["received"] for row in figures["opds"]] == ["<5"]
    assert figures["hotspots"] == []


def test_an_empty_period_is_zero_not_suppressed():
    figures = public_figures(APRIL)
    assert figures["received"] == 0
    assert figures["opds"] == [] and figures["hotspots"] == []
    assert all(month[key] == 0 for month in figures["months"] for key in Category.values)


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


def test_the_public_page_shows_no_small_count(city):
    response = Client().get("/transparansi/" + APRIL_QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    rows = rows_of(html)
    dinkes = Opd.objects.get(code="DINKES").name
    dukcapil = Opd.objects.get(code="DUKCAPIL").name
    dishub = Opd.objects.get(code="DISHUB").name
    by_name = {row[0]: row for row in rows if row}
    assert by_name[dinkes] == [dinkes, "<5", "–", "–", "–"]
    assert by_name[dukcapil] == [dukcapil, "<5", "–", "–", "–"]
    assert by_name[dishub][:2] == [dishub, "12"]
    assert "&lt;5" in html
    # Nowhere next to Dinkes' name is its 3 (or its one reporter's IKM of 25).
    around = html[html.index(dinkes) - 200 : html.index(dinkes) + 400]
    assert not re.search(r">\s*3\s*<", around) and "25.00" not in around and "25,00" not in around
    # The weekly chart draws no bar for a hidden cell and labels none with a small number.
    assert not re.search(r":\s*[1-4]\s*</title>", html)
    assert not re.search(r'data-total="[1-4]"', html)
    # A hotspot with fewer than 5 reports is not listed at all.
    assert not [row for row in rows if row and row[0] == "Parkir tepi jalan umum: mobil"]


def test_the_public_page_with_small_totals():
    for index in range(2):
        complaint(wib(date(2026, 4, 7 + index)), opd="DINKES", fee_excess=1_000)
    rebuild()
    html = Client().get("/transparansi/" + APRIL_QUERY).content.decode()
    kpi = re.search(r'kpi-label">[^<]*</span><strong>([^<]*)</strong>', html)
    assert kpi.group(1) == "&lt;5"
    assert "Rp2.000" not in html and "Rp1.000" not in html
