"""The routing engine, table-tested without a database (PRODUCT.md §3 "Routing")."""

import pytest

from routing import engine

RULES = engine.Rules(
    opds={
        "DISHUB": "Dinas Perhubungan",
        "DUKCAPIL": "Dinas Kependudukan dan Pencatatan Sipil",
        "INSPEKTORAT": "Inspektorat Daerah",
        "KEC-RATU-AGUNG": "Kecamatan Ratu Agung",
        "KEC-SELEBAR": "Kecamatan Selebar",
    },
    services={
        "PARKIR-MOTOR": engine.ServiceRoute("PARKIR-MOTOR", "Parkir tepi jalan umum: sepeda motor", "DISHUB"),
        "KK": engine.ServiceRoute("KK", "Kartu Keluarga", "DUKCAPIL"),
        "SKTM": engine.ServiceRoute("SKTM", "Surat keterangan tidak mampu", None),
    },
    areas={
        "17.71.06.1006": engine.Area("17.71.06.1006", "Sawah Lebar", "17.71.06"),
        "17.71.01.1001": engine.Area("17.71.01.1001", "Pagar Dewa", "17.71.01"),
        "17.71.09.1001": engine.Area("17.71.09.1001", "Panorama", "17.71.09"),
    },
    kecamatan_offices={"17.71.06": "KEC-RATU-AGUNG", "17.71.01": "KEC-SELEBAR"},
    inspektorat="INSPEKTORAT",
)


@pytest.mark.parametrize(
    ("facts", "opd", "status", "oversight", "rule"),
    [
        # (1) a chosen service goes to its OPD
        (engine.Facts("delay", service="KK"), "DUKCAPIL", "assigned", (), "service"),
        # (1) a local service goes to the kecamatan office of the place
        (engine.Facts("other", service="SKTM", kelurahan="17.71.06.1006"), "KEC-RATU-AGUNG", "assigned", (), "service_location"),
        (engine.Facts("other", service="SKTM", kelurahan="17.71.01.1001"), "KEC-SELEBAR", "assigned", (), "service_location"),
        # a local service without a place falls through to the chosen office, else triage
        (engine.Facts("other", service="SKTM", opd="DISHUB"), "DISHUB", "assigned", (), "opd"),
        (engine.Facts("other", service="SKTM"), None, "triage", (), "none"),
        # a kelurahan whose kecamatan has no office on record: triage, never a guess
        (engine.Facts("other", service="SKTM", kelurahan="17.71.09.1001"), None, "triage", (), "none"),
        # (2) the chosen office, when no service decides
        (engine.Facts("other", opd="DUKCAPIL"), "DUKCAPIL", "assigned", (), "opd"),
        # the service wins over a different chosen office
        (engine.Facts("delay", service="KK", opd="DISHUB"), "DUKCAPIL", "assigned", (), "service"),
        # unknown codes are ignored, not trusted
        (engine.Facts("other", service="NOPE", opd="NOPE"), None, "triage", (), "none"),
        # (4) nothing to go on: triage
        (engine.Facts("other", description="ada masalah"), None, "triage", (), "none"),
        # pungli: Inspektorat oversight copy, always
        (engine.Facts("pungli", service="PARKIR-MOTOR"), "DISHUB", "assigned", ("INSPEKTORAT",), "service"),
        (engine.Facts("pungli"), None, "triage", ("INSPEKTORAT",), "none"),
        # involving the head of an OPD: Inspektorat primary, never that OPD
        (engine.Facts("delay", service="KK", involves_head=True), "INSPEKTORAT", "assigned", (), "involves_head"),
        (engine.Facts("pungli", opd="DISHUB", involves_head=True), "INSPEKTORAT", "assigned", (), "involves_head"),
    ],
)
def test_route(facts, opd, status, oversight, rule):
    decision = engine.route(facts, RULES)
    assert (decision.opd, decision.status, decision.oversight, decision.rule) == (opd, status, oversight, rule)


def test_reason_names_the_service_and_the_office():
    decision = engine.route(engine.Facts("pungli", service="PARKIR-MOTOR"), RULES)
    assert decision.reason.startswith("Layanan Parkir tepi jalan umum: sepeda motor → Dinas Perhubungan")
    assert "Inspektorat Daerah" in decision.reason


def test_reason_for_a_local_service_names_the_kelurahan():
    decision = engine.route(engine.Facts("other", service="SKTM", kelurahan="17.71.06.1006"), RULES)
    assert decision.reason == "Layanan Surat keterangan tidak mampu di Kel. Sawah Lebar → Kecamatan Ratu Agung"


def test_reason_when_the_head_is_involved_names_the_bypassed_office():
    decision = engine.route(engine.Facts("delay", service="KK", involves_head=True), RULES)
    assert "Dinas Kependudukan dan Pencatatan Sipil" in decision.reason
    assert "Inspektorat Daerah" in decision.reason


def test_confidence_is_full_for_a_service_and_zero_for_triage():
    assert engine.route(engine.Facts("other", service="KK"), RULES).confidence == 1.0
    assert engine.route(engine.Facts("other"), RULES).confidence == 0.0


def test_rules_are_read_only():
    with pytest.raises(TypeError):
        RULES.opds["NEW"] = "x"  # type: ignore[index]
