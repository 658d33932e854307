"""Rate limits for anonymous requests, without remembering who the client is.

One limiter for every interface: the API's throttle (``api.throttles``) and the pages
(``frontend``) both ask :func:`limit_wait` with a scope (``submit``, ``track``, ``preview``,
``directory``, ``login``) and the client's address (:func:`client_address`).

An IPv4 address counts alone; an IPv6 address counts with its whole /64 (:func:`address_key`),
the block one household or phone gets and may rotate through freely. The address is turned into
a keyed hash, with a key that changes every day, before it becomes a cache key, and the cache
entry expires with the rate window: no address is stored anywhere. The rates are
``settings.PORTAL_RATES`` (``"10/hour"``, or ``None`` for no limit), read at each call so a
changed setting takes effect at once. :func:`throttled_message` words a refusal for people.
"""

import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Shown by the API (with Retry-After) and by the pages, with the seconds to wait; from a minute
# on, in minutes (see throttled_message).
MSG_THROTTLED = _("Too many requests; please try again in %(seconds)s seconds.")

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    requests: int
    seconds: int


def rate_parse(rate: str) -> Rate:
    """``"10/hour"`` (or ``10/h``, ``10/min``, ``10/s``, ``10/day``) as a :class:`Rate`."""
    count, _sep, period = rate.partition("/")
    if not count.isascii() or not count.isdigit() or period[:1] not in _PERIODS:
        raise ImproperlyConfigured(f"A rate looks like 10/hour, not {rate!r}.")
    return Rate(requests=int(count), seconds=_PERIODS[period[0]])


def rate_for(scope: str) -> Rate | None:
    """The limit of ``scope`` now, or None when it is off."""
    rates = settings.PORTAL_RATES
    if scope not in rates:
        raise ImproperlyConfigured(f"No rate is set for {scope!r} in PORTAL_RATES.")
    rate = rates[scope]
    return rate_parse(rate) if rate else None


def throttled_message(wait: int) -> str:
    """The refusal for people, in the active language: seconds under a minute, else minutes
    ("Coba lagi dalam 59 menit", not "3506 detik")."""
    if wait < 60:
        return str(MSG_THROTTLED) % {"seconds": wait}
    minutes = math.ceil(wait / 60)
    return ngettext(
        "Too many requests; please try again in %(minutes)s minute.",
        "Too many requests; please try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def client_address(request) -> str:
    """The address a limit counts by, from a Django (or DRF) request.

    The ASGI scope's client (``REMOTE_ADDR``), never a header read here: it is the socket's
    peer, or, when that peer is one of ``PORTAL_TRUSTED_PROXIES``, the client its
    ``X-Forwarded-For`` names, as ``config.asgi`` (uvicorn's ``ProxyHeadersMiddleware``, the one
    place that trusts forwarding headers) put it into the scope. (This is what DRF's
    ``get_ident`` answers with ``NUM_PROXIES = 0``.)
    """
    return request.META.get("REMOTE_ADDR") or ""


def address_key(address: str) -> str:
    """What a limit counts by: an IPv4 address whole, an IPv6 address by its /64 network.

    A provider hands one subscriber (a home, a phone) a whole /64 and its devices pick new
    addresses in it at will, so counting the full IPv6 address would let one household rotate
    past any limit. An IPv4 address mapped into IPv6 counts as that IPv4 address; anything that
    does not parse (a Unix socket's name, an empty string) counts as it is.
    """
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _cache_key(scope: str, address: str) -> str:
    day = timezone.now().strftime("%Y-%m-%d")
    ident = salted_hmac(f"laporpungli.throttle.{day}", address_key(address)).hexdigest()
    return f"throttle_{scope}_{ident}"


def limit_wait(scope: str, address: str) -> int | None:
    """Count one request of ``address`` in ``scope``: None when allowed, else seconds to wait.

    A sliding window: the cache keeps the times of the allowed requests within the window (and
    nothing else), and expires with the window. A refused request is not counted.
    """
    rate = rate_for(scope)
    if rate is None:
        return None
    key = _cache_key(scope, address)
    now = time.time()
    history = [at for at in cache.get(key, []) if at > now - rate.seconds]
    if len(history) >= rate.requests:
        oldest = history[rate.requests - 1] if rate.requests else now
        return max(1, math.ceil(rate.seconds - (now - oldest)))
    history.insert(0, now)
    cache.set(key, history, rate.seconds)
    return None


def request_wait(request, scope: str) -> int | None:
    """:func:`limit_wait` for the client of ``request``."""
    return limit_wait(scope, client_address(request))
