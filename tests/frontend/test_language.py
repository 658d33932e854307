"""The language rule (frontend.middleware): Indonesian pages whatever the browser says, English
only by choice (``?lang=en``, then the cookie); the API follows ``Accept-Language``."""

import pytest
from django.conf import settings
from django.test import Client

from frontend.middleware import request_language

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_an_english_browser_gets_the_indonesian_page():
    response = Client(**ENGLISH_BROWSER).get("/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "id"
    assert '<html lang="id">' in response.content.decode()
    assert "Buat laporan" in response.content.decode()


def test_english_by_choice_is_remembered_and_indonesian_again_by_choice():
    client = Client(**ENGLISH_BROWSER)
    chosen = client.get("/", {"lang": "en"})
    assert '<html lang="en">' in chosen.content.decode()
    assert chosen.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    # Remembered without the query: the cookie, not the browser, chose it.
    again = client.get("/lapor/")
    assert '<html lang="en">' in again.content.decode()
    assert "Make a report" in client.get("/").content.decode()

    back = client.get("/", {"lang": "id"})
    assert '<html lang="id">' in back.content.decode()
    assert client.get("/lapor/").headers["Content-Language"] == "id"


def test_the_admin_is_indonesian_for_an_english_browser():
    page = Client(**ENGLISH_BROWSER).get("/admin/login/").content.decode()
    assert "Kata sandi" in page


def test_the_api_still_answers_in_the_clients_language():
    english = Client(**ENGLISH_BROWSER).post("/api/v1/track/", {}, content_type="application/json")
    indonesian = Client().post("/api/v1/track/", {}, content_type="application/json")
    assert english.status_code == indonesian.status_code == 400
    assert english.headers["Content-Language"] == "en"
    assert indonesian.headers["Content-Language"] == "id"
    assert english.json()["message"] != indonesian.json()["message"]
    assert "Accept-Language" in english.headers["Vary"]


def test_a_page_varies_with_the_cookie_not_the_browser():
    vary = Client().get("/").headers["Vary"]
    assert "Cookie" in vary and "Accept-Language" not in vary


@pytest.mark.parametrize(
    ("path", "cookie", "accept", "expected"),
    [
        ("/", None, "en-US,en;q=0.9", "id"),
        ("/", "en", "", "en"),
        ("/", "xx", "en", "id"),  # an unknown choice is no choice
        ("/api/v1/track/", None, "en-GB", "en"),
        ("/api/v1/track/", None, "fr, en;q=0.5", "en"),
        ("/api/v1/track/", None, "", "id"),
        ("/api/v1/track/", "id", "en", "id"),  # the visitor's choice first
        ("/open311/v2/discovery.json", None, "en", "en"),
    ],
)
def test_request_language(path, cookie, accept, expected):
    assert request_language(path, cookie, accept) == expected


# --- Zone labels: data stays hijau/kuning/merah, the label follows the reader's language ---------


def render_zone(zone: str, language: str) -> str:
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override(language):
        return render_to_string("frontend/_zone.html", {"zone": zone, "score": None})


@pytest.mark.parametrize(
    ("zone", "indonesian", "english"),
    [("hijau", "hijau", "green"), ("kuning", "kuning", "yellow"), ("merah", "merah", "red")],
)
def test_zone_labels_are_translated_both_ways(zone, indonesian, english):
    in_indonesian = render_zone(zone, "id")
    in_english = render_zone(zone, "en")
    assert f"zone-{zone}" in in_indonesian and f"zone-{zone}" in in_english
    assert f">{indonesian}</span>" in in_indonesian
    assert f">{english}</span>" in in_english


def test_the_zone_hint_is_translated_on_the_transparency_page():
    client = Client()
    indonesian = client.get("/transparansi/").content.decode()
    english = client.get("/transparansi/", {"lang": "en"}).content.decode()
    assert "hijau ≥ 81, kuning 51–80,99, merah ≤ 50,99" in indonesian
    assert "green ≥ 81, yellow 51–80.99, red ≤ 50.99" in english
    assert "hijau" not in english
