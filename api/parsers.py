"""How the API reads a request: its JSON body, strictly, and its ``?format=``.

DRF's ``JSONParser`` hands the body to ``json.load``, whose decoder recurses once per level of
nesting: 5,000 opening brackets overflow it and the request ends in a 500. This parser checks
the nesting depth in one pass without recursion before decoding (``complaints.inputs.
json_loads_strict``), caps the body at ``DATA_UPLOAD_MAX_MEMORY_SIZE`` as Django does for form
bodies, and refuses over-long numbers and ``NaN``/``Infinity``. Every refusal is a
``ParseError`` (a 400 in the request's language, ``api.exception_handlers``) or, for a body too
large, ``RequestDataTooBig`` (a 413).

DRF answers an unknown ``?format=`` with a bare 404, as if the address did not exist; the
negotiation here makes it a 400 naming the parameter, like any other bad query parameter.
"""

import codecs

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser

from complaints import exports
from complaints.exceptions import InvalidInput
from complaints.inputs import json_loads_strict

MSG_FORMAT = _("Unknown format: leave it out, or choose one this address offers.")


class StrictJSONParser(JSONParser):
    """``application/json`` bodies, nested at most ``complaints.inputs.JSON_MAX_DEPTH`` deep."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(body) > limit:
            raise RequestDataTooBig("The JSON body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE.")
        try:
            text = codecs.decode(body, encoding)
            return json_loads_strict(text)
        except (ValueError, LookupError) as error:  # UnicodeDecodeError is a ValueError
            raise ParseError(f"JSON parse error - {error}") from None


class StrictContentNegotiation(DefaultContentNegotiation):
    """An unknown ``?format=`` is a 400 on ``format``, not DRF's 404; where JSON and CSV are
    offered, the message names them, as the dashboard's does."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            offered = {renderer.format for renderer in renderers}
            message = exports.MSG_FORMAT if offered == set(exports.FORMATS) else MSG_FORMAT
            raise InvalidInput.on_field(self.settings.URL_FORMAT_OVERRIDE, message) from None
