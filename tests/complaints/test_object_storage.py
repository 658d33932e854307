"""Evidence on an S3-compatible object store (``PORTAL_S3_BUCKET``), against a real server
(moto in server mode, tests/s3_server.py) reached over HTTP through django-storages.

Complaints are filed through the API (multipart ``POST complaints/``) and the tracking photo
upload; then the bucket itself is listed with boto3: only sanitized JPEGs are there (no EXIF,
GPS, XMP, ICC or comment; never the original bytes), served to staff in scope only, through the
API (token) and the pages (session), never by a bucket URL, and the bucket refuses an anonymous
GET. Withdrawal and the retention purge delete the objects. A store that is down, a bucket
that is missing or credentials the store refuses answer 503 in the request's language and leave
no row and no object; a failure after the objects were written takes them away again. The
settings switch to the bucket from the environment alone, and the readiness probe tells a
working store from a failing one.
"""

import io
import json
import os
import re
import socket
import subprocess
import sys
from datetime import timedelta

import pytest
import requests
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from complaints.models import Complaint, Event, Evidence
from complaints.retention import retention_purge
from complaints.services.purging import evidence_files_sweep
from complaints.storage_check import evidence_storage_ready
from tests import images
from tests.api.client import PARKIR_STORY, assert_not_english, complaint_post, photo
from tests.api.staff import account, detail_url, page_url
from tests.api.test_evidence_token import (
    assert_served_photo,
    evidence_urls,
    token_client,
)
from tests.conftest import files_under
from tests.s3_server import (
    ACCESS_KEY,
    SECRET_KEY,
    evidence_storage_switched,
    free_port,
    s3_evidence,
    s3_server,
)

__all__ = ["s3_evidence", "s3_server"]  # the fixtures, used by name below

pytestmark = pytest.mark.usefixtures("directory")

TRACK_PHOTOS_URL = "/api/v1/track/photos/"
WITHDRAW_URL = "/api/v1/track/withdraw/"
UNAVAILABLE_EN = "The service is busy or briefly unavailable. Please try again in a few seconds."
# JPEG marker segments that carry metadata: APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC), COM.
METADATA_MARKERS = {0xFFE1, 0xFFE2, 0xFFED, 0xFFFE}


def file_with_photo(content: bytes | None = None) -> dict:
    """A parking pungli with one phone-like photo (EXIF with GPS, XMP, ICC, comment)."""
    upload = photo(content or images.jpeg_with_metadata(width=1200, height=800))
    response = complaint_post(APIClient(), PARKIR_STORY, photos=[upload])
    assert response.status_code == 201, response.content
    return response.json()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Complaint, Event, Evidence)}


def assert_clean_jpeg(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif(), "EXIF survived"
    assert not image.getexif().get_ifd(0x8825), "GPS survived"
    assert not {"icc_profile", "comment", "exif", "xmp"} & set(image.info)
    markers = {marker for marker, _payload in images.jpeg_segments(data)}
    assert not markers & METADATA_MARKERS, f"metadata segments: {markers & METADATA_MARKERS}"
    return image


def stored_keys(complaint: Complaint) -> set[str]:
    """The bucket keys of the complaint's photos, as the rows name them (under ``evidence/``)."""
    return {
        f"evidence/{field.name}"
        for item in complaint.evidence.all()
        for field in (item.image, item.thumbnail)
        if field.name
    }


# --- Configured from the environment -------------------------------------------------------------

WIRING = """
import json
import django
from django.core.files.base import ContentFile
django.setup()
from complaints.models import Evidence
storage = Evidence._meta.get_field("image").storage
facts = {"backend": type(storage).__name__}
if facts["backend"] == "S3Storage":
    facts.update(
        name=storage.save("wiring/probe.jpg", ContentFile(b"probe")),
        bucket=storage.bucket_name,
        location=storage.location,
        acl=storage.default_acl,
        signed=storage.querystring_auth,
        expire=storage.querystring_expire,
        domain=storage.custom_domain,
        region=storage.region_name,
        style=storage.client_config.s3["addressing_style"],
    )
print(json.dumps(facts))
"""


def settings_child(**env: str) -> dict:
    """What a fresh process, configured only by ``env``, makes of the evidence storage."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTAL_", "AWS_", "DJANGO_", "MEDIA_"))
    }
    clean |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "true",
        "SECRET_KEY": "uji-kunci-anak-proses-0123456789-abcdefghijklmnop",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", WIRING],
        cwd=settings.BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_bucket_variables_switch_the_evidence_storage_to_the_private_bucket(s3_evidence):
    facts = settings_child(
        PORTAL_S3_BUCKET=s3_evidence.name,
        PORTAL_S3_ENDPOINT_URL=s3_evidence.server.endpoint,
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
    )

    assert facts == {
        "backend": "S3Storage",
        "name": "wiring/probe.jpg",
        "bucket": s3_evidence.name,
        "location": "evidence",
        "acl": None,
        "signed": True,
        "expire": 60,
        "domain": None,
        "region": "us-east-1",
        "style": "path",
    }
    assert s3_evidence.keys() == ["evidence/wiring/probe.jpg"]


def test_without_a_bucket_the_evidence_stays_in_the_local_folder():
    assert settings_child() == {"backend": "FileSystemStorage"}


# --- What is stored ------------------------------------------------------------------------------


def test_only_the_sanitized_photo_and_thumbnail_reach_the_bucket(s3_evidence):
    original = images.jpeg_with_metadata(width=1200, height=800)
    local_before = set(files_under(settings.MEDIA_ROOT))

    answer = file_with_photo(original)

    complaint = Complaint.objects.get(reference=answer["reference"])
    keys = s3_evidence.keys()
    assert len(keys) == 2 and set(keys) == stored_keys(complaint)
    evidence = complaint.evidence.get()
    stored = {key: s3_evidence.read(key) for key in keys}
    assert original not in stored.values()
    sizes = {assert_clean_jpeg(data).size for data in stored.values()}
    assert (evidence.width, evidence.height) in sizes
    assert all(b"PhoneMaker" not in data and b"GPS" not in data for data in stored.values())
    assert set(files_under(settings.MEDIA_ROOT)) == local_before, "a copy landed on local disk"


def test_a_photo_added_on_the_tracking_api_is_stored_sanitized(s3_evidence):
    answer = file_with_photo()
    before = set(s3_evidence.keys())

    response = APIClient().post(
        TRACK_PHOTOS_URL,
        {"receipt": answer["receipt"], "photos": [photo(images.webp_with_metadata())]},
        format="multipart",
    )

    assert response.status_code in (200, 201), response.content
    added = set(s3_evidence.keys()) - before
    assert len(added) == 2
    assert added <= stored_keys(Complaint.objects.get(reference=answer["reference"]))
    for key in added:
        assert_clean_jpeg(s3_evidence.read(key))


# --- How it is served ----------------------------------------------------------------------------


def test_the_staff_api_streams_it_with_the_token_in_scope_only(s3_evidence):
    reference = file_with_photo()["reference"]
    dishub = token_client("kepala-dishub")
    complaint = Complaint.objects.get(reference=reference)
    bucket_bytes = {s3_evidence.read(key) for key in stored_keys(complaint)}

    for item in evidence_urls(dishub, reference):
        for url in (item["url"], item["thumbnail_url"]):
            _image, data = assert_served_photo(dishub.get(url))
            assert data in bucket_bytes

    outsider = token_client("kepala-dukcapil")
    for item in evidence_urls(dishub, reference):
        assert outsider.get(item["url"]).status_code == 404
        assert outsider.get(item["thumbnail_url"], HTTP_ACCEPT="image/jpeg").status_code == 404
        assert APIClient().get(item["url"]).status_code == 401


def test_the_staff_page_serves_it_with_the_session_in_scope_only(s3_evidence, client):
    reference = file_with_photo()["reference"]
    client.force_login(account("kepala-dishub"))

    page = client.get(page_url(reference))
    assert page.status_code == 200
    links = sorted(set(re.findall(r'(?:href|src)="(/staf/bukti/[^"]+)"', page.content.decode())))
    assert len(links) == 2  # the photo and its thumbnail
    for link in links:
        assert_served_photo(client.get(link))

    client.force_login(account("kepala-dukcapil"))
    assert all(client.get(link).status_code == 404 for link in links)


def test_no_bucket_url_is_ever_rendered_and_the_bucket_refuses_strangers(s3_evidence, client):
    reference = file_with_photo()["reference"]
    detail = token_client("kepala-dishub").get(detail_url(reference))
    client.force_login(account("kepala-dishub"))
    page = client.get(page_url(reference))
    endpoint = s3_evidence.server.endpoint

    for text in (detail.content.decode(), page.content.decode()):
        assert s3_evidence.name not in text
        assert endpoint.split("//")[1] not in text
        assert "X-Amz-Signature" not in text

    for key in s3_evidence.keys():
        anonymous = requests.get(f"{endpoint}/{s3_evidence.name}/{key}", timeout=10)
        assert anonymous.status_code == 403
        assert b"\xff\xd8\xff" not in anonymous.content
        acl = s3_evidence.server.client().get_object_acl(Bucket=s3_evidence.name, Key=key)
        assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
        assert all(grant["Grantee"]["Type"] == "CanonicalUser" for grant in acl["Grants"])


# --- What removes it -----------------------------------------------------------------------------


def test_withdrawal_deletes_the_objects(s3_evidence, django_capture_on_commit_callbacks):
    answer = file_with_photo()
    other = file_with_photo()
    kept = stored_keys(Complaint.objects.get(reference=other["reference"]))

    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(WITHDRAW_URL, {"receipt": answer["receipt"]}, format="json")

    assert response.status_code == 200, response.content
    assert set(s3_evidence.keys()) == kept
    evidence = Evidence.objects.get(complaint__reference=answer["reference"])
    assert (evidence.image.name, evidence.thumbnail.name) == ("", "")


def test_objects_a_store_could_not_delete_at_withdrawal_go_on_the_next_sweep(
    s3_evidence, settings, monkeypatch, django_capture_on_commit_callbacks
):
    answer = file_with_photo()
    keys = s3_evidence.keys()
    down = f"http://127.0.0.1:{free_port()}"

    with evidence_storage_switched(settings, monkeypatch, bucket=s3_evidence.name, endpoint=down):
        with django_capture_on_commit_callbacks(execute=True):
            response = APIClient().post(WITHDRAW_URL, {"receipt": answer["receipt"]}, format="json")
        assert response.status_code == 200, response.content

    assert s3_evidence.keys() == keys  # still there, and the row still names them
    evidence = Evidence.objects.get(complaint__reference=answer["reference"])
    assert evidence.purged_at is not None and evidence.image.name

    assert evidence_files_sweep() == 1
    assert s3_evidence.keys() == []


def test_the_retention_purge_deletes_the_objects(s3_evidence, django_capture_on_commit_callbacks):
    from tests.complaints.test_retention import closed_history

    complaint = closed_history(timezone.now() - timedelta(days=400))
    assert len(s3_evidence.keys()) == 4  # two photos, each with its thumbnail

    with django_capture_on_commit_callbacks(execute=True):
        report = retention_purge()

    assert report.photos == 2
    assert s3_evidence.keys() == []
    assert not complaint.evidence.exclude(image="").exists()


# --- A store that fails --------------------------------------------------------------------------


@pytest.fixture
def store_down(settings, monkeypatch):
    """The evidence store configured on a port where nothing listens."""
    with evidence_storage_switched(
        settings, monkeypatch, bucket="bukti", endpoint=f"http://127.0.0.1:{free_port()}"
    ):
        yield


@pytest.fixture
def bucket_missing(s3_server, settings, monkeypatch):
    """The store answers, but the configured bucket does not exist there."""
    with evidence_storage_switched(
        settings, monkeypatch, bucket="bukti-tidak-ada", endpoint=s3_server.endpoint
    ):
        yield s3_server


@pytest.fixture
def credentials_refused(s3_evidence):
    """The store answers and the bucket exists, but it refuses the portal's credentials."""
    with s3_evidence.server.credentials_checked():
        yield s3_evidence


@pytest.mark.parametrize("failure", ["store_down", "bucket_missing", "credentials_refused"])
@pytest.mark.parametrize("language", [None, "en"])
def test_a_store_that_fails_at_submit_answers_503_and_files_nothing(request, failure, language):
    request.getfixturevalue(failure)
    before = row_counts()

    response = complaint_post(APIClient(), PARKIR_STORY, photos=[photo()], language=language)

    assert response.status_code == 503, response.content
    assert response["Retry-After"]
    message = response.json()["message"]
    if language == "en":
        assert message == UNAVAILABLE_EN
    else:
        assert message
        assert_not_english(message, UNAVAILABLE_EN)
    assert row_counts() == before
    # Without a photo the store is not needed: the complaint is filed.
    assert complaint_post(APIClient(), PARKIR_STORY).status_code == 201


def test_the_report_form_answers_503_too_when_the_store_is_down(store_down, client):
    before = row_counts()
    fields = {**PARKIR_STORY, "karcis_given": "false", "photos": [photo()]}

    page = client.post("/lapor/", fields)

    assert page.status_code == 503
    assert page["Retry-After"]
    assert row_counts() == before
    without_photo = client.post("/lapor/", {**fields, "photos": []})
    assert without_photo.status_code == 201
    assert Complaint.objects.count() == before["Complaint"] + 1


def test_refused_credentials_leave_no_object_and_no_row(s3_evidence):
    before = row_counts()

    with s3_evidence.server.credentials_checked():
        response = complaint_post(APIClient(), PARKIR_STORY, photos=[photo(), photo()])

    assert response.status_code == 503
    assert row_counts() == before
    assert s3_evidence.keys() == []


def test_a_store_that_fails_while_serving_answers_503(s3_evidence, client):
    reference = file_with_photo()["reference"]
    dishub = token_client("kepala-dishub")
    item = evidence_urls(dishub, reference)[0]
    client.force_login(account("kepala-dishub"))
    page_link = f"/staf/bukti/{item['id']}/"
    assert client.get(page_link).status_code == 200
    # The bucket goes away under the running portal (deleted, or a wrong bucket configured).
    for key in s3_evidence.keys():
        s3_evidence.server.client().delete_object(Bucket=s3_evidence.name, Key=key)
    s3_evidence.server.client().delete_bucket(Bucket=s3_evidence.name)

    response = dishub.get(item["url"])
    page = client.get(page_link)

    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"]
    assert page.status_code == 503
    assert page["Content-Type"].startswith("text/html")


def test_a_failure_after_the_objects_were_written_takes_them_away(s3_evidence, monkeypatch):
    def database_gone(**_kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("complaints.services.submission.complaint_apply_decision", database_gone)
    before = row_counts()

    response = complaint_post(APIClient(), PARKIR_STORY, photos=[photo(), photo(images.png())])

    assert response.status_code == 503
    assert row_counts() == before
    assert s3_evidence.keys() == []


# --- The readiness probe -------------------------------------------------------------------------


def test_the_probe_says_ready_on_a_working_bucket_and_leaves_nothing(s3_evidence):
    assert evidence_storage_ready() is True
    assert s3_evidence.keys() == []


def test_the_probe_says_not_ready_when_the_store_is_down(store_down):
    assert evidence_storage_ready() is False


def test_the_probe_says_not_ready_when_the_bucket_is_missing(bucket_missing):
    assert evidence_storage_ready() is False


def test_the_probe_says_not_ready_when_the_credentials_are_refused(s3_evidence):
    with s3_evidence.server.credentials_checked():
        assert evidence_storage_ready() is False
    assert evidence_storage_ready() is True


def test_the_probe_says_not_ready_when_the_store_does_not_answer(settings, monkeypatch):
    """A server that accepts connections and never replies: the probe's deadline decides."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with evidence_storage_switched(settings, monkeypatch, bucket="bukti", endpoint=endpoint):
            assert evidence_storage_ready(timeout=0.5) is False


def test_the_probe_on_the_local_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "evidence"},
        },
    }
    assert evidence_storage_ready() is True
    assert files_under(tmp_path) == []

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": blocker / "evidence"},
        },
    }
    assert evidence_storage_ready() is False
