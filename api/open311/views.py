"""One view per GeoReport v2 endpoint; the format is the path's suffix (``.json``/``.xml``).

Reads are anonymous and limited per address like the public directory (``directory`` scope);
a POST needs an ``api_key`` (``api.open311.keys``) and counts against the address's ``submit``
budget, like any report, and against its key's own ``open311_key`` budget. Every refusal is
GeoReport's error format, in the request's language (``Accept-Language``), 4xx.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from api.open311 import feed, keys, render
from api.open311.directory import service_definition, services_list
from api.open311.inputs import MSG_UNKNOWN_SERVICE, feed_query, posted_request
from complaints import ratelimits
from complaints.exceptions import ApplicationError
from complaints.services import complaint_submit
from config.metrics import submission_counted

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-30T00:00:00+07:00"


class Refused(ApplicationError):
    """A refusal with its own HTTP status (403 for a key, 404 for a reference)."""

    def __init__(self, message, *, status: int):
        super().__init__(str(message))
        self.http_status = status


def _throttled(wait: int, fmt: str):
    response = render.errors([(429, ratelimits.throttled_message(wait))], fmt, status=429)
    response["Retry-After"] = str(wait)
    return response


def endpoint(methods=("GET",)):
    """A GeoReport view: its methods, the read limit, and every refusal as GeoReport errors."""

    def decorate(view):
        @csrf_exempt  # no cookie authenticates here: a POST carries its api_key
        @wraps(view)
        def wrapped(request, *args, fmt=render.JSON, **kwargs):
            if request.method not in methods:
                message = _("Method not allowed.")
                response = render.errors([(405, message)], fmt, status=405)
                response["Allow"] = ", ".join(methods)
                return response
            if request.method == "GET":
                wait = ratelimits.request_wait(request, "directory")
                if wait is not None:
                    return _throttled(wait, fmt)
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except RequestDataTooBig:
                return render.errors([(413, _("The request is too large."))], fmt, status=413)
            except ApplicationError as error:
                return _refused(error, fmt)

        return wrapped

    return decorate


def _refused(error: ApplicationError, fmt: str):
    status = getattr(error, "http_status", 400)
    if error.errors:
        items = [
            (status, f"{field}: {text}") for field, texts in error.errors.items() for text in texts
        ]
    else:
        items = [(status, error.message)]
    return render.errors(items, fmt, status=status)


@endpoint()
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": fmt}))
    data = {
        "changeset": CHANGESET,
        "contact": settings.PORTAL_BASE_URL,
        "key_service": _("API keys are issued by the portal's administrators."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rsplit("/", 1)[0],
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render.answer(data, fmt, root="discovery")


@endpoint()
def services(request, fmt):
    return render.answer(services_list(), fmt, root="services")


@endpoint()
def service(request, code, fmt):
    try:
        definition = service_definition(code)
    except KeyError:
        raise Refused(MSG_UNKNOWN_SERVICE, status=404) from None
    return render.answer(definition, fmt, root="service_definition")


@endpoint(methods=("GET", "POST"))
def requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    return render.answer(feed.feed_requests(feed_query(request.GET)), fmt, root="service_requests")


@endpoint()
def request_detail(request, reference, fmt):
    entry = feed.feed_request(reference)
    if entry is None:
        raise Refused(_("No request with that service_request_id."), status=404)
    return render.answer([entry], fmt, root="service_requests")


def _create(request, fmt):
    """File the report a client posts: its key, the limits, then the same submission as the
    report form (routing, checks, anonymity)."""
    client = keys.client_for_key(request.POST.get("api_key"))
    if client is None:
        raise Refused(_("A valid api_key is required to post a request."), status=403)
    posted = posted_request(request.POST)
    for scope, ident in (
        ("submit", ratelimits.client_address(request)),
        ("open311_key", client.key_hash),
    ):
        wait = ratelimits.limit_wait(scope, ident)
        if wait is not None:
            return _throttled(wait, fmt)
    complaint, receipt = submission_counted(complaint_submit(**posted.kwargs), channel="open311")
    keys.client_used(client=client)
    return render.answer([_created(complaint, receipt)], fmt, root="service_requests", status=201)


def _created(complaint, receipt: str) -> dict:
    if complaint.opd_id:
        notice = _("Sent to %(opd)s. Keep the receipt: it is shown only this once.") % {
            "opd": complaint.opd.name
        }
    else:
        notice = _(
            "The complaint desk will route it. Keep the receipt: it is shown only this once."
        )
    return {
        "service_request_id": complaint.reference,
        "service_notice": notice,
        "token": None,
        "account_id": None,
        "agency_responsible": complaint.opd.name if complaint.opd_id else None,
        # Extension: the reporter's only key to follow the complaint (``POST /api/v1/track/``).
        "receipt": receipt,
    }


def not_found(request, fmt=render.JSON):
    return render.errors([(404, _("Not found."))], fmt, status=404)
