"""Proof of work instead of refusal: the challenges a client solves when its budget is spent.

When a client has spent its ``submit`` budget (``complaints.ratelimits``) — often not one
person but a whole mobile carrier's shared address — it is not turned away: it is given an
ALTCHA v2 challenge (the ``altcha`` library; algorithm ``SHA-256``, one round), a few seconds of
a phone's CPU, and the request that carries the solution goes through. The page's own script
solves it (``frontend/static/frontend/js/report.js``); an API client solves it the same way.

- :func:`challenge_new`: a challenge signed with a key derived from ``SECRET_KEY``, expiring after
  :data:`CHALLENGE_SECONDS`. Its secret counter is drawn below :func:`maxnumber_for` the current
  load, so the expected work is half that many SHA-256 hashes.
- :func:`solution_accept`: the ``X-Altcha`` payload (base64 JSON ``{"challenge", "solution"}``)
  is verified, and the challenge is then marked used in the cache until it expires, so one
  solution admits one request.
- :func:`maxnumber_for` (pure): harder as more requests were admitted this way in the last
  :data:`LOAD_MINUTES` minutes, portal-wide (a counter per minute in the cache).

Nothing here knows the client: cache keys are a hash of the challenge or the minute.
"""

import hashlib
import secrets
import time

import altcha
from django.core.cache import cache
from django.utils.crypto import salted_hmac

# The scopes whose refusal becomes a challenge (anonymous submissions only).
SCOPES = frozenset({"submit"})
# The request header carrying the solved challenge (the ALTCHA widget's base64 payload).
HEADER = "X-Altcha"
ALGORITHM = "SHA-256"
CHALLENGE_SECONDS = 5 * 60
# About 1–2 s of crypto.subtle SHA-256 on a cheap phone at the base (half of it on average);
# doubled for every LOAD_STEP admissions in the window, up to the cap (~30 s on that phone).
MAXNUMBER_BASE = 50_000
MAXNUMBER_CAP = 1_000_000
LOAD_STEP = 20
LOAD_MINUTES = 10
# A payload far larger than any real one is not decoded at all.
PAYLOAD_MAX_CHARS = 4096


def applies_to(scope: str) -> bool:
    """Whether a spent budget in ``scope`` asks for a proof of work rather than refusing."""
    return scope in SCOPES


def maxnumber_for(load: int) -> int:
    """The counter's bound for ``load`` admissions by proof of work in the window."""
    doublings = min(max(load, 0) // LOAD_STEP, 8)
    return min(MAXNUMBER_CAP, MAXNUMBER_BASE << doublings)


def _hmac_secret() -> bytes:
    # Derived, so the challenge key is not SECRET_KEY itself and changes with it.
    return salted_hmac("laporpungli.proofofwork", "challenge-signing").digest()


def _minute(now: float) -> int:
    return int(now // 60)


def _load_key(minute: int) -> str:
    return f"pow_admitted_{minute}"


def load_now() -> int:
    """Requests admitted by proof of work, portal-wide, in the last ``LOAD_MINUTES`` minutes."""
    current = _minute(time.time())
    keys = [_load_key(minute) for minute in range(current - LOAD_MINUTES + 1, current + 1)]
    return sum(int(count) for count in cache.get_many(keys).values())


def _load_count() -> None:
    key = _load_key(_minute(time.time()))
    cache.add(key, 0, (LOAD_MINUTES + 1) * 60)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: this minute starts again
        cache.add(key, 1, (LOAD_MINUTES + 1) * 60)


def challenge_new() -> dict:
    """A fresh signed challenge (ALTCHA v2 JSON: ``{"parameters", "signature"}``)."""
    maxnumber = maxnumber_for(load_now())
    challenge = altcha.create_challenge(
        ALGORITHM,
        1,
        counter=secrets.randbelow(maxnumber + 1),
        expires_at=int(time.time()) + CHALLENGE_SECONDS,
        hmac_secret=_hmac_secret(),
    )
    return challenge.to_dict()


def solution_accept(payload: str | None) -> bool:
    """Whether ``payload`` solves a challenge of ours not yet used; if so it is now used."""
    if not payload or len(payload) > PAYLOAD_MAX_CHARS:
        return False
    try:
        parsed = altcha.Payload.from_base64(payload)
        result = altcha.verify_solution(parsed, _hmac_secret())
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return False
    if not result.verified:
        return False
    signature = parsed.challenge.signature
    used_key = "pow_used_" + hashlib.sha256(signature.encode()).hexdigest()
    remaining = int(parsed.challenge.parameters.expires_at - time.time()) + 1
    # add() stores only if absent: of two requests racing with one solution, one wins.
    if not cache.add(used_key, 1, max(remaining, 1)):
        return False
    _load_count()
    return True
