"""The fee check and the delay check (docs/product.md §3), their figures and explanations."""

import re
from datetime import date

import pytest
from django.utils import translation

from complaints.checks import delay_check, fee_check, rupiah
from complaints.deadlines import WorkingCalendar


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "Rp0"),
        (500, "Rp500"),
        (2000, "Rp2.000"),
        (10000, "Rp10.000"),
        (150000, "Rp150.000"),
        (1000000, "Rp1.000.000"),
        (1234567890, "Rp1.234.567.890"),
    ],
)
def test_rupiah(amount, text):
    assert rupiah(amount) == text


def check(**overrides):
    """A fee check of a retribution of Rp2.000 that needs a karcis, with ``overrides``."""
    arguments = {
        "service_chosen": True,
        "official_fee": 2000,
        "requires_karcis": True,
        "amount_asked": None,
        "amount_paid": None,
        "karcis_given": True,
    }
    arguments.update(overrides)
    return fee_check(**arguments)


def english_text(result) -> str:
    with translation.override("en"):
        return result.text


def test_paid_above_the_fee_is_excess():
    result = check(amount_paid=10000)
    assert result.amount == 10000
    assert result.amount_is_paid is True
    assert result.excess == 8000
    assert result.karcis_missing is False
    assert result.flagged is True
    assert english_text(result) == "Official fee Rp2.000, you paid Rp10.000: excess Rp8.000."


def test_paid_above_the_fee_without_karcis():
    result = check(amount_paid=10000, karcis_given=False)
    assert result.excess == 8000
    assert result.karcis_missing is True
    assert result.flagged is True
    assert english_text(result) == (
        "Official fee Rp2.000, you paid Rp10.000: excess Rp8.000; no karcis was given."
    )


def test_paid_wins_over_asked():
    result = check(amount_asked=50000, amount_paid=5000)
    assert (result.amount, result.amount_is_paid, result.excess) == (5000, True, 3000)


@pytest.mark.parametrize("paid", [None, 0])
def test_asked_only_is_compared_with_the_fee(paid):
    result = check(amount_asked=50000, amount_paid=paid)
    assert result.amount == 50000
    assert result.amount_is_paid is False
    assert result.excess == 48000
    assert result.flagged is True
    assert english_text(result) == (
        "Official fee Rp2.000, you were asked for Rp50.000: excess Rp48.000."
    )


def test_free_service_makes_the_whole_amount_excess():
    result = check(official_fee=0, requires_karcis=False, amount_paid=25000, karcis_given=None)
    assert result.excess == 25000
    assert result.flagged is True
    assert english_text(result) == "Official fee free, you paid Rp25.000: excess Rp25.000."


def test_unknown_official_fee_is_never_guessed():
    result = check(official_fee=None, requires_karcis=False, amount_paid=10000)
    assert result.official_fee is None
    assert result.excess is None
    assert result.flagged is False
    assert english_text(result) == (
        "The official fee of this service is not known yet; it is not guessed."
    )


def test_unknown_official_fee_still_flags_a_missing_karcis():
    result = check(official_fee=None, amount_paid=10000, karcis_given=False)
    assert result.excess is None
    assert result.karcis_missing is True
    assert result.flagged is True
    assert english_text(result) == (
        "The official fee of this service is not known yet; it is not guessed; no karcis was given."
    )


def test_no_service_chosen_means_no_comparison():
    result = check(service_chosen=False, official_fee=None, amount_paid=10000, karcis_given=False)
    assert result.excess is None
    assert result.karcis_missing is False
    assert result.flagged is False
    assert english_text(result) == (
        "No service was chosen, so the amount cannot be compared with an official fee."
    )


def test_no_service_chosen_ignores_a_stray_fee():
    result = check(service_chosen=False, official_fee=2000, amount_paid=10000)
    assert result.excess is None
    assert result.flagged is False


@pytest.mark.parametrize(
    ("asked", "paid"), [(None, 2000), (2000, None), (2000, 0), (5000, 2000), (None, 1500)]
)
def test_at_or_below_the_fee_is_not_flagged(asked, paid):
    result = check(amount_asked=asked, amount_paid=paid)
    assert result.excess == 0
    assert result.karcis_missing is False
    assert result.flagged is False
    assert english_text(result).endswith(": no excess.")


def test_amount_equal_to_the_fee_text():
    assert english_text(check(amount_paid=2000)) == (
        "Official fee Rp2.000, you paid Rp2.000: no excess."
    )


def test_missing_karcis_on_a_retribution_is_flagged_without_excess():
    result = check(amount_paid=2000, karcis_given=False)
    assert result.excess == 0
    assert result.karcis_missing is True
    assert result.flagged is True
    assert english_text(result) == (
        "Official fee Rp2.000, you paid Rp2.000: no excess; no karcis was given."
    )


def test_missing_karcis_on_a_non_retribution_is_not_flagged():
    result = check(requires_karcis=False, amount_paid=2000, karcis_given=False)
    assert result.karcis_missing is False
    assert result.flagged is False
    assert "karcis" not in english_text(result)


def test_karcis_not_remembered_is_not_missing():
    result = check(amount_paid=2000, karcis_given=None)
    assert result.karcis_missing is False
    assert result.flagged is False


@pytest.mark.parametrize("asked", [None, 5000])
def test_nothing_paid_needs_no_karcis(asked):
    result = check(amount_paid=0, amount_asked=asked, karcis_given=False)
    assert result.karcis_missing is False


def test_unknown_payment_without_karcis_is_flagged_and_explained():
    # "I paid the parking attendant, got no karcis, don't remember how much"
    result = check(amount_paid=None, amount_asked=None, karcis_given=False)
    assert result.amount is None
    assert result.excess is None
    assert result.karcis_missing is True
    assert result.flagged is True
    assert english_text(result) == "No karcis was given."


def test_nothing_to_check_has_no_text():
    result = check(amount_paid=None, amount_asked=None)
    assert result.flagged is False
    assert english_text(result) == ""


def test_as_dict_carries_the_figures_and_the_text():
    result = check(amount_paid=10000, karcis_given=False)
    with translation.override("en"):
        assert result.as_dict() == {
            "official_fee": 2000,
            "amount": 10000,
            "amount_is_paid": True,
            "excess": 8000,
            "karcis_missing": True,
            "flagged": True,
            "text": "Official fee Rp2.000, you paid Rp10.000: excess Rp8.000; no karcis was given.",
        }


def test_indonesian_text_keeps_the_figures():
    result = check(amount_paid=10000, karcis_given=False)
    with translation.override("id"):
        text = result.text
    assert "Rp2.000" in text
    assert "Rp10.000" in text
    assert "Rp8.000" in text
    assert text.endswith(".")


# Delay check. Mon 23 Nov 2026 -> Mon 30 Nov 2026 is 5 working days (7 calendar days).
APPLIED = date(2026, 11, 23)
TODAY = date(2026, 11, 30)


def delay(**overrides):
    arguments = {
        "applied_date": APPLIED,
        "on_date": TODAY,
        "time_limit": 3,
        "time_unit": "working_days",
        "calendar": WorkingCalendar(),
    }
    arguments.update(overrides)
    return delay_check(**arguments)


def test_late_in_working_days():
    result = delay()
    assert result.working_days == 5
    assert result.late_by == 2
    assert result.flagged is True
    assert english_text(result) == (
        "5 working days since the application; the standard is 3 working days: "
        "late by 2 working days."
    )


@pytest.mark.parametrize("limit", [5, 14])
def test_within_the_standard(limit):
    result = delay(time_limit=limit)
    assert result.working_days == 5
    assert result.late_by == 0
    assert result.flagged is False
    assert english_text(result) == (
        f"5 working days since the application; within the standard of {limit} working days."
    )


def test_working_days_skip_holidays():
    # Wed 23 Dec -> Mon 28 Dec 2026: only the 28th is a working day (cuti bersama, Natal, weekend)
    result = delay(applied_date=date(2026, 12, 23), on_date=date(2026, 12, 28), time_limit=1)
    assert result.working_days == 1
    assert result.flagged is False


def test_working_days_use_the_calendar_given():
    calendar = WorkingCalendar(extra_days_off=[date(2026, 11, 30)])
    assert delay(calendar=calendar).working_days == 4


def test_calendar_day_unit_counts_every_day():
    # Wed 23 Dec -> Mon 28 Dec 2026: 5 calendar days, though only 1 working day
    result = delay(
        applied_date=date(2026, 12, 23), on_date=date(2026, 12, 28), time_limit=3, time_unit="days"
    )
    assert result.working_days == 5
    assert result.late_by == 2
    assert result.flagged is True
    assert english_text(result) == (
        "5 calendar days since the application; the standard is 3 calendar days: "
        "late by 2 calendar days."
    )


@pytest.mark.parametrize("unit", ["working_days", "days"])
def test_application_date_in_the_future_counts_zero(unit):
    result = delay(applied_date=date(2026, 12, 5), time_unit=unit)
    assert result.working_days == 0
    assert result.flagged is False


def test_unknown_time_limit():
    result = delay(time_limit=None, time_unit="")
    assert result.working_days == 5
    assert result.late_by is None
    assert result.flagged is False
    assert english_text(result) == (
        "5 working days since the application; the service's time limit is not known yet."
    )


def test_no_application_date_means_no_check():
    result = delay(applied_date=None)
    assert result.working_days is None
    assert result.late_by is None
    assert result.flagged is False
    assert english_text(result) == ""


def test_delay_indonesian_text_keeps_the_figures():
    with translation.override("id"):
        text = delay().text
    assert sorted(re.findall(r"\d+", text)) == ["2", "3", "5"]
