"""Who sees what, and who may do what: the only place that decides (docs/product.md §3).

Every surface asks here, alike: the staff API and pages (lists, details, the actions offered and
taken), evidence files, the live channels (which groups an account joins, which groups an event
goes to) and the dashboards. A complaint outside an account's scope does not exist for it: the
interfaces answer 404, never a 403 that would confirm it.

Walls against the insider (the accused office is inside the system): every event has a
visibility (``Visibility``) and only its readers get it; an office whose head is involved sees
nothing of the complaint; reporter-side times reach staff outside oversight only to the hour,
and photo hashes reach oversight only.

Two questions, kept apart:
- *scope*: which complaints an account may see (``complaints_visible_to``);
- *roles*: in which workflow roles (``complaints.workflow.Role``) it may act on one complaint
  (``complaint_roles``), and so which actions it may take (``ACTION_ROLES``). Whether the
  complaint's state allows an action is the complaint's own predicate (``Complaint.is_*``).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.exceptions import Conflict, NotPermitted
from complaints.models import (
    Category,
    Complaint,
    Event,
    Evidence,
    RerouteRequest,
    StaffProfile,
    StaffRole,
    Status,
    Visibility,
    overdue_q,
)
from complaints.workflow import STAFF_ACTION_TARGETS, Role, transition_allowed
from routing.models import Opd

MSG_NOT_PERMITTED = _("You can see this complaint but not do this to it.")
MSG_FOLLOWING = _(
    "This complaint is handled together with its original: act on the original complaint."
)

# Live channel groups for staff (the reporter's group is ``complaint_group``).
STAFF_ALL = "staff.all"  # the coordinator, the mayor's office and admins: every complaint
STAFF_OVERSIGHT = "staff.oversight"  # the Inspektorat: pungli and overdue complaints
STAFF_DASHBOARD = "staff.dashboard"  # counters only


def opd_group(code: str) -> str:
    return f"staff.opd.{code}"


def complaint_group(complaint_id) -> str:
    """The reporter's channel of one complaint (joined with the receipt, never by staff)."""
    return f"complaint.{complaint_id.hex}"


# --- The account -------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    """What an account is, read once per user object."""

    active: bool
    admin: bool
    groups: frozenset[str]
    opd_id: int | None
    opd_code: str | None

    @property
    def sees_everything(self) -> bool:
        return self.admin or bool(self.groups & {StaffRole.WALIKOTA, StaffRole.KOORDINATOR})

    @property
    def inspektorat(self) -> bool:
        return StaffRole.INSPEKTORAT in self.groups

    @property
    def oversight(self) -> bool:
        """Reads oversight material: the Inspektorat, the mayor's office and admins."""
        return (
            self.admin
            or bool(self.groups & {StaffRole.INSPEKTORAT, StaffRole.WALIKOTA})
            or self.opd_code == settings.PORTAL_INSPEKTORAT_CODE
        )


_NOBODY = Account(active=False, admin=False, groups=frozenset(), opd_id=None, opd_code=None)


def account_of(user) -> Account:
    """The account behind ``user`` (cached on the object: one request, one read)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _NOBODY
    cached = getattr(user, "_portal_account", None)
    if cached is not None:
        return cached
    profile = StaffProfile.objects.filter(user=user).values_list("opd_id", "opd__code").first()
    account = Account(
        active=True,
        admin=user.is_superuser,
        groups=frozenset(user.groups.values_list("name", flat=True)),
        opd_id=profile[0] if profile else None,
        opd_code=profile[1] if profile else None,
    )
    user._portal_account = account
    return account


# --- Scope: which complaints an account sees ----------------------------------------------


def complaints_visible_to(user) -> QuerySet[Complaint]:
    """Every complaint a staff account may see; nothing for anyone else."""
    account = account_of(user)
    complaints = Complaint.objects.all()
    if not account.active:
        return complaints.none()
    if account.sees_everything:
        return _walled(complaints, account)
    scope = Q(pk__in=[])
    if account.inspektorat:
        scope |= Q(category=Category.PUNGLI) | overdue_q()
        scope |= Q(opd__code=settings.PORTAL_INSPEKTORAT_CODE)
    if account.opd_id is not None:
        scope |= Q(opd_id=account.opd_id) | Q(oversight__id=account.opd_id)
    return _walled(complaints.filter(pk__in=Complaint.objects.filter(scope).values("pk")), account)


def _walled(complaints: QuerySet[Complaint], account: Account) -> QuerySet[Complaint]:
    """An office whose head is involved sees nothing of the complaint, whatever its role."""
    if account.admin or account.opd_id is None:
        return complaints
    return complaints.exclude(walled_opd_id=account.opd_id)


def can_see(user, complaint: Complaint) -> bool:
    return complaints_visible_to(user).filter(pk=complaint.pk).exists()


def events_visible_to(user, complaint: Complaint) -> QuerySet[Event]:
    """The events of a complaint (in its scope) that the account may read: those for the
    reporter, its own office's notes and its own writing; oversight reads everything."""
    account = account_of(user)
    events = Event.objects.filter(complaint=complaint).select_related("actor", "office")
    if not account.oversight:
        readable = Q(visibility=Visibility.REPORTER) | Q(actor_id=user.pk)
        if account.opd_id is not None:
            readable |= Q(visibility=Visibility.OFFICE, office_id=account.opd_id)
        if StaffRole.KOORDINATOR in account.groups:
            readable |= Q(visibility=Visibility.OFFICE, office__isnull=True)
        events = events.filter(readable)
    return events.order_by("seq")


def events_for_reporter(complaint: Complaint, *, after: int = 0) -> QuerySet[Event]:
    """What the receipt holder reads: events for the reporter only."""
    return Event.objects.filter(
        complaint=complaint, visibility=Visibility.REPORTER, seq__gt=after
    ).order_by("seq")


def writer_office(user):
    """The office a staff member writes for (their notes are that office's): their OPD, the
    Inspektorat for its desk, or None for the complaint desk (its notes are the desk's)."""
    account = account_of(user)
    if account.opd_id:
        return Opd.objects.filter(pk=account.opd_id).first()
    if account.inspektorat:
        return Opd.objects.filter(code=settings.PORTAL_INSPEKTORAT_CODE).first()
    return None


def sees_exact_times(user) -> bool:
    """Oversight sees when the reporter acted to the second; every other office to the hour,
    which a network log cannot link to a person."""
    return account_of(user).oversight


def shown_time(user, at):
    """``at`` as ``user`` may see it (see ``sees_exact_times``), in the portal's time zone."""
    if at is None:
        return None
    return timezone.localtime(at if sees_exact_times(user) else hour_of(at))


def event_time(user, event):
    """When an event happened, as ``user`` may see it: what the reporter (or the system on
    their behalf) did only to the hour outside oversight; staff's own acts exactly."""
    if event.actor_id:
        return timezone.localtime(event.created_at)
    return shown_time(user, event.created_at)


def hour_of(at):
    return at.replace(minute=0, second=0, microsecond=0)


def sees_photo_hashes(user) -> bool:
    """The SHA-256 of an original photo would link a report to whoever holds the file."""
    return account_of(user).oversight


def evidence_visible_to(user) -> QuerySet[Evidence]:
    """Photos the account may open: those of complaints in its scope."""
    if not account_of(user).active:
        return Evidence.objects.none()
    return Evidence.objects.filter(
        complaint__in=complaints_visible_to(user),
        purged_at__isnull=True,  # purged: no file
    )


def can_view_dashboard(user) -> bool:
    """The mayor's office, the Inspektorat and admins see the city's statistics."""
    account = account_of(user)
    return account.active and (
        account.admin or bool(account.groups & {StaffRole.WALIKOTA, StaffRole.INSPEKTORAT})
    )


def can_read_audit(user) -> bool:
    """Who read or did what to a complaint (``complaints.audit``) is read by the Inspektorat
    (its desk and its office) and admins only, of any complaint: no other account, not even
    the complaint's own office, learns who in oversight read it. Anyone else gets a 404."""
    account = account_of(user)
    return account.active and (
        account.admin or account.inspektorat or account.opd_code == settings.PORTAL_INSPEKTORAT_CODE
    )


def complaints_exportable_by(user) -> QuerySet[Complaint]:
    """The complaints a dashboard viewer may export de-identified (``complaints.exports``):
    the whole city, less any complaint that walls off the viewer's own office; none for others."""
    if not can_view_dashboard(user):
        return Complaint.objects.none()
    return _walled(Complaint.objects.all(), account_of(user))


# --- Live channels -------------------------------------------------------------------------


def staff_channel_groups(user) -> list[str]:
    """The live groups an account joins: exactly the complaints of its scope, plus counters."""
    account = account_of(user)
    if not account.active:
        return []
    groups = []
    if account.sees_everything:
        groups.append(STAFF_ALL)
    if account.inspektorat:
        groups += [STAFF_OVERSIGHT, opd_group(settings.PORTAL_INSPEKTORAT_CODE)]
    if account.opd_code:
        groups.append(opd_group(account.opd_code))
    if can_view_dashboard(user):
        groups.append(STAFF_DASHBOARD)
    return list(dict.fromkeys(groups))


def complaint_staff_groups(complaint: Complaint) -> list[str]:
    """The staff groups whose members may see ``complaint`` (the scope above, per complaint)."""
    groups = [STAFF_ALL]
    codes = {opd.code for opd in complaint.oversight.all()}
    if complaint.opd_id:
        codes.add(complaint.opd.code)
    groups.extend(opd_group(code) for code in sorted(codes))
    if complaint.category == Category.PUNGLI or complaint.is_overdue:
        groups.append(STAFF_OVERSIGHT)
    return groups


def event_staff_groups(event: Event, complaint: Complaint) -> list[str]:
    """The staff groups told of ``event``: those who may read it (``events_visible_to``)."""
    groups = complaint_staff_groups(complaint)
    if event.visibility == Visibility.REPORTER:
        return groups
    oversight = [STAFF_OVERSIGHT, opd_group(settings.PORTAL_INSPEKTORAT_CODE)]
    if event.visibility == Visibility.OFFICE:
        # ``STAFF_ALL`` also holds the complaint desk, which reads only its own notes: it is
        # told of those; the mayor's office and admins read the others on their next look.
        office = [opd_group(event.office.code)] if event.office_id else [STAFF_ALL]
        return [group for group in groups if group in office + oversight]
    return [group for group in groups if group in oversight]


# --- Roles and actions on one complaint -----------------------------------------------------


def complaint_roles(user, complaint: Complaint) -> frozenset[Role]:
    """The workflow roles ``user`` holds on ``complaint`` (empty: may look, not act)."""
    account = account_of(user)
    if not account.active:
        return frozenset()
    if account.admin:
        return frozenset({Role.ADMIN})
    roles = set()
    if account.opd_id is not None and complaint.opd_id == account.opd_id:
        roles.add(Role.OPD)
    if account.inspektorat or account.opd_code == settings.PORTAL_INSPEKTORAT_CODE:
        roles.add(Role.OVERSIGHT)
    if StaffRole.KOORDINATOR in account.groups:
        roles.add(Role.COORDINATOR)
    return frozenset(roles)


class Action(StrEnum):
    """What staff do to a complaint besides a bare status change."""

    TRANSITION = "transition"  # a status change (the workflow table says which)
    MESSAGE = "message"  # a public reply the reporter reads
    NOTE = "note"  # a note for the writer's office (and oversight)
    OVERSIGHT_NOTE = "oversight_note"  # a note for oversight only
    REASSIGN = "reassign"
    REROUTE_REQUEST = "reroute_request"  # "bukan kewenangan kami"
    REROUTE_DECIDE = "reroute_decide"
    MERGE = "merge"
    PUBLIC_SUMMARY = "public_summary"  # write (and so approve) the text exports publish
    LEGAL_HOLD = "legal_hold"  # keep the complaint whole: no purge, no withdrawal


_ANY_ROLE = (Role.OPD, Role.COORDINATOR, Role.OVERSIGHT, Role.ADMIN)
_DESK = (Role.COORDINATOR, Role.OVERSIGHT, Role.ADMIN)

# The roles that may take each action, the most specific first: a user who holds several acts
# in the first one listed (an Inspektorat account that is also the handling office acts as it).
ACTION_ROLES: dict[Action, tuple[Role, ...]] = {
    Action.TRANSITION: _ANY_ROLE,
    Action.MESSAGE: _ANY_ROLE,
    Action.NOTE: _ANY_ROLE,
    Action.OVERSIGHT_NOTE: (Role.OVERSIGHT, Role.ADMIN),
    Action.REASSIGN: _DESK,
    Action.REROUTE_REQUEST: (Role.OPD, Role.ADMIN),
    Action.REROUTE_DECIDE: _DESK,
    Action.MERGE: (Role.COORDINATOR, Role.ADMIN),
    # Not the mayor's office: it reads everything and acts on nothing.
    Action.PUBLIC_SUMMARY: _ANY_ROLE,
    Action.LEGAL_HOLD: (Role.OVERSIGHT, Role.ADMIN),
}


# What staff may still do to a merged duplicate themselves (its public summary is its own: the
# duplicate is a row of the de-identified export like any other complaint).
_ON_DUPLICATES = (Action.NOTE, Action.OVERSIGHT_NOTE, Action.PUBLIC_SUMMARY, Action.LEGAL_HOLD)

# Writing at each visibility is its own action.
NOTE_ACTIONS = {
    Visibility.REPORTER: Action.MESSAGE,
    Visibility.OFFICE: Action.NOTE,
    Visibility.OVERSIGHT: Action.OVERSIGHT_NOTE,
}


def acting_role(user, complaint: Complaint, action: Action) -> Role:
    """The role in which ``user`` takes ``action`` on ``complaint``, or ``NotPermitted``
    (``Conflict`` for a merged duplicate: staff act on its original, it follows)."""
    roles = complaint_roles(user, complaint)
    if complaint.merged_into_id is not None and action not in _ON_DUPLICATES:
        if any(role in roles for role in ACTION_ROLES[action]):
            raise Conflict(str(MSG_FOLLOWING))
    for role in ACTION_ROLES[action]:
        if role in roles:
            return role
    raise NotPermitted(str(MSG_NOT_PERMITTED))


def transition_role(user, complaint: Complaint, target: str) -> Role | None:
    """The role in which ``user`` may move ``complaint`` to ``target`` now, if any."""
    if target in STAFF_ACTION_TARGETS:
        return None
    roles = complaint_roles(user, complaint)
    for role in ACTION_ROLES[Action.TRANSITION]:
        if role in roles and transition_allowed(current=complaint.status, target=target, role=role):
            return role
    return None


def allowed_targets(user, complaint: Complaint) -> list[str]:
    """The statuses ``user`` may move ``complaint`` to now, in workflow order."""
    return [
        target for target in Status.values if transition_role(user, complaint, target) is not None
    ]


@dataclass(frozen=True)
class ComplaintActions:
    """What a user may do to one complaint now: the pages offer exactly these."""

    targets: list[str]
    message: bool
    note: bool
    oversight_note: bool
    reassign: bool
    reroute_request: bool
    reroute_decide: bool
    merge: bool
    public_summary: bool
    legal_hold: bool  # set or lift the legal hold
    publish_summary: bool = False  # approve the Open311 feed's summary (may_publish_summary)


def complaint_actions(user, complaint: Complaint) -> ComplaintActions:
    roles = complaint_roles(user, complaint)

    following = complaint.merged_into_id is not None

    def may(action: Action) -> bool:
        if following and action not in _ON_DUPLICATES:
            return False
        return any(role in roles for role in ACTION_ROLES[action])

    return ComplaintActions(
        targets=[] if following else allowed_targets(user, complaint),
        message=may(Action.MESSAGE) and complaint.is_open,
        note=may(Action.NOTE),
        oversight_note=may(Action.OVERSIGHT_NOTE),
        reassign=may(Action.REASSIGN) and complaint.is_unresolved,
        reroute_request=may(Action.REROUTE_REQUEST)
        and complaint.is_unresolved
        and complaint.opd_id is not None,
        reroute_decide=may(Action.REROUTE_DECIDE),
        merge=may(Action.MERGE) and complaint.is_open,
        public_summary=may(Action.PUBLIC_SUMMARY),
        legal_hold=may(Action.LEGAL_HOLD),
        publish_summary=may_publish_summary(user, complaint),
    )


def complaints_in_public_feed() -> QuerySet[Complaint]:
    """What anyone may read through Open311: every complaint (each report counts in public), of
    which the feed (``api.open311.feed``) shows only de-identified fields and
    ``public_feed_summary``."""
    return Complaint.objects.all()


def public_feed_summary(complaint: Complaint) -> str:
    """The text the public reads of a complaint: the approved summary, none once withdrawn."""
    return complaint.published_summary if complaint.withdrawn_at is None else ""


def may_publish_summary(user, complaint: Complaint) -> bool:
    """Who approves the summary the Open311 feed publishes: the complaint desk, the Inspektorat
    or an admin; for pungli only the Inspektorat or an admin. Never an account of an office the
    complaint is about (handling it, named by the reporter, or walled off): the accused office
    cannot whitewash its own case in public. The caller has checked the scope."""
    roles = complaint_roles(user, complaint)
    if Role.ADMIN in roles:
        return True
    account = account_of(user)
    concerned = {complaint.opd_id, complaint.reported_opd_id, complaint.walled_opd_id} - {None}
    if Role.OPD in roles or account.opd_id in concerned:
        return False
    approvers = {Role.OVERSIGHT}
    if complaint.category != Category.PUNGLI:
        approvers.add(Role.COORDINATOR)
    return bool(roles & approvers)


def reroute_requests_to_decide(user) -> QuerySet[RerouteRequest]:
    """Pending "bukan kewenangan" requests the account may decide, for its inbox."""
    account = account_of(user)
    if not (account.admin or account.groups & {StaffRole.KOORDINATOR, StaffRole.INSPEKTORAT}):
        return RerouteRequest.objects.none()
    return RerouteRequest.objects.filter(
        state=RerouteRequest.State.PENDING, complaint__in=complaints_visible_to(user)
    ).select_related("complaint", "from_opd", "suggested_opd")


def reroute_requests_of(user, complaint: Complaint) -> QuerySet[RerouteRequest]:
    """A complaint's "bukan kewenangan" requests the account may read: the desk that decides
    reads them all, an office only its own (their reasons are its internal notes)."""
    requests = complaint.reroute_requests.select_related("from_opd", "suggested_opd")
    account = account_of(user)
    if account.oversight or any(
        role in complaint_roles(user, complaint) for role in ACTION_ROLES[Action.REROUTE_DECIDE]
    ):
        return requests
    if account.opd_id is None:
        return requests.none()
    return requests.filter(from_opd_id=account.opd_id)


def is_triage_desk(user) -> bool:
    """The coordinator (or an admin): sees the triage queue first."""
    account = account_of(user)
    return account.active and (account.admin or StaffRole.KOORDINATOR in account.groups)
