"""Rate limits for anonymous endpoints without remembering who the client is.

The client address is turned into a keyed hash (the key changes every day) before it becomes a
cache key, and the cache entry expires with the rate window: no address is stored anywhere.
"""

from types import SimpleNamespace

from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

MSG_THROTTLED = _("Too many requests; please try again in %(seconds)s seconds.")


class AnonymousScopedThrottle(ScopedRateThrottle):
    """``ScopedRateThrottle`` keyed by a daily-rotating HMAC of the client address."""

    def get_rate(self):
        # Read at call time (not class creation) so a changed setting takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        day = timezone.now().strftime("%Y-%m-%d")
        return salted_hmac(f"laporpungli.throttle.{day}", super().get_ident(request)).hexdigest()


def throttle_wait(request, scope: str) -> int | None:
    """The same limit for an HTML form outside DRF: None when allowed, else seconds to wait."""
    throttle = AnonymousScopedThrottle()
    if throttle.allow_request(request, SimpleNamespace(throttle_scope=scope)):
        return None
    return int(throttle.wait() or 1)
