"""Two server processes, one Redis, one database: an event crosses from one process to the other.

A multi-worker deployment puts a reporter's websocket on one process and the staff member's
request on another; only the Redis channel layer connects them. Here the reporter's socket is
held by server A, and the Dishub officer logs in and moves the complaint through server B's
API. The event must reach the socket on A, live, with the right seq, status and text: nothing
but the channel layer could have carried it there. A socket left idle for longer than the
layer's blocking read stays open and still hears the next change.
"""

import pytest
from websockets.exceptions import ConnectionClosed

from tests.e2e.portal import (
    ReporterSocket,
    file_parking_report,
    newest_seq,
    staff_message,
    staff_token,
    transition,
)

pytestmark = pytest.mark.e2e

LIVE_SECONDS = 5
IDLE_SECONDS = 7  # longer than the channel layer's 5 s blocking read


def test_a_transition_on_server_b_reaches_the_reporter_on_server_a(server_pair):
    server_a, server_b = server_pair
    receipt, reference = file_parking_report(server_a.url)

    reporter = ReporterSocket(server_a.ws_url, receipt)
    try:
        assert reporter.open() == {"type": "ready", "reference": reference}
        history = reporter.events_until(2, timeout=LIVE_SECONDS)
        assert [(e["seq"], e["status"]) for e in history] == [(1, "received"), (2, "assigned")]

        token = staff_token(server_b.url)  # the officer uses the other process only
        message = "Petugas Dishub sudah menegur juru parkir di lokasi."
        detail = transition(server_b.url, token, reference, "in_progress", message)
        seq = newest_seq(detail)

        event = reporter.next_event(timeout=LIVE_SECONDS)
        assert event["type"] == "event"
        assert (event["seq"], event["kind"], event["status"], event["text"]) == (
            seq,
            "status",
            "in_progress",
            message,
        )
        assert seq == 3
        assert event["at"]

        # The next thing A pushes is the next change made on B: nothing was pushed twice.
        staff_message(server_b.url, token, reference, "Terima kasih atas laporannya.")
        assert reporter.next_event(timeout=LIVE_SECONDS)["seq"] == 4
        assert [e["seq"] for e in reporter.events] == [1, 2, 3, 4]
    finally:
        reporter.close()


def test_a_wrong_receipt_is_refused_on_either_server(server_pair):
    for server in server_pair:
        reporter = ReporterSocket(server.ws_url, "0000 0000 0000 0000")
        with pytest.raises(ConnectionClosed) as closed:
            reporter.open()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
        reporter.close()


def test_an_idle_socket_stays_open_and_still_hears_the_next_change(server_pair):
    """The Redis layer waits for messages in 5 s blocking reads; a socket with nothing to hear
    for longer than that must stay open (it used to be torn down every 5 s) and still deliver
    the next change."""
    server_a, server_b = server_pair
    receipt, reference = file_parking_report(server_a.url)
    reporter = ReporterSocket(server_a.ws_url, receipt)
    try:
        reporter.open()
        reporter.events_until(2, timeout=LIVE_SECONDS)
        with pytest.raises(TimeoutError):  # nothing to hear, and no close either
            reporter.next_event(timeout=IDLE_SECONDS)

        token = staff_token(server_b.url)
        transition(server_b.url, token, reference, "in_progress", "Sedang kami tangani.")
        assert reporter.next_event(timeout=LIVE_SECONDS)["seq"] == 3
        assert reporter.close_codes == []
    finally:
        reporter.close()
