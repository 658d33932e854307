"""Websocket abuse (issue 12, findings 3 and 10), replayed through ``config.asgi.application``.

- Receipt guessing over ``/ws/track/`` (264 guesses/s, all 4403) now spends the client's "track"
  budget, shared with ``POST track/``; past it the socket is closed with 4429 and the receipt
  is not even looked up, the right one included.
- One client held 1,500 sockets: now a client (an address, IPv6 by /64; a staff account) holds at
  most ``PORTAL_WS_MAX_PER_CLIENT``; one more is closed with 1013 while other clients connect,
  and every socket that ends, however, gives its slot back.
- ``http://localhost:9999`` passed the Origin check (scheme and port were ignored): now only the
  request's own scheme://host:port is accepted (``config.origins``).

Sockets come from a chosen client address and scheme (as the ASGI server, or the trusted proxy
middleware, puts them in the scope). Unit tests of ``config.origins`` and
``complaints.socketcaps`` follow.
"""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.cache.backends import base as cache_base
from django.core.cache.backends import locmem
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from complaints import socketcaps
from complaints.receipts import receipt_new
from complaints.services import staff_account_ensure
from config.asgi import application
from config.origins import origin_is_ours, origin_parse, request_origin
from frontend import consumers

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 5
PASSWORD = "kata-sandi-uji-5820"
OWN = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
ALICE = "203.0.113.7"
BOB = "198.51.100.9"


def from_client(address: str, scheme: str = "ws"):
    """The application, reached from ``address`` over ``scheme``."""

    async def app(scope, receive, send):
        scope = {**scope, "client": (address, 50123), "scheme": scheme}
        return await application(scope, receive, send)

    return app


class Socket:
    def __init__(self, path: str, address: str, headers, scheme: str):
        self.communicator = WebsocketCommunicator(
            from_client(address, scheme), path, headers=headers
        )

    async def connect(self) -> bool:
        connected, _detail = await self.communicator.connect(timeout=WAIT)
        return connected

    async def send(self, message: dict) -> None:
        await self.communicator.send_json_to(message)

    async def receive(self) -> dict:
        return json.loads(await self.communicator.receive_from(timeout=WAIT))

    async def close_code(self) -> int:
        output = await self.communicator.receive_output(timeout=WAIT)
        assert output["type"] == "websocket.close", output
        return output.get("code", 1000)

    async def alive(self) -> bool:
        """Whether the socket is open and served: a ping is answered."""
        await self.send({"type": "ping"})
        output = await self.communicator.receive_output(timeout=WAIT)
        return output == {"type": "websocket.send", "text": '{"type": "pong"}'}

    async def disconnect(self) -> None:
        await self.communicator.disconnect()


@pytest.fixture
async def sockets():
    """``open(address, path=..., headers=..., scheme=...)``; all disconnected at the end."""
    opened: list[Socket] = []

    def open_socket(address=ALICE, path="/ws/track/", headers=OWN, scheme="ws") -> Socket:
        opened.append(Socket(path, address, headers, scheme))
        return opened[-1]

    yield open_socket
    for socket in opened:
        await socket.disconnect()


@pytest.fixture
def track_rate(settings):
    def set_rate(rate: str) -> None:
        settings.PORTAL_RATES = {**settings.PORTAL_RATES, "track": rate}

    return set_rate


@pytest.fixture
def cap(settings):
    """``cap(n)``: at most n sockets per client; idle sockets are not closed for lack of auth."""
    settings.PORTAL_WS_AUTH_TIMEOUT = 120

    def set_cap(count: int) -> None:
        settings.PORTAL_WS_MAX_PER_CLIENT = count

    return set_cap


@pytest.fixture
def lookups(monkeypatch):
    """How many times the consumer looked a receipt up."""
    calls = []
    real = consumers.complaint_get_by_receipt

    def counted(*, receipt):
        calls.append(receipt)
        return real(receipt=receipt)

    monkeypatch.setattr(consumers, "complaint_get_by_receipt", counted)
    return calls


async def attempt(sockets, receipt: str, address: str = ALICE) -> dict | int:
    """One receipt attempt on a fresh socket: ``ready``, or the close code."""
    socket = sockets(address)
    assert await socket.connect()
    await socket.send({"type": "auth", "receipt": receipt, "after": 0})
    output = await socket.communicator.receive_output(timeout=WAIT)
    result = json.loads(output["text"]) if output["type"] == "websocket.send" else output["code"]
    await socket.disconnect()
    return result


# --- Finding 3: receipt guessing counts against the track limit ----------------------------------


async def test_receipt_guessing_over_sockets_is_stopped_at_the_track_budget(
    sockets, parkir, track_rate, lookups
):
    complaint, receipt = parkir
    track_rate("5/hour")
    for _ in range(5):
        assert await attempt(sockets, receipt_new()) == consumers.CLOSE_WRONG_RECEIPT
    # The budget is spent: the next guess is refused without a lookup, the right receipt too.
    assert await attempt(sockets, receipt_new()) == consumers.CLOSE_TOO_MANY_ATTEMPTS
    assert await attempt(sockets, receipt) == consumers.CLOSE_TOO_MANY_ATTEMPTS
    assert len(lookups) == 5
    # Another client is not affected.
    ready = await attempt(sockets, receipt, address=BOB)
    assert ready == {"type": "ready", "reference": complaint.reference}


async def test_right_receipts_count_too(sockets, parkir, track_rate):
    complaint, receipt = parkir
    track_rate("2/hour")
    for _ in range(2):
        assert (await attempt(sockets, receipt))["type"] == "ready"
    assert await attempt(sockets, receipt) == consumers.CLOSE_TOO_MANY_ATTEMPTS


async def test_sockets_and_post_track_share_one_budget(sockets, parkir, track_rate):
    _complaint, receipt = parkir
    track_rate("3/hour")
    client = Client(REMOTE_ADDR="127.0.0.1")
    post_track = database_sync_to_async(client.post)

    assert await attempt(sockets, receipt_new(), address="127.0.0.1") == 4403
    answer = await post_track(
        "/api/v1/track/", {"receipt": receipt_new()}, content_type="application/json"
    )
    assert answer.status_code == 404
    assert await attempt(sockets, receipt_new(), address="127.0.0.1") == 4403
    # Two attempts over sockets and one over HTTP: both interfaces are now refused.
    assert await attempt(sockets, receipt, address="127.0.0.1") == 4429
    answer = await post_track(
        "/api/v1/track/", {"receipt": receipt}, content_type="application/json"
    )
    assert answer.status_code == 429


async def test_ipv6_guessers_in_one_64_share_the_budget(sockets, directory, track_rate):
    track_rate("2/hour")
    assert await attempt(sockets, receipt_new(), address="2001:db8:7:1::1") == 4403
    assert await attempt(sockets, receipt_new(), address="2001:db8:7:1::2") == 4403
    assert await attempt(sockets, receipt_new(), address="2001:db8:7:1:ffff::9") == 4429
    assert await attempt(sockets, receipt_new(), address="2001:db8:7:2::1") == 4403


async def test_a_cache_outage_at_auth_closes_1012_and_frees_the_slot(sockets, cap, monkeypatch):
    cap(1)

    def unreachable(scope, address):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(consumers, "limit_wait", unreachable)
    socket = sockets()
    assert await socket.connect()
    await socket.send({"type": "auth", "receipt": receipt_new(), "after": 0})
    assert await socket.close_code() == consumers.CLOSE_SERVICE_RESTART
    await socket.disconnect()
    again = sockets()
    assert await again.connect()
    assert await again.alive()


async def test_a_cache_outage_at_connect_closes_1012(sockets, monkeypatch):
    def unreachable(key):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(socketcaps, "slot_take", unreachable)
    socket = sockets()
    assert await socket.connect()
    assert await socket.close_code() == consumers.CLOSE_SERVICE_RESTART


# --- Finding 3: a cap on open sockets per client -------------------------------------------------


async def test_one_client_cannot_hold_more_than_the_cap(sockets, cap):
    cap(3)
    held = [sockets() for _ in range(3)]
    for socket in held:
        assert await socket.connect()
    for socket in held:
        assert await socket.alive()

    one_more = sockets()
    assert await one_more.connect()  # accepted, so that the reason reaches the client...
    assert await one_more.close_code() == consumers.CLOSE_TOO_MANY_SOCKETS  # ...then closed

    other = sockets(BOB)
    assert await other.connect()
    assert await other.alive()


async def test_closing_a_socket_frees_its_slot(sockets, cap):
    cap(2)
    first, second = sockets(), sockets()
    assert await first.connect() and await second.connect()
    refused = sockets()
    assert await refused.connect()
    assert await refused.close_code() == 1013
    await refused.disconnect()  # a refused socket held nothing: still two slots taken

    await first.disconnect()
    third = sockets()
    assert await third.connect()
    assert await third.alive()
    fourth = sockets()
    assert await fourth.connect()
    assert await fourth.close_code() == 1013


async def test_sockets_the_server_closed_give_their_slots_back(sockets, directory, cap):
    cap(2)
    for _ in range(4):
        assert await attempt(sockets, receipt_new()) == consumers.CLOSE_WRONG_RECEIPT
    bad = sockets()
    assert await bad.connect()
    await bad.send({"type": "hello"})
    assert await bad.close_code() == consumers.CLOSE_BAD_MESSAGE
    await bad.disconnect()

    held = [sockets(), sockets()]
    for socket in held:
        assert await socket.connect()
        assert await socket.alive()


async def test_ipv6_clients_are_capped_by_their_64(sockets, cap):
    cap(2)
    assert await sockets("2001:db8:1:2::1").connect()
    assert await sockets("2001:db8:1:2::ffff").connect()
    same_64 = sockets("2001:db8:1:2:abcd::1")
    assert await same_64.connect()
    assert await same_64.close_code() == 1013
    next_64 = sockets("2001:db8:1:3::1")
    assert await next_64.connect()
    assert await next_64.alive()


def staff_cookie(username: str) -> bytes:
    staff_account_ensure(username=username, password=PASSWORD, role="koordinator", opd=None)
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    name = django_settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def test_staff_sockets_are_capped_per_account(sockets, directory, cap):
    cap(2)
    desk = await database_sync_to_async(staff_cookie)("koordinator")
    colleague = await database_sync_to_async(staff_cookie)("koordinator2")
    # Reporter sockets at the cap on the office's address do not count against its staff.
    for _ in range(2):
        assert await sockets().connect()

    for _ in range(2):
        socket = sockets(path="/ws/staff/", headers=[*OWN, (b"cookie", desk)])
        assert await socket.connect()
        assert (await socket.receive())["type"] == "ready"
    one_more = sockets(path="/ws/staff/", headers=[*OWN, (b"cookie", desk)])
    assert await one_more.connect()
    assert await one_more.close_code() == consumers.CLOSE_TOO_MANY_SOCKETS

    other = sockets(path="/ws/staff/", headers=[*OWN, (b"cookie", colleague)])
    assert await other.connect()
    assert (await other.receive())["type"] == "ready"


# --- Finding 10: the Origin, compared exactly ----------------------------------------------------


REFUSED = {
    "other-port": ("http://localhost:9999", "localhost", "ws"),
    "other-scheme": ("https://localhost", "localhost", "ws"),
    "plain-http-to-tls": ("http://localhost", "localhost", "wss"),
    "other-host": ("http://evil.example", "localhost", "ws"),
    "lookalike": ("http://localhost.evil.example", "localhost", "ws"),
    "host-not-allowed": ("http://evil.example", "evil.example", "ws"),
    "null": ("null", "localhost", "ws"),
    "with-path": ("http://localhost/ws/track/", "localhost", "ws"),
    "with-user": ("http://user@localhost", "localhost", "ws"),
    "no-origin": (None, "localhost", "ws"),
    "no-host": ("http://localhost", None, "ws"),
}
ACCEPTED = {
    "own": ("http://localhost", "localhost", "ws"),
    "own-port": ("http://127.0.0.1:8000", "127.0.0.1:8000", "ws"),
    "default-port-written": ("http://localhost:80", "localhost", "ws"),
    "tls": ("https://localhost", "localhost:443", "wss"),
    "case": ("HTTP://LocalHost", "localhost", "ws"),
    "ipv6": ("http://[::1]:8000", "[::1]:8000", "ws"),
}


def handshake_headers(origin: str | None, host: str | None) -> list[tuple[bytes, bytes]]:
    headers = []
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if host is not None:
        headers.append((b"host", host.encode()))
    return headers


@pytest.fixture
def hosts(settings):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]


@pytest.mark.parametrize("path", ["/ws/track/", "/ws/staff/"])
@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
async def test_a_foreign_origin_is_refused_at_the_handshake(sockets, hosts, path, case):
    origin, host, scheme = case
    socket = sockets(path=path, headers=handshake_headers(origin, host), scheme=scheme)
    assert not await socket.connect()


@pytest.mark.parametrize("case", ACCEPTED.values(), ids=ACCEPTED.keys())
async def test_the_portals_own_origin_is_accepted(sockets, hosts, case):
    origin, host, scheme = case
    socket = sockets(headers=handshake_headers(origin, host), scheme=scheme)
    assert await socket.connect()
    assert await socket.alive()


async def test_a_repeated_origin_header_is_refused(sockets, hosts):
    headers = [(b"origin", b"http://localhost"), (b"origin", b"http://evil.example")]
    socket = sockets(headers=[*headers, (b"host", b"localhost")])
    assert not await socket.connect()


async def test_an_extra_allowed_origin_is_accepted_exactly(sockets, hosts, settings):
    settings.PORTAL_ALLOWED_ORIGINS = ["https://lapor.example:8443"]
    extra = sockets(headers=handshake_headers("https://lapor.example:8443", "localhost"))
    assert await extra.connect()
    other_port = sockets(headers=handshake_headers("https://lapor.example", "localhost"))
    assert not await other_port.connect()


# --- Unit: config.origins ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("http://localhost", ("http", "localhost", 80)),
        ("https://Example.ORG", ("https", "example.org", 443)),
        ("https://example.org:443", ("https", "example.org", 443)),
        ("http://example.org:8080", ("http", "example.org", 8080)),
        ("http://[2001:DB8::1]:81", ("http", "2001:db8::1", 81)),
        ("http://example.org/", ("http", "example.org", 80)),
    ],
)
def test_origin_parse(value, parsed):
    assert origin_parse(value) == parsed


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "null",
        "example.org",
        "//example.org",
        "ws://example.org",
        "file:///etc/passwd",
        "http://",
        "http://example.org:",
        "http://example.org:99999",
        "http://example.org:8o",
        "http://user:pw@example.org",
        "http://example.org/path",
        "http://example.org?",
        "http://example.org#",
        " http://example.org",
        "http://exämple.org",
        "http://[::1",
    ],
)
def test_origin_parse_refuses_what_a_browser_never_sends(value):
    assert origin_parse(value) is None


def test_origin_is_ours_compares_scheme_host_and_port(settings):
    settings.ALLOWED_HOSTS = ["portal.example"]
    assert origin_is_ours("https://portal.example", "https", "portal.example")
    assert origin_is_ours("https://portal.example", "wss", "portal.example")
    assert origin_is_ours("http://portal.example:8000", "http", "portal.example:8000")
    assert not origin_is_ours("http://portal.example", "https", "portal.example")
    assert not origin_is_ours("https://portal.example:8443", "https", "portal.example")
    assert not origin_is_ours("https://www.portal.example", "https", "portal.example")
    assert not origin_is_ours("https://portal.example", "ftp", "portal.example")
    assert not origin_is_ours(None, "https", "portal.example")


def test_origin_is_ours_needs_an_allowed_host(settings):
    settings.ALLOWED_HOSTS = ["portal.example"]
    assert not origin_is_ours("https://evil.example", "https", "evil.example")
    assert not origin_is_ours("https://portal.example", "https", None)
    assert not origin_is_ours("https://portal.example", "https", "portal.example:x")
    settings.ALLOWED_HOSTS = [".portal.example"]
    assert origin_is_ours("https://a.portal.example", "https", "a.portal.example")
    assert not origin_is_ours("https://b.portal.example", "https", "a.portal.example")


def test_development_without_allowed_hosts_is_localhost_only(settings):
    settings.DEBUG, settings.ALLOWED_HOSTS = True, []
    assert origin_is_ours("http://localhost:8000", "http", "localhost:8000")
    assert origin_is_ours("http://127.0.0.1", "ws", "127.0.0.1")
    assert not origin_is_ours("http://lan.example", "http", "lan.example")
    settings.DEBUG = False
    assert not origin_is_ours("http://localhost:8000", "http", "localhost:8000")


def test_extra_origins_are_exact_and_only_on_an_allowed_host(settings):
    settings.ALLOWED_HOSTS = ["portal.example"]
    settings.PORTAL_ALLOWED_ORIGINS = ["https://app.example:8443", "http://Other.Example"]
    assert origin_is_ours("https://app.example:8443", "https", "portal.example")
    assert origin_is_ours("http://other.example:80", "https", "portal.example")
    assert not origin_is_ours("https://app.example", "https", "portal.example")
    assert not origin_is_ours("http://app.example:8443", "https", "portal.example")
    assert not origin_is_ours("https://app.example:8443", "https", "evil.example")


def test_a_malformed_extra_origin_stops_the_start(settings):
    settings.PORTAL_ALLOWED_ORIGINS = ["app.example"]
    with pytest.raises(ImproperlyConfigured):
        origin_is_ours("https://app.example", "https", "localhost")
    from config.origins import WebsocketOriginValidator

    with pytest.raises(ImproperlyConfigured):
        WebsocketOriginValidator(application)


def test_request_origin(settings):
    settings.ALLOWED_HOSTS = ["portal.example", "[::1]"]
    assert request_origin("wss", "portal.example") == ("https", "portal.example", 443)
    assert request_origin("ws", "portal.example:8000") == ("http", "portal.example", 8000)
    assert request_origin("ws", "[::1]:8000") == ("http", "::1", 8000)
    assert request_origin("ws", "evil.example") is None


# --- Unit: complaints.socketcaps -----------------------------------------------------------------


def test_client_keys_hide_the_address_and_group_a_64():
    key = socketcaps.client_slot_key("2001:db8:1:2::1")
    assert key == socketcaps.client_slot_key("2001:db8:1:2:ffff::1")
    assert key != socketcaps.client_slot_key("2001:db8:1:3::1")
    assert "2001" not in key and "db8" not in key
    assert "203.0.113.7" not in socketcaps.client_slot_key("203.0.113.7")


def test_scope_address():
    assert socketcaps.scope_address({"client": ("203.0.113.7", 5)}) == "203.0.113.7"
    assert socketcaps.scope_address({"client": None}) == ""
    assert socketcaps.scope_address({}) == ""


def test_slots_up_to_the_cap_and_back(settings):
    settings.PORTAL_WS_MAX_PER_CLIENT = 2
    key = socketcaps.client_slot_key(ALICE)
    assert socketcaps.slot_take(key) and socketcaps.slot_take(key)
    assert not socketcaps.slot_take(key)
    assert cache.get(key) == 2  # the refused one is not counted
    socketcaps.slot_release(key)
    assert socketcaps.slot_take(key)
    assert not socketcaps.slot_take(key)


def test_no_cap_still_counts(settings):
    settings.PORTAL_WS_MAX_PER_CLIENT = 0
    key = socketcaps.client_slot_key(ALICE)
    for _ in range(50):
        assert socketcaps.slot_take(key)
    assert cache.get(key) == 50


def test_a_release_after_the_lease_ran_out_lends_nothing(settings):
    settings.PORTAL_WS_MAX_PER_CLIENT = 1
    key = socketcaps.client_slot_key(ALICE)
    socketcaps.slot_release(key)  # nothing counted: nothing happens
    assert cache.get(key) is None
    assert socketcaps.slot_take(key)
    cache.set(key, 0, socketcaps.LEASE_SECONDS)  # as if counted afresh by another worker
    socketcaps.slot_release(key)
    assert cache.get(key) == 0
    assert socketcaps.slot_take(key)
    assert not socketcaps.slot_take(key)


class Clock:
    """Stands in for the ``time`` module of the in-memory cache, to let leases run out."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(cache_base, "time", clock)  # when an entry expires
    monkeypatch.setattr(locmem, "time", clock)  # whether it has
    return clock


def test_a_dead_workers_slots_expire_with_the_lease(settings, clock):
    settings.PORTAL_WS_MAX_PER_CLIENT = 2
    key = socketcaps.client_slot_key(ALICE)
    # A worker counted two sockets, then died without releasing them.
    assert socketcaps.slot_take(key) and socketcaps.slot_take(key)
    assert not socketcaps.slot_take(key)
    clock.now += socketcaps.LEASE_SECONDS + 1
    assert socketcaps.slot_take(key)


def test_a_live_socket_keeps_its_count_by_refreshing(settings, clock):
    settings.PORTAL_WS_MAX_PER_CLIENT = 1
    key = socketcaps.client_slot_key(ALICE)
    assert socketcaps.slot_take(key)
    for _ in range(5):  # far longer than one lease, refreshed as the consumers do
        clock.now += socketcaps.REFRESH_SECONDS
        socketcaps.slot_refresh(key)
    assert not socketcaps.slot_take(key)


async def test_the_consumer_refreshes_its_slot_while_it_holds_on(monkeypatch):
    refreshed = []
    monkeypatch.setattr(socketcaps, "REFRESH_SECONDS", 0.01)
    real = socketcaps.slot_refresh
    monkeypatch.setattr(socketcaps, "slot_refresh", lambda key: (refreshed.append(key), real(key)))
    consumer = consumers.ReporterConsumer()
    consumer.slot = socketcaps.client_slot_key(ALICE)
    await consumer._hold(0.05)
    assert refreshed and set(refreshed) == {consumer.slot}
