"""Login attempts: whether one may go ahead, and what its failure or success changes.

Every login form — the staff page, the Django admin, ``POST auth/token/`` — checks a username and
password only through :func:`login_authenticate`, which puts two limits before the password
check:

- per client address: the rate scope ``login`` of ``complaints.ratelimits``
  (``PORTAL_RATE_LOGIN``), the same limiter as every anonymous request;
- per account, whatever the address: after ``PORTAL_LOGIN_FAILURES`` failed attempts within
  ``PORTAL_LOGIN_COOLDOWN_MINUTES``, the account is refused for that long, even with the right
  password. A successful login clears the account's count.

An attempt is counted against its account *before* its password is checked (an atomic cache
increment), so parallel guesses cannot slip past the limit while the slow hash runs. The account
is known only by a keyed hash of its normalised username (never the password), in cache entries
that expire with the window; no address is stored here (``complaints.ratelimits`` hashes it).
"""

import math
import time
import unicodedata

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from complaints.ratelimits import client_address, limit_wait

RATE_SCOPE = "login"


class LoginRefused(Exception):
    """An attempt refused before its password was checked, with a message in the user's
    language and the seconds to wait (``Retry-After``)."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.message = str(message)
        self.retry_after = retry_after


def login_authenticate(request, *, username: str, password: str):
    """The active user these credentials name, or None when they are wrong.

    Raises :class:`LoginRefused` when the client's address or the account has no attempt left;
    the password is then not checked at all.
    """
    address_wait = limit_wait(RATE_SCOPE, client_address(request))
    if address_wait is not None:
        raise LoginRefused(_address_message(address_wait), retry_after=address_wait)
    account = account_key(username)
    attempt = _attempt_reserve(account)
    user = authenticate(request, username=username, password=password)
    if user is None:
        _attempt_failed(account, attempt)
    else:
        account_clear(account)
    return user


def account_key(username: str) -> str:
    """The keyed hash an account is counted by: one for every spelling of its username that
    Django's forms treat alike (NFKC), and for every letter case, so ``ADMIN`` counts as
    ``admin``."""
    normalised = unicodedata.normalize("NFKC", username).strip().casefold()
    return salted_hmac("laporpungli.login.account", normalised).hexdigest()


def account_clear(account: str) -> None:
    """Forget the account's failed attempts and any cool-down (after a successful login)."""
    cache.delete_many([_attempts_key(account), _cooldown_key(account)])


def _cooldown_seconds() -> int:
    return settings.PORTAL_LOGIN_COOLDOWN_MINUTES * 60


def _attempts_key(account: str) -> str:
    return f"login_attempts_{account}"


def _cooldown_key(account: str) -> str:
    return f"login_cooldown_{account}"


def _attempt_reserve(account: str) -> int:
    """Count one attempt against the account and answer its number in the window, or raise
    :class:`LoginRefused` when the account is cooling down or has no attempt left."""
    _refuse_if_cooling_down(account)
    window = _cooldown_seconds()
    key = _attempts_key(account)
    cache.add(key, 0, window)
    try:
        attempt = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        attempt = 1
    if attempt == 1:
        # The window starts at the first attempt; an increment that raced the expiry would
        # otherwise leave a counter that never expires.
        cache.touch(key, window)
    if attempt > settings.PORTAL_LOGIN_FAILURES:
        # The earlier attempts failed, or are still being checked in parallel: a guessing run.
        _cooldown_start(account)
        _refuse_if_cooling_down(account)
        raise LoginRefused(_account_message(window), retry_after=window)
    return attempt


def _attempt_failed(account: str, attempt: int) -> None:
    if attempt >= settings.PORTAL_LOGIN_FAILURES:
        _cooldown_start(account)


def _cooldown_start(account: str) -> None:
    """Start the cool-down unless one runs already (a later failure does not extend it)."""
    window = _cooldown_seconds()
    cache.add(_cooldown_key(account), time.time() + window, window)
    cache.delete(_attempts_key(account))


def _refuse_if_cooling_down(account: str) -> None:
    until = cache.get(_cooldown_key(account))
    if until is None:
        return
    wait = math.ceil(until - time.time())
    if wait > 0:
        raise LoginRefused(_account_message(wait), retry_after=wait)


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def _address_message(seconds: int) -> str:
    minutes = _minutes(seconds)
    return ngettext(
        "Too many login attempts; try again in %(minutes)s minute.",
        "Too many login attempts; try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def _account_message(seconds: int) -> str:
    minutes = _minutes(seconds)
    return ngettext(
        "This account is locked after too many failed logins; try again in %(minutes)s minute.",
        "This account is locked after too many failed logins; try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}
