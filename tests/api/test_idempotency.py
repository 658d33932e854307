"""Finding 15 through the API: the ``Idempotency-Key`` header makes ``POST complaints/``,
``track/messages/`` and ``track/photos/`` retry-safe (docs/interface.md "REST API").

Each attack is replayed as a phone would send it: the same request again, with the same key,
after the first answer was lost. It now files nothing new and gets the first answer back,
receipt included; and nothing the server keeps for that can be read without the client's key.
"""

import base64
import io
import sqlite3
import threading
from datetime import timedelta
from unittest import mock

import pytest
from cryptography.exceptions import InvalidTag
from django.core.management import call_command
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from complaints import idempotency
from complaints.clocks import clocks_run
from complaints.models import Complaint, Event, Evidence, StoredAnswer
from tests.api.client import (
    PARKIR_STORY,
    assert_not_english,
    complaint_post,
    photo,
    track_post,
)
from tests.conftest import files_under
from tests.factories import complaint_moved_to

pytestmark = pytest.mark.usefixtures("directory")

KEY = "5b0e8c1a-3f6d-4e2b-9c7a-1d8f0e6b4a2c"
OTHER_KEY = "9d2a4f6c-8e0b-4a1d-b3c5-7e9f1a3b5d7f"
MSG_KEY_INVALID = "The idempotency key must be 16 to 128 printable ASCII characters without spaces."


def with_key(key: str) -> dict:
    return {"HTTP_IDEMPOTENCY_KEY": key}


def test_the_same_key_twice_files_once_and_answers_the_first_answer(api_client, evidence_dir):
    first = complaint_post(api_client, PARKIR_STORY, photos=[photo()], **with_key(KEY))
    files_after_first = set(files_under(evidence_dir))
    again = complaint_post(api_client, PARKIR_STORY, photos=[photo()], **with_key(KEY))

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()  # the receipt included
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Complaint.objects.count() == 1
    assert Evidence.objects.count() == 1  # one photo set
    assert set(files_under(evidence_dir)) == files_after_first
    assert track_post(api_client, first.json()["receipt"]).status_code == 200


def test_the_retry_gets_its_receipt_back_even_after_the_case_moved(api_client):
    first = complaint_post(api_client, PARKIR_STORY, **with_key(KEY))
    complaint_moved_to(Complaint.objects.get(), "in_progress")

    again = complaint_post(api_client, PARKIR_STORY, **with_key(KEY))

    assert again.status_code == 201
    assert again.json() == first.json()  # the first answer, as it was
    assert Complaint.objects.count() == 1


def test_without_a_key_or_with_another_key_each_post_files_a_complaint(api_client):
    receipts = {
        complaint_post(api_client, PARKIR_STORY).json()["receipt"],
        complaint_post(api_client, PARKIR_STORY).json()["receipt"],
        complaint_post(api_client, PARKIR_STORY, **with_key(KEY)).json()["receipt"],
        complaint_post(api_client, PARKIR_STORY, **with_key(OTHER_KEY)).json()["receipt"],
    }
    assert len(receipts) == 4 == Complaint.objects.count()


def test_the_same_key_with_another_body_answers_the_first_answer(api_client):
    first = complaint_post(api_client, PARKIR_STORY, **with_key(KEY))
    other = {**PARKIR_STORY, "description": "Cerita lain sama sekali.", "category": "other"}

    again = complaint_post(api_client, other, **with_key(KEY))

    assert again.status_code == 201
    assert again.json() == first.json()
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize(
    "key", ["short-key", "x" * 129, "kunci dengan spasi di tengahnya", "kunci-é-bukan-ascii-ini"]
)
def test_a_malformed_key_is_a_400_in_the_readers_language_and_files_nothing(
    api_client, assert_nothing_left, key
):
    english = complaint_post(api_client, PARKIR_STORY, language="en", **with_key(key))
    default = complaint_post(api_client, PARKIR_STORY, **with_key(key))

    assert english.status_code == default.status_code == 400
    assert english.json() == {
        "message": MSG_KEY_INVALID,
        "errors": {"Idempotency-Key": [MSG_KEY_INVALID]},
    }
    assert_nothing_left()
    assert not StoredAnswer.objects.exists()
    assert_not_english(default.json()["message"], MSG_KEY_INVALID)


def test_a_refused_body_stores_nothing_and_the_key_can_be_used_again(api_client):
    refused = complaint_post(api_client, {**PARKIR_STORY, "category": ""}, **with_key(KEY))
    assert refused.status_code == 400
    assert not StoredAnswer.objects.exists()

    filed = complaint_post(api_client, PARKIR_STORY, **with_key(KEY))
    assert filed.status_code == 201
    assert Complaint.objects.count() == 1


# --- What the server keeps: unreadable without the client's key --------------------------------


def receipt_forms(receipt: str) -> list[bytes]:
    """Every way the receipt could show up in a dump."""
    ascii_ = receipt.encode()
    grouped = " ".join(receipt[i : i + 4] for i in range(0, 16, 4)).encode()
    return [
        ascii_,
        grouped,
        ascii_.hex().encode(),
        ascii_.hex().upper().encode(),
        base64.b64encode(ascii_),
        base64.b64encode(ascii_)[:-4],  # without its padding block
        receipt.encode("utf-16-le"),
        format(int(receipt), "x").encode(),
        int(receipt).to_bytes(8, "big"),
        int(receipt).to_bytes(8, "little"),
    ]


def database_dump() -> bytes:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue().encode()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        dump += "\n".join(connection.connection.iterdump()).encode()
    return dump


def test_nothing_stored_holds_the_receipt_in_any_form(api_client):
    answer = complaint_post(api_client, PARKIR_STORY, photos=[photo()], **with_key(KEY)).json()
    row = StoredAnswer.objects.get()
    stored = bytes(row.ciphertext) + row.key_hash.encode()
    dump = database_dump()

    assert b"StoredAnswer" in dump or b"storedanswer" in dump
    for form in receipt_forms(answer["receipt"]):
        assert form not in stored
        assert form not in dump
    assert KEY.encode() not in dump  # the client's key is never kept either
    assert answer["reference"].encode() not in stored


def test_only_the_clients_key_opens_the_stored_answer(api_client):
    answer = complaint_post(api_client, PARKIR_STORY, **with_key(KEY)).json()
    row = StoredAnswer.objects.get()

    assert idempotency.answer_decrypt(row.ciphertext, key=KEY, scope="api.complaints") == answer
    for key, scope in [(OTHER_KEY, "api.complaints"), (KEY, "page.report")]:
        with pytest.raises(InvalidTag):
            idempotency.answer_decrypt(row.ciphertext, key=key, scope=scope)
    # Another key finds nothing, so it files its own complaint.
    other = complaint_post(api_client, PARKIR_STORY, **with_key(OTHER_KEY)).json()
    assert other["receipt"] != answer["receipt"]


def test_after_24_hours_the_answer_is_gone(api_client):
    first = complaint_post(api_client, PARKIR_STORY, **with_key(KEY)).json()
    later = timezone.now() + timedelta(hours=24, minutes=1)

    with mock.patch("django.utils.timezone.now", return_value=later):
        again = complaint_post(api_client, PARKIR_STORY, **with_key(KEY))
        assert clocks_run(now=later).answers_purged == 0  # the new answer is fresh

    assert again.status_code == 201
    assert again.json()["receipt"] != first["receipt"]  # a new complaint: the key was free again
    assert Complaint.objects.count() == 2
    assert clocks_run(now=later + timedelta(hours=24, minutes=1)).answers_purged == 1
    assert not StoredAnswer.objects.exists()


def test_the_clocks_purge_answers_past_24_hours(api_client):
    complaint_post(api_client, PARKIR_STORY, **with_key(KEY))
    assert clocks_run(now=timezone.now() + timedelta(hours=23)).answers_purged == 0
    assert StoredAnswer.objects.count() == 1
    assert clocks_run(now=timezone.now() + timedelta(hours=24, minutes=1)).answers_purged == 1
    assert not StoredAnswer.objects.exists()


# --- Two requests with one key at the same time -------------------------------------------------


def database_for_threads(tmp_path) -> dict | None:
    """The threads' database: PostgreSQL as is; for SQLite a file copy of the in-memory test
    database with the project's options (WAL, IMMEDIATE transactions, busy timeout), where a
    second writer waits as under `make run` instead of being refused by the shared cache."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return None
    path = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return {**connection.settings_dict, "NAME": str(path)}


def count_rows(settings_dict: dict | None, table: str) -> int:
    if settings_dict is None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a fixed table name)
            return cursor.fetchone()[0]
    with sqlite3.connect(settings_dict["NAME"]) as database:
        return database.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_key_at_once_file_one_complaint(tmp_path, evidence_dir):
    settings_dict = database_for_threads(tmp_path)
    files_before = set(files_under(evidence_dir))
    both_looked = threading.Barrier(2)
    real_recall = idempotency.recall
    local = threading.local()

    def recall_then_wait(**kwargs):
        """Both requests look for an answer before either has stored one."""
        found = real_recall(**kwargs)
        if not getattr(local, "waited", False):
            local.waited = True
            both_looked.wait(timeout=30)
        return found

    answers: list = []
    errors: list[BaseException] = []

    def post():
        if settings_dict is not None:  # this thread's own connection to the file copy
            connections["default"] = DatabaseWrapper(settings_dict, alias="default")
        try:
            client = APIClient()
            answers.append(complaint_post(client, PARKIR_STORY, photos=[photo()], **with_key(KEY)))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections["default"].close()

    with mock.patch.object(idempotency, "recall", recall_then_wait):
        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert errors == []
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert sorted(answer.has_header("Idempotent-Replayed") for answer in answers) == [False, True]
    assert count_rows(settings_dict, "complaints_complaint") == 1
    assert count_rows(settings_dict, "complaints_evidence") == 1
    assert count_rows(settings_dict, "complaints_storedanswer") == 1
    # The loser's photo files were deleted with its rolled-back rows: one photo and its thumbnail.
    assert len(set(files_under(evidence_dir)) - files_before) == 2


# --- The reporter's replies and photos ----------------------------------------------------------


def test_a_repeated_reply_is_posted_once(api_client, parkir):
    complaint, receipt = parkir
    body = {"receipt": receipt, "body": "Jukirnya memakai rompi oranye."}
    url = "/api/v1/track/messages/"

    first = api_client.post(url, body, format="json", **with_key(KEY))
    again = api_client.post(url, body, format="json", **with_key(KEY))
    new = api_client.post(url, body, format="json", **with_key(OTHER_KEY))

    assert first.status_code == again.status_code == new.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    messages = complaint.events.filter(kind=Event.Kind.REPORTER_MESSAGE)
    assert messages.count() == 2  # the first and the one with a new key; the repeat posted none


def test_a_repeated_photo_upload_adds_the_photos_once(api_client, parkir, evidence_dir):
    complaint, receipt = parkir
    url = "/api/v1/track/photos/"

    def upload():
        data = {"receipt": receipt, "photos": [photo()]}
        return api_client.post(url, data, format="multipart", **with_key(KEY))

    first = upload()
    files = set(files_under(evidence_dir))
    again = upload()

    assert first.status_code == again.status_code == 201
    assert complaint.evidence.count() == 1
    assert complaint.events.filter(kind=Event.Kind.PHOTOS).count() == 1
    assert set(files_under(evidence_dir)) == files


def test_one_key_on_two_complaints_posts_on_each(api_client, parkir, vague):
    for _complaint, receipt in (parkir, vague):
        body = {"receipt": receipt, "body": "Tambahan keterangan."}
        response = api_client.post("/api/v1/track/messages/", body, format="json", **with_key(KEY))
        assert response.status_code == 201
        assert not response.has_header("Idempotent-Replayed")
    assert Event.objects.filter(kind=Event.Kind.REPORTER_MESSAGE).count() == 2


def test_a_malformed_key_on_a_reply_is_refused(api_client, parkir):
    _complaint, receipt = parkir
    body = {"receipt": receipt, "body": "Tambahan."}
    response = api_client.post(
        "/api/v1/track/messages/",
        body,
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
        **with_key("short"),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"Idempotency-Key": [MSG_KEY_INVALID]}
    assert not Event.objects.filter(kind=Event.Kind.REPORTER_MESSAGE).exists()


# --- Documented ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_documents_the_header():
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("/api/v1/complaints/", "/api/v1/track/messages/", "/api/v1/track/photos/"):
        headers = {
            p["name"]: p for p in paths[path]["post"].get("parameters", []) if p["in"] == "header"
        }
        assert "Idempotency-Key" in headers, path
        assert headers["Idempotency-Key"]["schema"]["pattern"] == "^[!-~]{16,128}$"
        assert headers["Idempotency-Key"].get("required", False) is False
    assert "409" in paths["/api/v1/complaints/"]["post"]["responses"]
