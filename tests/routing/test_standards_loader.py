"""The service standards in the directory (routing/data/kota_bengkulu.json, ``load_directory``).

Every known fee and time limit carries the rule it rests on; a figure no rule gives stays
``None`` (never 0, never a guess); whether the rule was read in its own text is kept apart
(``fee_confirmed``, ``time_confirmed``); loading twice changes nothing.
"""

import json

import pytest

from routing.directory import DEFAULT_FIXTURE, directory_load, directory_read
from routing.models import Service

pytestmark = pytest.mark.usefixtures("directory")

NATIONAL = DEFAULT_FIXTURE.parent / "national_standards.json"
ADMINDUK_WITH_HOURS = ("KTP-EL", "KK", "AKTA-LAHIR", "AKTA-MATI", "PINDAH-DATANG")


def fixture_services() -> list[dict]:
    return directory_read()["services"]


def research() -> dict:
    return json.loads(NATIONAL.read_text(encoding="utf-8"))["services"]


@pytest.mark.parametrize("row", fixture_services(), ids=lambda row: row["code"])
def test_every_known_figure_comes_with_its_basis(row):
    service = Service.objects.get(code=row["code"])
    if service.fee_rupiah is not None:
        assert service.fee_basis.strip(), "a fee without the rule it rests on"
    if service.time_limit is not None:
        assert service.time_basis.strip(), "a time limit without the rule it rests on"
        assert service.time_unit in Service.TimeUnit.values
    else:
        assert service.time_unit == "" and service.time_as_written == ""
        assert service.time_confirmed is False
    if service.fee_rupiah is None:
        assert service.fee_confirmed is False
    assert service.legal_basis.strip()


@pytest.mark.parametrize("code", sorted(research()))
def test_the_directory_holds_the_researched_figures(code):
    """The research file is the source: same figures, confirmed only where it says so."""
    found = research()[code]
    service = Service.objects.get(code=code)
    assert service.fee_rupiah == found["fee_rupiah"]
    assert service.time_limit == found["time_limit"]
    assert service.time_unit == (found["time_unit"] or "")
    assert service.fee_confirmed == (
        found["fee_rupiah"] is not None and found["fee_confidence"] == "confirmed"
    )
    assert service.time_confirmed == (
        found["time_limit"] is not None and found["time_confidence"] == "confirmed"
    )


@pytest.mark.parametrize("code", ADMINDUK_WITH_HOURS)
def test_a_rule_in_hours_keeps_its_words_and_loads_as_one_working_day(code):
    service = Service.objects.get(code=code)
    assert service.time_as_written == "1 jam (paling lama 24 jam bila ada gangguan)"
    assert (service.time_limit, service.time_unit) == (1, "working_days")
    assert service.time_basis.startswith("Permendagri 19/2018")
    assert service.time_confirmed is False  # the regulation's text was not read
    assert service.fee_rupiah == 0 and service.fee_confirmed is True
    assert "Pasal 79A" in service.fee_basis


def test_unknown_stays_unknown():
    assert Service.objects.get(code="UJI-KIR").fee_rupiah is None
    assert Service.objects.get(code="RETRIBUSI-PASAR").fee_rupiah is None
    assert Service.objects.get(code="KIA").time_limit is None
    # The old placeholder of one working day (borrowed from another city) is gone.
    for code in ("SURAT-PENGANTAR", "SKTM", "SK-DOMISILI"):
        assert Service.objects.get(code=code).time_limit is None, code
    # More services are judged than before, and the rest say so.
    assert Service.objects.filter(time_limit__isnull=False).count() == 7


def test_reloading_changes_nothing():
    before = list(Service.objects.order_by("code").values())
    again = directory_load(data=directory_read())
    assert (again.created, again.updated) == (0, 0)
    forced = directory_load(data=directory_read(), update=True)
    assert (forced.created, forced.updated) == (0, 0)
    after = list(Service.objects.order_by("code").values())
    assert [dict(row, updated_at=None) for row in after] == [
        dict(row, updated_at=None) for row in before
    ]


def test_an_admins_edit_survives_a_reload_unless_update_is_asked():
    Service.objects.filter(code="KIA").update(
        time_limit=3, time_unit="working_days", time_basis="SK Kepala Dinas 2026"
    )
    directory_load(data=directory_read())
    assert Service.objects.get(code="KIA").time_limit == 3
    report = directory_load(data=directory_read(), update=True)
    assert report.updated == 1
    kia = Service.objects.get(code="KIA")
    assert (kia.time_limit, kia.time_unit, kia.time_basis) == (None, "", "")


def test_a_directory_without_bases_still_loads():
    """Another city's directory, written before the bases existed: its bases are empty."""
    data = directory_read()
    row = dict(data["services"][0], code="LAYANAN-LAMA", name="Layanan lama")
    for key in ("fee_basis", "time_basis", "time_as_written"):
        row.pop(key)
    directory_load(data={**data, "services": [row]})
    old = Service.objects.get(code="LAYANAN-LAMA")
    assert (old.fee_basis, old.time_basis, old.time_as_written) == ("", "", "")


@pytest.mark.parametrize(
    ("fee", "fee_ok", "limit", "limit_ok", "expected"),
    [
        (0, True, 1, True, "confirmed"),
        (0, True, 1, False, "unconfirmed"),
        (0, False, None, False, "unconfirmed"),
        (2000, True, None, False, "confirmed"),
        (None, False, 28, True, "confirmed"),
        (None, False, None, False, "unknown"),
    ],
)
def test_the_standards_confidence_is_the_weaker_of_its_figures(
    fee, fee_ok, limit, limit_ok, expected
):
    service = Service(
        fee_rupiah=fee, fee_confirmed=fee_ok, time_limit=limit, time_confirmed=limit_ok
    )
    assert service.standard_confidence == expected
