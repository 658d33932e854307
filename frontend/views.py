"""Public pages: home, the report form and its receipt, and tracking by receipt.

Every page works without JavaScript (plain forms); the scripts in ``static/frontend/js`` only
make them faster and friendlier. Receipts travel in POST bodies only, never in a URL, and pages
that show a receipt or a case are never cached. Every POST is safe to repeat (a reload): the
forms that write carry a one-time token, the idempotency key of ``complaints.idempotency``, so
the same POST again shows the same receipt or page and files or posts nothing new.
"""

from functools import partial

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints import idempotency, proofofwork
from complaints.access import events_for_reporter
from complaints.exceptions import ApplicationError, InvalidInput
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
from complaints.ratelimits import request_wait, throttled_message
from complaints.receipts import receipt_grouped
from complaints.selectors import complaint_get_by_receipt
from complaints.services import (
    complaint_reporter_decision,
    complaint_reporter_message,
    complaint_reporter_photos,
    complaint_submit,
    complaint_withdraw,
)
from config.metrics import submission_counted
from frontend import tracking
from frontend.errors import http_status, photo_messages
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


REPORT_SCOPE = "page.report"  # the report form's retry-safe answers (complaints.idempotency)


def _report_context(request, *, values=None, errors=None, message="") -> dict:
    values = values or {}
    return {
        "categories": Category.choices,
        "service_groups": _service_groups(service_list_public()),
        "opds": opd_list_public(),
        "areas": kecamatan_list_with_kelurahan(),
        "values": values,
        # Flat lists of messages, beside their fields and linked from the error summary.
        "errors": {field: _form_errors(detail) for field, detail in (errors or {}).items()},
        "message": message,
        "retry_key": _form_retry_key(values.get(idempotency.FORM_FIELD)),
        "photo_messages": photo_messages(),
    }


def _form_retry_key(posted: str | None) -> str:
    """The form's one-time token: the one it was sent with (nothing was filed under it yet, as
    the form is shown again), or a fresh one."""
    try:
        return idempotency.key_clean(posted) or idempotency.key_new()
    except InvalidInput:
        return idempotency.key_new()


def _retry_key(request) -> str | None:
    """The key that makes a page's POST retry-safe: the form's one-time token (a reload sends it
    again), or the ``Idempotency-Key`` header of the page's script."""
    posted = request.POST.get(idempotency.FORM_FIELD) or request.headers.get(idempotency.HEADER)
    return idempotency.key_clean(posted, field=idempotency.FORM_FIELD)


def _throttled(request, scope: str, template: str, context: dict):
    """The page refusing with 429 when the client is over the limit of ``scope``, else None.

    Where a spent budget asks for a proof of work (``complaints.proofofwork``), the refusal
    carries a challenge that the page's script solves and sends back in ``X-Altcha`` with the
    same form; such a solution lets the request through. Without the script, the message says
    how long to wait.
    """
    wait = request_wait(request, scope)
    if wait is None:
        return None
    if proofofwork.applies_to(scope):
        if proofofwork.solution_accept(request.headers.get(proofofwork.HEADER)):
            return None
        context["challenge"] = proofofwork.challenge_new()
    context["message"] = throttled_message(wait)
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
    replayed = _report_replayed(request)
    if replayed:
        return replayed
    refused = _throttled(
        request, "submit", "frontend/report.html", _report_context(request, values=values)
    )
    if refused:
        return refused
    data = request.POST.copy()
    data.setlist("photos", request.FILES.getlist("photos"))
    try:
        # A reload of the receipt page posts the same token again: the same receipt, nothing new.
        answer = idempotency.answer_once(
            key=_retry_key(request),
            scope=REPORT_SCOPE,
            perform=lambda retry: _report_submit(data, retry),
            render=lambda complaint, receipt: {"receipt": receipt},
        )
    except ApplicationError as error:
        context = _report_context(
            request, values=values, errors=error.errors, message=error.message
        )
        return render(request, "frontend/report.html", context, status=http_status(error))
    return _receipt_page(request, answer.data["receipt"])


def _report_replayed(request):
    """The receipt page again for a reload of it (the form's token already answered), before
    the rate limit: a repeat files nothing, so it spends none of the client's budget."""
    try:
        key = _retry_key(request)
    except InvalidInput:
        return None  # refused with the form, below
    answer = idempotency.recall(key=key, scope=REPORT_SCOPE) if key else None
    return _receipt_page(request, answer["receipt"]) if answer else None


def _receipt_page(request, receipt: str):
    complaint = complaint_get_by_receipt(receipt=receipt)
    context = {
        **_case_context(complaint),
        "receipt": receipt_grouped(receipt),
        "track_url": request.build_absolute_uri(reverse("frontend:track")),
        # The file the page's script saves (a Blob: the receipt never goes out again).
        "receipt_file": _receipt_file_text(request, complaint, receipt),
    }
    return render(request, "frontend/receipt.html", context, status=201)


RECEIPT_FILE_TEMPLATE = "frontend/_track_receipt_file.txt"


def _receipt_file_text(request, complaint, receipt: str) -> str:
    """The receipt as a small text file: reference, receipt, how to track, the site's address,
    and a warning to keep it secret. Nothing else about the complaint: it may be found."""
    context = {
        "reference": complaint.reference,
        "receipt": receipt_grouped(receipt),
        "track_url": request.build_absolute_uri(reverse("frontend:track")),
        "site_url": request.build_absolute_uri(reverse("frontend:home")),
    }
    return render_to_string(RECEIPT_FILE_TEMPLATE, context, request=request)


@never_cache
@require_http_methods(["POST"])
def receipt_file(request):
    """The receipt page's "Download" without JavaScript: the receipt POSTed (never in a URL),
    the file as an attachment that is never cached. Counted like tracking, as it opens one."""
    complaint, receipt, refused = _receipt_from(request)
    if refused:
        return refused
    text = _receipt_file_text(request, complaint, receipt)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    filename = f"tanda-terima-{complaint.reference}.txt"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _report_submit(data, retry):
    form = ComplaintInput(data=data)
    if not form.is_valid():
        raise InvalidInput(_("Please check the fields marked below."), errors=form.errors)
    return submission_counted(
        complaint_submit(**form.to_service_kwargs(), retry=retry), channel="page"
    )


_case_context = tracking.case_context


def _track_page(
    request, complaint, receipt: str, *, status=200, message="", notice="", errors=None
):
    actions = tracking.reporter_actions(complaint)
    context = {
        **_case_context(complaint),
        "labels": {
            "status": {code: str(label) for code, label in Status.choices},
            "kind": {code: str(label) for code, label in Event.Kind.choices},
        },
        "receipt": receipt,
        "events": events_for_reporter(complaint),
        # Every form is in the page, those the complaint does not take now hidden; the live
        # socket's "state" shows and hides them by the same answer (frontend.tracking).
        "actions": actions,
        "rating_elements": RatingElement.choices,
        "message": message,
        "notice": notice,
        "errors": errors or {},
        # One token for the page's forms (each action has its own scope): a reload of what a
        # form answered posts nothing again.
        "retry_key": idempotency.key_new(),
    }
    return render(request, "frontend/track.html", context, status=status)


def _receipt_from(request, scope: str = "track"):
    """The complaint a POSTed receipt opens, or the tracking page that says why not; counted
    in ``scope`` (what the reporter sends counts as a submission, as in the API)."""
    # A refused receipt is shown back as typed, to correct a digit rather than type 16 again.
    typed = {"typed": _receipt_as_typed(request)}
    refused = _throttled(request, scope, "frontend/track.html", typed)
    if refused:
        return None, None, refused
    form = ReceiptInput(data=request.POST)
    if not form.is_valid():
        context = {**typed, "errors": form.errors}
        return None, None, render(request, "frontend/track.html", context, status=400)
    receipt = form.validated_data["receipt"]
    complaint = complaint_get_by_receipt(receipt=receipt)
    if complaint is None:
        message = _("No complaint matches this receipt. Check the 16 digits and try again.")
        context = {**typed, "message": message, "receipt_refused": True}
        return None, None, render(request, "frontend/track.html", context, status=404)
    return complaint, receipt, None


def _receipt_as_typed(request) -> str:
    """The POSTed receipt for the field again: the reporter's own input, in the answer to their
    own POST only (never a URL, log or cache: the page is ``never_cache``), autoescaped, cut to
    the field's length and without control characters."""
    value = request.POST.get("receipt", "")[:RECEIPT_FIELD_MAX]
    return "".join(character for character in value if character.isprintable())


# The tracking form's receipt field takes this many characters (16 digits with separators).
RECEIPT_FIELD_MAX = 24


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


def _valid(form):
    """The validated form, or InvalidInput with its errors beside their fields and the first on
    top of the tracking page."""
    if form.is_valid():
        return form.validated_data
    errors = {field: _form_errors(detail) for field, detail in form.errors.items()}
    raise InvalidInput(next(iter(errors.values()))[0], errors=errors)


# What the tracking page says after each action (kept by code with a retry-safe answer).
_TRACK_NOTICES = {
    "reply": gettext_lazy("Your message was sent."),
    "photos": gettext_lazy("Your photos were added."),
    "withdraw": gettext_lazy(
        "Your complaint was withdrawn. What you wrote and your photos were deleted."
    ),
    "closed": gettext_lazy("Thank you. The complaint is closed."),
    "reopened": gettext_lazy("The complaint was reopened; the office will continue."),
}


def _track_call(request, complaint, action: str):
    """The validated service call of a tracking-page form (``retry`` left to give) and the code
    of the notice it ends with."""
    if action == "reply":
        body = _valid(ReporterMessageInput(data=request.POST))["body"]
        return partial(complaint_reporter_message, complaint=complaint, body=body), "reply"
    if action == "withdraw":
        _valid(WithdrawalInput(data=request.POST))
        return partial(complaint_withdraw, complaint=complaint), "withdraw"
    if action == "photos":
        photos = request.FILES.getlist("photos")
        return partial(complaint_reporter_photos, complaint=complaint, photos=photos), "photos"
    decision = _valid(ReporterDecisionInput(data=_decision_data(request.POST)))
    call = partial(
        complaint_reporter_decision,
        complaint=complaint,
        accept=decision["accept"],
        ratings=decision["ratings"],
    )
    return call, "closed" if decision["accept"] else "reopened"


@never_cache
@require_http_methods(["POST"])
def track_action(request, action: str):
    """The reporter answers, adds photos, accepts/disputes and rates, or withdraws the complaint
    (tracking page forms)."""
    scope = "submit" if action in {"reply", "photos"} else "track"
    complaint, receipt, refused = _receipt_from(request, scope)
    if refused:
        return refused
    try:
        key = _retry_key(request)
        call, notice = _track_call(request, complaint, action)
        # The form's token again (a reload of this page): the same page, nothing posted twice.
        answer = idempotency.answer_once(
            key=key,
            scope=f"page.track.{action}:{complaint.pk}",
            perform=lambda retry: call(retry=retry),
            render=lambda complaint: {"notice": notice},
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
    notice = _TRACK_NOTICES.get(answer.data.get("notice"), _TRACK_NOTICES[notice])
    return _track_page(request, complaint, receipt, notice=str(notice))


@never_cache
def evidence_file(request, evidence_id, size="full"):
    """A sanitized photo, for staff who may see its complaint (never a public media URL)."""
    return evidence_response(request.user, evidence_id, thumbnail=size == "thumb")
