"""The city's identity (frontend.identity): name, crest and colours from settings reach the
header, the titles, the footer, the admin, the posters, the theme and the favicons."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from PIL import Image

from frontend.identity import TEXT_CONTRAST, contrast, palette

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_city(tmp_path):
    """Another city: its own name, a crest file outside the repository, and a red."""
    crest = tmp_path / "crest.png"
    Image.new("RGBA", (120, 160), (200, 30, 30, 255)).save(crest)
    with override_settings(
        PORTAL_CITY_NAME="Kabupaten Contoh",
        PORTAL_CITY_GOVERNMENT="",
        PORTAL_CITY_CREST=str(crest),
        PORTAL_CITY_COLOURS=["#a01010", "#1040a0"],
    ):
        yield crest


def test_kota_bengkulu_by_default():
    page = Client().get("/").content.decode()
    assert "<title>Lapor Pungli · Kota Bengkulu</title>" in page
    assert "Pemerintah Kota Bengkulu" in page  # header and footer
    assert '<meta name="theme-color" content="#0b5d3b">' in page
    crest = Client().get("/identitas/lambang")
    assert crest.status_code == 200 and crest["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(crest.content)).size == (266, 320)


def test_another_city_by_settings_alone(other_city):
    client = Client()
    page = client.get("/").content.decode()
    assert "· Kabupaten Contoh</title>" in page
    assert page.count("Pemerintah Kabupaten Contoh") >= 2  # header and footer
    assert "Kota Bengkulu" not in page  # the home page's text names the city too
    assert '<meta name="theme-color" content="#a01010">' in page

    crest = client.get("/identitas/lambang")
    assert crest.content == other_city.read_bytes()

    theme = client.get("/identitas/tema.css").content.decode()
    assert "--city-primary: #a01010;" in theme and "--city-accent: #1040a0;" in theme


def test_the_english_page_names_the_government_in_english(other_city):
    page = Client().get("/", {"lang": "en"}).content.decode()
    assert "Government of Kabupaten Contoh" in page


def test_favicon_links_and_files(other_city):
    client = Client()
    page = client.get("/").content.decode()
    for link in (
        'href="/favicon.ico?v=',
        'href="/ikon-32.png?v=',
        'href="/apple-touch-icon.png?v=',
    ):
        assert link in page
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico["Content-Type"] == "image/x-icon"
    assert set(Image.open(io.BytesIO(ico.content)).info["sizes"]) >= {(16, 16), (32, 32)}
    for url, size in (("/ikon-32.png", 32), ("/ikon-192.png", 192), ("/apple-touch-icon.png", 180)):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        icon = Image.open(io.BytesIO(response.content)).convert("RGBA")
        assert icon.size == (size, size)
        # Drawn from this city's crest: its red is in the middle.
        assert icon.getpixel((size // 2, size // 2))[:3] == (200, 30, 30)
    assert client.get("/ikon-33.png").status_code == 404


def test_the_icons_change_address_when_the_crest_changes(other_city):
    with override_settings(PORTAL_CITY_CREST="frontend/identity/lambang-kota-bengkulu.png"):
        with_default = Client().get("/").content.decode()
    with_other = Client().get("/").content.decode()

    def version(page):
        return page.split('href="/favicon.ico?v=', 1)[1].split('"', 1)[0]

    assert version(with_default) != version(with_other)


def test_an_svg_crest_is_the_icon(tmp_path):
    crest = tmp_path / "crest.svg"
    crest.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"></svg>')
    with override_settings(PORTAL_CITY_CREST=str(crest)):
        page = Client().get("/").content.decode()
        served = Client().get("/identitas/lambang")
        assert Client().get("/ikon-32.png").status_code == 404
    assert 'type="image/svg+xml"' in page and "/favicon.ico" not in page
    assert served["Content-Type"] == "image/svg+xml"
    # Opened on its own, an SVG could run script: never as a document.
    assert "sandbox" in served["Content-Security-Policy"]


def test_a_missing_crest_is_a_404_not_a_500():
    with override_settings(PORTAL_CITY_CREST="frontend/identity/none-such.png"):
        assert Client().get("/identitas/lambang").status_code == 404
        assert Client().get("/favicon.ico").status_code == 404


def test_the_admin_names_the_city(other_city):
    client = Client()
    login = client.get("/admin/login/").content.decode()
    assert "Lapor Pungli · Kabupaten Contoh" in login
    assert "Django" not in login.split("<body", 1)[1].split("</header>", 1)[0]
    assert "/identitas/lambang?v=" in login and "/identitas/tema.css?v=" in login
    assert "/favicon.ico?v=" in login

    admin = get_user_model().objects.create_superuser("root", password="x-long-password-1")
    client.force_login(admin)
    index = client.get("/admin/").content.decode()
    assert "<title>Administrasi portal | Lapor Pungli Kabupaten Contoh</title>" in index
    assert "Administrasi Django" not in index


def test_the_poster_names_the_city_in_indonesian(other_city):
    client = Client()
    poster = client.get("/standar/PARKIR-MOTOR/poster/", {"lang": "en"}).content.decode()
    assert "Pemerintah Kabupaten Contoh" in poster  # the poster itself stays Indonesian
    assert "/identitas/lambang?v=" in poster and "/identitas/tema.css?v=" in poster
    assert 'class="control primary" id="print"' in poster
    assert ">Print</button>" in poster  # the screen's controls follow the reader


@pytest.mark.parametrize("colour", ["#0b5d3b", "#f2c230", "#ffffff", "#1a73e8", "#c00000", "#777"])
def test_any_city_colour_gives_readable_text(colour):
    theme = palette(colour, "#000000")
    assert contrast(theme.primary, "#ffffff") >= TEXT_CONTRAST
    assert contrast(theme.primary, theme.primary_soft) >= TEXT_CONTRAST
    assert contrast(theme.primary_dark, theme.primary_soft) >= TEXT_CONTRAST


def test_a_dark_enough_colour_is_kept_as_it_is():
    assert palette("#0b5d3b", "#f2c230").primary == "#0b5d3b"
