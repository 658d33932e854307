"""Indonesia's three time zones, from a Kemendagri code alone (no database).

Read by the settings (``TIME_ZONE`` follows the ``REGION`` variable) and by the pages (the
zone's short name after a time). The province is the first two digits of the code.
"""

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"

ZONES = {"WIB": WIB, "WITA": WITA, "WIT": WIT}
LABELS = {zone: label for label, zone in ZONES.items()}

# Provinces east of WIB (Permendagri/Keppres 41/1987): Bali, Nusa Tenggara, Kalimantan Selatan,
# Timur and Utara, and Sulawesi are WITA; Maluku and Papua are WIT. Every other province is WIB.
_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}


def zone_of(code: str) -> str:
    """The IANA zone of a region code (``73.71`` -> ``Asia/Makassar``)."""
    province = str(code).strip()[:2]
    if province in _WIT_PROVINCES:
        return WIT
    if province in _WITA_PROVINCES:
        return WITA
    return WIB


def zone_label(zone) -> str:
    """``WIB``, ``WITA`` or ``WIT`` for a zone (a name or a tzinfo); the name itself otherwise."""
    key = getattr(zone, "key", None) or str(zone)
    return LABELS.get(key, key)
