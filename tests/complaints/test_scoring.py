"""The scoring arithmetic of the statistics (complaints.stats.scoring), without a database.

Every expected figure is worked out by hand in the comment beside it:

- IKM (Permenpan RB 14/2017; docs/product.md §3 "Satisfaction") = the mean of each rated element's
  mean (1-4) × 25, rounded half-up to two decimals; category A 88.31-100, B 76.61-88.30,
  C 65.00-76.60, D 25.00-64.99;
- zone score = 60 % deadline compliance + 40 % IKM (either alone when the other is missing),
  two decimals; hijau from 81, kuning from 51, merah below;
- percentages to one decimal, half-up; the exact median of a histogram;
- public cells: 1-4 shown as "<5", and when only one cell would be hidden, the next smallest too;
  every other count (0 aside) rounded to the nearest multiple of 5, never below 5
  (``rounded``, ``published``); money only as a total of months that each hold at least 10
  reports with an excess, rounded to Rp1.000 (``published_money``).

The dashboard tests (``test_dashboard_stats.py``, ``test_public_figures.py``) check that the
queries feed these functions the right numbers; here is only the arithmetic.
"""

import statistics
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from complaints.stats.scoring import (
    MONEY_MIN_CASES,
    MONEY_ROUNDING,
    ROUNDING,
    SUPPRESSED,
    Ikm,
    ikm_category,
    ikm_from_element_means,
    median_from_histogram,
    percent,
    published,
    published_money,
    rounded,
    suppressed,
    zone,
)

# Independent of the database and channel layer in use: `make test-services` leaves it out.
pytestmark = pytest.mark.embedded_only

# --- IKM ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "category"),
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_category_boundaries(value, category):
    assert ikm_category(Decimal(value)) == category


@pytest.mark.parametrize(
    ("means", "value", "category"),
    [
        ([4, 4, 3, 2], "81.25", "B"),  # 13 / 4 = 3.25 -> 81.25
        ([4, 4, 4, 4], "100.00", "A"),
        ([1, 1, 1, 1], "25.00", "D"),
        ([2.5, 4, 3, 3], "78.13", "B"),  # 12.5 / 4 = 3.125 -> 78.125: half-up -> 78.13
        # Elements count equally: waktu (1 + 4) / 2 = 2.5 and penanganan 2 -> 2.25 -> 56.25,
        # not the mean of the three ratings (7 / 3 -> 58.33).
        ([2.5, 2], "56.25", "D"),
        # (2.5 + 4 + 3 + 8/3) / 4 = 3.041667 -> 76.0417 -> 76.04
        ([2.5, 4, 3, 8 / 3], "76.04", "C"),
        # The category boundaries, reached by the long fractions many ratings give:
        ([219 / 62], "88.31", "A"),  # 3.532258 -> 88.3065
        ([166 / 47], "88.30", "B"),  # 3.531915 -> 88.2979
        ([95 / 31], "76.61", "B"),  # 3.064516 -> 76.6129
        ([144 / 47], "76.60", "C"),  # 3.063830 -> 76.5957
        ([13 / 5], "65.00", "C"),  # 2.6 -> 65.00
        ([876 / 337], "64.99", "D"),  # 2.599407 -> 64.9852
        # 2.6142 × 25 = 65.355 -> 65.36 (half-up on the decimal, not on the binary float 2.61419…)
        ([2.6142], "65.36", "C"),
    ],
)
def test_ikm_from_element_means(means, value, category):
    assert ikm_from_element_means(means, responses=7) == Ikm(Decimal(value), category, 7)


def test_no_means_no_ikm():
    assert ikm_from_element_means([], responses=0) is None


# --- Zone ---------------------------------------------------------------------------------------


def ikm(value: str) -> Ikm:
    return Ikm(Decimal(value), ikm_category(Decimal(value)), 1)


@pytest.mark.parametrize(
    ("compliance", "rating", "score", "colour"),
    [
        # Only deadline compliance.
        ("81", None, "81.00", "hijau"),
        ("80.99", None, "80.99", "kuning"),
        ("51", None, "51.00", "kuning"),
        ("50.99", None, "50.99", "merah"),
        ("100", None, "100.00", "hijau"),
        ("0", None, "0.00", "merah"),
        # Only the IKM.
        (None, "81.00", "81.00", "hijau"),
        (None, "80.99", "80.99", "kuning"),
        (None, "51.00", "51.00", "kuning"),
        (None, "50.99", "50.99", "merah"),
        # Both: 60 % compliance + 40 % IKM.
        ("100", "52.50", "81.00", "hijau"),  # 60 + 21
        ("100", "52.47", "80.99", "kuning"),  # 60 + 20.988 -> 80.988 -> 80.99
        ("50", "52.50", "51.00", "kuning"),  # 30 + 21
        ("50", "52.47", "50.99", "merah"),  # 30 + 20.988
        ("85.0", "75.00", "81.00", "hijau"),  # 51 + 30
        ("33.3", "25.00", "29.98", "merah"),  # 19.98 + 10
    ],
)
def test_zone_boundaries(compliance, rating, score, colour):
    result = zone(Decimal(compliance) if compliance else None, ikm(rating) if rating else None)
    assert result == (Decimal(score), colour)


def test_no_figures_no_zone():
    assert zone(None, None) == (None, None)


# --- Percentages and medians --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (3, 6, "50.0"),
        (2, 3, "66.7"),  # 66.666…
        (1, 3, "33.3"),  # 33.333…
        (1, 16, "6.3"),  # 6.25: half-up
        (1, 80, "1.3"),  # 1.25: half-up
        (0, 4, "0.0"),
        (5, 5, "100.0"),
    ],
)
def test_percent_to_one_decimal_half_up(part, whole, shown):
    assert percent(part, whole) == Decimal(shown)


def test_no_whole_no_percent():
    assert percent(0, 0) is None


@pytest.mark.parametrize(
    ("histogram", "median"),
    [
        ({3: 1}, 3.0),
        ({0: 1, 2: 1, 9: 1}, 2.0),  # 0 2 9
        ({1: 1, 2: 1}, 1.5),  # (1 + 2) / 2
        ({1: 1, 2: 1, 4: 1, 7: 1}, 3.0),  # (2 + 4) / 2
        ({0: 3, 10: 1}, 0.0),  # 0 0 0 10
        ({1: 1, 5: 2, 6: 3}, 5.5),  # 1 5 5 6 6 6: (5 + 6) / 2
        ({0: 3, 9: 3}, 4.5),  # 0 0 0 9 9 9
    ],
)
def test_median_from_histogram(histogram, median):
    assert median_from_histogram(histogram) == median
    raw = [value for value, count in histogram.items() for _ in range(count)]
    assert median == statistics.median(raw)


def test_an_empty_histogram_has_no_median():
    assert median_from_histogram({}) is None
    assert median_from_histogram({4: 0}) is None


# --- Small-count suppression --------------------------------------------------------------------


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
        ([4, 5, 5], ["<5", "<5", 5]),  # 5 is not small, but the one next to a lone small cell
        ([12, 3, 2], [12, "<5", "<5"]),  # two small cells hide each other
        ([0, 4, 0], [0, "<5", 0]),  # nothing else to hide
        ([3], ["<5"]),
        ([5, 4], ["<5", "<5"]),
    ],
)
def test_suppressed(values, shown):
    assert suppressed(values) == shown
    assert SUPPRESSED == "<5"


def test_suppressed_leaves_its_input_alone():
    values = [12, 3]
    suppressed(values)
    assert values == [12, 3]


# --- Rounding of public counts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (5, 5),
        (6, 5),  # 6 is 1 above 5, 4 below 10
        (7, 5),  # 2 above, 3 below
        (8, 10),  # 3 above 5, 2 below 10
        (9, 10),
        (10, 10),
        (12, 10),  # the April city's Dinas Perhubungan
        (13, 15),
        (21, 20),  # the April city's total
        (22, 20),
        (23, 25),
        (97, 95),
        (98, 100),
        (1232, 1230),
        (1233, 1235),
        (1234, 1235),
    ],
)
def test_rounded_to_the_nearest_multiple_of_five(count, shown):
    assert rounded(count) == shown
    assert ROUNDING == 5


def test_rounding_bounds_every_count_to_at_least_three_values():
    """A published r (from a count of 5 or more) means r-2..r+2 (5..7 for r = 5): no r names
    one count, so a rounded figure never pins a count down by itself."""
    for count in range(5, 500):
        shown = rounded(count)
        assert shown % 5 == 0 and shown >= 5
        assert shown - 2 <= count <= shown + 2
        same = [other for other in range(5, 510) if rounded(other) == shown]
        assert len(same) >= 3 and count in same
        assert same == list(range(max(5, shown - 2), shown + 3))


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ([], []),
        ([0, 0, 0], [0, 0, 0]),  # nothing: 0, not "<5" nor 5
        ([12, 9, 0], [10, 10, 0]),  # the April city's month: 12 pungli, 9 delays
        ([12, 6, 3], [10, "<5", "<5"]),  # its offices: Dinkes' 3, and Dukcapil's 6 with it
        ([12, 3, 0], ["<5", "<5", 0]),  # the only other cell goes, whatever its size
        ([5, 6, 7, 8], [5, 5, 5, 10]),
        ([23, 2, 1, 48], [25, "<5", "<5", 50]),  # two small cells hide each other
        ([0, 4, 0], [0, "<5", 0]),
        ([3], ["<5"]),
        ([40, 1, 9, 7], [40, "<5", 10, "<5"]),  # the 7 is the next smallest, hidden
    ],
)
def test_published(values, shown):
    assert published(values) == shown


def test_published_shows_no_count_under_five_and_keeps_zero():
    for first in range(0, 12):
        for second in range(0, 12):
            shown = published([first, second, 30])
            for value, cell in zip((first, second, 30), shown, strict=True):
                if value == 0:
                    assert cell == 0
                elif cell == SUPPRESSED:
                    assert value >= 1
                else:
                    assert cell >= 5 and cell % 5 == 0 and abs(cell - value) <= 2


def test_published_leaves_its_input_alone():
    values = [12, 3]
    published(values)
    assert values == [12, 3]


# --- Money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "cases", "shown"),
    [
        (94_000, [12], 94_000),  # the April city: 10 × 8.000 + 2 × 7.000, 12 reports
        (83_000, [10, 11, 12], 83_000),  # every month has 10 or more
        (12_345, [10], 12_000),
        (12_499, [10], 12_000),
        (12_500, [10], 13_000),  # half up
        (94_500, [10], 95_000),
        (94_499, [10], 94_000),
        (1_000_499, [40, 10], 1_000_000),
        (3_000, [9], None),  # 9 reports: not published
        (3_000, [1], None),  # one report's own amount, never
        (300_000, [10, 9, 15], None),  # one month under 10 hides the whole period
        (300_000, [10, 0, 15], None),  # and so does a month with none
        (0, [], None),  # no month at all
    ],
)
def test_published_money(total, cases, shown):
    assert published_money(total, cases) == shown
    assert (MONEY_MIN_CASES, MONEY_ROUNDING) == (10, 1000)


def test_published_money_is_rounded_to_a_thousand():
    for total in range(0, 50_000, 137):
        shown = published_money(total, [10])
        assert shown % 1000 == 0 and abs(shown - total) <= 500


# --- Purity -------------------------------------------------------------------------------------


def test_scoring_imports_without_django():
    """A fresh interpreter, no settings: importing the scoring loads nothing of Django."""
    code = (
        "import sys; import complaints.stats.scoring; "
        "loaded = sorted(name for name in sys.modules if name.split('.')[0] == 'django'); "
        "assert not loaded, loaded"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={"PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
