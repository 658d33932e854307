"""Learning from corrections (``routing.learning``, ``manage.py routing_train``).

The model is trained with scikit-learn and kept as JSON weights; deciding reads them back with
numpy alone. The command retrains on the recorded corrections and the dev halves, and replaces
the stored model only when the candidate is not worse on the test halves.
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from routing import engine, learning
from routing.evaluation import TRIAGE
from routing.models import Opd, RoutingFeedback
from routing.text import analyze

# A word no rule, duty or labelled case knows: only what the examples teach decides it.
UNKNOWN = "zorblat kwimper"


def facts(text: str) -> engine.Facts:
    analysis = analyze(text)
    return engine.Facts(
        category="delay",
        words=analysis.words,
        stems=analysis.stems,
        weights=analysis.weights,
        roles=analysis.roles,
    )


def test_features_are_normalised_stems_without_stopwords_or_negated_words():
    analysis = analyze("sampah tidak diangkut, bukan soal parkir")
    found = learning.features(analysis.words, analysis.stems, analysis.weights)
    assert "sampah" in found and "angkut" in found
    assert "parkir" not in found  # negated
    assert "yang" not in found and "soal" not in found
    assert sum(value * value for value in found.values()) == pytest.approx(1.0)


def trained(examples) -> learning.Model:
    data = learning.model_train(examples)
    return learning.Model.from_data(json.loads(json.dumps(data)))  # through JSON, as stored


def test_a_trained_model_round_trips_through_json_and_predicts_what_it_learned():
    examples = [(learning.case_features("sampah menumpuk tidak diangkut"), "DLH")] * 3 + [
        (learning.case_features("jalan berlubang belum diaspal"), "PUPR")
    ] * 3
    model = trained(examples)
    assert set(model.classes) == {"DLH", "PUPR"}
    office, confidence, words = model.predict(facts("sampah di gang belum diangkut"), {})
    assert office == "DLH" and 0 < confidence <= 1
    assert words[0] in ("sampah", "diangkut")


def test_the_sparse_scoring_is_the_logistic_regression_of_scikit_learn():
    # Deciding sums the stored weights in plain Python; it must give what the fitted model
    # gives (up to the rounding and pruning of the stored weights).
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [
        ("sampah menumpuk tidak diangkut", "DLH"),
        ("jalan berlubang belum diaspal", "PUPR"),
        ("ktp belum jadi sudah tiga bulan", "DUKCAPIL"),
    ]
    examples = [(learning.case_features(text), label) for text, label in texts] * 3
    model = trained(examples)
    vectorizer = DictVectorizer()
    fitted = LogisticRegression(C=learning.REGULARISATION, max_iter=2000).fit(
        vectorizer.fit_transform([found for found, _label in examples]),
        [label for _found, label in examples],
    )
    text = "sampah dan jalan berlubang"
    expected = fitted.predict_proba(vectorizer.transform([learning.case_features(text)]))[0]
    probabilities, known = model.probabilities(facts(text))
    assert sum(probabilities) == pytest.approx(1.0)
    assert set(known) == {"sampah", "jalan", "lubang"}
    assert probabilities == pytest.approx(list(expected), abs=0.05)


def test_the_rules_points_are_blended_with_the_model():
    examples = [(learning.case_features("sampah menumpuk"), "DLH")] * 3 + [
        (learning.case_features("jalan berlubang"), "PUPR")
    ] * 3
    model = trained(examples)
    text = facts("keluhan warga")  # nothing the model knows
    assert model.predict(text, {"PUPR": 6.0})[0] == "PUPR"
    assert model.predict(text, {"DLH": 6.0})[0] == "DLH"


def test_an_unknown_format_is_refused(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": 99}), encoding="utf-8")
    with pytest.raises(ValueError):
        learning.model_load(path)
    assert learning.model_load(tmp_path / "missing.json") is None


def test_a_model_whose_scores_could_overflow_exp_is_refused():
    data = learning.model_train(
        [(learning.case_features("sampah menumpuk"), "DLH")] * 3
        + [(learning.case_features("jalan berlubang"), "PUPR")] * 3
    )
    learning.Model.from_data(data)  # an ordinary model loads
    data["weights"]["sampah"] = [[0, 800.0]]
    with pytest.raises(ValueError, match="exp"):
        learning.Model.from_data(data)


def test_the_stored_model_is_json_and_covers_every_office():
    data = json.loads(learning.MODEL.read_text(encoding="utf-8"))
    assert data["format"] == learning.FORMAT
    offices = {row["opd"] for row in learning_duties()}
    assert offices <= set(data["classes"])


def learning_duties():
    from routing.duties import DUTIES, LOCAL

    rows = json.loads(DUTIES.read_text(encoding="utf-8"))["offices"]
    return [row for row in rows if row["opd"] != LOCAL]


# --- manage.py routing_train --------------------------------------------------------------------


def labelled_set(path, dev_label: str, test_label: str = "DLH"):
    rows = [
        {
            "id": f"d{n}",
            "split": "dev",
            "category": "delay",
            "text": f"{UNKNOWN} {n}",
            "expected": dev_label,
        }
        for n in range(6)
    ] + [
        {
            "id": "t1",
            "split": "test",
            "category": "delay",
            "text": f"{UNKNOWN} lagi",
            "expected": test_label,
        }
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    return path


def train(*args) -> str:
    out = StringIO()
    call_command("routing_train", *args, stdout=out)
    return out.getvalue()


def decide_with(path, text: str) -> str | None:
    from routing.selectors import routing_rules

    rules = routing_rules().with_model(learning.model_load(path))
    return engine.route(facts(text), rules).opd


@pytest.mark.django_db
def test_routing_train_writes_a_model_that_is_not_worse(directory, tmp_path):
    model = tmp_path / "model.json"
    output = train("--output", str(model), "--sets", str(labelled_set(tmp_path / "a.jsonl", "DLH")))
    assert "Not worse: written to" in output
    assert decide_with(model, f"{UNKNOWN} lagi") == "DLH"


@pytest.mark.django_db
def test_routing_train_keeps_the_current_model_when_the_candidate_is_worse(directory, tmp_path):
    model = tmp_path / "model.json"
    train("--output", str(model), "--sets", str(labelled_set(tmp_path / "a.jsonl", "DLH")))
    before = model.read_bytes()
    # Now the dev half teaches the wrong office; the test half still says DLH.
    output = train(
        "--output", str(model), "--sets", str(labelled_set(tmp_path / "b.jsonl", "PUPR"))
    )
    assert "The candidate is worse: the current model stays." in output
    assert model.read_bytes() == before


@pytest.mark.django_db
def test_routing_train_learns_from_recorded_corrections(directory, tmp_path):
    for _ in range(6):
        RoutingFeedback.objects.create(
            category="delay",
            description=f"{UNKNOWN} lagi",
            old_opd=Opd.objects.get(code="DLH"),
            new_opd=Opd.objects.get(code="DISPORA"),
            source=RoutingFeedback.Source.REASSIGN,
        )
    model = tmp_path / "model.json"
    path = labelled_set(tmp_path / "a.jsonl", "DISPORA", test_label="DISPORA")
    path.write_text(
        "\n".join(line for line in path.read_text().splitlines() if '"test"' in line) + "\n"
    )
    output = train("--output", str(model), "--sets", str(path))
    assert "(6 corrections)" in output
    assert decide_with(model, f"{UNKNOWN} lagi") == "DISPORA"


@pytest.mark.django_db
def test_routing_train_dry_run_writes_nothing(directory, tmp_path):
    model = tmp_path / "model.json"
    output = train(
        "--output",
        str(model),
        "--dry-run",
        "--sets",
        str(labelled_set(tmp_path / "a.jsonl", "DLH")),
    )
    assert "--dry-run: nothing written" in output
    assert not model.exists()


@pytest.mark.django_db
def test_routing_train_learns_from_a_training_set(directory, tmp_path):
    # A training file has no test half: everything in it is learned from, nothing judged on it.
    training = tmp_path / "training_complaints.jsonl"
    rows = [
        {"text": f"{UNKNOWN} {n}", "category": "delay", "opd": "DISARPUS", "why": "library"}
        for n in range(6)
    ] + [
        {"text": "bukan kantor kota", "category": "other", "opd": "NOPE", "why": "unknown"},
        {"text": "tilang polisi minta damai", "category": "pungli", "opd": "triage", "why": "x"},
    ]
    training.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    sets = str(labelled_set(tmp_path / "a.jsonl", "DISARPUS", test_label="DISARPUS"))
    model = tmp_path / "model.json"
    without = train("--output", str(model), "--sets", sets, "--training")
    trained_on = train(
        "--output", str(tmp_path / "m2.json"), "--sets", sets, "--training", str(training)
    )
    count = int(without.split(" examples")[0])
    # the six rows of a known office and the one for the coordinator are examples; a row naming
    # no office of the city is not
    assert trained_on.startswith(f"{count + 7} examples")


@pytest.mark.django_db
def test_routing_train_cross_validates_on_folds_it_did_not_learn_from(directory, tmp_path):
    # Six dev cases of made-up words, all the same office: a model trained on the other folds
    # gets each right; nothing is written.
    model = tmp_path / "model.json"
    sets = str(labelled_set(tmp_path / "a.jsonl", "DLH"))
    output = train("--output", str(model), "--sets", sets, "--training", "--cross-validate")
    assert output.strip() == (
        "5-fold cross-validation over 6 complaints (dev halves and training sets): 6 right (100.0%)"
    )
    assert not model.exists()
    # The same words labelled with two offices: no fold can get both right.
    training = tmp_path / "training_complaints.jsonl"
    rows = [
        {"text": f"{UNKNOWN} {n}", "category": "delay", "opd": "PUPR", "why": "contradiction"}
        for n in range(6)
    ]
    training.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    output = train("--sets", sets, "--training", str(training), "--cross-validate")
    right = int(output.split(": ")[1].split(" right")[0])
    assert "over 12 complaints" in output
    # each fold gives the same words one answer: at most its larger label's cases (2+2+1+1+1)
    assert right <= 7


def test_the_training_sets_name_offices_of_the_directory():
    from routing.evaluation import TRAINING_SETS, training_read

    directory = json.loads(
        (learning.MODEL.parent / "kota_bengkulu.json").read_text(encoding="utf-8")
    )
    offices = {row["code"] for row in directory["opd"]}
    assert len(TRAINING_SETS) >= 2
    examples = [example for path in TRAINING_SETS for example in training_read(path)]
    assert len(examples) >= 1000
    # every office, and what no office of the city can take; nothing else
    assert {code for _text, code in examples} == offices | {TRIAGE}
