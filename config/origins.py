"""Which browser origins are the portal's own: one exact rule for websockets and cross-site posts.

An ``Origin`` is ours when its scheme, host and port are exactly those of the request it came
with (``ws`` counts as ``http``, ``wss`` as ``https``; default ports 80/443 normalised), and the
request's host is one of ``ALLOWED_HOSTS``. ``PORTAL_ALLOWED_ORIGINS`` may add further exact
origins (``https://example.org:8443``), still only on a request to an allowed host. There are no
patterns: ``http://localhost:9999`` and ``https://localhost`` are not ``http://localhost``.

:func:`origin_is_ours` is the pure rule (the cross-site middleware uses it for HTTP posts);
:class:`WebsocketOriginValidator` applies it to websocket handshakes in ``config.asgi`` and
refuses the others before any consumer runs (the handshake is answered 403). A handshake without
an ``Origin`` header is refused too, as channels' ``AllowedHostsOriginValidator`` did: browsers
always send one, so only scripted clients are affected, and they can send the portal's origin.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http.request import split_domain_port, validate_host

# The scheme an origin is written with, for each scheme a request may arrive with.
_ORIGIN_SCHEME = {"http": "http", "https": "https", "ws": "http", "wss": "https"}
_DEFAULT_PORT = {"http": 80, "https": 443}

Origin = tuple[str, str, int]
"""(scheme, host, port): an origin with its scheme lowercased and its default port filled in."""


def origin_parse(value: str | None) -> Origin | None:
    """``"https://Example.org"`` as ``("https", "example.org", 443)``; None unless ``value`` is
    a plain serialised origin (http or https, a host, an optional port, nothing else).

    ``"null"`` (sandboxed frames, files), user info, paths, queries and fragments are refused:
    a browser never sends them, so they can only come from something pretending.
    """
    if not value or not value.isascii() or value != value.strip():
        return None
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:  # a port out of range or not a number, a broken IPv6 literal
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORT or not parts.hostname:
        return None
    if parts.username is not None or parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    if "?" in value or "#" in value or value.endswith(":"):
        return None
    return scheme, parts.hostname.lower(), _DEFAULT_PORT[scheme] if port is None else port


def request_origin(scheme: str, host: str | None) -> Origin | None:
    """The origin a request to ``host`` (its ``Host`` header) over ``scheme`` belongs to, or None
    when the host is malformed or not in ``ALLOWED_HOSTS`` (same rule as Django's ``get_host``).
    """
    origin_scheme = _ORIGIN_SCHEME.get((scheme or "").lower())
    if origin_scheme is None or not host:
        return None
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, _allowed_hosts()):
        return None
    return origin_parse(f"{origin_scheme}://{host}")


def origin_is_ours(origin: str | None, scheme: str, host: str | None) -> bool:
    """Whether a browser showing ``origin`` is on the portal itself, for a request that arrived
    over ``scheme`` (``http``, ``https``, ``ws`` or ``wss``) with the ``Host`` header ``host``.

    True when the origin equals the request's own scheme, host and port, or is one of
    ``PORTAL_ALLOWED_ORIGINS``; and in both cases only when the host is in ``ALLOWED_HOSTS``.
    A missing or malformed origin is not ours.
    """
    own = request_origin(scheme, host)
    parsed = origin_parse(origin)
    if own is None or parsed is None:
        return False
    return parsed == own or parsed in extra_origins()


def extra_origins() -> set[Origin]:
    """``PORTAL_ALLOWED_ORIGINS`` parsed; a malformed entry is a configuration error."""
    parsed = set()
    for entry in getattr(settings, "PORTAL_ALLOWED_ORIGINS", ()):
        origin = origin_parse(entry)
        if origin is None:
            raise ImproperlyConfigured(
                f"PORTAL_ALLOWED_ORIGINS entries look like https://example.org, not {entry!r}."
            )
        parsed.add(origin)
    return parsed


def _allowed_hosts() -> list[str]:
    # Django's own fallback in development (HttpRequest.get_host), so both agree on the host.
    if settings.DEBUG and not settings.ALLOWED_HOSTS:
        return [".localhost", "127.0.0.1", "[::1]"]
    return settings.ALLOWED_HOSTS


def _header(scope, name: bytes) -> str | None:
    """The one value of header ``name``; None when absent, repeated or not Latin-1 text."""
    values = [value for key, value in scope.get("headers", []) if key.lower() == name]
    if len(values) != 1:
        return None
    try:
        return values[0].decode("latin1")
    except UnicodeDecodeError:
        return None


class WebsocketOriginValidator:
    """ASGI middleware: a websocket handshake goes on to ``application`` only when its
    ``Origin`` is ours (:func:`origin_is_ours`); any other is refused with a 403."""

    def __init__(self, application):
        self.application = application
        extra_origins()  # a malformed PORTAL_ALLOWED_ORIGINS fails at startup, not per socket

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("WebsocketOriginValidator only guards websocket connections.")
        origin = _header(scope, b"origin")
        host = _header(scope, b"host")
        if origin_is_ours(origin, scope.get("scheme") or "ws", host):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
