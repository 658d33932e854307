"""Shared test factories: complaints, staff accounts, clients, and the workflow walked for real.

Plain functions with keyword arguments, no fixtures and no magic, so that any test (sync, async
through ``database_sync_to_async``, transactional or not) can call them. Everything is built
through the product's own code, never by writing rows directly:

- ``complaint_new(category=..., description=..., service=..., status=..., **fields)``: files a
  complaint through ``complaints.services.complaint_submit`` (so routing, checks, deadlines and
  the first events are the real ones) and returns ``(complaint, receipt)``; with ``status`` it
  is then walked there by ``complaint_moved_to``. The shortcuts name the stories the suite
  repeats: ``complaint_parkir`` (pungli, Dinas Perhubungan with an Inspektorat oversight copy),
  ``complaint_kk`` (a Kartu Keluarga delay, Dukcapil only) and ``complaint_vague`` (no rule
  routes it: it waits in ``triage``).
- ``staff_user(role, opd=None, username=None)``: a staff account through
  ``staff_account_ensure``: ``"admin"``, a ``StaffRole`` (``"koordinator"``, ``"inspektorat"``,
  ``"walikota"``, ``"opd"`` with its OPD) or a workflow ``Role``; ``user_in_role(role,
  complaint)``: the account that acts in that workflow role on that complaint.
- ``complaint_moved_to(complaint, status)``: moves a complaint along the workflow, one real
  transition at a time, each made by the role the product gives it (the office works and
  resolves, the coordinator routes out of triage and rejects, the reporter accepts or
  disputes, the Inspektorat reopens and refers). Closing means the reporter accepted; a merge
  of a duplicate is ``complaints.services.complaint_merge``, called by the test itself.
- ``complaint_overdue(complaint)``: its deadlines moved into the past, as if time had run out.
- ``api_client_for(user)``: a DRF client with a real token (anonymous when ``user`` is None);
  ``page_client_for(user)``: a Django client logged in for the staff pages.

Every function needs the directory in the test database (the ``directory`` fixture of
``tests/conftest.py``). Staff accounts are created or brought back to the given role and OPD
with ``PASSWORD``; the default usernames are derived from the role and OPD, so asking twice for
the same account returns the same user.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from complaints.models import Complaint, StaffRole, Status
from complaints.services import (
    complaint_reassign,
    complaint_reporter_decision,
    complaint_staff_transition,
    complaint_submit,
    staff_account_ensure,
)
from complaints.workflow import Role
from routing.models import Opd, Service

PASSWORD = "uji-pabrik-kata-sandi-4410"

# The stories the suite files again and again (tests/api/client.py has the API's PARKIR_STORY).
PARKIR = "Jukir di depan pasar minta Rp10.000 untuk parkir motor, tidak ada karcis."
KK = "KK sudah sebulan belum jadi, katanya berkas menumpuk di meja."
VAGUE = "Pelayanan jelek sekali, petugas acuh."

# What staff write when a move must say something to the reporter (complaint_staff_transition).
MOVE_MESSAGES = {
    Status.NEEDS_INFO: "Mohon jelaskan jam kejadian dan ciri-ciri petugasnya.",
    Status.RESOLVED: "Petugas sudah ditegur dan karcis resmi kini diberikan.",
    Status.REJECTED: "Laporan ini bukan pengaduan layanan publik.",
    Status.REFERRED: "Dilimpahkan ke Saber Pungli untuk pemeriksaan.",
}
REASSIGN_REASON = "Diteruskan oleh koordinator dari antrean verifikasi."
# Where a complaint waiting in triage is sent when the caller names no office.
DEFAULT_TRIAGE_OPD = "DISHUB"

# The workflow role -> the account kind (StaffRole) that holds it; ADMIN is a superuser.
_ROLE_ACCOUNTS = {
    Role.OPD: StaffRole.OPD_STAFF,
    Role.COORDINATOR: StaffRole.KOORDINATOR,
    Role.OVERSIGHT: StaffRole.INSPEKTORAT,
}
ADMIN = "admin"


# --- The directory ---------------------------------------------------------------------------


def opd_get(opd: Opd | str | None) -> Opd | None:
    """An OPD, given as itself or by code."""
    if opd is None or isinstance(opd, Opd):
        return opd
    return Opd.objects.get(code=opd)


def service_get(service: Service | str | None) -> Service | None:
    """A service, given as itself or by code."""
    if service is None or isinstance(service, Service):
        return service
    return Service.objects.get(code=service)


# --- Complaints ------------------------------------------------------------------------------


def complaint_new(
    *,
    category: str = "pungli",
    description: str = PARKIR,
    service: Service | str | None = "PARKIR-MOTOR",
    status: str | None = None,
    **fields,
) -> tuple[Complaint, str]:
    """File a complaint through ``complaint_submit``; walk it to ``status`` if one is given.

    ``fields`` are the other arguments of ``complaint_submit`` (``kelurahan``, ``amount_paid``,
    ``karcis_given``, ``involves_head``, ``reported_opd`` (an Opd or a code), ``photos``, ...).
    The defaults are the parking story: pungli, routed to Dinas Perhubungan (``assigned``).
    """
    if "reported_opd" in fields:
        fields["reported_opd"] = opd_get(fields["reported_opd"])
    complaint, receipt = complaint_submit(
        category=category, description=description, service=service_get(service), **fields
    )
    if status is not None:
        complaint_moved_to(complaint, status)
    return complaint, receipt


def complaint_parkir(**options) -> tuple[Complaint, str]:
    """Pungli at a parking spot: Dinas Perhubungan, oversight copy to the Inspektorat."""
    return complaint_new(
        **{"category": "pungli", "description": PARKIR, "service": "PARKIR-MOTOR", **options}
    )


def complaint_kk(**options) -> tuple[Complaint, str]:
    """A late Kartu Keluarga: Dukcapil only (no pungli, no oversight copy), not overdue."""
    return complaint_new(**{"category": "delay", "description": KK, "service": "KK", **options})


def complaint_vague(**options) -> tuple[Complaint, str]:
    """A complaint no rule can route: it waits in ``triage`` for the coordinator, no OPD."""
    return complaint_new(**{"category": "other", "description": VAGUE, "service": None, **options})


def complaint_overdue(complaint: Complaint, *, days: int = 2) -> Complaint:
    """Its handling and first-response deadlines ``days`` in the past (as the clocks see it)."""
    past = timezone.now() - timedelta(days=days)
    Complaint.objects.filter(pk=complaint.pk).update(due_at=past, first_response_due_at=past)
    complaint.refresh_from_db()
    return complaint


# --- Staff accounts and clients ---------------------------------------------------------------


def staff_user(role: str, opd: Opd | str | None = None, username: str | None = None):
    """A staff account: ``"admin"`` (superuser), a ``StaffRole`` or a workflow ``Role``.

    An ``"opd"`` account needs its OPD; an ``"inspektorat"`` account may have one (the
    Inspektorat's own office). The password is ``PASSWORD``.
    """
    if role in (ADMIN, Role.ADMIN):
        return staff_account_ensure(username=username or ADMIN, password=PASSWORD, superuser=True)
    group = _ROLE_ACCOUNTS.get(role, role)  # a workflow Role, or already a StaffRole value
    if group not in StaffRole.values:
        raise ValueError(f"Unknown staff role {role!r}.")
    office = opd_get(opd)
    if group == StaffRole.OPD_STAFF and office is None:
        raise ValueError("An OPD account needs its OPD.")
    default = f"{group}-{office.code.lower()}" if office else str(group)
    return staff_account_ensure(
        username=username or default, password=PASSWORD, role=group, opd=office
    )


def user_in_role(role: Role, complaint: Complaint):
    """The account that acts on ``complaint`` in the workflow ``role`` (staff roles only)."""
    if role == Role.OPD:
        if complaint.opd_id is None:
            raise ValueError(f"{complaint.reference} has no OPD to act as.")
        return staff_user(StaffRole.OPD_STAFF, opd=complaint.opd)
    if role in (Role.COORDINATOR, Role.OVERSIGHT, Role.ADMIN):
        return staff_user(role)
    raise ValueError(f"No account acts as {role!r}: the reporter and the system are not users.")


def api_client_for(user=None, *, language: str | None = None) -> APIClient:
    """A DRF client: with ``user``'s real token (``Authorization: Token ...``), or anonymous."""
    client = APIClient(**({"HTTP_ACCEPT_LANGUAGE": language} if language else {}))
    if user is not None:
        _instance, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def page_client(language: str | None = None, **defaults) -> Client:
    """A Django client for the pages, in ``language`` when given.

    Pages ignore ``Accept-Language`` (Indonesian whatever the browser says); a language is chosen
    as a person chooses it, with the switch's cookie.
    """
    client = Client(**defaults)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page_client_for(user=None, *, language: str | None = None) -> Client:
    """A Django client for the pages: logged in as ``user`` (its session), or anonymous."""
    client = page_client(language)
    if user is not None:
        client.force_login(user)
    return client


# --- Walking the workflow ----------------------------------------------------------------------


def _staff_move(role: Role, target: str) -> Callable[[Complaint, Opd | None], object]:
    def move(complaint: Complaint, _opd: Opd | None):
        return complaint_staff_transition(
            user=user_in_role(role, complaint),
            complaint=complaint,
            target=target,
            message=MOVE_MESSAGES.get(target, ""),
        )

    return move


def _out_of_triage(complaint: Complaint, opd: Opd | None):
    return complaint_reassign(
        user=user_in_role(Role.COORDINATOR, complaint),
        complaint=complaint,
        opd=opd or opd_get(DEFAULT_TRIAGE_OPD),
        reason=REASSIGN_REASON,
    )


def _reporter_decides(accept: bool) -> Callable[[Complaint, Opd | None], object]:
    def move(complaint: Complaint, _opd: Opd | None):
        return complaint_reporter_decision(complaint=complaint, accept=accept)

    return move


# The moves ``complaint_moved_to`` knows, each by the role that makes it in the product's story
# (docs/product.md §3). Written by hand; the workflow table itself is the code under test. A
# closed duplicate (merge) is left to complaint_merge: it needs the original.
MOVES: dict[tuple[str, str], Callable[[Complaint, Opd | None], object]] = {
    (Status.TRIAGE, Status.ASSIGNED): _out_of_triage,
    (Status.TRIAGE, Status.REJECTED): _staff_move(Role.COORDINATOR, Status.REJECTED),
    (Status.ASSIGNED, Status.IN_PROGRESS): _staff_move(Role.OPD, Status.IN_PROGRESS),
    (Status.ASSIGNED, Status.NEEDS_INFO): _staff_move(Role.OPD, Status.NEEDS_INFO),
    (Status.IN_PROGRESS, Status.NEEDS_INFO): _staff_move(Role.OPD, Status.NEEDS_INFO),
    (Status.IN_PROGRESS, Status.RESOLVED): _staff_move(Role.OPD, Status.RESOLVED),
    (Status.NEEDS_INFO, Status.IN_PROGRESS): _staff_move(Role.OPD, Status.IN_PROGRESS),
    (Status.RESOLVED, Status.CLOSED): _reporter_decides(accept=True),
    (Status.RESOLVED, Status.IN_PROGRESS): _reporter_decides(accept=False),
    (Status.CLOSED, Status.IN_PROGRESS): _staff_move(Role.OVERSIGHT, Status.IN_PROGRESS),
    **{
        (status, Status.REFERRED): _staff_move(Role.OVERSIGHT, Status.REFERRED)
        for status in (
            Status.TRIAGE,
            Status.ASSIGNED,
            Status.IN_PROGRESS,
            Status.NEEDS_INFO,
            Status.RESOLVED,
        )
    },
}


def moves_path(current: str, target: str) -> list[str]:
    """The shortest walk of ``MOVES`` from ``current`` to ``target`` (the statuses after it)."""
    came_from: dict[str, str | None] = {current: None}
    queue = deque([current])
    while queue:
        status = queue.popleft()
        if status == target:
            path = []
            while came_from[status] is not None:
                path.append(status)
                status = came_from[status]
            return path[::-1]
        for source, following in MOVES:
            if source == status and following not in came_from:
                came_from[following] = status
                queue.append(following)
    raise ValueError(
        f"No walk from {current!r} to {target!r}: a complaint reaches 'triage' or 'rejected' "
        "only if it was filed into triage (complaint_vague), and nothing leaves "
        "'rejected' or 'referred'."
    )


def complaint_moved_to(
    complaint: Complaint, status: str, *, opd: Opd | str | None = None
) -> Complaint:
    """Move ``complaint`` to ``status`` through real transitions by the right roles.

    Each step is a service call (``complaint_staff_transition``, ``complaint_reassign``,
    ``complaint_reporter_decision``), so the workflow, deadlines and events are the product's
    own. ``opd`` is where a complaint waiting in triage is sent (default Dinas Perhubungan).
    Returns the complaint, refreshed.
    """
    complaint.refresh_from_db()
    office = opd_get(opd)
    for following in moves_path(complaint.status, status):
        MOVES[(complaint.status, following)](complaint, office)
        complaint.refresh_from_db()
        assert complaint.status == following, (complaint.reference, complaint.status, following)
    return complaint
