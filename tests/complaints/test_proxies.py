"""Trusted reverse proxies (issue 12, finding 2): the client address behind a proxy.

The whole ASGI application (``config.asgi.application_build``) is driven with ASGI scopes as a
server hands them over: the peer is the reverse proxy, the client is in ``X-Forwarded-For``.
Only a peer listed in ``PORTAL_TRUSTED_PROXIES`` is believed (uvicorn's
``ProxyHeadersMiddleware``, wrapped around HTTP and websockets alike): two reporters behind it
get a budget each, while anyone else's ``X-Forwarded-For`` (or ``X-Forwarded-Proto``) is ignored.
The setting's reader and the servers' own proxy-header switch are checked too.
"""

import json
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.core.exceptions import ImproperlyConfigured

from config import asgi
from config.env import env_networks
from tests.api.client import COMPLAINTS_URL, PARKIR_STORY

PROXY = "10.0.0.2"
ALICE = "203.0.113.10"
BOB = "203.0.113.20"
STRANGER = "198.51.100.7"
PROJECT_DIR = Path(__file__).resolve().parents[2]


# The application runs Django's views in worker threads with their own connections: the rows must
# be committed for them to see, and the test holds no transaction that would lock them out.
requests_in_threads = pytest.mark.django_db(transaction=True)


@pytest.fixture
def one_submission_an_hour(settings):
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "submit": "1/hour"}


def http_scope(peer: str, headers: dict[str, str], length: int = 0) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": COMPLAINTS_URL,
        "raw_path": COMPLAINTS_URL.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"localhost"),
            (b"content-type", b"application/json"),
            (b"content-length", str(length).encode()),
        ]
        + [(name.lower().encode(), value.encode()) for name, value in headers.items()],
        "client": (peer, 40000),
        "server": ("127.0.0.1", 8000),
    }


def submit(app, peer: str, **headers: str) -> int:
    """POST complaints/ through the ASGI application from ``peer``; the response status."""
    body = json.dumps(PARKIR_STORY).encode()

    async def exchange() -> int:
        communicator = ApplicationCommunicator(app, http_scope(peer, headers, len(body)))
        await communicator.send_input({"type": "http.request", "body": body})
        start = await communicator.receive_output(timeout=30)
        while True:  # the body, so the application finishes
            message = await communicator.receive_output(timeout=30)
            if not message.get("more_body"):
                break
        await communicator.wait()
        return start["status"]

    return async_to_sync(exchange)()


@requests_in_threads
@pytest.mark.usefixtures("directory", "one_submission_an_hour")
def test_two_reporters_behind_a_trusted_proxy_have_a_budget_each(settings):
    """Finding 2 replayed: behind the proxy, one person no longer blocks every reporter."""
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.0/24"]
    app = asgi.application_build()

    alice = submit(app, PROXY, **{"X-Forwarded-For": ALICE})
    bob = submit(app, PROXY, **{"X-Forwarded-For": BOB})
    alice_again = submit(app, PROXY, **{"X-Forwarded-For": ALICE})

    assert (alice, bob) == (201, 201)
    assert alice_again == 429


@requests_in_threads
@pytest.mark.usefixtures("directory", "one_submission_an_hour")
def test_an_untrusted_peers_forwarded_for_is_ignored(settings):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.0/24"]
    app = asgi.application_build()

    first = submit(app, STRANGER, **{"X-Forwarded-For": ALICE})
    spoofed = submit(app, STRANGER, **{"X-Forwarded-For": BOB})

    assert first == 201
    assert spoofed == 429  # the stranger's own address, whatever it claims


@requests_in_threads
@pytest.mark.usefixtures("directory", "one_submission_an_hour")
def test_without_trusted_proxies_no_forwarded_for_is_believed(settings):
    settings.PORTAL_TRUSTED_PROXIES = []
    app = asgi.application_build()

    first = submit(app, PROXY, **{"X-Forwarded-For": ALICE})
    second = submit(app, PROXY, **{"X-Forwarded-For": BOB})

    assert (first, second) == (201, 429)


@requests_in_threads
@pytest.mark.usefixtures("directory", "one_submission_an_hour")
def test_a_client_cannot_pick_its_address_by_prepending_to_the_proxys_header(settings):
    """The proxy appends the real peer; what the client wrote before it is not believed."""
    settings.PORTAL_TRUSTED_PROXIES = [PROXY]
    app = asgi.application_build()

    first = submit(app, PROXY, **{"X-Forwarded-For": f"192.0.2.1, {ALICE}"})
    second = submit(app, PROXY, **{"X-Forwarded-For": f"192.0.2.2, {ALICE}"})

    assert (first, second) == (201, 429)


# --- The wiring: both protocols, the scheme, lifespan untouched ----------------------------------


class Recorder:
    """An ASGI application that remembers the scopes it was given and answers nothing."""

    def __init__(self):
        self.scopes = []

    async def __call__(self, scope, receive, send):
        self.scopes.append(scope)


@pytest.fixture
def recorded(monkeypatch):
    """``application_build()`` around a recorder instead of the protocol router."""
    recorder = Recorder()
    monkeypatch.setattr(asgi, "ProtocolTypeRouter", lambda routes: recorder)
    return recorder


def call(app, scope: dict) -> None:
    async def run():
        await app(scope, None, None)

    async_to_sync(run)()


def forwarded(kind: str, peer: str) -> dict:
    headers = [(b"x-forwarded-for", ALICE.encode()), (b"x-forwarded-proto", b"https")]
    return {"type": kind, "scheme": "ws" if kind == "websocket" else "http",
            "client": (peer, 5000), "headers": headers}  # fmt: skip


@pytest.mark.parametrize("kind, secure", [("http", "https"), ("websocket", "wss")])
def test_both_protocols_take_client_and_scheme_from_a_trusted_proxy(
    settings, recorded, kind, secure
):
    settings.PORTAL_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    app = asgi.application_build()

    call(app, forwarded(kind, PROXY))
    call(app, forwarded(kind, STRANGER))

    trusted, untrusted = recorded.scopes
    assert trusted["client"][0] == ALICE and trusted["scheme"] == secure
    assert untrusted["client"][0] == STRANGER and untrusted["scheme"] in {"http", "ws"}


def test_no_trusted_proxies_means_no_wrapping(settings, recorded):
    settings.PORTAL_TRUSTED_PROXIES = []

    assert asgi.application_build() is recorded


def test_the_lifespan_passes_through(settings, recorded):
    settings.PORTAL_TRUSTED_PROXIES = [PROXY]

    call(asgi.application_build(), {"type": "lifespan"})

    assert recorded.scopes == [{"type": "lifespan"}]


# --- The setting and the servers ---------------------------------------------------------------


def test_the_setting_reads_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", " 10.0.0.2, 172.18.0.0/16 ,2001:db8::1,")

    assert env_networks("PORTAL_TRUSTED_PROXIES") == [
        "10.0.0.2/32",
        "172.18.0.0/16",
        "2001:db8::1/128",
    ]


@pytest.mark.parametrize("value", ["*", "proxy.local", "10.0.0.300", "10.0.0.0/33"])
def test_a_malformed_proxy_stops_the_start_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", value)

    with pytest.raises(ImproperlyConfigured, match="PORTAL_TRUSTED_PROXIES"):
        env_networks("PORTAL_TRUSTED_PROXIES")


def test_unset_means_no_proxy_is_trusted(monkeypatch):
    monkeypatch.delenv("PORTAL_TRUSTED_PROXIES", raising=False)

    assert env_networks("PORTAL_TRUSTED_PROXIES") == []


def test_the_servers_own_proxy_headers_are_off(monkeypatch):
    """One place trusts forwarding headers: uvicorn's own switch (which believes 127.0.0.1 by
    default) is off in `manage.py serve` and in the image's command."""
    import uvicorn
    from django.core.management import call_command

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options))
    call_command("serve", "--port", "1")
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()

    assert seen["proxy_headers"] is False
    assert '"--no-proxy-headers"' in dockerfile and '"--proxy-headers"' not in dockerfile
