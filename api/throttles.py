"""The API's side of the rate limits: a DRF throttle over ``complaints.ratelimits``.

DRF asks the throttle and, when it refuses, answers 429 with ``Retry-After``
(``api.exception_handlers`` words the message). The limit itself, its rates and its
address-free cache keys are ``complaints.ratelimits``, shared with the pages. In a scope that
asks for a proof of work (``complaints.proofofwork``: anonymous submissions), a spent budget is
answered with a challenge, and a request carrying its solution in the ``X-Altcha`` header goes
through.
"""

from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

from complaints import proofofwork, ratelimits

# The header in the OpenAPI schema of the views whose scope asks for a proof of work.
PROOF_OF_WORK_HEADER = OpenApiParameter(
    name=proofofwork.HEADER,
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Only once this client's submission budget is spent (429 with a `challenge`): the "
        'solved ALTCHA v2 challenge, as base64 of the JSON `{"challenge": <the challenge as '
        'received>, "solution": {"counter": n, "derivedKey": hex}}`. The counter is found '
        "by trying n = 0, 1, 2, … until SHA-256(salt ‖ nonce ‖ n as 4 bytes big-endian) in hex "
        "starts with `keyPrefix` (salt and nonce decoded from hex); `derivedKey` is that hash "
        "in hex. Each solution admits one request, before the challenge's `expiresAt`."
    ),
)


class ProofOfWorkRequired(Throttled):
    """Over the limit, in a scope where a solved challenge would let the request through."""

    def __init__(self, wait: int, challenge: dict):
        super().__init__(wait=wait)
        self.challenge = challenge


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
        if self._wait is None:
            return True
        if not proofofwork.applies_to(scope):
            return False
        if proofofwork.solution_accept(request.headers.get(proofofwork.HEADER)):
            return True
        raise ProofOfWorkRequired(self._wait, proofofwork.challenge_new())

    def wait(self) -> int | None:
        return self._wait
