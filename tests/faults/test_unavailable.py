"""The 503 mapping and the database timeouts, in-process (the real faults are the other modules).

- ``complaints.unavailable``: which errors mean "the database or Redis cannot serve us now";
- the API (``api.exception_handlers``) and the pages (``config.unavailable``) answer those with
  503, ``Retry-After`` and the message in the request's language; any other error stays a 500;
- ``PORTAL_SQLITE_TIMEOUT`` sets SQLite's busy timeout; PostgreSQL gets a ``connect_timeout``
  unless ``DATABASE_URL`` names one.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from complaints.unavailable import RETRY_AFTER_SECONDS, is_unavailable
from tests.e2e.portal import PARKING_REPORT

ROOT = Path(__file__).resolve().parents[2]
MESSAGE = {
    "id": "Layanan sedang sibuk atau tidak tersedia sebentar. Silakan coba lagi dalam beberapa "
    "detik.",
    "en": "The service is busy or briefly unavailable. Please try again in a few seconds.",
}
FAULTS = {
    "sqlite-locked": OperationalError("database is locked"),
    "postgres-refused": OperationalError("connection failed: Connection refused"),
    "redis-down": RedisConnectionError("Error 111 connecting to 127.0.0.1:6379."),
}


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        *((fault, True) for fault in FAULTS.values()),
        (IntegrityError("UNIQUE constraint failed"), False),
        (ResponseError("WRONGTYPE"), False),
        (ValueError("bad"), False),
    ],
)
def test_which_errors_mean_unavailable(error, unavailable):
    assert is_unavailable(error) is unavailable


def raising(error):
    def fail(*args, **kwargs):
        raise error

    return fail


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_api_answers_503_with_retry_after_in_the_users_language(
    fault, language, client, monkeypatch, directory
):
    monkeypatch.setattr("api.apis.complaints.complaint_submit", raising(FAULTS[fault]))

    response = client.post(
        "/api/v1/complaints/",
        json.dumps(PARKING_REPORT),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {"message": MESSAGE[language], "errors": {}}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_page_answers_503_with_retry_after_in_the_users_language(language, client, monkeypatch):
    monkeypatch.setattr(
        "frontend.views.connection.ensure_connection", raising(FAULTS["sqlite-locked"])
    )

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # a page's language is chosen

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert f'<html lang="{language}">' in page and MESSAGE[language] in page


@pytest.mark.django_db
def test_other_errors_still_go_the_normal_way(client, monkeypatch, directory):
    monkeypatch.setattr("api.apis.complaints.complaint_submit", raising(RuntimeError("bug")))
    monkeypatch.setattr(
        "frontend.views.connection.ensure_connection", raising(IntegrityError("bug"))
    )

    api = client.post(
        "/api/v1/complaints/", json.dumps(PARKING_REPORT), content_type="application/json"
    )
    page = client.get("/healthz")

    assert (api.status_code, page.status_code) == (500, 500)
    assert "Retry-After" not in api and "Retry-After" not in page


DATABASE_OPTIONS = (
    "import django; django.setup(); import json; from django.conf import settings; "
    "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def database_options(**env: str) -> dict:
    environment = {
        key: value for key, value in os.environ.items() if key != "PORTAL_SQLITE_TIMEOUT"
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "true", **env}
    result = subprocess.run(
        [sys.executable, "-c", DATABASE_OPTIONS],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_sqlite_busy_timeout_comes_from_the_environment(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert database_options(DATABASE_URL=url)["timeout"] == 10
    assert database_options(DATABASE_URL=url, PORTAL_SQLITE_TIMEOUT="1.5")["timeout"] == 1.5


def test_postgresql_gives_up_connecting_after_a_few_seconds():
    url = "postgres://portal@db.example:5432/laporpungli"
    assert database_options(DATABASE_URL=url)["connect_timeout"] == 3
    assert database_options(DATABASE_URL=url + "?connect_timeout=9")["connect_timeout"] == 9
