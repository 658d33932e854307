"""Page-wide HTTP behaviour: the language switch and the security headers."""

from django.conf import settings
from django.utils.deprecation import MiddlewareMixin

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


# MiddlewareMixin gives each middleware a sync and an async path, so under ASGI the chain
# does not hop to a thread and back around them.


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
