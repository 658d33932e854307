"""The routing engine: facts about one complaint + the city's rules -> a decision with a reason.

Pure: no Django, no database, no settings. Everything it needs arrives as immutable inputs
(``Rules``, built from the admin's rows by ``routing.selectors``), so it can be table-tested and
benchmarked on its own. docs/product.md §3 "Routing" is the order followed here:

1. a chosen service -> its OPD (a local service -> the kecamatan office of the place);
2. a chosen OPD office -> that OPD;
3. the words of the description (keywords, stems, phrases) -> an OPD, with a confidence;
4. nothing, or too little confidence -> ``triage`` for the complaint coordinator.

Then the oversight rules: e.g. ``pungli`` -> the Inspektorat gets an oversight copy; a complaint
that involves the head of an OPD goes to the Inspektorat as primary, never to that OPD.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

ASSIGNED = "assigned"
TRIAGE = "triage"

RULE_SERVICE = "service"
RULE_SERVICE_LOCATION = "service_location"
RULE_OPD = "opd"
RULE_TEXT = "text"
RULE_INVOLVES_HEAD = "involves_head"
RULE_NONE = "none"

WHEN_PUNGLI = "pungli"
WHEN_INVOLVES_HEAD = "involves_head"
MODE_COPY = "copy"
MODE_PRIMARY = "primary"

# Text confidence = strength × share: SATURATION points make a sure sign, and the winner's
# share of all points says how clearly it beats the other candidates.
SATURATION = 3.0
LOCAL_OFFICE = "@local"  # target of a rule about "the kelurahan/kecamatan office of the place"
OUTSIDE = "@outside"  # target of a rule about what is not the city's (SIM, SMA, PLN, ...)
_KELURAHAN_CUES = frozenset({"kelurahan", "lurah"})
_KECAMATAN_CUES = frozenset({"kecamatan", "camat"})
# "kecamatan selebar" names a place; "camat selebar" names a person, whose office may be meant.
_PLACE_ONLY_CUES = frozenset({"kelurahan", "kecamatan"})


def _frozen(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, slots=True)
class Facts:
    """What the reporter told us, as codes, plus the analysed words of the description.

    ``words``, ``stems`` and ``weights`` are aligned (``routing.text.analyze``); an empty
    ``stems`` entry is a stopword, a weight below 1 a muted word (negated, a landmark).
    """

    category: str
    description: str = ""
    service: str | None = None
    opd: str | None = None
    kelurahan: str | None = None
    involves_head: bool = False
    words: tuple[str, ...] = ()
    stems: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()


@dataclass(frozen=True, slots=True)
class ServiceRoute:
    code: str
    name: str
    opd: str | None  # None: handled by the kecamatan office of the place


@dataclass(frozen=True, slots=True)
class Area:
    """A kelurahan with the kecamatan it lies in."""

    code: str
    name: str
    kecamatan: str


@dataclass(frozen=True, slots=True)
class TextRule:
    id: int
    kind: str  # "keyword" (a word), "stem" (a root), "phrase" (words in order)
    terms: tuple[str, ...]
    label: str  # as the admin wrote it, for the explanation
    weight: float
    target: str  # an OPD code, "service:<code>", or LOCAL_OFFICE
    category: str = ""  # "" for any
    kecamatan: str = ""  # "" for anywhere


@dataclass(frozen=True, slots=True)
class OversightRule:
    when: str  # WHEN_PUNGLI or WHEN_INVOLVES_HEAD
    mode: str  # MODE_COPY or MODE_PRIMARY
    opd: str


@dataclass(frozen=True)
class Rules:
    """Everything the engine knows about the city, read-only."""

    opds: Mapping[str, str] = field(default_factory=dict)  # OPD code -> name
    services: Mapping[str, ServiceRoute] = field(default_factory=dict)
    areas: Mapping[str, Area] = field(default_factory=dict)  # kelurahan code -> area
    kecamatan_names: Mapping[str, str] = field(default_factory=dict)  # kecamatan code -> name
    kecamatan_offices: Mapping[str, str] = field(default_factory=dict)  # kecamatan -> OPD
    text_rules: Sequence[TextRule] = ()
    oversight: Sequence[OversightRule] = ()
    threshold: float = 0.4

    def __post_init__(self):
        for name in ("opds", "services", "areas", "kecamatan_names", "kecamatan_offices"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        object.__setattr__(self, "text_rules", tuple(self.text_rules))
        object.__setattr__(self, "oversight", tuple(self.oversight))
        object.__setattr__(self, "_index", _TextIndex(self))


class _TextIndex:
    """Rules and place names looked up by word, so matching is one pass over the words."""

    def __init__(self, rules: Rules):
        self.by_word: dict[str, list[TextRule]] = {}
        self.by_stem: dict[str, list[TextRule]] = {}
        self.phrases: dict[str, list[TextRule]] = {}
        for rule in rules.text_rules:
            if not rule.terms:
                continue
            if rule.kind == "stem":
                self.by_stem.setdefault(rule.terms[0], []).append(rule)
            elif len(rule.terms) > 1:  # a phrase, or a keyword that normalises to two words
                self.phrases.setdefault(rule.terms[0], []).append(rule)
            else:
                self.by_word.setdefault(rule.terms[0], []).append(rule)
        # "kelurahan sawah lebar", "camat selebar": place names only count after such a cue.
        self.kelurahan_names = _names_by_first_word(
            {area.code: area.name for area in rules.areas.values()}
        )
        self.kecamatan_names = _names_by_first_word(dict(rules.kecamatan_names))


def _names_by_first_word(names: Mapping[str, str]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for code, name in names.items():
        words = tuple(name.lower().replace("-", " ").split())
        if words:
            index.setdefault(words[0], []).append((words, code))
    for candidates in index.values():
        candidates.sort(key=lambda item: -len(item[0]))  # longest name first
    return index


@dataclass(frozen=True, slots=True)
class Decision:
    opd: str | None
    status: str  # ASSIGNED or TRIAGE
    oversight: tuple[str, ...]
    rule: str
    confidence: float
    reason: str  # one line, Indonesian, shown to reporter and staff
    matched: tuple[str, ...] = ()  # the text rule labels that counted, strongest first
    service: str | None = None  # the service the text pointed to, if any
    # "Melibatkan pimpinan": the office whose head is involved, kept out of the complaint.
    walled: str | None = None


@dataclass(frozen=True, slots=True)
class _Match:
    opd: str | None
    rule: str
    confidence: float
    reason: str
    matched: tuple[str, ...] = ()
    service: str | None = None


def route(facts: Facts, rules: Rules) -> Decision:
    """Decide who handles a complaint, and say why in one Indonesian sentence."""
    match = (
        _match_service(facts, rules)
        or _match_opd(facts, rules)
        or _match_text(facts, rules)
        or _no_match()
    )
    primary = _oversight_opd(facts, rules, WHEN_INVOLVES_HEAD, MODE_PRIMARY)
    walled = None
    if facts.involves_head and primary:
        walled = match.opd if match.opd != primary else None
        match = _bypass_head(match, primary, rules)
    copies = tuple(
        rule.opd
        for rule in rules.oversight
        if rule.mode == MODE_COPY
        and _applies(rule.when, facts)
        and rule.opd != match.opd
        and rule.opd in rules.opds
    )
    copies = tuple(dict.fromkeys(copies))
    reason = match.reason
    if copies:
        names = ", ".join(rules.opds[code] for code in copies)
        reason = f"{reason}; tembusan pengawasan ke {names}"
        if facts.category == WHEN_PUNGLI:
            reason += " (dugaan pungli)"
    return Decision(
        opd=match.opd,
        status=ASSIGNED if match.opd else TRIAGE,
        oversight=copies,
        rule=match.rule,
        confidence=round(match.confidence, 3),
        reason=reason,
        matched=match.matched,
        service=match.service,
        walled=walled,
    )


def _applies(when: str, facts: Facts) -> bool:
    if when == WHEN_PUNGLI:
        return facts.category == "pungli"
    if when == WHEN_INVOLVES_HEAD:
        return facts.involves_head
    return False


def _oversight_opd(facts: Facts, rules: Rules, when: str, mode: str) -> str | None:
    for rule in rules.oversight:
        if rule.when == when and rule.mode == mode and rule.opd in rules.opds:
            return rule.opd
    return None


def _match_service(facts: Facts, rules: Rules) -> _Match | None:
    service = rules.services.get(facts.service or "")
    if service is None:
        return None
    if service.opd is not None:
        return _Match(
            service.opd,
            RULE_SERVICE,
            1.0,
            f"Layanan {service.name} → {rules.opds.get(service.opd, service.opd)}",
            service=service.code,
        )
    area = rules.areas.get(facts.kelurahan or "")
    office = rules.kecamatan_offices.get(area.kecamatan) if area else None
    if office is None:
        return None  # a local service without a place: the chosen office or the text decides
    return _Match(
        office,
        RULE_SERVICE_LOCATION,
        1.0,
        f"Layanan {service.name} di Kel. {area.name} → {rules.opds.get(office, office)}",
        service=service.code,
    )


def _match_opd(facts: Facts, rules: Rules) -> _Match | None:
    if not facts.opd or facts.opd not in rules.opds:
        return None
    return _Match(
        facts.opd, RULE_OPD, 0.9, f"Kantor yang dipilih pelapor → {rules.opds[facts.opd]}"
    )


def _no_match() -> _Match:
    return _Match(
        None, RULE_NONE, 0.0, "Belum jelas OPD yang berwenang → diverifikasi koordinator pengaduan"
    )


def _bypass_head(match: _Match, primary: str, rules: Rules) -> _Match:
    about = f" {rules.opds.get(match.opd, match.opd)}" if match.opd and match.opd != primary else ""
    return _Match(
        primary,
        RULE_INVOLVES_HEAD,
        1.0,
        f"Melibatkan pimpinan OPD{about} → {rules.opds.get(primary, primary)}, "
        "bukan ke OPD tersebut",
    )


# --- Step 3: the words of the description ---------------------------------------------------


def _match_text(facts: Facts, rules: Rules) -> _Match | None:
    if not facts.words:
        return None
    index: _TextIndex = rules._index  # type: ignore[attr-defined]
    place, place_words = _place(facts, rules, index)
    # The strongest occurrence of each rule counts once.
    hits: dict[int, tuple[float, TextRule]] = {}
    words, stems, weights = facts.words, facts.stems, facts.weights
    for position, word in enumerate(words):
        weight = weights[position] if position < len(weights) else 1.0
        if weight <= 0 or position in place_words:
            continue
        candidates = list(index.by_word.get(word, ()))
        stem = stems[position] if position < len(stems) else ""
        if stem:
            candidates.extend(index.by_stem.get(stem, ()))
        for rule in index.phrases.get(word, ()):
            if words[position : position + len(rule.terms)] == rule.terms:
                candidates.append(rule)
        for rule in candidates:
            if rule.category and rule.category != facts.category:
                continue
            if rule.kecamatan and rule.kecamatan != place[1]:
                continue
            score = rule.weight * weight
            if score > hits.get(rule.id, (0.0, rule))[0]:
                hits[rule.id] = (score, rule)
    if not hits:
        return None
    scores: dict[str, float] = {}
    labels: dict[str, list[tuple[float, str]]] = {}
    services: dict[str, dict[str, float]] = {}
    for score, rule in hits.values():
        target, service = _resolve(rule.target, rules, place)
        scores[target] = scores.get(target, 0.0) + score
        labels.setdefault(target, []).append((score, rule.label))
        if service:
            services.setdefault(target, {})
            services[target][service] = services[target].get(service, 0.0) + score
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    best, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = min(1.0, top / SATURATION) * top / (top + runner_up)
    matched = tuple(label for _score, label in sorted(labels[best], key=lambda item: -item[0]))
    service = max(services[best], key=services[best].get) if best in services else None
    words_said = ", ".join(f"'{label}'" for label in matched[:4])
    if best == OUTSIDE:
        return _Match(
            None,
            RULE_TEXT,
            confidence,
            f"Kata {words_said} → kemungkinan bukan kewenangan Pemerintah Kota "
            "→ diverifikasi koordinator pengaduan",
            matched,
        )
    if best == LOCAL_OFFICE:
        return _Match(
            None,
            RULE_TEXT,
            0.0,
            f"Kata {words_said} → kantor kelurahan/kecamatan, tetapi tempatnya tidak disebut "
            "→ diverifikasi koordinator pengaduan",
            matched,
        )
    via = f" → layanan {rules.services[service].name}" if service else ""
    name = rules.opds.get(best, best)
    if confidence < rules.threshold:
        return _Match(
            None,
            RULE_TEXT,
            confidence,
            f"Kata {words_said}{via} → mungkin {name}, tetapi belum cukup yakin "
            "→ diverifikasi koordinator pengaduan",
            matched,
            service,
        )
    return _Match(best, RULE_TEXT, confidence, f"Kata {words_said}{via} → {name}", matched, service)


def _resolve(target: str, rules: Rules, place: tuple[str, str]) -> tuple[str, str | None]:
    """A rule's target as an OPD code (or LOCAL_OFFICE when the place is unknown)."""
    service = None
    if target.startswith("service:"):
        service = target[len("service:") :]
        route = rules.services.get(service)
        if route is None:
            return LOCAL_OFFICE, None
        if route.opd is not None:
            return route.opd, service
        target = LOCAL_OFFICE
    if target == LOCAL_OFFICE:
        office = rules.kecamatan_offices.get(place[1])
        return (office or LOCAL_OFFICE), service
    return target, service


def _place(facts: Facts, rules: Rules, index: _TextIndex) -> tuple[tuple[str, str], frozenset]:
    """(kelurahan, kecamatan) codes, as chosen or as named in the text after a cue word, and
    the positions of cue words that only name the place (they are not evidence of a topic)."""
    area = rules.areas.get(facts.kelurahan or "")
    found = (area.code, area.kecamatan) if area else None
    words = facts.words
    muted = set()
    for position, word in enumerate(words[:-1]):
        if word in _KELURAHAN_CUES:
            code = _name_at(words, position + 1, index.kelurahan_names)
            place = (code, rules.areas[code].kecamatan) if code else None
        elif word in _KECAMATAN_CUES:
            code = _name_at(words, position + 1, index.kecamatan_names)
            place = ("", code) if code else None
        else:
            continue
        if place is None:
            continue
        if word in _PLACE_ONLY_CUES:
            muted.add(position)
        found = found or place
    return (found or ("", "")), frozenset(muted)


def _name_at(words: tuple[str, ...], position: int, names: Mapping) -> str | None:
    for name, code in names.get(words[position], ()):
        if words[position : position + len(name)] == name:
            return code
    return None
