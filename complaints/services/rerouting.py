"""Where a complaint goes: the routing decision at submission, and every later change of office.

Two ways to change the office: the coordinator, the Inspektorat or an admin reassigns
(``complaint_reassign``), or the office holding it says "bukan kewenangan kami"
(``complaint_reroute_request``) and the desk decides (``reroute_request_decide``). Either way
the reporter sees "Dialihkan ke …", the reason stays internal, and the correction is recorded
for the routing evaluation (``RoutingFeedback``).
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import rollups
from complaints.access import Action, acting_role, writer_office
from complaints.deadlines import WorkingCalendar
from complaints.exceptions import Conflict, InvalidInput
from complaints.models import Complaint, Event, RerouteRequest, Status, Visibility
from complaints.selectors import working_calendar
from complaints.services.deadlines import Cause, deadlines_update
from complaints.services.merging import duplicates_follow
from complaints.services.transitions import complaint_transition, event_append
from complaints.workflow import Role
from routing import engine
from routing.models import Opd, RoutingFeedback

MSG_REASSIGN_SAME = _("The complaint is already with %(opd)s.")
MSG_REASSIGN_INACTIVE = _("%(opd)s is not an active office.")
MSG_REASSIGN_CLOSED = _("A complaint that is “%(status)s” can no longer be reassigned.")
MSG_REASSIGN_WALLED = _("The head of %(opd)s is involved: it cannot handle this complaint.")
MSG_REASON_REQUIRED = _("Give a reason.")
MSG_REROUTE_PENDING = _("A reroute request for this complaint is already waiting for a decision.")
MSG_REROUTE_DECIDED = _("This reroute request has been decided already.")


def complaint_apply_decision(
    *, complaint: Complaint, decision: engine.Decision, calendar: WorkingCalendar
) -> None:
    """Record a routing decision and move a new complaint to ``assigned`` or ``triage``."""
    complaint.opd = Opd.objects.filter(code=decision.opd).first() if decision.opd else None
    complaint.routing_rule = decision.rule
    complaint.routing_confidence = decision.confidence
    complaint.routing_reason = decision.reason[:500]
    if decision.rule == engine.RULE_INVOLVES_HEAD:
        # The text named the head of an office as who did it, ticked box or not: the walls
        # that keep a head's office out of the complaint apply from here on.
        complaint.involves_head = True
    if complaint.involves_head:
        walled = decision.walled or (
            complaint.reported_opd.code if complaint.reported_opd else None
        )
        # The Inspektorat itself is never walled off: it is where such complaints go.
        if walled and walled != settings.PORTAL_INSPEKTORAT_CODE:
            complaint.walled_opd = Opd.objects.filter(code=walled).first()
    complaint.save(
        update_fields=[
            "opd",
            "routing_rule",
            "routing_confidence",
            "routing_reason",
            "walled_opd",
            "involves_head",
        ]
    )
    # A new complaint holds no oversight copy yet: add, without reading the (empty) current set.
    if decision.oversight:
        complaint.oversight.add(*Opd.objects.filter(code__in=decision.oversight))
    complaint_transition(
        complaint=complaint,
        target=decision.status,
        role=Role.SYSTEM,
        text=decision.reason,
        calendar=calendar,
    )


def complaint_reassign(
    *,
    user,
    complaint: Complaint,
    opd: Opd,
    reason: str,
    source: str = RoutingFeedback.Source.REASSIGN,
) -> Event:
    """Send a complaint to another OPD (from triage, or away from a wrong one).

    The status is kept, except that a complaint waiting in triage becomes ``assigned``.
    """
    role = acting_role(user, complaint, Action.REASSIGN)
    return _reassign(
        complaint=complaint, opd=opd, role=role, actor=user, reason=reason, source=source
    )


def _reassign(*, complaint: Complaint, opd: Opd, role: Role, actor, reason: str, source) -> Event:
    reason = _required_reason(reason)
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        _check_can_move(complaint, opd)
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
            complaint.save(
                update_fields=["opd", "routing_rule", "routing_confidence", "routing_reason"]
            )
            complaint.oversight.remove(opd)
            # The reason stays with the desk that gave it: the new office never reads it.
            event_append(
                complaint=complaint,
                kind=Event.Kind.NOTE,
                text=reason,
                visibility=Visibility.OFFICE,
                office=writer_office(actor),
                actor=actor,
            )
            if from_triage:
                event = complaint_transition(
                    complaint=complaint,
                    target=Status.ASSIGNED,
                    role=role,
                    actor=actor,
                    text=f"Diteruskan ke {opd.name}",
                )
            else:
                changed = deadlines_update(
                    complaint,
                    cause=Cause.NEW_OFFICE,
                    now=timezone.now(),
                    calendar=working_calendar(),
                )
                complaint.save(update_fields=changed)
                event = event_append(
                    complaint=complaint,
                    kind=Event.Kind.REASSIGNED,
                    text=f"Dialihkan ke {opd.name}",
                    actor=actor,
                    left_opd=old_opd.code if old_opd else None,
                )
        duplicates_follow(original=complaint)
        return event


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.on_field("reason", MSG_REASON_REQUIRED)
    return reason


def _check_can_move(complaint: Complaint, opd: Opd) -> None:
    """A complaint changes office only while in the office's hands, and to another, active one."""
    if not complaint.is_unresolved:
        raise Conflict(str(MSG_REASSIGN_CLOSED) % {"status": Status(complaint.status).label})
    if complaint.opd_id == opd.pk:
        raise InvalidInput.on_field("opd", str(MSG_REASSIGN_SAME) % {"opd": opd.name})
    if complaint.walled_opd_id == opd.pk:
        raise InvalidInput.on_field("opd", str(MSG_REASSIGN_WALLED) % {"opd": opd.name})
    if not opd.is_active:
        raise InvalidInput.on_field("opd", str(MSG_REASSIGN_INACTIVE) % {"opd": opd.name})


def complaint_reroute_request(
    *, user, complaint: Complaint, suggested_opd: Opd, reason: str
) -> RerouteRequest:
    """The handling OPD says "bukan kewenangan kami" and names the office it belongs to."""
    acting_role(user, complaint, Action.REROUTE_REQUEST)
    reason = _required_reason(reason)
    with transaction.atomic():
        complaint.refresh_from_db(from_queryset=Complaint.objects.select_for_update())
        # Resolved: waiting for the reporter; it could never be reassigned, so the request
        # would stay pending for good.
        if complaint.opd_id is None:
            raise Conflict(str(MSG_REASSIGN_CLOSED) % {"status": Status(complaint.status).label})
        _check_can_move(complaint, suggested_opd)
        if complaint.reroute_requests.filter(state=RerouteRequest.State.PENDING).exists():
            raise Conflict(str(MSG_REROUTE_PENDING))
        request = RerouteRequest.objects.create(
            complaint=complaint,
            from_opd=complaint.opd,
            suggested_opd=suggested_opd,
            reason=reason,
            requested_by=user,
        )
        event_append(
            complaint=complaint,
            kind=Event.Kind.NOTE,
            text=(
                f"Bukan kewenangan {complaint.opd.name}; "
                f"diusulkan ke {suggested_opd.name}: {reason}"
            ),
            visibility=Visibility.OFFICE,
            office=complaint.opd,
            actor=user,
        )
        return request


def reroute_request_decide(
    *, user, request: RerouteRequest, approve: bool, opd: Opd | None = None, note: str = ""
) -> RerouteRequest:
    """The coordinator or the Inspektorat approves (to the suggested office, or another) or
    declines a reroute request."""
    role = acting_role(user, request.complaint, Action.REROUTE_DECIDE)
    with transaction.atomic():
        request = RerouteRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RerouteRequest.State.PENDING:
            raise Conflict(str(MSG_REROUTE_DECIDED))
        request.state = RerouteRequest.State.APPROVED if approve else RerouteRequest.State.DECLINED
        request.decided_by = user
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_by", "decided_at"])
        if approve:
            _reassign(
                complaint=request.complaint,
                opd=opd or request.suggested_opd,
                role=role,
                actor=user,
                reason=note or request.reason,
                source=RoutingFeedback.Source.OPD_REQUEST,
            )
        else:
            event_append(
                complaint=request.complaint,
                kind=Event.Kind.NOTE,
                text=f"Permintaan pengalihan ditolak: {note}".rstrip(": "),
                visibility=Visibility.OFFICE,
                office=writer_office(user),
                actor=user,
            )
        return request
