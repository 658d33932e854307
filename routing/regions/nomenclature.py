"""The standard offices of a kabupaten/kota (PP 18/2016 on Perangkat Daerah and its successors)
and what a new region inherits from the curated Kota Bengkulu directory.

Every region has the same offices under the same nomenclature; their codes here are the roles
the packs' rules and national services are written for. A new region's office takes its role as
its code (``DISHUB``), so the duties of ``routing/data/duties_kota_bengkulu.json`` and the demo
accounts (``kepala-dishub``) work in every region. Names are the standard ones followed by the
region's (``Dinas Perhubungan Kota Padang``); the admin confirms or corrects them.
"""

import re
import unicodedata

# role -> (kind, standard name). Order: how the admin lists them.
ROLES: dict[str, tuple[str, str]] = {
    "INSPEKTORAT": ("inspektorat", "Inspektorat Daerah"),
    "SETDA": ("sekretariat", "Sekretariat Daerah"),
    "SETWAN": ("sekretariat", "Sekretariat DPRD"),
    "SATPOLPP": ("satuan", "Satuan Polisi Pamong Praja"),
    "BAPPEDA": ("badan", "Badan Perencanaan Pembangunan Daerah"),
    "BAPENDA": ("badan", "Badan Pendapatan Daerah"),
    "BPKAD": ("badan", "Badan Pengelolaan Keuangan dan Aset Daerah"),
    "BKPSDM": ("badan", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"),
    "BPBD": ("badan", "Badan Penanggulangan Bencana Daerah"),
    "KESBANGPOL": ("badan", "Badan Kesatuan Bangsa dan Politik"),
    "DIKBUD": ("dinas", "Dinas Pendidikan dan Kebudayaan"),
    "DINKES": ("dinas", "Dinas Kesehatan"),
    "PUPR": ("dinas", "Dinas Pekerjaan Umum dan Penataan Ruang"),
    "DISPERKIMTAN": ("dinas", "Dinas Perumahan Rakyat, Kawasan Permukiman dan Pertanahan"),
    "DINSOS": ("dinas", "Dinas Sosial"),
    "DISNAKER": ("dinas", "Dinas Ketenagakerjaan"),
    "DP3AP2KB": (
        "dinas",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan Keluarga "
        "Berencana",
    ),
    "DISPANTAN": ("dinas", "Dinas Pangan dan Pertanian"),
    "DLH": ("dinas", "Dinas Lingkungan Hidup"),
    "DUKCAPIL": ("dinas", "Dinas Kependudukan dan Pencatatan Sipil"),
    "DISHUB": ("dinas", "Dinas Perhubungan"),
    "DISKOMINFO": ("dinas", "Dinas Komunikasi dan Informatika"),
    "DISKOPUKM": ("dinas", "Dinas Koperasi dan Usaha Kecil Menengah"),
    "DPMPTSP": ("dinas", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"),
    "DISPORA": ("dinas", "Dinas Pemuda dan Olahraga"),
    "DISPAR": ("dinas", "Dinas Pariwisata"),
    "DISARPUS": ("dinas", "Dinas Kearsipan dan Perpustakaan"),
    "DISKAN": ("dinas", "Dinas Perikanan"),
    "DISPERINDAG": ("dinas", "Dinas Perdagangan dan Perindustrian"),
    "DAMKAR": ("dinas", "Dinas Pemadam Kebakaran dan Penyelamatan"),
    # The dataset knows no hospitals: the RSUD is made unconfirmed, for the admin to confirm
    # (and rename) or deactivate where the region has none.
    "RSUD": ("rsud", "Rumah Sakit Umum Daerah"),
}
KECAMATAN = "KECAMATAN"  # the role of every kecamatan (distrik) office
# national_standards.json writes some types by their ministry nomenclature.
ROLE_ALIASES = {"DPUPR": "PUPR", "DISPERKIM": "DISPERKIMTAN"}
# Types of national_standards.json that are no office of a kabupaten/kota.
NOT_LOCAL_TYPES = {"POLRI"}
LOCAL_TYPES = {"KECAMATAN", "KELURAHAN"}  # handled by the kecamatan office of the place
# National services left out of a new region: the curated directory already carries them
# under its own codes (PARKIR-MOTOR and PARKIR-MOBIL for roadside parking).
NATIONAL_COVERED = {"PARKIR-TJU"}
# The national entry a curated service's national basis is read from, where codes differ.
NATIONAL_EQUIVALENT = {"PARKIR-MOTOR": "PARKIR-TJU", "PARKIR-MOBIL": "PARKIR-TJU"}

# Text rules of the Kota Bengkulu rules that name its places (landmarks, its hospitals, its
# festival); a new region starts without them (its own are written in the admin).
PLACE_PATTERNS = {"marlborough", "tabut", "harapan dan doa", "rshd", "m yunus", "yunus"}
# A field of a curated service that speaks of Kota Bengkulu's own rules is local, not national.
LOCAL_MARKERS = re.compile(r"\bperda\b|\bbengkulu\b|\bperwal\b|\bwali ?kota\b", re.IGNORECASE)


def role_of(code: str, kind: str) -> str:
    """The role of an office that has none recorded (the curated directory's)."""
    if kind == "kecamatan":
        return KECAMATAN
    if kind == "rsud":
        return "RSUD"
    return code if code in ROLES else ""


def office_name(role: str, region_name: str) -> str:
    return f"{ROLES[role][1]} {region_name}"


def kecamatan_office(area_code: str, area_name: str, *, distrik: bool) -> tuple[str, str]:
    """(code, name) of the office of a kecamatan: ``KEC-RATU-AGUNG``, ``Kecamatan Ratu Agung``."""
    ascii_name = unicodedata.normalize("NFKD", area_name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Z0-9]+", "-", ascii_name.upper()).strip("-") or area_code
    return f"KEC-{slug}"[:32].rstrip("-"), f"{'Distrik' if distrik else 'Kecamatan'} {area_name}"
