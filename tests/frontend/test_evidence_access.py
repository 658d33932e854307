"""Photo evidence at ``/staf/bukti/<uuid>/`` (and ``kecil/`` for the thumbnail).

There is no public media URL: a photo is served only to staff who may see its complaint.
Anyone else gets the same 404 as for a photo that does not exist (never a login redirect that
would confirm it exists), and a served photo is never cached.
"""

import uuid

import pytest
from django.test import Client

from complaints.models import Evidence
from complaints.services import staff_account_ensure
from routing.models import Opd
from tests.api.client import PARKIR_STORY, complaint_post, photo

pytestmark = pytest.mark.usefixtures("directory")

PASSWORD = "kata-sandi-uji-7391"


def evidence_urls(evidence_id) -> list[str]:
    return [f"/staf/bukti/{evidence_id}/", f"/staf/bukti/{evidence_id}/kecil/"]


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


def logged_in(username: str, **account) -> Client:
    staff_account_ensure(username=username, password=PASSWORD, **account)
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def kepala_dishub() -> Client:
    return logged_in("kepala-dishub", role="opd", opd=Opd.objects.get(code="DISHUB"))


@pytest.fixture
def superuser() -> Client:
    return logged_in("admin", superuser=True)


def read(response) -> bytes:
    # Exhausting the stream closes the response through the test client's wrapper, which keeps
    # the test's database connection open (closing it by hand would close the connection).
    return b"".join(response.streaming_content)


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def assert_served(response, expected: bytes):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
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


def test_the_opd_head_sees_the_photos_of_their_opd(kepala_dishub, dishub_photo):
    image, thumbnail = evidence_urls(dishub_photo.pk)

    assert_served(kepala_dishub.get(image), stored(dishub_photo.image))
    assert_served(kepala_dishub.get(thumbnail), stored(dishub_photo.thumbnail))


def test_the_opd_head_cannot_see_another_opds_photo(kepala_dishub, dukcapil_photo):
    for existing, missing in zip(
        evidence_urls(dukcapil_photo.pk), evidence_urls(uuid.uuid4()), strict=True
    ):
        found = kepala_dishub.get(existing)
        not_found = kepala_dishub.get(missing)

        assert_hidden(found)
        assert found.content == not_found.content


def test_a_staff_account_without_an_opd_sees_nothing(dishub_photo):
    client = logged_in("petugas-tanpa-opd", role="opd")

    for url in evidence_urls(dishub_photo.pk):
        assert_hidden(client.get(url))


def test_the_superuser_sees_every_photo(superuser, dishub_photo, dukcapil_photo):
    for evidence in (dishub_photo, dukcapil_photo):
        image, thumbnail = evidence_urls(evidence.pk)
        assert_served(superuser.get(image), stored(evidence.image))
        assert_served(superuser.get(thumbnail), stored(evidence.thumbnail))
