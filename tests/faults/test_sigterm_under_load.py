"""SIGTERM while reporters are submitting: every accepted report is kept, and the server exits
cleanly.

Four clients submit complaints back to back (some with a photo) to one server. Once eight
have been accepted, the server gets SIGTERM, as from a deploy or ``docker stop``. The clients
go on until the server no longer answers. Then:

- the server exited by itself, without a traceback or an error in its log (uvicorn's graceful
  shutdown: requests in flight are finished, the lifespan's shutdown runs, and then uvicorn
  re-raises the SIGTERM it caught, so the exit status says why it stopped);
- every 201 a client received names a complaint in the database, and its receipt opens that
  complaint (on the server started again);
- a complaint without a 201 can only come from a request that got no answer at all; photos
  and temporary files are consistent (no file without a row, no temporary file).

It runs on ``uvicorn config.asgi:application`` (as deployed) and on ``manage.py serve``.
"""

import secrets
import signal
import threading
import urllib.error
from dataclasses import dataclass, field

import pytest

from tests.e2e.servers import wait_until
from tests.faults.client import (
    COMPLAINTS,
    NOTHING_LEFT,
    call,
    complaint_references,
    leftovers,
    noise_jpeg,
    submission,
    track,
)

pytestmark = pytest.mark.faults

CLIENTS = 4
ACCEPTED_BEFORE_SIGTERM = 8
EXIT_SECONDS = 30
BODIES = [submission(), submission([noise_jpeg(600, 450)])]


@dataclass
class Load:
    """What the clients sent and got back."""

    base_url: str
    accepted: list[dict] = field(default_factory=list)  # the 201 answers
    unanswered: int = 0  # requests that got no HTTP answer (connection refused or reset)
    other: list[int] = field(default_factory=list)  # any other status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, number: int, stop: threading.Event) -> None:
        sent = 0
        while not stop.is_set():
            payload, content_type = BODIES[(number + sent) % len(BODIES)]
            sent += 1
            headers = {"Content-Type": content_type, "Idempotency-Key": secrets.token_hex(16)}
            try:
                answer = call(self.base_url, "POST", COMPLAINTS, body=payload, headers=headers)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                with self.lock:
                    self.unanswered += 1
                continue
            with self.lock:
                if answer.status == 201:
                    self.accepted.append(answer.json)
                else:
                    self.other.append(answer.status)


@pytest.mark.parametrize("command", ["uvicorn", "serve"])
def test_sigterm_under_load_keeps_every_accepted_report(command, fault_servers, fault_database):
    server = fault_servers.start(f"sigterm-{command}", command=command)
    before = complaint_references(fault_database)
    load = Load(server.url)
    stop = threading.Event()
    clients = [
        threading.Thread(target=load.client, args=(number, stop), daemon=True)
        for number in range(CLIENTS)
    ]
    log_start = server.log_size()
    for thread in clients:
        thread.start()
    try:
        wait_until(
            lambda: len(load.accepted) >= ACCEPTED_BEFORE_SIGTERM,
            timeout=120,
            what=f"{ACCEPTED_BEFORE_SIGTERM} accepted reports",
        )
        server.process.terminate()  # SIGTERM
        assert server.process.wait(timeout=EXIT_SECONDS) in (0, -signal.SIGTERM)
        # Refused or reset from now on: the clients are told, they do not hang.
        wait_until(lambda: load.unanswered >= CLIENTS, timeout=EXIT_SECONDS, what="refusals")
    finally:
        stop.set()
        for thread in clients:
            thread.join(timeout=EXIT_SECONDS)
    server.stop()

    log = server.log_text(log_start)
    assert "Traceback" not in log and "ERROR" not in log, log
    assert load.other == []

    filed = complaint_references(fault_database) - before
    accepted = {answer["reference"] for answer in load.accepted}
    assert accepted <= filed  # every accepted report is in the database
    assert len(filed - accepted) <= load.unanswered  # extra ones only from unanswered requests
    assert leftovers(fault_database, server.tmp_dir) == NOTHING_LEFT

    fault_servers.running(server)
    for answer in load.accepted:
        opened = track(server.url, answer["receipt"])
        assert opened.status == 200 and opened.json["reference"] == answer["reference"]
