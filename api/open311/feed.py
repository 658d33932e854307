"""What the public Open311 feed carries of a complaint: the de-identified reads.

Every complaint is in the feed (each report counts in public), but only as: its reference, the
service, ``open``/``closed``, the office handling it, the kecamatan, and days. Its text is the
summary someone outside the accused office approved (``Complaint.published_summary``,
``complaints.services.publication``); a complaint without one has no ``description`` at all,
and a withdrawn complaint never shows one. Never what the reporter wrote or sent, photos,
amounts, the kelurahan, the routing's reasons, or times finer than the day: a time of day would
link a report to whoever was seen at the office then (the deadline, counted from the moment the
report came in, would give that time away too). For the same reason a complaint enters the list
only the day after it came in, and a day's complaints are listed by reference, not in the order
they came: someone polling the feed learns the day, not the minute. By its reference (which only
its reporter and the client that posted it know at first) a complaint can be read at once.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from api.open311.directory import GENERAL_CODE
from complaints.access import complaints_in_public_feed, public_feed_summary
from complaints.models import UNRESOLVED_EXCLUDED, Complaint

OPEN, CLOSED = "open", "closed"
# GeoReport: without dates, the last 90 days; a range may not span more.
DEFAULT_DAYS = 90
MAX_SPAN = timedelta(days=90)
PAGE_SIZE = 100
PAGE_SIZE_MAX = 1000
IDS_MAX = PAGE_SIZE_MAX


@dataclass(frozen=True)
class FeedQuery:
    """A validated feed request (``api.open311.inputs.feed_query``)."""

    references: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    page: int = 1
    page_size: int = PAGE_SIZE


def feed_requests(query: FeedQuery) -> list[dict]:
    """The requests ``query`` selects, newest first, one page of them."""
    complaints = _published()
    if query.references:
        complaints = complaints.filter(reference__in=query.references)
    else:
        complaints = _filtered(complaints.filter(created_at__lt=_today_began()), query)
    offset = (query.page - 1) * query.page_size
    return [request_entry(c) for c in complaints[offset : offset + query.page_size]]


def feed_request(reference: str) -> dict | None:
    complaint = _published().filter(reference=reference).first()
    return None if complaint is None else request_entry(complaint)


def _published() -> QuerySet[Complaint]:
    day = TruncDate("created_at", tzinfo=timezone.get_current_timezone())
    return (
        complaints_in_public_feed()
        .select_related("service", "opd", "kecamatan")
        .annotate(day=day)
        .order_by("-day", "reference")
    )


def _today_began() -> datetime:
    return datetime.combine(timezone.localdate(), time.min, tzinfo=timezone.get_current_timezone())


def _filtered(complaints: QuerySet[Complaint], query: FeedQuery) -> QuerySet[Complaint]:
    end = query.end or timezone.now()
    start = query.start or end - timedelta(days=DEFAULT_DAYS)
    complaints = complaints.filter(created_at__gte=start, created_at__lte=end)
    if query.service_codes:
        codes = [code for code in query.service_codes if code != GENERAL_CODE]
        general = GENERAL_CODE in query.service_codes
        complaints = complaints.filter(_service_q(codes, general=general))
    if set(query.statuses) == {OPEN}:
        complaints = complaints.exclude(status__in=UNRESOLVED_EXCLUDED)
    elif set(query.statuses) == {CLOSED}:
        complaints = complaints.filter(status__in=UNRESOLVED_EXCLUDED)
    return complaints


def _service_q(codes: list[str], *, general: bool) -> Q:
    q = Q(service__code__in=codes)
    if general:
        q |= Q(service__isnull=True)
    return q


def status_of(complaint: Complaint) -> str:
    """``open`` while still in the office's hands; ``closed`` once resolved or closed."""
    return OPEN if complaint.is_unresolved else CLOSED


def request_entry(complaint: Complaint) -> dict:
    """One complaint as the feed carries it (see the module's docstring for what it leaves out)."""
    entry = {
        "service_request_id": complaint.reference,
        "status": status_of(complaint),
        "service_code": complaint.service.code if complaint.service_id else GENERAL_CODE,
        "service_name": complaint.service.name if complaint.service_id else _("Other"),
        "agency_responsible": complaint.opd.name if complaint.opd_id else None,
        "service_notice": None,
        "requested_datetime": _day(complaint.created_at),
        "updated_datetime": _day(complaint.updated_at),
        "expected_datetime": _day(complaint.due_at) if status_of(complaint) == OPEN else None,
        "address": _area(complaint),
        "media_url": None,
    }
    if summary := public_feed_summary(complaint):
        entry["description"] = summary
    return entry


def _day(at: datetime | None) -> str | None:
    """The day of ``at`` in the portal's time zone, as a W3C datetime at midnight."""
    if at is None:
        return None
    day = timezone.localtime(at).date()
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone()).isoformat()


def _area(complaint: Complaint) -> str | None:
    return complaint.kecamatan.name if complaint.kecamatan_id else None
