"""Cross-site posts to the API refused (docs/interface.md "REST API", issue 12 finding 9).

The anonymous API authenticates no one (``authentication_classes = []``), so DRF applies no
CSRF check to it; a hostile page could then make its visitors' browsers file complaints through
an ordinary HTML form or a ``no-cors`` fetch, each from a different address. Browsers send those
"simple" requests (form-encoded, multipart, text/plain or no body type) to any site without
asking first, and they carry the page's ``Origin``. This middleware refuses them when that
origin is not ours (``config.origins.origin_is_ours``: scheme, host and port exactly), or, where
an older browser sends no ``Origin``, when ``Sec-Fetch-Site`` says the page was another site's.

A JSON post is not "simple": before sending one to another origin a browser asks with a CORS
preflight, which the portal never grants (it sends no ``Access-Control-Allow-*`` headers), so
cross-site JSON never arrives; it needs nothing here. Requests without ``Origin`` and
``Sec-Fetch-Site`` (scripts, curl, the mobile apps) are not a browser acting for a page and pass.
Our own pages post to page addresses with Django's CSRF token; their scripts post JSON to the
API from the same origin, which passes.
"""

from django.core.exceptions import DisallowedHost
from django.http import JsonResponse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from config.origins import origin_is_ours

API_PREFIX = "/api/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# The body types a page on another site may send without a preflight (Fetch standard,
# "CORS-safelisted request-header"); an absent type is what a no-cors fetch of a Blob sends.
SIMPLE_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain", ""}
)
# Sec-Fetch-Site values that name a page other than ours ("same-site" is a sibling subdomain).
FOREIGN_FETCH_SITES = frozenset({"cross-site", "same-site"})


def is_cross_site_post(request) -> bool:
    """Whether ``request`` is a browser's simple unsafe request to the API, sent for a page that
    is not the portal's own."""
    if request.method in SAFE_METHODS or not request.path.startswith(API_PREFIX):
        return False
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type not in SIMPLE_CONTENT_TYPES:
        return False  # JSON and the like: the CORS preflight already stops other sites
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return request.META.get("HTTP_SEC_FETCH_SITE", "").lower() in FOREIGN_FETCH_SITES
    try:
        host = request.get_host()
    except DisallowedHost:
        host = None
    return not origin_is_ours(origin, request.scheme, host)


class CrossSitePostMiddleware(MiddlewareMixin):
    """403 with the API's error shape, in the request's language, for a cross-site post."""

    def process_request(self, request):
        if not is_cross_site_post(request):
            return None
        message = _("Requests from other websites are not accepted. Use the portal itself.")
        return JsonResponse({"message": message, "errors": {}}, status=403)
