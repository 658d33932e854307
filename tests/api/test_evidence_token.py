"""Evidence through the staff API with a token (docs/interface.md: "Evidence URLs in staff
answers open with the same token (or session) and the same scope").

A complaint with a photo is filed through ``POST complaints/`` (multipart); the URLs are taken
from ``GET staff/complaints/<ref>/`` as a client would, then opened with the token of
``POST auth/token/``: the office in charge and the oversight get the sanitized JPEG (private,
not stored by caches), another office, a plain account and an anonymous client do not, and a
token revoked through ``POST auth/logout/`` opens nothing any more.
"""

import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

from complaints.models import AccessRecord, Complaint
from tests import images
from tests.api.client import PARKIR_STORY, complaint_post, photo, track_post
from tests.api.staff import PLAIN, account, detail_url, token_for

pytestmark = pytest.mark.usefixtures("directory")

LOGOUT_URL = "/api/v1/auth/logout/"
WITHDRAW_URL = "/api/v1/track/withdraw/"


def file_with_photo(client=None) -> tuple[str, str]:
    """A parking pungli with one metadata-laden photo, through the API: (reference, receipt)."""
    response = complaint_post(
        client or APIClient(),
        PARKIR_STORY,
        photos=[photo(images.jpeg_with_metadata(width=1200, height=800))],
    )
    assert response.status_code == 201, response.content
    body = response.json()
    return body["reference"], body["receipt"]


def token_client(username: str) -> APIClient:
    """A client holding a token from ``POST auth/token/`` for ``username``."""
    account(username)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(APIClient(), username)}")
    return client


def evidence_urls(client, reference: str) -> list[dict]:
    """The evidence items of the staff detail answer (each with ``url`` and ``thumbnail_url``)."""
    response = client.get(detail_url(reference))
    assert response.status_code == 200, response.content
    evidence = response.json()["evidence"]
    assert evidence, "the detail answer lists no evidence"
    return evidence


def body_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_served_photo(
    response, *, size: tuple[int, int] | None = None
) -> tuple[Image.Image, bytes]:
    """A sanitized JPEG, private and never stored by a cache; returns it decoded, and its bytes."""
    assert response.status_code == 200, getattr(response, "content", b"")
    assert response["Content-Type"] == "image/jpeg"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    data = body_bytes(response)
    assert int(response["Content-Length"]) == len(data)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert not image.getexif(), "EXIF survived"
    assert "icc_profile" not in image.info and "comment" not in image.info
    if size is not None:
        assert image.size == size
    return image, data


@pytest.fixture
def filed():
    reference, receipt = file_with_photo()
    return {"reference": reference, "receipt": receipt}


IN_SCOPE = ["kepala-dishub", "inspektorat", "koordinator", "walikota", "admin"]


@pytest.mark.parametrize("username", IN_SCOPE)
def test_the_evidence_urls_of_the_detail_open_with_the_token_in_scope(filed, username):
    client = token_client(username)

    for item in evidence_urls(client, filed["reference"]):
        size = (item["width"], item["height"])
        full, _data = assert_served_photo(client.get(item["url"]), size=size)
        thumb, _data = assert_served_photo(client.get(item["thumbnail_url"]))
        assert max(thumb.size) < max(full.size)


def test_the_access_is_recorded_for_the_token_user(filed):
    client = token_client("kepala-dishub")
    item = evidence_urls(client, filed["reference"])[0]

    assert client.get(item["url"]).status_code == 200

    record = AccessRecord.objects.filter(
        action=AccessRecord.Action.EVIDENCE, user__username="kepala-dishub"
    ).get()
    assert record.detail == item["id"]


@pytest.mark.parametrize("accept", ["image/jpeg", "image/*", "*/*", "application/json"])
def test_whatever_the_client_accepts_the_photo_is_served(filed, accept):
    client = token_client("kepala-dishub")
    item = evidence_urls(client, filed["reference"])[0]

    assert_served_photo(client.get(item["url"], HTTP_ACCEPT=accept))


@pytest.mark.parametrize("username", ["kepala-dukcapil", PLAIN])
def test_out_of_scope_tokens_get_404_on_every_evidence_url(filed, username):
    urls = evidence_urls(token_client("kepala-dishub"), filed["reference"])
    outsider = token_client(username)

    assert outsider.get(detail_url(filed["reference"])).status_code == 404
    for item in urls:
        for url in (item["url"], item["thumbnail_url"]):
            response = outsider.get(url)
            assert response.status_code == 404
            assert response["Content-Type"].startswith("application/json")
    assert not AccessRecord.objects.filter(
        action=AccessRecord.Action.EVIDENCE, user__username=username
    ).exists()


def test_without_credentials_the_evidence_is_refused_with_401(filed):
    item = evidence_urls(token_client("kepala-dishub"), filed["reference"])[0]

    for client in (APIClient(), APIClient(HTTP_AUTHORIZATION="Token " + "0" * 64)):
        response = client.get(item["url"])
        assert response.status_code == 401
        assert b"\xff\xd8" not in response.content  # no JPEG bytes in the refusal


def test_a_revoked_token_opens_nothing_any_more(filed):
    client = token_client("kepala-dishub")
    item = evidence_urls(client, filed["reference"])[0]
    assert client.get(item["url"]).status_code == 200

    assert client.post(LOGOUT_URL).status_code == 204

    assert client.get(item["url"]).status_code == 401
    assert client.get(item["thumbnail_url"]).status_code == 401


def test_the_same_urls_open_with_the_session_of_the_pages(filed, client):
    urls = evidence_urls(token_client("kepala-dishub"), filed["reference"])
    client.force_login(account("kepala-dishub"))

    for item in urls:
        assert_served_photo(client.get(item["url"]))

    other = APIClient()
    other.force_login(account("kepala-dukcapil"))
    assert other.get(urls[0]["url"]).status_code == 404


def test_a_withdrawn_complaints_photo_is_gone_for_the_token_too(filed):
    client = token_client("kepala-dishub")
    item = evidence_urls(client, filed["reference"])[0]

    withdrawn = APIClient().post(WITHDRAW_URL, {"receipt": filed["receipt"]}, format="json")
    assert withdrawn.status_code == 200, withdrawn.content

    assert client.get(item["url"]).status_code == 404
    assert client.get(detail_url(filed["reference"])).json()["evidence"] == []
    assert track_post(APIClient(), filed["receipt"]).status_code == 200
    assert Complaint.objects.get(reference=filed["reference"]).withdrawn_at is not None
