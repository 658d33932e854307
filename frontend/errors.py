"""The HTTP status a page answers with when the domain refuses (``complaints.exceptions``), and
the words of the checks a page's script makes before sending (the server's own messages)."""

from http import HTTPStatus

from django.conf import settings

from complaints import evidence
from complaints import exceptions as domain
from complaints.services.submission import MSG_TOO_MANY_PHOTOS


def http_status(error: domain.ApplicationError) -> int:
    """Most specific first: too large and unsupported files are kinds of invalid input."""
    if isinstance(error, domain.TooLarge):
        return HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    if isinstance(error, domain.UnsupportedMedia):
        return HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    if isinstance(error, domain.NotPermitted):
        return HTTPStatus.FORBIDDEN
    if isinstance(error, domain.NotFound):
        return HTTPStatus.NOT_FOUND
    if isinstance(error, domain.Conflict):
        return HTTPStatus.CONFLICT
    return HTTPStatus.BAD_REQUEST


def photo_messages() -> dict[str, str]:
    """What report.js says about chosen photos, in the page's language: the server's messages
    for the same checks, with the limits filled in and ``%(name)s`` left for the file's name."""
    name = {"name": "%(name)s"}
    mb = settings.PORTAL_MAX_PHOTO_BYTES // (1024 * 1024)
    return {
        "tooMany": str(MSG_TOO_MANY_PHOTOS) % {"max": settings.PORTAL_MAX_PHOTOS},
        "tooLarge": str(evidence.MSG_FILE_TOO_LARGE) % {**name, "mb": mb},
        "notImage": str(evidence.MSG_FILE_NOT_AN_IMAGE) % name,
        "empty": str(evidence.MSG_FILE_EMPTY) % name,
    }
