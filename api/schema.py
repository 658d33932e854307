"""OpenAPI documentation helpers: the error shape, and one decorator for the common case."""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """Every error answer (``api.exception_handlers``)."""

    message = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


def _named(serializer):
    """Views nest their ``InputSerializer``/``OutputSerializer``; name each schema component
    after its view (``ComplaintSubmitOutput``) so that the names do not collide."""
    cls = (
        serializer
        if isinstance(serializer, type)
        else type(getattr(serializer, "child", serializer))
    )
    if (
        isinstance(cls, type)
        and issubclass(cls, serializers.BaseSerializer)
        and "." in cls.__qualname__
    ):
        name = cls.__qualname__.replace("Api.", ".").replace("Serializer", "").replace(".", "")
        extend_schema_serializer(component_name=name)(cls)
    return serializer


def documented(
    *, request=None, response=None, status: int = 200, errors=(400,), parameters=(), summary=""
):
    """``extend_schema`` for a view method: its input, its answer, and the error statuses."""
    request, response = _named(request), _named(response)
    responses = (
        {status: response} if response is not None else {status: OpenApiResponse(description="")}
    )
    responses.update({code: ErrorSerializer for code in errors})
    return extend_schema(
        request=request, responses=responses, parameters=list(parameters), summary=summary or None
    )


def query(name: str, description: str, *, kind=str, enum=None) -> OpenApiParameter:
    return OpenApiParameter(
        name=name, type=kind, location=OpenApiParameter.QUERY, description=description, enum=enum
    )
