"""What the reporter's tracking page shows and offers now: one answer for the page the server
renders and for the live socket's ``state`` message (docs/interface.md "Websocket").

The page renders every action form and hides those the complaint does not take now; the
socket's ``state`` says which to show and carries the case box (reference, status, office,
deadline) rendered from the same partial as the page, so a status change shows the same page a
reload would, without replacing a form the reporter is typing in. Whether the complaint takes
the reporter's input is the model's own predicate (``Complaint.accepts_reporter_input``,
``Complaint.awaits_reporter_decision``); this module only gathers it.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from complaints.models import Complaint, Status
from complaints.selectors import (
    complaint_delay_check,
    complaint_fee_check,
    complaint_get_for_reporter,
)

CASE_TEMPLATE = "frontend/_case.html"


def case_context(complaint: Complaint) -> dict:
    """What ``frontend/_case.html`` needs (the receipt page and the tracking page)."""
    return {
        "complaint": complaint,
        "fee_check": complaint_fee_check(complaint),
        "delay_check": complaint_delay_check(complaint),
        "oversight": list(complaint.oversight.all()),
    }


def reporter_actions(complaint: Complaint) -> dict:
    """Which of the tracking page's forms the complaint takes now."""
    return {
        "status": complaint.status,
        "can_reply": complaint.accepts_reporter_input,
        # The office asked a question: the answer form says so and stands out.
        "asked": complaint.status == Status.NEEDS_INFO,
        "can_decide": complaint.awaits_reporter_decision,
        "can_withdraw": complaint.withdrawn_at is None,
        "withdrawn": complaint.withdrawn_at is not None,
        "due_at": complaint.due_at.isoformat() if complaint.due_at else None,
    }


def state_message(complaint_pk: int, language: str) -> dict:
    """The socket's ``state`` message: the actions now and the case box, rendered in
    ``language`` (the page's) from the complaint as it is in the database now."""
    # Read afresh: the socket's copy is as old as the socket, and a reassignment changes the
    # office and its oversight copies.
    complaint = complaint_get_for_reporter(pk=complaint_pk)
    with translation.override(language_or_default(language)):
        case = render_to_string(CASE_TEMPLATE, case_context(complaint))
    return {"type": "state", **reporter_actions(complaint), "case": case}


def language_or_default(code: str | None) -> str:
    """``code`` if the site speaks it, else the default language (Indonesian)."""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
