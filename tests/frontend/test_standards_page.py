"""``/standar/``: one table of every active service, grouped by office, with each figure's
basis and confidence, and a search that works without the page's script (``?q=``).

A row the search does not match is still sent but ``hidden`` (so the script can show it again
as one types); the count says how many are shown. A query over 100 characters is a 400 page in
the visitor's language that still lists every service.
"""

import re
from html import unescape

import pytest
from django.test import Client

from routing.models import Service

pytestmark = pytest.mark.usefixtures("directory")

ROW = re.compile(r'<tr id="([^"]+)" data-search="[^"]*"( hidden)?>(.*?)</tr>', re.S)


def page(query: dict | None = None, **headers):
    return Client().get("/standar/", query or {}, **headers)


def rows(html: str) -> dict[str, tuple[bool, str]]:
    """code -> (shown, the row's text without tags)."""
    found = {}
    for code, hidden, body in ROW.findall(html):
        text = " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())
        found[code] = (not hidden, text)
    return found


def shown(html: str) -> set[str]:
    return {code for code, (visible, _text) in rows(html).items() if visible}


def test_every_active_service_is_one_row_with_its_figures_and_links():
    Service.objects.filter(code="VISUM").update(is_active=False)
    response = page()
    assert response.status_code == 200
    html = response.content.decode()
    found = rows(html)
    active = Service.objects.filter(is_active=True)
    assert set(found) == {service.code for service in active}
    assert shown(html) == set(found)
    for service in active:
        assert f'href="/lapor/?service={service.code}"' in html
        assert f'href="/standar/{service.code}/poster/"' in html
    assert "29 dari 29 layanan" not in html  # VISUM is inactive
    assert "28 dari 28 layanan" in html


def test_a_figure_shows_its_basis_and_whether_it_was_verified():
    found = rows(page().content.decode())
    _shown, ktp = found["KTP-EL"]
    assert "Gratis" in ktp and "UU 24/2013 Pasal 79A" in ktp
    assert "1 jam (paling lama 24 jam bila ada gangguan)" in ktp
    assert "Permendagri 19/2018" in ktp
    assert "belum terverifikasi" in ktp.lower()
    assert "Laporan keterlambatan menghitungnya sebagai 1 hari kerja." in ktp
    _shown, trayek = found["IZIN-TRAYEK"]
    assert "3 hari kerja" in trayek and "Terverifikasi" in trayek
    assert "belum terverifikasi" not in trayek.lower()
    _shown, parking = found["PARKIR-MOTOR"]
    assert "Rp2.000" in parking and "Perda Kota Bengkulu 1/2024" in parking
    assert "karcis" in parking.lower()


def test_unknown_figures_read_not_known():
    found = rows(page().content.decode())
    _shown, kir = found["UJI-KIR"]
    # Neither the fee nor the time limit is known: said for each, and in the confidence column.
    assert kir.count("Belum diketahui") >= 3
    assert "Rp0" not in kir and "Gratis" not in kir
    _shown, kia = found["KIA"]
    assert "Gratis" in kia and "Belum diketahui" in kia


def test_rows_are_grouped_by_office_local_services_last():
    html = page().content.decode()
    offices = re.findall(r'<tr class="office-row"><th scope="rowgroup" colspan="5">([^<]+)<', html)
    assert offices[-1] == "Kantor kecamatan setempat"
    assert offices[:-1] == sorted(offices[:-1])
    local = html.index("Kantor kecamatan setempat")
    assert local < html.index('id="SKTM"') and local < html.index('id="SK-DOMISILI"')


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ktp", {"KTP-EL", "SURAT-PENGANTAR"}),  # its name says "KTP/KK/SKCK"
        ("  PARKIR   ", {"PARKIR-MOTOR", "PARKIR-MOBIL"}),
        ("parkir mobil", {"PARKIR-MOBIL"}),
        ("Akta", {"AKTA-LAHIR", "AKTA-MATI"}),
        ("perhubungan", {"PARKIR-MOTOR", "PARKIR-MOBIL", "UJI-KIR"}),
        ("permendagri 19/2018", {"KTP-EL", "KK", "AKTA-LAHIR", "AKTA-MATI", "PINDAH-DATANG"}),
    ],
)
def test_the_search_without_script(query, expected):
    response = page({"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert shown(html) == expected
    assert len(rows(html)) == Service.objects.filter(is_active=True).count()
    assert f"{len(expected)} dari {len(rows(html))} layanan" in html
    assert 'id="standards-empty" class="empty" hidden' in html
    assert f'value="{query.strip()}"' in html


def test_a_search_that_matches_nothing_says_so():
    html = page({"q": "helikopter"}).content.decode()
    assert shown(html) == set()
    assert "0 dari" in html
    assert 'id="standards-empty" class="empty">' in html
    # An office with no row shown is hidden with its rows.
    assert "<tbody data-group>" not in html


def test_a_too_long_search_is_a_400_in_the_visitors_language():
    response = page({"q": "x" * 101})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cari paling banyak 100 karakter." in html
    assert shown(html) == set(rows(html))  # the table is still there, whole
    english = page({"q": "x" * 101, "lang": "en"}).content.decode()
    assert "Search for at most 100 characters." in english


def test_the_directory_api_gives_the_bases_too(api_client):
    services = {row["code"]: row for row in api_client.get("/api/v1/directory/services/").json()}
    ktp = services["KTP-EL"]
    assert ktp["time_limit"] == 1 and ktp["time_confirmed"] is False
    assert ktp["time_as_written"] == "1 jam (paling lama 24 jam bila ada gangguan)"
    assert ktp["time_basis"].startswith("Permendagri 19/2018")
    assert "Pasal 79A" in ktp["fee_basis"]
    assert services["UJI-KIR"]["fee_rupiah"] is None
    assert services["UJI-KIR"]["time_basis"] == ""
