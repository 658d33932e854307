"""Staff pages: the inbox, a complaint's file with its actions, and the login.

What a user sees and may do comes from ``complaints.access`` (as for the staff API and the live
channels); every action validates with the same ``complaints.staff_inputs`` and calls the same
service as the API. Out of scope is a 404. Every list, detail and action is recorded in the
access audit (``complaints.audit``), as on the API. Status changes are offered as verbs
(``frontend.staff_verbs``); the routing decision is said in words (``frontend.routing_reasons``).
"""

import unicodedata

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints import staff_inputs
from complaints.access import (
    can_see,
    complaint_actions,
    complaints_visible_to,
    event_time,
    events_visible_to,
    is_triage_desk,
    reroute_requests_of,
    reroute_requests_to_decide,
    sees_photo_hashes,
    transition_role,
)
from complaints.audit import access_record
from complaints.exceptions import ApplicationError, InvalidInput, NotFound
from complaints.filters import ComplaintFilter
from complaints.models import AccessRecord, Category, RatingElement, Status, Visibility
from complaints.selectors import (
    complaint_delay_check,
    complaint_fee_check,
    complaint_get_for_staff,
)
from complaints.services import (
    complaint_legal_hold,
    complaint_merge,
    complaint_public_summary,
    complaint_reassign,
    complaint_reroute_request,
    complaint_staff_message,
    complaint_staff_transition,
    reroute_request_decide,
)
from complaints.services.publication import complaint_summary_publish
from frontend.errors import http_status
from frontend.logins import StaffLoginForm, refused_as_429
from frontend.routing_reasons import routing_reason
from frontend.staff_verbs import page_requirement, verbs_for
from routing.models import Kecamatan, Opd, Service

PAGE_SIZE = 25
# An inbox row shows the start of what was reported: enough to tell complaints apart.
EXCERPT_CHARS = 120


class StaffLoginView(auth_views.LoginView):
    """Django's login, limited like every login form (``complaints.logins``): per address and
    per account; a refused attempt is a 429 page saying how many minutes to wait."""

    template_name = "frontend/staff/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        return refused_as_429(super().form_invalid(form))


@never_cache
@login_required
def inbox(request):
    queryset = complaints_visible_to(request.user).select_related(
        "opd", "service", "kecamatan", "kelurahan"
    )
    filters = ComplaintFilter(request.GET or None, queryset=queryset)
    status_code = 200 if (not request.GET or filters.is_valid()) else 400
    complaints = filters.qs if status_code == 200 else queryset.none()
    page = Paginator(complaints, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": _query_without_page(request),
        "statuses": Status.choices,
        "categories": Category.choices,
        "services": Service.objects.order_by("name"),
        "kecamatan": Kecamatan.objects.order_by("name"),
        "rows": [
            (complaint, complaint.is_overdue, excerpt(complaint.description)) for complaint in page
        ],
        "is_coordinator": is_triage_desk(request.user),
        "pending_reroutes": reroute_requests_to_decide(request.user),
    }
    access_record(request.user, page, AccessRecord.Action.LIST)
    return render(request, "frontend/staff/inbox.html", context, status=status_code)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The first ``limit`` visible characters of ``text`` on one line (… if cut): invisible
    characters dropped, every run of spaces and line breaks one space. Escaped by the template."""
    shown = "".join(char for char in text or "" if unicodedata.category(char) not in ("Cc", "Cf"))
    shown = " ".join(shown.split())
    if len(shown) <= limit:
        return shown
    return shown[:limit].rstrip() + "…"


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def complaint_detail(request, reference):
    try:
        complaint = complaint_get_for_staff(user=request.user, reference=reference)
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        try:
            done = _act(request, complaint)
        except ApplicationError as error:
            messages.error(request, error.message)
            return _detail_page(request, complaint, status=http_status(error), errors=error.errors)
        messages.success(request, done)
        # The action may have taken the complaint out of the user's scope (referred while
        # visible only as overdue, reassigned away): then back to the inbox, not to a 404.
        if not can_see(request.user, complaint):
            return redirect("frontend:staff-inbox")
        return redirect("frontend:staff-complaint", reference=complaint.reference)
    return _detail_page(request, complaint)


def _transition(user, complaint, *, to, message) -> str:
    complaint_staff_transition(user=user, complaint=complaint, target=to, message=message)
    return _("Status changed to “%(status)s”.") % {"status": Status(to).label}


def _message(user, complaint, *, body, visibility) -> str:
    complaint_staff_message(user=user, complaint=complaint, body=body, visibility=visibility)
    if visibility == Visibility.REPORTER:
        return _("Reply sent to the reporter.")
    return _("Internal note saved.")


def _reassign(user, complaint, *, opd, reason) -> str:
    complaint_reassign(user=user, complaint=complaint, opd=opd, reason=reason)
    return _("Sent to %(opd)s.") % {"opd": opd.name}


def _reroute(user, complaint, *, opd, reason) -> str:
    complaint_reroute_request(user=user, complaint=complaint, suggested_opd=opd, reason=reason)
    return _("Your request was sent to the complaint coordinator.")


def _decide_reroute(user, complaint, *, request, approve, opd, note) -> str:
    reroute_request_decide(user=user, request=request, approve=approve, opd=opd, note=note)
    if approve:
        return _("Request approved; the complaint was reassigned.")
    return _("Request declined.")


def _merge(user, complaint, *, into, reason) -> str:
    complaint_merge(user=user, duplicate=complaint, original=into, reason=reason)
    return _("Merged into %(reference)s.") % {"reference": into.reference}


def _summary(user, complaint, *, summary) -> str:
    complaint_public_summary(user=user, complaint=complaint, text=summary)
    if summary.strip():
        return _("Public summary saved: the exports carry it.")
    return _("Public summary withdrawn.")


def _publish_summary(user, complaint, *, text) -> str:
    complaint_summary_publish(user=user, complaint=complaint, text=text)
    if text.strip():
        return _("Summary published in the Open311 feed.")
    return _("Summary withdrawn from the Open311 feed.")


def _legal_hold(user, complaint, *, hold, reason) -> str:
    complaint_legal_hold(user=user, complaint=complaint, hold=hold, reason=reason)
    if hold:
        return _("Legal hold set: nothing of this complaint will be removed.")
    return _("Legal hold lifted.")


# Each form's ``action``: its input (shared with the staff API) and what it does.
_ACTIONS = {
    "transition": (staff_inputs.TransitionInput, _transition),
    "message": (staff_inputs.StaffMessageInput, _message),
    "reassign": (staff_inputs.ReassignInput, _reassign),
    "reroute": (staff_inputs.RerouteRequestInput, _reroute),
    "decide_reroute": (staff_inputs.RerouteDecisionInput, _decide_reroute),
    "merge": (staff_inputs.MergeInput, _merge),
    "summary": (staff_inputs.PublicSummaryInput, _summary),
    "publish_summary": (staff_inputs.PublishedSummaryInput, _publish_summary),
    "legal_hold": (staff_inputs.LegalHoldInput, _legal_hold),
}


def _act(request, complaint) -> str:
    """Run the action a staff form asked for; return what to tell the user."""
    action = _ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        raise InvalidInput(_("Unknown action."))
    input_class, perform = action
    form = input_class(data=request.POST, context={"user": request.user, "complaint": complaint})
    if not form.is_valid():
        errors = {field: [str(text) for text in texts] for field, texts in form.errors.items()}
        raise InvalidInput(_("Please check the fields marked below."), errors=errors)
    # What a verb needs beyond the service's checks is asked only of someone who may make the
    # move: anyone else gets the service's own refusal, as on the API.
    to = form.validated_data.get("to")
    if request.POST["action"] == "transition" and transition_role(request.user, complaint, to):
        missing = page_requirement(
            complaint.status,
            to,
            message=request.POST.get("message", ""),
            destination=request.POST.get("destination", ""),
        )
        if missing:
            raise InvalidInput.on_field(*missing)
    done = perform(request.user, complaint, **form.validated_data)
    access_record(request.user, [complaint], AccessRecord.Action.ACT, detail=request.POST["action"])
    return done


def _timeline(user, complaint) -> list:
    events = list(events_visible_to(user, complaint))
    for event in events:
        event.shown_at = event_time(user, event)
    return events


def _other_actions(actions) -> bool:
    """Whether the side panel offers anything (the mayor's office only reads)."""
    return any(
        (actions.message, actions.note, actions.public_summary, actions.publish_summary)
        + (actions.reroute_request,)
        + (actions.reassign, actions.merge, actions.legal_hold)
    )


def _detail_page(request, complaint, *, status=200, errors=None):
    access_record(request.user, [complaint], AccessRecord.Action.VIEW)
    actions = complaint_actions(request.user, complaint)
    oversight = list(complaint.oversight.all())
    reroutes = list(reroute_requests_of(request.user, complaint))
    posted = request.POST if request.method == "POST" else {}
    context = {
        "complaint": complaint,
        "fee_check": complaint_fee_check(complaint),
        "delay_check": complaint_delay_check(complaint),
        "oversight": oversight,
        "routing": routing_reason(complaint, oversight),
        "events": _timeline(request.user, complaint),
        "photo_hashes": sees_photo_hashes(request.user),
        "evidence": list(complaint.evidence.filter(purged_at__isnull=True)),
        "overdue": complaint.is_overdue,
        "actions": actions,
        "targets": actions.targets,
        "verbs": verbs_for(complaint.status, actions.targets),
        # Waiting in triage, routing it is the desk's next step, not one action among others.
        "route_first": actions.reassign and complaint.status == Status.TRIAGE,
        "referral_bodies": [
            (code, label) for code, (_name, label) in staff_inputs.REFERRAL_BODIES.items()
        ],
        # After a refused action: which form it was, and what was typed, to show them again.
        "posted_action": posted.get("action", ""),
        "posted_to": posted.get("to", ""),
        "posted": posted,
        "reroutes": reroutes,
        "has_actions": bool(reroutes) or _other_actions(actions),
        "opds": Opd.objects.filter(is_active=True).order_by("name"),
        "ratings": complaint.ratings.all(),
        "rating_labels": dict(RatingElement.choices),
        "errors": errors or {},
    }
    return render(request, "frontend/staff/detail.html", context, status=status)
