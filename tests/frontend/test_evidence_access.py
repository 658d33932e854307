"""Photo evidence: on the staff pages at ``/staf/bukti/<uuid>/`` (and ``kecil/`` for the
thumbnail), with a session; on the staff API at ``/api/v1/staff/evidence/<uuid>/`` (and
``thumbnail/``), with a token. Both ask ``complaints.access.evidence_visible_to``.

There is no public media URL: a photo is served only to staff who may see its complaint.
Anyone else gets the same 404 as for a photo that does not exist (never a login redirect that
would confirm it exists), and a served photo is never cached. The API answers an anonymous
client 401 for every photo, existing or not, as for every staff endpoint.
"""

import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from complaints.models import Evidence
from complaints.services import staff_account_ensure
from routing.models import Opd
from tests.api.client import PARKIR_STORY, complaint_post, photo
from tests.api.staff import TOKEN_URL, evidence_api_urls, evidence_page_urls, read

pytestmark = pytest.mark.usefixtures("directory")

PASSWORD = "kata-sandi-uji-7391"
SURFACES = ["page", "api"]


def evidence_urls(evidence_id, surface: str = "page") -> list[str]:
    return (evidence_page_urls if surface == "page" else evidence_api_urls)(evidence_id)


def submit_with_photo(api_client, data: dict) -> Evidence:
    response = complaint_post(api_client, data, photos=[photo()])
    assert response.status_code == 201, response.content
    return Evidence.objects.get(complaint__reference=response.json()["reference"])


@pytest.fixture
def dishub_photo(api_client) -> Evidence:
    evidence = submit_with_photo(api_client, PARKIR_STORY)
    assert evidence.complaint.opd.code == "DISHUB"
    return evidence


@pytest.fixture
def dukcapil_photo(api_client) -> Evidence:
    data = {"category": "delay", "service": "KK", "description": "KK sudah sebulan belum jadi."}
    evidence = submit_with_photo(api_client, data)
    assert evidence.complaint.opd.code == "DUKCAPIL"
    assert not evidence.complaint.oversight.exists()
    return evidence


def logged_in(username: str, surface: str = "page", **account):
    """A session client for the pages, or a client with a token from ``auth/token/`` for the API."""
    staff_account_ensure(username=username, password=PASSWORD, **account)
    if surface == "page":
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        return client
    client = APIClient()
    response = client.post(TOKEN_URL, {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def kepala_dishub(surface: str):
    return logged_in("kepala-dishub", surface, role="opd", opd=Opd.objects.get(code="DISHUB"))


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def assert_served(response, expected: bytes):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    # Exhausting the stream closes the response through the test client's wrapper, which keeps
    # the test's database connection open (closing it by hand would close the connection).
    assert read(response) == expected


def assert_hidden(response):
    assert response.status_code == 404
    assert "Location" not in response


def test_anonymous_gets_404_like_for_a_photo_that_does_not_exist(dishub_photo):
    client = Client()
    for existing, missing in zip(
        evidence_urls(dishub_photo.pk), evidence_urls(uuid.uuid4()), strict=True
    ):
        found = client.get(existing)
        not_found = client.get(missing)

        assert_hidden(found)
        assert_hidden(not_found)
        assert found.content == not_found.content


def test_anonymous_on_the_api_gets_401_for_every_photo_existing_or_not(dishub_photo):
    client = APIClient()
    for existing, missing in zip(
        evidence_urls(dishub_photo.pk, "api"), evidence_urls(uuid.uuid4(), "api"), strict=True
    ):
        found = client.get(existing)
        not_found = client.get(missing)

        assert (found.status_code, not_found.status_code) == (401, 401)
        assert found["WWW-Authenticate"] == "Token"
        assert found.json() == not_found.json()


def test_the_page_session_opens_the_api_photo_too(dishub_photo):
    """The API also accepts the staff pages' session: same scope, same file."""
    client = kepala_dishub("page")
    image, thumbnail = evidence_urls(dishub_photo.pk, "api")

    assert_served(client.get(image), stored(dishub_photo.image))
    assert_served(client.get(thumbnail), stored(dishub_photo.thumbnail))


@pytest.mark.parametrize("surface", SURFACES)
def test_the_opd_head_sees_the_photos_of_their_opd(dishub_photo, surface):
    client = kepala_dishub(surface)
    image, thumbnail = evidence_urls(dishub_photo.pk, surface)

    assert_served(client.get(image), stored(dishub_photo.image))
    assert_served(client.get(thumbnail), stored(dishub_photo.thumbnail))


@pytest.mark.parametrize("surface", SURFACES)
def test_the_opd_head_cannot_see_another_opds_photo(dukcapil_photo, surface):
    client = kepala_dishub(surface)
    for existing, missing in zip(
        evidence_urls(dukcapil_photo.pk, surface), evidence_urls(uuid.uuid4(), surface), strict=True
    ):
        found = client.get(existing)
        not_found = client.get(missing)

        assert_hidden(found)
        assert found.content == not_found.content


@pytest.mark.parametrize("surface", SURFACES)
def test_a_staff_account_without_an_opd_sees_nothing(dishub_photo, surface):
    client = logged_in("petugas-tanpa-opd", surface, role="opd")

    for url in evidence_urls(dishub_photo.pk, surface):
        assert_hidden(client.get(url))


@pytest.mark.parametrize("surface", SURFACES)
def test_the_superuser_sees_every_photo(dishub_photo, dukcapil_photo, surface):
    client = logged_in("admin", surface, superuser=True)
    for evidence in (dishub_photo, dukcapil_photo):
        image, thumbnail = evidence_urls(evidence.pk, surface)
        assert_served(client.get(image), stored(evidence.image))
        assert_served(client.get(thumbnail), stored(evidence.thumbnail))
