"""``config.limits.RequestBodyLimit``: the ASGI guard that refuses oversized bodies before Django
reads them, driven here with a hand-made ASGI scope, ``receive`` and ``send``.

A declared ``Content-Length`` over the cap is answered 413 without calling the app; a chunked
body that grows past the cap is cut off and answered 413; anything under the cap passes through.
Answers under ``/api/`` are JSON ``{"message", "errors"}`` in the request's language.
"""

import json

import pytest
from django.conf import settings
from django.core.asgi import get_asgi_application

from config.limits import RequestBodyLimit
from tests.api.client import assert_not_english

MIB = 1024 * 1024
CHUNK = b"x" * MIB


def english_message() -> str:
    return (
        f"The request is too large: at most {settings.PORTAL_MAX_REQUEST_BYTES // MIB} MB in all."
    )


def http_scope(path="/api/v1/complaints/", headers=(), query_string=b"") -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query_string,
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("203.0.113.77", 50000),
        "server": ("testserver", 80),
    }


class Body:
    """``receive`` for a body sent in chunks; counts how many chunks were taken."""

    def __init__(self, chunks: list[bytes]):
        self.chunks = chunks
        self.taken = 0

    async def __call__(self) -> dict:
        if self.taken >= len(self.chunks):
            return {"type": "http.disconnect"}
        chunk = self.chunks[self.taken]
        self.taken += 1
        return {"type": "http.request", "body": chunk, "more_body": self.taken < len(self.chunks)}


class Sent:
    """``send`` that records the response."""

    def __init__(self):
        self.messages: list[dict] = []

    async def __call__(self, message: dict) -> None:
        self.messages.append(message)

    @property
    def status(self) -> int:
        return next(m["status"] for m in self.messages if m["type"] == "http.response.start")

    @property
    def headers(self) -> dict[bytes, bytes]:
        start = next(m for m in self.messages if m["type"] == "http.response.start")
        return dict(start["headers"])

    @property
    def body(self) -> bytes:
        return b"".join(
            m.get("body", b"") for m in self.messages if m["type"] == "http.response.body"
        )


class ReadingApp:
    """An inner app that reads the whole body like Django does, then answers 200.

    On ``http.disconnect`` it gives up without answering (as Django's ASGI handler does).
    """

    def __init__(self):
        self.called = False
        self.received = 0

    async def __call__(self, scope, receive, send):
        self.called = True
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            self.received += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def content_length(size: int) -> tuple[bytes, bytes]:
    return (b"content-length", str(size).encode())


async def test_a_declared_length_over_the_cap_is_refused_without_calling_the_app():
    app = ReadingApp()
    body, sent = Body([b"{}"]), Sent()
    scope = http_scope(
        headers=[content_length(settings.PORTAL_MAX_REQUEST_BYTES + 1), (b"accept-language", b"en")]
    )

    await RequestBodyLimit(app)(scope, body, sent)

    assert not app.called
    assert body.taken == 0  # not a byte of the body was read
    assert sent.status == 413
    assert sent.headers[b"content-type"] == b"application/json"
    assert json.loads(sent.body) == {"message": english_message(), "errors": {}}


async def test_a_chunked_body_growing_past_the_cap_is_cut_off():
    app = ReadingApp()
    chunks_in_cap = settings.PORTAL_MAX_REQUEST_BYTES // MIB
    body, sent = Body([CHUNK] * (chunks_in_cap + 10)), Sent()
    scope = http_scope(headers=[(b"transfer-encoding", b"chunked"), (b"accept-language", b"en")])

    await RequestBodyLimit(app)(scope, body, sent)

    assert sent.status == 413
    assert json.loads(sent.body) == {"message": english_message(), "errors": {}}
    assert body.taken == chunks_in_cap + 1  # reading stopped at the first chunk over the cap
    assert app.received <= settings.PORTAL_MAX_REQUEST_BYTES
    assert [m["type"] for m in sent.messages].count("http.response.start") == 1


async def test_a_lying_content_length_does_not_get_past_the_cap():
    app = ReadingApp()
    chunks_in_cap = settings.PORTAL_MAX_REQUEST_BYTES // MIB
    body, sent = Body([CHUNK] * (chunks_in_cap + 10)), Sent()

    await RequestBodyLimit(app)(http_scope(headers=[content_length(100)]), body, sent)

    assert sent.status == 413
    assert body.taken == chunks_in_cap + 1


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
async def test_a_body_under_the_cap_passes_through(declared):
    app = ReadingApp()
    size = 3 * MIB
    body, sent = Body([CHUNK] * 3), Sent()
    headers = [content_length(size)] if declared else [(b"transfer-encoding", b"chunked")]

    await RequestBodyLimit(app)(http_scope(headers=headers), body, sent)

    assert app.called
    assert app.received == size
    assert sent.status == 200 and sent.body == b"ok"


async def test_a_body_of_exactly_the_cap_passes_through():
    app = ReadingApp()
    cap = settings.PORTAL_MAX_REQUEST_BYTES
    body, sent = Body([b"x" * cap]), Sent()

    await RequestBodyLimit(app)(http_scope(headers=[content_length(cap)]), body, sent)

    assert sent.status == 200 and app.received == cap


async def test_the_refusal_is_indonesian_by_default():
    app = ReadingApp()
    sent = Sent()
    scope = http_scope(headers=[content_length(settings.PORTAL_MAX_REQUEST_BYTES + 1)])

    await RequestBodyLimit(app)(scope, Body([]), sent)

    assert sent.status == 413
    body = json.loads(sent.body)
    assert set(body) == {"message", "errors"} and body["message"]
    assert_not_english(body["message"], english_message())


async def test_pages_get_an_html_refusal():
    sent = Sent()
    scope = http_scope(
        path="/lapor/",
        headers=[content_length(settings.PORTAL_MAX_REQUEST_BYTES + 1)],
        query_string=b"lang=en",
    )

    await RequestBodyLimit(ReadingApp())(scope, Body([]), sent)

    assert sent.status == 413
    assert sent.headers[b"content-type"].startswith(b"text/html")
    assert english_message().encode() in sent.body


async def test_websockets_are_not_touched():
    calls = []

    async def app(scope, receive, send):
        calls.append(scope["type"])

    await RequestBodyLimit(app)({"type": "websocket", "path": "/ws/track/"}, Body([]), Sent())

    assert calls == ["websocket"]


async def test_the_real_app_behind_the_guard_answers_413_to_a_growing_body():
    """With Django's own ASGI handler inside: it reads the body, the guard cuts it off."""
    chunks_in_cap = settings.PORTAL_MAX_REQUEST_BYTES // MIB
    body, sent = Body([CHUNK] * (chunks_in_cap + 5)), Sent()
    headers = [
        (b"content-type", b"multipart/form-data; boundary=x"),
        (b"transfer-encoding", b"chunked"),
        (b"accept-language", b"en"),
    ]

    await RequestBodyLimit(get_asgi_application())(http_scope(headers=headers), body, sent)

    assert sent.status == 413
    assert json.loads(sent.body) == {"message": english_message(), "errors": {}}
    assert body.taken == chunks_in_cap + 1
