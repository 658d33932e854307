"""Page-wide HTTP behaviour: the language switch and the security headers."""

from django.conf import settings
from django.utils import translation

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


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(RELAXED_PATHS):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


class LanguageQueryMiddleware:
    """``?lang=en`` or ``?lang=id`` switches the language and remembers it in a cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        requested = request.GET.get("lang")
        supported = {code for code, _name in settings.LANGUAGES}
        if requested not in supported:
            return self.get_response(request)
        # LocaleMiddleware reads the cookie next; setting it on the request makes this request
        # use the new language too.
        request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = requested
        with translation.override(requested):
            response = self.get_response(request)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            requested,
            max_age=365 * 24 * 3600,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=False,
        )
        return response
