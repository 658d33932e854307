"""Keeps client addresses and browser fingerprints out of every log and error report.

PRODUCT.md "Anonymity": no IP address or user agent is written anywhere. Django attaches the
request to error log records and its error pages list ``request.META``; both are scrubbed here.
"""

import logging

from django.views.debug import SafeExceptionReporterFilter

# Request headers that identify a client or its device; never shown in error reports.
CLIENT_META_KEYS = frozenset(
    {
        "REMOTE_ADDR",
        "REMOTE_HOST",
        "HTTP_USER_AGENT",
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_REAL_IP",
        "HTTP_FORWARDED",
        "HTTP_CF_CONNECTING_IP",
        "HTTP_TRUE_CLIENT_IP",
        "HTTP_SEC_CH_UA",
        "HTTP_SEC_CH_UA_PLATFORM",
        "HTTP_SEC_CH_UA_MOBILE",
        "HTTP_COOKIE",
    }
)


class AnonymousExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error pages and reports without the client's address, user agent or cookies."""

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        return {
            key: (self.cleansed_substitute if key in CLIENT_META_KEYS else value)
            for key, value in meta.items()
        }


class NoClientDataFilter(logging.Filter):
    """Drops the request (and so its META) that Django attaches to ``django.request`` records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        if hasattr(record, "scope"):
            record.scope = None
        return True
