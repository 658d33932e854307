"""OpenAPI documentation helpers: the error shape, and one decorator for the common case."""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers

from api.throttles import PROOF_OF_WORK_HEADER


class ErrorSerializer(serializers.Serializer):
    """Every error answer (``api.exception_handlers``)."""

    message = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ThrottledChallengeSerializer(ErrorSerializer):
    """429 of an anonymous submission: with the proof of work that would let it through
    (``complaints.proofofwork``; send it solved in the ``X-Altcha`` header)."""

    challenge = serializers.JSONField(
        help_text=(
            'ALTCHA v2 challenge: {"parameters": {"algorithm": "SHA-256", "cost", "keyLength", '
            '"keyPrefix", "nonce", "salt", "expiresAt"}, "signature"}'
        )
    )


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
    *,
    request=None,
    response=None,
    status: int = 200,
    errors=(400,),
    parameters=(),
    summary="",
    proof_of_work=False,
):
    """``extend_schema`` for a view method: its input, its answer, and the error statuses.

    ``proof_of_work``: its 429 carries a challenge, solved in the ``X-Altcha`` header.
    """
    request, response = _named(request), _named(response)
    responses = (
        {status: response} if response is not None else {status: OpenApiResponse(description="")}
    )
    responses.update({code: ErrorSerializer for code in errors})
    if proof_of_work:
        responses[429] = ThrottledChallengeSerializer
        parameters = [*parameters, PROOF_OF_WORK_HEADER]
    return extend_schema(
        request=request, responses=responses, parameters=list(parameters), summary=summary or None
    )


def query(name: str, description: str, *, kind=str, enum=None) -> OpenApiParameter:
    return OpenApiParameter(
        name=name, type=kind, location=OpenApiParameter.QUERY, description=description, enum=enum
    )
