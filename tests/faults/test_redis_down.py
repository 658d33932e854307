"""Redis down when a reporter's socket connects: 1012, then catch-up once Redis is back.

``tests/e2e/test_redis_outage.py`` follows a socket that was open when Redis went away. Here
Redis is already gone when the reporter (who saw events 1 and 2 earlier) opens the tracking
page again:

- the new socket is closed with 1012 ("service restart": come back later), not 1011 or a hang;
- a staff status change during the outage still commits (its publication waits);
- an anonymous submission, whose rate limit lives in Redis, answers 503 with ``Retry-After``
  (API and page) instead of a 500, and files nothing;
- once Redis is back (empty: no persistence), the reporter's next attempt is ready and the
  socket delivers the change made during the outage, from its ``after``, exactly once.

The rate limits are on for this server, as in production.
"""

import pytest

from tests.e2e.portal import (
    PARKING_REPORT,
    ReporterSocket,
    file_parking_report,
    staff_token,
    transition,
)
from tests.faults.client import (
    COMPLAINTS,
    api_json,
    complaint_references,
    page_fields,
    report_page_post,
)

pytestmark = pytest.mark.faults

CLOSE_SERVICE_RESTART = 1012
LIVE_SECONDS = 10


def test_a_socket_opened_during_a_redis_outage_is_told_to_retry_then_catches_up(
    fault_servers, fault_redis, fault_database
):
    server = fault_servers.start(
        "redis-down",
        redis_url=fault_redis.url,
        PORTAL_RATE_SUBMIT="50/hour",
        PORTAL_RATE_TRACK="200/hour",
    )
    receipt, reference = file_parking_report(server.url)
    token = staff_token(server.url)
    earlier = ReporterSocket(server.ws_url, receipt)
    try:
        earlier.open()
        earlier.events_until(2, timeout=LIVE_SECONDS)
    finally:
        earlier.close()

    fault_redis.stop()
    before = complaint_references(fault_database)

    reporter = ReporterSocket(server.ws_url, receipt, after=2)
    with pytest.raises(TimeoutError):
        reporter.resume(timeout=1, first_delay=0.2)  # refused every time while Redis is away
    assert reporter.close_codes and set(reporter.close_codes) == {CLOSE_SERVICE_RESTART}

    message = "Petugas Dishub sudah menegur juru parkir."
    transition(server.url, token, reference, "in_progress", message)  # 200: committed

    api = api_json(server.url, "POST", COMPLAINTS, PARKING_REPORT)
    page = report_page_post(server.url, page_fields())
    for answer in (api, page):
        assert answer.status == 503, (answer.status, answer.text[:300])
        assert answer.headers["retry-after"].isdigit()
    assert api.json["errors"] == {} and api.json["message"]
    assert complaint_references(fault_database) == before

    fault_redis.start()
    try:
        assert reporter.resume(timeout=LIVE_SECONDS)["reference"] == reference
        event = reporter.next_event(timeout=LIVE_SECONDS)
        assert (event["seq"], event["status"], event["text"]) == (3, "in_progress", message)
        assert [seen["seq"] for seen in reporter.events] == [3]
    finally:
        reporter.close()

    assert api_json(server.url, "POST", COMPLAINTS, PARKING_REPORT).status == 201
