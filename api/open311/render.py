"""GeoReport answers in JSON or XML, and its error format.

XML is built with ``xml.etree`` (which escapes text): a dict becomes child elements named by
its keys, a list repeats the singular of its element's name (``services`` → ``service``), None
is an empty element, booleans are ``true``/``false``. Characters XML 1.0 cannot carry are
dropped from text rather than producing a document no parser reads.
"""

import json
import re
import xml.etree.ElementTree as ET

from django.http import HttpResponse

JSON, XML = "json", "xml"
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
# The element each list's items are named (GeoReport v2's XML).
ITEM_NAMES = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
_NOT_IN_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def answer(data, fmt: str, *, root: str, status: int = 200) -> HttpResponse:
    """``data`` (a list or dict) in ``fmt``; ``root`` names the XML document's element."""
    if fmt == XML:
        body = xml_document(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(items: list[tuple[int, str]], fmt: str, *, status: int) -> HttpResponse:
    """GeoReport's error answer: ``[{"code", "description"}]`` or ``<errors><error>``."""
    data = [{"code": code, "description": str(text)} for code, text in items]
    return answer(data, fmt, root="errors", status=status)


def xml_document(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        name = ITEM_NAMES.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, name), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = _NOT_IN_XML.sub("", str(value))
