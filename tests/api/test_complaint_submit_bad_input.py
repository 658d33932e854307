"""``POST /api/v1/complaints/`` with bad input (docs/product.md §4 "Bad input").

Every refusal must be a clear 4xx shaped ``{"message": str, "errors": {field: [str]}}``, in the
request's language (English with ``Accept-Language: en``, Indonesian by default), and must leave
nothing behind: no complaint, event or evidence row, no file in the evidence folder and no
temporary upload file. Uploads are spooled to disk in these tests, so that last check bites.
"""

import os
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone

from complaints.models import Complaint, Evidence
from tests import images
from tests.api.client import (
    COMPLAINTS_URL,
    PARKIR_STORY,
    assert_not_english,
    complaint_post,
    language_headers,
    photo,
)
from tests.api.photos import PLAIN_TEXT, multipart, padded_jpeg
from tests.conftest import files_under

pytestmark = pytest.mark.usefixtures("directory", "uploads_spooled_to_disk")

LANGUAGES = pytest.mark.parametrize("language", ["en", None], ids=["english", "default"])

MSG_FIELDS = "Please check the fields marked below."
MSG_CATEGORY = "Choose the type of report: pungli, delay or other."
MSG_DESCRIPTION_EMPTY = "Tell us what happened."
MSG_DESCRIPTION_LONG = "Please write at most 5000 characters."
MSG_UNKNOWN_SERVICE = "Unknown service."
MSG_UNKNOWN_OPD = "Unknown office."
MSG_UNKNOWN_KELURAHAN = "Unknown kelurahan."
MSG_AMOUNT = "Enter an amount in whole rupiah, without dots, from 0 to 1.000.000.000."
MSG_DATE = "Enter a date as YYYY-MM-DD."
MSG_DATE_FUTURE = "The date cannot be in the future."
MSG_NOT_AN_IMAGE = "Only photos in JPEG, PNG or WebP format can be attached."
MSG_EMPTY_PHOTO = "The photo file is empty."
MSG_DAMAGED = "The photo is damaged or incomplete; please choose it again."
MSG_TOO_MANY_PIXELS = "The photo is too large (at most 40 megapixels)."
MSG_PHOTO_TOO_LARGE = "Each photo may be at most 10 MB."
MSG_TOO_MANY_PHOTOS = "At most 5 photos can be attached."
MSG_UNREADABLE = "The request could not be read."


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert isinstance(body["message"], str) and body["message"].strip()
    assert isinstance(body["errors"], dict)
    for field, messages in body["errors"].items():
        assert isinstance(field, str)
        assert messages and all(isinstance(text, str) and text.strip() for text in messages)
    return body


def assert_refused(response, *, status, language, message, field=None, field_message=None):
    """The shape, then the English texts (``language="en"``) or not-English (the default)."""
    body = assert_error_shape(response, status)
    if field is not None:
        assert field in body["errors"], body
    if language == "en":
        assert body["message"] == message
        if field_message is not None:
            assert body["errors"][field] == [field_message]
    return body


TOMORROW = "<tomorrow>"  # replaced when the request is built, so it is tomorrow on any day


def tomorrow() -> str:
    return (timezone.localdate() + timedelta(days=1)).isoformat()


# --- Fields ---------------------------------------------------------------------------------

FIELD_CASES = [
    # (id, changes to the Parkir story (None: remove the field), field, English field message)
    ("category-missing", {"category": None}, "category", MSG_CATEGORY),
    ("category-unknown", {"category": "bribe"}, "category", MSG_CATEGORY),
    ("category-empty", {"category": ""}, "category", MSG_CATEGORY),
    ("service-unknown", {"service": "NOPE"}, "service", MSG_UNKNOWN_SERVICE),
    ("opd-unknown", {"opd": "NOPE"}, "opd", MSG_UNKNOWN_OPD),
    ("kelurahan-unknown", {"kelurahan": "17.71.99.9999"}, "kelurahan", MSG_UNKNOWN_KELURAHAN),
    ("amount-negative", {"amount_paid": -1}, "amount_paid", MSG_AMOUNT),
    ("amount-absurd", {"amount_paid": 1_000_000_001}, "amount_paid", MSG_AMOUNT),
    ("amount-asked-absurd", {"amount_asked": 10**30}, "amount_asked", MSG_AMOUNT),
    ("amount-words", {"amount_paid": "sepuluh ribu"}, "amount_paid", MSG_AMOUNT),
    ("amount-fraction", {"amount_paid": 10000.5}, "amount_paid", MSG_AMOUNT),
    # "10.000" is how Indonesians write ten thousand: it must not be read as Rp10.
    ("amount-with-dots", {"amount_paid": "10.000"}, "amount_paid", MSG_AMOUNT),
    ("amount-rp-prefix", {"amount_paid": "Rp10000"}, "amount_paid", MSG_AMOUNT),
    ("incident-date-future", {"incident_date": TOMORROW}, "incident_date", MSG_DATE_FUTURE),
    ("incident-date-malformed", {"incident_date": "27/11/2026"}, "incident_date", MSG_DATE),
    ("incident-date-impossible", {"incident_date": "2026-13-45"}, "incident_date", MSG_DATE),
    ("applied-date-future", {"applied_date": TOMORROW}, "applied_date", MSG_DATE_FUTURE),
    ("description-missing", {"description": None}, "description", MSG_DESCRIPTION_EMPTY),
    ("description-empty", {"description": ""}, "description", MSG_DESCRIPTION_EMPTY),
    ("description-whitespace", {"description": " \n\t  \n"}, "description", MSG_DESCRIPTION_EMPTY),
    ("description-too-long", {"description": "a" * 5001}, "description", MSG_DESCRIPTION_LONG),
]


def _story_with(changes: dict) -> dict:
    data = {**PARKIR_STORY, **changes}
    return {
        key: tomorrow() if value == TOMORROW else value
        for key, value in data.items()
        if value is not None
    }


@LANGUAGES
@pytest.mark.parametrize(
    ("changes", "field", "field_message"),
    [case[1:] for case in FIELD_CASES],
    ids=[case[0] for case in FIELD_CASES],
)
def test_invalid_field_as_json(
    api_client, assert_nothing_left, language, changes, field, field_message
):
    response = complaint_post(api_client, _story_with(changes), language=language)

    body = assert_refused(
        response,
        status=400,
        language=language,
        message=MSG_FIELDS,
        field=field,
        field_message=field_message,
    )
    assert_nothing_left()
    if language is None:
        assert_not_english(body["message"], MSG_FIELDS)
        assert_not_english(body["errors"][field][0], field_message)


@LANGUAGES
@pytest.mark.parametrize(
    ("changes", "field", "field_message"),
    [
        ({"amount_paid": "sepuluh ribu"}, "amount_paid", MSG_AMOUNT),
        ({"kelurahan": "17.71.99.9999"}, "kelurahan", MSG_UNKNOWN_KELURAHAN),
        ({"incident_date": TOMORROW}, "incident_date", MSG_DATE_FUTURE),
        ({"description": "   "}, "description", MSG_DESCRIPTION_EMPTY),
    ],
    ids=["amount-words", "kelurahan-unknown", "incident-date-future", "description-whitespace"],
)
def test_invalid_field_with_a_good_photo_stores_no_photo(
    api_client, assert_nothing_left, language, changes, field, field_message
):
    response = complaint_post(api_client, _story_with(changes), photos=[photo()], language=language)

    body = assert_refused(
        response,
        status=400,
        language=language,
        message=MSG_FIELDS,
        field=field,
        field_message=field_message,
    )
    assert_nothing_left()
    if language is None:
        assert_not_english(body["errors"][field][0], field_message)


def test_a_description_of_exactly_5000_characters_is_accepted(api_client):
    response = complaint_post(api_client, {**PARKIR_STORY, "description": "a" * 5000})

    assert response.status_code == 201, response.content


def test_an_amount_of_exactly_one_billion_is_accepted(api_client):
    response = complaint_post(api_client, {**PARKIR_STORY, "amount_paid": 1_000_000_000})

    assert response.status_code == 201, response.content
    assert response.json()["fee_check"]["excess"] == 1_000_000_000 - 2000


# --- Photos ---------------------------------------------------------------------------------

PHOTO_CASES = [
    # (id, files as (name, content, content type), status, English message)
    ("text-renamed-jpg", [("photo.jpg", PLAIN_TEXT, "image/jpeg")], 415, MSG_NOT_AN_IMAGE),
    (
        "html-renamed-jpg",
        [("photo.jpg", images.html_renamed(), "image/jpeg")],
        415,
        MSG_NOT_AN_IMAGE,
    ),
    ("html", [("page.html", images.html_renamed(), "text/html")], 415, MSG_NOT_AN_IMAGE),
    ("svg", [("drawing.svg", images.svg(), "image/svg+xml")], 415, MSG_NOT_AN_IMAGE),
    ("pdf", [("scan.pdf", images.pdf_header(), "application/pdf")], 415, MSG_NOT_AN_IMAGE),
    ("gif", [("anim.gif", images.gif(), "image/gif")], 415, MSG_NOT_AN_IMAGE),
    ("zero-bytes", [("empty.jpg", b"", "image/jpeg")], 400, MSG_EMPTY_PHOTO),
    ("truncated-jpeg", [("cut.jpg", images.jpeg_truncated(), "image/jpeg")], 400, MSG_DAMAGED),
    (
        "png-bomb-header",
        [("bomb.png", images.png_bomb_header(30000, 30000), "image/png")],
        413,
        MSG_TOO_MANY_PIXELS,
    ),
    (
        "jpeg-claiming-30000x30000",
        [("bomb.jpg", images.jpeg_with_claimed_size(30000, 30000), "image/jpeg")],
        413,
        MSG_TOO_MANY_PIXELS,
    ),
    (
        "six-photos",
        [(f"IMG_{i}.jpg", images.jpeg(64, 48), "image/jpeg") for i in range(6)],
        400,
        MSG_TOO_MANY_PHOTOS,
    ),
    (
        "eleven-megabytes",
        [("big.jpg", padded_jpeg(11 * 1024 * 1024), "image/jpeg")],
        413,
        MSG_PHOTO_TOO_LARGE,
    ),
    # A good photo before a bad one: the good one must not be stored either.
    (
        "good-then-fake",
        [("ok.jpg", images.jpeg(64, 48), "image/jpeg"), ("fake.jpg", PLAIN_TEXT, "image/jpeg")],
        415,
        MSG_NOT_AN_IMAGE,
    ),
    (
        "good-then-truncated",
        [
            ("ok.jpg", images.jpeg(64, 48), "image/jpeg"),
            ("cut.jpg", images.jpeg_truncated(), "image/jpeg"),
        ],
        400,
        MSG_DAMAGED,
    ),
]


@LANGUAGES
@pytest.mark.parametrize(
    ("files", "status", "message"),
    [case[1:] for case in PHOTO_CASES],
    ids=[case[0] for case in PHOTO_CASES],
)
def test_bad_photo(api_client, assert_nothing_left, language, files, status, message):
    uploads = [photo(content, name, content_type) for name, content, content_type in files]

    response = complaint_post(api_client, PARKIR_STORY, photos=uploads, language=language)

    body = assert_refused(
        response,
        status=status,
        language=language,
        message=message,
        field="photos",
        field_message=message,
    )
    assert_nothing_left()
    if language is None:
        assert_not_english(body["message"], message)


@LANGUAGES
def test_101_files_are_refused_before_any_is_read(api_client, assert_nothing_left, language):
    uploads = [photo(images.jpeg(8, 8), f"IMG_{i}.jpg") for i in range(101)]

    response = complaint_post(api_client, PARKIR_STORY, photos=uploads, language=language)

    body = assert_refused(response, status=400, language=language, message=MSG_UNREADABLE)
    assert_nothing_left()
    if language is None:
        assert_not_english(body["message"], MSG_UNREADABLE)


def test_a_failure_after_the_photos_were_written_removes_them(
    api_client, assert_nothing_left, monkeypatch
):
    """A crash inside the transaction (here: routing) rolls back the rows and deletes the files."""

    def crash(**kwargs):
        raise RuntimeError("simulated failure after the evidence was written")

    monkeypatch.setattr("complaints.services.submission.complaint_apply_decision", crash)
    api_client.raise_request_exception = False

    response = complaint_post(api_client, PARKIR_STORY, photos=[photo(), photo()])

    assert response.status_code == 500
    assert_nothing_left()


def test_uploads_in_these_tests_go_through_the_temp_folder(upload_temp_dir):
    """The premise of "no temp file left": an upload here is written into FILE_UPLOAD_TEMP_DIR,
    to a file without a name there (config.uploads), so even a killed worker leaves none."""
    body, content_type = multipart({}, [("photos", "a.jpg", images.jpeg(64, 48), "image/jpeg")])
    request = RequestFactory().generic("POST", COMPLAINTS_URL, body, content_type=content_type)

    upload = request.FILES["photos"]
    try:
        written_to = os.readlink(f"/proc/self/fd/{upload.file.fileno()}")
        assert written_to.startswith(str(upload_temp_dir) + os.sep)
        assert files_under(upload_temp_dir) == []
    finally:
        request.close()
    assert upload.file.closed


# --- File names -----------------------------------------------------------------------------

HOSTILE_NAMES = [
    "../../etc/passwd",
    "..\\..\\windows\\system32\\config\\sam.jpg",
    "/etc/passwd",
    "x" * 296 + ".jpg",
]
HOSTILE_IDS = ["dot-dot-slash", "dot-dot-backslash", "absolute", "300-characters"]


def _multipart_story(filename: str, content: bytes, language: str | None, client):
    fields = {key: str(value) for key, value in PARKIR_STORY.items()}
    body, content_type = multipart(fields, [("photos", filename, content, "image/jpeg")])
    return client.generic(
        "POST", COMPLAINTS_URL, body, content_type=content_type, **language_headers(language)
    )


@LANGUAGES
@pytest.mark.parametrize("filename", HOSTILE_NAMES, ids=HOSTILE_IDS)
def test_hostile_file_name_with_non_image_content(
    api_client, assert_nothing_left, language, filename
):
    response = _multipart_story(filename, PLAIN_TEXT, language, api_client)

    body = assert_refused(
        response,
        status=415,
        language=language,
        message=MSG_NOT_AN_IMAGE,
        field="photos",
        field_message=MSG_NOT_AN_IMAGE,
    )
    assert_nothing_left()
    if language is None:
        assert_not_english(body["message"], MSG_NOT_AN_IMAGE)


@pytest.mark.parametrize("filename", HOSTILE_NAMES, ids=HOSTILE_IDS)
def test_hostile_file_name_with_a_real_photo_is_stored_under_a_random_name(
    api_client, evidence_dir, upload_temp_dir, filename
):
    media_before = set(files_under(settings.MEDIA_ROOT))
    temp_before = set(files_under(upload_temp_dir))

    response = _multipart_story(filename, images.jpeg_with_metadata(), None, api_client)

    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get(complaint__reference=response.json()["reference"])
    new_files = set(files_under(settings.MEDIA_ROOT)) - media_before
    assert new_files == {evidence_dir / evidence.image.name, evidence_dir / evidence.thumbnail.name}
    for path in new_files:
        assert path.resolve().is_relative_to(evidence_dir.resolve())
        assert re.fullmatch(
            r"[0-9a-f]{2}/[0-9a-f]{32}\.jpg", path.relative_to(evidence_dir).as_posix()
        )
    everything = files_under(settings.MEDIA_ROOT) + files_under(upload_temp_dir)
    assert not [path for path in everything if "passwd" in path.name or "sam" in path.name]
    assert set(files_under(upload_temp_dir)) == temp_before


# --- Bodies that are not a complaint --------------------------------------------------------

RAW_BODIES = [
    # (id, body, English message, field with errors)
    ("list", b'[{"category": "pungli", "description": "x"}]', MSG_FIELDS, "non_field_errors"),
    ("string", b'"pungli"', MSG_FIELDS, "non_field_errors"),
    ("number", b"42", MSG_FIELDS, "non_field_errors"),
    ("null", b"null", MSG_FIELDS, "non_field_errors"),
    ("malformed", b'{"category": "pungli", "description": ', MSG_UNREADABLE, None),
    ("form-encoded-as-json", b"category=pungli&description=x", MSG_UNREADABLE, None),
    ("invalid-utf8", b'{"category": "\xff\xfe"}', MSG_UNREADABLE, None),
]


@LANGUAGES
@pytest.mark.parametrize(
    ("raw", "message", "field"),
    [case[1:] for case in RAW_BODIES],
    ids=[case[0] for case in RAW_BODIES],
)
def test_json_body_that_is_not_a_complaint_object(
    api_client, assert_nothing_left, language, raw, message, field
):
    api_client.raise_request_exception = False  # a crash must show up as a 500, not pass

    response = api_client.generic(
        "POST", COMPLAINTS_URL, raw, content_type="application/json", **language_headers(language)
    )

    body = assert_refused(response, status=400, language=language, message=message, field=field)
    assert_nothing_left()
    if field is None:
        assert body["errors"] == {}
        assert "line 1" not in body["message"]  # no parser internals
    if language is None:
        assert_not_english(body["message"], message)


# --- Text that looks like code --------------------------------------------------------------

SCRIPT = '<script>alert("pungli")</script>'
MARKUP = f'Jukir minta uang. {SCRIPT}<img src=x onerror="alert(1)"> & <b>tebal</b>'


def test_html_in_the_description_is_kept_as_text_and_escaped_on_the_page(api_client, client):
    response = complaint_post(api_client, {**PARKIR_STORY, "description": MARKUP})

    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith("application/json")
    complaint = Complaint.objects.get(reference=response.json()["reference"])
    assert complaint.description == MARKUP  # stored verbatim: text, not sanitized HTML

    page = client.post("/pantau/", {"receipt": response.json()["receipt"]})

    assert page.status_code == 200
    html = page.content.decode()
    assert complaint.reference in html
    assert "<script>alert(" not in html
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;script&gt;alert(" in html
    assert "&lt;img src=x onerror=" in html
