"""What GeoReport clients send, checked: the feed's filters and a posted request.

A posted request becomes the report form's own input (``complaints.inputs.ComplaintInput``), so
it meets the same rules as any report. GeoReport's identity fields (``email``, ``first_name``,
``last_name``, ``phone``, ``device_id``, ``account_id``) are never read, and neither are the
location fields (``lat``, ``long``, ``address_string``, ``address_id``) nor ``media_url``
(nothing is fetched from elsewhere): the complaint has no field for any of them. The place is
``attribute[kelurahan]``, a Kemendagri code.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from api.open311 import feed
from api.open311.directory import service_for_code
from complaints.exceptions import InvalidInput
from complaints.inputs import ComplaintInput

MSG_UNKNOWN_SERVICE = _("Unknown service_code: see services.json for the codes.")
MSG_SERVICE_REQUIRED = _("service_code is required.")
MSG_STATUS = _("status is open, closed or both, separated by a comma.")
MSG_DATE = _("Give %(field)s as a W3C date and time, e.g. 2026-01-31T00:00:00+07:00.")
MSG_RANGE = _("end_date must come after start_date, at most 90 days later.")
MSG_NUMBER = _("%(field)s is a whole number from 1 to %(max)s.")
MSG_TOO_MANY = _("At most %(max)s values can be given in %(field)s.")

# The report form's fields a request may carry as ``attribute[<code>]``.
ATTRIBUTES = (
    "category",
    "kelurahan",
    "amount_asked",
    "amount_paid",
    "karcis_given",
    "incident_date",
    "applied_date",
    "involves_head",
)


def feed_query(params) -> feed.FeedQuery:
    """The feed's filters from the query string; InvalidInput, by parameter, for a bad one."""
    errors: dict[str, list[str]] = {}

    def check(name, read):
        try:
            return read(params.get(name, "").strip())
        except ValueError as error:
            errors[name] = [str(error)]
            return None

    query = {
        "references": check("service_request_id", lambda v: _listed(v, "service_request_id")),
        "service_codes": check("service_code", lambda v: _service_codes(v)),
        "statuses": check("status", _statuses),
        "start": check("start_date", lambda v: _when(v, "start_date")),
        "end": check("end_date", lambda v: _when(v, "end_date")),
        "page": check("page", lambda v: _number(v, "page", default=1, most=10_000)),
        "page_size": check(
            "page_size",
            lambda v: _number(v, "page_size", default=feed.PAGE_SIZE, most=feed.PAGE_SIZE_MAX),
        ),
    }
    if not errors and query["start"] and query["end"]:
        if not timedelta_ok(query["start"], query["end"]):
            errors["end_date"] = [str(MSG_RANGE)]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], errors=errors)
    return feed.FeedQuery(**query)


def timedelta_ok(start: datetime, end: datetime) -> bool:
    return start <= end <= start + feed.MAX_SPAN


def _listed(value: str, field: str) -> tuple[str, ...]:
    items = tuple(dict.fromkeys(item.strip() for item in value.split(",") if item.strip()))
    if len(items) > feed.IDS_MAX:
        raise ValueError(MSG_TOO_MANY % {"max": feed.IDS_MAX, "field": field})
    return items


def _service_codes(value: str) -> tuple[str, ...]:
    codes = _listed(value, "service_code")
    for code in codes:
        try:
            service_for_code(code)
        except KeyError:
            raise ValueError(MSG_UNKNOWN_SERVICE) from None
    return codes


def _statuses(value: str) -> tuple[str, ...]:
    statuses = _listed(value.lower(), "status")
    if not set(statuses) <= {feed.OPEN, feed.CLOSED}:
        raise ValueError(MSG_STATUS)
    return statuses


def _when(value: str, field: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
        if parsed is None and parse_date(value) is not None:
            parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValueError(MSG_DATE % {"field": field})
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _number(value: str, field: str, *, default: int, most: int) -> int:
    if not value:
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 6) or not 1 <= int(value) <= most:
        raise ValueError(MSG_NUMBER % {"field": field, "max": most})
    return int(value)


@dataclass(frozen=True)
class PostedRequest:
    """A posted request as ``complaints.services.complaint_submit`` takes it."""

    kwargs: dict


def posted_request(data) -> PostedRequest:
    """The report a GeoReport POST describes; InvalidInput (by GeoReport field) if it is not one."""
    code = (data.get("service_code") or "").strip()
    if not code:
        raise InvalidInput.on_field("service_code", MSG_SERVICE_REQUIRED)
    try:
        service = service_for_code(code)
    except KeyError:
        raise InvalidInput.on_field("service_code", MSG_UNKNOWN_SERVICE) from None
    form = {name: data[f"attribute[{name}]"] for name in ATTRIBUTES if f"attribute[{name}]" in data}
    form["description"] = data.get("description", "")
    if service is not None:
        form["service"] = service.code
    checked = ComplaintInput(data=form)
    if not checked.is_valid():
        errors = {
            _georeport_name(name): [str(text) for text in texts]
            for name, texts in checked.errors.items()
        }
        raise InvalidInput(next(iter(errors.values()))[0], errors=errors)
    return PostedRequest(kwargs=checked.to_service_kwargs())


def _georeport_name(field: str) -> str:
    if field in ATTRIBUTES:
        return f"attribute[{field}]"
    return "service_code" if field == "service" else field
