"""URL path converters for what the portal's addresses carry: complaint references and
directory codes.

A path segment that cannot be a reference or a code is a 404 before any view runs, so nothing
arbitrary reaches a query (PostgreSQL refuses a NUL byte in a parameter with an error, a 500).
Registered once, on import, by the URL modules that use them.
"""

from django.urls import register_converter


class ReferenceConverter:
    """``BKL-26-7Q4K2M``: letters, digits and hyphens (the prefix is configurable)."""

    regex = r"[A-Za-z0-9-]{1,40}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CodeConverter(ReferenceConverter):
    """A directory code: ``PARKIR-MOTOR``, ``DISHUB``, ``17.71.06.1006``."""

    regex = r"[A-Za-z0-9._-]{1,64}"


register_converter(ReferenceConverter, "reference")
register_converter(CodeConverter, "code")
