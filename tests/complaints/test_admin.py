"""The complaints admin: read-only, and its photo previews served by the admin itself within the
access module's scope."""

import pytest
from django.urls import reverse

from complaints.services import complaint_reporter_photos
from tests.api.client import photo
from tests.api.staff import account, accounts_ensure, complaint_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def evidence(directory):
    accounts_ensure()
    complaint = complaint_make("pungli")
    complaint_reporter_photos(complaint=complaint, photos=[photo()])
    return complaint.evidence.get()


def test_the_admin_shows_a_complaints_photos_from_its_own_view(client, evidence):
    client.force_login(account("admin"))
    page = client.get(reverse("admin:complaints_complaint_change", args=[evidence.complaint_id]))
    assert page.status_code == 200
    url = reverse("admin:complaints_evidence_file", args=[evidence.pk, "thumb"])
    assert url in page.content.decode()
    image = client.get(url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert "no-store" in image["Cache-Control"] and "private" in image["Cache-Control"]
    assert b"".join(image.streaming_content)[:2] == b"\xff\xd8"


def test_the_admins_photo_view_is_closed_to_everyone_else(client, evidence):
    url = reverse("admin:complaints_evidence_file", args=[evidence.pk, "full"])
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(account("kepala-dukcapil"))  # not staff of the admin site
    assert client.get(url).status_code == 302
