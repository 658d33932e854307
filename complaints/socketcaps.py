"""How many websockets one client holds open at once, counted across every server process.

A reporter's sockets are counted per client address, keyed like the rate limits
(``complaints.ratelimits.address_key``: an IPv6 address by its /64, where one household rotates
freely) and turned into a keyed hash under a key that changes daily, never stored as such. A staff
member's sockets are counted per account: many officers share an office's address, and a staff
socket is refused at the handshake unless its session is valid, so an account is the client.

The count lives in the Django cache (Redis in production, shared by the workers), changed only
with atomic increments and decrements: :func:`slot_take` when a socket opens, :func:`slot_release`
when it ends. A worker that dies cannot release its sockets' slots, so a count is a lease: it
expires :data:`LEASE_SECONDS` after it was last taken or refreshed, and every open socket
refreshes its count (:func:`slot_refresh`) every :data:`REFRESH_SECONDS`. Counts left behind by
a dead worker therefore vanish at most ``LEASE_SECONDS`` after the client's last live socket.

The cap is ``settings.PORTAL_WS_MAX_PER_CLIENT`` (0 or less: no cap; sockets are still counted).
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from complaints.ratelimits import address_key

LEASE_SECONDS = 600
REFRESH_SECONDS = 180  # well inside the lease: one late or failed refresh loses nothing
_TAKE_TRIES = 3


def scope_address(scope) -> str:
    """The client address of an ASGI scope, as the limits count it: the peer (behind trusted
    proxies, the address ``config.asgi``'s proxy middleware put there); "" when unknown."""
    client = scope.get("client")
    return str(client[0]) if client else ""


def client_slot_key(address: str) -> str:
    """The cache key counting the reporter sockets of ``address`` (a keyed hash, no address).

    The hash key changes daily: a socket keeps the key it was counted under, so it gives back
    the right slot after midnight."""
    day = timezone.now().strftime("%Y-%m-%d")
    ident = salted_hmac(f"laporpungli.sockets.{day}", address_key(address)).hexdigest()
    return f"sockets_client_{ident}"


def staff_slot_key(user_id: int) -> str:
    """The cache key counting the staff sockets of one account."""
    return f"sockets_staff_{user_id}"


def slot_take(key: str) -> bool:
    """Count one more socket under ``key``: True, or False (nothing counted) when the client
    already holds the cap."""
    cap = settings.PORTAL_WS_MAX_PER_CLIENT
    for _ in range(_TAKE_TRIES):
        cache.add(key, 0, LEASE_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # the lease ran out between add and incr: start it again
            continue
        if cap > 0 and count > cap:
            slot_release(key)
            return False
        cache.touch(key, LEASE_SECONDS)
        return True
    return True  # the count keeps vanishing under us: do not refuse an honest client for it


def slot_refresh(key: str) -> None:
    """Keep the count of a client with an open socket from expiring (see the module doc)."""
    cache.touch(key, LEASE_SECONDS)


def slot_release(key: str) -> None:
    """Give back one slot under ``key``; nothing if its lease has already run out."""
    try:
        count = cache.decr(key)
    except ValueError:
        return
    if count < 0:
        # The lease ran out and a new count began while this socket was open: do not let its
        # release lend the client a slot it never had.
        try:
            cache.incr(key, -count)
        except ValueError:
            pass
