"""Writes of region packs: build a region's pack (from the dataset and the curated Kota Bengkulu
pack), import a pack over the directory in one transaction, export the directory as a pack.

An import replaces the directory and the rules with the pack's: rows are matched by code, rows the
pack leaves out are deleted — refused, with nothing written, when complaints are filed under them.
"""

import json
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q

from routing.directory import (
    DEFAULT_FIXTURE,
    DEFAULT_RULES,
    SERVICE_DEFAULTS,
    SERVICE_FIELDS,
    directory_read,
)
from routing.models import Kecamatan, Kelurahan, Opd, OversightRule, Region, Service, TextRule
from routing.regions import current, nomenclature, zones
from routing.regions.dataset import RegionFacts, region_facts
from routing.regions.pack import FORMAT, VERSION, PackError, pack_validate

CURATED_CODE = "17.71"
NATIONAL_STANDARDS = Path(__file__).resolve().parent.parent / "data" / "national_standards.json"


# --- Building packs --------------------------------------------------------------------------


def _pack(region: dict, **lists) -> dict:
    return {"format": FORMAT, "version": VERSION, "region": region, **lists}


def _service_row(row: dict, *, opd: str | None, active: bool = True) -> dict:
    values = {key: row[key] if key in row else SERVICE_DEFAULTS[key] for key in SERVICE_FIELDS}
    values["time_unit"] = values["time_unit"] or ""
    return {"code": row["code"], "opd": opd, **values, "active": active}


def curated_pack() -> dict:
    """The curated Kota Bengkulu directory and rules (``routing/data``) as a region pack."""
    data, rules = directory_read(DEFAULT_FIXTURE), directory_read(DEFAULT_RULES)
    region = data["region"]
    return _pack(
        {
            "code": region["code"],
            "name": region["name"],
            "government": f"Pemerintah {region['name']}",
            "province": region["province"],
            "time_zone": zones.zone_label(region["timezone"]),
        },
        kecamatan=[{"code": row["code"], "name": row["name"]} for row in data["kecamatan"]],
        kelurahan=[
            {"code": row["code"], "name": row["name"], "kecamatan": row["kecamatan"]}
            for row in data["kelurahan"]
        ],
        offices=[
            {
                "code": row["code"],
                "name": row["name"],
                "kind": row["kind"],
                "role": nomenclature.role_of(row["code"], row["kind"]),
                "kecamatan": row.get("kecamatan"),
                "notes": row.get("notes", ""),
                "confirmed": True,
                "active": True,
            }
            for row in data["opd"]
        ],
        services=[_service_row(row, opd=row["opd"]) for row in data["services"]],
        oversight_rules=[
            {"when": row["when"], "mode": row["mode"], "office": row["opd"], "active": True}
            for row in rules["oversight"]
        ],
        text_rules=[
            {
                "kind": row["kind"],
                "pattern": row["pattern"],
                "weight": float(row["weight"]),
                "target": row["target"],
                "office": row.get("opd"),
                "service": row.get("service"),
                "category": row.get("category", ""),
                "kecamatan": None,
                "place": row["pattern"] in nomenclature.PLACE_PATTERNS,
                "note": "",
                "active": True,
            }
            for row in rules["text"]
        ],
    )


def _offices_for(facts: RegionFacts, template: dict) -> list[dict]:
    notes = {
        row["role"]: row["notes"]
        for row in template["offices"]
        if row["role"] and not nomenclature.LOCAL_MARKERS.search(row["notes"])
    }
    offices = [
        {
            "code": role,
            "name": nomenclature.office_name(role, facts.name),
            "kind": kind,
            "role": role,
            "kecamatan": None,
            "notes": notes.get(role, ""),
            "confirmed": False,
            "active": True,
        }
        for role, (kind, _name) in nomenclature.ROLES.items()
    ]
    taken = {row["code"] for row in offices}
    for area in facts.kecamatan:
        code, name = nomenclature.kecamatan_office(
            area.code, area.name, distrik=int(facts.code[:2]) >= 91
        )
        if code in taken:  # two kecamatan of one name: the code tells them apart
            code = f"{code[:24]}-{area.code[-2:]}"
        taken.add(code)
        offices.append(
            {
                "code": code,
                "name": name,
                "kind": "kecamatan",
                "role": nomenclature.KECAMATAN,
                "kecamatan": area.code,
                "notes": "",
                "confirmed": False,
                "active": True,
            }
        )
    return offices


def _localized(row: dict, national: dict | None) -> dict:
    """A curated service as a new region gets it: what rests on national rules is kept, what
    rests on Kota Bengkulu's own (its Perda tariffs, its sources) becomes unknown."""
    row = dict(row)
    national_basis = (national or {}).get("legal_basis") or ""
    if nomenclature.LOCAL_MARKERS.search(national_basis):
        national_basis = ""
    if nomenclature.LOCAL_MARKERS.search(row["fee_basis"]) or row["fee_rupiah"] not in (0, None):
        free = national is not None and national.get("fee_rupiah") == 0
        row.update(
            fee_rupiah=0 if free else None,
            fee_basis=national_basis if free else "",
            fee_confirmed=False,
        )
    if nomenclature.LOCAL_MARKERS.search(row["time_basis"] + row["time_as_written"]):
        row.update(
            time_limit=None, time_unit="", time_basis="", time_as_written="", time_confirmed=False
        )
    for field in ("legal_basis", "source_note", "notes"):
        if nomenclature.LOCAL_MARKERS.search(row[field]):
            row[field] = national_basis if field == "legal_basis" else ""
    if row["fee_rupiah"] is None and row["requires_karcis"]:
        row["notes"] = (
            "Tarif lokal (Perda daerah ini) belum diisi: tetapkan di admin. "
            "Local tariff not set yet: enter it in the admin."
        )
    return row


def _national_row(entry: dict, role: str | None) -> dict:
    free = entry.get("fee_rupiah") == 0
    limit = entry.get("time_limit")
    return {
        "code": entry["code"],
        "opd": role,
        "name": entry["name"],
        "location_based": role is None,
        "fee_rupiah": 0 if free else None,
        "fee_confirmed": False,
        "fee_basis": entry["legal_basis"] if free else "",
        "requires_karcis": False,
        "legal_basis": entry["legal_basis"],
        "time_limit": limit,
        "time_unit": (entry.get("time_unit") or "") if limit is not None else "",
        "time_confirmed": False,
        "time_basis": entry["legal_basis"] if limit is not None else "",
        "time_as_written": "",
        "source_note": entry.get("confidence") or "",
        "notes": entry.get("note") or "",
        "active": True,
    }


def _services_for(template: dict, office_of_role: dict) -> list[dict]:
    national = {
        row["code"]: row
        for row in json.loads(NATIONAL_STANDARDS.read_text(encoding="utf-8"))["national_services"]
    }
    role_of_office = {row["code"]: row["role"] for row in template["offices"]}
    services = []
    for row in template["services"]:
        opd = office_of_role.get(role_of_office.get(row["opd"])) if row["opd"] else None
        if row["opd"] and opd is None:
            continue
        entry = national.get(nomenclature.NATIONAL_EQUIVALENT.get(row["code"], row["code"]))
        services.append({**_localized(row, entry), "opd": opd})
    known = {row["code"] for row in services}
    for code, entry in national.items():
        office_type = entry["office_type"]
        if code in known or code in nomenclature.NATIONAL_COVERED:
            continue
        if office_type in nomenclature.NOT_LOCAL_TYPES:
            continue
        if office_type in nomenclature.LOCAL_TYPES:
            services.append(_national_row(entry, None))
            continue
        role = nomenclature.ROLE_ALIASES.get(office_type, office_type)
        if role in office_of_role:
            services.append(_national_row(entry, office_of_role[role]))
    return services


def _rules_for(template: dict, office_of_role: dict, service_codes: set) -> dict:
    """The template's rules about services and office types, for the new region's offices;
    rules about the template region's places are left out."""
    role_of_office = {row["code"]: row["role"] for row in template["offices"]}

    def office(code):
        return office_of_role.get(role_of_office.get(code))

    oversight = [
        {**row, "office": office(row["office"])}
        for row in template["oversight_rules"]
        if office(row["office"])
    ]
    text = []
    for row in template["text_rules"]:
        if row["place"] or row["kecamatan"]:
            continue
        if row["office"] is not None and office(row["office"]) is None:
            continue
        if row["service"] is not None and row["service"] not in service_codes:
            continue
        text.append({**row, "office": office(row["office"]) if row["office"] else None})
    return {"oversight_rules": oversight, "text_rules": text}


def region_pack_build(code: str) -> dict:
    """The pack of a kabupaten/kota: the curated pack for Kota Bengkulu; for any other, its
    areas from the dataset, the standard offices (unconfirmed), the national services and the
    rules of the curated pack that are about services and office types."""
    facts = region_facts(code)
    template = curated_pack()
    if facts.code == CURATED_CODE:
        return template
    offices = _offices_for(facts, template)
    office_of_role = {row["role"]: row["code"] for row in offices if row["role"] != "KECAMATAN"}
    services = _services_for(template, office_of_role)
    return _pack(
        {
            "code": facts.code,
            "name": facts.name,
            "government": f"Pemerintah {facts.name}",
            "province": facts.province,
            "time_zone": zones.zone_label(zones.zone_of(facts.code)),
        },
        kecamatan=[{"code": area.code, "name": area.name} for area in facts.kecamatan],
        kelurahan=[
            {"code": village.code, "name": village.name, "kecamatan": kec}
            for kec, villages in facts.villages.items()
            for village in villages
        ],
        offices=offices,
        services=services,
        **_rules_for(template, office_of_role, {row["code"] for row in services}),
    )


# --- Import ----------------------------------------------------------------------------------


def _stale(model, codes) -> list:
    return list(model.objects.exclude(code__in=codes).order_by("code"))


def _refuse_orphans(stale: dict) -> None:
    from complaints.models import Complaint  # complaints depends on routing, not the reverse

    filed = Complaint.objects.filter(
        Q(opd__in=stale[Opd])
        | Q(reported_opd__in=stale[Opd])
        | Q(service__in=stale[Service])
        | Q(kelurahan__in=stale[Kelurahan])
        | Q(kecamatan__in=stale[Kecamatan])
    )
    count = filed.count()
    if count:
        names = sorted({row.code for rows in stale.values() for row in rows})
        shown = ", ".join(names[:8]) + (" …" if len(names) > 8 else "")
        raise PackError(
            f"{count} complaint(s) are filed under offices, services or areas this pack leaves "
            f"out ({shown}); importing it would orphan them. Nothing was written."
        )


def region_import(pack: dict) -> dict:
    """Replace the directory, the rules and the region with ``pack``'s, all or nothing.
    Returns the number of rows per kind."""
    pack_validate(pack)
    try:
        with transaction.atomic():
            counts = _import(pack)
    except ProtectedError as error:
        blocking = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})
        raise PackError(
            f"The pack leaves out directory rows that {', '.join(blocking)} still use; "
            "nothing was written."
        ) from None
    except IntegrityError as error:
        raise PackError(
            f"The pack breaks a rule of the directory ({error}); nothing was written."
        ) from None
    finally:
        current.region_forget()
    return counts


def _import(pack: dict) -> dict:
    codes = {
        Kecamatan: {row["code"] for row in pack["kecamatan"]},
        Kelurahan: {row["code"] for row in pack["kelurahan"]},
        Opd: {row["code"] for row in pack["offices"]},
        Service: {row["code"] for row in pack["services"]},
    }
    stale = {model: _stale(model, wanted) for model, wanted in codes.items()}
    _refuse_orphans(stale)
    TextRule.objects.all().delete()
    OversightRule.objects.all().delete()
    kecamatan = {}
    for row in pack["kecamatan"]:
        kecamatan[row["code"]], _ = Kecamatan.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )
    for row in pack["kelurahan"]:
        Kelurahan.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "kecamatan": kecamatan[row["kecamatan"]]},
        )
    # An office that will not be a kecamatan office (or not be at all) lets go of its
    # kecamatan first, so that the pack's office of that kecamatan can take it (one each).
    Opd.objects.filter(kind="kecamatan").exclude(
        code__in=[row["code"] for row in pack["offices"] if row["kecamatan"]]
    ).update(kind="dinas", kecamatan=None)
    offices = {}
    for row in pack["offices"]:
        offices[row["code"]], _ = Opd.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "role": row["role"],
                "kecamatan": kecamatan[row["kecamatan"]] if row["kecamatan"] else None,
                "notes": row["notes"],
                "confirmed": row["confirmed"],
                "is_active": row["active"],
            },
        )
    services = {}
    for row in pack["services"]:
        values = {key: row[key] for key in SERVICE_FIELDS}
        values.update(opd=offices[row["opd"]] if row["opd"] else None, is_active=row["active"])
        services[row["code"]], _ = Service.objects.update_or_create(
            code=row["code"], defaults=values
        )
    # What the pack leaves out goes last, once nothing of the pack points to it.
    for model in (Service, Opd, Kelurahan, Kecamatan):
        model.objects.filter(pk__in=[row.pk for row in stale[model]]).delete()
    OversightRule.objects.bulk_create(
        OversightRule(
            when=row["when"], mode=row["mode"], opd=offices[row["office"]], is_active=row["active"]
        )
        for row in pack["oversight_rules"]
    )
    TextRule.objects.bulk_create(
        TextRule(
            kind=row["kind"],
            pattern=row["pattern"],
            weight=row["weight"],
            target=row["target"],
            opd=offices[row["office"]] if row["office"] else None,
            service=services[row["service"]] if row["service"] else None,
            category=row["category"],
            kecamatan=kecamatan[row["kecamatan"]] if row["kecamatan"] else None,
            note=row["note"],
            is_active=row["active"],
        )
        for row in pack["text_rules"]
    )
    region = pack["region"]
    Region.objects.exclude(code=region["code"]).delete()
    Region.objects.update_or_create(
        code=region["code"],
        defaults={
            "name": region["name"],
            "government": region["government"],
            "province": region["province"],
            "time_zone": zones.ZONES[region["time_zone"]],
            "format_version": pack["version"],
        },
    )
    return {section: len(pack[section]) for section in pack if isinstance(pack[section], list)}


def region_init(code: str) -> dict:
    """``region_init``: build the region's pack and import it."""
    return region_import(region_pack_build(code))


# --- Export ----------------------------------------------------------------------------------


def region_export() -> dict:
    """The directory, rules and region as a pack (deterministic order)."""
    region = Region.objects.first()
    if region is None:  # a directory loaded by load_directory alone: Kota Bengkulu's
        head = curated_pack()["region"]
    else:
        head = {
            "code": region.code,
            "name": region.name,
            "government": region.government,
            "province": region.province,
            "time_zone": zones.zone_label(region.time_zone),
        }
    return _pack(
        head,
        kecamatan=[
            {"code": row.code, "name": row.name} for row in Kecamatan.objects.order_by("code")
        ],
        kelurahan=[
            {"code": row.code, "name": row.name, "kecamatan": row.kecamatan.code}
            for row in Kelurahan.objects.select_related("kecamatan").order_by("code")
        ],
        offices=[
            {
                "code": row.code,
                "name": row.name,
                "kind": row.kind,
                "role": row.role or nomenclature.role_of(row.code, row.kind),
                "kecamatan": row.kecamatan.code if row.kecamatan else None,
                "notes": row.notes,
                "confirmed": row.confirmed,
                "active": row.is_active,
            }
            for row in Opd.objects.select_related("kecamatan").order_by("code")
        ],
        services=[
            {
                "code": row.code,
                "opd": row.opd.code if row.opd else None,
                **{key: getattr(row, key) for key in SERVICE_FIELDS},
                "active": row.is_active,
            }
            for row in Service.objects.select_related("opd").order_by("code")
        ],
        oversight_rules=[
            {"when": row.when, "mode": row.mode, "office": row.opd.code, "active": row.is_active}
            for row in OversightRule.objects.select_related("opd").order_by(
                "when", "mode", "opd__code"
            )
        ],
        text_rules=[
            {
                "kind": row.kind,
                "pattern": row.pattern,
                "weight": float(row.weight),
                "target": row.target,
                "office": row.opd.code if row.opd else None,
                "service": row.service.code if row.service else None,
                "category": row.category,
                "kecamatan": row.kecamatan.code if row.kecamatan else None,
                "place": row.pattern in nomenclature.PLACE_PATTERNS or row.kecamatan is not None,
                "note": row.note,
                "active": row.is_active,
            }
            for row in TextRule.objects.select_related("opd", "service", "kecamatan").order_by(
                "target", "opd__code", "service__code", "kind", "pattern", "category", "id"
            )
        ],
    )
