"""Keeps client addresses, browser fingerprints and what reporters send out of every log and
error report.

docs/product.md "Anonymity": no IP address or user agent is written anywhere. Django attaches the
request to error log records, and its error reports (the mail to ``ADMINS``, the DEBUG page) list
the request: ``META``, the POST data, the files, the cookies, the query and each frame's local
variables. Clients invent new identifying headers all the time (``Sec-CH-UA-Model``,
``X-Client-IP``, ``X-Cluster-Client-IP``, ...), so a list of what to hide is always behind:
reports work by ALLOW-LIST instead. Only request facts known to be safe are shown; everything
else keeps its name and loses its value.

- ``AnonymousExceptionReporterFilter`` (``DEFAULT_EXCEPTION_REPORTER_FILTER``): ``META`` keys
  outside ``SAFE_META_KEYS``, every POST value and every cookie are replaced by the cleansed
  substitute, and so is every frame variable (a receipt, a serializer holding the body, a copy
  of a header), on every endpoint and whether DEBUG is on or off.
- ``AnonymousExceptionReporter`` (``DEFAULT_EXCEPTION_REPORTER``): the parts of a report the
  filter has no hook for: uploaded files and query values are cleansed, and the request URL
  loses its query string.
- ``NoClientDataFilter`` (``LOGGING``): drops the request (and an ASGI scope) from log records
  before the configured handlers format them.
"""

import logging

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# The request facts an error report may show: how the request was made and where it went, never
# who made it (no address, no user agent or client hint, no forwarding header, no cookie, no
# query string). Anything not listed here is cleansed.
SAFE_META_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "PATH_INFO",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "CONTENT_TYPE",
        "CONTENT_LENGTH",
        "HTTP_HOST",
        "HTTP_ACCEPT_LANGUAGE",
    }
)


class AnonymousExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports that show only the safe request facts (``SAFE_META_KEYS``)."""

    def get_safe_request_meta(self, request):
        if not hasattr(request, "META"):
            return {}
        return {
            key: (value if key in SAFE_META_KEYS else self.cleansed_substitute)
            for key, value in request.META.items()
        }

    def get_safe_cookies(self, request):
        if not hasattr(request, "COOKIES"):
            return {}
        return dict.fromkeys(request.COOKIES, self.cleansed_substitute)

    def get_post_parameters(self, request):
        """The names of the POST fields, never their values (a receipt, a description)."""
        if request is None:
            return {}
        return dict.fromkeys(_names(lambda: request.POST), self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        """Each frame's variable names, never their values.

        Locals hold what the client sent: the receipt being tracked, a serializer holding the
        body, a header read into a variable, the request itself (whose repr has the query
        string). The traceback's code lines stay, so the report still shows what failed.
        """
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]


def _names(read) -> list[str]:
    """The keys of a request dict, or none if reading it fails (e.g. a body it cannot parse)."""
    try:
        return list(read().keys())
    except Exception:  # noqa: BLE001 - a report must still be built for a broken request
        return []


class AnonymousExceptionReporter(ExceptionReporter):
    """Django's report, with files, query values and the query string cleansed as well."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        request = self.request
        if request is not None:
            substitute = self.filter.cleansed_substitute
            data["request_GET_items"] = [(name, substitute) for name in _names(lambda: request.GET)]
            data["request_FILES_items"] = [
                (name, substitute) for name in _names(lambda: request.FILES)
            ]
            data["request_insecure_uri"] = self._get_raw_insecure_uri()
        return data

    def _get_raw_insecure_uri(self):
        """The request URL without its query string (whose values may carry anything)."""
        try:
            host = self.request._get_raw_host()
        except Exception:  # noqa: BLE001
            host = ""
        return f"{self.request.scheme}://{host}{self.request.path}"


class NoClientDataFilter(logging.Filter):
    """Drops the request (and so its META) that Django attaches to ``django.request`` records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        if hasattr(record, "scope"):
            record.scope = None
        return True
