"""Sending a complaint to another office (PRODUCT.md §3 "Routing", "Reassignment keeps the status").

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

from complaints.exceptions import ApplicationError, TransitionNotAllowed
from complaints.models import Event, RerouteRequest, Status
from complaints.selectors import staff_complaint_roles, working_calendar
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


def events_of(complaint) -> list[Event]:
    return list(Event.objects.filter(complaint=complaint).order_by("seq"))


def feedback_of(complaint) -> list[RoutingFeedback]:
    return list(RoutingFeedback.objects.filter(description=complaint.description))


# --- The users' roles ----------------------------------------------------------------------------


def test_the_staff_accounts_hold_the_roles_used_below(
    assigned_complaint, coordinator, inspector, dishub_officer
):
    assert Role.COORDINATOR in staff_complaint_roles(coordinator, assigned_complaint)
    assert Role.OVERSIGHT in staff_complaint_roles(inspector, assigned_complaint)
    assert staff_complaint_roles(dishub_officer, assigned_complaint) == {Role.OPD}


# --- complaint_reassign: out of triage -----------------------------------------------------------


def test_reassign_out_of_triage_assigns_it(triage_complaint, coordinator):
    before = timezone.now()
    complaint_reassign(
        complaint=triage_complaint,
        opd=opd("DLH"),
        role=Role.COORDINATOR,
        actor=coordinator,
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
        complaint=triage_complaint,
        opd=opd("DLH"),
        role=Role.COORDINATOR,
        actor=coordinator,
        reason=REASON,
    )
    [feedback] = feedback_of(triage_complaint)
    assert feedback.source == RoutingFeedback.Source.TRIAGE
    assert feedback.old_opd is None
    assert feedback.new_opd.code == "DLH"
    assert feedback.category == "other"


@pytest.mark.parametrize("role", [Role.OVERSIGHT, Role.ADMIN])
def test_reassign_out_of_triage_by_the_inspektorat_or_admin_leaves_the_first_response_open(
    triage_complaint, inspector, role
):
    """The new OPD has not answered yet: its first-response clock must still be running."""
    complaint_reassign(
        complaint=triage_complaint, opd=opd("DLH"), role=role, actor=inspector, reason=REASON
    )
    triage_complaint.refresh_from_db()
    assert triage_complaint.status == Status.ASSIGNED
    assert triage_complaint.first_response_at is None


# --- complaint_reassign: between OPDs ------------------------------------------------------------


def test_reassign_between_opds_keeps_the_status(assigned_complaint, coordinator):
    complaint_reassign(
        complaint=assigned_complaint,
        opd=opd("DLH"),
        role=Role.COORDINATOR,
        actor=coordinator,
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
        complaint=assigned_complaint,
        opd=opd("DLH"),
        role=Role.OVERSIGHT,
        actor=inspector,
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
        complaint=assigned_complaint,
        opd=opd("DLH"),
        role=Role.COORDINATOR,
        actor=coordinator,
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
        complaint=assigned_complaint,
        opd=opd("DLH"),
        role=Role.COORDINATOR,
        actor=coordinator,
        reason=REASON,
    )
    assigned_complaint.refresh_from_db()
    assert assigned_complaint.status == Status.IN_PROGRESS
    assert assigned_complaint.due_at == resolve_due == assigned_complaint.resolve_due_at


def test_the_new_opd_loses_its_oversight_copy(assigned_complaint, coordinator):
    assert list(assigned_complaint.oversight.values_list("code", flat=True)) == ["INSPEKTORAT"]
    complaint_reassign(
        complaint=assigned_complaint,
        opd=opd("INSPEKTORAT"),
        role=Role.COORDINATOR,
        actor=coordinator,
        reason=REASON,
    )
    assert not assigned_complaint.oversight.exists()


# --- complaint_reassign: refusals ----------------------------------------------------------------


def assert_refused(excinfo, status: int, field: str | None = None):
    assert excinfo.value.status == status
    assert excinfo.value.message.strip()
    if field:
        assert excinfo.value.errors[field]


def assert_unchanged(complaint, *, opd_code, status, events: int):
    complaint.refresh_from_db()
    assert (complaint.opd.code if complaint.opd else None, complaint.status) == (opd_code, status)
    assert len(events_of(complaint)) == events
    assert not feedback_of(complaint)


def test_reassign_to_the_same_opd_is_refused(assigned_complaint, coordinator):
    count = len(events_of(assigned_complaint))
    with pytest.raises(ApplicationError) as excinfo:
        complaint_reassign(
            complaint=assigned_complaint,
            opd=opd("DISHUB"),
            role=Role.COORDINATOR,
            actor=coordinator,
            reason=REASON,
        )
    assert_refused(excinfo, 400, "opd")
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.ASSIGNED, events=count)


def test_reassign_to_an_inactive_opd_is_refused(assigned_complaint, coordinator):
    count = len(events_of(assigned_complaint))
    Opd.objects.filter(code="DLH").update(is_active=False)
    with pytest.raises(ApplicationError) as excinfo:
        complaint_reassign(
            complaint=assigned_complaint,
            opd=opd("DLH"),
            role=Role.COORDINATOR,
            actor=coordinator,
            reason=REASON,
        )
    assert_refused(excinfo, 400, "opd")
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.ASSIGNED, events=count)


@pytest.mark.parametrize("role", [Role.OPD, Role.REPORTER, Role.SYSTEM])
def test_reassign_by_anyone_but_the_desk_is_forbidden(assigned_complaint, dishub_officer, role):
    count = len(events_of(assigned_complaint))
    with pytest.raises(ApplicationError) as excinfo:
        complaint_reassign(
            complaint=assigned_complaint,
            opd=opd("DLH"),
            role=role,
            actor=dishub_officer,
            reason=REASON,
        )
    assert_refused(excinfo, 403)
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.ASSIGNED, events=count)


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_reassign_without_a_reason_is_refused(assigned_complaint, coordinator, reason):
    count = len(events_of(assigned_complaint))
    with pytest.raises(ApplicationError) as excinfo:
        complaint_reassign(
            complaint=assigned_complaint,
            opd=opd("DLH"),
            role=Role.COORDINATOR,
            actor=coordinator,
            reason=reason,
        )
    assert_refused(excinfo, 400, "reason")
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.ASSIGNED, events=count)


def test_reassign_of_a_rejected_complaint_is_a_conflict(triage_complaint, coordinator):
    complaint_transition(
        complaint=triage_complaint, target=Status.REJECTED, role=Role.COORDINATOR, actor=coordinator
    )
    count = len(events_of(triage_complaint))
    with pytest.raises(TransitionNotAllowed) as excinfo:
        complaint_reassign(
            complaint=triage_complaint,
            opd=opd("DLH"),
            role=Role.COORDINATOR,
            actor=coordinator,
            reason=REASON,
        )
    assert_refused(excinfo, 409)
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
            complaint=assigned_complaint,
            opd=opd("DLH"),
            role=Role.COORDINATOR,
            actor=coordinator,
            reason=REASON,
        )
    assert_refused(excinfo, 409)
    assert_unchanged(assigned_complaint, opd_code="DISHUB", status=Status.CLOSED, events=count)


# --- The OPD's "bukan kewenangan" request --------------------------------------------------------


def request_reroute(complaint, officer, suggested="DLH", reason=REQUEST_REASON):
    return complaint_reroute_request(
        complaint=complaint,
        role=Role.OPD,
        actor=officer,
        suggested_opd=opd(suggested),
        reason=reason,
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
    assert_refused(excinfo, 409)
    assert RerouteRequest.objects.filter(complaint=assigned_complaint).count() == 1


def test_suggesting_the_current_opd_is_refused(assigned_complaint, dishub_officer):
    with pytest.raises(ApplicationError) as excinfo:
        request_reroute(assigned_complaint, dishub_officer, suggested="DISHUB")
    assert_refused(excinfo, 400, "opd")
    assert not RerouteRequest.objects.filter(complaint=assigned_complaint).exists()


def test_a_request_without_a_reason_is_refused(assigned_complaint, dishub_officer):
    with pytest.raises(ApplicationError) as excinfo:
        request_reroute(assigned_complaint, dishub_officer, reason="  ")
    assert_refused(excinfo, 400, "reason")


def test_only_the_opd_can_ask(assigned_complaint, coordinator):
    with pytest.raises(ApplicationError) as excinfo:
        complaint_reroute_request(
            complaint=assigned_complaint,
            role=Role.COORDINATOR,
            actor=coordinator,
            suggested_opd=opd("DLH"),
            reason=REQUEST_REASON,
        )
    assert_refused(excinfo, 403)


def test_a_complaint_in_triage_has_no_opd_to_ask(triage_complaint, dishub_officer):
    with pytest.raises(TransitionNotAllowed):
        request_reroute(triage_complaint, dishub_officer)


def test_approving_moves_the_complaint_to_the_suggested_opd(
    assigned_complaint, dishub_officer, coordinator
):
    request = request_reroute(assigned_complaint, dishub_officer)
    decided = reroute_request_decide(
        request=request, role=Role.COORDINATOR, actor=coordinator, approve=True
    )
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
        request=request,
        role=Role.OVERSIGHT,
        actor=inspector,
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
        request=request,
        role=Role.COORDINATOR,
        actor=coordinator,
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
    reroute_request_decide(request=request, role=Role.COORDINATOR, actor=coordinator, approve=first)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        reroute_request_decide(
            request=request, role=Role.COORDINATOR, actor=coordinator, approve=not first
        )
    assert_refused(excinfo, 409)
    request.refresh_from_db()
    assert request.state == ("approved" if first else "declined")


def test_the_opd_cannot_decide_its_own_request(assigned_complaint, dishub_officer):
    request = request_reroute(assigned_complaint, dishub_officer)
    with pytest.raises(ApplicationError) as excinfo:
        reroute_request_decide(request=request, role=Role.OPD, actor=dishub_officer, approve=True)
    assert_refused(excinfo, 403)
    request.refresh_from_db()
    assert request.state == RerouteRequest.State.PENDING


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
        request=request,
        role=Role.COORDINATOR,
        actor=coordinator,
        approve=True,
        note="disetujui; catatan internal 9020",
    )
    complaint_reassign(
        complaint=assigned_complaint,
        opd=opd("DISPERINDAG"),
        role=Role.COORDINATOR,
        actor=coordinator,
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
        complaint=triage_complaint,
        opd=opd("DLH"),
        role=Role.COORDINATOR,
        actor=coordinator,
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
    reroute_request_decide(
        request=request, role=Role.COORDINATOR, actor=coordinator, approve=False, note="tetap"
    )
    assert reporter_texts(api_client, assigned_complaint) == before
