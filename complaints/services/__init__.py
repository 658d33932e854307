"""Writes to complaints, split along their seams; every status change goes through
``transitions.complaint_transition`` and every event through ``transitions.event_append``.

Each function is keyword-only, does its work in one transaction, appends events for what the
reporter and staff should see, and leaves publishing to ``complaints.events`` after commit.
Staff services take the acting ``user``; ``complaints.access`` resolves the role they act in.

- ``submission``: filing a complaint (photos, checks, routing);
- ``transitions``: the workflow's choke point and the event log;
- ``deadlines``: the one function that moves deadlines;
- ``staff``: status changes, replies and notes, the public summary, staff accounts;
- ``merging``: duplicates handled with their original, each reporter kept apart;
- ``reporter``: the reporter's answers, photos and verdict, and withdrawal;
- ``purging``: removing the reporter's texts and photos (retention, withdrawal), legal hold;
- ``rerouting``: the routing decision and every later change of office.
"""

from complaints.services.merging import complaint_merge
from complaints.services.purging import complaint_legal_hold
from complaints.services.reporter import (
    complaint_reporter_decision,
    complaint_reporter_message,
    complaint_reporter_photos,
    complaint_withdraw,
)
from complaints.services.rerouting import (
    complaint_apply_decision,
    complaint_reassign,
    complaint_reroute_request,
    reroute_request_decide,
)
from complaints.services.staff import (
    complaint_public_summary,
    complaint_staff_message,
    complaint_staff_transition,
    staff_account_ensure,
)
from complaints.services.submission import complaint_submit, evidence_store, photos_sanitize
from complaints.services.transitions import complaint_transition, event_append

__all__ = [
    "complaint_apply_decision",
    "complaint_legal_hold",
    "complaint_merge",
    "complaint_public_summary",
    "complaint_reassign",
    "complaint_reporter_decision",
    "complaint_reporter_message",
    "complaint_reporter_photos",
    "complaint_reroute_request",
    "complaint_staff_message",
    "complaint_staff_transition",
    "complaint_submit",
    "complaint_transition",
    "complaint_withdraw",
    "event_append",
    "evidence_store",
    "photos_sanitize",
    "reroute_request_decide",
    "staff_account_ensure",
]
