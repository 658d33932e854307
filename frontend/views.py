"""Public pages: home, the report form and its receipt, and tracking by receipt.

Every page works without JavaScript (plain forms); the scripts in ``static/frontend/js`` only
make them faster and friendlier. Receipts travel in POST bodies only, never in a URL, and pages
that show a receipt or a case are never cached.
"""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints.access import events_for_reporter
from complaints.exceptions import ApplicationError
from complaints.files import evidence_response
from complaints.inputs import (
    ComplaintInput,
    ReceiptInput,
    ReporterDecisionInput,
    ReporterMessageInput,
    WithdrawalInput,
)
from complaints.integrity import MSG_NO_CHECKPOINT, proof_for
from complaints.models import Category, Event, RatingElement, Status
from complaints.ratelimits import MSG_THROTTLED, request_wait
from complaints.receipts import receipt_grouped
from complaints.selectors import (
    complaint_delay_check,
    complaint_fee_check,
    complaint_get_by_receipt,
)
from complaints.services import (
    complaint_reporter_decision,
    complaint_reporter_message,
    complaint_reporter_photos,
    complaint_submit,
    complaint_withdraw,
)
from frontend.errors import http_status
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
    }


def _throttled(request, scope: str, template: str, context: dict):
    """The page refusing with 429 when the client is over the limit of ``scope``, else None."""
    wait = request_wait(request, scope)
    if wait is None:
        return None
    context["message"] = str(MSG_THROTTLED) % {"seconds": wait}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def report(request):
    if request.method == "GET":
        values = {"service": request.GET.get("service", "")}
        return render(request, "frontend/report.html", _report_context(request, values=values))
    values = request.POST.dict()
    refused = _throttled(
        request, "submit", "frontend/report.html", _report_context(request, values=values)
    )
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
        context = _report_context(
            request, values=values, errors=error.errors, message=error.message
        )
        return render(request, "frontend/report.html", context, status=http_status(error))
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


def _track_page(
    request, complaint, receipt: str, *, status=200, message="", notice="", errors=None
):
    context = {
        **_case_context(complaint),
        "labels": {
            "status": {code: str(label) for code, label in Status.choices},
            "kind": {code: str(label) for code, label in Event.Kind.choices},
        },
        "receipt": receipt,
        "events": events_for_reporter(complaint),
        "can_reply": complaint.accepts_reporter_input,
        "can_decide": complaint.awaits_reporter_decision,
        "withdrawn": complaint.withdrawn_at is not None,
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
        return (
            None,
            None,
            render(request, "frontend/track.html", {"errors": form.errors}, status=400),
        )
    receipt = form.validated_data["receipt"]
    complaint = complaint_get_by_receipt(receipt=receipt)
    if complaint is None:
        message = _("No complaint matches this receipt. Check the 16 digits and try again.")
        return None, None, render(request, "frontend/track.html", {"message": message}, status=404)
    return complaint, receipt, None


@never_cache
@require_http_methods(["POST"])
def track_proof(request):
    """The integrity proof of the complaint's history, as a file (docs/integrity.md)."""
    complaint, receipt, refused = _receipt_from(request)
    if refused:
        return refused
    proof = proof_for(complaint)
    if proof is None:
        message = str(MSG_NO_CHECKPOINT)
        return _track_page(request, complaint, receipt, status=404, message=message)
    response = JsonResponse(proof, json_dumps_params={"indent": 2, "ensure_ascii": False})
    filename = f"bukti-{complaint.reference}-{proof['checkpoint']['date']}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        return render(request, "frontend/track.html")
    complaint, receipt, refused = _receipt_from(request)
    return refused or _track_page(request, complaint, receipt)


def _decision_data(post) -> dict:
    """The decision form (``accept``, one ``rating_<element>`` radio group per element, each
    optional) in the shape of ``ReporterDecisionInput``, which the API receives as JSON."""
    data = {
        "receipt": post.get("receipt", ""),
        "ratings": {
            element: post[f"rating_{element}"]
            for element in RatingElement.values
            if post.get(f"rating_{element}", "") != ""
        },
    }
    if "accept" in post:
        data["accept"] = post["accept"]
    return data


def _form_errors(detail) -> list[str]:
    """A field's messages, flat and without repeats (a dict field has messages per key)."""
    if isinstance(detail, dict):
        messages = [text for value in detail.values() for text in _form_errors(value)]
    elif isinstance(detail, list):
        messages = [text for value in detail for text in _form_errors(value)]
    else:
        messages = [str(detail)]
    return list(dict.fromkeys(messages))


def _track_invalid(request, complaint, receipt: str, form):
    """The tracking page again, with the input's errors beside their fields and the first on top."""
    errors = {field: _form_errors(detail) for field, detail in form.errors.items()}
    message = next(iter(errors.values()))[0]
    return _track_page(request, complaint, receipt, status=400, message=message, errors=errors)


@never_cache
@require_http_methods(["POST"])
def track_action(request, action: str):
    """The reporter answers, adds photos, accepts/disputes and rates, or withdraws the complaint
    (tracking page forms)."""
    complaint, receipt, refused = _receipt_from(request)
    if refused:
        return refused
    try:
        if action == "reply":
            form = ReporterMessageInput(data=request.POST)
            if not form.is_valid():
                return _track_invalid(request, complaint, receipt, form)
            complaint_reporter_message(complaint=complaint, body=form.validated_data["body"])
            notice = _("Your message was sent.")
        elif action == "withdraw":
            form = WithdrawalInput(data=request.POST)
            if not form.is_valid():
                return _track_invalid(request, complaint, receipt, form)
            complaint_withdraw(complaint=complaint)
            notice = _("Your complaint was withdrawn. What you wrote and your photos were deleted.")
        elif action == "photos":
            complaint_reporter_photos(complaint=complaint, photos=request.FILES.getlist("photos"))
            notice = _("Your photos were added.")
        else:
            form = ReporterDecisionInput(data=_decision_data(request.POST))
            if not form.is_valid():
                return _track_invalid(request, complaint, receipt, form)
            accept = form.validated_data["accept"]
            complaint_reporter_decision(
                complaint=complaint, accept=accept, ratings=form.validated_data["ratings"]
            )
            notice = (
                _("Thank you. The complaint is closed.")
                if accept
                else _("The complaint was reopened; the office will continue.")
            )
    except ApplicationError as error:
        return _track_page(
            request,
            complaint,
            receipt,
            status=http_status(error),
            message=error.message,
            errors=error.errors,
        )
    complaint.refresh_from_db()
    return _track_page(request, complaint, receipt, notice=notice)


@never_cache
def evidence_file(request, evidence_id, size="full"):
    """A sanitized photo, for staff who may see its complaint (never a public media URL)."""
    return evidence_response(request.user, evidence_id, thumbnail=size == "thumb")
