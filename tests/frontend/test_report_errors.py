"""Refused forms through the pages: the server's photo errors in the reader's language, beside the
photo field and in the error summary that links to each field in error.

Photos are refused for what the browser's checks refuse too (too many, too large, not a photo,
empty); the page carries the browser's versions of the same messages (``#photo-messages``), so
both say the same limit in the same language. Indonesian is the default; English is chosen with
``?lang=en``. Nothing is filed when the form is refused.
"""

import html
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from complaints.models import Complaint
from tests import images
from tests.api.client import PARKIR_STORY
from tests.conftest import files_under

pytestmark = pytest.mark.usefixtures("directory")

REPORT_URL = "/lapor/"
LOGIN_URL = "/staf/masuk/"
REPORT = {**PARKIR_STORY, "karcis_given": "false"}
ONE_MB = 1024 * 1024

# (case, files, status, Indonesian, English) — the limits: 5 photos, 1 MB each (set below).
PHOTO_CASES = [
    (
        "too many",
        lambda: [photo(f"IMG_{n}.jpg") for n in range(6)],
        400,
        "Foto yang dapat dilampirkan paling banyak 5.",
        "At most 5 photos can be attached.",
    ),
    (
        "too large",
        lambda: [SimpleUploadedFile("huge.jpg", b"\xff" * (ONE_MB + 1), "image/jpeg")],
        413,
        "Ukuran setiap foto paling besar 1 MB.",
        "Each photo may be at most 1 MB.",
    ),
    (
        "not a photo",
        lambda: [SimpleUploadedFile("notes.jpg", b"just some text, not a picture", "image/jpeg")],
        415,
        "Hanya foto berformat JPEG, PNG, atau WebP yang dapat dilampirkan.",
        "Only photos in JPEG, PNG or WebP format can be attached.",
    ),
    (
        "empty",
        lambda: [SimpleUploadedFile("empty.jpg", b"", "image/jpeg")],
        400,
        "Berkas foto kosong.",
        "The photo file is empty.",
    ),
]


@pytest.fixture(autouse=True)
def _one_mb_photos(settings):
    settings.PORTAL_MAX_PHOTO_BYTES = ONE_MB


def photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, images.jpeg(40, 20), "image/jpeg")


def browser(language: str) -> Client:
    """A client that chose ``language`` as a citizen does (the switch sets the cookie)."""
    client = Client(enforce_csrf_checks=True)
    if language == "en":
        client.get("/?lang=en")
    return client


def csrf(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]


def send_report(client: Client, **fields):
    page = client.get(REPORT_URL)
    return client.post(REPORT_URL, {**REPORT, "csrfmiddlewaretoken": csrf(page), **fields})


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def summary_links(page) -> list[tuple[str, str]]:
    """``(target id, text)`` of each link in the page's error summary."""
    box = re.search(
        r'<div class="alert error error-summary"(.*?)</div>', page.content.decode(), re.S
    )
    assert box, "no error summary on the page"
    return [
        (target, text_of(text))
        for target, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', box[1], re.S)
    ]


def tag_with_id(page, element_id: str) -> str:
    found = re.search(rf'<[a-z]+ [^>]*\bid="{re.escape(element_id)}"[^>]*>', page.content.decode())
    assert found, f"no element #{element_id} on the page"
    return found[0]


# --- Photos refused by the server -------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    ("case", "files", "status", "indonesian", "english"),
    PHOTO_CASES,
    ids=[c[0] for c in PHOTO_CASES],
)
def test_a_refused_photo_is_said_in_the_readers_language_beside_the_field_and_in_the_summary(
    language, case, files, status, indonesian, english, evidence_dir, upload_temp_dir
):
    expected = indonesian if language == "id" else english
    stored = set(files_under(evidence_dir))  # the folder is shared by the worker's tests

    page = send_report(browser(language), photos=files())

    assert page.status_code == status
    body = page.content.decode()
    beside = re.search(r'<p class="field-error" id="photos-error">(.*?)</p>', body, re.S)
    assert beside and text_of(beside[1]) == expected
    assert ("photos", expected) in summary_links(page)
    field = tag_with_id(page, "photos")
    assert 'aria-invalid="true"' in field and "photos-error" in field
    assert not Complaint.objects.exists()
    assert set(files_under(evidence_dir)) == stored and files_under(upload_temp_dir) == []


@pytest.mark.parametrize(
    ("language", "too_many", "too_large"),
    [
        (
            "id",
            "Foto yang dapat dilampirkan paling banyak 5.",
            "Foto %(name)s lebih dari 1 MB. Kecilkan atau pilih foto lain.",
        ),
        (
            "en",
            "At most 5 photos can be attached.",
            "The photo %(name)s is larger than 1 MB. Make it smaller or choose another photo.",
        ),
    ],
)
def test_the_form_gives_its_script_the_same_photo_limits_in_the_readers_language(
    language, too_many, too_large
):
    page = browser(language).get(REPORT_URL)

    found = re.search(
        r'<script id="photo-messages" type="application/json">(.*?)</script>',
        page.content.decode(),
        re.S,
    )
    texts = json.loads(found[1])
    assert texts["tooMany"] == too_many
    assert texts["tooLarge"] == too_large
    assert "%(name)s" in texts["notImage"] and "%(name)s" in texts["empty"]
    assert 'id="photos-problem"' in page.content.decode()  # where the script's messages go


# --- The error summary ------------------------------------------------------------------------


def test_a_refused_report_opens_on_a_summary_linking_to_each_field_in_error():
    page = send_report(browser("id"), category="", description="", amount_paid="sepuluh ribu")

    assert page.status_code == 400
    links = summary_links(page)
    assert links == [
        ("category", "Pilih jenis laporan: pungli, keterlambatan, atau lainnya."),
        ("description", "Ceritakan apa yang terjadi."),
        ("amount_paid", "Tulis jumlah dalam rupiah tanpa titik, dari 0 sampai 1.000.000.000."),
    ]
    for target, _text in links:
        field = tag_with_id(page, target)
        assert 'aria-invalid="true"' in field, field
    summary = tag_with_id(page, "error-summary")
    assert 'tabindex="-1"' in summary and "autofocus" in summary  # the focus starts there
    body = page.content.decode()
    assert body.count("autofocus") == 1
    assert "Mohon perbaiki hal berikut" in body
    assert "frontend/js/errors.js" in body
    assert not Complaint.objects.exists()


def test_the_summary_is_english_when_english_was_chosen():
    page = send_report(browser("en"), description="")

    assert page.status_code == 400
    assert summary_links(page) == [("description", "Tell us what happened.")]
    assert "Please correct the following" in page.content.decode()


def test_a_form_without_errors_has_no_summary():
    page = browser("id").get(REPORT_URL)

    assert "error-summary" not in page.content.decode()
    assert "aria-invalid" not in page.content.decode()


# --- Staff login ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_staff_login_opens_on_a_summary_linking_to_the_username():
    get_user_model().objects.create_user(username="kepala-dishub", password="benar-sekali-123")
    client = browser("id")
    page = client.get(LOGIN_URL)
    assert "error-summary" not in page.content.decode()
    assert "autofocus" in tag_with_id(page, "id_username")

    refused = client.post(
        LOGIN_URL,
        {"username": "kepala-dishub", "password": "salah", "csrfmiddlewaretoken": csrf(page)},
    )

    assert refused.status_code == 200
    assert summary_links(refused) == [("id_username", "Nama pengguna atau kata sandi salah.")]
    assert "autofocus" not in tag_with_id(refused, "id_username")
    assert "autofocus" in tag_with_id(refused, "error-summary")
