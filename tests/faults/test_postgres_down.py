"""PostgreSQL down: a fast 503 with ``Retry-After``, and service back as soon as it returns.

The server runs on the suite's private PostgreSQL, which is stopped under it (a fast shutdown:
its sessions are ended, new connections refused). Each request opens its own connection
(``CONN_MAX_AGE = 0``) with a connect timeout (``connect_timeout`` in the settings), so:

- the API (``POST complaints/``, ``POST track/``) answers 503 with ``Retry-After`` and
  ``{"message", "errors"}``, a page (``/healthz``, the container's health check, and the
  report form's POST) a 503 page; none of them hangs (every request here gives up after
  30 s, well above the connect timeout) and none is a 500;
- the server process stays up, and with PostgreSQL started again the very next requests are
  served: the report is filed and its receipt opens it.
"""

import pytest

from tests.e2e.portal import PARKING_REPORT
from tests.faults.client import (
    COMPLAINTS,
    ReportForm,
    api_json,
    call,
    complaint_references,
    page_fields,
    report_page_post,
    track,
)
from tests.faults.conftest import only_on

pytestmark = [pytest.mark.faults, only_on("postgresql")]


def assert_unavailable(answer) -> None:
    assert answer.status == 503, (answer.status, answer.text[:500])
    assert answer.headers["retry-after"].isdigit()


def test_postgres_down_answers_503_at_once_then_service_is_back(
    fault_servers, fault_postgres, fault_database
):
    server = fault_servers.start("postgres-down")
    filed = api_json(server.url, "POST", COMPLAINTS, PARKING_REPORT)
    assert filed.status == 201
    # The report page's form is fetched while the database is up; it is posted while it is down.
    form = ReportForm(server.url)
    before = complaint_references(fault_database)

    fault_postgres.stop()
    try:
        submit = api_json(server.url, "POST", COMPLAINTS, PARKING_REPORT)
        tracked = track(server.url, filed.json["receipt"])
        health = call(server.url, "GET", "/healthz")
        page = form.post(page_fields())
        for answer in (submit, tracked, health, page):
            assert_unavailable(answer)
        assert submit.json["errors"] == {} and submit.json["message"]
        assert page.headers["content-type"].startswith("text/html")
        assert page.text.count('lang="id"') == 1 and "Traceback" not in page.text
        assert server.process.poll() is None  # still serving
    finally:
        fault_postgres.start()

    assert call(server.url, "GET", "/healthz").status == 200
    assert complaint_references(fault_database) == before
    again = api_json(server.url, "POST", COMPLAINTS, PARKING_REPORT)
    assert again.status == 201
    assert track(server.url, again.json["receipt"]).json["reference"] == again.json["reference"]
    assert report_page_post(server.url, page_fields()).status == 201
