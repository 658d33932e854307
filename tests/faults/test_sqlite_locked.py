"""SQLite locked by another process: a clear 503 in the user's language, then service again.

Another process takes the database's write lock (``BEGIN IMMEDIATE``, as a backup tool or a
stuck writer would) and keeps it. The server waits its busy timeout (``PORTAL_SQLITE_TIMEOUT``,
1 s here) and then, instead of a 500:

- the API answers ``POST complaints/`` with 503, ``Retry-After`` and ``{"message", "errors"}``,
  Indonesian by default and English with ``Accept-Language: en``;
- the report page answers the form's POST with a 503 page, ``Retry-After``, in the same language;
- reading goes on (WAL: readers do not wait for the writer), and nothing was filed;
- once the lock is released, the same submissions are accepted.
"""

import sqlite3

import pytest

from tests.e2e.portal import PARKING_REPORT
from tests.faults.client import (
    COMPLAINTS,
    api_json,
    call,
    complaint_references,
    page_fields,
    report_page_post,
)
from tests.faults.conftest import only_on

# The embedded default's own fault: `make test-embedded` (and `make test`) run it.
pytestmark = [pytest.mark.faults, pytest.mark.embedded_only, only_on("sqlite")]

MESSAGE = {
    "id": "Layanan sedang sibuk atau tidak tersedia sebentar. Silakan coba lagi dalam beberapa "
    "detik.",
    "en": "The service is busy or briefly unavailable. Please try again in a few seconds.",
}


def assert_retry_after(answer) -> None:
    assert answer.status == 503, (answer.status, answer.text[:500])
    assert answer.headers["retry-after"].isdigit()
    assert 1 <= int(answer.headers["retry-after"]) <= 60


@pytest.fixture
def server(fault_servers):
    return fault_servers.start("sqlite-locked", PORTAL_SQLITE_TIMEOUT="1")


@pytest.fixture
def write_lock(fault_database):
    """Another process's write lock on the database file, held until released."""
    holder = sqlite3.connect(fault_database.path, isolation_level=None, timeout=10)
    holder.execute("BEGIN IMMEDIATE")
    yield holder
    if holder.in_transaction:
        holder.execute("ROLLBACK")
    holder.close()


def test_a_locked_database_answers_503_then_service_resumes(server, fault_database, write_lock):
    before = complaint_references(fault_database)

    api_id = api_json(server.url, "POST", COMPLAINTS, PARKING_REPORT)
    api_en = api_json(server.url, "POST", COMPLAINTS, PARKING_REPORT, **{"Accept-Language": "en"})
    page_id = report_page_post(server.url, page_fields())
    page_en = report_page_post(server.url, page_fields(), language="en")

    for answer in (api_id, api_en, page_id, page_en):
        assert_retry_after(answer)
    assert api_id.json == {"message": MESSAGE["id"], "errors": {}}
    assert api_en.json == {"message": MESSAGE["en"], "errors": {}}
    assert page_id.headers["content-type"].startswith("text/html")
    assert MESSAGE["id"] in page_id.text and '<html lang="id">' in page_id.text
    assert MESSAGE["en"] in page_en.text and '<html lang="en">' in page_en.text
    assert "Traceback" not in page_id.text + page_en.text

    # Readers are not blocked by the writer's lock: the directory still answers.
    assert call(server.url, "GET", "/api/v1/directory/services/").status == 200
    assert complaint_references(fault_database) == before  # nothing filed

    write_lock.execute("ROLLBACK")

    accepted = api_json(server.url, "POST", COMPLAINTS, PARKING_REPORT)
    assert accepted.status == 201, accepted.text
    page = report_page_post(server.url, page_fields())
    assert page.status == 201, page.text[:500]
    assert len(complaint_references(fault_database) - before) == 2
