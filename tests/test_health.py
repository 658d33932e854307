"""``/readyz`` (config.health): 200 when the database, Redis (when configured) and the evidence
store answer; 503 naming the one that does not, with no host or error text in the answer.
``/healthz`` stays the liveness check of the container."""

import socket

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def readyz(**headers):
    return Client().get("/readyz", **headers)


def expected_checks(settings, **failed: str) -> dict:
    checks = {"database": "ok", "storage": "ok"}
    if settings.REDIS_URL:
        checks["redis"] = "ok"
    return checks | failed


def test_ready_when_every_dependency_answers(settings):
    response = readyz()

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": expected_checks(settings)}
    assert "no-cache" in response["Cache-Control"]


def test_not_ready_when_the_database_is_away(settings, monkeypatch):
    def refuse():
        raise OperationalError('connection to server at "10.9.8.7", port 5432 failed')

    monkeypatch.setattr("config.health.connection.ensure_connection", refuse)

    response = readyz()

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": expected_checks(settings, database="failed"),
    }
    assert b"10.9.8.7" not in response.content and b"5432" not in response.content


def test_not_ready_when_redis_is_away(settings):
    port = closed_port()
    settings.REDIS_URL = f"redis://:sekret-password@127.0.0.1:{port}/3"

    response = readyz()

    assert response.status_code == 503
    assert response.json()["checks"] == expected_checks(settings, redis="failed")
    for leak in (b"127.0.0.1", str(port).encode(), b"sekret"):
        assert leak not in response.content


def test_not_ready_when_the_evidence_store_cannot_take_a_file(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker / "evidence"},
        },
    }

    response = readyz()

    assert response.status_code == 503
    assert response.json()["checks"] == expected_checks(settings, storage="failed")
    assert str(tmp_path).encode() not in response.content


def test_the_probe_leaves_nothing_in_the_store(evidence_dir):
    def files():  # other tests of the same process may have left their photos here
        return {path for path in evidence_dir.rglob("*") if path.is_file()}

    before = files()
    assert readyz().status_code == 200

    assert files() == before


def test_only_get_is_answered():
    assert Client().post("/readyz").status_code == 405


def test_healthz_is_still_the_liveness_check():
    response = Client().get("/healthz")

    assert (response.status_code, response.content) == (200, b"ok")
