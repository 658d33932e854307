"""A reporter who drops off and comes back misses nothing and sees nothing twice.

The reporter's socket is on server A; the Dishub officer works through server B. While the
reporter is away the officer starts work (with a message), writes an internal note, asks a
question (``needs_info``) and sends a public message. Reconnecting with ``after`` = the last
seq seen must deliver every missed public event exactly once, in seq order, and the socket
must then go on with live events. Reconnecting with ``after=0`` replays the whole public
history (the same list the tracking API shows), and internal notes never reach the reporter,
neither replayed nor live.

"Nothing more came" is proven without waiting for silence: after each batch the officer makes
one more public change, and the next event the socket delivers must be exactly that one.
"""

import pytest

from tests.e2e.portal import (
    ReporterSocket,
    file_parking_report,
    newest_seq,
    public_history,
    staff_message,
    staff_token,
    transition,
)

pytestmark = pytest.mark.e2e

LIVE_SECONDS = 5
NOTE = "Catatan internal: juru parkir ini sudah dua kali dilaporkan."
LIVE_NOTE = "Catatan internal kedua: koordinasi dengan Satpol PP."


def summary(events: list[dict]) -> list[tuple]:
    return [(event["seq"], event["kind"], event["status"], event["text"]) for event in events]


def test_missed_events_arrive_once_in_order_then_live_ones_follow(server_pair):
    server_a, server_b = server_pair
    receipt, reference = file_parking_report(server_a.url)
    token = staff_token(server_b.url)

    reporter = ReporterSocket(server_a.ws_url, receipt)
    try:
        reporter.open()
        reporter.events_until(2, timeout=LIVE_SECONDS)
        reporter.close()  # the reporter's phone loses its connection
        seen = reporter.last_seq
        assert seen == 2

        # Meanwhile, on the other server.
        started = transition(
            server_b.url, token, reference, "in_progress", "Laporan sedang kami periksa."
        )
        staff_message(server_b.url, token, reference, NOTE, internal=True)
        asked = transition(
            server_b.url,
            token,
            reference,
            "needs_info",
            "Jam berapa kejadiannya? Ada nomor kendaraan?",
        )
        told = staff_message(
            server_b.url, token, reference, "Kami juga sudah menghubungi pengelola pasar."
        )
        assert newest_seq(told) == 6  # 3 in_progress, 4 note, 5 needs_info, 6 message

        # Back online: resume from the last seq seen.
        assert reporter.open()["reference"] == reference
        missed = reporter.events_until(6, timeout=LIVE_SECONDS)
        assert summary(missed) == [
            (3, "status", "in_progress", "Laporan sedang kami periksa."),
            (5, "status", "needs_info", "Jam berapa kejadiannya? Ada nomor kendaraan?"),
            (6, "message", "needs_info", "Kami juga sudah menghubungi pengelola pasar."),
        ]
        assert started["status"] == "in_progress" and asked["status"] == "needs_info"

        # Live again: an internal note is not pushed, the next public change is, and nothing
        # from the catch-up comes a second time before it.
        staff_message(server_b.url, token, reference, LIVE_NOTE, internal=True)  # seq 7
        transition(server_b.url, token, reference, "in_progress", "Terima kasih, kami lanjutkan.")
        assert summary([reporter.next_event(timeout=LIVE_SECONDS)]) == [
            (8, "status", "in_progress", "Terima kasih, kami lanjutkan.")
        ]
        seqs = [event["seq"] for event in reporter.events]
        assert seqs == [1, 2, 3, 5, 6, 8]
    finally:
        reporter.close()

    # A new device (or cleared storage): after=0 replays the whole public history, on the other
    # server this time, and it is exactly what the tracking API shows.
    fresh = ReporterSocket(server_b.ws_url, receipt, after=0)
    try:
        fresh.open()
        replayed = fresh.events_until(8, timeout=LIVE_SECONDS)
        history = public_history(server_a.url, receipt)
        assert summary(replayed) == summary(history)
        assert [event["status"] for event in replayed[:3]] == [
            "received",
            "assigned",
            "in_progress",
        ]
        assert [event["seq"] for event in replayed] == [1, 2, 3, 5, 6, 8]

        staff_message(server_a.url, token, reference, "Petugas akan ke lokasi besok pagi.")
        assert fresh.next_event(timeout=LIVE_SECONDS)["seq"] == 9
    finally:
        fresh.close()

    everything = reporter.events + fresh.events
    assert all(event["kind"] != "note" for event in everything)
    assert not [event for event in everything if event["text"] in (NOTE, LIVE_NOTE)]
