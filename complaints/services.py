"""Writes to complaints. Every status change goes through ``complaint_transition``.

Each function is keyword-only, does its work in one transaction, appends events for what the
reporter and staff should see, and leaves publishing to ``complaints.events`` after commit.
"""

from collections.abc import Sequence
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import events, rollups
from complaints.checks import delay_check
from complaints.deadlines import WorkingCalendar, wib_date
from complaints.evidence import SanitizedPhoto, photo_sanitize
from complaints.exceptions import ApplicationError, TransitionNotAllowed
from complaints.models import (
    Category,
    Complaint,
    Event,
    Evidence,
    Rating,
    RatingElement,
    RerouteRequest,
    StaffProfile,
    Status,
)
from complaints.receipts import receipt_hash, receipt_new, reference_new
from complaints.selectors import (
    complaint_preview,
    fee_check_for,
    staff_complaint_roles,
    working_calendar,
)
from complaints.workflow import STAFF_ACTION_TARGETS, Role, transition_allowed
from routing import engine
from routing.models import Kelurahan, Opd, RoutingFeedback, Service

MSG_TOO_MANY_PHOTOS = _("At most %(max)s photos can be attached.")
MSG_TRANSITION = _("A complaint that is “%(current)s” cannot be moved to “%(target)s” by you.")


def photos_sanitize(*, files: Sequence) -> list[SanitizedPhoto]:
    """Read and clean uploaded photos (CPU work, done before any transaction opens)."""
    if len(files) > settings.PORTAL_MAX_PHOTOS:
        message = str(MSG_TOO_MANY_PHOTOS) % {"max": settings.PORTAL_MAX_PHOTOS}
        raise ApplicationError(message, errors={"photos": [message]})
    return [
        photo_sanitize(
            _read_upload(upload),
            max_bytes=settings.PORTAL_MAX_PHOTO_BYTES,
            max_pixels=settings.PORTAL_MAX_IMAGE_PIXELS,
            long_edge=settings.PORTAL_PHOTO_LONG_EDGE,
            thumb_edge=settings.PORTAL_THUMB_LONG_EDGE,
        )
        for upload in files
    ]


def _read_upload(upload) -> bytes:
    # Read one byte past the cap: enough to know a file is too large without reading it all.
    upload.seek(0)
    return upload.read(settings.PORTAL_MAX_PHOTO_BYTES + 1)


def complaint_submit(
    *,
    category: str,
    description: str,
    service: Service | None = None,
    reported_opd: Opd | None = None,
    kelurahan: Kelurahan | None = None,
    incident_date: date | None = None,
    amount_asked: int | None = None,
    amount_paid: int | None = None,
    karcis_given: bool | None = None,
    applied_date: date | None = None,
    involves_head: bool = False,
    photos: Sequence = (),
) -> tuple[Complaint, str]:
    """File an anonymous complaint; returns it with its receipt (the only time it exists)."""
    sanitized = photos_sanitize(files=photos)
    preview = complaint_preview(
        category=category,
        description=description,
        service=service,
        reported_opd=reported_opd,
        kelurahan=kelurahan,
        involves_head=involves_head,
        amount_asked=amount_asked,
        amount_paid=amount_paid,
    )
    decision = preview.decision
    if amount_asked is None and amount_paid is None and preview.amounts:
        amount_asked = preview.fee_check.amount  # the amount the description mentions
    calendar = working_calendar()
    complaint = Complaint(
        category=category,
        description=description,
        service=service,
        reported_opd=reported_opd,
        kelurahan=kelurahan,
        kecamatan=kelurahan.kecamatan if kelurahan else None,
        incident_date=incident_date,
        amount_asked=amount_asked,
        amount_paid=amount_paid,
        karcis_given=karcis_given,
        applied_date=applied_date,
        involves_head=involves_head,
    )
    _apply_checks(complaint, calendar=calendar, today=timezone.localdate())
    receipt = receipt_new()
    stored: list[Evidence] = []
    try:
        with transaction.atomic(), rollups.tracking(complaint):
            _insert_with_fresh_identifiers(complaint, receipt=receipt)
            event_append(complaint=complaint, kind=Event.Kind.STATUS)
            for photo in sanitized:
                stored.append(evidence_store(complaint=complaint, photo=photo))
            complaint_apply_decision(complaint=complaint, decision=decision, calendar=calendar)
    except BaseException:
        _delete_files(stored)
        raise
    return complaint, receipt


def _insert_with_fresh_identifiers(complaint: Complaint, *, receipt: str) -> None:
    """Insert with a random reference, drawing again on the rare collision."""
    complaint.receipt_hash = receipt_hash(receipt)
    for _attempt in range(5):
        complaint.reference = reference_new()
        try:
            with transaction.atomic():
                complaint.save(force_insert=True)
            return
        except IntegrityError:
            if Complaint.objects.filter(receipt_hash=complaint.receipt_hash).exists():
                raise
    raise IntegrityError("No free complaint reference after 5 draws.")


def _apply_checks(complaint: Complaint, *, calendar: WorkingCalendar, today: date) -> None:
    service = complaint.service
    fee = fee_check_for(
        service=service,
        amount_asked=complaint.amount_asked,
        amount_paid=complaint.amount_paid,
        karcis_given=complaint.karcis_given,
    )
    complaint.official_fee = fee.official_fee
    complaint.fee_excess = fee.excess
    complaint.fee_karcis_missing = fee.karcis_missing
    complaint.fee_flagged = fee.flagged
    delay = delay_check(
        applied_date=complaint.applied_date,
        on_date=today,
        time_limit=service.time_limit if service else None,
        time_unit=service.time_unit if service else "",
        calendar=calendar,
    )
    complaint.delay_working_days = delay.working_days
    complaint.delay_time_limit = delay.time_limit
    complaint.delay_time_unit = delay.time_unit
    complaint.delay_late_by = delay.late_by
    complaint.delay_flagged = delay.flagged


def evidence_store(*, complaint: Complaint, photo: SanitizedPhoto) -> Evidence:
    evidence = Evidence(
        complaint=complaint, sha256=photo.sha256, width=photo.width, height=photo.height
    )
    evidence.image.save("photo.jpg", ContentFile(photo.image), save=False)
    try:
        evidence.thumbnail.save("thumb.jpg", ContentFile(photo.thumbnail), save=False)
        evidence.save()
    except BaseException:
        _delete_files([evidence])
        raise
    return evidence


def _delete_files(evidence: Sequence[Evidence]) -> None:
    for item in evidence:
        for field in (item.image, item.thumbnail):
            if field.name:
                field.storage.delete(field.name)


def complaint_apply_decision(
    *, complaint: Complaint, decision: engine.Decision, calendar: WorkingCalendar
) -> None:
    """Record a routing decision and move a new complaint to ``assigned`` or ``triage``."""
    complaint.opd = Opd.objects.filter(code=decision.opd).first() if decision.opd else None
    complaint.routing_rule = decision.rule
    complaint.routing_confidence = decision.confidence
    complaint.routing_reason = decision.reason[:500]
    complaint.save(update_fields=["opd", "routing_rule", "routing_confidence", "routing_reason"])
    complaint.oversight.set(Opd.objects.filter(code__in=decision.oversight))
    complaint_transition(
        complaint=complaint,
        target=decision.status,
        role=Role.SYSTEM,
        text=decision.reason,
        calendar=calendar,
    )


def complaint_transition(
    *,
    complaint: Complaint,
    target: str,
    role: Role,
    actor=None,
    text: str = "",
    calendar: WorkingCalendar | None = None,
) -> Event:
    """Move a complaint to ``target`` if the workflow lets ``role`` do it; append the event."""
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if not transition_allowed(current=complaint.status, target=target, role=role):
            raise TransitionNotAllowed(
                str(MSG_TRANSITION)
                % {"current": Status(complaint.status).label, "target": Status(target).label}
            )
        with rollups.tracking(complaint):
            complaint.status = target
            _stamp_clocks(
                complaint, now=timezone.now(), role=role, calendar=calendar or working_calendar()
            )
            complaint.save()
        return event_append(complaint=complaint, kind=Event.Kind.STATUS, text=text, actor=actor)


def _stamp_clocks(
    complaint: Complaint, *, now: datetime, role: Role, calendar: WorkingCalendar
) -> None:
    """Start, stop and move the deadlines that the new status brings (PRODUCT.md §3)."""
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
        resolve_days = days["resolve_pungli" if complaint.category == Category.PUNGLI else "resolve"]
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


def _mark_first_response(complaint: Complaint, *, now: datetime, calendar: WorkingCalendar) -> None:
    complaint.first_response_at = now
    started = complaint.assigned_at or complaint.created_at
    complaint.first_response_days = calendar.working_days_between(wib_date(started), wib_date(now))


def event_append(
    *,
    complaint: Complaint,
    kind: str,
    text: str = "",
    public: bool = True,
    actor=None,
    left_opd: str | None = None,
) -> Event:
    """Append the next event of a complaint (the caller holds its transaction)."""
    Complaint.objects.filter(pk=complaint.pk).update(last_seq=F("last_seq") + 1)
    complaint.refresh_from_db(fields=["last_seq"])
    event = Event.objects.create(
        complaint=complaint,
        seq=complaint.last_seq,
        kind=kind,
        status=complaint.status,
        text=text,
        public=public,
        actor=actor,
    )
    events.publish_on_commit(event, left_opd=left_opd)
    return event


def staff_account_ensure(
    *, username: str, password: str, role: str | None = None, opd: Opd | None = None,
    superuser: bool = False,
):
    """Create a staff account (or bring it back to this role, OPD and password)."""
    user, _created = get_user_model().objects.get_or_create(username=username)
    user.is_staff = superuser
    user.is_superuser = superuser
    user.is_active = True
    if not user.check_password(password):
        user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role)[0]] if role else [])
    StaffProfile.objects.update_or_create(user=user, defaults={"opd": opd})
    return user


MSG_REASSIGN_ROLE = _("Only the complaint coordinator, the Inspektorat or an admin can reassign.")
MSG_REASSIGN_SAME = _("The complaint is already with %(opd)s.")
MSG_REASSIGN_INACTIVE = _("%(opd)s is not an active office.")
MSG_REASSIGN_CLOSED = _("A complaint that is “%(status)s” can no longer be reassigned.")
MSG_REASON_REQUIRED = _("Give a reason.")
MSG_REROUTE_ROLE = _("Only the office handling the complaint can say it is not its responsibility.")
MSG_REROUTE_PENDING = _("A reroute request for this complaint is already waiting for a decision.")
MSG_REROUTE_DECIDED = _("This reroute request has been decided already.")


def complaint_reassign(
    *,
    complaint: Complaint,
    opd: Opd,
    role: Role,
    actor,
    reason: str,
    source: str = RoutingFeedback.Source.REASSIGN,
) -> Event:
    """Send a complaint to another OPD (from triage, or away from a wrong one).

    The status is kept, except that a complaint waiting in triage becomes ``assigned``. The
    reporter sees "dialihkan ke …"; the reason stays internal; the correction is recorded for
    the routing evaluation.
    """
    if role not in (Role.COORDINATOR, Role.OVERSIGHT, Role.ADMIN):
        raise ApplicationError(str(MSG_REASSIGN_ROLE), status=403)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(str(MSG_REASON_REQUIRED), errors={"reason": [str(MSG_REASON_REQUIRED)]})
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if not complaint.is_open or complaint.status == Status.RESOLVED:
            raise TransitionNotAllowed(
                str(MSG_REASSIGN_CLOSED) % {"status": Status(complaint.status).label}
            )
        if not opd.is_active:
            message = str(MSG_REASSIGN_INACTIVE) % {"opd": opd.name}
            raise ApplicationError(message, errors={"opd": [message]})
        if complaint.opd_id == opd.pk:
            message = str(MSG_REASSIGN_SAME) % {"opd": opd.name}
            raise ApplicationError(message, errors={"opd": [message]})
        with rollups.tracking(complaint):
            old_opd = complaint.opd
            from_triage = complaint.status == Status.TRIAGE
            RoutingFeedback.objects.create(
                category=complaint.category,
                description=complaint.description,
                kelurahan_code=complaint.kelurahan.code if complaint.kelurahan_id else "",
                involves_head=complaint.involves_head,
                old_opd=old_opd,
                new_opd=opd,
                source=RoutingFeedback.Source.TRIAGE if from_triage else source,
            )
            complaint.opd = opd
            complaint.routing_rule = "manual"
            complaint.routing_confidence = 1.0
            complaint.routing_reason = f"Diteruskan oleh petugas → {opd.name}"
            complaint.save(update_fields=["opd", "routing_rule", "routing_confidence", "routing_reason"])
            complaint.oversight.remove(opd)
            event_append(complaint=complaint, kind=Event.Kind.NOTE, text=reason, public=False, actor=actor)
            if from_triage:
                return complaint_transition(
                    complaint=complaint, target=Status.ASSIGNED, role=role, actor=actor,
                    text=f"Diteruskan ke {opd.name}",
                )
            # A new office gets its own first-response clock; the resolution deadline stays.
            calendar = working_calendar()
            complaint.first_response_at = None
            complaint.first_response_days = None
            complaint.first_response_due_at = calendar.add_working_days(
                timezone.now(), settings.PORTAL_DEADLINES["first_response"]
            )
            if complaint.status == Status.ASSIGNED:
                complaint.due_at = complaint.first_response_due_at
            complaint.save(
                update_fields=[
                    "first_response_at", "first_response_days", "first_response_due_at", "due_at"
                ]
            )
            return event_append(
                complaint=complaint,
                kind=Event.Kind.REASSIGNED,
                text=f"Dialihkan ke {opd.name}",
                actor=actor,
                left_opd=old_opd.code if old_opd else None,
            )


def complaint_reroute_request(
    *, complaint: Complaint, role: Role, actor, suggested_opd: Opd, reason: str
) -> RerouteRequest:
    """The handling OPD says "bukan kewenangan kami" and names the office it belongs to."""
    if role not in (Role.OPD, Role.ADMIN):
        raise ApplicationError(str(MSG_REROUTE_ROLE), status=403)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(str(MSG_REASON_REQUIRED), errors={"reason": [str(MSG_REASON_REQUIRED)]})
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        # Resolved: waiting for the reporter; it could never be reassigned, so the request
        # would stay pending for good (complaint_reassign refuses the same statuses).
        if not complaint.is_open or complaint.status == Status.RESOLVED or complaint.opd_id is None:
            raise TransitionNotAllowed(
                str(MSG_REASSIGN_CLOSED) % {"status": Status(complaint.status).label}
            )
        if complaint.opd_id == suggested_opd.pk or not suggested_opd.is_active:
            message = str(MSG_REASSIGN_SAME if complaint.opd_id == suggested_opd.pk else MSG_REASSIGN_INACTIVE) % {"opd": suggested_opd.name}
            raise ApplicationError(message, errors={"opd": [message]})
        if complaint.reroute_requests.filter(state=RerouteRequest.State.PENDING).exists():
            raise TransitionNotAllowed(str(MSG_REROUTE_PENDING))
        request = RerouteRequest.objects.create(
            complaint=complaint,
            from_opd=complaint.opd,
            suggested_opd=suggested_opd,
            reason=reason,
            requested_by=actor,
        )
        event_append(
            complaint=complaint,
            kind=Event.Kind.NOTE,
            text=f"Bukan kewenangan {complaint.opd.name}; diusulkan ke {suggested_opd.name}: {reason}",
            public=False,
            actor=actor,
        )
        return request


def reroute_request_decide(
    *, request: RerouteRequest, role: Role, actor, approve: bool, opd: Opd | None = None, note: str = ""
) -> RerouteRequest:
    """The coordinator or the Inspektorat approves (to the suggested office, or another) or declines."""
    if role not in (Role.COORDINATOR, Role.OVERSIGHT, Role.ADMIN):
        raise ApplicationError(str(MSG_REASSIGN_ROLE), status=403)
    with transaction.atomic():
        request = RerouteRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RerouteRequest.State.PENDING:
            raise TransitionNotAllowed(str(MSG_REROUTE_DECIDED))
        request.state = RerouteRequest.State.APPROVED if approve else RerouteRequest.State.DECLINED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_by", "decided_at"])
        if approve:
            complaint_reassign(
                complaint=request.complaint,
                opd=opd or request.suggested_opd,
                role=role,
                actor=actor,
                reason=note or request.reason,
                source=RoutingFeedback.Source.OPD_REQUEST,
            )
        else:
            event_append(
                complaint=request.complaint,
                kind=Event.Kind.NOTE,
                text=f"Permintaan pengalihan ditolak: {note}".rstrip(": "),
                public=False,
                actor=actor,
            )
        return request


# --- Staff acting on a complaint -----------------------------------------------------------

MSG_NO_ROLE = _("You can see this complaint but not act on it.")
MSG_MESSAGE_REQUIRED = _("Write the message the reporter will read.")
MSG_TRANSITION_BY_ACTION = _(
    "“%(target)s” is not set by a status change: route the complaint to an office to assign it, "
    "or merge a duplicate into its original to close it."
)
MSG_CLOSED_FOR_MESSAGES = _("The complaint is closed; no more messages can be added.")
# Statuses whose move must say something to the reporter: the question, the action, the reason.
_NEEDS_MESSAGE = {Status.NEEDS_INFO, Status.RESOLVED, Status.REJECTED, Status.REFERRED}
# When a user holds several roles, act in the most specific one first.
_ROLE_ORDER = (Role.OPD, Role.COORDINATOR, Role.OVERSIGHT, Role.ADMIN)


def complaint_staff_transition(*, user, complaint: Complaint, target: str, message: str = "") -> Event:
    """A staff member moves a complaint: the workflow decides whether any of their roles may."""
    message = (message or "").strip()
    if target in _NEEDS_MESSAGE and not message:
        raise ApplicationError(str(MSG_MESSAGE_REQUIRED), errors={"message": [str(MSG_MESSAGE_REQUIRED)]})
    roles = staff_complaint_roles(user, complaint)
    if not roles:
        raise ApplicationError(str(MSG_NO_ROLE), status=403)
    if target in STAFF_ACTION_TARGETS:
        raise TransitionNotAllowed(str(MSG_TRANSITION_BY_ACTION) % {"target": Status(target).label})
    for role in _ROLE_ORDER:
        if role in roles and transition_allowed(current=complaint.status, target=target, role=role):
            return complaint_transition(
                complaint=complaint, target=target, role=role, actor=user, text=message
            )
    raise TransitionNotAllowed(
        str(MSG_TRANSITION)
        % {"current": Status(complaint.status).label, "target": Status(target).label}
    )


def complaint_staff_message(*, user, complaint: Complaint, body: str, internal: bool) -> Event:
    """A public reply the reporter reads, or an internal note only staff see."""
    if not staff_complaint_roles(user, complaint):
        raise ApplicationError(str(MSG_NO_ROLE), status=403)
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if not internal and not complaint.is_open:
            raise TransitionNotAllowed(str(MSG_CLOSED_FOR_MESSAGES))
        if not internal and complaint.first_response_at is None:
            with rollups.tracking(complaint):
                _mark_first_response(complaint, now=timezone.now(), calendar=working_calendar())
                if complaint.status == Status.ASSIGNED:
                    complaint.due_at = complaint.resolve_due_at
                complaint.save(update_fields=["first_response_at", "first_response_days", "due_at"])
        return event_append(
            complaint=complaint,
            kind=Event.Kind.NOTE if internal else Event.Kind.MESSAGE,
            text=body,
            public=not internal,
            actor=user,
        )


def staff_reassign(*, user, complaint: Complaint, opd: Opd, reason: str) -> Event:
    """Reassign in the user's strongest desk role (coordinator, Inspektorat, admin)."""
    roles = staff_complaint_roles(user, complaint)
    for role in (Role.COORDINATOR, Role.OVERSIGHT, Role.ADMIN):
        if role in roles:
            return complaint_reassign(complaint=complaint, opd=opd, role=role, actor=user, reason=reason)
    raise ApplicationError(str(MSG_REASSIGN_ROLE), status=403)


# --- The reporter's side of the conversation -----------------------------------------------

MSG_REPORTER_CLOSED = _("This complaint is closed; it can no longer receive messages or photos.")
MSG_NOT_RESOLVED = _("The complaint has not been resolved yet, so there is nothing to accept or dispute.")
MSG_ALREADY_RATED = _("This complaint has been rated already.")
MSG_RATING = _("Each rating is a whole number from 1 to 4.")
MSG_REQUIRED_PHOTO = _("Choose at least one photo.")
MAX_PHOTOS_PER_COMPLAINT = 15


def complaint_reporter_message(*, complaint: Complaint, body: str) -> Event:
    """The reporter writes; an answer to a question moves the case back to ``in_progress``."""
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if not complaint.is_open or complaint.status == Status.RESOLVED:
            raise TransitionNotAllowed(str(MSG_REPORTER_CLOSED))
        event = event_append(complaint=complaint, kind=Event.Kind.REPORTER_MESSAGE, text=body)
        if complaint.status == Status.NEEDS_INFO:
            event = complaint_transition(
                complaint=complaint, target=Status.IN_PROGRESS, role=Role.REPORTER
            )
        return event


def complaint_reporter_photos(*, complaint: Complaint, photos: Sequence) -> Event:
    """More photo evidence from the reporter, sanitized like the first ones."""
    if not complaint.is_open or complaint.status == Status.RESOLVED:
        raise TransitionNotAllowed(str(MSG_REPORTER_CLOSED))
    if complaint.evidence.count() + len(photos) > MAX_PHOTOS_PER_COMPLAINT:
        message = str(MSG_TOO_MANY_PHOTOS) % {"max": MAX_PHOTOS_PER_COMPLAINT}
        raise ApplicationError(message, errors={"photos": [message]})
    sanitized = photos_sanitize(files=photos)
    if not sanitized:
        raise ApplicationError(str(MSG_REQUIRED_PHOTO), errors={"photos": [str(MSG_REQUIRED_PHOTO)]})
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
            if not complaint.is_open or complaint.status == Status.RESOLVED:
                raise TransitionNotAllowed(str(MSG_REPORTER_CLOSED))
            for photo in sanitized:
                stored.append(evidence_store(complaint=complaint, photo=photo))
            return event_append(
                complaint=complaint, kind=Event.Kind.PHOTOS, text=str(len(stored))
            )
    except BaseException:
        _delete_files(stored)
        raise



def complaint_reporter_decision(
    *, complaint: Complaint, accept: bool, ratings: dict[str, int] | None = None
) -> Event:
    """Accept (closes) or dispute (reopens) a resolved complaint, and rate it once."""
    ratings = ratings or {}
    for element, value in ratings.items():
        if element not in RatingElement.values or not isinstance(value, int) or not 1 <= value <= 4:
            raise ApplicationError(str(MSG_RATING), errors={"ratings": [str(MSG_RATING)]})
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        if complaint.status != Status.RESOLVED:
            raise TransitionNotAllowed(str(MSG_NOT_RESOLVED))
        if ratings:
            if complaint.ratings.exists():
                raise TransitionNotAllowed(str(MSG_ALREADY_RATED))
            rollups.ratings_add(
                Rating.objects.bulk_create(
                    Rating(
                        complaint=complaint,
                        opd=complaint.opd,
                        service=complaint.service,
                        element=element,
                        value=value,
                    )
                    for element, value in ratings.items()
                )
            )
            event_append(complaint=complaint, kind=Event.Kind.RATED, text="")
        return complaint_transition(
            complaint=complaint,
            target=Status.CLOSED if accept else Status.IN_PROGRESS,
            role=Role.REPORTER,
            text="" if accept else "Pelapor belum puas dengan penyelesaian; pengaduan dibuka kembali",
        )


MSG_MERGE_SELF = _("A complaint cannot be merged into itself.")
MSG_MERGE_TARGET = _("The original complaint must be open and not itself a duplicate.")


def complaint_merge(*, user, duplicate: Complaint, original: Complaint, reason: str = "") -> Event:
    """The coordinator merges a duplicate into the original complaint.

    The duplicate is closed and points to the original; its receipt opens the original from
    then on, so its reporter follows the case that is actually worked on.
    """
    if duplicate.pk == original.pk:
        raise ApplicationError(str(MSG_MERGE_SELF), errors={"original": [str(MSG_MERGE_SELF)]})
    if not original.is_open or original.merged_into_id is not None:
        raise ApplicationError(str(MSG_MERGE_TARGET), errors={"original": [str(MSG_MERGE_TARGET)]})
    roles = staff_complaint_roles(user, duplicate)
    role = next((r for r in (Role.COORDINATOR, Role.ADMIN) if r in roles), None)
    if role is None:
        raise ApplicationError(str(MSG_NO_ROLE), status=403)
    with transaction.atomic():
        event = complaint_transition(
            complaint=duplicate,
            target=Status.CLOSED,
            role=role,
            actor=user,
            text=f"Digabungkan dengan laporan {original.reference} tentang hal yang sama",
        )
        duplicate.merged_into = original
        duplicate.save(update_fields=["merged_into"])
        if reason:
            event_append(complaint=duplicate, kind=Event.Kind.NOTE, text=reason, public=False, actor=user)
        event_append(
            complaint=original,
            kind=Event.Kind.MERGED,
            text="Laporan lain tentang hal yang sama digabungkan ke laporan ini",
            actor=user,
        )
        return event
