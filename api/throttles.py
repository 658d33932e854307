"""The API's side of the rate limits: a DRF throttle over ``complaints.ratelimits``.

DRF asks the throttle and, when it refuses, answers 429 with ``Retry-After``
(``api.exception_handlers`` words the message). The limit itself, its rates and its
address-free cache keys are ``complaints.ratelimits``, shared with the pages.
"""

from rest_framework.throttling import BaseThrottle

from complaints import ratelimits


class AnonymousScopedThrottle(BaseThrottle):
    """The limit of the view's ``throttle_scope``, counted per client address (never per user).

    A view without a ``throttle_scope`` is not limited.
    """

    def __init__(self):
        self._wait: int | None = None

    def allow_request(self, request, view) -> bool:
        scope = getattr(view, "throttle_scope", None)
        if not scope:
            return True
        self._wait = ratelimits.request_wait(request, scope)
        return self._wait is None

    def wait(self) -> int | None:
        return self._wait
