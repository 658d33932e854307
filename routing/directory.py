"""Loads the city directory (areas, OPDs, services) and the default routing rules.

Idempotent. Each service's fee and time limit come with the rule they rest on (``fee_basis``,
``time_basis``, and ``time_as_written`` for a rule written in hours) and whether that rule was
read in its own text (``fee_confirmed``, ``time_confirmed``); ``null`` stays unknown, never 0.
Directory rows are matched by their code; existing rows are left as an admin edited them unless
``update=True`` asks to overwrite them with the fixture's figures. The routing rules are seeded
once, into an empty rule table, so that rules an admin deleted stay deleted; ``update=True`` adds
the missing default rules, resets the default weights and switches off the defaults of earlier
releases that the rules file retires (``retired_text``): a default that was wrong is no longer
left to compete with its correction.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from routing.models import Kecamatan, Kelurahan, Opd, OversightRule, Service, TextRule

DEFAULT_FIXTURE = Path(__file__).resolve().parent / "data" / "kota_bengkulu.json"
DEFAULT_RULES = Path(__file__).resolve().parent / "data" / "rules_kota_bengkulu.json"

SERVICE_FIELDS = (
    "name",
    "location_based",
    "fee_rupiah",
    "fee_confirmed",
    "fee_basis",
    "requires_karcis",
    "legal_basis",
    "time_limit",
    "time_unit",
    "time_confirmed",
    "time_basis",
    "time_as_written",
    "source_note",
    "notes",
)
# A directory written before the standards carried their bases (another city's, an old export)
# still loads: a basis it lacks is empty, which the pages show as "not known".
SERVICE_DEFAULTS = {"fee_basis": "", "time_basis": "", "time_as_written": ""}


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def directory_read(path: Path = DEFAULT_FIXTURE) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def directory_load(*, data: dict, update: bool = False) -> LoadReport:
    """Create every area, OPD and service of ``data`` that is missing (or overwrite, if asked)."""
    report = LoadReport()

    def put(model, code: str, values: dict):
        obj = model.objects.filter(code=code).first()
        if obj is None:
            model.objects.create(code=code, **values)
            report.created += 1
        elif update and any(getattr(obj, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(obj, key, value)
            obj.save()
            report.updated += 1
        else:
            report.unchanged += 1

    for row in data["kecamatan"]:
        put(Kecamatan, row["code"], {"name": row["name"]})
    kecamatan = {k.code: k for k in Kecamatan.objects.all()}
    for row in data["kelurahan"]:
        put(Kelurahan, row["code"], {"name": row["name"], "kecamatan": kecamatan[row["kecamatan"]]})
    for row in data["opd"]:
        values = {
            "name": row["name"],
            "kind": row["kind"],
            "notes": row.get("notes", ""),
            "kecamatan": kecamatan[row["kecamatan"]] if row.get("kecamatan") else None,
        }
        put(Opd, row["code"], values)
    opds = {o.code: o for o in Opd.objects.all()}
    for row in data["services"]:
        values = {key: row[key] if key in row else SERVICE_DEFAULTS[key] for key in SERVICE_FIELDS}
        values["opd"] = opds[row["opd"]] if row["opd"] else None
        put(Service, row["code"], values)
    return report


@transaction.atomic
def rules_load(*, data: dict, update: bool = False) -> LoadReport:
    """Seed the oversight and text rules (see the module docstring for when)."""
    report = LoadReport()
    if not update and (TextRule.objects.exists() or OversightRule.objects.exists()):
        report.unchanged = TextRule.objects.count() + OversightRule.objects.count()
        return report
    opds = {o.code: o for o in Opd.objects.all()}
    services = {s.code: s for s in Service.objects.all()}
    for row in data["oversight"]:
        _rule, created = OversightRule.objects.get_or_create(
            when=row["when"], mode=row["mode"], opd=opds[row["opd"]]
        )
        report.created += created
        report.unchanged += not created
    for row in data["text"]:
        key = _text_rule_key(row, opds, services)
        rule, created = TextRule.objects.get_or_create(**key, defaults={"weight": row["weight"]})
        if created:
            report.created += 1
        elif rule.weight != row["weight"]:
            rule.weight = row["weight"]
            rule.save(update_fields=["weight", "updated_at"])
            report.updated += 1
        else:
            report.unchanged += 1
    for row in data.get("retired_text", ()):
        office, service = row.get("opd"), row.get("service")
        if (office and office not in opds) or (service and service not in services):
            continue  # an office or service this installation never had: no such rule either
        retired = TextRule.objects.filter(**_text_rule_key(row, opds, services), is_active=True)
        for rule in retired:
            rule.is_active = False
            rule.save(update_fields=["is_active", "updated_at"])  # saved: the cache sees it
            report.updated += 1
    return report


def _text_rule_key(row: dict, opds: dict, services: dict) -> dict:
    """The columns that make a default text rule the one of the rules file (all but weight)."""
    return {
        "kind": row["kind"],
        "pattern": row["pattern"],
        "target": row["target"],
        "opd": opds[row["opd"]] if row.get("opd") else None,
        "service": services[row["service"]] if row.get("service") else None,
        "category": row.get("category", ""),
        "kecamatan": None,
    }
