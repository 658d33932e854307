"""The routing engine: facts about one complaint + the city's rules -> a decision with a reason.

Pure: no Django, no database, no settings. Everything it needs arrives as immutable inputs
(``Rules``, built from the admin's rows by ``routing.selectors``), so it can be table-tested and
benchmarked on its own. docs/product.md §3 "Routing" is the order followed here:

1. a chosen service -> its OPD (a local service -> the kecamatan office of the place);
2. a chosen OPD office -> that OPD;
3. the words of the description (keywords, stems, phrases, and each office's duties) -> an OPD,
   with a confidence; words are weighed by the clause analysis (``routing.clauses``: negated,
   done, tried, context) and the office of the actor who did the deed decides; where the rules
   are unsure, the learned model (``routing.learning``) weighs in with them;
4. nothing, or too little confidence -> ``triage`` for the complaint coordinator.

Then the oversight rules: e.g. ``pungli`` -> the Inspektorat gets an oversight copy; a complaint
that involves the head of an OPD goes to the Inspektorat as primary, never to that OPD.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import itemgetter
from types import MappingProxyType
from typing import NamedTuple, Protocol

from routing.clauses import ACTOR_SPAN, ACTORS, HEAD_ROLE, UNANSWERED_ROLE

ASSIGNED = "assigned"
TRIAGE = "triage"

RULE_SERVICE = "service"
RULE_SERVICE_LOCATION = "service_location"
RULE_OPD = "opd"
RULE_TEXT = "text"
RULE_INVOLVES_HEAD = "involves_head"
RULE_MODEL = "model"
RULE_NONE = "none"

WHEN_PUNGLI = "pungli"
WHEN_INVOLVES_HEAD = "involves_head"
MODE_COPY = "copy"
MODE_PRIMARY = "primary"

# A rule that names whose person did the deed ("petugas *dishub* narik uang") counts double:
# the office of the actor answers, not the offices merely mentioned around it.
ACTOR_BOOST = 2.0
# An actor noun followed, within this many words, by words it gives its role to is acting.
_ACTING_SPAN = 1 + ACTOR_SPAN + 3
# A named office wins over the kelurahan/kecamatan office of an unnamed place with at least
# this share of its points.
_LOCAL_RUNNER_UP = 0.5
# Where the rules found the kelurahan's own office with its place (a letter, a register, the
# lurah), the learned model is asked only below this confidence, not below its own ``sure``:
# its words for the letter's purpose (a school, a loan, a hospital) pull towards the office of
# the purpose. Chosen by cross-validation (0.4 to 0.6 alike, 7 to 8 more cases right).
_LOCAL_SURE = 0.5
# Below this weight a mention is context, negated or already tried ("bukan soal X").
MENTION_ONLY = 0.5
# Text confidence = strength × share: SATURATION points make a sure sign, and the winner's
# share of all points says how clearly it beats the other candidates.
SATURATION = 3.0
LOCAL_OFFICE = "@local"  # target of a rule about "the kelurahan/kecamatan office of the place"
OUTSIDE = "@outside"  # target of a rule about what is not the city's (SIM, SMA, PLN, ...)
_KELURAHAN_CUES = frozenset({"kelurahan", "lurah"})
_KECAMATAN_CUES = frozenset({"kecamatan", "camat"})
_PLACE_CUES = _KELURAHAN_CUES | _KECAMATAN_CUES
# "kecamatan selebar" names a place; "camat selebar" names a person, whose office may be meant.
_PLACE_ONLY_CUES = frozenset({"kelurahan", "kecamatan"})
# Words that may stand between the cue and the name.
_AREA_WORDS = frozenset({"daerah", "wilayah", "kawasan"})
# The points of a kelurahan or kecamatan named with its cue where no word names any office;
# the id its stand-in rule has among the text rules' hits (the admin's rules count up from 0,
# the duties' down from -1).
PLACE_SAID_POINTS = 1.5
_PLACE_SAID_ID = -1_000_000_000


def _frozen(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


# The records made anew for every decision (the facts, the decision, and the steps' findings)
# are named tuples: read-only like the frozen dataclasses of the city's rules, and built in a
# fifth of their time (a frozen dataclass sets each field through object.__setattr__).
class Facts(NamedTuple):
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
    roles: tuple[str, ...] = ()  # the actor noun ("petugas") for words naming whose person


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


class LearnedModel(Protocol):
    """What the engine asks of the learned model (``routing.learning.Model``)."""

    sure: float  # the rules decide alone from this confidence up
    threshold: float  # below this blended confidence: triage
    threshold_alone: float  # the same where no rule found anything

    def predict(
        self, facts: Facts, rule_scores: Mapping[str, float]
    ) -> tuple[str, float, tuple[str, ...]] | None: ...


@dataclass(frozen=True)
class Rules:
    """Everything the engine knows about the city, read-only."""

    opds: Mapping[str, str] = field(default_factory=dict)  # OPD code -> name
    services: Mapping[str, ServiceRoute] = field(default_factory=dict)
    areas: Mapping[str, Area] = field(default_factory=dict)  # kelurahan code -> area
    kecamatan_names: Mapping[str, str] = field(default_factory=dict)  # kecamatan code -> name
    kecamatan_offices: Mapping[str, str] = field(default_factory=dict)  # kecamatan -> OPD
    text_rules: Sequence[TextRule] = ()
    # Weak rules from each office's duties (``routing.duties``), matched with the admin's.
    duty_rules: Sequence[TextRule] = ()
    oversight: Sequence[OversightRule] = ()
    threshold: float = 0.4
    # The learned model (``routing.learning.Model``), asked where the rules are below its
    # ``sure`` confidence; None: the rules decide alone.
    model: "LearnedModel | None" = None
    # How the text analysis reads a place name (``routing.text.words_of``), so a name is looked
    # for as the complaint's words are after normalisation ("Koto Baru" is read "kota baru"
    # there); None: lower case, split at spaces and hyphens.
    read_name: Callable[[str], Sequence[str]] | None = None
    # The rules looked up by word, built from the above (not an argument).
    _index: "_TextIndex" = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        for name in ("opds", "services", "areas", "kecamatan_names", "kecamatan_offices"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        object.__setattr__(self, "text_rules", tuple(self.text_rules))
        object.__setattr__(self, "duty_rules", tuple(self.duty_rules))
        object.__setattr__(self, "oversight", tuple(self.oversight))
        object.__setattr__(self, "_index", _TextIndex(self))

    def with_model(self, model: "LearnedModel | None") -> "Rules":
        """The same rules with another learned model (or none)."""
        return replace(self, model=model)


class _TextIndex:
    """Rules and place names looked up by word, so matching is one pass over the words."""

    def __init__(self, rules: Rules):
        self.by_word: dict[str, list[TextRule]] = {}
        self.by_stem: dict[str, list[TextRule]] = {}
        # Phrases by their first two words: most first words ("surat", "izin") start many.
        self.phrases: dict[str, dict[str, list[TextRule]]] = {}
        # Where a rule's target ends up whatever the place: a service's office, or the local
        # office for a local service ("surat keterangan" and "domisili" name the same desk).
        self.office_of: dict[str, str] = {}
        for rule in (*rules.text_rules, *rules.duty_rules):
            if rule.target.startswith("service:"):
                service = rules.services.get(rule.target.removeprefix("service:"))
                self.office_of[rule.target] = (service and service.opd) or LOCAL_OFFICE
            else:
                self.office_of[rule.target] = rule.target
            if not rule.terms:
                continue
            if rule.kind == "stem":
                self.by_stem.setdefault(rule.terms[0], []).append(rule)
            elif len(rule.terms) > 1:  # a phrase, or a keyword that normalises to two words
                second = self.phrases.setdefault(rule.terms[0], {})
                second.setdefault(rule.terms[1], []).append(rule)
            else:
                self.by_word.setdefault(rule.terms[0], []).append(rule)
        # "kelurahan sawah lebar", "camat selebar": place names only count after such a cue.
        read = rules.read_name or _plain_words
        self.kelurahan_names = _names_by_first_word(
            {area.code: area.name for area in rules.areas.values()}, read
        )
        self.kecamatan_names = _names_by_first_word(dict(rules.kecamatan_names), read)
        # Names of several words, kelurahan and kecamatan alike, by their first word.
        self.long_names: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for names in (self.kelurahan_names, self.kecamatan_names):
            for first, candidates in names.items():
                several = [item for item in candidates if len(item[0]) > 1]
                if several:
                    merged = self.long_names.setdefault(first, [])
                    merged.extend(several)
                    merged.sort(key=lambda item: -len(item[0]))
        self.name_starts = frozenset(self.long_names)
        # Each rule's target as ``_resolve`` gives it, where that does not depend on the place
        # (most: an office, or a service an office provides).
        self.fixed_targets = {
            target: _resolve(target, rules, ("", ""))
            for target in self.office_of
            if self.office_of[target] != LOCAL_OFFICE
        }
        # The words a keyword or a phrase starts with (stems are looked up in by_stem).
        self.first_words = frozenset(self.by_word) | frozenset(self.phrases)
        self.local_offices = frozenset(rules.kecamatan_offices.values())


def _plain_words(name: str) -> list[str]:
    return name.lower().replace("-", " ").split()


def _names_by_first_word(
    names: Mapping[str, str], read: Callable[[str], Sequence[str]]
) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for code, name in names.items():
        words = tuple(read(name))
        if words:
            index.setdefault(words[0], []).append((words, code))
    for candidates in index.values():
        candidates.sort(key=lambda item: -len(item[0]))  # longest name first
    return index


class Decision(NamedTuple):
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


class _Match(NamedTuple):
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
    walled = None
    # The reporter ticked "melibatkan pimpinan", or the text names the head as who did it.
    head_named = () if facts.involves_head else _head_named(facts)
    involves_head = facts.involves_head or bool(head_named)
    if involves_head:  # the primary oversight office matters only then
        primary = _oversight_opd(rules, WHEN_INVOLVES_HEAD, MODE_PRIMARY)
        if primary:
            walled = match.opd if match.opd != primary else None
            match = _bypass_head(match, primary, rules, head_named)
    copies = tuple(
        rule.opd
        for rule in rules.oversight
        if rule.mode == MODE_COPY
        and _applies(rule.when, facts.category, involves_head)
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


def _applies(when: str, category: str, involves_head: bool) -> bool:
    if when == WHEN_PUNGLI:
        return category == "pungli"
    if when == WHEN_INVOLVES_HEAD:
        return involves_head
    return False


def _head_named(facts: Facts) -> tuple[str, ...]:
    """The words naming the head of an office as the one who did it ("kepala dinas
    pendidikan"), as the clause analysis marked them; () when the text names none."""
    if HEAD_ROLE not in facts.roles:
        return ()
    return tuple(
        word for word, role in zip(facts.words, facts.roles, strict=False) if role == HEAD_ROLE
    )


def _oversight_opd(rules: Rules, when: str, mode: str) -> str | None:
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
    if area is None or office is None:
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


def _bypass_head(match: _Match, primary: str, rules: Rules, head_named=()) -> _Match:
    about = f" {rules.opds.get(match.opd, match.opd)}" if match.opd and match.opd != primary else ""
    said = f" (pelapor menyebut '{' '.join(head_named)}' sebagai pelakunya)" if head_named else ""
    return _Match(
        primary,
        RULE_INVOLVES_HEAD,
        1.0,
        f"Melibatkan pimpinan OPD{about}{said} → {rules.opds.get(primary, primary)}, "
        "bukan ke OPD tersebut",
    )


# --- Step 3: the words of the description ---------------------------------------------------


def _match_text(facts: Facts, rules: Rules, named_place=None) -> _Match | None:
    if not facts.words:
        return None
    index = rules._index
    place, place_words = named_place or _place(facts, rules, index)
    hits = _text_hits(facts, index, place, place_words)
    if place[1] and not any(hit[0] > 0 for hit in hits.values()):
        named = _place_said(facts.words, place, place_words, rules)
        if named is not None:
            hits[named.id] = (named.weight, named, "", 1.0)
    if not hits:
        return _match_model(facts, rules, None)
    scores: dict[str, float] = {}
    labels: dict[str, list[tuple[float, str]]] = {}
    services: dict[str, dict[str, float]] = {}
    actors: dict[str, tuple[float, str]] = {}  # target -> (score, actor noun)
    fixed_targets = index.fixed_targets
    mentions: dict[str, tuple[float, str]] = {}  # target -> strongest muted mention
    for score, rule, role, weight in hits.values():
        target, service = fixed_targets.get(rule.target) or _resolve(rule.target, rules, place)
        if weight < MENTION_ONLY and rule.weight > mentions.get(target, (0.0, ""))[0]:
            mentions[target] = (rule.weight, rule.label)
        if score <= 0:
            continue
        scores[target] = scores.get(target, 0.0) + score
        labels.setdefault(target, []).append((score, rule.label))
        if role and score > actors.get(target, (0.0, ""))[0]:
            actors[target] = (score, role)
        if service:
            services.setdefault(target, {})
            services[target][service] = services[target].get(service, 0.0) + score
    if not scores:
        return _match_model(facts, rules, None)
    ranked = sorted(scores.items(), key=itemgetter(1), reverse=True)  # ties keep their order
    best, top = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = min(1.0, top / SATURATION) * top / (top + runner_up)
    if best == LOCAL_OFFICE and not place[1] and named_place is None:
        # "Kebun Kenanga: surat keterangan usaha ...", "SKTM ... tinggal di Pekan Sabtu": the
        # kelurahan named without "kelurahan" before it places the local office, which then
        # weighs as any named office; looked for only where a place is all that is missing.
        found = _kelurahan_named(facts.words, rules, index)
        if found:
            return _match_text(facts, rules, (found, place_words))
    if best == LOCAL_OFFICE and len(ranked) > 1 and ranked[1][0] in rules.opds:
        # "the kelurahan without a name" is mostly where the citizen already went (a
        # recommendation, a register, a meeting); a named office with enough of its own words
        # is the one asked.
        office, points = ranked[1]
        if points >= _LOCAL_RUNNER_UP * top:
            # The unnamed place's own points still count, at half, against the office.
            rivals = max(top / 2, ranked[2][1] if len(ranked) > 2 else 0.0)
            best, top = office, points
            confidence = min(1.0, top / SATURATION) * top / (top + rivals)
    # Who did the deed decides: the office of the actor, however many others are named; a
    # person of the kelurahan or kecamatan too ("petugas kelurahan ... menarik 30 ribu"), even
    # where the story also names the office whose paper it was.
    offices = [target for target in actors if target in rules.opds or target == LOCAL_OFFICE]
    if offices:
        best = max(offices, key=lambda target: actors[target][0])
        top = scores[best]
        confidence = max(confidence, min(1.0, actors[best][0] / SATURATION))
    if best == LOCAL_OFFICE and not place[1] and named_place is None:
        # ... and where a person of the kelurahan did it ("staf minta ...").
        found = _kelurahan_named(facts.words, rules, index)
        if found:
            return _match_text(facts, rules, (found, place_words))
    evidence = _Evidence(scores, labels, actors, mentions)
    model = rules.model
    if model is not None and best == LOCAL_OFFICE:
        # "surat pengantar" without a place: another office only if the model is sure of it.
        blended = _match_model(facts, rules, evidence, alone=True)
        if blended is not None and blended.opd is not None:
            return blended
    elif (
        model is not None
        and best != OUTSIDE
        and not offices
        and confidence < (_LOCAL_SURE if best in index.local_offices else model.sure)
    ):
        # Where an actor's office decided, who did it is not the model's to overrule; where the
        # rules named a body outside the city ("telkomsel", "samsat", "rsud m yunus"), the
        # model's guess at a city office from the words around it (a hospital's patients and
        # wards are the city hospital's words too) does not overrule them. Cross-validation: 15
        # cases more right, 6 fewer (where the city's office the story was about scored lower).
        blended = _match_model(facts, rules, evidence)
        if blended is not None:
            return blended
    matched = tuple(map(itemgetter(1), sorted(labels[best], key=itemgetter(0), reverse=True)))
    service = max(services[best].items(), key=itemgetter(1))[0] if best in services else None
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
    reason = _explain(facts, rules, best, evidence, f"{words_said}{via}")
    return _Match(best, RULE_TEXT, confidence, reason, matched, service)


class _Evidence(NamedTuple):
    """What the rules found, per target: points, labels, the actor, muted mentions."""

    scores: Mapping[str, float]
    labels: Mapping[str, list[tuple[float, str]]]
    actors: Mapping[str, tuple[float, str]]
    mentions: Mapping[str, tuple[float, str]]


def _text_hits(facts: Facts, index: "_TextIndex", place, place_words) -> dict:
    """rule id -> (score, rule, actor role, word weight) of the strongest occurrence."""
    hits: dict[int, tuple[float, TextRule, str, float]] = {}
    words = facts.words
    count = len(words)
    # Facts built by hand may leave out the aligned tuples: a missing weight is 1, a role "".
    stems = facts.stems + ("",) * (count - len(facts.stems))
    weights = facts.weights + (1.0,) * (count - len(facts.weights))
    roles = facts.roles + ("",) * (count - len(facts.roles))
    by_word, by_stem, phrases, office_of = (
        index.by_word,
        index.by_stem,
        index.phrases,
        index.office_of,
    )
    covered_to, covering = 0, set()
    acting = any(roles)  # most texts name no actor at all
    category, kecamatan = facts.category, place[1]
    first_words = index.first_words
    for position in range(count):
        word, stem = words[position], stems[position]
        if word not in first_words and stem not in by_stem:
            continue  # most words start no rule at all
        role = roles[position]
        if position in place_words and not (role and word in _PLACE_ONLY_CUES):
            # A place's name is no topic, whoever it is said of ("petugas kelurahan Pasar
            # Bengkulu": the market in the name is not the trade office's); its cue said of an
            # actor ("petugas kelurahan") still names whose person it was.
            continue
        if word in ACTORS and any(roles[position + 1 : position + _ACTING_SPAN]):
            # "pegawai dinas X minta", "pegawai yg ngurus aset minta", "oknum pegawai dinas
            # X": the noun (the first or the second of the same person) names the actor's kind,
            # said of every office's people; the words after it name the office.
            if position + 1 < count and roles[position + 1]:
                continue
            # Only a phrase it starts ("petugas kebersihan") still counts.
            candidates: Sequence[TextRule] = ()
        else:
            candidates = by_word.get(word, ())
            if stem and stem in by_stem:
                candidates = [*candidates, *by_stem[stem]]
        following = phrases.get(word)
        if following and position + 1 < count:
            starting = following.get(words[position + 1])
            if starting:
                said = [
                    rule
                    for rule in starting
                    if words[position : position + len(rule.terms)] == rule.terms
                ]
                if said:
                    if position >= covered_to:
                        # The longest phrase said here is the one meant: "rumah sakit swasta"
                        # is no "rumah sakit" of the city.
                        longest = max(len(rule.terms) for rule in said)
                        covering = {
                            office_of[rule.target] for rule in said if len(rule.terms) == longest
                        }
                        covered_to = position + longest
                    candidates = [*candidates, *said]
        if not candidates:
            continue  # the first word only of phrases not said here, or an actor's noun
        # A word inside a phrase that names an office says nothing of another office: "surat
        # keterangan usaha" is the kelurahan's paper, not the cooperatives office's "usaha";
        # "persetujuan bangunan gedung" is the permit desk's, not public works' "bangunan
        # gedung". Words of the same office still add up ("izin trayek", "trayek").
        covered = position < covered_to
        weight = weights[position]
        boost = ACTOR_BOOST if role and weight > 0 else 1.0
        for rule in candidates:
            if covered and office_of[rule.target] not in covering:
                continue
            if rule.category and rule.category != category:
                continue
            if rule.kecamatan and rule.kecamatan != kecamatan:
                continue
            said_role, said_boost = role, boost
            if not role and acting and len(rule.terms) > 1:
                # "oknum pegawai dinas sosial": the phrase's first word is glue the actor's
                # span skipped; the office's name in it is whose person it was.
                said_role = next(filter(None, roles[position : position + len(rule.terms)]), "")
                said_boost = ACTOR_BOOST if said_role and weight > 0 else 1.0
            score = rule.weight * weight * said_boost
            known = hits.get(rule.id)
            if known is None or score > known[0]:
                hits[rule.id] = (score, rule, said_role if weight > 0 else "", weight)
    return hits


def _explain(facts: Facts, rules: Rules, best: str, evidence: _Evidence, words_said: str) -> str:
    """One Indonesian line: the actor and the words that decided, and what was only mentioned."""
    name = rules.opds.get(best, best)
    actor = evidence.actors.get(best)
    if actor and actor[1] == UNANSWERED_ROLE:
        reason = f"Laporan ke {name} tidak ditindaklanjuti (kata {words_said}) → {name}"
    elif actor:
        deed = "meminta uang" if facts.category == WHEN_PUNGLI else "yang dikeluhkan"
        reason = f"{actor[1].capitalize()} {name} {deed} (kata {words_said}) → {name}"
    else:
        reason = f"Kata {words_said} → {name}"
    others = [(score, target) for target, score in evidence.scores.items() if target != best] + [
        (weight, target) for target, (weight, _label) in evidence.mentions.items()
    ]
    for _score, target in sorted(others, reverse=True):
        if target == best or target not in rules.opds:
            continue
        label = (
            evidence.mentions[target][1]
            if target in evidence.mentions
            else max(evidence.labels[target])[1]
        )
        if f"'{label}'" in words_said:
            continue  # a word that decided is not "only mentioned"
        role = "pelakunya" if actor else "yang dikeluhkan"
        reason += f"; '{label}' disebut, tetapi bukan {role}"
        break
    return reason[:400]


def _match_model(
    facts: Facts, rules: Rules, evidence: "_Evidence | None", *, alone: bool = False
) -> _Match | None:
    """The learned model where the rules are weak or unsure, blended with what they found."""
    model = rules.model
    if model is None:
        return None
    guess = model.predict(facts, evidence.scores if evidence else {})
    if guess is None:
        return None
    target, confidence, words = guess
    words_said = ", ".join(f"'{word}'" for word in words[:4]) or "dalam uraian"
    # Without any rule's support the model alone must be surer, and have more than one word
    # to go on ("pelayanan jelek" says nothing of which office).
    alone = alone or evidence is None
    threshold = model.threshold_alone if alone else model.threshold
    if target not in rules.opds or confidence < threshold or (alone and len(words) < 2):
        return _Match(
            None,
            RULE_MODEL,
            confidence,
            f"Kata {words_said} → belum cukup jelas OPD yang berwenang "
            "→ diverifikasi koordinator pengaduan",
            tuple(words),
        )
    if evidence is not None and target in evidence.scores:
        reason = _explain(facts, rules, target, evidence, words_said)
    else:
        reason = f"Kata {words_said} → {rules.opds[target]} (dipelajari dari koreksi petugas)"
    return _Match(target, RULE_MODEL, confidence, reason, tuple(words))


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
    # "Kebun Kenanga", "Sawah Lebar", "Jembatan Kecil": the words of a place's name are no
    # topic (a garden, a rice field, a bridge), wherever the name stands.
    muted = (
        set()
        if index.name_starts.isdisjoint(words)
        else _place_name_positions(words, index.name_starts, index.long_names)
    )
    if _PLACE_CUES.isdisjoint(words):
        return (found or ("", "")), frozenset(muted)  # most texts: no place named
    for position in range(len(words) - 1):
        word, name = words[position], position + 1
        if word not in _PLACE_CUES:
            continue
        if words[name] in _AREA_WORDS and name + 1 < len(words):
            name += 1  # "kantor camat daerah selebar"
        if word in _KELURAHAN_CUES:
            code = _name_at(words, name, index.kelurahan_names)
            place = (code, rules.areas[code].kecamatan) if code else None
        else:  # a kecamatan's cue
            code = _name_at(words, name, index.kecamatan_names)
            place = ("", code) if code else None
        if place is None:
            continue
        if word in _PLACE_ONLY_CUES:
            muted.add(position)
        found = found or place
    return (found or ("", "")), frozenset(muted)


def _place_said(words, place: tuple[str, str], place_words, rules: Rules) -> TextRule | None:
    """Where nothing else names an office, the kelurahan or kecamatan the text names with its
    cue is the office complained of ("Petugas Kelurahan Tanah Patah memarahi saya", "kecamatan
    ratu agung pasang pengumuman ..."), as a stand-in rule; a place-only cue is otherwise no
    evidence ("warga kelurahan X" next to "jalan berlubang" is where, not who)."""
    if not any(words[position] in _PLACE_ONLY_CUES for position in place_words):
        return None
    area = rules.areas.get(place[0])
    name = area.name if area else rules.kecamatan_names.get(place[1], "")
    cue = "kelurahan" if area else "kecamatan"
    return TextRule(
        id=_PLACE_SAID_ID,
        kind="phrase",
        terms=(),
        label=f"{cue} {name}".lower(),
        weight=PLACE_SAID_POINTS,
        target=LOCAL_OFFICE,
    )


def _kelurahan_named(words, rules: Rules, index: _TextIndex) -> tuple[str, str] | None:
    """(kelurahan, kecamatan) of the first kelurahan name anywhere in the words."""
    names = index.kelurahan_names
    for position, word in enumerate(words):
        if word in names:
            code = _name_at(words, position, names)
            if code:
                return code, rules.areas[code].kecamatan
    return None


def _place_name_positions(words, starts: frozenset, names: Mapping) -> set[int]:
    """The positions of the words of every place name of several words in the text."""
    positions: set[int] = set()
    for position in range(len(words)):
        if words[position] not in starts:
            continue
        for name, _code in names[words[position]]:
            if words[position : position + len(name)] == name:
                positions.update(range(position, position + len(name)))
                break
    return positions


def _name_at(words: tuple[str, ...], position: int, names: Mapping) -> str | None:
    for name, code in names.get(words[position], ()):
        if words[position : position + len(name)] == name:
            return code
    return None
