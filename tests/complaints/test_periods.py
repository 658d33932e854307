"""The published periods (complaints.stats.periods), without a database.

Public figures exist only for whole calendar months ("2026-10"), quarters ("2026-Q4") and
years ("2026"), never for any other range: fixed periods nest (months in quarters in years) and
cannot be cut down to a day, so two of them cannot be subtracted to single out one report.
``period_parse`` returns None for anything else, and for a period that has not started yet; the
period that is still running is provisional.

Every boundary below is a calendar fact worked out by hand (2028 is a leap year, 2026 is not).
"""

from datetime import date

import pytest
from django.utils import translation

from complaints.stats.periods import (
    FIRST_YEAR,
    MONTH,
    MSG_PERIOD,
    QUARTER,
    YEAR,
    PublishedPeriod,
    month_of,
    period_default,
    period_parse,
    periods_recent,
    quarter_of,
    year_of,
)

# Independent of the database and channel layer in use: `make test-services` leaves it out.
pytestmark = pytest.mark.embedded_only

TODAY = date(2026, 11, 20)


# --- Parsing the three forms --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2026-10", MONTH, date(2026, 10, 1), date(2026, 10, 31)),
        ("2026-01", MONTH, date(2026, 1, 1), date(2026, 1, 31)),
        ("2026-02", MONTH, date(2026, 2, 1), date(2026, 2, 28)),
        ("2026-04", MONTH, date(2026, 4, 1), date(2026, 4, 30)),
        ("2025-12", MONTH, date(2025, 12, 1), date(2025, 12, 31)),  # the year's last day
        ("2026-Q1", QUARTER, date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q2", QUARTER, date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-Q3", QUARTER, date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-Q4", QUARTER, date(2026, 10, 1), date(2026, 12, 31)),
        ("2026", YEAR, date(2026, 1, 1), date(2026, 12, 31)),
        ("2000", YEAR, date(2000, 1, 1), date(2000, 12, 31)),  # FIRST_YEAR itself
        (" 2026-Q4 ", QUARTER, date(2026, 10, 1), date(2026, 12, 31)),  # surrounding spaces
    ],
)
def test_the_three_forms(text, kind, start, end):
    period = period_parse(text, today=TODAY)
    assert period == PublishedPeriod(kind, start, end, text.strip())


def test_february_of_a_leap_year():
    assert period_parse("2028-02", today=date(2028, 3, 1)).end == date(2028, 2, 29)
    assert period_parse("2028-Q1", today=date(2028, 3, 1)).end == date(2028, 3, 31)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "2026-Q5",
        "2026-Q0",
        "abc",
        "",
        "   ",
        None,
        "2026-1",  # a month has two digits
        "2026-10-01",
        "2026-10-24",  # a day is not a period
        "2026-q4",  # the quarter's Q is upper case, as the page writes it
        "Q4-2026",
        "2026Q4",
        "2026/10",
        "10-2026",
        "26",
        "02026",
        "+2026",
        "-2026",
        "2026-10,2026-11",
        "2026-10&to=2026-10-24",
        "1999",
        "1999-12",
        "1999-Q4",  # before FIRST_YEAR
        "٢٠٢٦",  # Arabic-Indic digits: int() would read them as 2026
        "２０２６-１０",  # full-width digits, likewise
    ],
)
def test_anything_else_is_none(text):
    assert period_parse(text, today=TODAY) is None


def test_first_year():
    assert FIRST_YEAR == 2000
    assert period_parse(str(FIRST_YEAR - 1), today=TODAY) is None
    assert period_parse(str(FIRST_YEAR), today=TODAY) is not None


# --- The future, and the provisional present ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        ("2026-11", True),  # runs now: allowed, provisional
        ("2026-12", False),  # starts 1 Dec, after 20 Nov
        ("2026-Q4", True),  # started 1 Oct
        ("2027-Q1", False),
        ("2026", True),
        ("2027", False),
        ("2027-01", False),
    ],
)
def test_a_period_that_has_not_started_is_none(text, allowed):
    assert (period_parse(text, today=TODAY) is not None) is allowed


def test_a_period_starting_today_is_allowed():
    assert period_parse("2026-12", today=date(2026, 12, 1)) is not None
    assert period_parse("2026-12", today=date(2026, 11, 30)) is None
    assert period_parse("2027", today=date(2027, 1, 1)) is not None
    assert period_parse("2027", today=date(2026, 12, 31)) is None


@pytest.mark.parametrize(
    ("text", "today", "provisional"),
    [
        ("2026-10", date(2026, 10, 1), True),  # its first day
        ("2026-10", date(2026, 10, 31), True),  # its last day
        ("2026-10", date(2026, 11, 1), False),  # over
        ("2026-Q4", date(2026, 11, 20), True),
        ("2026-Q3", date(2026, 11, 20), False),
        ("2026", date(2026, 12, 31), True),
        ("2026", date(2027, 1, 1), False),
    ],
)
def test_provisional_while_it_runs(text, today, provisional):
    assert period_parse(text, today=today).provisional(today) is provisional


# --- Nesting ------------------------------------------------------------------------------------


def test_months_of_each_kind():
    assert [m.key for m in period_parse("2026-10", today=TODAY).months()] == ["2026-10"]
    assert [m.key for m in period_parse("2026-Q4", today=TODAY).months()] == [
        "2026-10",
        "2026-11",
        "2026-12",
    ]
    year = period_parse("2026", today=TODAY).months()
    assert [m.key for m in year] == [f"2026-{month:02d}" for month in range(1, 13)]
    assert all(m.kind == MONTH for m in year)
    # The months tile the period exactly: no day missing, none twice.
    assert year[0].start == date(2026, 1, 1) and year[-1].end == date(2026, 12, 31)
    assert all((b.start - a.end).days == 1 for a, b in zip(year, year[1:], strict=False))
    assert sum((m.end - m.start).days + 1 for m in year) == 365


def test_every_day_is_in_exactly_one_month_one_quarter_one_year():
    for day in (
        date(2026, 1, 1),
        date(2026, 3, 31),
        date(2026, 4, 1),
        date(2026, 10, 24),
        date(2026, 12, 31),
        date(2028, 2, 29),
    ):
        month, quarter, year = month_of(day), quarter_of(day), year_of(day)
        assert month.start <= day <= month.end
        assert quarter.start <= month.start and month.end <= quarter.end
        assert year.start <= quarter.start and quarter.end <= year.end
    assert quarter_of(date(2026, 10, 24)).key == "2026-Q4"
    assert quarter_of(date(2026, 3, 31)).key == "2026-Q1"
    assert quarter_of(date(2026, 4, 1)).key == "2026-Q2"
    assert month_of(date(2026, 10, 24)).key == "2026-10"
    assert year_of(date(2026, 10, 24)).key == "2026"


def test_a_parsed_key_parses_back_to_itself():
    for period in periods_recent(TODAY):
        assert period_parse(period.key, today=TODAY) == period


# --- The default and the choice offered ---------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "key"),
    [
        (date(2026, 11, 20), "2026-10"),
        (date(2026, 11, 1), "2026-10"),  # the first day of a month: the last one is complete
        (date(2026, 10, 31), "2026-09"),  # the last day: the month is not over yet
        (date(2027, 1, 1), "2026-12"),  # across the year
        (date(2028, 3, 1), "2028-02"),
    ],
)
def test_the_default_is_the_last_complete_month(today, key):
    period = period_default(today)
    assert period.key == key and period.kind == MONTH
    assert period.end < today and not period.provisional(today)
    assert period_parse(period.key, today=today) == period


def test_the_periods_offered():
    offered = periods_recent(TODAY)
    keys = [period.key for period in offered]
    # Newest first: this year, its quarters and months that have started, then the years before.
    assert keys[:8] == [
        "2026",
        "2026-Q4",
        "2026-Q3",
        "2026-Q2",
        "2026-Q1",
        "2026-11",
        "2026-10",
        "2026-09",
    ]
    assert "2026-12" not in keys and "2027" not in keys  # nothing in the future
    assert all(period.start <= TODAY for period in offered)
    assert keys.index("2025") < keys.index("2025-Q4") < keys.index("2025-12")
    assert "2024-01" in keys and "2023" not in keys  # three years
    # 2026: 1 + 4 + 11; 2025 and 2024: 1 + 4 + 12 each.
    assert len(offered) == 16 + 17 + 17
    assert len(set(keys)) == len(keys)


def test_the_message_names_the_three_forms():
    with translation.override("en"):
        message = str(MSG_PERIOD)
    assert "2026-10" in message and "2026-Q4" in message and "2026" in message
