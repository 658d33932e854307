"""The learned part of routing: a linear model over the words of a complaint, kept as data.

Staff corrections (every reassignment and reroute decision, ``RoutingFeedback``), the dev
halves of the labelled sets and each office's duties (``routing.duties``) are examples; a
multinomial logistic regression (scikit-learn, at training time only) learns a weight per word
stem and office. The weights are written to ``routing/data/routing_model.json`` (no pickle)
and read back here into one numpy table, so a decision needs no scikit-learn and no network:
a sum of weights over the words the clause analysis kept, a softmax, and a blend with the
rules' own points. The engine asks the model only where its rules are weak or unsure
(``Model.sure``), and the reason names the words that weighed most.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from math import sqrt
from operator import itemgetter, mul, truediv
from pathlib import Path

import numpy

import routing

# Beside the package's source, wherever this module was loaded from (``routing.native``).
MODEL = Path(routing.__file__).resolve().parent / "data" / "routing_model.json"
TRIAGE = "triage"
FORMAT = 1
# Words below this weight (negated, already tried) say nothing of the office that must act.
_MIN_WEIGHT = 0.2
# Rule targets that are no office of the city: the model's "triage" class.
_NOT_AN_OFFICE = ("@outside",)
# The weight table's last two rows: the biases, and the empty row of every unknown stem.
_BIAS, _UNKNOWN = -2, -1
# exp overflows a float from 709.8 on.
_LARGEST_SCORE = 700.0


def features(words: Iterable[str], stems: Iterable[str], weights: Sequence[float]) -> dict:
    """Stem -> weight (the strongest occurrence), L2-normalised; stopwords left out. The same
    function serves training and deciding, so the two can never disagree. (``words`` is
    accepted for symmetry with the analysis; stems carry the meaning.)"""
    found = _strongest(stems, weights)
    norm = _norm(found)
    return {stem: value / norm for stem, value in found.items()}


def _strongest(stems: Iterable[str], weights: Sequence[float]) -> dict[str, float]:
    """Stem -> its strongest weight, for the stems said with at least ``_MIN_WEIGHT``; no
    stopword (the empty stem), in the order the stems are first said that strongly."""
    found: dict[str, float] = {}
    known = found.get
    for stem, weight in zip(stems, weights, strict=False):
        if weight >= _MIN_WEIGHT and weight > known(stem, 0.0):
            found[stem] = weight
    found.pop("", None)
    return found


def _norm(found: Mapping[str, float]) -> float:
    values = found.values()
    return sqrt(sum(map(mul, values, values))) or 1.0


@dataclass(frozen=True)
class Model:
    """A trained model: per stem, the weights it adds to each class (sparse)."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: Mapping[str, tuple[tuple[int, float], ...]]
    blend: float  # share of the rules' points in the blended score
    about: Mapping
    sure: float = 0.6  # the rules decide alone from this confidence up
    threshold: float = 0.15  # below this blended confidence: triage
    threshold_alone: float = 0.3  # the same where no rule found anything
    # Built from the above (not arguments): stem -> its row of the weight table; the table, a
    # row per stem, then the biases' row and an empty row; class label -> its column.
    _row_of: dict[str, int] = field(init=False, repr=False, compare=False)
    _table: numpy.ndarray = field(init=False, repr=False, compare=False)
    _class_index: dict[str, int] = field(init=False, repr=False, compare=False)

    @classmethod
    def from_data(cls, data: Mapping) -> "Model":
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown routing model format {data.get('format')!r}")
        return cls(
            classes=tuple(data["classes"]),
            bias=tuple(data["bias"]),
            weights={
                stem: tuple((int(index), float(weight)) for index, weight in pairs)
                for stem, pairs in data["weights"].items()
            },
            blend=float(data["blend"]),
            about=dict(data.get("about", {})),
            sure=float(data["sure"]),
            threshold=float(data["threshold"]),
            threshold_alone=float(data["threshold_alone"]),
        )

    def __post_init__(self):
        # The softmax takes exp of the scores unshifted (``_exps``). A score is at most a
        # class's bias plus the length of its column of weights (the features have length 1),
        # so a model whose largest such bound reaches exp's range is refused, not misread.
        squares = [0.0] * len(self.classes)
        for pairs in self.weights.values():
            for index, weight in pairs:
                squares[index] += weight * weight
        largest = max(
            (sqrt(square) + abs(bias) for square, bias in zip(squares, self.bias, strict=True)),
            default=0.0,
        )
        if largest >= _LARGEST_SCORE:
            raise ValueError(f"routing model scores may reach {largest:.0f}, beyond exp's range")
        row_of = {stem: row for row, stem in enumerate(self.weights)}
        table = numpy.zeros((len(row_of) + 2, len(self.classes)))
        for stem, pairs in self.weights.items():
            for index, weight in pairs:
                table[row_of[stem], index] = weight
        table[_BIAS] = self.bias
        object.__setattr__(self, "_row_of", row_of)
        object.__setattr__(self, "_table", table)
        object.__setattr__(
            self, "_class_index", {label: index for index, label in enumerate(self.classes)}
        )

    def probabilities(self, facts) -> tuple[list[float], dict[str, float]]:
        """(probability per class, the known stems with their feature values)."""
        found, rows, values = self._features(facts)
        exps = self._exps(self._table.take(rows, 0), values)
        total = sum(exps)
        row_of = self._row_of
        # values has one more: the biases' 1.0
        known = {stem: value for stem, value in zip(found, values, strict=False) if stem in row_of}
        return [value / total for value in exps], known

    def _features(self, facts) -> tuple[dict[str, float], list[int], list[float]]:
        """``features`` as the table wants them: stem -> weight, each stem's row in the weight
        table (the empty row for a stem the model does not know) and its normalised value; then
        the biases' row, with value 1."""
        found = _strongest(facts.stems, facts.weights)
        norm = _norm(found)
        rows = list(map(self._row_of.get, found, repeat(_UNKNOWN)))
        rows.append(_BIAS)
        values = list(map(truediv, found.values(), repeat(norm)))
        values.append(1.0)
        return found, rows, values

    def _exps(self, taken, values: list[float]) -> list[float]:
        """The softmax's numerators: one small matrix product of the features' values with
        their rows of the weight table, ``taken`` from it (some 30 rows of 41 classes, then the
        biases': in plain Python that loop was the most expensive step of every decision the
        model is asked about). The scores are sums of a few dozen weights, far from overflowing
        ``exp``, so they need no shift by their maximum. (``take`` and ``dot`` on the plain
        list: each array call costs more than its arithmetic here, and these two cost the least
        of the ways to write it.)"""
        return numpy.exp(numpy.dot(values, taken)).tolist()

    def predict(
        self, facts, rule_scores: Mapping[str, float]
    ) -> tuple[str, float, tuple[str, ...]] | None:
        """(office code or TRIAGE, confidence, the words that decided), blending the model's
        probabilities with the share of the rules' points."""
        found, rows, values = self._features(facts)
        if not rule_scores and rows.count(_UNKNOWN) == len(rows) - 1:
            return None
        taken = self._table.take(rows, 0)
        exps = self._exps(taken, values)
        blended = list(map(mul, exps, repeat((1 - self.blend) / sum(exps))))
        points = {
            (TRIAGE if target in _NOT_AN_OFFICE else target): score
            for target, score in rule_scores.items()
            if not target.startswith("@") or target in _NOT_AN_OFFICE
        }
        total = sum(points.values())
        extra: dict[str, float] = {}  # rule targets the model has no class for
        if total:
            strength = min(1.0, max(points.values()) / 3.0)
            blend, class_index = self.blend * strength, self._class_index
            for target, score in points.items():
                share = blend * score / total
                index = class_index.get(target)
                if index is None:
                    extra[target] = share
                else:
                    blended[index] += share
        confidence = max(blended)
        best_index = blended.index(confidence)
        best = self.classes[best_index]
        if extra and max(extra.values()) > confidence:
            best, share = max(extra.items(), key=itemgetter(1))
            return best, share, ()
        # The class's weight for each stem found (its column of the rows taken; the last row
        # is the biases').
        return best, confidence, self._decisive_words(facts, found, taken[:-1, best_index])

    def _decisive_words(self, facts, found: Mapping[str, float], weights) -> tuple[str, ...]:
        """The words (as typed, after spelling is unified) that pulled most towards the class:
        ``weights`` holds the class's weight for each stem found, in order."""
        pulls = [
            (value * weight, stem)
            for (stem, value), weight in zip(found.items(), weights.tolist(), strict=True)
            if weight > 0
        ]
        if not pulls:
            return ()
        # Each as first typed: the word at the stem's first place (found at C speed).
        words, all_stems = facts.words, facts.stems
        return tuple(
            words[all_stems.index(stem)] for _pull, stem in sorted(pulls, reverse=True)[:4]
        )


def model_load(path: Path = MODEL) -> Model | None:
    """The stored model, or None when there is none yet (the rules then decide alone)."""
    if not path.exists():
        return None
    return Model.from_data(json.loads(path.read_text(encoding="utf-8")))


# Per stem only its strongest class weights are kept, and none below _SMALLEST: a decision adds
# a handful of numbers per word, not one per office (speed); 5-fold cross-validation on the dev
# halves showed no loss down to 0.25 (and a loss from 0.35, or when keeping only 5 per stem).
_SMALLEST = 0.2
_KEEP_PER_STEM = 10
# Chosen by 5-fold cross-validation over the dev halves and the training sets (rules + model;
# 2,642 complaints): with five training sets, little regularisation, a model that weighs more
# than the rules' points, consulted unless the rules are all but certain, and every office
# weighed alike however many examples it has (the rare ones are the ones no keyword names).
REGULARISATION = 100.0
BLEND = 0.4
SURE = 0.9
CLASS_WEIGHT = "balanced"
THRESHOLD = 0.15
THRESHOLD_ALONE = 0.3


def model_train(
    examples: list[tuple[dict, str]],
    *,
    blend: float = BLEND,
    regularisation: float = REGULARISATION,
    sure: float = SURE,
    threshold: float = THRESHOLD,
    threshold_alone: float = THRESHOLD_ALONE,
    about=None,
) -> dict:
    """Fit the model on (features, label) pairs; its data, ready to be written as JSON."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([found for found, _label in examples])
    labels = [label for _found, label in examples]
    classifier = LogisticRegression(C=regularisation, max_iter=2000, class_weight=CLASS_WEIGHT)
    classifier.fit(matrix, labels)
    classes = [str(label) for label in classifier.classes_]
    coefficients = classifier.coef_
    if len(classes) == 2:  # a binary fit has one row: the second class against the first
        coefficients = [-coefficients[0], coefficients[0]]
    weights: dict[str, list] = {}
    for column, stem in enumerate(vectorizer.get_feature_names_out()):
        pairs = sorted(
            (
                [row, round(float(coefficients[row][column]), 3)]
                for row in range(len(classes))
                if abs(coefficients[row][column]) >= _SMALLEST
            ),
            key=lambda pair: -abs(pair[1]),
        )[:_KEEP_PER_STEM]
        if pairs:
            weights[str(stem)] = pairs
    intercepts = classifier.intercept_
    if len(classes) == 2:
        intercepts = [-intercepts[0], intercepts[0]]
    return {
        "format": FORMAT,
        "about": dict(about or {}),
        "classes": classes,
        "bias": [round(float(value), 4) for value in intercepts],
        "blend": blend,
        "sure": sure,
        "threshold": threshold,
        "threshold_alone": threshold_alone,
        "weights": weights,
    }


def model_save(data: Mapping, path: Path = MODEL) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def case_features(text: str) -> dict:
    from routing.text import analyze

    analysis = analyze(text)
    return features(analysis.words, analysis.stems, analysis.weights)


def duty_examples(opds: Iterable[str]) -> list[tuple[dict, str]]:
    """Each office's duty phrases as short examples of that office (every office learnable)."""
    from routing.duties import duties

    known = set(opds)
    return [
        (case_features(phrase), code)
        for code, phrases in duties().items()
        if code in known
        for phrase in phrases
    ]
