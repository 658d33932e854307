"""Which status may follow which, and who may make the move (docs/product.md §3 "Statuses").

The table below is the only statement of the workflow; ``complaints.services.complaint_transition``
consults it for every change.
"""

from enum import StrEnum

from complaints.models import FINAL_STATUSES, Status


class Role(StrEnum):
    """Who acts on a complaint, relative to that complaint."""

    SYSTEM = "system"  # routing at submission, clocks
    REPORTER = "reporter"  # whoever holds the receipt
    OPD = "opd"  # staff of the OPD responsible for the complaint
    COORDINATOR = "coordinator"  # the city complaint desk (triage)
    OVERSIGHT = "oversight"  # the Inspektorat
    ADMIN = "admin"
    FOLLOW = "follow"  # a merged duplicate taking its original's status


_STAFF = {Role.OPD, Role.ADMIN}
_DESK = {Role.COORDINATOR, Role.OVERSIGHT, Role.ADMIN}

TRANSITIONS: dict[tuple[str, str], frozenset[Role]] = {
    (Status.RECEIVED, Status.ASSIGNED): frozenset({Role.SYSTEM}),
    (Status.RECEIVED, Status.TRIAGE): frozenset({Role.SYSTEM}),
    (Status.TRIAGE, Status.ASSIGNED): frozenset(_DESK),
    (Status.TRIAGE, Status.REJECTED): frozenset({Role.COORDINATOR, Role.ADMIN}),
    (Status.ASSIGNED, Status.IN_PROGRESS): frozenset(_STAFF),
    (Status.ASSIGNED, Status.NEEDS_INFO): frozenset(_STAFF),
    (Status.IN_PROGRESS, Status.NEEDS_INFO): frozenset(_STAFF),
    (Status.IN_PROGRESS, Status.RESOLVED): frozenset(_STAFF),
    # The reporter's answer moves it back by itself; staff may also resume without one.
    (Status.NEEDS_INFO, Status.IN_PROGRESS): frozenset({Role.REPORTER} | _STAFF),
    # Accepted by the reporter, or closed by the clock after 10 working days of silence.
    (Status.RESOLVED, Status.CLOSED): frozenset({Role.REPORTER, Role.SYSTEM}),
    # Disputed by the reporter, or reopened by the Inspektorat.
    (Status.RESOLVED, Status.IN_PROGRESS): frozenset({Role.REPORTER, Role.OVERSIGHT, Role.ADMIN}),
    (Status.CLOSED, Status.IN_PROGRESS): frozenset({Role.OVERSIGHT, Role.ADMIN}),
}
# A reporter may withdraw their complaint at any open status: it closes (complaints.retention).
for _status in Status:
    if _status not in FINAL_STATUSES:
        TRANSITIONS[(_status, Status.CLOSED)] = TRANSITIONS.get(
            (_status, Status.CLOSED), frozenset()
        ) | {Role.REPORTER}
# Any open status may be referred to law enforcement or the Ombudsman, by the Inspektorat only.
for _status in Status:
    if _status not in FINAL_STATUSES:
        TRANSITIONS[(_status, Status.REFERRED)] = frozenset({Role.OVERSIGHT, Role.ADMIN})

# A merged duplicate is handled with its original: it takes the status staff give the original
# (never "closed", which only its own reporter's decision or the clock gives it: no reporter
# closes another's complaint).
_FOLLOWED = (
    Status.TRIAGE,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.NEEDS_INFO,
    Status.RESOLVED,
    Status.REJECTED,
    Status.REFERRED,
)
for _status in Status:
    for _target in _FOLLOWED:
        if _status not in FINAL_STATUSES and _target != _status:
            TRANSITIONS[(_status, _target)] = TRANSITIONS.get((_status, _target), frozenset()) | {
                Role.FOLLOW
            }


# Moves staff make through their own action, never as a bare status change: assigning needs the
# office (``complaint_reassign``); closing is the reporter's (or the clock's) after a resolution.
STAFF_ACTION_TARGETS = frozenset({Status.ASSIGNED, Status.CLOSED})


def transition_allowed(*, current: str, target: str, role: Role) -> bool:
    return role in TRANSITIONS.get((current, target), frozenset())
