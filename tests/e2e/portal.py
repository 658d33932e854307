"""Talking to a running portal as its clients do: the JSON API and the reporter's websocket.

``ReporterSocket`` behaves like the tracking page's script (``frontend/js/track.js``): it sends
``{"type": "auth", "receipt", "after"}`` first, keeps the highest ``seq`` it has seen and, when
the socket drops, reconnects with a short backoff and resumes from that ``seq``. Unlike the page
it keeps every event it was sent, duplicates included, so tests can say "exactly once".
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.sync.client import ClientConnection, connect

from tests.e2e.servers import DEMO_PASSWORD

PARKING_REPORT = {
    "category": "pungli",
    "service": "PARKIR-MOTOR",
    "kelurahan": "17.71.06.1006",  # Sawah Lebar
    "description": "Jukir di depan pasar meminta Rp10.000 untuk parkir motor, tanpa karcis.",
    "amount_paid": 10000,
    "karcis_given": False,
}
# The staff member who handles parking complaints (Dinas Perhubungan's demo account).
PARKING_STAFF = "kepala-dishub"


def api(base_url: str, method: str, path: str, body: dict | None = None, token: str | None = None):
    """``(status, decoded JSON or None)`` of one API call; errors are answers too."""
    request = urllib.request.Request(
        base_url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")


def file_parking_report(base_url: str) -> tuple[str, str]:
    """File the parking pungli through the API; ``(receipt, reference)``. Routed to Dishub."""
    status, data = api(base_url, "POST", "/api/v1/complaints/", PARKING_REPORT)
    assert status == 201, data
    assert data["status"] == "assigned" and data["opd"]["code"] == "DISHUB", data
    return data["receipt"], data["reference"]


def staff_token(base_url: str, username: str = PARKING_STAFF) -> str:
    status, data = api(
        base_url, "POST", "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}
    )
    assert status == 200, data
    return data["token"]


def transition(base_url: str, token: str, reference: str, to: str, message: str = "") -> dict:
    status, data = api(
        base_url,
        "POST",
        f"/api/v1/staff/complaints/{reference}/transition/",
        {"to": to, "message": message},
        token,
    )
    assert status == 200, (status, data)
    assert data["status"] == to, data
    return data


def staff_message(
    base_url: str, token: str, reference: str, body: str, internal: bool = False
) -> dict:
    status, data = api(
        base_url,
        "POST",
        f"/api/v1/staff/complaints/{reference}/messages/",
        {"body": body, "internal": internal},
        token,
    )
    assert status == 201, (status, data)
    return data


def newest_seq(staff_detail: dict) -> int:
    """The newest event's seq in a staff detail answer (public or not)."""
    return max(event["seq"] for event in staff_detail["events"])


def public_history(base_url: str, receipt: str) -> list[dict]:
    """The events the tracking API shows the receipt holder."""
    status, data = api(base_url, "POST", "/api/v1/track/", {"receipt": receipt})
    assert status == 200, data
    return data["events"]


@dataclass
class ReporterSocket:
    """The reporter's live channel, as the tracking page drives it (see the module docstring)."""

    ws_base: str  # ws://127.0.0.1:<port>
    receipt: str
    after: int = 0
    events: list[dict] = field(default_factory=list)  # every event received, in arrival order
    close_codes: list[int] = field(default_factory=list)  # why earlier sockets ended
    connection: ClientConnection | None = None

    @property
    def origin(self) -> str:
        return self.ws_base.replace("ws://", "http://", 1)

    @property
    def last_seq(self) -> int:
        return max([self.after, *(event["seq"] for event in self.events)])

    def open(self, timeout: float = 5) -> dict:
        """Connect and authenticate; the ``ready`` message. Raises ConnectionClosed if refused."""
        self.connection = connect(
            self.ws_base + "/ws/track/",
            origin=self.origin,
            open_timeout=timeout,
            close_timeout=2,
            legacy=True,  # held across calls, closed by close()
        )
        self.connection.send(
            json.dumps({"type": "auth", "receipt": self.receipt, "after": self.last_seq})
        )
        message = json.loads(self.connection.recv(timeout=timeout))
        assert message["type"] == "ready", message
        return message

    def next_event(self, timeout: float) -> dict:
        """The next event (waiting at most ``timeout`` s); TimeoutError if none came."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no event within {timeout} s (last seq {self.last_seq})")
            message = json.loads(self.connection.recv(timeout=left))
            if message["type"] == "event":
                self.events.append(message)
                return message

    def events_until(self, seq: int, timeout: float) -> list[dict]:
        """Receive until an event with ``seq`` arrives; the events received on the way."""
        received = []
        while not received or received[-1]["seq"] < seq:
            received.append(self.next_event(timeout))
        return received

    def until_closed(self, timeout: float) -> int:
        """Keep receiving until the server ends the socket; its close code (TimeoutError if
        nothing at all comes for ``timeout`` s)."""
        try:
            while True:
                message = json.loads(self.connection.recv(timeout=timeout))
                if message["type"] == "event":
                    self.events.append(message)
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else 1006
            self.close_codes.append(code)
            return code

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def resume(self, *, timeout: float, first_delay: float = 0.1, max_delay: float = 1.0) -> dict:
        """Reconnect with a doubling backoff until ``ready`` (like the page), from ``last_seq``."""
        deadline = time.monotonic() + timeout
        delay = first_delay
        while True:
            self.close()
            try:
                return self.open()
            except ConnectionClosed as closed:
                self.close_codes.append(closed.rcvd.code if closed.rcvd else 1006)
            except (OSError, InvalidHandshake):
                self.close_codes.append(1006)  # no websocket at all (refused, or not upgraded)
            if time.monotonic() + delay > deadline:
                raise TimeoutError(f"not ready within {timeout} s; closes: {self.close_codes}")
            time.sleep(delay)  # the client's backoff, bounded by the deadline
            delay = min(max_delay, delay * 2)
