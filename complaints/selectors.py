"""Reads of complaints: by receipt for the reporter, by reference for staff (within the scope
that ``complaints.access`` gives), the routing preview and the checks as stored."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from complaints.access import complaints_visible_to
from complaints.checks import DelayCheck, FeeCheck, fee_check
from complaints.deadlines import WorkingCalendar
from complaints.exceptions import ComplaintNotFound
from complaints.models import (
    Complaint,
    DayOff,
)
from complaints.receipts import receipt_hash, receipt_normalize
from routing import engine
from routing.selectors import routing_facts, routing_rules

MSG_NOT_FOUND = _("Not found.")


def working_calendar() -> WorkingCalendar:
    return WorkingCalendar(DayOff.objects.values_list("date", flat=True))


def complaint_get_by_receipt(*, receipt: str) -> Complaint | None:
    """The complaint a receipt opens, or None; every wrong receipt costs the same hash + lookup."""
    normalized = receipt_normalize(receipt)
    if normalized is None:
        return None
    complaint = (
        Complaint.objects.select_related("service", "opd", "kelurahan__kecamatan", "reported_opd")
        .prefetch_related("oversight")
        .filter(receipt_hash=receipt_hash(normalized))
        .first()
    )
    # Always the receipt's own complaint, merged or not: a merged reporter follows the shared
    # case through their own complaint and never reads another reporter's.
    return complaint


def fee_check_for(
    *, service, amount_asked: int | None, amount_paid: int | None, karcis_given: bool | None
) -> FeeCheck:
    """The fee check of amounts against a service's official fee as published now."""
    return fee_check(
        service_chosen=service is not None,
        official_fee=service.fee_rupiah if service else None,
        requires_karcis=service.requires_karcis if service else False,
        amount_asked=amount_asked,
        amount_paid=amount_paid,
        karcis_given=karcis_given,
    )


@dataclass(frozen=True)
class Preview:
    decision: engine.Decision
    fee_check: FeeCheck
    amounts: tuple[int, ...]  # rupiah amounts found in the description


def complaint_preview(
    *,
    category: str,
    description: str,
    service=None,
    reported_opd=None,
    kelurahan=None,
    involves_head: bool = False,
    amount_asked: int | None = None,
    amount_paid: int | None = None,
    karcis_given: bool | None = None,
    **_unused,
) -> Preview:
    """Where a complaint would go and why, and its fee check, before it is sent."""
    facts, analysis = routing_facts(
        category=category,
        description=description,
        service=service.code if service else None,
        opd=reported_opd.code if reported_opd else None,
        kelurahan=kelurahan.code if kelurahan else None,
        involves_head=involves_head,
    )
    amounts = analysis.amounts
    if amount_asked is None and amount_paid is None and amounts:
        amount_asked = max(amounts)
    return Preview(
        decision=engine.route(facts, routing_rules()),
        fee_check=fee_check_for(
            service=service,
            amount_asked=amount_asked,
            amount_paid=amount_paid,
            karcis_given=karcis_given,
        ),
        amounts=amounts,
    )


def complaint_fee_check(complaint: Complaint) -> FeeCheck:
    """The fee check as computed at submission (figures of the standard then in force)."""
    amount_is_paid = bool(complaint.amount_paid)
    return FeeCheck(
        service_chosen=complaint.service_id is not None,
        official_fee=complaint.official_fee,
        amount=complaint.amount_paid if amount_is_paid else complaint.amount_asked,
        amount_is_paid=amount_is_paid,
        excess=complaint.fee_excess,
        karcis_missing=complaint.fee_karcis_missing,
        flagged=complaint.fee_flagged,
    )


def complaint_delay_check(complaint: Complaint) -> DelayCheck:
    return DelayCheck(
        applied_date=complaint.applied_date,
        working_days=complaint.delay_working_days,
        time_limit=complaint.delay_time_limit,
        time_unit=complaint.delay_time_unit,
        late_by=complaint.delay_late_by,
        flagged=complaint.delay_flagged,
    )


def complaint_get_for_staff(*, user, reference: str) -> Complaint:
    """A complaint in the user's scope, or ComplaintNotFound (never a hint that it exists)."""
    complaint = (
        complaints_visible_to(user)
        .select_related("service", "opd", "reported_opd", "kelurahan__kecamatan")
        .prefetch_related("oversight", "evidence")
        .filter(reference=reference)
        .first()
    )
    if complaint is None:
        raise ComplaintNotFound(str(MSG_NOT_FOUND))
    return complaint


def complaint_get_for_reporter(*, pk: int) -> Complaint:
    """The receipt holder's complaint read afresh (the live tracking page's case box): the caller
    opened it with the receipt, by ``complaint_get_by_receipt``; this only re-reads that one."""
    return (
        Complaint.objects.select_related("service", "opd", "kelurahan__kecamatan", "reported_opd")
        .prefetch_related("oversight")
        .get(pk=pk)
    )


def complaint_get_after_action(*, complaint: Complaint) -> Complaint:
    """The complaint as a staff action left it, for the user who just acted on it.

    Not filtered by scope again: the action itself may have taken it out of the user's scope
    (referred while visible only as overdue, reassigned away), and the user is owed the result
    of what they did, not a 404 that reads as "nothing happened".
    """
    return (
        Complaint.objects.select_related("service", "opd", "reported_opd", "kelurahan__kecamatan")
        .prefetch_related("oversight", "evidence")
        .get(pk=complaint.pk)
    )
