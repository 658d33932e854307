"""ASGI guard that refuses request bodies over the cap before Django reads them.

Django reads (and spools to disk) the whole body before any view runs, and its own upload
settings do not count files, so the cap lives here: a declared ``Content-Length`` over the cap
is answered at once, and a body that grows past it while streaming is cut off.
"""

import json
from html import escape
from http.cookies import CookieError, SimpleCookie

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from frontend.middleware import request_language


def _language(scope) -> str:
    """The request's language by the portal's one rule (``frontend.middleware``): the page's
    ``?lang=`` choice or the language cookie; ``Accept-Language`` only for the API."""
    query = scope.get("query_string", b"").decode("latin-1").split("&")
    for choice in ("en", "id"):
        if f"lang={choice}" in query:
            return choice
    headers = dict(scope.get("headers") or [])
    cookies = SimpleCookie()
    try:
        cookies.load(headers.get(b"cookie", b"").decode("latin-1"))
    except CookieError:
        pass
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    return request_language(
        scope.get("path", ""),
        chosen.value if chosen else None,
        headers.get(b"accept-language", b"").decode("latin-1"),
    )


class RequestBodyLimit:
    def __init__(self, app, max_bytes: int | None = None):
        self.app = app
        self._max_bytes = max_bytes

    @property
    def max_bytes(self) -> int:
        return self._max_bytes or settings.PORTAL_MAX_REQUEST_BYTES

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._refuse(scope, send)

        received = 0
        cut_off = False
        started = False

        async def limited_receive():
            nonlocal received, cut_off
            if cut_off:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    cut_off = True
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, tracking_send)
        if cut_off and not started:
            await self._refuse(scope, send)

    async def _refuse(self, scope, send):
        with translation.override(_language(scope)):
            message = _("The request is too large: at most %(mb)s MB in all.") % {
                "mb": self.max_bytes // (1024 * 1024)
            }
        if scope["path"].startswith("/api/"):
            body = json.dumps({"message": message, "errors": {}}).encode()
            content_type = b"application/json"
        else:
            body = (
                f'<!doctype html><meta charset="utf-8"><title>413</title>'
                f'<p>{escape(message)}</p><p><a href="javascript:history.back()">&larr;</a></p>'
            ).encode()
            content_type = b"text/html; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", content_type),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
