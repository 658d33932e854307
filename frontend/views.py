"""Public pages: home, the report form and its receipt, and tracking by receipt.

Every page works without JavaScript (plain forms); the scripts in ``static/frontend/js`` only
make them faster and friendlier. Receipts travel in POST bodies only, never in a URL, and pages
that show a receipt or a case are never cached.
"""

from django.conf import settings
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from api.inputs import ComplaintInput, ReceiptInput
from api.throttles import throttle_wait
from complaints.exceptions import ApplicationError
from complaints.models import Category, Event, Evidence, RatingElement, Status
from complaints.receipts import receipt_grouped
from complaints.selectors import (
    complaint_delay_check,
    complaint_fee_check,
    complaint_get_by_receipt,
    complaints_visible_to,
    events_for_reporter,
    reporter_can_decide,
    reporter_can_reply,
)
from complaints.services import (
    complaint_reporter_decision,
    complaint_reporter_message,
    complaint_reporter_photos,
    complaint_submit,
)
from routing.selectors import kecamatan_list_with_kelurahan, opd_list_public, service_list_public


def healthz(request):
    """For the container healthcheck: the app answers and reaches its database."""
    connection.ensure_connection()
    return HttpResponse("ok", content_type="text/plain")


def home(request):
    return render(request, "frontend/home.html")


def _service_groups(services) -> list[tuple[str, list]]:
    """Services grouped by the office that handles them, for a list a citizen can scan."""
    local = _("Kelurahan and kecamatan offices")
    groups: dict[str, list] = {}
    for service in services:
        groups.setdefault(local if service.location_based else service.opd.name, []).append(service)
    return sorted(groups.items())


def _report_context(request, *, values=None, errors=None, message="") -> dict:
    values = values or {}
    return {
        "categories": Category.choices,
        "service_groups": _service_groups(service_list_public()),
        "opds": opd_list_public(),
        "areas": kecamatan_list_with_kelurahan(),
        "values": values,
        "errors": errors or {},
        "message": message,
        "max_photos": settings.PORTAL_MAX_PHOTOS,
        "max_photo_mb": settings.PORTAL_MAX_PHOTO_BYTES // (1024 * 1024),
    }


def _throttled(request, scope: str, template: str, context: dict):
    wait = throttle_wait(request, scope)
    if wait is None:
        return None
    context["message"] = _("Too many requests; please try again in %(seconds)s seconds.") % {
        "seconds": wait
    }
    return render(request, template, context, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def report(request):
    if request.method == "GET":
        values = {"service": request.GET.get("service", "")}
        return render(request, "frontend/report.html", _report_context(request, values=values))
    values = request.POST.dict()
    refused = _throttled(request, "submit", "frontend/report.html", _report_context(request, values=values))
    if refused:
        return refused
    data = request.POST.copy()
    data.setlist("photos", request.FILES.getlist("photos"))
    form = ComplaintInput(data=data)
    if not form.is_valid():
        context = _report_context(
            request,
            values=values,
            errors=form.errors,
            message=_("Please check the fields marked below."),
        )
        return render(request, "frontend/report.html", context, status=400)
    try:
        complaint, receipt = complaint_submit(**form.to_service_kwargs())
    except ApplicationError as error:
        context = _report_context(request, values=values, errors=error.errors, message=error.message)
        return render(request, "frontend/report.html", context, status=error.status)
    return render(
        request,
        "frontend/receipt.html",
        {**_case_context(complaint), "receipt": receipt_grouped(receipt)},
        status=201,
    )


def _case_context(complaint) -> dict:
    return {
        "complaint": complaint,
        "fee_check": complaint_fee_check(complaint),
        "delay_check": complaint_delay_check(complaint),
        "oversight": list(complaint.oversight.all()),
    }


def _track_page(request, complaint, receipt: str, *, status=200, message="", notice="", errors=None):
    context = {
        **_case_context(complaint),
        "labels": {
            "status": {code: str(label) for code, label in Status.choices},
            "kind": {code: str(label) for code, label in Event.Kind.choices},
        },
        "receipt": receipt,
        "events": events_for_reporter(complaint=complaint),
        "can_reply": reporter_can_reply(complaint),
        "can_decide": reporter_can_decide(complaint),
        "rating_elements": RatingElement.choices,
        "message": message,
        "notice": notice,
        "errors": errors or {},
    }
    return render(request, "frontend/track.html", context, status=status)


def _receipt_from(request):
    """The complaint a POSTed receipt opens, or the tracking page that says why not."""
    refused = _throttled(request, "track", "frontend/track.html", {})
    if refused:
        return None, None, refused
    form = ReceiptInput(data=request.POST)
    if not form.is_valid():
        return None, None, render(request, "frontend/track.html", {"errors": form.errors}, status=400)
    receipt = form.validated_data["receipt"]
    complaint = complaint_get_by_receipt(receipt=receipt)
    if complaint is None:
        message = _("No complaint matches this receipt. Check the 16 digits and try again.")
        return None, None, render(request, "frontend/track.html", {"message": message}, status=404)
    return complaint, receipt, None


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        return render(request, "frontend/track.html")
    complaint, receipt, refused = _receipt_from(request)
    return refused or _track_page(request, complaint, receipt)


@never_cache
@require_http_methods(["POST"])
def track_action(request, action: str):
    """The reporter answers, adds photos, or accepts/disputes and rates (tracking page forms)."""
    complaint, receipt, refused = _receipt_from(request)
    if refused:
        return refused
    try:
        if action == "reply":
            body = request.POST.get("body", "").strip()
            if not body or len(body) > 5000:
                message = _("Write a message of at most 5000 characters.")
                return _track_page(request, complaint, receipt, status=400, message=message,
                                   errors={"body": [message]})
            complaint_reporter_message(complaint=complaint, body=body)
            notice = _("Your message was sent.")
        elif action == "photos":
            complaint_reporter_photos(complaint=complaint, photos=request.FILES.getlist("photos"))
            notice = _("Your photos were added.")
        else:
            ratings = {
                element: int(request.POST[f"rating_{element}"])
                for element in RatingElement.values
                if request.POST.get(f"rating_{element}", "").isdigit()
            }
            accept = request.POST.get("accept") == "true"
            complaint_reporter_decision(complaint=complaint, accept=accept, ratings=ratings)
            notice = _("Thank you. The complaint is closed.") if accept else _(
                "The complaint was reopened; the office will continue."
            )
    except ApplicationError as error:
        return _track_page(request, complaint, receipt, status=error.status, message=error.message,
                           errors=error.errors)
    complaint.refresh_from_db()
    return _track_page(request, complaint, receipt, notice=notice)


@never_cache
def evidence_file(request, evidence_id, size="full"):
    """A sanitized photo, for staff who may see its complaint (never a public media URL)."""
    if not request.user.is_authenticated:
        raise Http404
    evidence = get_object_or_404(
        Evidence, pk=evidence_id, complaint__in=complaints_visible_to(request.user)
    )
    field = evidence.thumbnail if size == "thumb" else evidence.image
    response = FileResponse(field.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
