"""A worker killed (SIGKILL) mid-submission: nothing half-done, and the retry is safe.

The reporter's phone sends a complaint with a photo of about 3 MB (more than Django keeps in
memory, so it goes through temporary files) and an ``Idempotency-Key``. The server dies:

1. halfway through the body: nothing is filed, no photo file, no temporary file; the retry
   with the same key files it once;
2. right after the commit, with the answer built but not sent (the test-only hold of
   ``tests.faults.fault_settings``): the complaint and its photo are there, nothing else (no
   temporary file either); the retry with the same key gets the first answer back: a receipt
   that opens exactly that complaint, and nothing new is filed;
3. as soon as the complaint's row is visible in the database (polled from outside, whatever
   the worker is doing then): the same.

After every kill the server is started again on the same database, as a supervisor would (and
the next test goes on with it).
"""

import secrets
import threading

import pytest

from tests.e2e.servers import wait_until
from tests.faults.client import (
    COMPLAINTS,
    NOTHING_LEFT,
    RawRequest,
    call,
    complaint_references,
    leftovers,
    noise_jpeg,
    server_temp_files_open,
    submission,
    track,
)

pytestmark = pytest.mark.faults

# 1800 x 1400 noise: about 3 MB, over Django's 2.5 MB in-memory limit for bodies and uploads.
PHOTO = noise_jpeg(1800, 1400)
KILL_SECONDS = 30


@pytest.fixture(scope="module")
def body():
    return submission([PHOTO])


@pytest.fixture(scope="module")
def module_server(fault_servers):
    return fault_servers.start("killed")


@pytest.fixture
def server(module_server, fault_servers):
    """The module's server, running at the start of each test (a test kills it)."""
    return fault_servers.running(module_server)


def headers(content_type: str, key: str, **extra: str) -> dict[str, str]:
    return {"Content-Type": content_type, "Idempotency-Key": key, **extra}


def retry(server, body, key):
    """The client's retry: the same body and key, read to the end this time."""
    payload, content_type = body
    return call(server.url, "POST", COMPLAINTS, body=payload, headers=headers(content_type, key))


def assert_one_complaint_for(server, database, before: set[str], answer) -> str:
    """The answer is a 201 whose receipt opens the one complaint filed since ``before``."""
    assert answer.status == 201, answer.text[:500]
    filed = complaint_references(database) - before
    assert filed == {answer.json["reference"]}, filed
    opened = track(server.url, answer.json["receipt"])
    assert opened.status == 200 and opened.json["reference"] == answer.json["reference"]
    return answer.json["receipt"]


def test_killed_halfway_through_the_upload(server, fault_servers, fault_database, body):
    before = complaint_references(fault_database)
    payload, content_type = body
    key = secrets.token_urlsafe(24)

    request = RawRequest(server.port, COMPLAINTS, payload, headers(content_type, key))
    try:
        request.send(upto=len(payload) - 300_000)
        # The server is reading the body: past 2.5 MB it spools it to a file in its TMPDIR.
        wait_until(
            lambda: server_temp_files_open(server.process.pid, server.tmp_dir),
            timeout=KILL_SECONDS,
            what="the server to spool the body to its temporary folder",
        )
        fault_servers.kill(server)
    finally:
        request.close()

    assert complaint_references(fault_database) == before
    assert leftovers(fault_database, server.tmp_dir) == NOTHING_LEFT

    fault_servers.running(server)
    assert_one_complaint_for(server, fault_database, before, retry(server, body, key))
    assert leftovers(fault_database, server.tmp_dir) == NOTHING_LEFT


def test_killed_after_the_commit_before_the_answer(server, fault_servers, fault_database, body):
    before = complaint_references(fault_database)
    payload, content_type = body
    key = secrets.token_urlsafe(24)

    request = RawRequest(
        server.port, COMPLAINTS, payload, headers(content_type, key, **{"X-Fault-Hold": "held"})
    )
    try:
        request.send()
        held = server.hold_dir / "held"
        wait_until(held.exists, timeout=KILL_SECONDS, what="the answer to be built and held")
        assert held.read_text() == "201"
        fault_servers.kill(server)  # the client never gets its receipt
    finally:
        request.close()

    assert len(complaint_references(fault_database) - before) == 1  # committed
    assert leftovers(fault_database, server.tmp_dir) == NOTHING_LEFT

    fault_servers.running(server)
    receipt = assert_one_complaint_for(server, fault_database, before, retry(server, body, key))
    # And again: the same first answer, still nothing new.
    again = retry(server, body, key)
    assert again.status == 201 and again.json["receipt"] == receipt
    assert len(complaint_references(fault_database) - before) == 1
    assert leftovers(fault_database, server.tmp_dir) == NOTHING_LEFT


def test_killed_as_soon_as_the_complaint_is_in_the_database(
    server, fault_servers, fault_database, body
):
    before = complaint_references(fault_database)
    payload, content_type = body
    key = secrets.token_urlsafe(24)

    request = RawRequest(server.port, COMPLAINTS, payload, headers(content_type, key))
    sender = threading.Thread(target=request.send)
    try:
        sender.start()
        wait_until(
            lambda: complaint_references(fault_database) - before,
            timeout=KILL_SECONDS,
            what="the complaint's row",
            every=0.005,
        )
        fault_servers.kill(server)
    finally:
        sender.join()
        request.close()

    assert leftovers(fault_database, server.tmp_dir) == NOTHING_LEFT
    fault_servers.running(server)
    assert_one_complaint_for(server, fault_database, before, retry(server, body, key))
    assert leftovers(fault_database, server.tmp_dir) == NOTHING_LEFT
