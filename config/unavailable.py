"""Pages when the database or Redis cannot serve the request: 503, ``Retry-After``, a message.

The page-side twin of the API's mapping in ``api.exception_handlers``; which errors count and
the words are ``complaints.unavailable``'s. Any other exception goes the normal way (a 500,
reported). The page is standalone: the site's base template reads the session and the user,
which would need the database that just failed.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.deprecation import MiddlewareMixin

from complaints.unavailable import (
    MSG_UNAVAILABLE,
    RETRY_AFTER_SECONDS,
    is_unavailable,
    unavailable_log,
)


class ServiceUnavailableMiddleware(MiddlewareMixin):
    # Sync only, and last in MIDDLEWARE: Django then runs every middleware above it sync as
    # well, the whole stack in the request's one thread, entered from the event loop once.
    # Async, each middleware's hooks were a round trip through the loop (24 crossings per
    # request instead of 6, tests/test_asgi_requests.py), each a wait for a turn of a loop the
    # worker's websockets share, with the request's database connection held.
    async_capable = False

    def process_exception(self, request, exception):
        if not is_unavailable(exception):
            return None
        unavailable_log(exception)
        # Rendered without the request: no context processor touches the session or the user.
        html = render_to_string("frontend/unavailable.html", {"message": MSG_UNAVAILABLE})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
