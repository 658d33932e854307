"""The public directory (``GET /api/v1/directory/...``): services with their official standards,
the 40 OPDs and the 9 kecamatan with their 67 kelurahan, under the codes of the city's data."""

import pytest

pytestmark = pytest.mark.usefixtures("directory")


def get_list(client, path: str) -> list[dict]:
    response = client.get(f"/api/v1/directory/{path}/")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_services_show_their_official_fee_and_its_basis(api_client):
    services = {row["code"]: row for row in get_list(api_client, "services")}

    parkir = services["PARKIR-MOTOR"]
    assert parkir["fee_rupiah"] == 2000
    assert parkir["fee_confirmed"] is True
    assert parkir["requires_karcis"] is True
    assert parkir["legal_basis"].startswith("Perda Kota Bengkulu 1/2024")
    assert parkir["opd"] == "DISHUB"
    assert parkir["opd_name"] == "Dinas Perhubungan"
    assert parkir["location_based"] is False


def test_a_kelurahan_service_belongs_to_no_single_opd(api_client):
    services = {row["code"]: row for row in get_list(api_client, "services")}

    sktm = services["SKTM"]
    assert sktm["location_based"] is True
    assert sktm["opd"] is None
    assert sktm["opd_name"] is None


def test_an_unknown_fee_is_not_presented_as_confirmed(api_client):
    services = get_list(api_client, "services")

    assert services
    for row in services:
        if row["fee_rupiah"] is None:
            assert row["fee_confirmed"] is False, row["code"]


def test_the_40_opds(api_client):
    opds = {row["code"]: row for row in get_list(api_client, "opds")}

    assert len(opds) == 40
    assert opds["DISHUB"]["name"] == "Dinas Perhubungan"
    assert opds["INSPEKTORAT"]["kecamatan"] is None
    assert opds["KEC-RATU-AGUNG"]["kecamatan"] == "17.71.06"


def test_the_areas_keep_their_official_codes(api_client):
    areas = {row["code"]: row for row in get_list(api_client, "areas")}

    assert len(areas) == 9
    assert sum(len(row["kelurahan"]) for row in areas.values()) == 67
    ratu_agung = areas["17.71.06"]
    assert ratu_agung["name"] == "Ratu Agung"
    kelurahan = {row["code"]: row["name"] for row in ratu_agung["kelurahan"]}
    assert kelurahan["17.71.06.1006"] == "Sawah Lebar"
    for kecamatan in areas.values():
        for row in kecamatan["kelurahan"]:
            assert row["code"].startswith(kecamatan["code"] + "."), row


@pytest.mark.parametrize("path", ["services", "opds", "areas"])
def test_the_directory_is_read_only(api_client, path):
    response = api_client.post(f"/api/v1/directory/{path}/", {"code": "X"}, format="json")

    assert response.status_code == 405
