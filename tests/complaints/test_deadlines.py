"""Working days in WIB: weekends, Indonesian holidays and cuti bersama, deadlines and day counts."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from complaints.deadlines import WIB, WorkingCalendar, wib_date

END_OF_DAY = time(23, 59, 59)


def wib(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def end_of(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=WIB)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 27), True),  # Friday
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 29), False),  # Sunday
        (date(2026, 11, 30), True),  # Monday
        (date(2026, 1, 1), False),  # Tahun Baru (Thursday)
        (date(2026, 8, 17), False),  # Hari Kemerdekaan (Monday)
        (date(2026, 8, 18), True),
        (date(2026, 12, 24), False),  # cuti bersama Natal (Thursday)
        (date(2026, 12, 25), False),  # Natal (Friday)
        (date(2026, 12, 23), True),
        (date(2026, 3, 17), True),  # the Tuesday before Nyepi
        (date(2026, 3, 18), False),  # cuti bersama Nyepi (Wednesday)
        (date(2026, 3, 19), False),  # Nyepi (Thursday)
        (date(2026, 3, 20), False),  # cuti bersama Idul Fitri (Friday)
        (date(2026, 3, 23), False),  # cuti bersama Idul Fitri (Monday)
        (date(2026, 3, 24), False),  # cuti bersama Idul Fitri (Tuesday)
        (date(2026, 3, 25), True),  # back to work (Wednesday)
        (date(2026, 4, 3), False),  # Jumat Agung
        (date(2027, 1, 1), False),  # Tahun Baru 2027 (Friday): the next year is known too
        (date(2027, 1, 4), True),
    ],
)
def test_is_working_day(day, working):
    assert WorkingCalendar().is_working_day(day) is working


def test_extra_days_off_are_skipped():
    calendar = WorkingCalendar(extra_days_off=[date(2026, 11, 30), date(2026, 12, 1)])
    assert not calendar.is_working_day(date(2026, 11, 30))
    assert not calendar.is_working_day(date(2026, 12, 1))
    assert calendar.is_working_day(date(2026, 12, 2))
    # Fri 27 Nov + 1: Mon 30 Nov and Tue 1 Dec are the city's days off -> Wed 2 Dec
    assert calendar.add_working_days(wib(2026, 11, 27), 1) == end_of(date(2026, 12, 2))
    # without them, the same deadline is Monday
    assert WorkingCalendar().add_working_days(wib(2026, 11, 27), 1) == end_of(date(2026, 11, 30))


def test_extra_days_off_accept_any_iterable():
    calendar = WorkingCalendar(extra_days_off=(day for day in [date(2026, 11, 30)]))
    assert not calendar.is_working_day(date(2026, 11, 30))
    assert calendar.is_working_day(date(2026, 11, 30) + timedelta(days=1))


@pytest.mark.parametrize(
    ("start", "days", "deadline"),
    [
        # Mon 23 Nov 2026 + 3: Tue, Wed, Thu
        (wib(2026, 11, 23), 3, date(2026, 11, 26)),
        # Fri 27 Nov + 1: the weekend is skipped -> Mon 30 Nov
        (wib(2026, 11, 27), 1, date(2026, 11, 30)),
        # Mon 23 Nov + 5: Tue..Fri, then Mon 30 Nov
        (wib(2026, 11, 23), 5, date(2026, 11, 30)),
        # Wed 23 Dec + 1: 24 cuti bersama Natal, 25 Natal, 26-27 weekend -> Mon 28 Dec
        (wib(2026, 12, 23), 1, date(2026, 12, 28)),
        # Tue 17 Mar + 1: 18-24 Mar is Nyepi, Idul Fitri, cuti bersama and a weekend -> Wed 25
        (wib(2026, 3, 17), 1, date(2026, 3, 25)),
        # Fri 14 Aug + 1: weekend, Mon 17 Aug Kemerdekaan -> Tue 18 Aug
        (wib(2026, 8, 14), 1, date(2026, 8, 18)),
        # Mon 16 Mar + 14 (resolve): 17 Mar (1); 25, 26, 27 (4); 30, 31 Mar, 1, 2 Apr (8);
        # Fri 3 Apr Jumat Agung skipped; 6-10 Apr (13); Mon 13 Apr (14)
        (wib(2026, 3, 16), 14, date(2026, 4, 13)),
        # Thu 31 Dec + 1: 1 Jan 2027 Tahun Baru, then a weekend -> Mon 4 Jan 2027
        (wib(2026, 12, 31), 1, date(2027, 1, 4)),
        # a start on Saturday counts from Monday: Mon 30 Nov is day 1, Fri 4 Dec day 5
        (wib(2026, 11, 28), 1, date(2026, 11, 30)),
        (wib(2026, 11, 28), 5, date(2026, 12, 4)),
        # a start on a holiday counts from the next working day
        (wib(2026, 12, 25), 1, date(2026, 12, 28)),
    ],
)
def test_add_working_days(start, days, deadline):
    assert WorkingCalendar().add_working_days(start, days) == end_of(deadline)


def test_deadline_is_the_close_of_the_day_in_wib():
    result = WorkingCalendar().add_working_days(wib(2026, 11, 23, 8, 0), 3)
    assert result.utcoffset() == timedelta(hours=7)
    assert (result.hour, result.minute, result.second) == (23, 59, 59)
    utc = datetime(2026, 11, 26, 16, 59, 59, tzinfo=UTC)
    assert result.astimezone(UTC) == utc


@pytest.mark.parametrize("hour", [0, 9, 23])
def test_start_day_never_counts_whatever_the_hour(hour):
    start = wib(2026, 11, 23, hour, 30)  # Monday
    assert WorkingCalendar().add_working_days(start, 1) == end_of(date(2026, 11, 24))


def test_zero_days_is_the_end_of_the_start_day():
    assert WorkingCalendar().add_working_days(wib(2026, 11, 23, 8), 0) == end_of(date(2026, 11, 23))


def test_utc_start_late_in_the_evening_is_already_the_next_day_in_wib():
    # Thu 26 Nov 2026 20:00 UTC is Fri 27 Nov 03:00 WIB: the clock starts on Friday,
    # so one working day later is Monday, not Friday.
    start = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)
    assert wib_date(start) == date(2026, 11, 27)
    assert WorkingCalendar().add_working_days(start, 1) == end_of(date(2026, 11, 30))
    # 16:59 UTC is still Thursday 23:59 WIB: one working day later is Friday
    start = datetime(2026, 11, 26, 16, 59, tzinfo=UTC)
    assert wib_date(start) == date(2026, 11, 26)
    assert WorkingCalendar().add_working_days(start, 1) == end_of(date(2026, 11, 27))


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (date(2026, 11, 23), date(2026, 11, 23), 0),  # same day
        (date(2026, 11, 30), date(2026, 11, 23), 0),  # end before start
        (date(2026, 11, 23), date(2026, 11, 24), 1),
        (date(2026, 11, 27), date(2026, 11, 29), 0),  # Fri -> Sun: only the weekend
        (date(2026, 11, 27), date(2026, 11, 30), 1),  # Fri -> Mon
        (date(2026, 11, 23), date(2026, 11, 30), 5),  # Mon -> Mon
        # Fri 18 Dec -> Thu 31 Dec: 21, 22, 23, then 28, 29, 30, 31 (24-27 off)
        (date(2026, 12, 18), date(2026, 12, 31), 7),
        # Tue 17 Mar -> Wed 25 Mar: only the 25th (18-24 Nyepi, Idul Fitri, cuti bersama)
        (date(2026, 3, 17), date(2026, 3, 25), 1),
        # Fri 14 Aug -> Wed 19 Aug: 18, 19 (17 Aug Kemerdekaan)
        (date(2026, 8, 14), date(2026, 8, 19), 2),
        # Tue 29 Dec 2026 -> Mon 4 Jan 2027: 30, 31 Dec and 4 Jan (1 Jan Tahun Baru)
        (date(2026, 12, 29), date(2027, 1, 4), 3),
    ],
)
def test_working_days_between(start, end, count):
    assert WorkingCalendar().working_days_between(start, end) == count


def test_working_days_between_skips_extra_days_off():
    calendar = WorkingCalendar(extra_days_off=[date(2026, 11, 25)])
    assert calendar.working_days_between(date(2026, 11, 23), date(2026, 11, 30)) == 4


@pytest.mark.parametrize("days", [1, 3, 5, 10, 14, 60])
@pytest.mark.parametrize(
    "start", [wib(2026, 3, 13), wib(2026, 11, 28), wib(2026, 12, 22), wib(2026, 5, 12)]
)
def test_a_deadline_is_exactly_that_many_working_days_away(start, days):
    calendar = WorkingCalendar()
    deadline = calendar.add_working_days(start, days)
    assert calendar.is_working_day(deadline.date())
    assert calendar.working_days_between(wib_date(start), deadline.date()) == days
