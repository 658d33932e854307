"""The HTTP status a page answers with when the domain refuses (``complaints.exceptions``)."""

from http import HTTPStatus

from complaints import exceptions as domain


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
