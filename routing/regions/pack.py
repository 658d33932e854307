"""The region pack file: one versioned JSON document with a region's whole directory, its rules
and the portal's identity, written one record per line so that errors can name their line.

Format (``version`` 1)::

    {"format": "lapor-pungli-region-pack", "version": 1,
     "region": {"code", "name", "government", "province", "time_zone": "WIB"|"WITA"|"WIT"},
     "kecamatan": [{"code", "name"}],
     "kelurahan": [{"code", "name", "kecamatan"}],
     "offices": [{"code", "name", "kind", "role", "kecamatan", "notes", "confirmed", "active"}],
     "services": [{"code", "opd", <the standard's fields>, "active"}],
     "oversight_rules": [{"when", "mode", "office", "active"}],
     "text_rules": [{"kind", "pattern", "weight", "target", "office", "service", "category",
                     "kecamatan", "place", "note", "active"}]}

Rules name offices by code; each office carries its nomenclature ``role``
(``routing.regions.nomenclature``), which is how a new region inherits rules written for another.
``place`` marks a rule about the region's own places (markets, beaches, landmarks).
"""

import bisect
import json
import re
from json import decoder as json_decoder
from json import scanner as json_scanner

from routing.directory import SERVICE_FIELDS
from routing.models import Opd, OversightRule, Service, TextRule
from routing.regions import nomenclature, zones

FORMAT = "lapor-pungli-region-pack"
VERSION = 1
LISTS = ("kecamatan", "kelurahan", "offices", "services", "oversight_rules", "text_rules")

_STR, _OPT_STR, _BOOL, _OPT_INT, _NUMBER = "text", "text or null", "true/false", "int", "number"
FIELDS = {
    "region": {
        "code": _STR,
        "name": _STR,
        "government": _STR,
        "province": _STR,
        "time_zone": _STR,
    },
    "kecamatan": {"code": _STR, "name": _STR},
    "kelurahan": {"code": _STR, "name": _STR, "kecamatan": _STR},
    "offices": {
        "code": _STR,
        "name": _STR,
        "kind": _STR,
        "role": _STR,
        "kecamatan": _OPT_STR,
        "notes": _STR,
        "confirmed": _BOOL,
        "active": _BOOL,
    },
    "services": {
        "code": _STR,
        "opd": _OPT_STR,
        "name": _STR,
        "location_based": _BOOL,
        "fee_rupiah": _OPT_INT,
        "fee_confirmed": _BOOL,
        "fee_basis": _STR,
        "requires_karcis": _BOOL,
        "legal_basis": _STR,
        "time_limit": _OPT_INT,
        "time_unit": _STR,
        "time_confirmed": _BOOL,
        "time_basis": _STR,
        "time_as_written": _STR,
        "source_note": _STR,
        "notes": _STR,
        "active": _BOOL,
    },
    "oversight_rules": {"when": _STR, "mode": _STR, "office": _STR, "active": _BOOL},
    "text_rules": {
        "kind": _STR,
        "pattern": _STR,
        "weight": _NUMBER,
        "target": _STR,
        "office": _OPT_STR,
        "service": _OPT_STR,
        "category": _STR,
        "kecamatan": _OPT_STR,
        "place": _BOOL,
        "note": _STR,
        "active": _BOOL,
    },
}
assert set(FIELDS["services"]) >= set(SERVICE_FIELDS)


# A key at the start of its line: where the pack's own fields are written.
_TOP_KEY = re.compile(r'^\s*"(\w+)"\s*:')


class PackError(ValueError):
    """A pack that cannot be imported; the message names the line and field."""


class _Located(dict):
    """A JSON object that remembers the line it starts on (and the pack, its keys' lines)."""

    line = 0
    key_lines: dict = {}


def _object_with_line(lines_at):
    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        start = s_and_end[1] - 1
        value, end = json_decoder.JSONObject(
            s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo
        )
        located = _Located(value)
        located.line = bisect.bisect_right(lines_at, start) + 1
        return located, end

    return parse_object


def pack_parse(text: str) -> dict:
    """The pack's JSON with every object's line (``obj.line``), or ``PackError``."""
    lines_at = [i for i, char in enumerate(text) if char == "\n"]
    parser = json.JSONDecoder()
    parser.parse_object = _object_with_line(lines_at)
    parser.scan_once = json_scanner.py_make_scanner(parser)
    try:
        data = parser.decode(text)
    except json.JSONDecodeError as error:
        raise PackError(f"line {error.lineno}: not valid JSON ({error.msg}).") from None
    if not isinstance(data, dict):
        raise PackError("line 1: a region pack is a JSON object.")
    data.key_lines = {}
    for number, line in enumerate(text.splitlines(), 1):
        key = _TOP_KEY.match(line)
        if key and key.group(1) in data:
            data.key_lines.setdefault(key.group(1), number)
    return data


def pack_dumps(pack: dict) -> str:
    """The pack as text: header fields, then one record per line (diff-friendly, and the
    line an error names is the record's)."""
    out = ["{"]
    head = [key for key in pack if key not in LISTS]
    for key in head:
        out.append(f"  {json.dumps(key)}: {json.dumps(pack[key], ensure_ascii=False)},")
    for index, key in enumerate(LISTS):
        rows = pack.get(key, [])
        out.append(f"  {json.dumps(key)}: [")
        out += [
            f"    {json.dumps(row, ensure_ascii=False)}{',' if i < len(rows) - 1 else ''}"
            for i, row in enumerate(rows)
        ]
        out.append("  ]" + ("," if index < len(LISTS) - 1 else ""))
    out.append("}")
    return "\n".join(out) + "\n"


def _where(row, section: str, index: int | None = None) -> str:
    line = getattr(row, "key_lines", {}).get(section) or getattr(row, "line", 0)
    place = f"{section}[{index}]" if index is not None else section
    return f"line {line}: {place}" if line else place


def _type_ok(value, kind: str) -> bool:
    if kind == _STR:
        return isinstance(value, str)
    if kind == _OPT_STR:
        return value is None or isinstance(value, str)
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind == _OPT_INT:
        return value is None or (isinstance(value, int) and not isinstance(value, bool))
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_fields(row, section: str, index: int | None) -> None:
    where = _where(row, section, index)
    if not isinstance(row, dict):
        raise PackError(f"{where}: each entry is a JSON object.")
    for field, kind in FIELDS[section].items():
        if field not in row:
            raise PackError(f"{where}: field '{field}' is missing.")
        if not _type_ok(row[field], kind):
            raise PackError(f"{where}: field '{field}' must be {kind}, not {row[field]!r}.")
    unknown = sorted(set(row) - set(FIELDS[section]))
    if unknown:
        raise PackError(f"{where}: unknown field '{unknown[0]}'.")


def pack_validate(pack: dict) -> None:
    """Every check a pack must pass before anything is written; ``PackError`` names the line,
    the record and the field of the first problem."""
    if pack.get("format") != FORMAT:
        raise PackError(f"{_where(pack, 'format')}: field 'format' must be {FORMAT!r}.")
    version = pack.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PackError(f"{_where(pack, 'version')}: field 'version' must be a whole number.")
    if version > VERSION:
        raise PackError(
            f"{_where(pack, 'version')}: the pack has format version {version}, newer than "
            f"this portal reads ({VERSION}); update the portal first."
        )
    region = pack.get("region")
    _check_fields(region, "region", None)
    code = region["code"]
    if len(code) != 5 or code[2] != "." or not code.replace(".", "").isdigit():
        raise PackError(f"{_where(region, 'region')}: field 'code' {code!r} is no NN.NN code.")
    if region["time_zone"] not in zones.ZONES:
        raise PackError(
            f"{_where(region, 'region')}: field 'time_zone' must be WIB, WITA or WIT, not "
            f"{region['time_zone']!r}."
        )
    for section in LISTS:
        if not isinstance(pack.get(section), list):
            raise PackError(f"{_where(pack, section)}: field '{section}' must be a list.")
        for index, row in enumerate(pack[section]):
            _check_fields(row, section, index)
    _validate_references(pack, code)


def _unique(pack: dict, section: str, key) -> dict:
    seen = {}
    for index, row in enumerate(pack[section]):
        value = key(row)
        if value in seen:
            shown = value if isinstance(value, str) else " ".join(str(part) for part in value)
            raise PackError(
                f"{_where(row, section, index)}: duplicate {section.rstrip('s')} {shown!r} "
                f"(first on line {seen[value].line})."
            )
        seen[value] = row
    return seen


def _validate_references(pack: dict, region_code: str) -> None:
    kecamatan = _unique(pack, "kecamatan", lambda row: row["code"])
    for index, row in enumerate(pack["kecamatan"]):
        if not row["code"].startswith(region_code + ".") or row["code"].count(".") != 2:
            raise PackError(
                f"{_where(row, 'kecamatan', index)}: field 'code' {row['code']!r} is not a "
                f"kecamatan of region {region_code}."
            )
    _unique(pack, "kelurahan", lambda row: row["code"])
    for index, row in enumerate(pack["kelurahan"]):
        where = _where(row, "kelurahan", index)
        if row["kecamatan"] not in kecamatan:
            raise PackError(f"{where}: field 'kecamatan' {row['kecamatan']!r} is not in the pack.")
        if not row["code"].startswith(row["kecamatan"] + ".") or row["code"].count(".") != 3:
            raise PackError(
                f"{where}: field 'code' {row['code']!r} is not in kecamatan {row['kecamatan']}."
            )
    offices = _unique(pack, "offices", lambda row: row["code"])
    kinds = set(Opd.Kind.values)
    roles = set(nomenclature.ROLES) | {nomenclature.KECAMATAN}
    served = {}
    for index, row in enumerate(pack["offices"]):
        where = _where(row, "offices", index)
        if row["kind"] not in kinds:
            raise PackError(
                f"{where}: field 'kind' {row['kind']!r} is an unknown office type "
                f"(one of {', '.join(sorted(kinds))})."
            )
        if row["role"] and row["role"] not in roles:
            raise PackError(f"{where}: field 'role' {row['role']!r} is an unknown office type.")
        if len(row["code"]) > 32 or not row["code"]:
            raise PackError(f"{where}: field 'code' must be 1 to 32 characters.")
        if (row["kind"] == "kecamatan") != bool(row["kecamatan"]):
            raise PackError(
                f"{where}: field 'kecamatan' is needed by a kecamatan office, and only by it."
            )
        if row["kecamatan"]:
            if row["kecamatan"] not in kecamatan:
                raise PackError(
                    f"{where}: field 'kecamatan' {row['kecamatan']!r} is not in the pack."
                )
            if row["kecamatan"] in served:
                raise PackError(
                    f"{where}: field 'kecamatan' {row['kecamatan']!r} has an office already "
                    f"(line {served[row['kecamatan']].line})."
                )
            served[row["kecamatan"]] = row
    services = _unique(pack, "services", lambda row: row["code"])
    for index, row in enumerate(pack["services"]):
        where = _where(row, "services", index)
        if row["opd"] is not None and row["opd"] not in offices:
            raise PackError(f"{where}: field 'opd' {row['opd']!r} is not an office of the pack.")
        if row["location_based"] == (row["opd"] is not None):
            raise PackError(
                f"{where}: field 'opd' must be null exactly when 'location_based' is true."
            )
        if row["time_unit"] not in ("", *Service.TimeUnit.values):
            raise PackError(f"{where}: field 'time_unit' {row['time_unit']!r} is unknown.")
        if (row["time_limit"] is None) != (row["time_unit"] == ""):
            raise PackError(f"{where}: field 'time_unit' goes with 'time_limit', both or neither.")
        for field in ("fee_rupiah", "time_limit"):
            if row[field] is not None and row[field] < 0:
                raise PackError(f"{where}: field '{field}' cannot be negative.")
    _unique(pack, "oversight_rules", lambda row: (row["when"], row["mode"], row["office"]))
    for index, row in enumerate(pack["oversight_rules"]):
        where = _where(row, "oversight_rules", index)
        if row["when"] not in OversightRule.When.values:
            raise PackError(f"{where}: field 'when' {row['when']!r} is unknown.")
        if row["mode"] not in OversightRule.Mode.values:
            raise PackError(f"{where}: field 'mode' {row['mode']!r} is unknown.")
        if row["office"] not in offices:
            raise PackError(f"{where}: field 'office' {row['office']!r} is not in the pack.")
    _unique(
        pack,
        "text_rules",
        lambda row: tuple(
            row[k]
            for k in ("kind", "pattern", "target", "office", "service", "category", "kecamatan")
        ),
    )
    for index, row in enumerate(pack["text_rules"]):
        _validate_text_rule(row, _where(row, "text_rules", index), offices, services, kecamatan)


def _validate_text_rule(row, where, offices, services, kecamatan) -> None:
    if row["kind"] not in TextRule.Kind.values:
        raise PackError(f"{where}: field 'kind' {row['kind']!r} is unknown.")
    if row["target"] not in TextRule.Target.values:
        raise PackError(f"{where}: field 'target' {row['target']!r} is unknown.")
    if row["category"] not in TextRule.Category.values:
        raise PackError(f"{where}: field 'category' {row['category']!r} is unknown.")
    if not 0 < row["weight"] <= 10:
        raise PackError(f"{where}: field 'weight' must be above 0 and at most 10.")
    wants = {"opd": "office", "service": "service"}.get(row["target"])
    for field, known in (("office", offices), ("service", services)):
        if field == wants and row[field] is None:
            raise PackError(f"{where}: field '{field}' is needed by target {row['target']!r}.")
        if field != wants and row[field] is not None:
            raise PackError(f"{where}: field '{field}' must be null for target {row['target']!r}.")
        if row[field] is not None and row[field] not in known:
            raise PackError(f"{where}: field '{field}' {row[field]!r} is not in the pack.")
    if row["kecamatan"] is not None and row["kecamatan"] not in kecamatan:
        raise PackError(f"{where}: field 'kecamatan' {row['kecamatan']!r} is not in the pack.")
