"""Sending a complaint to another office (docs/product.md §3 "Routing", "Reassignment keeps the
status").

Two ways: the coordinator, the Inspektorat or an admin reassigns (``complaint_reassign``), or the
OPD holding it says "bukan kewenangan kami" (``complaint_reroute_request``) and the coordinator
decides (``reroute_request_decide``). Either way the reporter sees "Diteruskan ke …" (out of
triage) or "Dialihkan ke …", never the internal reason, and the correction is recorded as a
``RoutingFeedback`` row for the routing evaluation.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from complaints.access import complaint_roles
from complaints.exceptions import (
    ApplicationError,
    Conflict,
    InvalidInput,
    NotPermitted,
    TransitionNotAllowed,
)
from complaints.models import Event, RerouteRequest, StaffRole, Status
from complaints.selectors import working_calendar
from complaints.services import (
    complaint_reassign,
    complaint_reroute_request,
    complaint_submit,
    complaint_transition,
    reroute_request_decide,
    staff_account_ensure,
)
from complaints.workflow import Role
from routing.models import Opd, RoutingFeedback, Service
from tests.api.client import track_post

pytestmark = pytest.mark.usefixtures("directory")

REASON = "Isi laporan soal sampah pasar, bukan parkir; catatan internal 7731"
REQUEST_REASON = "Bukan kewenangan kami: ini retribusi sampah; catatan internal 4412"


def opd(code: str) -> Opd:
    return Opd.objects.get(code=code)


@pytest.fixture
def triage_complaint():
    complaint, receipt = complaint_submit(category="other", description="pelayanan jelek")
    assert complaint.status == Status.TRIAGE and complaint.opd is None
    complaint.receipt = receipt
    return complaint


@pytest.fixture
def assigned_complaint():
    complaint, receipt = complaint_submit(
        category="pungli",
        description="Jukir minta 10rb tanpa karcis",
        service=Service.objects.get(code="PARKIR-MOTOR"),
    )
    assert complaint.status == Status.ASSIGNED and complaint.opd.code == "DISHUB"
    complaint.receipt = receipt
    return complaint


@pytest.fixture
def coordinator():
    return staff_account_ensure(username="koordinator1", password="x-secret-1", role="koordinator")


@pytest.fixture
def inspector():
    return staff_account_ensure(
        username="inspektur1", password="x-secret-2", role="inspektorat", opd=opd("INSPEKTORAT")
    )


@pytest.fixture
def dishub_officer():
    return staff_account_ensure(
        username="dishub1", password="x-secret-3", role="opd", opd=opd("DISHUB")
    )


@pytest.fixture
def admin():
    return staff_account_ensure(username="admin1", password="x-secret-4", superuser=True)


@pytest.fixture
def walikota():
    """The mayor's office: sees every complaint, acts on none."""
    return staff_account_ensure(
        username="walikota1", password="x-secret-5", role=StaffRole.WALIKOTA
    )


@pytest.fixture
def dukcapil_head():
    """The head of an office that has nothing to do with the parking complaint."""
    return staff_account_ensure(
        username="dukcapil1", password="x-secret-6", role=StaffRole.OPD_STAFF, opd=opd("DUKCAPIL")
    )


@pytest.fixture
def accounts(coordinator, inspector, dishub_officer, admin, walikota, dukcapil_head) -> dict:
    """Every account above, by fixture name (for tests parametrized over who acts)."""
    return {
        "coordinator": coordinator,
        "inspector": inspector,
        "dishub_officer": dishub_officer,
        "admin": admin,
        "walikota": walikota,
        "dukcapil_head": dukcapil_head,
    }


def events_of(complaint) -> list[Event]:
    return list(Event.objects.filter(complaint=complaint).order_by("seq"))


def feedback_of(complaint) -> list[RoutingFeedback]:
    return list(RoutingFeedback.objects.filter(description=complaint.description))


# --- The users' roles ----------------------------------------------------------------------------


def test_the_staff_accounts_hold_the_roles_used_below(assigned_complaint, accounts):
    roles = {name: complaint_roles(user, assigned_complaint) for name, user in accounts.items()}
    assert roles == {
        "coordinator": {Role.COORDINATOR},
        "inspector": {Role.OVERSIGHT},
        "dishub_officer": {Role.OPD},
        "admin": {Role.ADMIN},
        "walikota": set(),  # sees it, may act on nothing
        "dukcapil_head": set(),  # not its complaint
    }


# --- complaint_reassign: out of triage -----------------------------------------------------------


def test_reassign_out_of_triage_assigns_it(triage_complaint, coordinator):
    before = timezone.now()
    complaint_reassign(
        user=coordinator,
        complaint=triage_complaint,
        opd=opd("DLH"),
        reason=REASON,
    )
    triage_complaint.refresh_from_db()
    assert triage_complaint.status == Status.ASSIGNED
    assert triage_complaint.opd.code == "DLH"
    assert triage_complaint.routing_rule == "manual"
    assert triage_complaint.routing_reason == "Diteruskan oleh petugas → Dinas Lingkungan Hidup"
    assert triage_complaint.assigned_at >= before
    assert triage_complaint.first_response_due_at > before
    assert triage_complaint.due_at == triage_complaint.first_response_due_at

    note, status = events_of(triage_complaint)[-2:]
    assert (note.kind, note.public, note.text, note.actor) == (
        Event.Kind.NOTE,
        False,
        REASON,
        coordinator,
    )
    assert (status.kind, status.public, status.status) == (Event.Kind.STATUS, True, Status.ASSIGNED)
    assert status.text == "Diteruskan ke Dinas Lingkungan Hidup"
    assert status.actor == coordinator


def test_reassign_out_of_triage_records_the_correction(triage_complaint, coordinator):
    complaint_reassign(
        user=coordinator,
        complaint=triage_complaint,
        opd=opd("DLH"),
        reason=REASON,
    )
    [feedback] = feedback_of(triage_complaint)
    assert feedback.source == RoutingFeedback.Source.TRIAGE
    assert feedback.old_opd is None
    assert feedback.new_opd.code == "DLH"
    assert feedback.category == "other"


@pytest.mark.parametrize("who", ["inspector", "admin"])
def test_reassign_out_of_triage_by_the_inspektorat_or_admin_leaves_the_first_response_open(
    triage_complaint, accounts, who
):
    """The new OPD has not answered yet: its first-response clock must still be running."""
    complaint_reassign(
        user=accounts[who], complaint=triage_complaint, opd=opd("DLH"), reason=REASON
    )
    triage_complaint.refresh_from_db()
    assert triage_complaint.status == Status.ASSIGNED
    assert triage_complaint.first_response_at is None
    status = events_of(triage_complaint)[-1]
    assert (status.kind, status.status, status.actor) == (
        Event.Kind.STATUS,
        Status.ASSIGNED,
        accounts[who],
    )


# --- complaint_reassign: between OPDs ------------------------------------------------------------


def test_reassign_between_opds_keeps_the_status(assigned_complaint, coordinator):
    complaint_reassign(
        user=coordinator,
        complaint=assigned_complaint,
        opd=opd("DLH"),
        reason=REASON,
    )
    assigned_complaint.refresh_from_db()
    assert assigned_complaint.status == Status.ASSIGNED
    assert assigned_complaint.opd.code == "DLH"
    note, reassigned = events_of(assigned_complaint)[-2:]
    assert (note.kind, note.public, note.text) == (Event.Kind.NOTE, False, REASON)
    assert (reassigned.kind, reassigned.public) == (Event.Kind.REASSIGNED, True)
    assert reassigned.text == "Dialihkan ke Dinas Lingkungan Hidup"
    assert reassigned.status == Status.ASSIGNED


def test_reassign_between_opds_records_the_correction(assigned_complaint, inspector):
    complaint_reassign(
        user=inspector,
        complaint=assigned_complaint,
        opd=opd("DLH"),
        reason=REASON,
    )
    [feedback] = feedback_of(assigned_complaint)
    assert (feedback.old_opd.code, feedback.new_opd.code) == ("DISHUB", "DLH")
    assert feedback.source == RoutingFeedback.Source.REASSIGN
    assert feedback.category == "pungli"


def test_reassign_restarts_the_first_response_clock_but_not_the_resolve_deadline(
    assigned_complaint, coordinator
):
    # Two weeks went by at Dishub, which answered.
    old_due = timezone.now() - timedelta(days=7)
    type(assigned_complaint).objects.filter(pk=assigned_complaint.pk).update(
        first_response_due_at=old_due,
        due_at=old_due,
        first_response_at=timezone.now() - timedelta(days=8),
    )
    assigned_complaint.refresh_from_db()
    resolve_due = assigned_complaint.resolve_due_at

    before = timezone.now()
    complaint_reassign(
        user=coordinator,
        complaint=assigned_complaint,
        opd=opd("DLH"),
        reason=REASON,
    )
    after = timezone.now()
    assigned_complaint.refresh_from_db()
    days = settings.PORTAL_DEADLINES["first_response"]
    calendar = working_calendar()
    assert assigned_complaint.first_response_at is None
    assert calendar.add_working_days(before, days) <= assigned_complaint.first_response_due_at
    assert assigned_complaint.first_response_due_at <= calendar.add_working_days(after, days)
    assert assigned_complaint.due_at == assigned_complaint.first_response_due_at
    assert assigned_complaint.resolve_due_at == resolve_due


def test_reassign_while_in_progress_keeps_in_progress_and_its_deadline(
    assigned_complaint, coordinator, dishub_officer
):
    complaint_transition(
        complaint=assigned_complaint, target=Status.IN_PROGRESS, role=Role.OPD, actor=dishub_officer
    )
    assigned_complaint.refresh_from_db()
    resolve_due = assigned_complaint.resolve_due_at
    complaint_reassign(
        user=coordinator,
        complaint=assigned_complaint,
        opd=opd("DLH"),
        reason=REASON,
    )
    assigned_complaint.refresh_from_db()
    assert assigned_complaint.status == Status.IN_PROGRESS
    assert assigned_complaint.due_at == resolve_due == assigned_complaint.resolve_due_at


def test_the_new_opd_loses_its_oversight_copy(assigned_complaint, coordinator):
    assert list(assigned_complaint.oversight.values_list("code", flat=True)) == ["INSPEKTORAT"]
    complaint_reassign(
        user=coordinator,
        complaint=assigned_complaint,
        opd=opd("INSPEKTORAT"),
        reason=REASON,
    )
    assert not assigned_complaint.oversight.exists()


# --- complaint_reassign: refusals ----------------------------------------------------------------


def assert_refused(excinfo, kind: type[ApplicationError], field: str | None = None):
    """Refused for exactly this reason: ``InvalidInput`` (the request is wrong), ``NotPermitted``
    (may see, may not do), ``Conflict`` (not in this state); with a message for people."""
    assert type(excinfo.value) is kind, repr(excinfo.value)
    assert excinfo.value.message.strip()
    if field:
        assert excinfo.value.errors[field] == [excinfo.value.message]
    else:
        assert excinfo.value.errors == {}


def assert_unchanged(complaint, *, opd_code, status, events: int):
    complaint.refresh_from_db()
    assert (complaint.opd.code if complaint.opd else None, complaint.status) == (opd_code, status)
    assert len(events_of(complaint)) == events
    assert not feedback_of(complaint)


def test_reassign_to_the_same_opd_is_refused(assigned_complaint, coordinator):
    count = len(events_of(assigned_complaint))
    with pytest.raises(ApplicationError) as excinfo:
        complaint_reassign(
            user=coordinator,
            complaint=assigned_complaint,
            opd=opd("DISHUB"),
            reason=REASON,
        )
    assert_refused(excinfo, InvalidInput, "opd")
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.ASSIGNED, events=count)


def test_reassign_to_an_inactive_opd_is_refused(assigned_complaint, coordinator):
    count = len(events_of(assigned_complaint))
    Opd.objects.filter(code="DLH").update(is_active=False)
    with pytest.raises(ApplicationError) as excinfo:
        complaint_reassign(
            user=coordinator,
            complaint=assigned_complaint,
            opd=opd("DLH"),
            reason=REASON,
        )
    assert_refused(excinfo, InvalidInput, "opd")
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.ASSIGNED, events=count)


@pytest.mark.parametrize(
    "who",
    [
        "dishub_officer",  # the handling office: it asks for a reroute instead
        "walikota",  # sees every complaint, read-only
        "dukcapil_head",  # an unrelated office (the interfaces answer 404: out of its scope)
    ],
)
def test_reassign_by_anyone_but_the_desk_is_forbidden(assigned_complaint, accounts, who):
    count = len(events_of(assigned_complaint))
    with pytest.raises(ApplicationError) as excinfo:
        complaint_reassign(
            user=accounts[who],
            complaint=assigned_complaint,
            opd=opd("DLH"),
            reason=REASON,
        )
    assert_refused(excinfo, NotPermitted)
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.ASSIGNED, events=count)


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reassign_without_a_reason_is_refused(assigned_complaint, coordinator, reason):
    count = len(events_of(assigned_complaint))
    with pytest.raises(ApplicationError) as excinfo:
        complaint_reassign(
            user=coordinator,
            complaint=assigned_complaint,
            opd=opd("DLH"),
            reason=reason,
        )
    assert_refused(excinfo, InvalidInput, "reason")
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.ASSIGNED, events=count)


def test_reassign_of_a_rejected_complaint_is_a_conflict(triage_complaint, coordinator):
    complaint_transition(
        complaint=triage_complaint, target=Status.REJECTED, role=Role.COORDINATOR, actor=coordinator
    )
    count = len(events_of(triage_complaint))
    with pytest.raises(TransitionNotAllowed) as excinfo:
        complaint_reassign(
            user=coordinator,
            complaint=triage_complaint,
            opd=opd("DLH"),
            reason=REASON,
        )
    assert_refused(excinfo, Conflict)
    triage_complaint.refresh_from_db()
    assert (triage_complaint.opd, triage_complaint.status) == (None, Status.REJECTED)
    assert len(events_of(triage_complaint)) == count


def close(complaint, officer):
    for target, role in [
        (Status.IN_PROGRESS, Role.OPD),
        (Status.RESOLVED, Role.OPD),
        (Status.CLOSED, Role.REPORTER),
    ]:
        complaint_transition(
            complaint=complaint,
            target=target,
            role=role,
            actor=officer if role == Role.OPD else None,
        )


def test_reassign_of_a_closed_complaint_is_a_conflict(
    assigned_complaint, coordinator, dishub_officer
):
    close(assigned_complaint, dishub_officer)
    count = len(events_of(assigned_complaint))
    with pytest.raises(TransitionNotAllowed) as excinfo:
        complaint_reassign(
            user=coordinator,
            complaint=assigned_complaint,
            opd=opd("DLH"),
            reason=REASON,
        )
    assert_refused(excinfo, Conflict)
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.CLOSED, events=count)


# --- The OPD's "bukan kewenangan" request --------------------------------------------------------


def request_reroute(complaint, officer, suggested="DLH", reason=REQUEST_REASON):
    return complaint_reroute_request(
        user=officer, complaint=complaint, suggested_opd=opd(suggested), reason=reason
    )


def test_the_opd_asks_to_reroute(assigned_complaint, dishub_officer):
    count = len(events_of(assigned_complaint))
    request = request_reroute(assigned_complaint, dishub_officer)
    assert request.state == RerouteRequest.State.PENDING
    assert (request.from_opd.code, request.suggested_opd.code) == ("DISHUB", "DLH")
    assert request.reason == REQUEST_REASON
    assert request.requested_by == dishub_officer
    # The complaint stays where it is until someone decides.
    assigned_complaint.refresh_from_db()
    assert (assigned_complaint.opd.code, assigned_complaint.status) == ("DISHUB", Status.ASSIGNED)
    events = events_of(assigned_complaint)
    assert len(events) == count + 1
    note = events[-1]
    assert (note.kind, note.public, note.actor) == (Event.Kind.NOTE, False, dishub_officer)
    assert REQUEST_REASON in note.text and "Dinas Lingkungan Hidup" in note.text
    assert not feedback_of(assigned_complaint)


def test_a_second_pending_request_is_a_conflict(assigned_complaint, dishub_officer):
    request_reroute(assigned_complaint, dishub_officer)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        request_reroute(assigned_complaint, dishub_officer, suggested="DUKCAPIL")
    assert_refused(excinfo, Conflict)
    assert RerouteRequest.objects.filter(complaint=assigned_complaint).count() == 1


def test_suggesting_the_current_opd_is_refused(assigned_complaint, dishub_officer):
    with pytest.raises(ApplicationError) as excinfo:
        request_reroute(assigned_complaint, dishub_officer, suggested="DISHUB")
    assert_refused(excinfo, InvalidInput, "opd")
    assert not RerouteRequest.objects.filter(complaint=assigned_complaint).exists()


def test_a_request_without_a_reason_is_refused(assigned_complaint, dishub_officer):
    with pytest.raises(ApplicationError) as excinfo:
        request_reroute(assigned_complaint, dishub_officer, reason="  ")
    assert_refused(excinfo, InvalidInput, "reason")


@pytest.mark.parametrize("who", ["coordinator", "inspector", "walikota", "dukcapil_head"])
def test_only_the_opd_can_ask(assigned_complaint, accounts, who):
    count = len(events_of(assigned_complaint))
    with pytest.raises(ApplicationError) as excinfo:
        request_reroute(assigned_complaint, accounts[who])
    assert_refused(excinfo, NotPermitted)
    assert not RerouteRequest.objects.filter(complaint=assigned_complaint).exists()
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.ASSIGNED, events=count)


def test_a_complaint_in_triage_has_no_opd_to_ask(triage_complaint, dishub_officer, admin):
    count = len(events_of(triage_complaint))
    # No office holds it, so no office may say it is not theirs ...
    with pytest.raises(ApplicationError) as excinfo:
        request_reroute(triage_complaint, dishub_officer)
    assert_refused(excinfo, NotPermitted)
    # ... and an admin, who may ask for any office, is told there is none to move it from.
    with pytest.raises(TransitionNotAllowed) as excinfo:
        request_reroute(triage_complaint, admin)
    assert_refused(excinfo, Conflict)
    assert not RerouteRequest.objects.filter(complaint=triage_complaint).exists()
    assert_unchanged(triage_complaint, opd_code=None, status=Status.TRIAGE, events=count)


def test_approving_moves_the_complaint_to_the_suggested_opd(
    assigned_complaint, dishub_officer, coordinator
):
    request = request_reroute(assigned_complaint, dishub_officer)
    decided = reroute_request_decide(user=coordinator, request=request, approve=True)
    assert decided.state == RerouteRequest.State.APPROVED
    assert decided.decided_by == coordinator and decided.decided_at is not None
    assigned_complaint.refresh_from_db()
    assert (assigned_complaint.opd.code, assigned_complaint.status) == ("DLH", Status.ASSIGNED)
    [feedback] = feedback_of(assigned_complaint)
    assert (feedback.old_opd.code, feedback.new_opd.code) == ("DISHUB", "DLH")
    assert feedback.source == RoutingFeedback.Source.OPD_REQUEST
    last = events_of(assigned_complaint)[-1]
    assert (last.kind, last.public, last.text) == (
        Event.Kind.REASSIGNED,
        True,
        "Dialihkan ke Dinas Lingkungan Hidup",
    )


def test_approving_to_another_opd_than_suggested(assigned_complaint, dishub_officer, inspector):
    request = request_reroute(assigned_complaint, dishub_officer)
    reroute_request_decide(
        user=inspector,
        request=request,
        approve=True,
        opd=opd("DISPERINDAG"),
        note="retribusi pasar",
    )
    assigned_complaint.refresh_from_db()
    assert assigned_complaint.opd.code == "DISPERINDAG"
    [feedback] = feedback_of(assigned_complaint)
    assert (feedback.new_opd.code, feedback.source) == (
        "DISPERINDAG",
        RoutingFeedback.Source.OPD_REQUEST,
    )


def test_declining_leaves_the_complaint_with_the_opd(
    assigned_complaint, dishub_officer, coordinator
):
    request = request_reroute(assigned_complaint, dishub_officer)
    count = len(events_of(assigned_complaint))
    decided = reroute_request_decide(
        user=coordinator,
        request=request,
        approve=False,
        note="parkir memang urusan Dishub",
    )
    assert decided.state == RerouteRequest.State.DECLINED
    assigned_complaint.refresh_from_db()
    assert (assigned_complaint.opd.code, assigned_complaint.status) == ("DISHUB", Status.ASSIGNED)
    events = events_of(assigned_complaint)
    assert len(events) == count + 1
    note = events[-1]
    assert (note.kind, note.public) == (Event.Kind.NOTE, False)
    assert note.text == "Permintaan pengalihan ditolak: parkir memang urusan Dishub"
    assert not feedback_of(assigned_complaint)
    # Declined, the OPD may ask again.
    assert (
        request_reroute(assigned_complaint, dishub_officer, suggested="DUKCAPIL").state == "pending"
    )


@pytest.mark.parametrize("first", [True, False], ids=["approved", "declined"])
def test_deciding_twice_is_a_conflict(assigned_complaint, dishub_officer, coordinator, first):
    request = request_reroute(assigned_complaint, dishub_officer)
    reroute_request_decide(user=coordinator, request=request, approve=first)
    count = len(events_of(assigned_complaint))
    with pytest.raises(TransitionNotAllowed) as excinfo:
        reroute_request_decide(user=coordinator, request=request, approve=not first)
    assert_refused(excinfo, Conflict)
    request.refresh_from_db()
    assert request.state == ("approved" if first else "declined")
    assert len(events_of(assigned_complaint)) == count


@pytest.mark.parametrize("who", ["dishub_officer", "walikota", "dukcapil_head"])
@pytest.mark.parametrize("approve", [True, False], ids=["approve", "decline"])
def test_only_the_desk_decides(assigned_complaint, accounts, who, approve):
    """Not the office that asked (it would decide its own request), not the mayor's office
    (read-only), not another office (the interfaces answer 404: out of its scope)."""
    request = request_reroute(assigned_complaint, accounts["dishub_officer"])
    count = len(events_of(assigned_complaint))
    with pytest.raises(ApplicationError) as excinfo:
        reroute_request_decide(user=accounts[who], request=request, approve=approve)
    assert_refused(excinfo, NotPermitted)
    request.refresh_from_db()
    assert (request.state, request.decided_by, request.decided_at) == (
        RerouteRequest.State.PENDING,
        None,
        None,
    )
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.ASSIGNED, events=count)


@pytest.mark.parametrize("who", ["coordinator", "inspector", "admin"])
def test_the_coordinator_the_inspektorat_and_an_admin_decide(assigned_complaint, accounts, who):
    request = request_reroute(assigned_complaint, accounts["dishub_officer"])
    decided = reroute_request_decide(user=accounts[who], request=request, approve=True)
    assert (decided.state, decided.decided_by) == (RerouteRequest.State.APPROVED, accounts[who])
    assigned_complaint.refresh_from_db()
    assert assigned_complaint.opd.code == "DLH"
    assert events_of(assigned_complaint)[-1].actor == accounts[who]


# --- What the reporter sees ----------------------------------------------------------------------


def reporter_texts(client, complaint) -> list[str]:
    response = track_post(client, complaint.receipt)
    assert response.status_code == 200, response.content
    return [event["text"] for event in response.json()["events"]]


def test_the_reporter_sees_where_it_went_but_never_the_internal_reason(
    api_client, assigned_complaint, dishub_officer, coordinator
):
    request = request_reroute(assigned_complaint, dishub_officer)
    reroute_request_decide(
        user=coordinator, request=request, approve=True, note="disetujui; catatan internal 9020"
    )
    complaint_reassign(
        user=coordinator,
        complaint=assigned_complaint,
        opd=opd("DISPERINDAG"),
        reason=REASON,
    )
    response = track_post(api_client, assigned_complaint.receipt)
    body = response.json()
    texts = [event["text"] for event in body["events"]]
    assert "Dialihkan ke Dinas Lingkungan Hidup" in texts
    assert texts[-1].startswith("Dialihkan ke ") and "Perdagangan" in texts[-1]
    assert body["opd"]["code"] == "DISPERINDAG"
    raw = response.content.decode()
    for secret in ("7731", "4412", "9020", "Bukan kewenangan", "catatan internal"):
        assert secret not in raw
    assert [event["seq"] for event in body["events"]] == sorted(
        event["seq"] for event in body["events"]
    )


def test_the_reporter_sees_diteruskan_out_of_triage(api_client, triage_complaint, coordinator):
    complaint_reassign(
        user=coordinator,
        complaint=triage_complaint,
        opd=opd("DLH"),
        reason=REASON,
    )
    response = track_post(api_client, triage_complaint.receipt)
    body = response.json()
    assert body["status"] == "assigned"
    assert body["events"][-1]["text"] == "Diteruskan ke Dinas Lingkungan Hidup"
    assert REASON not in response.content.decode()
    assert "7731" not in response.content.decode()


def test_a_declined_request_shows_nothing_to_the_reporter(
    api_client, assigned_complaint, dishub_officer, coordinator
):
    before = reporter_texts(api_client, assigned_complaint)
    request = request_reroute(assigned_complaint, dishub_officer)
    reroute_request_decide(user=coordinator, request=request, approve=False, note="tetap")
    assert reporter_texts(api_client, assigned_complaint) == before
