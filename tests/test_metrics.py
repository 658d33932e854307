"""``/metrics`` (config.metrics): protected by a bearer token, labelled by route pattern and
never by anything about a client, and fed by the hooks where things happen (submissions,
event publishing, sockets, periodic jobs); shared across processes in multiprocess mode."""

import subprocess
import sys
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator
from django.core.management import call_command
from django.test import Client
from prometheus_client import REGISTRY

from config.asgi import application
from tests.api.client import COMPLAINTS_URL, PARKIR_STORY

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]
TOKEN = "metrics-token-for-tests-7f3a"
# Markers a client could put in a request; none may reach the metrics.
CLIENT_MARKERS = {
    "REMOTE_ADDR": "203.0.113.77",
    "HTTP_X_FORWARDED_FOR": "198.51.100.99",
    "HTTP_USER_AGENT": "MarkerBrowser/9.9 (unik-ua-4411)",
    "HTTP_X_REAL_IP": "192.0.2.55",
}
METRIC_NAMES = [
    "portal_http_request_duration_seconds",
    "portal_complaints_submitted_total",
    "portal_events_published_total",
    "portal_event_publish_lag_seconds",
    "portal_outbox_backlog",
    "portal_websockets_open",
    "portal_job_runs_total",
]


@pytest.fixture
def metrics_on(settings):
    """Metrics with a token; a new client loads the middleware with it."""
    settings.PORTAL_METRICS_TOKEN = TOKEN
    return Client()


def scrape(client: Client, token: str | None = TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.get("/metrics", **headers)


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# --- Protection -------------------------------------------------------------------------------


def test_without_a_configured_token_there_is_no_endpoint(settings):
    settings.PORTAL_METRICS_TOKEN = ""

    assert scrape(Client(), token=None).status_code == 404
    assert scrape(Client(), token="").status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [None, "", f"Bearer {TOKEN}x", f"Token {TOKEN}", TOKEN, f"bearer{TOKEN}", "Bearer "],
)
def test_a_missing_or_wrong_token_is_refused(metrics_on, authorization):
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}

    response = metrics_on.get("/metrics", **headers)

    assert response.status_code == 403
    assert b"portal_" not in response.content


def test_the_right_token_gets_every_metric(metrics_on):
    response = scrape(metrics_on)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for name in METRIC_NAMES:
        assert f"# TYPE {name.removesuffix('_total')}" in text, name


# --- What the metrics carry -------------------------------------------------------------------


def test_requests_are_timed_by_route_pattern_never_by_path_or_client(metrics_on, directory):
    reference = "BKL-Z9Q8-W7X6"
    metrics_on.get(f"/api/v1/staff/complaints/{reference}/", **CLIENT_MARKERS)
    metrics_on.get("/pantau/?ref=unik-query-5531", **CLIENT_MARKERS)
    metrics_on.get("/no-such-page-unik-8812/", **CLIENT_MARKERS)
    metrics_on.generic("BREW", "/", **CLIENT_MARKERS)

    text = scrape(metrics_on).content.decode()

    assert 'route="api/v1/staff/complaints/<reference:reference>/"' in text
    assert 'route="pantau/"' in text and 'route="(unmatched)"' in text
    assert 'method="other"' in text and "BREW" not in text
    for leak in [reference, "unik-query-5531", "unik-8812", *CLIENT_MARKERS.values()]:
        assert leak not in text
    assert "unik-ua" not in text and "203.0.113" not in text


def test_a_submission_is_counted_by_category_and_channel(metrics_on, directory):
    before = value("portal_complaints_submitted_total", category="pungli", channel="api")

    response = metrics_on.post(
        COMPLAINTS_URL, PARKIR_STORY, content_type="application/json", **CLIENT_MARKERS
    )

    assert response.status_code == 201
    after = value("portal_complaints_submitted_total", category="pungli", channel="api")
    assert after == before + 1
    text = scrape(metrics_on).content.decode()
    assert response.json()["reference"] not in text and response.json()["receipt"] not in text


def test_a_report_through_the_page_counts_as_the_page_channel(metrics_on, directory):
    from tests.frontend.test_retry_safe_forms import REPORT, browser, form_of

    client = browser()
    before = value("portal_complaints_submitted_total", category="pungli", channel="page")
    sent = {**REPORT, **form_of(client.get("/lapor/"))}

    for _ in range(2):  # the browser's reload re-posts the same form: one complaint
        assert client.post("/lapor/", sent).status_code == 201

    assert value("portal_complaints_submitted_total", category="pungli", channel="page") == (
        before + 1
    )


def test_a_retried_submission_is_counted_once(metrics_on, directory):
    before = value("portal_complaints_submitted_total", category="pungli", channel="api")
    for _ in range(2):
        response = metrics_on.post(
            COMPLAINTS_URL,
            PARKIR_STORY,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="metrics-retry-key-0001",
        )
        assert response.status_code == 201

    assert value("portal_complaints_submitted_total", category="pungli", channel="api") == (
        before + 1
    )


def test_published_events_are_counted_with_their_lag(
    metrics_on, directory, django_capture_on_commit_callbacks
):
    published = value("portal_events_published_total")
    lags = value("portal_event_publish_lag_seconds_count")

    with django_capture_on_commit_callbacks(execute=True):
        response = metrics_on.post(COMPLAINTS_URL, PARKIR_STORY, content_type="application/json")

    assert response.status_code == 201
    sent = value("portal_events_published_total") - published
    assert sent >= 1
    assert value("portal_event_publish_lag_seconds_count") - lags == sent


def test_the_outbox_backlog_is_read_when_scraped(metrics_on, directory):
    from complaints.models import Event

    response = metrics_on.post(COMPLAINTS_URL, PARKIR_STORY, content_type="application/json")
    assert response.status_code == 201  # its events were never published (no commit here)
    waiting = Event.objects.filter(published_at__isnull=True).count()
    assert waiting >= 1

    text = scrape(metrics_on).content.decode()

    assert f"portal_outbox_backlog {float(waiting)}" in text


def test_job_runs_are_counted_by_job_and_outcome(monkeypatch):
    ok = value("portal_job_runs_total", job="outbox", outcome="ok")
    call_command("publish_outbox")
    assert value("portal_job_runs_total", job="outbox", outcome="ok") == ok + 1

    def broken(**kwargs):
        raise RuntimeError("clock broke")

    monkeypatch.setattr("complaints.management.commands.run_clocks.clocks_run", broken)
    failed = value("portal_job_runs_total", job="clocks", outcome="error")
    with pytest.raises(RuntimeError):
        call_command("run_clocks")
    assert value("portal_job_runs_total", job="clocks", outcome="error") == failed + 1


@pytest.mark.django_db(transaction=True)
async def test_open_sockets_are_counted_while_open():
    before = value("portal_websockets_open", kind="reporter")
    socket = WebsocketCommunicator(
        application,
        "/ws/track/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")],
    )
    connected, _ = await socket.connect(timeout=5)
    assert connected

    assert value("portal_websockets_open", kind="reporter") == before + 1
    await socket.disconnect()
    assert value("portal_websockets_open", kind="reporter") == before


def test_a_staff_socket_refused_before_its_accept_never_counts():
    before = value("portal_websockets_open", kind="staff")

    async def refused():
        socket = WebsocketCommunicator(
            application,
            "/ws/staff/",
            headers=[(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")],
        )
        connected, _ = await socket.connect(timeout=5)
        await socket.disconnect()
        return connected

    from asgiref.sync import async_to_sync

    assert async_to_sync(refused)() is False
    assert value("portal_websockets_open", kind="staff") == before


# --- Across processes -------------------------------------------------------------------------

COUNT_ONE = (
    "from config import metrics; "
    "metrics.SUBMISSIONS.labels(category='delay', channel='page').inc(); "
    "metrics.OPEN_SOCKETS.labels(kind='staff').inc()"
)


def test_values_of_several_processes_are_added_up(metrics_on, tmp_path, monkeypatch):
    """Two processes (as the two uvicorn workers) write to the shared directory; the scrape,
    from a third, reports their sum. A process that exited leaves its counts, not its sockets."""
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", COUNT_ONE], cwd=ROOT, env=env, check=True)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    text = scrape(metrics_on).content.decode()

    assert 'portal_complaints_submitted_total{category="delay",channel="page"} 2.0' in text
    # Live gauges of processes that are gone count until marked dead (config.lifespan does it).
    assert 'portal_websockets_open{kind="staff"} 2.0' in text
