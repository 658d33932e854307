"""The one function that changes a complaint's deadlines (docs/product.md §3 "Deadlines").

Every deadline field (``*_due_at``, ``due_at``, ``first_response_*``, ``resolved_at``,
``closed_at``, ``auto_close_at``) is written here and nowhere else; the services call it with
what happened, inside the transaction that changes the complaint.

Deadlines end with a working day (23:59:59 WIB), so a deadline counted from the submission tells
the office its day, never its time.
"""

from datetime import datetime
from enum import StrEnum

from django.conf import settings

from complaints.deadlines import WorkingCalendar, wib_date
from complaints.models import Category, Complaint, Status
from complaints.workflow import Role


class Cause(StrEnum):
    STATUS = "status"  # the complaint has just moved to its current status
    FIRST_RESPONSE = "first_response"  # the office has answered the reporter
    NEW_OFFICE = "new_office"  # reassigned to another office, status kept


def deadlines_update(
    complaint: Complaint,
    *,
    cause: Cause,
    now: datetime,
    calendar: WorkingCalendar,
    role: Role | None = None,
) -> list[str]:
    """Start, stop or move the deadlines that ``cause`` brings; returns the fields changed."""
    days = settings.PORTAL_DEADLINES
    if cause == Cause.FIRST_RESPONSE:
        if complaint.first_response_at is not None:
            return []
        _mark_first_response(complaint, now=now, calendar=calendar)
        if complaint.status == Status.ASSIGNED:
            complaint.due_at = complaint.resolve_due_at
        return ["first_response_at", "first_response_days", "due_at"]
    if cause == Cause.NEW_OFFICE:
        # A new office gets its own first-response clock; the resolution deadline stays.
        complaint.first_response_at = None
        complaint.first_response_days = None
        complaint.first_response_due_at = calendar.add_working_days(now, days["first_response"])
        if complaint.status == Status.ASSIGNED:
            complaint.due_at = complaint.first_response_due_at
        return ["first_response_at", "first_response_days", "first_response_due_at", "due_at"]
    _status_changed(complaint, now=now, role=role, calendar=calendar)
    return []  # the caller saves the whole row with its new status


def _status_changed(
    complaint: Complaint, *, now: datetime, role: Role | None, calendar: WorkingCalendar
) -> None:
    days = settings.PORTAL_DEADLINES
    status = complaint.status
    # Sending a complaint to an office starts its first-response clock; it is not an answer.
    if (
        role in (Role.OPD, Role.ADMIN, Role.OVERSIGHT)
        and complaint.first_response_at is None
        and status != Status.ASSIGNED
    ):
        _mark_first_response(complaint, now=now, calendar=calendar)
    if status == Status.TRIAGE:
        complaint.triage_due_at = calendar.add_working_days(complaint.created_at, days["triage"])
        complaint.due_at = complaint.triage_due_at
    elif status == Status.ASSIGNED:
        pungli = complaint.category == Category.PUNGLI
        resolve_days = days["resolve_pungli" if pungli else "resolve"]
        complaint.assigned_at = now
        complaint.first_response_due_at = calendar.add_working_days(now, days["first_response"])
        complaint.resolve_due_at = calendar.add_working_days(now, resolve_days)
        complaint.due_at = complaint.first_response_due_at
    elif status in (Status.IN_PROGRESS, Status.NEEDS_INFO):
        # Reopened (disputed, or by the Inspektorat): the earlier resolution no longer counts,
        # or the compliance figures would count it both as kept and as still waiting.
        complaint.resolved_at = None
        complaint.auto_close_at = None
        complaint.due_at = complaint.resolve_due_at
    elif status == Status.RESOLVED:
        complaint.resolved_at = now
        complaint.auto_close_at = calendar.add_working_days(now, days["auto_close"])
        complaint.due_at = None
    else:  # closed, rejected, referred
        complaint.closed_at = now
        complaint.auto_close_at = None
        complaint.due_at = None
    if role == Role.FOLLOW:
        # A merged duplicate: its original carries the deadline (and the escalations).
        complaint.due_at = None


def _mark_first_response(complaint: Complaint, *, now: datetime, calendar: WorkingCalendar) -> None:
    complaint.first_response_at = now
    started = complaint.assigned_at or complaint.created_at
    complaint.first_response_days = calendar.working_days_between(wib_date(started), wib_date(now))
