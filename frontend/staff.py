"""Staff pages: the inbox, a complaint's file with its actions, and the login.

Scope comes from ``complaints.selectors`` (the same selectors as the staff API and the live
channels); every action calls the same service as the API. Out of scope is a 404.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from api.throttles import throttle_wait
from complaints.exceptions import ApplicationError, ComplaintNotFound
from complaints.filters import ComplaintFilter
from complaints.models import Category, RatingElement, RerouteRequest, Status
from complaints.selectors import (
    complaint_delay_check,
    complaint_fee_check,
    complaint_get_for_staff,
    complaints_visible_to,
    events_for_staff,
    is_overdue,
    staff_allowed_targets,
    staff_complaint_roles,
    staff_roles,
)
from complaints.services import (
    complaint_merge,
    complaint_reroute_request,
    complaint_staff_message,
    complaint_staff_transition,
    reroute_request_decide,
    staff_reassign,
)
from complaints.workflow import Role
from routing.models import Kecamatan, Opd, Service

PAGE_SIZE = 25
TEXT_MAX = 5000


class StaffLoginView(auth_views.LoginView):
    """Django's login, with the same attempt limit as the token endpoint."""

    template_name = "frontend/staff/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        wait = throttle_wait(request, "login")
        if wait is not None:
            form = self.get_form()
            message = _("Too many login attempts; try again in %(seconds)s seconds.") % {"seconds": wait}
            form.add_error(None, message)
            context = self.get_context_data(form=form, throttled=message)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


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
    roles = staff_roles(request.user)
    context = {
        "page": page,
        "filters": filters,
        "query": _query_without_page(request),
        "statuses": Status.choices,
        "categories": Category.choices,
        "services": Service.objects.order_by("name"),
        "kecamatan": Kecamatan.objects.order_by("name"),
        "rows": [(complaint, is_overdue(complaint)) for complaint in page],
        "is_coordinator": request.user.is_superuser or "koordinator" in roles,
        "pending_reroutes": _pending_reroutes(request.user),
    }
    return render(request, "frontend/staff/inbox.html", context, status=status_code)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _pending_reroutes(user):
    visible = complaints_visible_to(user)
    requests = RerouteRequest.objects.filter(
        state=RerouteRequest.State.PENDING, complaint__in=visible
    ).select_related("complaint", "from_opd", "suggested_opd")
    if not (user.is_superuser or staff_roles(user) & {"koordinator", "inspektorat"}):
        return requests.none()
    return requests


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def complaint_detail(request, reference):
    try:
        complaint = complaint_get_for_staff(user=request.user, reference=reference)
    except ComplaintNotFound:
        raise Http404 from None
    if request.method == "POST":
        try:
            done = _act(request, complaint)
        except ApplicationError as error:
            messages.error(request, error.message)
            return _detail_page(request, complaint, status=error.status, errors=error.errors)
        messages.success(request, done)
        # The action may have taken the complaint out of the user's scope (referred while
        # visible only as overdue, reassigned away): then back to the inbox, not to a 404.
        if not complaints_visible_to(request.user).filter(pk=complaint.pk).exists():
            return redirect("frontend:staff-inbox")
        return redirect("frontend:staff-complaint", reference=complaint.reference)
    return _detail_page(request, complaint)


def _text(request, name: str, *, required: bool) -> str:
    value = request.POST.get(name, "").strip()
    if (required and not value) or len(value) > TEXT_MAX:
        message = _("Write a text of at most 5000 characters.")
        raise ApplicationError(message, errors={name: [message]})
    return value


def _opd(request, name: str = "opd") -> Opd:
    opd = Opd.objects.filter(code=request.POST.get(name, "")).first()
    if opd is None:
        message = _("Unknown office.")
        raise ApplicationError(message, errors={name: [message]})
    return opd


def _act(request, complaint) -> str:
    """Run the action a staff form asked for; return what to tell the user."""
    action = request.POST.get("action")
    user = request.user
    if action == "transition":
        target = request.POST.get("to", "")
        if target not in Status.values:
            raise ApplicationError(_("Unknown status."))
        complaint_staff_transition(
            user=user, complaint=complaint, target=target, message=_text(request, "message", required=False)
        )
        return _("Status changed to “%(status)s”.") % {"status": Status(target).label}
    if action in ("message", "note"):
        complaint_staff_message(
            user=user, complaint=complaint, body=_text(request, "body", required=True), internal=action == "note"
        )
        return _("Internal note saved.") if action == "note" else _("Reply sent to the reporter.")
    if action == "reassign":
        opd = _opd(request)
        staff_reassign(user=user, complaint=complaint, opd=opd, reason=_text(request, "reason", required=True))
        return _("Sent to %(opd)s.") % {"opd": opd.name}
    if action == "reroute":
        roles = staff_complaint_roles(user, complaint)
        complaint_reroute_request(
            complaint=complaint,
            role=Role.OPD if Role.OPD in roles else Role.ADMIN if Role.ADMIN in roles else None,
            actor=user,
            suggested_opd=_opd(request, "suggested_opd"),
            reason=_text(request, "reason", required=True),
        )
        return _("Your request was sent to the complaint coordinator.")
    if action == "decide_reroute":
        request_row = RerouteRequest.objects.filter(
            pk=request.POST.get("request", "0") if request.POST.get("request", "").isdigit() else 0,
            complaint=complaint,
        ).first()
        if request_row is None:
            raise ApplicationError(_("Unknown request."))
        roles = staff_complaint_roles(user, complaint)
        role = next((r for r in (Role.COORDINATOR, Role.OVERSIGHT, Role.ADMIN) if r in roles), None)
        approve = request.POST.get("approve") == "true"
        reroute_request_decide(
            request=request_row, role=role, actor=user, approve=approve,
            note=_text(request, "note", required=False),
        )
        return _("Request approved; the complaint was reassigned.") if approve else _("Request declined.")
    if action == "merge":
        original = complaints_visible_to(user).filter(reference=request.POST.get("original", "").strip()).first()
        if original is None:
            message = _("No complaint with that reference.")
            raise ApplicationError(message, errors={"original": [message]})
        complaint_merge(user=user, duplicate=complaint, original=original, reason=_text(request, "reason", required=False))
        return _("Merged into %(reference)s.") % {"reference": original.reference}
    raise ApplicationError(_("Unknown action."))


def _detail_page(request, complaint, *, status=200, errors=None):
    roles = staff_complaint_roles(request.user, complaint)
    context = {
        "complaint": complaint,
        "fee_check": complaint_fee_check(complaint),
        "delay_check": complaint_delay_check(complaint),
        "oversight": list(complaint.oversight.all()),
        "events": events_for_staff(complaint=complaint),
        "evidence": list(complaint.evidence.all()),
        "overdue": is_overdue(complaint),
        "targets": [(target, Status(target).label) for target in staff_allowed_targets(request.user, complaint)],
        "can_act": bool(roles) and complaint.is_open,
        "can_note": bool(roles),
        "can_reassign": bool(roles & {Role.COORDINATOR, Role.OVERSIGHT, Role.ADMIN}) and complaint.is_open,
        "can_reroute": Role.OPD in roles and complaint.is_open and complaint.status != Status.RESOLVED,
        "can_merge": bool(roles & {Role.COORDINATOR, Role.ADMIN}) and complaint.is_open,
        "reroutes": complaint.reroute_requests.select_related("from_opd", "suggested_opd"),
        "can_decide_reroute": bool(roles & {Role.COORDINATOR, Role.OVERSIGHT, Role.ADMIN}),
        "opds": Opd.objects.filter(is_active=True).order_by("name"),
        "ratings": complaint.ratings.all(),
        "rating_labels": dict(RatingElement.choices),
        "errors": errors or {},
    }
    return render(request, "frontend/staff/detail.html", context, status=status)
