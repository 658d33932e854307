"""The published standards page (``/standar/``): one row per service, grouped by office, and
the search that filters the rows.

The page's script and the server's ``?q=`` search match the same way, on the same text: each
row carries its ``haystack`` (name, code, office, figures and their legal basis, normalised),
and a row matches when every word of the query begins one of its words. Without the script,
the server hides the rows that do not match; with it, the rows hide as the visitor types.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

from frontend.templatetags.portal import official_fee
from routing.models import Service

MAX_QUERY_LENGTH = 100
_NOT_A_WORD = re.compile(r"[^\w/]+")


def normalise(text: str) -> str:
    """Words only, lower case, without accents: ``"KTP-el (baru)"`` → ``ktp el baru``; a ``/``
    stays, so a rule's number (``19/2018``) is one word."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_A_WORD.sub(" ", bare.casefold()).split())


def matches(haystack: str, query: str) -> bool:
    """Every word of ``query`` begins a word of ``haystack`` ("ktp" finds KTP-el, not FKTP)."""
    padded = " " + haystack
    return all(" " + word in padded for word in normalise(query).split())


def office_name(service: Service) -> str:
    return service.opd.name if service.opd else _("Kecamatan office of the place")


@dataclass
class StandardRow:
    service: Service
    office: str
    haystack: str
    shown: bool = True


@dataclass
class OfficeGroup:
    office: str
    rows: list[StandardRow]

    @property
    def shown(self) -> bool:
        return any(row.shown for row in self.rows)


def standard_rows(services) -> list[StandardRow]:
    rows = []
    for service in services:
        office = office_name(service)
        words = (
            service.name,
            service.code,
            office,
            official_fee(service.fee_rupiah),
            service.legal_basis,
            service.fee_basis,
            service.time_basis,
            service.time_as_written,
        )
        rows.append(StandardRow(service, office, normalise(" ".join(words))))
    return rows


def standards_search(rows: list[StandardRow], query: str) -> int:
    """Marks each row shown or not for ``query``; returns how many are shown."""
    for row in rows:
        row.shown = matches(row.haystack, query)
    return sum(row.shown for row in rows)


def standards_grouped(rows: list[StandardRow]) -> list[OfficeGroup]:
    """Rows by office, offices by name; the kecamatan offices' local services come last."""
    groups: dict[tuple[bool, str], list[StandardRow]] = {}
    for row in rows:
        groups.setdefault((row.service.opd is None, row.office), []).append(row)
    return [
        OfficeGroup(office, sorted(members, key=lambda row: row.service.name))
        for (_local, office), members in sorted(groups.items())
    ]
