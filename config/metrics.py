"""Operators' metrics (Prometheus): every metric of the portal, the one-line hooks that feed
them, the request-timing middleware and the protected ``/metrics`` endpoint.

Across processes (the uvicorn workers, the outbox publisher, the clocks, the notifier) the
values are shared through prometheus-client's multiprocess mode: with
``PROMETHEUS_MULTIPROC_DIR`` set, each process writes its own files there and ``/metrics`` adds
them up. The directory must be emptied before the topology starts (`make prod-local` and the
compose release job do it). Without the variable each process counts for itself (``make run``:
one process).

No metric carries a client address, a user agent, a receipt or a reference: a request is
labelled with its route's pattern (``api/v1/staff/complaints/<reference:reference>/``), never
with the path that was asked for, and every label takes its value from a short fixed set.

This module imports nothing from the project at import time, so any layer may feed it.
"""

import os
import time
from contextlib import contextmanager

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

REQUEST_SECONDS = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer an HTTP request, by route pattern, method and status class.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SUBMISSIONS = Counter(
    "portal_complaints_submitted",
    "Complaints filed, by category and channel (api, page, open311).",
    ["category", "channel"],
)
EVENTS_PUBLISHED = Counter("portal_events_published", "Complaint events sent to the channel layer.")
PUBLISH_LAG = Histogram(
    "portal_event_publish_lag_seconds",
    "From an event's commit to its publication on the channel layer.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
OPEN_SOCKETS = Gauge(
    "portal_websockets_open",
    "Websockets open now, by kind (reporter, staff).",
    ["kind"],
    multiprocess_mode="livesum",
)
JOB_RUNS = Counter(
    "portal_job_runs",
    "Runs of the periodic jobs (outbox, counters, clocks, notifications), by outcome.",
    ["job", "outcome"],
)

# Anything else a client sends as a method is counted as "other": labels stay a fixed set.
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
UNMATCHED_ROUTE = "(unmatched)"


# --- Hooks: each called in one line where the thing happens ---------------------------------


def submission_counted(result, *, channel: str):
    """Count a filed complaint (``result``: ``complaint_submit``'s (complaint, receipt));
    returns ``result`` unchanged so the call wraps the service's."""
    SUBMISSIONS.labels(category=result[0].category, channel=channel).inc()
    return result


def events_published(events) -> None:
    """Count events just sent, and how long after their commit they went out."""
    now = timezone.now()
    for event in events:
        EVENTS_PUBLISHED.inc()
        PUBLISH_LAG.observe(max((now - event.created_at).total_seconds(), 0.0))


@contextmanager
def job_run(job: str):
    """Count one run of a periodic job as ``ok`` or ``error`` (the error goes on up; a run
    cancelled or interrupted by a shutdown is not counted)."""
    try:
        yield
    except Exception:
        JOB_RUNS.labels(job=job, outcome="error").inc()
        raise
    JOB_RUNS.labels(job=job, outcome="ok").inc()


class OpenSocketsCounted:
    """Consumer mixin: a socket counts in ``portal_websockets_open`` from its accept until its
    consumer ends, however it ends (a socket refused before its accept never counted)."""

    socket_kind = "reporter"
    _socket_counted = False

    async def __call__(self, scope, receive, send):
        try:
            return await super().__call__(scope, receive, send)
        finally:
            if self._socket_counted:
                OPEN_SOCKETS.labels(kind=self.socket_kind).dec()

    async def accept(self, *args, **kwargs):
        await super().accept(*args, **kwargs)
        if not self._socket_counted:
            self._socket_counted = True
            OPEN_SOCKETS.labels(kind=self.socket_kind).inc()


def process_exited() -> None:
    """Drop this process's live gauges (its open sockets) from the shared directory."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(os.getpid())


# --- Request timing -------------------------------------------------------------------------


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None and match.route else UNMATCHED_ROUTE


def _observe(request, response, started: float) -> None:
    method = request.method if request.method in KNOWN_METHODS else "other"
    REQUEST_SECONDS.labels(
        route=_route(request), method=method, status=f"{response.status_code // 100}xx"
    ).observe(time.perf_counter() - started)


class RequestMetricsMiddleware:
    """Times every HTTP request by route pattern; not loaded when metrics are off (no
    ``PORTAL_METRICS_TOKEN``), so it then costs nothing."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        if not settings.PORTAL_METRICS_TOKEN:
            raise MiddlewareNotUsed
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        started = time.perf_counter()
        response = self.get_response(request)
        _observe(request, response, started)
        return response

    async def __acall__(self, request):
        started = time.perf_counter()
        response = await self.get_response(request)
        _observe(request, response, started)
        return response


# --- The endpoint ---------------------------------------------------------------------------


class OutboxBacklogCollector:
    """``portal_outbox_backlog``: committed events not yet published, read when scraped (one
    indexed count), so it is right whichever process publishes."""

    def collect(self):
        from complaints.models import Event

        backlog = Event.objects.filter(published_at__isnull=True).count()
        yield GaugeMetricFamily(
            "portal_outbox_backlog", "Committed events waiting to be published.", value=backlog
        )


def metrics_text() -> bytes:
    """The exposition text of every process's metrics, and the outbox backlog."""
    backlog = CollectorRegistry(auto_describe=True)
    backlog.register(OutboxBacklogCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shared = CollectorRegistry()
        multiprocess.MultiProcessCollector(shared)
    else:
        shared = REGISTRY
    return generate_latest(shared) + generate_latest(backlog)


def _authorized(request) -> bool:
    supplied = request.headers.get("Authorization", "")
    return constant_time_compare(supplied, f"Bearer {settings.PORTAL_METRICS_TOKEN}")


@never_cache
@require_GET
def metrics_view(request):
    """``GET /metrics`` with ``Authorization: Bearer <PORTAL_METRICS_TOKEN>``; without a
    configured token the endpoint does not exist (404)."""
    if not settings.PORTAL_METRICS_TOKEN:
        raise Http404
    if not _authorized(request):
        return HttpResponseForbidden("", content_type="text/plain")
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
