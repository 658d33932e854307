"""Template filters for money and time as Indonesians write them: ``Rp2.000``, ``27 Nov 2026``."""

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from complaints.access import can_read_audit as _can_read_audit
from complaints.access import can_view_dashboard as _can_view_dashboard
from complaints.checks import rupiah as _rupiah
from complaints.models import Status
from routing.regions.zones import zone_label

register = template.Library()


@register.filter
def rupiah(amount):
    if amount is None or amount == "":
        return ""
    return _rupiah(int(amount))


@register.filter
def official_fee(amount):
    """An official fee as shown to the public: free, a figure, or honestly unknown."""
    if amount is None:
        return _("not known yet")
    if amount == 0:
        return _("Free")
    return _rupiah(int(amount))


@register.filter
def wib(moment):
    """``27 Nov 2026, 14.05 WIB`` (WITA or WIT in a region of those zones)."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    label = zone_label(timezone.get_current_timezone())
    return f"{formats.date_format(local, 'j M Y')}, {local:%H.%M} {label}"


@register.filter
def day(value):
    if not value:
        return ""
    return formats.date_format(value, "j M Y")


@register.filter
def status_label(code):
    try:
        return Status(code).label
    except ValueError:
        return code


@register.filter
def getlist(querydict, key):
    """``request.GET|getlist:"status"``: every value of a repeated query parameter."""
    return querydict.getlist(key) if hasattr(querydict, "getlist") else []


@register.filter
def get_item(mapping, key):
    return mapping.get(key, key)


@register.filter
def can_view_dashboard(user) -> bool:
    return _can_view_dashboard(user)


@register.filter
def can_read_audit(user) -> bool:
    return _can_read_audit(user)
