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
from complaints.models import Category, Event, Evidence, Status
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
from complaints.services import complaint_submit
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


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        return render(request, "frontend/track.html")
    refused = _throttled(request, "track", "frontend/track.html", {})
    if refused:
        return refused
    form = ReceiptInput(data=request.POST)
    if not form.is_valid():
        return render(request, "frontend/track.html", {"errors": form.errors}, status=400)
    receipt = form.validated_data["receipt"]
    complaint = complaint_get_by_receipt(receipt=receipt)
    if complaint is None:
        message = _("No complaint matches this receipt. Check the 16 digits and try again.")
        return render(request, "frontend/track.html", {"message": message}, status=404)
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
    }
    return render(request, "frontend/track.html", context)


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
