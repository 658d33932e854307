"""Admin for the directory: the city's admin keeps OPDs and service standards current here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from routing.models import Kecamatan, Kelurahan, Opd, Service


class KelurahanInline(admin.TabularInline):
    model = Kelurahan
    extra = 0
    fields = ("code", "name")


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    inlines = [KelurahanInline]


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kecamatan")
    list_filter = ("kecamatan",)
    search_fields = ("code", "name")
    list_select_related = ("kecamatan",)


@admin.register(Opd)
class OpdAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "kecamatan", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("kecamatan",)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "opd",
        "location_based",
        "fee_rupiah",
        "fee_confirmed",
        "time_limit",
        "time_unit",
        "is_active",
    )
    list_filter = ("opd", "location_based", "fee_confirmed", "requires_karcis", "is_active")
    search_fields = ("code", "name", "legal_basis")
    list_select_related = ("opd",)
    fieldsets = (
        (None, {"fields": ("code", "name", "is_active")}),
        (_("Responsible OPD"), {"fields": ("opd", "location_based")}),
        (
            _("Published standard"),
            {
                "fields": (
                    "fee_rupiah",
                    "fee_confirmed",
                    "requires_karcis",
                    "legal_basis",
                    ("time_limit", "time_unit"),
                    "time_confirmed",
                    "source_note",
                    "notes",
                )
            },
        ),
    )
