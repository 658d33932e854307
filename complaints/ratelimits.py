"""Rate limits for anonymous requests, without remembering who the client is.

One limiter for every interface: the API's throttle (``api.throttles``) and the pages
(``frontend``) both ask :func:`limit_wait` with a scope (``submit``, ``track``, ``preview``,
``directory``, ``login``) and the client's address (:func:`client_address`).

The address is turned into a keyed hash, with a key that changes every day, before it becomes a
cache key, and the cache entry expires with the rate window: no address is stored anywhere.
The rates are ``settings.PORTAL_RATES`` (``"10/hour"``, or ``None`` for no limit), read at
each call so a changed setting takes effect at once.
"""

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

# Shown by the API (with Retry-After) and by the pages, with the seconds to wait.
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


def client_address(request) -> str:
    """The address a limit counts by, from a Django (or DRF) request.

    Only the socket's peer address, never a client-supplied ``X-Forwarded-For`` (spoofable):
    behind a proxy, the ASGI server's proxy-headers setting provides the real peer. (This is
    what DRF's ``get_ident`` answers with ``NUM_PROXIES = 0``.) The one place to change when
    trusted proxies are introduced.
    """
    return request.META.get("REMOTE_ADDR") or ""


def _cache_key(scope: str, address: str) -> str:
    day = timezone.now().strftime("%Y-%m-%d")
    ident = salted_hmac(f"laporpungli.throttle.{day}", address).hexdigest()
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
