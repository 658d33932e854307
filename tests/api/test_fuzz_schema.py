"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis).

Every operation of ``/api/schema/`` is called with data generated from the schema, valid and
invalid (schemathesis' positive and negative modes), through the Django application in this
process. Each answer must not be a server error, must have a status code the schema documents
for the operation, a documented content type, and a body matching the documented schema.

Staff operations run with a real staff token (``POST auth/token/`` for an administrator), so
they get past authentication; a path's ``reference`` is a real complaint's, and an anonymous
body's ``receipt`` a real receipt, so the generated data reaches the domain rather than
stopping at "not found". Rate limits are off (they are tested by their own tests), and the
run is bounded and deterministic: a fixed number of examples per operation, derandomized.

The schema is built at collection from drf-spectacular's generator (the very document
``/api/schema/`` serves) rather than through ``schemathesis.pytest.from_fixture``, whose lazy
loader relies on a pytest internal that pytest 9 removed (``Function._nodeid``). Calls go
through Django's WSGI handler: the same middleware and views as under uvicorn; the ASGI guards
in front of them (body size, proxies) have their own tests.
"""

import json

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.staff import account, token_for
from tests.factories import complaint_parkir

MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Tokens are revoked by logging out; the fuzzer's logout gets a token of its own.
LOGOUT_PATH = "/api/v1/auth/logout/"


def api_schema():
    """The schema ``/api/schema/`` serves, read at collection without a request or a database,
    bound to the Django application in this process."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    raw = json.loads(OpenApiJsonRenderer().render(generated))
    config = schemathesis.config.SchemathesisConfig.from_dict(
        {
            "seed": 12,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    )
    loaded = schemathesis.openapi.from_dict(raw, config=config)
    loaded.app = WSGIHandler()
    return loaded


schema = api_schema()


@pytest.fixture
def test_transaction_kept():
    """Requests through the bare WSGI handler close "old" database connections when they start
    and finish, which on PostgreSQL closes the test's own transaction under it; Django's test
    client disconnects that handler for the same reason, and so does this fixture."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(directory, settings):
    """A complaint to aim at (reference and receipt), and a staff token to act with."""
    settings.PORTAL_RATES = dict.fromkeys(settings.PORTAL_RATES)
    complaint, receipt = complaint_parkir()
    return {
        "reference": complaint.reference,
        "receipt": receipt,
        "admin": account("admin"),
        "token": token_for(APIClient(), "admin"),
    }


def aim(case, world: dict) -> dict:
    """Point the generated case at real objects; the headers to send with it."""
    if "reference" in (case.path_parameters or {}):
        case.path_parameters["reference"] = world["reference"]
    if isinstance(case.body, dict) and "receipt" in case.body:
        case.body["receipt"] = world["receipt"]
    token = world["token"]
    if case.path == LOGOUT_PATH:
        # Not through the test client: it reconnects the handler test_transaction_kept removed.
        _instance, token = AuthToken.objects.create(user=world["admin"])
    return {"Authorization": f"Token {token}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_every_operation_answers_as_documented(case, fuzz_world, test_transaction_kept):
    headers = aim(case, fuzz_world)
    case.call_and_validate(headers=headers, checks=CHECKS)
