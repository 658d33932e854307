"""The product's promise (docs/product.md §3 "Anonymity"): nothing identifies a reporter.

A report is submitted and tracked from a recognisable address, browser and forwarding proxy;
afterwards none of those strings (nor the receipt) may appear in any log output, in any row of
any table, or in an error report. No model has a field for an IP address.

The logging checks use the REAL configuration, never a filter installed by hand:

- in process: Django's defaults and then ``settings.LOGGING`` are applied exactly as
  ``django.setup()`` applies them, every stream handler they create is pointed at one buffer
  and the error mails go to the test outbox; real requests and the records servers emit
  (``django.request`` with the request attached, ``uvicorn.error`` and the access loggers,
  which do not propagate to the root logger) then go through whatever handlers that
  configuration attached, and the buffer and the mails are searched;
- out of process: ``manage.py serve`` (the server of `make run`), then the production image's
  ``uvicorn`` command, with DEBUG off and their stdout and stderr in a file, receive requests,
  a websocket, a 404, bad requests and a server error from a client sending distinctive
  headers; once the server has stopped, the file is searched.

(Error reports themselves: tests/test_privacy_reports.py.)
"""

import http.client
import json
import logging
import socket
import subprocess
import sys
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core import mail
from django.db import models
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.log import AdminEmailHandler, configure_logging, log_response
from django.views.debug import ExceptionReporter

from config.privacy import AnonymousExceptionReporterFilter, NoClientDataFilter
from tests.api.client import PARKIR_STORY, complaint_post, photo, track_post
from tests.e2e.servers import (
    PROJECT_DIR,
    STARTUP_SECONDS,
    AppServer,
    E2eDatabase,
    server_env,
    wait_until,
)

CLIENT = {
    "REMOTE_ADDR": "203.0.113.77",
    "HTTP_USER_AGENT": "AnonTestAgent/9.9",
    "HTTP_X_FORWARDED_FOR": "198.51.100.23",
    "HTTP_X_CLIENT_IP": "198.51.100.41",
    "HTTP_SEC_CH_UA_MODEL": '"Pixel-Distinctive-7"',
}
IDENTIFYING = ["203.0.113.77", "AnonTestAgent/9.9", "198.51.100.23", "198.51.100.41"]
IDENTIFYING += ["Pixel-Distinctive-7"]


def grouped(receipt: str) -> str:
    return " ".join(receipt[i : i + 4] for i in range(0, 16, 4))


def every_row() -> str:
    """Every row of every table (including many-to-many tables), as one string."""
    dump = []
    for model in apps.get_models(include_auto_created=True):
        for row in model._base_manager.values():
            dump.append(f"{model._meta.label} {row!r}")
    return "\n".join(dump)


def report_as_client(api_client) -> dict:
    """Submit (with a photo), track, mistype the receipt and send a bad report, all as CLIENT."""
    submitted = complaint_post(api_client, PARKIR_STORY, photos=[photo()], **CLIENT)
    assert submitted.status_code == 201, submitted.content
    receipt = submitted.json()["receipt"]
    assert track_post(api_client, grouped(receipt), **CLIENT).status_code == 200
    assert track_post(api_client, "0000000000000000", **CLIENT).status_code == 404
    assert complaint_post(api_client, {"category": "pungli"}, **CLIENT).status_code == 400
    return {"receipt": receipt, "reference": submitted.json()["reference"]}


@pytest.fixture
def reported(directory, api_client) -> dict:
    return report_as_client(api_client)


# --- Nothing stored ------------------------------------------------------------------------------


def test_nothing_identifying_is_stored(reported):
    dump = every_row()

    assert reported["reference"] in dump  # the dump does see the complaint
    for value in [*IDENTIFYING, reported["receipt"], grouped(reported["receipt"])]:
        assert value not in dump, value


def test_no_model_can_hold_an_ip_address():
    ip_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields()
        if isinstance(field, models.GenericIPAddressField)
        or any(word in field.name.lower() for word in ("ip_address", "user_agent", "remote_addr"))
    ]

    assert ip_fields == []


# --- Nothing logged: the real configuration, in process -----------------------------------------


def _loggers() -> dict[str, logging.Logger]:
    found = {"": logging.getLogger()}
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            found[name] = logger
    return found


class ConfiguredLogging:
    """The project's logging as a server process has it, writing into ``output``."""

    def __init__(self):
        self.output = StringIO()
        self.handlers: list[logging.Handler] = []
        self.streams: dict[logging.StreamHandler, object] = {}

    def apply(self) -> None:
        # What django.setup() does: Django's DEFAULT_LOGGING, then settings.LOGGING (dictConfig).
        configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)
        for logger in _loggers().values():
            for handler in logger.handlers:
                if handler not in self.handlers:
                    self.handlers.append(handler)
        for handler in self.handlers:
            if isinstance(handler, logging.StreamHandler):
                self.streams[handler] = handler.setStream(self.output)  # stderr, a file: any
            elif not isinstance(handler, AdminEmailHandler | logging.NullHandler):
                # AdminEmailHandler: the mails go to the test outbox; NullHandler writes nothing.
                raise AssertionError(
                    f"{handler!r} writes somewhere this test does not read: capture it here"
                )

    def text(self) -> str:
        for handler in self.handlers:
            handler.flush()
        return self.output.getvalue()

    def streams_restore(self) -> None:
        """A handler that was there before (one this configuration kept) writes as it did."""
        for handler, stream in self.streams.items():
            if stream is not None:
                handler.setStream(stream)


@pytest.fixture
def configured_logging(settings, mailoutbox):
    """The real LOGGING applied for the test, then the test run's own logging put back."""
    settings.ADMINS = [("Admin", "admin@example.invalid")]  # so error mails are really sent
    saved = {
        name: (logger.level, logger.propagate, logger.disabled, logger.handlers[:])
        for name, logger in _loggers().items()
    }
    configured = ConfiguredLogging()
    try:
        configured.apply()
        yield configured
    finally:
        configured.streams_restore()
        for name, logger in _loggers().items():
            level, propagate, disabled, handlers = saved.get(name, (0, True, False, []))
            logger.setLevel(level)
            logger.propagate, logger.disabled, logger.handlers = propagate, disabled, handlers


def request_as_client(path: str = "/api/v1/track/"):
    return RequestFactory().post(path, {"receipt": "1234567890123456"}, **CLIENT)


def emit_server_records(receipt: str) -> None:
    """What Django and the ASGI servers log about a request, emitted as they emit it."""
    request = request_as_client()
    request.META["HTTP_X_TRACKED_RECEIPT"] = receipt
    # A view fails: Django's handler logs the error with the request attached (and mails it).
    try:
        looked_up = {"receipt": receipt, "client": CLIENT["REMOTE_ADDR"]}
        raise RuntimeError(f"Tracking lookup failed ({len(looked_up)} keys)")
    except RuntimeError as error:
        log_response(
            "Internal Server Error: %s",
            request.path,
            response=HttpResponse(status=500),
            request=request,
            exception=error,
        )
    # uvicorn: the access line and the websocket handshake carry the client's address.
    client = f"{CLIENT['REMOTE_ADDR']}:52114"
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', client, "POST", "/api/v1/track/", "1.1", 200
    )
    logging.getLogger("uvicorn.error").info('%s - "WebSocket %s" [accepted]', client, "/ws/track/")
    logging.getLogger("uvicorn.error").info("connection open")
    # uvicorn: an application error, with the connection's scope attached (as a plugin might).
    scope = {
        "type": "websocket",
        "client": (CLIENT["REMOTE_ADDR"], 52114),
        "headers": [(b"user-agent", CLIENT["HTTP_USER_AGENT"].encode())],
    }
    try:
        raise ValueError("socket handler failed")
    except ValueError:
        logging.getLogger("uvicorn.error").exception(
            "Exception in ASGI application\n", extra={"scope": scope}
        )
    # The other servers' access logs.
    for name in ("daphne.access", "django.server", "django.channels.server"):
        logging.getLogger(name).info('%s - - "POST /api/v1/track/ HTTP/1.1" 200', client)


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
def test_the_configured_logging_writes_nothing_identifying(
    debug, configured_logging, directory, api_client, settings
):
    settings.DEBUG = debug  # Django's default handlers switch on DEBUG
    reported = report_as_client(api_client)
    api_client.get("/api/v1/track/", HTTP_HOST="pelapor.invalid", **CLIENT)  # DisallowedHost
    emit_server_records(reported["receipt"])

    output = configured_logging.text()
    # (Read at the end: the database fixtures give Django's test case a fresh outbox list.)
    mails = "\n".join(
        [message.subject + "\n" + message.body for message in mail.outbox]
        + [content for message in mail.outbox for content, _type in message.alternatives]
    )
    # The capture sees what the configuration writes: records through the root logger, the
    # uvicorn records that bypass it, and (in production) the error mails.
    assert "Not Found: /api/v1/track/" in output
    assert "Bad Request: /api/v1/complaints/" in output
    assert "Internal Server Error: /api/v1/track/" in output
    assert "Exception in ASGI application" in output
    assert "Invalid HTTP_HOST header" in output
    if not debug:
        assert "Internal Server Error: /api/v1/track/" in mails
        assert "Invalid HTTP_HOST header" in mails
    secrets = [*IDENTIFYING, reported["receipt"], grouped(reported["receipt"])]
    assert [value for value in secrets if value in output] == []
    assert [value for value in secrets if value in mails] == []


def test_log_records_lose_the_request():
    request = request_as_client()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Server error", (), None
    )
    record.request = request
    record.scope = {"client": (CLIENT["REMOTE_ADDR"], 5000)}

    kept = NoClientDataFilter().filter(record)

    assert kept is True  # the record is still logged, only without the request
    assert record.request is None
    assert record.scope is None


def test_error_reports_cleanse_the_client():
    meta = AnonymousExceptionReporterFilter().get_safe_request_meta(request_as_client())

    for key in CLIENT:
        assert meta[key] == AnonymousExceptionReporterFilter.cleansed_substitute
    assert not [value for value in IDENTIFYING if value in repr(meta)]


def test_a_full_error_report_carries_nothing_identifying():
    """The text and HTML reports Django would mail or show (more: test_privacy_reports.py)."""
    request = request_as_client()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
        reports = [reporter.get_traceback_text(), reporter.get_traceback_html()]

    assert isinstance(reporter.filter, AnonymousExceptionReporterFilter)
    for report in reports:
        assert "RuntimeError" in report
        for value in IDENTIFYING:
            assert value not in report, value


# --- Nothing logged: the real server, out of process --------------------------------------------

# What the reporter's phone (and the proxies on the way) send, each value distinctive.
# uvicorn trusts X-Forwarded-For from 127.0.0.1 (its default), so 203.0.113.77 becomes the
# client address the application sees.
PHONE_HEADERS = {
    "X-Forwarded-For": "203.0.113.77",
    "User-Agent": "Distinctive-UA/9.9",
    "X-Client-IP": "198.51.100.41",
    "X-Cluster-Client-IP": "198.51.100.42",
    "X-Real-IP": "198.51.100.24",
    "Forwarded": "for=198.51.100.43;proto=http",
    "Sec-CH-UA-Model": '"Pixel-Distinctive-7"',
    "Sec-CH-UA": '"Distinctive-Browser";v="77"',
    "Cookie": "pelacak=cookie-value-8812; csrftoken=" + "c" * 32,
}
PHONE_VALUES = [
    "203.0.113.77",
    "Distinctive-UA/9.9",
    "198.51.100.41",
    "198.51.100.42",
    "198.51.100.24",
    "198.51.100.43",
    "Pixel-Distinctive-7",
    "Distinctive-Browser",
    "cookie-value-8812",
]
NOT_FOUND_PATH = "/tidak-ada-di-sini/"


class ServeProcess(AppServer):
    """``manage.py serve`` as the e2e servers start it, ready once it answers anything at all
    (with DEBUG off and no collected static files, its pages answer 500)."""

    def start(self) -> "ServeProcess":
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(
            self.argv, cwd=PROJECT_DIR, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        try:
            wait_until(
                lambda: self.process.poll() is not None or self.answers(),
                timeout=STARTUP_SECONDS,
                what=f"server {self.name} at {self.url}",
                every=0.1,
            )
        except TimeoutError:
            self.stop()
            raise
        if self.process.poll() is not None:
            raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log_text()}")
        return self

    def answers(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", "/api/v1/directory/opds/")
            connection.getresponse().read()
            return True
        except OSError:
            return False


def call(server, method: str, path: str, body=None, headers=None) -> tuple[int, bytes]:
    """One request with the phone's headers (``headers`` added or overriding)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        if isinstance(body, dict):
            body = json.dumps(body)
            headers = {"Content-Type": "application/json", **(headers or {})}
        connection.request(method, path, body=body, headers={**PHONE_HEADERS, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def websocket_track(server, receipt: str, origin: str) -> str:
    """The reporter's socket: the handshake, the auth with the receipt, the first answer."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    headers = {k: v for k, v in PHONE_HEADERS.items() if k != "User-Agent"}
    try:
        with connect(
            f"{server.ws_url}/ws/track/",
            origin=origin,
            additional_headers=headers,
            user_agent_header=PHONE_HEADERS["User-Agent"],
            proxy=None,
            open_timeout=10,
        ) as websocket:
            websocket.send(json.dumps({"type": "auth", "receipt": receipt, "after": 0}))
            return json.loads(websocket.recv(timeout=10))["type"]
    except InvalidStatus as refused:
        return f"refused {refused.response.status_code}"


def garbage_request(server) -> bytes:
    """Not HTTP at all, yet with the phone's address in it: uvicorn's parser refuses it."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            b"BR\x00KEN /api/v1/track/ HTTP/1.1\r\nX-Forwarded-For: 203.0.113.77\r\n"
            b"User-Agent: Distinctive-UA/9.9\r\n\r\n"
        )
        try:
            return sock.recv(200)
        except OSError:
            return b""


def collected_static_files() -> bool:
    return (PROJECT_DIR / "staticfiles" / "staticfiles.json").exists()


@pytest.fixture(scope="module")
def serve_database(tmp_path_factory):
    """The servers' database, prepared as `make run` prepares it (tests.e2e.servers)."""
    database = E2eDatabase(tmp_path_factory.mktemp("anonymity-serve"))
    try:
        database.create()
        yield database
    finally:
        database.drop()


# The deployed command (Dockerfile): uvicorn's CLI with the production flags.
DEPLOYED_FLAGS = ["--log-level", "warning", "--no-proxy-headers"]


@pytest.fixture(scope="module", params=["serve", "uvicorn"])
def served(request, serve_database) -> dict:
    """A real server (DEBUG off) driven by the phone; its whole output, once it has stopped.

    ``serve``: ``manage.py serve``, the server of `make run`; ``uvicorn``: the command of the
    production image. The track limit is low (4 an hour: the socket's auth and three POSTs) so
    that a refusal is logged too; the other limits are off as for every e2e server.
    """
    command = request.param
    env = server_env(serve_database, DEBUG="false", PORTAL_RATE_TRACK="4/hour")
    assert env["SECRET_KEY"] and env["DEBUG"] == "false"
    server = ServeProcess(f"anonymity-{command}", env, serve_database.workdir, command=command)
    if command == "uvicorn":
        server.argv += DEPLOYED_FLAGS
    statuses = {}
    try:
        server.start()
        statuses["page"] = call(server, "GET", "/")[0]
        status, body = call(server, "POST", "/api/v1/complaints/", PARKIR_STORY)
        assert status == 201, body
        receipt = json.loads(body)["receipt"]
        # The socket's auth counts in the track limit too: it goes before the limit is spent.
        statuses["websocket"] = websocket_track(server, receipt, origin=server.url)
        statuses["websocket, foreign origin"] = websocket_track(
            server, receipt, origin="http://pelapor.invalid"
        )
        statuses["track"] = call(server, "POST", "/api/v1/track/", {"receipt": receipt})[0]
        statuses["wrong receipt"] = call(
            server, "POST", "/api/v1/track/", {"receipt": "0000000000000000"}
        )[0]
        statuses["bad json"] = call(
            server,
            "POST",
            "/api/v1/track/",
            b'{"receipt": "' + receipt.encode() + b'"',  # cut off: not JSON
            {"Content-Type": "application/json"},
        )[0]
        statuses["throttled"] = call(server, "POST", "/api/v1/track/", {"receipt": receipt})[0]
        statuses["not found"] = call(server, "GET", NOT_FOUND_PATH)[0]
        foreign_host = {"Host": "pelapor.invalid"}
        statuses["disallowed host"] = call(server, "GET", "/", headers=foreign_host)[0]
        statuses["too many fields"] = call(
            server,
            "POST",
            "/pantau/",
            "&".join(f"f{i}={receipt}" for i in range(300)),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )[0]
        statuses["garbage"] = garbage_request(server)[:12]
    finally:
        server.stop()
    return {
        "command": command,
        "statuses": statuses,
        "log": server.log_path.read_text(errors="replace"),
        "receipt": receipt,
    }


def test_the_server_was_driven_as_intended(served):
    """The requests below really happened (else the search of the log would prove nothing)."""
    statuses = served["statuses"]

    assert statuses["page"] == (200 if collected_static_files() else 500)  # a server error
    assert statuses["track"] == 200
    assert statuses["wrong receipt"] == 404
    assert statuses["bad json"] == 400
    assert statuses["throttled"] == 429
    assert statuses["not found"] == 404
    assert statuses["disallowed host"] == 400
    assert statuses["too many fields"] == 400
    assert statuses["websocket"] == "ready"
    assert statuses["websocket, foreign origin"] == "refused 403"
    assert statuses["garbage"].startswith(b"HTTP/1.1 400")


def test_the_server_output_shows_its_records(served):
    """The captured output is the server's log: Django's records are in it."""
    log = served["log"]

    if served["command"] == "serve":
        assert "Lapor Pungli: http://127.0.0.1:" in log  # its stdout
    assert f"Not Found: {NOT_FOUND_PATH}" in log  # django.request, through the root logger
    assert "Too Many Requests: /api/v1/track/" in log
    assert "Invalid HTTP_HOST header" in log  # django.security, with the request attached
    if not collected_static_files():
        assert "Internal Server Error: /" in log


def test_the_server_writes_nothing_identifying(served):
    log = served["log"]
    receipt = served["receipt"]

    assert [value for value in [*PHONE_VALUES, receipt, grouped(receipt)] if value in log] == []
