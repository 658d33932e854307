"""GeoReport services and service definitions, read from the routing directory.

Every active service of the directory is a GeoReport service (``metadata`` true: a request needs
at least the ``category`` attribute), plus :data:`GENERAL_CODE` for a report about no particular
service. ``group`` is the office that gives the service (the kecamatan offices for services given
where one lives); ``keywords`` are the words the routing rules point at it with. The attributes
are the report form's own fields (``complaints.inputs.ComplaintInput``).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from complaints.models import Category
from routing.models import Kelurahan, Service, TextRule
from routing.selectors import service_list_public

# A report about no particular service (the report form's "not sure").
GENERAL_CODE = "UMUM"
KEYWORDS_MAX = 12


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # GeoReport: string, number, datetime, text, singlevaluelist, multivaluelist
    required: bool
    description: str
    datatype_description: str = ""
    values: tuple[tuple[str, str], ...] = ()


def services_list() -> list[dict]:
    """Every service a request may name, as GeoReport lists them."""
    keywords = _keywords_by_service()
    services = [_service_entry(service, keywords.get(service.pk, [])) for service in _services()]
    services.append(
        {
            "service_code": GENERAL_CODE,
            "service_name": _("Other or not sure which service"),
            "description": _("A report about no particular service: the complaint desk routes it."),
            "metadata": True,
            "type": "realtime",
            "keywords": "",
            "group": _("Other"),
        }
    )
    return services


def service_for_code(code: str) -> Service | None:
    """The directory's service named ``code`` (None for :data:`GENERAL_CODE`); KeyError if
    no active service has that code."""
    if code == GENERAL_CODE:
        return None
    service = _services().filter(code=code).first()
    if service is None:
        raise KeyError(code)
    return service


def service_definition(code: str) -> dict:
    """The attributes a request for ``code`` may carry; KeyError for an unknown code."""
    service = service_for_code(code)
    attributes = [
        _attribute_entry(attribute, order)
        for order, attribute in enumerate(_attributes(service), start=1)
    ]
    return {"service_code": code, "attributes": attributes}


def _services():
    return service_list_public()


def _service_entry(service: Service, keywords: list[str]) -> dict:
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.name,
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(keywords[:KEYWORDS_MAX]),
        "group": service.opd.name if service.opd_id else _("Kecamatan offices"),
    }


def _keywords_by_service() -> dict[int, list[str]]:
    rows = TextRule.objects.filter(
        is_active=True, target=TextRule.Target.SERVICE, service__is_active=True
    ).order_by("-weight", "pattern")
    keywords: dict[int, list[str]] = {}
    for service_id, pattern in rows.values_list("service_id", "pattern"):
        keywords.setdefault(service_id, []).append(pattern)
    return keywords


def _attributes(service: Service | None) -> list[Attribute]:
    yes_no = (("true", _("Yes")), ("false", _("No")))
    kelurahan = tuple(
        (row.code, f"{row.name} ({row.kecamatan.name})")
        for row in Kelurahan.objects.select_related("kecamatan").order_by("kecamatan__name", "name")
    )
    return [
        Attribute(
            "category",
            "singlevaluelist",
            True,
            _("What kind of report"),
            values=tuple((value, str(label)) for value, label in Category.choices),
        ),
        Attribute(
            "kelurahan",
            "singlevaluelist",
            bool(service and service.location_based),
            _("Kelurahan where it happened (routes services given by the kecamatan office)"),
            values=kelurahan,
        ),
        Attribute(
            "amount_asked",
            "number",
            False,
            _("Amount asked (Rp)"),
            _("Whole rupiah, digits only"),
        ),
        Attribute(
            "amount_paid", "number", False, _("Amount paid (Rp)"), _("Whole rupiah, digits only")
        ),
        Attribute(
            "karcis_given",
            "singlevaluelist",
            False,
            _("Was a karcis or receipt given?"),
            values=yes_no,
        ),
        Attribute("incident_date", "datetime", False, _("Date of the incident"), _("YYYY-MM-DD")),
        Attribute(
            "applied_date",
            "datetime",
            False,
            _("Date you applied for the service (for a delay)"),
            _("YYYY-MM-DD"),
        ),
        Attribute(
            "involves_head",
            "singlevaluelist",
            False,
            _("Does it involve the head of an office?"),
            values=yes_no,
        ),
    ]


def _attribute_entry(attribute: Attribute, order: int) -> dict:
    entry = {
        "variable": True,
        "code": attribute.code,
        "datatype": attribute.datatype,
        "required": attribute.required,
        "datatype_description": attribute.datatype_description or None,
        "order": order,
        "description": attribute.description,
    }
    if attribute.values:
        entry["values"] = [{"key": key, "name": name} for key, name in attribute.values]
    return entry
