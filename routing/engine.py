"""The routing engine: facts about one complaint + the city's rules -> a decision with a reason.

Pure: no Django, no database, no settings. Everything it needs arrives as immutable inputs
(``Rules``), so it can be table-tested and benchmarked on its own. PRODUCT.md §3 "Routing" is
the order followed here:

1. a chosen service -> its OPD (a local service -> the kecamatan office of the place);
2. a chosen OPD office -> that OPD;
3. otherwise -> ``triage`` for the complaint coordinator.

Always: ``pungli`` -> the Inspektorat gets an oversight copy; a complaint that involves the head
of an OPD goes to the Inspektorat as primary, never to that OPD.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

ASSIGNED = "assigned"
TRIAGE = "triage"

RULE_SERVICE = "service"
RULE_SERVICE_LOCATION = "service_location"
RULE_OPD = "opd"
RULE_INVOLVES_HEAD = "involves_head"
RULE_NONE = "none"


def _frozen(mapping: Mapping | None) -> Mapping:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, slots=True)
class Facts:
    """What the reporter told us, as codes (all optional but the category)."""

    category: str
    description: str = ""
    service: str | None = None
    opd: str | None = None
    kelurahan: str | None = None
    involves_head: bool = False


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


@dataclass(frozen=True)
class Rules:
    """Everything the engine knows about the city, read-only."""

    opds: Mapping[str, str] = field(default_factory=dict)  # OPD code -> name
    services: Mapping[str, ServiceRoute] = field(default_factory=dict)
    areas: Mapping[str, Area] = field(default_factory=dict)  # kelurahan code -> area
    kecamatan_offices: Mapping[str, str] = field(default_factory=dict)  # kecamatan -> OPD
    inspektorat: str = "INSPEKTORAT"

    def __post_init__(self):
        for name in ("opds", "services", "areas", "kecamatan_offices"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))


@dataclass(frozen=True, slots=True)
class Decision:
    opd: str | None
    status: str  # ASSIGNED or TRIAGE
    oversight: tuple[str, ...]
    rule: str
    confidence: float
    reason: str  # one line, Indonesian, shown to reporter and staff


@dataclass(frozen=True, slots=True)
class _Match:
    opd: str | None
    rule: str
    confidence: float
    reason: str


def route(facts: Facts, rules: Rules) -> Decision:
    """Decide who handles a complaint, and say why in one Indonesian sentence."""
    match = _match_service(facts, rules) or _match_opd(facts, rules) or _no_match()
    if facts.involves_head:
        match = _bypass_head(match, rules)
    oversight = _oversight(facts, rules, match.opd)
    reason = match.reason
    if oversight:
        names = ", ".join(rules.opds.get(code, code) for code in oversight)
        reason = f"{reason}; tembusan pengawasan ke {names} (dugaan pungli)"
    return Decision(
        opd=match.opd,
        status=ASSIGNED if match.opd else TRIAGE,
        oversight=oversight,
        rule=match.rule,
        confidence=match.confidence,
        reason=reason,
    )


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
        )
    area = rules.areas.get(facts.kelurahan or "")
    office = rules.kecamatan_offices.get(area.kecamatan) if area else None
    if office is None:
        return None  # a local service without a place: the chosen office or triage decides
    return _Match(
        office,
        RULE_SERVICE_LOCATION,
        1.0,
        f"Layanan {service.name} di Kel. {area.name} → {rules.opds.get(office, office)}",
    )


def _match_opd(facts: Facts, rules: Rules) -> _Match | None:
    if not facts.opd or facts.opd not in rules.opds:
        return None
    return _Match(
        facts.opd, RULE_OPD, 0.9, f"Kantor yang dipilih pelapor → {rules.opds[facts.opd]}"
    )


def _no_match() -> _Match:
    return _Match(
        None,
        RULE_NONE,
        0.0,
        "Belum jelas OPD yang berwenang → diverifikasi koordinator pengaduan",
    )


def _bypass_head(match: _Match, rules: Rules) -> _Match:
    inspektorat_name = rules.opds.get(rules.inspektorat, rules.inspektorat)
    about = f" {rules.opds.get(match.opd, match.opd)}" if match.opd else ""
    return _Match(
        rules.inspektorat,
        RULE_INVOLVES_HEAD,
        1.0,
        f"Melibatkan pimpinan OPD{about} → {inspektorat_name}, bukan ke OPD tersebut",
    )


def _oversight(facts: Facts, rules: Rules, primary: str | None) -> tuple[str, ...]:
    if facts.category == "pungli" and primary != rules.inspektorat:
        return (rules.inspektorat,)
    return ()
