"""The Indonesian catalogue (docs/product.md "Language": Indonesian first, English available).

Guards ``locale/id/LC_MESSAGES/django.po`` and its compiled ``django.mo``:

- every entry is translated, none is fuzzy, and each keeps the placeholders of its msgid
  (``%(name)s``, ``%s``, ``{name}``), so no message breaks or loses a figure at run time;
- the committed ``.mo`` says exactly what the ``.po`` says (the project ships compiled
  catalogues, so a stale ``.mo`` would silently show old or English text);
- no user-facing string of the source is missing from the catalogue: ``makemessages`` is run on a
  temporary copy of the project and its msgids are compared with the committed ones;
- with Indonesian active a few key strings read as the product specifies, and with English
  active the English originals come back.

After changing user-facing text, run ``make messages``, translate, and commit the ``.po`` and
the ``.mo`` together.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

from complaints.checks import fee_check
from complaints.models import Category, Status

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")

# What `make messages` runs, for the Indonesian catalogue of the "django" domain.
MAKEMESSAGES = [
    "makemessages",
    "--locale",
    "id",
    "--no-obsolete",
    "--ignore",
    ".venv/*",
    "--ignore",
    "tests/*",
    "--ignore",
    "staticfiles/*",
]
# Top-level entries of the project that hold no source strings (or are not the project's).
NOT_SOURCE = {"tests", "staticfiles", "media", "var", "test-artifacts", "node_modules"}

# printf style (with "%%" as its own token: a literal percent sign, doubled by the template
# tags), then str.format style.
PLACEHOLDER = re.compile(
    r"%%|%(?:\([^)]+\))?[#0+-]*(?:\d+|\*)?(?:\.\d+)?[sdifrxXeEgGcoa]|\{[^{}\s]*\}"
)

# Independent of the database and channel layer in use: `make test-services` leaves it out.
pytestmark = pytest.mark.embedded_only

STATUS_LABELS = {  # docs/product.md §3 "Statuses"
    Status.RECEIVED: "Diterima",
    Status.TRIAGE: "Verifikasi",
    Status.ASSIGNED: "Didisposisikan",
    Status.IN_PROGRESS: "Diproses",
    Status.NEEDS_INFO: "Butuh Info",
    Status.RESOLVED: "Selesai",
    Status.CLOSED: "Ditutup",
    Status.REJECTED: "Ditolak",
    Status.REFERRED: "Dilimpahkan",
}
CATEGORY_LABELS = {
    Category.PUNGLI: "Pungli (pungutan liar)",
    Category.DELAY: "Keterlambatan layanan",
    Category.OTHER: "Maladministrasi lainnya",
}


def catalogue() -> polib.POFile:
    assert CATALOGUE.exists(), f"{CATALOGUE.relative_to(ROOT)} is missing: run `make messages`"
    return polib.pofile(str(CATALOGUE))


def live_entries(po) -> list:
    return [entry for entry in po if not entry.obsolete]


def has_text(entry) -> bool:
    """Whether every form of the entry has a translation (fuzzy or not: that is checked apart)."""
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def label(entry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def translations(entries) -> dict[tuple, object]:
    """``(msgctxt, msgid, msgid_plural) -> msgstr`` (or the plural forms, in order)."""
    table = {}
    for entry in entries:
        key = (entry.msgctxt or None, entry.msgid, entry.msgid_plural or None)
        if entry.msgid_plural:
            table[key] = tuple(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
        else:
            table[key] = entry.msgstr
    return table


# --- (a) the catalogue itself ---------------------------------------------------------------


def test_catalogue_is_for_indonesian():
    po = catalogue()
    assert po.metadata.get("Language") == "id"
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")
    assert live_entries(po), "the catalogue has no entries"


def test_every_entry_is_translated_and_not_fuzzy():
    po = catalogue()
    untranslated = [label(entry) for entry in live_entries(po) if not has_text(entry)]
    fuzzy = [label(entry) for entry in live_entries(po) if entry.fuzzy]
    assert not untranslated, "untranslated entries in django.po:\n" + "\n".join(untranslated)
    assert not fuzzy, "fuzzy entries in django.po (check and clear them):\n" + "\n".join(fuzzy)
    assert not po.metadata_is_fuzzy, "the catalogue header is still marked fuzzy"


def test_every_translation_keeps_the_placeholders_of_its_msgid():
    wrong = []
    for entry in live_entries(catalogue()):
        if entry.msgid_plural:
            # Indonesian has one plural form, used for every count: it follows msgid_plural.
            pairs = [(entry.msgid_plural, text) for _n, text in sorted(entry.msgstr_plural.items())]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, text in pairs:
            expected, found = placeholders(source), placeholders(text)
            if expected != found:
                wrong.append(
                    f"{label(entry)!r}: expected {sorted(expected)}, found {sorted(found)}"
                )
    assert not wrong, "translations that change placeholders:\n" + "\n".join(wrong)


# --- (b) the compiled catalogue -------------------------------------------------------------


def test_compiled_catalogue_matches_the_po_file():
    assert COMPILED.exists(), f"{COMPILED.relative_to(ROOT)} is missing: run `make messages`"
    po = catalogue()
    compiled = translations(polib.mofile(str(COMPILED)))
    # compilemessages leaves out untranslated and fuzzy entries, as gettext does.
    source = translations(e for e in live_entries(po) if e.translated() and not e.fuzzy)
    stale = sorted(
        repr(key[1])
        for key in source.keys() | compiled.keys()
        if source.get(key) != compiled.get(key)
    )
    assert not stale, (
        "django.mo is out of date with django.po; run `make messages` (compilemessages) and "
        "commit both. Differing msgids:\n" + "\n".join(stale)
    )


# --- (c) nothing in the source is missing from the catalogue ---------------------------------


def project_copy(target: Path) -> Path:
    """The project's source folders (and locale folders) copied to ``target``."""
    for child in ROOT.iterdir():
        if child.name.startswith(".") or child.name in NOT_SOURCE:
            continue
        if child.is_dir():
            shutil.copytree(
                child,
                target / child.name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"),
            )
        elif child.suffix == ".py":
            shutil.copy2(child, target / child.name)
    return target


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq")),
    reason="GNU gettext (xgettext, msgmerge, msguniq) is not installed: cannot extract messages",
)
def test_no_source_string_is_missing_from_the_catalogue(tmp_path):
    copy = project_copy(tmp_path / "project")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "PYTHONPATH": str(copy)}
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    fresh_files = sorted(copy.rglob("locale/id/LC_MESSAGES/django.po"))
    assert fresh_files, "makemessages wrote no Indonesian catalogue"
    missing = []
    for fresh_file in fresh_files:
        relative = fresh_file.relative_to(copy)
        committed_file = ROOT / relative
        committed = (
            {(e.msgctxt, e.msgid) for e in live_entries(polib.pofile(str(committed_file)))}
            if committed_file.exists()
            else set()
        )
        fresh = {(e.msgctxt, e.msgid) for e in live_entries(polib.pofile(str(fresh_file)))}
        missing += [
            f"{relative}: {msgid!r}" + (f" (context {context!r})" if context else "")
            for context, msgid in sorted(fresh - committed, key=lambda key: (key[1], key[0] or ""))
        ]
    assert not missing, (
        "user-facing strings missing from the Indonesian catalogue; run `make messages`, "
        "translate them, and commit the .po and .mo:\n" + "\n".join(missing)
    )


# --- (d) what a reporter reads ----------------------------------------------------------------


def parkir_fee_check():
    """A retribution: official Rp2.000, Rp10.000 paid, no karcis given."""
    return fee_check(
        service_chosen=True,
        official_fee=2000,
        requires_karcis=True,
        amount_asked=None,
        amount_paid=10000,
        karcis_given=False,
    )


def test_key_strings_in_indonesian():
    with translation.override("id"):
        assert {status: str(status.label) for status in STATUS_LABELS} == STATUS_LABELS
        assert {category: str(category.label) for category in CATEGORY_LABELS} == CATEGORY_LABELS
        assert parkir_fee_check().text == (
            "Tarif resmi Rp2.000, Anda membayar Rp10.000: kelebihan Rp8.000; "
            "karcis tidak diberikan."
        )
        assert translation.gettext("I have saved this code") == "Saya sudah menyimpan kode ini"


def test_key_strings_in_english():
    with translation.override("en"):
        assert str(Status.ASSIGNED.label) == "Assigned"
        assert str(Category.PUNGLI.label) == "Illegal fee (pungli)"
        assert parkir_fee_check().text == (
            "Official fee Rp2.000, you paid Rp10.000: excess Rp8.000; no karcis was given."
        )
        assert translation.gettext("I have saved this code") == "I have saved this code"
