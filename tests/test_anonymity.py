"""The product's promise (PRODUCT.md §3 "Anonymity"): nothing identifies a reporter.

A report is submitted and tracked from a recognisable address, browser and forwarding proxy;
afterwards none of those strings (nor the receipt) may appear in any log record, in any row of
any table, or in an error report. No model has a field for an IP address.
"""

import logging
import sys

import pytest
from django.apps import apps
from django.db import models
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from config.privacy import AnonymousExceptionReporterFilter, NoClientDataFilter
from tests.api.client import PARKIR_STORY, complaint_post, photo, track_post

CLIENT = {
    "REMOTE_ADDR": "203.0.113.77",
    "HTTP_USER_AGENT": "AnonTestAgent/9.9",
    "HTTP_X_FORWARDED_FOR": "198.51.100.23",
}
IDENTIFYING = list(CLIENT.values())


def grouped(receipt: str) -> str:
    return " ".join(receipt[i : i + 4] for i in range(0, 16, 4))


def every_row() -> str:
    """Every row of every table (including many-to-many tables), as one string."""
    dump = []
    for model in apps.get_models(include_auto_created=True):
        for row in model._base_manager.values():
            dump.append(f"{model._meta.label} {row!r}")
    return "\n".join(dump)


@pytest.fixture
def reported(directory, api_client, caplog) -> dict:
    """Submit (with a photo), track, mistype the receipt and send a bad report, all as CLIENT."""
    caplog.set_level(logging.DEBUG)  # the root logger: everything any module logs
    submitted = complaint_post(api_client, PARKIR_STORY, photos=[photo()], **CLIENT)
    assert submitted.status_code == 201, submitted.content
    receipt = submitted.json()["receipt"]
    assert track_post(api_client, grouped(receipt), **CLIENT).status_code == 200
    assert track_post(api_client, "0000000000000000", **CLIENT).status_code == 404
    assert complaint_post(api_client, {"category": "pungli"}, **CLIENT).status_code == 400
    return {"receipt": receipt, "reference": submitted.json()["reference"]}


def test_nothing_identifying_is_logged(reported, caplog, settings):
    records = caplog.get_records("setup")  # the requests were made by the fixture
    assert [r for r in records if r.name == "django.request"]  # refusals were logged: capture works
    formatter = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"])
    for record in records:
        NoClientDataFilter().filter(record)  # as the configured handlers do
        text = formatter.format(record) + "\n" + repr(vars(record))
        for value in [*IDENTIFYING, reported["receipt"], grouped(reported["receipt"])]:
            assert value not in text, (value, record.name, record.getMessage())


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


def client_request():
    return RequestFactory().post("/api/v1/complaints/", {"category": "pungli"}, **CLIENT)


def test_error_reports_cleanse_the_client(settings):
    request = client_request()

    meta = AnonymousExceptionReporterFilter().get_safe_request_meta(request)

    for key in CLIENT:
        assert meta[key] == AnonymousExceptionReporterFilter.cleansed_substitute
    assert not [value for value in IDENTIFYING if value in repr(meta)]


def test_a_full_error_report_carries_nothing_identifying():
    """The text and HTML reports Django would mail or show, built with the configured filter."""
    request = client_request()
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


def test_log_records_lose_the_request():
    request = client_request()
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Server error", (), None
    )
    record.request = request
    record.scope = {"client": (CLIENT["REMOTE_ADDR"], 5000)}

    kept = NoClientDataFilter().filter(record)

    assert kept is True  # the record is still logged, only without the request
    assert record.request is None
    assert record.scope is None


@pytest.mark.parametrize(
    "name", ["uvicorn.access", "daphne.access", "django.server", "django.channels.server"]
)
def test_server_access_logs_are_never_emitted(name, caplog):
    """ASGI servers log each request with the client's address; those loggers are silenced."""
    caplog.set_level(logging.DEBUG)

    logging.getLogger(name).info(
        '%s - "POST /api/v1/complaints/ HTTP/1.1" 201', CLIENT["REMOTE_ADDR"]
    )

    assert CLIENT["REMOTE_ADDR"] not in caplog.text
