"""The access audit: who opened, listed or acted on which complaint, and when.

Staff are accountable, so every staff read and action, on every surface (the staff API, the
staff pages, the evidence files, the admin), leaves an ``AccessRecord`` naming the staff account
(one call in each view: ``access_record``). Nothing about the reporter is recorded (there is
nothing to record), and requests without a staff account (the public, the reporter with a
receipt) record nothing.

The records form one chain, like a complaint's events (docs/integrity.md "The access audit"):
each record's ``chain_hash`` covers the one before and the record's own fields
(``integrity.access_digest``), and the daily checkpoints commit to the chain's head. Appends
take turns on one locked row (``AuditHead``), so two requests never chain onto the same record;
records are never changed or deleted (the admin shows them read-only).

Only the Inspektorat and admins read the audit (``access.can_read_audit``), together with the
notices of unusual reading raised here (``AuditNotice``).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from complaints import integrity
from complaints.access import account_of, can_read_audit, complaint_roles
from complaints.exceptions import ComplaintNotFound
from complaints.models import AccessRecord, AuditHead, AuditNotice, Complaint
from complaints.selectors import MSG_NOT_FOUND

Action = AccessRecord.Action

# What "opening" a complaint is, for the notices: reading it, or one of its photos.
OPENING = (Action.VIEW, Action.EVIDENCE)
OUTSIDE_WORK_WINDOW = timedelta(hours=24)


def access_record(user, complaints, action: str, detail: str = "") -> list[AccessRecord]:
    """Append one record per complaint (in the order given) of ``user`` doing ``action``.

    One transaction for all of them (a list page is one append of its rows). Nothing is
    recorded for a request without an active staff account. Raises the notices of unusual
    reading (``notices_raise``) in the same transaction.
    """
    account = account_of(user)
    if not account.active:
        return []
    complaints = list({complaint.pk: complaint for complaint in complaints}.values())
    if not complaints:
        return []
    detail = detail[: AccessRecord._meta.get_field("detail").max_length]
    with transaction.atomic():
        head = _head_locked()
        at = timezone.now()  # taken in turn, so that the chain's times never go back
        previous = head.chain_hash or integrity.audit_start()
        records = []
        for complaint in complaints:
            digest = integrity.access_digest(
                at=integrity.at_text(at),
                action=str(action),
                detail=detail,
                complaint=complaint.reference,
                user=user.get_username(),
            )
            previous = integrity.chain_next(previous, digest)
            records.append(
                AccessRecord(
                    user=user,
                    complaint=complaint,
                    action=action,
                    detail=detail,
                    at=at,
                    chain_hash=previous,
                )
            )
        records = AccessRecord.objects.bulk_create(records)
        head.count += len(records)
        head.chain_hash = previous
        head.record = records[-1].pk or AccessRecord.objects.order_by("-pk").values("pk")[0]["pk"]
        head.save(update_fields=["count", "chain_hash", "record"])
        notices_raise(user, complaints, action, at=at)
    return records


def _head_locked() -> AuditHead:
    """The chain's head row, locked until the transaction ends (made on the first append)."""
    head = AuditHead.objects.select_for_update().order_by("pk").first()
    if head is not None:
        return head
    newest = AccessRecord.objects.order_by("-pk").first()  # only if the row was removed
    AuditHead.objects.get_or_create(
        pk=1,
        defaults={
            "count": AccessRecord.objects.count(),
            "record": newest.pk if newest else 0,
            "chain_hash": newest.chain_hash if newest else "",
        },
    )
    return AuditHead.objects.select_for_update().order_by("pk").first()


# --- Notices of unusual reading ---------------------------------------------------------------


def notices_raise(user, complaints: list[Complaint], action: str, *, at) -> list[AuditNotice]:
    """Raise the notices that ``user`` opening ``complaints`` calls for; the rules:

    - ``own_head``: a user opens (reads, opens a photo of, or acts on) a complaint whose
      ``walled_opd`` is the user's own office: the report is about the head of the office the
      user works in. The walls keep it out of that office's scope, so only an admin, or an
      account that was moved into that office, can still reach it. Once per user, complaint
      and day.
    - ``many_outside_work``: a user opens (reads, or opens a photo of) more than
      ``PORTAL_AUDIT_OUTSIDE_WORK_LIMIT`` distinct complaints within 24 hours on which they hold
      no workflow role (``access.complaint_roles`` empty, as the roles are now): e.g. the
      mayor's office reading everything, or an office reading many oversight copies. Lists do
      not count, acting needs a role. Once per user a day.

    "A day" is the calendar day in the portal's time zone (WIB). Called by ``access_record``
    with the chain's row locked, so two requests cannot both raise the same notice.
    """
    account = account_of(user)
    day = timezone.localdate(at)
    raised = []
    if action in (*OPENING, Action.ACT) and account.opd_id is not None:
        for complaint in complaints:
            if complaint.walled_opd_id == account.opd_id:
                kind = AuditNotice.Kind.OWN_HEAD
                if not _raised(user, kind, day, complaint=complaint):
                    raised.append(_notice(user, kind, day, complaint=complaint))
    kind = AuditNotice.Kind.MANY_OUTSIDE_WORK
    if (
        action in OPENING
        and any(not complaint_roles(user, complaint) for complaint in complaints)
        and not _raised(user, kind, day)
    ):
        opened = outside_work_count(user, since=at - OUTSIDE_WORK_WINDOW)
        if opened > outside_work_limit():
            raised.append(_notice(user, kind, day, detail=str(opened)))
    return raised


def outside_work_limit() -> int:
    return settings.PORTAL_AUDIT_OUTSIDE_WORK_LIMIT


def outside_work_count(user, *, since) -> int:
    """Distinct complaints ``user`` opened since ``since`` on which they hold no role now."""
    opened = AccessRecord.objects.filter(user=user, action__in=OPENING, at__gte=since)
    complaints = Complaint.objects.filter(pk__in=opened.values("complaint")).only("pk", "opd_id")
    return sum(1 for complaint in complaints if not complaint_roles(user, complaint))


def _raised(user, kind: str, day, *, complaint=None) -> bool:
    """Whether the notice was raised already that day (for that complaint)."""
    return AuditNotice.objects.filter(user=user, kind=kind, day=day, complaint=complaint).exists()


def _notice(user, kind: str, day, *, complaint=None, detail: str = "") -> AuditNotice:
    return AuditNotice.objects.create(
        user=user, kind=kind, day=day, complaint=complaint, detail=detail
    )


# --- Reading the audit (for ``access.can_read_audit`` only) -------------------------------------


def audit_complaint_get(*, user, reference: str) -> Complaint:
    """The complaint whose audit ``user`` reads: any complaint, whatever the reader's scope,
    for an audit reader; for anyone else ``NotFound``, as for anything out of scope."""
    complaint = None
    if can_read_audit(user):
        complaint = Complaint.objects.filter(reference=reference).first()
    if complaint is None:
        raise ComplaintNotFound(str(MSG_NOT_FOUND))
    return complaint


def records_of_complaint(complaint: Complaint) -> QuerySet[AccessRecord]:
    """Who read or acted on a complaint, newest first."""
    records = AccessRecord.objects.filter(complaint=complaint)
    return records.select_related("user", "complaint").order_by("-pk")


def records_of_user(username: str | None = None) -> QuerySet[AccessRecord]:
    """Everything one staff member (or, without ``username``, anyone) read or did, newest
    first."""
    records = AccessRecord.objects.select_related("user", "complaint")
    if username:
        records = records.filter(user__username=username)
    return records.order_by("-pk")


def records_search(query: str) -> tuple[Complaint | None, QuerySet[AccessRecord]]:
    """The audit page's search: a complaint by its reference, else a staff member by username
    (everyone's records for an empty query)."""
    complaint = Complaint.objects.filter(reference__iexact=query).first() if query else None
    if complaint is not None:
        return complaint, records_of_complaint(complaint)
    return None, records_of_user(query or None)


def notices_recent() -> QuerySet[AuditNotice]:
    return AuditNotice.objects.select_related("user", "complaint").order_by("-created_at", "-pk")
