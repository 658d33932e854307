"""``/transparansi/`` tells one story: a period with complaints never reads as "none".

Six complaints in April 2026 (two of each type), seen on 15 May: the headline publishes 6 as 5
(rounded), each monthly cell of 2 is suppressed as "<5". The chart used to drop suppressed cells,
so it said "Tidak ada pengaduan … pada periode ini" beside "Pengaduan diterima 5". Now each
suppressed cell is a hatched segment titled "<5", drawn at the height of 5, and the legend says
what hatching means; the pungli places under 5 reports are said to be left out, not absent.
"""

import re
from datetime import date, datetime
from unittest import mock

import pytest
from django.test import Client

from complaints.models import Category
from complaints.stats.scoring import SMALL, SUPPRESSED
from frontend.charts import stacked_bars
from tests.complaints.clock import FrozenClock
from tests.complaints.statdata import WIB, complaint, rebuild, wib

pytestmark = pytest.mark.usefixtures("directory")

NONE_RECEIVED = "Tidak ada pengaduan yang diterima pada periode ini."
NO_PUNGLI = "Tidak ada laporan pungli pada periode ini."


@pytest.fixture
def on_15_may():
    with mock.patch(
        "django.utils.timezone.now", FrozenClock(datetime(2026, 5, 15, 10, 0, tzinfo=WIB))
    ):
        yield


@pytest.fixture
def six_in_april():
    for index, category in enumerate(Category.values * 2):
        complaint(
            wib(date(2026, 4, 6 + index)),
            opd="DISHUB",
            category=category,
            service="PARKIR-MOTOR",
            kelurahan="17.71.06.1006",
        )
    rebuild()


def april() -> str:
    response = Client().get("/transparansi/", {"period": "2026-04"})
    assert response.status_code == 200
    return response.content.decode()


def test_six_complaints_are_not_drawn_as_none(on_15_may, six_in_april):
    html = april()
    kpi = re.search(r'kpi-label">Pengaduan diterima</span><strong>([^<]*)</strong>', html)
    assert kpi.group(1) == "5"
    assert NONE_RECEIVED not in html
    chart = html[html.index('<figure class="chart">') : html.index("</figure>")]
    hatched = re.findall(r'<rect [^>]*class="suppressed"><title>([^<]*)</title>', chart)
    assert hatched == ["04/2026: &lt;5"] * 3
    assert "arsiran: 1 sampai 4 pengaduan" in chart
    # Nothing smaller than 5 is published, in the chart or anywhere else.
    assert not re.search(r":\s*[1-4]\s*</title>", html)
    assert not re.search(r'data-total="[1-9]"', html)
    # The pungli hotspot (2 reports) is left out, and the page says why instead of "none".
    assert NO_PUNGLI not in html
    assert "jumlah yang lebih kecil tidak dicantumkan" in html


def test_an_empty_period_still_says_none(on_15_may):
    html = april()
    assert NONE_RECEIVED in html and NO_PUNGLI in html
    assert 'class="suppressed"' not in html and "arsiran" not in html


def test_a_suppressed_cell_is_drawn_at_the_height_of_five():
    rows = [{"label": "a", "pungli": SUPPRESSED, "delay": 10}, {"label": "b", "pungli": 0}]
    chart = stacked_bars(rows, ["pungli", "delay"], label_key="label")
    assert chart.empty is False and chart.has_hidden is True
    hidden, drawn = chart.bars[0].segments
    assert (hidden.value, hidden.hidden, drawn.hidden) == (SUPPRESSED, True, False)
    assert hidden.height * 10 == pytest.approx(drawn.height * SMALL)
    assert chart.bars[0].total == 10  # the published figures only: "<5" adds nothing
    assert chart.bars[1].segments == []


def test_only_zeros_are_empty():
    chart = stacked_bars([{"label": "a", "pungli": 0}], ["pungli"], label_key="label")
    assert chart.empty is True and chart.has_hidden is False
