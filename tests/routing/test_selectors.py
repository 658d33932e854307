"""``routing.selectors``: the admin's rows as the engine's read-only rules, and the facts of a text.

The ``directory`` fixture loads the Kota Bengkulu directory and the default rules; each test
changes rows inside its own transaction and reads the rules again.
"""

import pytest

from routing import engine
from routing.models import Opd, OversightRule, Service, TextRule
from routing.selectors import routing_facts, routing_rules

pytestmark = pytest.mark.usefixtures("directory")


def route(text: str, category: str = "other", **facts) -> engine.Decision:
    built, _analysis = routing_facts(category=category, description=text, **facts)
    return engine.route(built, routing_rules())


def rule_ids(rules: engine.Rules) -> set[int]:
    return {rule.id for rule in rules.text_rules}


def test_the_default_rules_are_all_read():
    rules = routing_rules()
    assert len(rules.text_rules) == TextRule.objects.filter(is_active=True).count() > 100
    assert rules.opds["DISHUB"] == Opd.objects.get(code="DISHUB").name
    assert rules.services["PARKIR-MOTOR"].opd == "DISHUB"
    assert rules.services["SKTM"].opd is None  # a local service
    assert rules.areas["17.71.06.1006"].kecamatan == "17.71.06"
    assert rules.kecamatan_offices["17.71.06"] == "KEC-RATU-AGUNG"
    assert rules.kecamatan_names["17.71.06"] == "Ratu Agung"


def test_a_text_rule_is_read_with_its_analysed_pattern_and_target():
    row = TextRule.objects.get(kind="keyword", pattern="jukir", target="opd")
    rule = next(rule for rule in routing_rules().text_rules if rule.id == row.pk)
    assert (rule.kind, rule.terms, rule.label, rule.target) == (
        "keyword",
        ("jukir",),
        "jukir",
        "DISHUB",
    )
    assert rule.weight == row.weight


def test_the_threshold_comes_from_the_settings(settings):
    settings.PORTAL_ROUTING_THRESHOLD = 0.77
    assert routing_rules().threshold == 0.77


def test_an_inactive_rule_is_left_out():
    row = TextRule.objects.get(kind="keyword", pattern="jukir", target="opd")
    assert row.pk in rule_ids(routing_rules())
    TextRule.objects.filter(pk=row.pk).update(is_active=False)
    assert row.pk not in rule_ids(routing_rules())


def test_the_rules_of_an_inactive_opd_are_left_out():
    dishub = Opd.objects.get(code="DISHUB")
    dishub_rules = set(TextRule.objects.filter(opd=dishub).values_list("pk", flat=True))
    assert dishub_rules <= rule_ids(routing_rules())
    assert route("jukir minta uang tanpa karcis").opd == "DISHUB"

    Opd.objects.filter(pk=dishub.pk).update(is_active=False)
    rules = routing_rules()
    assert not dishub_rules & rule_ids(rules)
    assert "DISHUB" not in rules.opds
    decision = route("jukir minta uang tanpa karcis")
    assert decision.opd != "DISHUB"


def test_the_rules_of_an_inactive_service_are_left_out():
    sktm_rules = set(TextRule.objects.filter(service__code="SKTM").values_list("pk", flat=True))
    assert sktm_rules and sktm_rules <= rule_ids(routing_rules())
    Service.objects.filter(code="SKTM").update(is_active=False)
    rules = routing_rules()
    assert not sktm_rules & rule_ids(rules)
    assert "SKTM" not in rules.services


def test_a_rule_pointing_to_a_service_routes_like_the_service():
    TextRule.objects.create(
        kind="keyword",
        pattern="zorglub",
        target="service",
        weight=3,
        service=Service.objects.get(code="KK"),
    )
    decision = route("zorglub")
    assert (decision.opd, decision.service, decision.rule) == ("DUKCAPIL", "KK", "text")
    assert "Kartu Keluarga" in decision.reason


def test_a_rule_pointing_to_a_local_service_goes_to_the_office_of_the_place():
    decision = route("urus SKTM dipersulit", kelurahan="17.71.06.1006")
    assert (decision.opd, decision.service) == ("KEC-RATU-AGUNG", "SKTM")
    # Without a place, nobody can tell which kecamatan office: triage.
    assert route("urus SKTM dipersulit").status == engine.TRIAGE


def test_a_new_rule_takes_effect_on_the_next_read():
    assert route("zorglub").status == engine.TRIAGE
    TextRule.objects.create(
        kind="keyword", pattern="zorglub", target="opd", opd=Opd.objects.get(code="DLH"), weight=3
    )
    assert route("zorglub").opd == "DLH"


def test_oversight_rules_come_from_the_table():
    rules = routing_rules()
    assert engine.OversightRule("pungli", "copy", "INSPEKTORAT") in rules.oversight
    assert engine.OversightRule("involves_head", "primary", "INSPEKTORAT") in rules.oversight
    assert route("jukir minta uang", category="pungli").oversight == ("INSPEKTORAT",)


def test_deactivating_the_pungli_copy_rule_stops_the_copy():
    OversightRule.objects.filter(when="pungli", mode="copy").update(is_active=False)
    decision = route("jukir minta uang", category="pungli")
    assert decision.opd == "DISHUB"
    assert decision.oversight == ()
    assert "INSPEKTORAT" not in {
        rule.opd for rule in routing_rules().oversight if rule.when == "pungli"
    }


def test_an_oversight_rule_of_an_inactive_opd_is_left_out():
    Opd.objects.filter(code="INSPEKTORAT").update(is_active=False)
    assert routing_rules().oversight == ()


def test_another_copy_rule_adds_a_copy():
    OversightRule.objects.create(when="pungli", mode="copy", opd=Opd.objects.get(code="SETDA"))
    decision = route("jukir minta uang", category="pungli")
    assert set(decision.oversight) == {"INSPEKTORAT", "SETDA"}


def test_routing_facts_carry_the_analysed_description():
    facts, analysis = routing_facts(
        category="pungli",
        description="Jukir minta 10rb",
        service="PARKIR-MOTOR",
        opd="DISHUB",
        kelurahan="17.71.06.1006",
        involves_head=True,
    )
    assert facts.words == analysis.words == ("jukir", "minta", "10rb")
    assert facts.stems == analysis.stems
    assert facts.weights == analysis.weights
    assert analysis.amounts == (10000,)
    assert (facts.category, facts.service, facts.opd, facts.kelurahan, facts.involves_head) == (
        "pungli",
        "PARKIR-MOTOR",
        "DISHUB",
        "17.71.06.1006",
        True,
    )


def test_the_benchmark_builds_the_same_rules_from_the_fixture_files(settings):
    """``tests/bench/bench_routing.py`` measures rules built without a database; they must route
    every labelled case exactly as the rules read from the freshly loaded tables."""
    from routing.evaluation import case_decide, cases_read
    from tests.bench.bench_routing import LABELLED, rules_from_files

    from_files = rules_from_files(settings.PORTAL_ROUTING_THRESHOLD)
    from_tables = routing_rules()
    assert len(from_files.text_rules) == len(from_tables.text_rules)
    assert set(from_files.oversight) == set(from_tables.oversight)
    for case in cases_read(LABELLED):
        decided = case_decide(case, from_files)
        expected = case_decide(case, from_tables)
        assert (decided.opd, decided.oversight, decided.confidence, decided.reason) == (
            expected.opd,
            expected.oversight,
            expected.confidence,
            expected.reason,
        ), case.id


def _installed_before_the_retirements():
    """The rule table as an installation seeded before this release has it: the retired
    defaults active, their corrections absent."""
    from routing.directory import DEFAULT_RULES, directory_read

    data = directory_read(DEFAULT_RULES)
    for row in data["retired_text"]:
        TextRule.objects.filter(kind=row["kind"], pattern=row["pattern"]).delete()
        TextRule.objects.create(
            kind=row["kind"],
            pattern=row["pattern"],
            target="opd",
            opd=Opd.objects.get(code=row["opd"]),
            weight=row["weight"],
        )
    return data


def office_by_rules(text: str) -> str | None:
    """The office the rules alone pick (the learned model already knows where lights go)."""
    built, _analysis = routing_facts(category="delay", description=text)
    return engine.route(built, routing_rules().with_model(None)).opd


def test_an_update_switches_off_the_retired_defaults_and_adds_their_corrections():
    from routing.directory import rules_load

    data = _installed_before_the_retirements()
    assert office_by_rules("lampu jalan di gang kami mati sebulan") == "PUPR"
    assert office_by_rules("pegawainya baru datang jam 9, warga sudah antre dari pagi") == "BKPSDM"

    kept = rules_load(data=data)  # without --update the admin's table is left as it is
    assert (kept.created, kept.updated) == (0, 0)
    assert office_by_rules("lampu jalan di gang kami mati sebulan") == "PUPR"

    report = rules_load(data=data, update=True)
    assert (report.created, report.updated) == (2, 3)
    assert office_by_rules("lampu jalan di gang kami mati sebulan") == "DISHUB"
    assert office_by_rules("pju depan sd mati") == "DISHUB"
    assert not TextRule.objects.filter(opd__code="PUPR", pattern="lampu jalan", is_active=True)
    # a bare "pegawai" is some office's staff: the coordinator's, not the personnel agency's
    assert office_by_rules("pegawainya baru datang jam 9, warga sudah antre dari pagi") is None

    again = rules_load(data=data, update=True)
    assert (again.created, again.updated) == (0, 0)


def test_an_admin_s_own_rule_like_a_retired_one_but_for_a_kind_of_complaint_stays():
    from routing.directory import rules_load

    data = _installed_before_the_retirements()
    own = TextRule.objects.create(
        kind="phrase",
        pattern="lampu jalan",
        target="opd",
        opd=Opd.objects.get(code="PUPR"),
        weight=2.0,
        category="delay",
    )
    rules_load(data=data, update=True)
    own.refresh_from_db()
    assert own.is_active
