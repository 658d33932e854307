"""The one place API errors are shaped: ``{"message": str, "errors": {field: [str]}}``.

Messages are in the request's language (Indonesian unless the client asks for English).
"""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from complaints import exceptions as domain
from complaints.logins import LoginRefused
from complaints.ratelimits import throttled_message
from complaints.unavailable import (
    MSG_UNAVAILABLE,
    RETRY_AFTER_SECONDS,
    is_unavailable,
    unavailable_log,
)

# What each domain refusal is over HTTP; the first class in the error's ancestry decides.
_DOMAIN_STATUS = {
    domain.TooLarge: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    domain.UnsupportedMedia: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    domain.NotPermitted: status.HTTP_403_FORBIDDEN,
    domain.NotFound: status.HTTP_404_NOT_FOUND,
    domain.Conflict: status.HTTP_409_CONFLICT,
    domain.ApplicationError: status.HTTP_400_BAD_REQUEST,
}


def _domain_status(error: domain.ApplicationError) -> int:
    return next(_DOMAIN_STATUS[kind] for kind in type(error).__mro__ if kind in _DOMAIN_STATUS)


def error_body(message: str, errors: dict | None = None) -> dict:
    return {"message": str(message), "errors": errors or {}}


def api_exception_handler(exc, context):
    if isinstance(exc, domain.ApplicationError):
        return Response(error_body(exc.message, exc.errors), status=_domain_status(exc))
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            getattr(exc, "message_dict", {"non_field_errors": exc.messages})
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body(_("The request is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    # A body that is not valid JSON / multipart: DRF's own text quotes the parser's English
    # error ("JSON parse error - Expecting value: line 1 column 39"), not a message for people.
    if isinstance(exc, (SuspiciousOperation, exceptions.ParseError)):
        return Response(
            error_body(_("The request could not be read.")), status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, exceptions.ValidationError):
        return Response(
            error_body(_("Please check the fields marked below."), _field_errors(exc.detail)),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, LoginRefused):
        return Response(
            error_body(exc.message),
            status=status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(exc.retry_after)},
        )
    if isinstance(exc, exceptions.Throttled):
        response = exception_handler(exc, context)
        response.data = error_body(throttled_message(int(exc.wait or 1)))
        # Anonymous submissions: a challenge to solve instead of waiting (api.throttles).
        if getattr(exc, "challenge", None):
            response.data["challenge"] = exc.challenge
        return response
    # The database locked or down, Redis down: the client should retry soon, not report a bug.
    if is_unavailable(exc):
        unavailable_log(exc)
        return Response(
            error_body(MSG_UNAVAILABLE),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, Http404) or isinstance(exc, exceptions.NotFound):
        return Response(error_body(_("Not found.")), status=status.HTTP_404_NOT_FOUND)
    response = exception_handler(exc, context)
    if response is not None:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = error_body(detail or _("The request could not be completed."))
    return response


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {field: _flatten(messages) for field, messages in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def _flatten(messages) -> list[str]:
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in _flatten(value)]
    if isinstance(messages, list):
        return [text for value in messages for text in _flatten(value)]
    return [str(messages)]
