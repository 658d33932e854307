"""The routing engine, table-tested without a database (docs/product.md §3 "Routing")."""

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
        "PARKIR-MOTOR": engine.ServiceRoute(
            "PARKIR-MOTOR", "Parkir tepi jalan umum: sepeda motor", "DISHUB"
        ),
        "KK": engine.ServiceRoute("KK", "Kartu Keluarga", "DUKCAPIL"),
        "SKTM": engine.ServiceRoute("SKTM", "Surat keterangan tidak mampu", None),
    },
    areas={
        "17.71.06.1006": engine.Area("17.71.06.1006", "Sawah Lebar", "17.71.06"),
        "17.71.01.1001": engine.Area("17.71.01.1001", "Pagar Dewa", "17.71.01"),
        "17.71.09.1001": engine.Area("17.71.09.1001", "Panorama", "17.71.09"),
    },
    kecamatan_offices={"17.71.06": "KEC-RATU-AGUNG", "17.71.01": "KEC-SELEBAR"},
    oversight=[
        engine.OversightRule(engine.WHEN_PUNGLI, engine.MODE_COPY, "INSPEKTORAT"),
        engine.OversightRule(engine.WHEN_INVOLVES_HEAD, engine.MODE_PRIMARY, "INSPEKTORAT"),
    ],
)

# Independent of the database and channel layer in use: `make test-services` leaves it out.
pytestmark = pytest.mark.embedded_only


@pytest.mark.parametrize(
    ("facts", "opd", "status", "oversight", "rule"),
    [
        # (1) a chosen service goes to its OPD
        (engine.Facts("delay", service="KK"), "DUKCAPIL", "assigned", (), "service"),
        # (1) a local service goes to the kecamatan office of the place
        (
            engine.Facts("other", service="SKTM", kelurahan="17.71.06.1006"),
            "KEC-RATU-AGUNG",
            "assigned",
            (),
            "service_location",
        ),
        (
            engine.Facts("other", service="SKTM", kelurahan="17.71.01.1001"),
            "KEC-SELEBAR",
            "assigned",
            (),
            "service_location",
        ),
        # a local service without a place falls through to the chosen office, else triage
        (engine.Facts("other", service="SKTM", opd="DISHUB"), "DISHUB", "assigned", (), "opd"),
        (engine.Facts("other", service="SKTM"), None, "triage", (), "none"),
        # a kelurahan whose kecamatan has no office on record: triage, never a guess
        (
            engine.Facts("other", service="SKTM", kelurahan="17.71.09.1001"),
            None,
            "triage",
            (),
            "none",
        ),
        # (2) the chosen office, when no service decides
        (engine.Facts("other", opd="DUKCAPIL"), "DUKCAPIL", "assigned", (), "opd"),
        # the service wins over a different chosen office
        (engine.Facts("delay", service="KK", opd="DISHUB"), "DUKCAPIL", "assigned", (), "service"),
        # unknown codes are ignored, not trusted
        (engine.Facts("other", service="NOPE", opd="NOPE"), None, "triage", (), "none"),
        # (4) nothing to go on: triage
        (engine.Facts("other", description="ada masalah"), None, "triage", (), "none"),
        # pungli: Inspektorat oversight copy, always
        (
            engine.Facts("pungli", service="PARKIR-MOTOR"),
            "DISHUB",
            "assigned",
            ("INSPEKTORAT",),
            "service",
        ),
        (engine.Facts("pungli"), None, "triage", ("INSPEKTORAT",), "none"),
        # involving the head of an OPD: Inspektorat primary, never that OPD
        (
            engine.Facts("delay", service="KK", involves_head=True),
            "INSPEKTORAT",
            "assigned",
            (),
            "involves_head",
        ),
        (
            engine.Facts("pungli", opd="DISHUB", involves_head=True),
            "INSPEKTORAT",
            "assigned",
            (),
            "involves_head",
        ),
    ],
)
def test_route(facts, opd, status, oversight, rule):
    decision = engine.route(facts, RULES)
    assert (decision.opd, decision.status, decision.oversight, decision.rule) == (
        opd,
        status,
        oversight,
        rule,
    )


def test_reason_names_the_service_and_the_office():
    decision = engine.route(engine.Facts("pungli", service="PARKIR-MOTOR"), RULES)
    assert decision.reason.startswith(
        "Layanan Parkir tepi jalan umum: sepeda motor → Dinas Perhubungan"
    )
    assert "Inspektorat Daerah" in decision.reason


def test_reason_for_a_local_service_names_the_kelurahan():
    decision = engine.route(engine.Facts("other", service="SKTM", kelurahan="17.71.06.1006"), RULES)
    assert (
        decision.reason
        == "Layanan Surat keterangan tidak mampu di Kel. Sawah Lebar → Kecamatan Ratu Agung"
    )


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


# --- Step 3: the words of the description ------------------------------------------------------

TEXT_RULES = engine.Rules(
    opds={
        **RULES.opds,
        "DLH": "Dinas Lingkungan Hidup",
        "DIKBUD": "Dinas Pendidikan dan Kebudayaan",
    },
    services=RULES.services,
    areas=RULES.areas,
    kecamatan_names={"17.71.06": "Ratu Agung", "17.71.01": "Selebar", "17.71.09": "Singaran Pati"},
    kecamatan_offices=RULES.kecamatan_offices,
    oversight=RULES.oversight,
    text_rules=[
        engine.TextRule(1, "keyword", ("jukir",), "jukir", 3.0, "DISHUB"),
        engine.TextRule(2, "keyword", ("karcis",), "karcis", 1.0, "DISHUB"),
        engine.TextRule(3, "keyword", ("ktp",), "KTP", 3.0, "DUKCAPIL"),
        engine.TextRule(4, "keyword", ("sampah",), "sampah", 3.0, "DLH"),
        engine.TextRule(5, "phrase", ("uang", "bangku"), "uang bangku", 3.0, "DIKBUD"),
        engine.TextRule(6, "stem", ("sekolah",), "sekolah", 1.0, "DIKBUD"),
        engine.TextRule(7, "keyword", ("sktm",), "SKTM", 3.0, "service:SKTM"),
        engine.TextRule(8, "keyword", ("lurah",), "lurah", 2.5, engine.LOCAL_OFFICE),
        engine.TextRule(9, "keyword", ("sim",), "SIM", 3.0, engine.OUTSIDE),
        engine.TextRule(10, "keyword", ("pasar",), "pasar", 1.0, "DLH", category="other"),
        engine.TextRule(11, "keyword", ("kantor",), "kantor", 0.5, "DUKCAPIL"),
    ],
)


def text_facts(category, words, weights=None, stems=None, **kwargs):
    words = tuple(words.split())
    return engine.Facts(
        category,
        words=words,
        stems=tuple(stems.split()) if stems else ("",) * len(words),
        weights=tuple(weights) if weights else (1.0,) * len(words),
        **kwargs,
    )


@pytest.mark.parametrize(
    ("facts", "opd", "status"),
    [
        (text_facts("pungli", "jukir minta 10rb tanpa karcis"), "DISHUB", "assigned"),
        (text_facts("delay", "ktp belum jadi"), "DUKCAPIL", "assigned"),
        (text_facts("pungli", "ada uang bangku di sd"), "DIKBUD", "assigned"),
        (text_facts("other", "anak masuk sekolah", stems="anak masuk sekolah"), None, "triage"),
        # a negated word counts for nothing
        (text_facts("other", "bukan jukir tapi sampah", weights=[1, 0, 1, 1]), "DLH", "assigned"),
        # a category condition: 'pasar' only counts for 'other'
        (text_facts("pungli", "pasar"), None, "triage"),
        # a local service, place chosen
        (
            text_facts("other", "sktm dipersulit", kelurahan="17.71.06.1006"),
            "KEC-RATU-AGUNG",
            "assigned",
        ),
        # a local service, place named in the text after a cue word
        (text_facts("other", "sktm di kelurahan pagar dewa"), "KEC-SELEBAR", "assigned"),
        (
            text_facts("pungli", "lurah di kecamatan ratu agung minta uang"),
            "KEC-RATU-AGUNG",
            "assigned",
        ),
        # a local office with no place: triage, never a guess
        (text_facts("pungli", "sktm minta uang"), None, "triage"),
        # not the city's matter
        (text_facts("pungli", "bikin sim bayar 500rb"), None, "triage"),
        # nothing matched
        (text_facts("other", "pelayanan jelek sekali"), None, "triage"),
        (text_facts("other", ""), None, "triage"),
        # a chosen office still wins over the words
        (text_facts("pungli", "jukir minta uang", opd="DUKCAPIL"), "DUKCAPIL", "assigned"),
    ],
)
def test_route_by_text(facts, opd, status):
    decision = engine.route(facts, TEXT_RULES)
    assert (decision.opd, decision.status) == (opd, status)


def test_text_decision_names_the_matched_words_and_the_office():
    decision = engine.route(text_facts("pungli", "jukir minta 10rb tanpa karcis"), TEXT_RULES)
    assert decision.rule == "text"
    assert decision.matched == ("jukir", "karcis")
    assert decision.reason.startswith("Kata 'jukir', 'karcis' → Dinas Perhubungan")
    assert decision.oversight == ("INSPEKTORAT",)
    assert decision.confidence == 1.0


def test_text_via_a_service_names_the_service():
    decision = engine.route(
        text_facts("other", "sktm susah", kelurahan="17.71.06.1006"), TEXT_RULES
    )
    assert decision.service == "SKTM"
    assert "layanan Surat keterangan tidak mampu" in decision.reason
    assert decision.reason.endswith("→ Kecamatan Ratu Agung")


def test_competing_words_lower_the_confidence():
    clear = engine.route(text_facts("other", "jukir"), TEXT_RULES)
    mixed = engine.route(text_facts("other", "jukir sampah karcis"), TEXT_RULES)
    assert clear.confidence == 1.0
    assert 0 < mixed.confidence < clear.confidence


def test_below_the_threshold_goes_to_triage_and_says_what_it_guessed():
    decision = engine.route(text_facts("other", "kantor"), TEXT_RULES)
    assert decision.status == "triage" and decision.opd is None
    assert "mungkin Dinas Kependudukan dan Pencatatan Sipil" in decision.reason
    assert 0 < decision.confidence < TEXT_RULES.threshold


def test_the_kecamatan_cue_word_is_not_evidence_of_a_local_office():
    rules = engine.Rules(
        opds=TEXT_RULES.opds,
        areas=TEXT_RULES.areas,
        kecamatan_names=TEXT_RULES.kecamatan_names,
        kecamatan_offices=TEXT_RULES.kecamatan_offices,
        text_rules=[
            engine.TextRule(1, "keyword", ("kecamatan",), "kecamatan", 2.0, engine.LOCAL_OFFICE),
            engine.TextRule(2, "keyword", ("sampah",), "sampah", 3.0, "DLH"),
        ],
    )
    decision = engine.route(text_facts("other", "sampah di kecamatan selebar"), rules)
    assert (decision.opd, decision.confidence) == ("DLH", 1.0)


def test_pungli_always_gets_the_inspektorat_copy_whatever_the_route():
    for words in ("jukir minta", "sim", "", "sktm minta uang", "kantor"):
        decision = engine.route(text_facts("pungli", words), TEXT_RULES)
        assert decision.oversight == ("INSPEKTORAT",), words
