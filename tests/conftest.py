"""Shared fixtures: the Kota Bengkulu directory in the test database, API clients, media checks."""

import os
import time
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from routing.directory import DEFAULT_RULES, directory_load, directory_read, rules_load
from routing.models import Opd

# Test files whose tests are independent of one another and numerous (or each long: every
# routing_train test fits real models) enough to be worth spreading over the parallel processes one
# test at a time; every other file runs whole on one process, so its module- and session-wide
# fixtures (servers, browsers, private databases) are built once.
SPREAD_FILES = {
    "tests/api/test_permission_matrix.py",
    "tests/api/test_staff_bad_input.py",
    "tests/routing/test_learning.py",
}


def pytest_collection_modifyitems(config, items):
    """With ``--dist loadgroup`` (the Makefile's): each file is a group but for SPREAD_FILES."""
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path not in SPREAD_FILES:
            item.add_marker(pytest.mark.xdist_group(path))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_city()


def load_city():
    directory_load(data=directory_read())
    rules_load(data=directory_read(DEFAULT_RULES))


@pytest.fixture
def directory(db):
    """The directory, loaded again if a transactional test flushed the tables."""
    if not Opd.objects.exists():
        load_city()


@pytest.fixture
def login_limits(settings):
    """The production login limits, which the test settings turn off for the address part."""
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "login": "10/minute"}
    settings.PORTAL_LOGIN_FAILURES = 5
    settings.PORTAL_LOGIN_COOLDOWN_MINUTES = 15


@pytest.fixture
def login_clock(monkeypatch):
    """The wall clock, stopped, and moved forward on demand (the cache's expiry follows it)."""
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])

    def advance(seconds: float) -> None:
        now[0] += seconds

    return advance


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def files_under(folder: Path) -> list[Path]:
    """Every file below ``folder`` (empty if the folder does not exist)."""
    if not Path(folder).exists():
        return []
    return [Path(root) / name for root, _dirs, names in os.walk(folder) for name in names]


@pytest.fixture
def evidence_dir(settings) -> Path:
    return Path(settings.STORAGES["evidence"]["OPTIONS"]["location"])


@pytest.fixture
def upload_temp_dir(settings) -> Path:
    return Path(settings.FILE_UPLOAD_TEMP_DIR)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate-limit counters, cached public figures)."""
    from django.core.cache import cache

    cache.clear()
    yield


# --- Complaints filed through tests.factories (the real services) --------------------------------


@pytest.fixture
def parkir(directory):
    """``(complaint, receipt)``: the parking pungli, assigned to Dinas Perhubungan with an
    Inspektorat oversight copy (``tests.factories.complaint_parkir``)."""
    from tests.factories import complaint_parkir

    return complaint_parkir()


@pytest.fixture
def vague(directory):
    """``(complaint, receipt)``: a complaint no rule routes, waiting in ``triage`` with no OPD
    (``tests.factories.complaint_vague``)."""
    from tests.factories import complaint_vague

    return complaint_vague()
