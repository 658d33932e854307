"""Reads of complaints: for the reporter (by receipt) and for the deadline clocks."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import events
from complaints.checks import DelayCheck, FeeCheck, fee_check
from complaints.deadlines import WorkingCalendar
from complaints.exceptions import ComplaintNotFound
from complaints.models import (
    FINAL_STATUSES,
    Category,
    Complaint,
    DayOff,
    Event,
    StaffProfile,
    StaffRole,
    Status,
)
from complaints.receipts import receipt_hash, receipt_normalize
from complaints.workflow import STAFF_ACTION_TARGETS, Role, transition_allowed
from routing import engine
from routing.selectors import routing_facts, routing_rules


MSG_NOT_FOUND = _("Not found.")

OPEN_STATUSES = [status for status in Status.values if status not in FINAL_STATUSES]


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
    # A merged duplicate's receipt opens the original, which is where the work goes on.
    for _hop in range(3):
        if complaint is None or complaint.merged_into_id is None:
            break
        complaint = complaint.merged_into
    return complaint


def events_for_reporter(*, complaint: Complaint, after: int = 0) -> QuerySet[Event]:
    return Event.objects.filter(complaint=complaint, public=True, seq__gt=after).order_by("seq")


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
    if amount_asked is None and amount_paid is None and analysis.amounts:
        amount_asked = max(analysis.amounts)
    return Preview(
        decision=engine.route(facts, routing_rules()),
        fee_check=fee_check_for(
            service=service,
            amount_asked=amount_asked,
            amount_paid=amount_paid,
            karcis_given=karcis_given,
        ),
        amounts=analysis.amounts,
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


def reporter_can_reply(complaint: Complaint) -> bool:
    return complaint.is_open and complaint.status != Status.RESOLVED


def reporter_can_decide(complaint: Complaint) -> bool:
    """Accept or dispute (and rate): only while the answer waits for the reporter."""
    return complaint.status == Status.RESOLVED


def staff_roles(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    return frozenset(user.groups.values_list("name", flat=True))


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Every complaint a staff account may see; nothing for anyone else."""
    complaints = Complaint.objects.all()
    if not user.is_authenticated or not user.is_active:
        return complaints.none()
    roles = staff_roles(user)
    if user.is_superuser or roles & {StaffRole.WALIKOTA, StaffRole.KOORDINATOR}:
        return complaints
    scope = Q(pk__in=[])
    if StaffRole.INSPEKTORAT in roles:
        scope |= Q(category=Category.PUNGLI) | Q(due_at__lt=timezone.now(), status__in=OPEN_STATUSES)
        scope |= Q(opd__code=settings.PORTAL_INSPEKTORAT_CODE)
    opd_id = StaffProfile.objects.filter(user=user).values_list("opd_id", flat=True).first()
    if opd_id is not None:
        scope |= Q(opd_id=opd_id) | Q(oversight__id=opd_id)
    return complaints.filter(pk__in=Complaint.objects.filter(scope).values("pk"))


def staff_channel_groups(user) -> list[str]:
    """The live channels a staff account may join: the same scope as complaints_visible_to."""
    if not user.is_authenticated or not user.is_active:
        return []
    roles = staff_roles(user)
    groups = []
    if user.is_superuser or roles & {StaffRole.WALIKOTA, StaffRole.KOORDINATOR}:
        groups.append(events.STAFF_ALL)
    if StaffRole.INSPEKTORAT in roles:
        groups += [events.STAFF_OVERSIGHT, events.opd_group(settings.PORTAL_INSPEKTORAT_CODE)]
    code = StaffProfile.objects.filter(user=user).values_list("opd__code", flat=True).first()
    if code:
        groups.append(events.opd_group(code))
    if user.is_superuser or roles & {StaffRole.WALIKOTA, StaffRole.INSPEKTORAT}:
        groups.append(events.STAFF_DASHBOARD)
    return list(dict.fromkeys(groups))


def staff_complaint_roles(user, complaint: Complaint) -> frozenset:
    """The workflow roles ``user`` holds on ``complaint`` (empty: may look, not act)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    if user.is_superuser:
        return frozenset({Role.ADMIN})
    roles = set()
    groups = staff_roles(user)
    opd_code = StaffProfile.objects.filter(user=user).values_list("opd__code", flat=True).first()
    if opd_code and complaint.opd_id and complaint.opd.code == opd_code:
        roles.add(Role.OPD)
    if StaffRole.INSPEKTORAT in groups or opd_code == settings.PORTAL_INSPEKTORAT_CODE:
        roles.add(Role.OVERSIGHT)
    if StaffRole.KOORDINATOR in groups:
        roles.add(Role.COORDINATOR)
    return frozenset(roles)


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


def events_for_staff(*, complaint: Complaint) -> QuerySet[Event]:
    return Event.objects.filter(complaint=complaint).select_related("actor").order_by("seq")


def staff_allowed_targets(user, complaint: Complaint) -> list[str]:
    """The statuses ``user`` may move ``complaint`` to now, in workflow order."""
    roles = staff_complaint_roles(user, complaint)
    return [
        target
        for target in Status.values
        if target not in STAFF_ACTION_TARGETS
        and any(transition_allowed(current=complaint.status, target=target, role=role) for role in roles)
    ]


def is_overdue(complaint: Complaint) -> bool:
    return events.is_overdue(complaint)


def can_view_dashboard(user) -> bool:
    """The mayor's office, the Inspektorat and admins see the city's statistics."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(staff_roles(user) & {StaffRole.WALIKOTA, StaffRole.INSPEKTORAT})
