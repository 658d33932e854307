"""The workflow as a truth table: for every (current status, target status, role), may it move?

``WORKFLOW`` below is the oracle, written by hand from the product rules (docs/product.md §3
"Statuses"), not derived from ``complaints.workflow.TRANSITIONS``:

- received -> assigned | triage: routing at submission (system);
- triage -> assigned: coordinator, oversight (the Inspektorat), admin;
  triage -> rejected: coordinator, admin;
- assigned -> in_progress | needs_info: the OPD, admin;
- in_progress -> needs_info | resolved: the OPD, admin;
- needs_info -> in_progress: the reporter's answer, or the OPD / admin resuming;
- resolved -> closed: the reporter accepts, or the clock (system) after the silence;
- any open status -> closed: the reporter withdraws their complaint;
  resolved -> in_progress: the reporter disputes, or oversight / admin reopen;
- closed -> in_progress: oversight, admin;
- a merged duplicate follows its original (role "follow"): from any open status to any status
  staff give the original (triage, assigned, in_progress, needs_info, resolved, rejected,
  referred) — never to closed, which only its own reporter or the clock gives it;
- any open status (neither closed, rejected nor referred) -> referred: oversight, admin.

Every other move is refused to everyone, including staying in the same status. The table is
asserted cell by cell against ``transition_allowed``; then every allowed cell that a filed
complaint can reach, and a few refused ones, go through the real choke point
``complaint_transition``: a refused move raises ``Conflict`` and leaves no event and no change.
"""

import pytest

from complaints.exceptions import Conflict
from complaints.models import Complaint, Event, Status
from complaints.services import complaint_transition
from complaints.workflow import Role, transition_allowed
from tests.factories import complaint_moved_to, complaint_parkir, complaint_vague, user_in_role

# x: allowed, .: refused. One row per (current, target) pair, all 81 of them.
WORKFLOW = """
current      target       | system reporter opd coordinator oversight admin follow
received     received     |   .       .      .       .          .       .      .
received     triage       |   x       .      .       .          .       .      x
received     assigned     |   x       .      .       .          .       .      x
received     in_progress  |   .       .      .       .          .       .      x
received     needs_info   |   .       .      .       .          .       .      x
received     resolved     |   .       .      .       .          .       .      x
received     closed       |   .       x      .       .          .       .      .
received     rejected     |   .       .      .       .          .       .      x
received     referred     |   .       .      .       .          x       x      x
triage       received     |   .       .      .       .          .       .      .
triage       triage       |   .       .      .       .          .       .      .
triage       assigned     |   .       .      .       x          x       x      x
triage       in_progress  |   .       .      .       .          .       .      x
triage       needs_info   |   .       .      .       .          .       .      x
triage       resolved     |   .       .      .       .          .       .      x
triage       closed       |   .       x      .       .          .       .      .
triage       rejected     |   .       .      .       x          .       x      x
triage       referred     |   .       .      .       .          x       x      x
assigned     received     |   .       .      .       .          .       .      .
assigned     triage       |   .       .      .       .          .       .      x
assigned     assigned     |   .       .      .       .          .       .      .
assigned     in_progress  |   .       .      x       .          .       x      x
assigned     needs_info   |   .       .      x       .          .       x      x
assigned     resolved     |   .       .      .       .          .       .      x
assigned     closed       |   .       x      .       .          .       .      .
assigned     rejected     |   .       .      .       .          .       .      x
assigned     referred     |   .       .      .       .          x       x      x
in_progress  received     |   .       .      .       .          .       .      .
in_progress  triage       |   .       .      .       .          .       .      x
in_progress  assigned     |   .       .      .       .          .       .      x
in_progress  in_progress  |   .       .      .       .          .       .      .
in_progress  needs_info   |   .       .      x       .          .       x      x
in_progress  resolved     |   .       .      x       .          .       x      x
in_progress  closed       |   .       x      .       .          .       .      .
in_progress  rejected     |   .       .      .       .          .       .      x
in_progress  referred     |   .       .      .       .          x       x      x
needs_info   received     |   .       .      .       .          .       .      .
needs_info   triage       |   .       .      .       .          .       .      x
needs_info   assigned     |   .       .      .       .          .       .      x
needs_info   in_progress  |   .       x      x       .          .       x      x
needs_info   needs_info   |   .       .      .       .          .       .      .
needs_info   resolved     |   .       .      .       .          .       .      x
needs_info   closed       |   .       x      .       .          .       .      .
needs_info   rejected     |   .       .      .       .          .       .      x
needs_info   referred     |   .       .      .       .          x       x      x
resolved     received     |   .       .      .       .          .       .      .
resolved     triage       |   .       .      .       .          .       .      x
resolved     assigned     |   .       .      .       .          .       .      x
resolved     in_progress  |   .       x      .       .          x       x      x
resolved     needs_info   |   .       .      .       .          .       .      x
resolved     resolved     |   .       .      .       .          .       .      .
resolved     closed       |   x       x      .       .          .       .      .
resolved     rejected     |   .       .      .       .          .       .      x
resolved     referred     |   .       .      .       .          x       x      x
closed       received     |   .       .      .       .          .       .      .
closed       triage       |   .       .      .       .          .       .      .
closed       assigned     |   .       .      .       .          .       .      .
closed       in_progress  |   .       .      .       .          x       x      .
closed       needs_info   |   .       .      .       .          .       .      .
closed       resolved     |   .       .      .       .          .       .      .
closed       closed       |   .       .      .       .          .       .      .
closed       rejected     |   .       .      .       .          .       .      .
closed       referred     |   .       .      .       .          .       .      .
rejected     received     |   .       .      .       .          .       .      .
rejected     triage       |   .       .      .       .          .       .      .
rejected     assigned     |   .       .      .       .          .       .      .
rejected     in_progress  |   .       .      .       .          .       .      .
rejected     needs_info   |   .       .      .       .          .       .      .
rejected     resolved     |   .       .      .       .          .       .      .
rejected     closed       |   .       .      .       .          .       .      .
rejected     rejected     |   .       .      .       .          .       .      .
rejected     referred     |   .       .      .       .          .       .      .
referred     received     |   .       .      .       .          .       .      .
referred     triage       |   .       .      .       .          .       .      .
referred     assigned     |   .       .      .       .          .       .      .
referred     in_progress  |   .       .      .       .          .       .      .
referred     needs_info   |   .       .      .       .          .       .      .
referred     resolved     |   .       .      .       .          .       .      .
referred     closed       |   .       .      .       .          .       .      .
referred     rejected     |   .       .      .       .          .       .      .
referred     referred     |   .       .      .       .          .       .      .
"""

MARKS = {"x": True, ".": False}


def table_parse(text: str) -> tuple[list[Role], dict[tuple[str, str], dict[Role, bool]]]:
    """The roles of the header, and each (current, target) row's allowed/refused by role."""
    header, *lines = [line for line in text.strip().splitlines() if line.strip()]
    pair_names, role_names = header.split("|")
    assert pair_names.split() == ["current", "target"], header
    roles = [Role(name) for name in role_names.split()]
    rows: dict[tuple[str, str], dict[Role, bool]] = {}
    for line in lines:
        pair, marks = line.split("|")
        current, target = pair.split()
        cells = marks.split()
        assert len(cells) == len(roles), line
        assert (current, target) not in rows, f"row written twice: {line}"
        rows[(current, target)] = {
            role: MARKS[cell] for role, cell in zip(roles, cells, strict=True)
        }
    return roles, rows


ROLES, TABLE = table_parse(WORKFLOW)
CELLS = [
    (current, target, role, allowed)
    for (current, target), by_role in TABLE.items()
    for role, allowed in by_role.items()
]
ALLOWED = [(current, target, role) for current, target, role, allowed in CELLS if allowed]


def cell_id(current: str, target: str, role: Role) -> str:
    return f"{current}->{target}-by-{role}"


def test_the_table_covers_every_status_pair():
    assert set(TABLE) == {(current, target) for current in Status for target in Status}
    assert len(CELLS) == len(Status) ** 2 * len(ROLES)


def test_every_role_of_the_workflow_is_one_the_product_rules_name():
    """A role the table has no column for is a rule nobody wrote down: name its moves."""
    unnamed = {
        role.value: [
            f"{current}->{target}"
            for current, target in TABLE
            if transition_allowed(current=current, target=target, role=role)
        ]
        for role in Role
        if role not in ROLES
    }

    assert unnamed == {}, "roles outside the product rules, with the moves they may make"


@pytest.mark.parametrize(("current", "target"), list(TABLE), ids=[f"{c}->{t}" for c, t in TABLE])
def test_the_workflow_matches_the_table(current, target):
    """One row at a time, all roles together, so a disagreement shows the whole row."""
    expected = {role.value: TABLE[(current, target)][role] for role in ROLES}

    actual = {
        role.value: transition_allowed(current=current, target=target, role=role) for role in ROLES
    }

    assert actual == expected


# --- Through the choke point ---------------------------------------------------------------------


def complaint_at(status: str) -> Complaint:
    """A filed complaint walked to ``status`` by the right roles (triage-only paths included)."""
    if status in (Status.TRIAGE, Status.REJECTED):
        complaint, _receipt = complaint_vague()
    else:
        complaint, _receipt = complaint_parkir()
    return complaint_moved_to(complaint, status)


def snapshot(complaint: Complaint) -> dict:
    """The complaint's whole row and its events, as stored."""
    return {
        "row": Complaint.objects.filter(pk=complaint.pk).values().get(),
        "events": list(
            Event.objects.filter(complaint=complaint).order_by("seq").values_list("seq", "kind")
        ),
    }


def actor_for(role: Role, complaint: Complaint):
    """A user for the event's actor: staff roles act as accounts; reporter and system as nobody."""
    if role in (Role.SYSTEM, Role.REPORTER, Role.FOLLOW):
        return None  # the reporter and the system (a duplicate following) are not accounts
    return user_in_role(role, complaint)


# A filed complaint is routed within its submission: it is never left "received".
REACHABLE_ALLOWED = [cell for cell in ALLOWED if cell[0] != Status.RECEIVED]


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    ("current", "target", "role"),
    REACHABLE_ALLOWED,
    ids=[cell_id(*cell) for cell in REACHABLE_ALLOWED],
)
def test_every_allowed_move_goes_through_the_choke_point(current, target, role):
    complaint = complaint_at(current)
    before = snapshot(complaint)
    actor = actor_for(role, complaint)

    event = complaint_transition(complaint=complaint, target=target, role=role, actor=actor)

    after = snapshot(complaint)
    seq = before["row"]["last_seq"] + 1
    assert (after["row"]["status"], after["row"]["last_seq"]) == (target, seq)
    assert after["events"] == [*before["events"], (seq, Event.Kind.STATUS)]
    assert (event.seq, event.status, event.actor) == (seq, target, actor)


# Refused moves chosen to look plausible: a skipped step, the right move by the wrong role, a
# staff role outside its column, and the final statuses that nothing leaves.
REFUSED = [
    (Status.ASSIGNED, Status.RESOLVED, Role.OPD),  # resolving before working on it
    (Status.ASSIGNED, Status.IN_PROGRESS, Role.REPORTER),
    (Status.ASSIGNED, Status.IN_PROGRESS, Role.COORDINATOR),
    (Status.ASSIGNED, Status.REJECTED, Role.COORDINATOR),  # rejected only out of triage
    (Status.TRIAGE, Status.ASSIGNED, Role.OPD),
    (Status.TRIAGE, Status.REJECTED, Role.OVERSIGHT),
    (Status.IN_PROGRESS, Status.CLOSED, Role.OPD),  # only the reporter or the clock closes
    (
        Status.IN_PROGRESS,
        Status.CLOSED,
        Role.FOLLOW,
    ),  # a duplicate is never closed for its reporter
    (Status.IN_PROGRESS, Status.REFERRED, Role.COORDINATOR),
    (Status.NEEDS_INFO, Status.RESOLVED, Role.OPD),
    (Status.RESOLVED, Status.CLOSED, Role.OPD),  # the reporter or the clock closes
    (Status.RESOLVED, Status.IN_PROGRESS, Role.OPD),
    (Status.CLOSED, Status.IN_PROGRESS, Role.REPORTER),
    (Status.CLOSED, Status.IN_PROGRESS, Role.COORDINATOR),
    (Status.CLOSED, Status.REFERRED, Role.ADMIN),
    (Status.REJECTED, Status.IN_PROGRESS, Role.ADMIN),
    (Status.REJECTED, Status.TRIAGE, Role.ADMIN),
    (Status.REFERRED, Status.IN_PROGRESS, Role.ADMIN),
    (Status.REFERRED, Status.CLOSED, Role.ADMIN),
]


def test_the_refused_samples_are_refused_by_the_table():
    for current, target, role in REFUSED:
        assert TABLE[(current, target)][role] is False, cell_id(current, target, role)


@pytest.mark.usefixtures("directory")
@pytest.mark.parametrize(
    ("current", "target", "role"), REFUSED, ids=[cell_id(*cell) for cell in REFUSED]
)
def test_a_refused_move_leaves_no_event_and_no_change(current, target, role):
    complaint = complaint_at(current)
    before = snapshot(complaint)

    with pytest.raises(Conflict):
        complaint_transition(complaint=complaint, target=target, role=role)

    assert snapshot(complaint) == before
    assert complaint.status == current  # the object in hand is not left half-moved either


# --- The factories walk the workflow as the product does ------------------------------------------


def status_events(complaint: Complaint) -> list[tuple[str, str | None]]:
    rows = Event.objects.filter(complaint=complaint, kind=Event.Kind.STATUS).order_by("seq")
    return [(event.status, event.actor.username if event.actor else None) for event in rows]


def test_a_walk_to_closed_is_made_by_the_office_and_the_reporter(parkir):
    complaint, _receipt = parkir

    complaint_moved_to(complaint, Status.CLOSED)

    office = user_in_role(Role.OPD, complaint).username
    assert status_events(complaint) == [
        (Status.RECEIVED, None),
        (Status.ASSIGNED, None),  # routing
        (Status.IN_PROGRESS, office),
        (Status.RESOLVED, office),
        (Status.CLOSED, None),  # the reporter accepts
    ]


def test_a_walk_out_of_triage_is_made_by_the_desk(vague):
    complaint, _receipt = vague
    assert complaint.status == Status.TRIAGE and complaint.opd_id is None

    complaint_moved_to(complaint, Status.NEEDS_INFO, opd="DUKCAPIL")

    desk = user_in_role(Role.COORDINATOR, complaint).username
    assert complaint.opd.code == "DUKCAPIL"
    assert status_events(complaint) == [
        (Status.RECEIVED, None),
        (Status.TRIAGE, None),
        (Status.ASSIGNED, desk),
        (Status.NEEDS_INFO, user_in_role(Role.OPD, complaint).username),
    ]
