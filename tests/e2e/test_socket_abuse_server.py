"""Websocket abuse (issue 12, findings 3 and 10) replayed against real uvicorn processes.

Two servers share one private Redis (the cache and the channel layer) and one database, as a
multi-worker deployment does; every socket comes from 127.0.0.1, one client:

- a foreign Origin (another port, another scheme, another host) gets a 403 at the handshake;
- the cap on open sockets holds across the two processes (1013 over it) and closing a socket on
  one frees a slot on the other;
- receipt guesses spread over both processes spend one "track" budget; then 4429, even for the
  right receipt.
"""

import json
import time

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.e2e.conftest import Servers, require_redis_server
from tests.e2e.portal import file_parking_report
from tests.e2e.servers import PrivateRedis

pytestmark = pytest.mark.e2e

TIMEOUT = 5
CAP = 3
TRACK_BUDGET = 4


@pytest.fixture(scope="module")
def servers(e2e_database, e2e_workdir):
    require_redis_server()
    redis = PrivateRedis(e2e_workdir / "redis-socket-abuse").start()
    started = Servers(e2e_database, e2e_workdir)
    options = {
        "redis_url": redis.url,
        "PORTAL_WS_MAX_PER_CLIENT": str(CAP),
        "PORTAL_RATE_TRACK": f"{TRACK_BUDGET}/hour",
    }
    try:
        yield started.start("abuse-A", **options), started.start("abuse-B", **options)
    finally:
        started.stop()
        redis.stop()


def open_socket(server, origin: str | None = None):
    origin = origin or server.url
    return connect(
        server.ws_url + "/ws/track/",
        origin=origin,
        open_timeout=TIMEOUT,
        close_timeout=2,
        legacy=True,  # held across calls, closed by close() or a with block
    )


def open_until_accepted(server, tries: int = 50):
    """A socket the server keeps: the slot a closed socket gives back may take a moment."""
    for _ in range(tries):
        connection = open_socket(server)
        try:
            if alive(connection):
                return connection
        except ConnectionClosed as closed:
            assert closed.rcvd.code == 1013
        connection.close()
        time.sleep(0.1)
    raise AssertionError("no slot came back")


def alive(connection) -> bool:
    connection.send('{"type": "ping"}')
    return json.loads(connection.recv(timeout=TIMEOUT)) == {"type": "pong"}


def close_code(connection) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        connection.recv(timeout=TIMEOUT)
    return closed.value.rcvd.code


def attempt(server, receipt: str):
    """One receipt attempt on a fresh socket: the ``ready`` message, or the close code."""
    with open_socket(server) as connection:
        connection.send(json.dumps({"type": "auth", "receipt": receipt, "after": 0}))
        try:
            return json.loads(connection.recv(timeout=TIMEOUT))
        except ConnectionClosed as closed:
            return closed.rcvd.code


def test_foreign_origins_get_a_403(servers):
    server, _other = servers
    port = server.url.rsplit(":", 1)[1]
    for origin in (
        "http://127.0.0.1:9999",
        f"https://127.0.0.1:{port}",
        f"http://evil.example:{port}",
        "http://127.0.0.1",
    ):
        with pytest.raises(InvalidStatus) as refused:
            open_socket(server, origin)
        assert refused.value.response.status_code == 403, origin
    with open_socket(server) as connection:
        assert alive(connection)


def test_the_socket_cap_holds_across_processes(servers):
    server_a, server_b = servers
    held = [open_socket(server_a), open_socket(server_a), open_socket(server_b)]
    try:
        assert all(alive(connection) for connection in held)
        with open_socket(server_b) as one_more:
            assert close_code(one_more) == 1013
        held.pop(0).close()  # a slot taken on A, given back once A has seen the socket end
        held.append(open_until_accepted(server_b))
        assert alive(held[-1])
    finally:
        for connection in held:
            connection.close()


def test_receipt_guesses_on_both_processes_spend_one_budget(servers):
    server_a, server_b = servers
    receipt, _reference = file_parking_report(server_a.url)
    wrong = "0000 0000 0000 0000"
    for server in (server_a, server_b) * (TRACK_BUDGET // 2):
        assert attempt(server, wrong) == 4403
    assert attempt(server_a, wrong) == 4429
    assert attempt(server_b, receipt) == 4429
