"""Routing quality on the labelled set, the ``Report`` arithmetic and ``manage.py routing_eval``.

The labelled set (``tests/routing/data/labelled_complaints.jsonl``) is split in two halves; the
default rules were tuned on the ``dev`` half only, so the ``test`` half measures them honestly.
docs/product.md §3: a pungli complaint always gives the Inspektorat an oversight copy (or the
Inspektorat handles it).
"""

import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from routing.evaluation import TRIAGE, Case, Report, case_decide, cases_read, evaluate, report_lines
from routing.models import Opd, RoutingFeedback
from routing.selectors import routing_rules

LABELLED = Path(__file__).parent / "data" / "labelled_complaints.jsonl"
MIN_TEST_ACCURACY = 0.90


# --- The labelled set ----------------------------------------------------------------------------


def test_the_labelled_set_has_two_halves_of_known_labels():
    cases = cases_read(LABELLED)
    splits = Counter(case.split for case in cases)
    assert set(splits) == {"dev", "test"}
    assert splits["test"] >= 100
    assert len({case.id for case in cases}) == len(cases)
    assert {case.category for case in cases} <= {"pungli", "delay", "other"}


def test_reading_one_half_returns_only_that_half():
    test_half = cases_read(LABELLED, "test")
    assert test_half and {case.split for case in test_half} == {"test"}
    assert len(test_half) + len(cases_read(LABELLED, "dev")) == len(cases_read(LABELLED))


@pytest.mark.django_db
def test_labels_are_offices_of_the_directory_or_triage(directory):
    codes = set(Opd.objects.values_list("code", flat=True)) | {TRIAGE}
    assert {case.expected for case in cases_read(LABELLED)} <= codes


@pytest.mark.django_db
def test_top1_accuracy_on_the_held_out_half_is_at_least_90_percent(directory):
    report = evaluate(cases_read(LABELLED, "test"), routing_rules())
    lines = report_lines(report, title="test half", show_mistakes=report.mistakes)
    assert report.total >= 100
    assert report.accuracy >= MIN_TEST_ACCURACY, "\n" + "\n".join(lines)


@pytest.mark.django_db
def test_every_pungli_case_gives_the_inspektorat_a_copy(directory):
    rules = routing_rules()
    pungli = [case for case in cases_read(LABELLED) if case.category == "pungli"]
    assert len(pungli) >= 50
    missing = []
    for case in pungli:
        decision = case_decide(case, rules)
        if "INSPEKTORAT" not in decision.oversight and decision.opd != "INSPEKTORAT":
            missing.append(f"{case.id} → {decision.opd}: {decision.reason}")
    assert not missing, "pungli without the Inspektorat:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_a_case_involving_the_head_goes_to_the_inspektorat(directory):
    case = Case(
        id="x",
        category="delay",
        text="KTP saya ditahan kepala dinas",
        expected="INSPEKTORAT",
        involves_head=True,
    )
    assert case_decide(case, routing_rules()).opd == "INSPEKTORAT"


# --- Report arithmetic ---------------------------------------------------------------------------


def hand_made_report() -> Report:
    """Six cases: 4 right (2 DISHUB, 1 DLH, 1 triage), DLH sent to DISHUB, DUKCAPIL to triage."""
    rules_said = [
        ("DISHUB", "DISHUB"),
        ("DISHUB", "DISHUB"),
        ("DLH", "DLH"),
        ("DLH", "DISHUB"),
        ("DUKCAPIL", TRIAGE),
        (TRIAGE, TRIAGE),
    ]
    report = Report()
    for expected, predicted in rules_said:
        report.total += 1
        report.correct += expected == predicted
        report.triaged += predicted == TRIAGE
        report.pairs[(expected, predicted)] += 1
    return report


def test_report_accuracy_and_triage_rate():
    report = hand_made_report()
    assert report.accuracy == pytest.approx(4 / 6)
    assert report.triage_rate == pytest.approx(2 / 6)


def test_report_precision_recall_and_support_per_label():
    per_label = hand_made_report().per_label()
    assert per_label["DISHUB"] == pytest.approx((2 / 3, 1.0, 2))
    assert per_label["DLH"] == pytest.approx((1.0, 0.5, 2))
    assert per_label["DUKCAPIL"] == pytest.approx((0.0, 0.0, 1))
    assert per_label[TRIAGE] == pytest.approx((0.5, 1.0, 1))


def test_report_confusions_list_only_mistakes_most_frequent_first():
    report = hand_made_report()
    report.pairs[("DLH", "DISHUB")] += 2
    assert report.confusions() == [(("DLH", "DISHUB"), 3), (("DUKCAPIL", TRIAGE), 1)]


def test_an_empty_report_is_zero_not_an_error():
    report = Report()
    assert (report.accuracy, report.triage_rate, report.per_label(), report.confusions()) == (
        0.0,
        0.0,
        {},
        [],
    )
    assert report_lines(report, title="nothing")[0] == "nothing: 0 cases"


def test_report_lines_name_every_figure():
    text = "\n".join(report_lines(hand_made_report(), title="hand made"))
    assert "hand made: 6 cases" in text
    assert "top-1 accuracy" in text and "66.7%" in text
    assert "triage rate" in text and "33.3%" in text
    assert "DLH → DISHUB: 1" in text


@pytest.mark.django_db
def test_evaluate_counts_right_wrong_and_triage(directory):
    cases = [
        Case(id="a", category="pungli", text="jukir minta 10rb tanpa karcis", expected="DISHUB"),
        Case(id="b", category="other", text="jukir minta 10rb tanpa karcis", expected="DLH"),
        Case(id="c", category="other", text="pelayanan jelek", expected=TRIAGE),
    ]
    report = evaluate(cases, routing_rules())
    assert (report.total, report.correct, report.triaged) == (3, 2, 1)
    assert [case.id for case, _decision in report.mistakes] == ["b"]
    assert report.pairs[("DLH", "DISHUB")] == 1


@pytest.mark.django_db
def test_evaluate_reports_accuracy_per_kind_of_difficulty(directory):
    text = "jukir minta 10rb tanpa karcis"
    cases = [
        Case(id="a", category="pungli", text=text, expected="DISHUB", kind="actor"),
        Case(id="b", category="other", text=text, expected="DLH", kind="actor"),
        Case(id="c", category="pungli", text=text, expected="DISHUB", kind="dialect"),
        Case(id="d", category="pungli", text=text, expected="DISHUB"),  # the plain set: no kind
    ]
    report = evaluate(cases, routing_rules())
    assert report.kinds == {("actor", True): 1, ("actor", False): 1, ("dialect", True): 1}
    lines = report_lines(report, title="kinds")
    assert "  kind actor                 50.0%  (1/2)" in lines
    assert "  kind dialect              100.0%  (1/1)" in lines


# --- manage.py routing_eval ----------------------------------------------------------------------


def run_routing_eval(*args) -> str:
    out = StringIO()
    call_command("routing_eval", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_routing_eval_prints_the_figures_of_the_labelled_set(directory):
    output = run_routing_eval("--split", "test")
    assert "(test half)" in output
    assert "top-1 accuracy" in output
    assert "triage rate" in output
    assert "per OPD" in output
    report = evaluate(cases_read(LABELLED, "test"), routing_rules())
    assert f"({report.correct}/{report.total})" in output
    # The confusion section is there exactly when some case was routed wrong.
    assert ("confusion pairs (expected → predicted)" in output) == bool(report.mistakes)


@pytest.mark.django_db
def test_routing_eval_shows_confusions_when_there_are_mistakes(directory):
    RoutingFeedback.objects.create(
        category="other",
        description="jukir minta 10rb tanpa karcis",
        new_opd=Opd.objects.get(code="DLH"),
        source=RoutingFeedback.Source.REASSIGN,
    )
    output = run_routing_eval("--file", "/nonexistent/labelled.jsonl")
    assert "confusion pairs (expected → predicted)" in output
    assert "DLH → DISHUB: 1" in output


@pytest.mark.django_db
def test_routing_eval_lists_mistakes_when_asked(directory):
    output = run_routing_eval("--split", "test", "--mistakes")
    assert "✗ " in output


@pytest.mark.django_db
def test_routing_eval_measures_the_recorded_reroutes(directory):
    before = run_routing_eval("--split", "dev")
    assert "Recorded reroutes: 0 cases" in before
    RoutingFeedback.objects.create(
        category="other",
        description="sampah menumpuk di pinggir jalan tidak diangkut",
        old_opd=Opd.objects.get(code="DISHUB"),
        new_opd=Opd.objects.get(code="DLH"),
        source=RoutingFeedback.Source.REASSIGN,
    )
    after = run_routing_eval("--split", "dev")
    assert "Recorded reroutes: 1 cases" in after
    reroutes = after[after.index("Recorded reroutes") :]
    assert "top-1 accuracy" in reroutes and "DLH" in reroutes


@pytest.mark.django_db
def test_routing_eval_without_a_labelled_file_still_reports_reroutes(directory, tmp_path):
    output = run_routing_eval("--file", str(tmp_path / "missing.jsonl"))
    assert "No labelled set at" in output
    assert "Recorded reroutes: 0 cases" in output


# --- The hard set: actors, negation, long stories, unnamed services, dialect ---------------------

HARD = Path(__file__).parent / "data" / "hard_complaints.jsonl"
# Measured when the clause analysis, duties and learned model came in (the test half was never
# tuned on): 65.4% with the rules of before, 79.4% with the first clause analysis, 82.2% with
# the actor's seat and place of the demand, 86.9% with 1,109 training complaints written by
# other hands, 89.7% (2,342 training complaints, heads and clefts named as actors, the model
# chosen by cross-validation), 91.6% now (a place said alone, agents after a passive deed,
# offices' tasks as rules). The issue's bar, as a floor, so a regression shows.
MIN_HARD_TEST_ACCURACY = 0.90


def test_the_hard_set_has_two_halves_of_every_kind():
    cases = cases_read(HARD)
    assert Counter(case.split for case in cases) == {"dev": 107, "test": 107}
    kinds = Counter(json.loads(line)["kind"] for line in HARD.read_text().splitlines() if line)
    assert set(kinds) == {"actor", "negation", "long_story", "unnamed_service", "dialect"}


@pytest.mark.django_db
def test_hard_labels_are_offices_of_the_directory_or_triage(directory):
    codes = set(Opd.objects.values_list("code", flat=True)) | {TRIAGE}
    assert {case.expected for case in cases_read(HARD)} <= codes


@pytest.mark.django_db
def test_the_hard_test_half_stays_above_its_floor(directory):
    report = evaluate(cases_read(HARD, "test"), routing_rules())
    lines = report_lines(report, title="hard test half", show_mistakes=report.mistakes)
    assert report.accuracy >= MIN_HARD_TEST_ACCURACY, "\n" + "\n".join(lines)


@pytest.mark.django_db
def test_every_hard_pungli_case_is_copied_to_oversight(directory):
    report = evaluate(cases_read(HARD), routing_rules())
    assert report.pungli >= 100
    assert report.oversight_missed == 0


@pytest.mark.django_db
def test_routing_eval_reports_both_sets_and_both_halves_by_default(directory):
    output = run_routing_eval()
    for name in ("labelled_complaints.jsonl", "hard_complaints.jsonl"):
        for half in ("dev", "test"):
            assert f"Labelled set {name} ({half} half)" in output
    assert "pungli copied to oversight" in output
    hard = evaluate(cases_read(HARD, "test"), routing_rules())
    assert f"({hard.correct}/{hard.total})" in output
