"""Page-wide HTTP behaviour: the language switch, the language of each request, and the
security headers.

The language rule (docs/interface.md "Language"), decided here only:

- the pages (and the admin) are in Indonesian whatever the browser says; English only by
  choice: ``?lang=en`` or the language switch, remembered in the language cookie;
- the API (``/api/``, ``/open311/``) answers in the language the client asks for with
  ``Accept-Language`` (its clients rely on it; the pages' scripts send the page's language),
  the cookie's choice first, Indonesian otherwise.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation.trans_real import parse_accept_lang_header

from routing.regions.current import region_current

# Everything is served by the app itself; no third-party origin is ever contacted.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The interactive API docs page runs an inline bootstrap script and styles.
RELAXED_PATHS = ("/api/docs/", "/admin/")
# Machine clients: these follow Accept-Language; everything else is a page.
API_PATHS = ("/api/", "/open311/")


# Under ASGI the whole stack runs in the request's thread: the last middleware is sync-only
# (config.unavailable), so Django runs every one above it sync too (config/settings/base.py).


class SecurityHeadersMiddleware(MiddlewareMixin):
    def process_response(self, request, response):
        if not request.path.startswith(RELAXED_PATHS):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "geolocation=(), camera=(), microphone=()"
        )
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class LanguageQueryMiddleware(MiddlewareMixin):
    """``?lang=en`` or ``?lang=id`` switches the language and remembers it in a cookie."""

    def process_request(self, request):
        requested = request.GET.get("lang")
        if requested in {code for code, _name in settings.LANGUAGES}:
            # LocaleMiddleware reads the cookie next, so this request is in the new language too.
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = requested
            request.language_requested = requested

    def process_response(self, request, response):
        requested = getattr(request, "language_requested", None)
        if requested:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                requested,
                max_age=365 * 24 * 3600,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=False,
            )
        return response


def _supported(code: str | None) -> str | None:
    codes = {code for code, _name in settings.LANGUAGES}
    return code if code in codes else None


def request_language(path: str, cookie: str | None, accept_language: str) -> str:
    """The language of one request: the visitor's choice (the cookie), then, for the API only,
    ``Accept-Language``; Indonesian otherwise. A browser's own preference never picks a page's
    language: the portal is Indonesian first."""
    chosen = _supported(cookie)
    if chosen:
        return chosen
    if path.startswith(API_PATHS):
        for code, _quality in parse_accept_lang_header(accept_language):
            base = _supported(code.split("-")[0].lower())
            if base:
                return base
    return settings.LANGUAGE_CODE


class PortalLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware with the portal's rule (``request_language``) in place of the
    browser's preference. Comes after ``LanguageQueryMiddleware``, which turns ``?lang=`` into
    the cookie this reads."""

    def process_request(self, request):
        translation.activate(
            request_language(
                request.path_info,
                request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME),
                request.headers.get("Accept-Language", ""),
            )
        )
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # A page's language depends on the cookie only; an API answer's on Accept-Language too.
        varies = (
            ("Cookie", "Accept-Language")
            if request.path_info.startswith(API_PATHS)
            else ("Cookie",)
        )
        patch_vary_headers(response, varies)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class RegionTimeZoneMiddleware(MiddlewareMixin):
    """Times in the region's own zone (WIB, WITA or WIT): every page, API answer and deadline
    of a request is shown in the zone of the region the portal serves (``routing.Region``),
    the settings' ``TIME_ZONE`` when none is recorded."""

    def process_request(self, request):
        region = region_current()
        if region is not None:
            timezone.activate(region.zone)
        else:
            timezone.deactivate()

    def process_response(self, request, response):
        timezone.deactivate()
        return response
