"""Error reports carry only request facts known to be safe (config.privacy, by allow-list).

A reporter tracks a complaint: ``POST /api/v1/track/`` with ``{"receipt": ...}``, from a phone
that sends its address, user agent, client hints, forwarding headers and a cookie. When the
request fails, Django builds a report (mailed to ``ADMINS``, or the DEBUG page) with the
configured reporter and filter. None of what the client sent may appear in it, not the receipt
(in the body, the query or a local variable), not any address, not the user agent or the
device model; the method and the path still do, so the report stays useful.
"""

import json
import sys

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import path
from django.views.debug import get_exception_reporter_class, get_exception_reporter_filter

from config.privacy import (
    SAFE_META_KEYS,
    AnonymousExceptionReporter,
    AnonymousExceptionReporterFilter,
)

TRACK_URL = "/api/v1/track/"
RECEIPT = "1234567890123456"
RECEIPT_GROUPED = "1234 5678 9012 3456"
PHOTO_NAME = "foto-budi-santoso-rumah.jpg"

# What the phone sends; each value is distinctive so that any trace of it can be searched for.
CLIENT_META = {
    "REMOTE_ADDR": "203.0.113.77",
    "HTTP_USER_AGENT": "Distinctive-UA/9.9",
    "HTTP_X_FORWARDED_FOR": "198.51.100.23",
    "HTTP_X_REAL_IP": "198.51.100.24",
    "HTTP_X_CLIENT_IP": "198.51.100.41",
    "HTTP_X_CLUSTER_CLIENT_IP": "198.51.100.42",
    "HTTP_FORWARDED": "for=198.51.100.43;proto=https",
    "HTTP_SEC_CH_UA_MODEL": '"Pixel-Distinctive-7"',
    "HTTP_SEC_CH_UA_PLATFORM_VERSION": '"14.9.77"',
    "HTTP_COOKIE": "sessionid=cookie-secret-5521; pelacak=cookie-value-8812",
    "HTTP_ACCEPT_LANGUAGE": "id-ID,id;q=0.9",
}
# The strings that must never appear (the header values, without their quotes: HTML escapes).
IDENTIFYING = [
    RECEIPT,
    RECEIPT_GROUPED,
    PHOTO_NAME,
    "203.0.113.77",
    "Distinctive-UA/9.9",
    "198.51.100.23",
    "198.51.100.24",
    "198.51.100.41",
    "198.51.100.42",
    "198.51.100.43",
    "Pixel-Distinctive-7",
    "14.9.77",
    "cookie-secret-5521",
    "cookie-value-8812",
]


def track_request(kind: str):
    """The tracking request, with the receipt in a JSON body, a form, a multipart or a query."""
    factory = RequestFactory()
    if kind == "json":
        body = json.dumps({"receipt": RECEIPT})
        return factory.post(TRACK_URL, body, content_type="application/json", **CLIENT_META)
    if kind == "form":
        return factory.post(
            TRACK_URL,
            f"receipt={RECEIPT}&kode={RECEIPT_GROUPED.replace(' ', '+')}",
            content_type="application/x-www-form-urlencoded",
            **CLIENT_META,
        )
    if kind == "multipart":
        from django.core.files.uploadedfile import SimpleUploadedFile

        photo = SimpleUploadedFile(PHOTO_NAME, b"\xff\xd8\xff\xe0 not really", "image/jpeg")
        return factory.post(TRACK_URL, {"receipt": RECEIPT, "photos": photo}, **CLIENT_META)
    if kind == "query":
        return factory.get(TRACK_URL, {"receipt": RECEIPT}, **CLIENT_META)
    raise ValueError(kind)


KINDS = ["json", "form", "multipart", "query"]


def track_view_failing(request):
    """A view that reads the receipt (as the tracking view does) and then fails."""
    if request.method == "GET":
        receipt = request.GET["receipt"]
    elif request.content_type == "application/json":
        receipt = json.loads(request.body)["receipt"]
    else:
        receipt = request.POST["receipt"]
    looked_up = {"receipt": receipt, "grouped": RECEIPT_GROUPED, "files": list(request.FILES)}
    raise RuntimeError(f"lookup failed for {len(looked_up)} keys")


def reports_for(request, fail=track_view_failing) -> tuple[object, str, str]:
    """The configured reporter's text and HTML report of ``fail(request)``'s exception."""
    try:
        fail(request)
    except RuntimeError:
        reporter = get_exception_reporter_class(request)(request, *sys.exc_info())
        return reporter, reporter.get_traceback_text(), reporter.get_traceback_html()
    raise AssertionError("the view did not fail")


def leaks(report: str) -> list[str]:
    return [value for value in IDENTIFYING if value in report]


def test_the_configured_reporter_and_filter_are_the_anonymous_ones():
    request = track_request("json")

    assert get_exception_reporter_class(request) is AnonymousExceptionReporter
    assert isinstance(get_exception_reporter_filter(request), AnonymousExceptionReporterFilter)


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_report_carries_nothing_the_client_sent(kind, debug, settings):
    """The mail of production and the DEBUG page alike (whatever the endpoint, whatever DEBUG)."""
    settings.DEBUG = debug
    request = track_request(kind)

    reporter, text, html = reports_for(request)

    assert isinstance(reporter, AnonymousExceptionReporter)
    for report in (text, html):
        assert "RuntimeError" in report and "lookup failed" in report
        assert TRACK_URL in report
        assert request.method in report
        assert leaks(report) == []
    # Cleansed, not dropped: the report still says which headers and fields there were.
    assert "HTTP_SEC_CH_UA_MODEL" in text and "HTTP_X_CLIENT_IP" in text
    assert AnonymousExceptionReporterFilter.cleansed_substitute in text
    # The frames are still listed, with their variable names only.
    assert "track_view_failing" in text and "looked_up" in html


def test_meta_is_shown_by_allow_list():
    request = track_request("json")
    request.META["HTTP_X_SOMETHING_NEW_TOMORROW"] = "198.51.100.99"

    meta = AnonymousExceptionReporterFilter().get_safe_request_meta(request)

    substitute = AnonymousExceptionReporterFilter.cleansed_substitute
    shown = {key: value for key, value in meta.items() if value != substitute}
    assert set(shown) <= SAFE_META_KEYS
    assert set(meta) == set(request.META)  # every key is still listed
    assert shown["REQUEST_METHOD"] == "POST" and shown["PATH_INFO"] == TRACK_URL
    assert shown["HTTP_ACCEPT_LANGUAGE"] == "id-ID,id;q=0.9"
    for key in (*CLIENT_META.keys() - {"HTTP_ACCEPT_LANGUAGE"}, "HTTP_X_SOMETHING_NEW_TOMORROW"):
        assert meta[key] == substitute, key


def test_post_values_and_cookies_are_never_shown(settings):
    settings.DEBUG = True  # whatever the endpoint, whatever DEBUG says
    request = track_request("form")
    report_filter = AnonymousExceptionReporterFilter()
    substitute = report_filter.cleansed_substitute

    assert dict(report_filter.get_post_parameters(request)) == {
        "receipt": substitute,
        "kode": substitute,
    }
    assert report_filter.get_safe_cookies(request) == {
        "sessionid": substitute,
        "pelacak": substitute,
    }


def test_a_body_that_cannot_be_parsed_still_gives_a_report(settings):
    settings.DEBUG = False
    request = RequestFactory().post(
        TRACK_URL,
        b"--broken\r\nthis is not multipart " + RECEIPT.encode(),
        content_type="multipart/form-data",  # no boundary: reading POST raises
        **CLIENT_META,
    )

    def fail_before_reading(request):
        raise RuntimeError("failed before reading the body")

    _reporter, text, html = reports_for(request, fail=fail_before_reading)

    assert TRACK_URL in text and TRACK_URL in html
    assert leaks(text) == [] and leaks(html) == []


# --- The real path: a failing request through Django, reported by mail --------------------------


def failing_track_api(request):
    receipt = json.loads(request.body)["receipt"]
    if receipt:
        raise RuntimeError("the tracking lookup failed")
    return HttpResponse()


urlpatterns = [path(TRACK_URL.lstrip("/"), failing_track_api)]


def test_the_error_mail_django_sends_carries_nothing_the_client_sent(settings, mailoutbox):
    settings.DEBUG = False
    settings.ADMINS = [("Admin", "admin@example.invalid")]
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)

    response = client.post(
        TRACK_URL, {"receipt": RECEIPT}, content_type="application/json", **CLIENT_META
    )

    assert response.status_code == 500
    assert len(mailoutbox) == 1, "the error was not mailed: the check below would see nothing"
    mail = mailoutbox[0]
    bodies = [mail.subject, mail.body, *(content for content, _type in mail.alternatives)]
    assert TRACK_URL in mail.body and "the tracking lookup failed" in mail.body
    for body in bodies:
        assert leaks(body) == []
    assert leaks(response.content.decode(errors="replace")) == []
