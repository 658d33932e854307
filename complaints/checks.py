"""The fee check and the delay check of docs/product.md §3, and their one-line explanations.

Fee check: excess = amount paid (or asked, when nothing was paid) - the service's official fee;
flagged when the excess is positive or when no karcis was given for a retribution. An unknown
official fee is said to be unknown, never guessed.
Delay check: working days since the application date against the service's time limit.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from complaints.deadlines import WorkingCalendar


def rupiah(amount: int) -> str:
    """``Rp2.000``: Indonesian thousands separator, no decimals."""
    return "Rp" + f"{amount:,}".replace(",", ".")


@dataclass(frozen=True)
class FeeCheck:
    service_chosen: bool
    official_fee: int | None  # None: the official fee is not known
    amount: int | None  # what was paid, or asked when nothing was paid
    amount_is_paid: bool
    excess: int | None
    karcis_missing: bool
    flagged: bool

    @property
    def text(self) -> str:
        return fee_check_text(self)

    def as_dict(self) -> dict:
        return {
            "official_fee": self.official_fee,
            "amount": self.amount,
            "amount_is_paid": self.amount_is_paid,
            "excess": self.excess,
            "karcis_missing": self.karcis_missing,
            "flagged": self.flagged,
            "text": self.text,
        }


def fee_check(
    *,
    service_chosen: bool,
    official_fee: int | None,
    requires_karcis: bool,
    amount_asked: int | None,
    amount_paid: int | None,
    karcis_given: bool | None,
) -> FeeCheck:
    amount_is_paid = amount_paid is not None and amount_paid > 0
    amount = amount_paid if amount_is_paid else amount_asked
    excess = None
    if service_chosen and official_fee is not None and amount is not None:
        excess = max(amount - official_fee, 0)
    # Nothing paid, nothing to give a karcis for; an unknown payment with no karcis still counts.
    karcis_missing = (
        service_chosen and requires_karcis and karcis_given is False and amount_paid != 0
    )
    return FeeCheck(
        service_chosen=service_chosen,
        official_fee=official_fee,
        amount=amount,
        amount_is_paid=amount_is_paid,
        excess=excess,
        karcis_missing=karcis_missing,
        flagged=bool(excess) or karcis_missing,
    )


def fee_check_text(check: FeeCheck) -> str:
    if check.amount is None:
        # No amount to compare, but a retribution paid without a karcis is still flagged.
        return capfirst(_("no karcis was given")) + "." if check.karcis_missing else ""
    if not check.service_chosen:
        return _("No service was chosen, so the amount cannot be compared with an official fee.")
    if check.official_fee is None:
        parts = [_("The official fee of this service is not known yet; it is not guessed")]
    else:
        official = _("free") if check.official_fee == 0 else rupiah(check.official_fee)
        verb = _("you paid") if check.amount_is_paid else _("you were asked for")
        parts = [
            _("Official fee %(official)s, %(verb)s %(amount)s")
            % {"official": official, "verb": verb, "amount": rupiah(check.amount)}
        ]
        if check.excess:
            parts[0] += ": " + _("excess %(excess)s") % {"excess": rupiah(check.excess)}
        else:
            parts[0] += ": " + _("no excess")
    if check.karcis_missing:
        parts.append(_("no karcis was given"))
    return "; ".join(parts) + "."


@dataclass(frozen=True)
class DelayCheck:
    applied_date: date | None
    working_days: int | None
    time_limit: int | None
    time_unit: str
    late_by: int | None
    flagged: bool

    @property
    def text(self) -> str:
        return delay_check_text(self)

    def as_dict(self) -> dict:
        return {
            "applied_date": self.applied_date,
            "working_days": self.working_days,
            "time_limit": self.time_limit,
            "time_unit": self.time_unit,
            "late_by": self.late_by,
            "flagged": self.flagged,
            "text": self.text,
        }


def delay_check(
    *,
    applied_date: date | None,
    on_date: date,
    time_limit: int | None,
    time_unit: str,
    calendar: WorkingCalendar,
) -> DelayCheck:
    if applied_date is None:
        return DelayCheck(None, None, time_limit, time_unit, None, False)
    if time_unit == "days":
        elapsed = max((on_date - applied_date).days, 0)
    else:
        elapsed = calendar.working_days_between(applied_date, on_date)
    late_by = None
    if time_limit is not None:
        late_by = max(elapsed - time_limit, 0)
    return DelayCheck(applied_date, elapsed, time_limit, time_unit, late_by, bool(late_by))


def delay_check_text(check: DelayCheck) -> str:
    if check.applied_date is None:
        return ""
    unit = _("calendar days") if check.time_unit == "days" else _("working days")
    elapsed = _("%(days)s %(unit)s since the application") % {
        "days": check.working_days,
        "unit": unit,
    }
    if check.time_limit is None:
        return elapsed + "; " + _("the service's time limit is not known yet.")
    if check.late_by:
        return (
            elapsed
            + "; "
            + _("the standard is %(limit)s %(unit)s: late by %(late)s %(unit)s.")
            % {"limit": check.time_limit, "unit": unit, "late": check.late_by}
        )
    return (
        elapsed
        + "; "
        + _("within the standard of %(limit)s %(unit)s.")
        % {
            "limit": check.time_limit,
            "unit": unit,
        }
    )
