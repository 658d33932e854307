"""Deadlines that act (docs/product.md F8): escalate breaches, auto-close silent resolutions.

``clocks_run`` is idempotent and safe to run concurrently: each complaint is re-read under a
row lock and its condition checked again, and each step records what it did (the escalation
level of the current deadline, the status) so a second run finds nothing left to do.

- A missed deadline escalates to the OPD head (level 1: an internal event, live to the OPD);
  ``escalate_inspektorat`` working days later, still open, to the Inspektorat (level 2: the
  Inspektorat gets an oversight copy and the reporter is told).
- A complaint ``resolved`` with no reply from the reporter is closed at ``auto_close_at``.
- Once a day, an integrity checkpoint is published (``complaints.integrity``), and what the
  retention rule says is due is purged (``complaints.retention``).
- Every run deletes the stored answers of retry-safe requests older than 24 hours
  (``complaints.idempotency``).
- Every run ends with the staff e-mail (``notifications.sender``): deadline warnings, the
  mails the run's escalations and the day's events made, the daily digest, sending.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from complaints.deadlines import WorkingCalendar
from complaints.idempotency import answers_purge
from complaints.integrity import checkpoint_publish
from complaints.models import Checkpoint, Complaint, Event, Status, Visibility
from complaints.retention import retention_purge
from complaints.selectors import working_calendar
from complaints.services import complaint_transition, event_append
from complaints.workflow import Role
from notifications.sender import notifications_run
from routing.models import Opd

logger = logging.getLogger(__name__)


@dataclass
class ClockReport:
    escalated_to_head: int = 0
    escalated_to_inspektorat: int = 0
    auto_closed: int = 0
    checkpoint: str = ""  # the day of the checkpoint published by this run, if any
    purged: int = 0  # complaints whose texts or photos the day's retention run removed
    answers_purged: int = 0  # stored answers of retry-safe requests past their 24 hours


def clocks_run(*, now=None) -> ClockReport:
    now = now or timezone.now()
    calendar = working_calendar()
    report = ClockReport()
    breached = (
        Complaint.objects.unresolved()
        .filter(due_at__lt=now)
        .exclude(escalation_level__gte=2, escalated_due_at=F("due_at"))
    )
    for pk in breached.values_list("pk", flat=True).iterator():
        level = _escalate(pk, now=now, calendar=calendar)
        if level == 1:
            report.escalated_to_head += 1
        elif level == 2:
            report.escalated_to_inspektorat += 1
    silent = Complaint.objects.filter(status=Status.RESOLVED, auto_close_at__lt=now)
    for pk in silent.values_list("pk", flat=True).iterator():
        report.auto_closed += _auto_close(pk, now=now)
    day = timezone.localdate(now)
    if not Checkpoint.objects.filter(day=day).exists():
        report.checkpoint = checkpoint_publish(day=day, now=now).day.isoformat()
        # Once a day, with the day's first run (it is idempotent should two runs race here).
        report.purged = len(retention_purge(now=now).complaints)
    report.answers_purged = answers_purge(now=now)
    try:
        notifications_run(now=now)
    except Exception:
        # The deadlines above are kept; the mails wait for the next run.
        logger.exception("Staff e-mail failed; it runs again with the next clocks run")
    return report


@transaction.atomic
def _escalate(pk, *, now, calendar: WorkingCalendar) -> int:
    """Raise the escalation of one complaint's current deadline by what is due; 0 if none."""
    # Lock the complaint's row only: PostgreSQL refuses FOR UPDATE on the outer join to the OPD.
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("opd").get(pk=pk)
    if not complaint.is_unresolved:
        return 0
    if complaint.due_at is None or complaint.due_at >= now:
        return 0
    level = complaint.escalation_level if complaint.escalated_due_at == complaint.due_at else 0
    inspektorat_at = calendar.add_working_days(
        complaint.due_at, settings.PORTAL_DEADLINES["escalate_inspektorat"]
    )
    if level == 0:
        complaint.escalation_level, complaint.escalated_due_at = 1, complaint.due_at
        complaint.save(update_fields=["escalation_level", "escalated_due_at"])
        office = complaint.opd.name if complaint.opd_id else "koordinator pengaduan"
        event_append(
            complaint=complaint,
            kind=Event.Kind.ESCALATED,
            text=f"Batas waktu terlewati; diteruskan ke pimpinan {office}",
            visibility=Visibility.OFFICE,
            office=complaint.opd,
        )
        return 1
    if level == 1 and inspektorat_at < now:
        complaint.escalation_level = 2
        complaint.save(update_fields=["escalation_level"])
        inspektorat = Opd.objects.filter(code=settings.PORTAL_INSPEKTORAT_CODE).first()
        if inspektorat is not None and complaint.opd_id != inspektorat.pk:
            complaint.oversight.add(inspektorat)
        event_append(
            complaint=complaint,
            kind=Event.Kind.ESCALATED,
            text="Batas waktu lama terlewati; Inspektorat Daerah ikut mengawasi",
        )
        return 2
    return 0


@transaction.atomic
def _auto_close(pk, *, now) -> int:
    complaint = Complaint.objects.select_for_update().get(pk=pk)
    if (
        complaint.status != Status.RESOLVED
        or complaint.auto_close_at is None
        or complaint.auto_close_at >= now
    ):
        return 0
    complaint_transition(
        complaint=complaint,
        target=Status.CLOSED,
        role=Role.SYSTEM,
        text=(
            "Ditutup otomatis: tidak ada tanggapan pelapor dalam "
            f"{settings.PORTAL_DEADLINES['auto_close']} hari kerja setelah selesai"
        ),
    )
    return 1
