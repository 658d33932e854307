"""Redis goes down during a staff status change: the change succeeds and nothing is lost.

The server talks to a private ``redis-server`` and runs the outbox sweeper in-process every
second. With a reporter connected, Redis is stopped:

- the reporter's socket is closed with 1012 ("service restart"), and so is every reconnect
  attempt while Redis is away, so the client keeps retrying;
- the officer's transition still answers 200: the event is committed, only its publication
  failed and it waits in the outbox;
- Redis comes back on the same port (empty: no persistence, so every group membership is gone).
  The client, retrying with a small backoff like the tracking page, is ready again within
  10 s and receives the event by catch-up from its last seq; the sweeper marks the event
  published; the event reached the reporter exactly once (the next change made is the next
  thing the socket delivers).

It runs on uvicorn with ``PORTAL_IN_PROCESS_JOBS=true`` and on ``manage.py serve`` (the server
of `make run`, which must turn the in-process jobs on by itself).
"""

import time

import pytest
from websockets.exceptions import ConnectionClosed

from tests.e2e.conftest import require_redis_server
from tests.e2e.portal import (
    ReporterSocket,
    file_parking_report,
    newest_seq,
    staff_message,
    staff_token,
    transition,
)
from tests.e2e.servers import PrivateRedis, wait_until

pytestmark = pytest.mark.e2e

LIVE_SECONDS = 5
RECOVERY_SECONDS = 10  # every committed event reaches the reporter within 10 s of recovery
PUBLISHED_SECONDS = 20  # outbox delay (5 s) + sweep interval (1 s), with room to spare
CLOSE_SERVICE_RESTART = 1012
SERVERS = {
    "uvicorn": {
        "command": "uvicorn",
        "PORTAL_IN_PROCESS_JOBS": "true",
        "PORTAL_OUTBOX_INTERVAL": "1",
    },
    "manage-serve": {"command": "serve", "PORTAL_OUTBOX_INTERVAL": "1"},
}


@pytest.fixture
def redis(e2e_workdir):
    require_redis_server()
    server = PrivateRedis(e2e_workdir / "redis-outage").start()
    yield server
    server.stop()


def published(database, reference: str) -> dict[int, bool]:
    """Each event of the complaint (by seq): has the outbox marked it published?"""
    rows = database.rows(
        "SELECT e.seq, e.published_at FROM complaints_event e "
        "JOIN complaints_complaint c ON c.id = e.complaint_id WHERE c.reference = %s",
        (reference,),
    )
    return {seq: published_at is not None for seq, published_at in rows}


@pytest.mark.parametrize("kind", SERVERS)
def test_a_transition_during_a_redis_outage_reaches_the_reporter_once(
    kind, redis, start_server, e2e_database
):
    options = dict(SERVERS[kind])
    server = start_server(f"outage-{kind}", redis_url=redis.url, **options)
    receipt, reference = file_parking_report(server.url)
    token = staff_token(server.url)
    reporter = ReporterSocket(server.ws_url, receipt)
    try:
        reporter.open()
        reporter.events_until(2, timeout=LIVE_SECONDS)
        assert published(e2e_database, reference) == {1: True, 2: True}

        redis.stop()
        # The socket is told to come back later, not dropped.
        assert reporter.until_closed(timeout=LIVE_SECONDS) == CLOSE_SERVICE_RESTART

        message = "Juru parkir sudah ditertibkan; karcis resmi kini diberikan."
        detail = transition(server.url, token, reference, "in_progress", message)  # 200
        seq = newest_seq(detail)
        assert seq == 3
        assert published(e2e_database, reference) == {1: True, 2: True, 3: False}

        # Reconnecting while Redis is away: closed 1012 again, never "ready".
        with pytest.raises(ConnectionClosed) as refused:
            reporter.open()
        assert refused.value.rcvd is not None and refused.value.rcvd.code == CLOSE_SERVICE_RESTART

        redis.start()
        recovered = time.monotonic()
        assert reporter.resume(timeout=RECOVERY_SECONDS)["reference"] == reference
        event = reporter.next_event(timeout=RECOVERY_SECONDS)
        assert time.monotonic() - recovered < RECOVERY_SECONDS
        assert (event["seq"], event["status"], event["text"]) == (3, "in_progress", message)

        # The sweeper publishes what the outage held back...
        wait_until(
            lambda: published(e2e_database, reference).get(3),
            timeout=PUBLISHED_SECONDS,
            what="the outbox sweeper to publish event 3",
        )
        # ...to a socket that already has it: it is not delivered twice. The next change is
        # the next thing the socket delivers.
        staff_message(server.url, token, reference, "Terima kasih atas laporan Anda.")
        assert reporter.next_event(timeout=LIVE_SECONDS)["seq"] == 4
        assert [e["seq"] for e in reporter.events] == [1, 2, 3, 4]
        wait_until(
            lambda: all(published(e2e_database, reference).values()),
            timeout=LIVE_SECONDS,
            what="every event marked published",
        )
    finally:
        reporter.close()
