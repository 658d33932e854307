"""Admin for the directory: the city's admin keeps OPDs and service standards current here."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from routing.models import (
    Kecamatan,
    Kelurahan,
    Opd,
    OversightRule,
    Region,
    RoutingFeedback,
    Service,
    TextRule,
)


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


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """The region is written by region_init/region_import (its pack); the admin may read it
    and correct its names, not add a second one."""

    list_display = ("code", "name", "government", "province", "time_zone", "format_version")
    readonly_fields = ("code", "format_version")

    def has_add_permission(self, request):
        return False


@admin.register(Opd)
class OpdAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "role", "kecamatan", "confirmed", "is_active")
    list_filter = ("confirmed", "kind", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("kecamatan",)
    actions = ["confirm_offices"]

    @admin.action(description=_("Confirm the selected offices (name checked, office exists)"))
    def confirm_offices(self, request, queryset):
        count = queryset.filter(confirmed=False).update(confirmed=True)
        self.message_user(
            request,
            gettext("Offices confirmed: %(count)d.") % {"count": count},
        )


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
        "time_confirmed",
        "is_active",
    )
    list_filter = (
        "opd",
        "location_based",
        "fee_confirmed",
        "time_confirmed",
        "requires_karcis",
        "is_active",
    )
    search_fields = ("code", "name", "legal_basis", "fee_basis", "time_basis")
    list_select_related = ("opd",)
    fieldsets = (
        (None, {"fields": ("code", "name", "is_active")}),
        (_("Responsible OPD"), {"fields": ("opd", "location_based")}),
        (
            _("Published standard"),
            {
                "fields": (
                    "legal_basis",
                    "fee_rupiah",
                    "fee_basis",
                    "fee_confirmed",
                    "requires_karcis",
                    ("time_limit", "time_unit"),
                    "time_as_written",
                    "time_basis",
                    "time_confirmed",
                    "source_note",
                    "notes",
                )
            },
        ),
    )


@admin.register(TextRule)
class TextRuleAdmin(admin.ModelAdmin):
    list_display = (
        "pattern",
        "kind",
        "weight",
        "target",
        "opd",
        "service",
        "category",
        "is_active",
    )
    list_editable = ("weight", "is_active")
    list_filter = ("target", "kind", "category", "is_active", "opd")
    search_fields = ("pattern", "note")
    list_select_related = ("opd", "service")
    fields = (
        ("kind", "pattern"),
        "weight",
        ("target", "opd", "service"),
        ("category", "kecamatan"),
        "is_active",
        "note",
    )


@admin.register(OversightRule)
class OversightRuleAdmin(admin.ModelAdmin):
    list_display = ("when", "mode", "opd", "is_active")
    list_filter = ("when", "mode", "is_active")


@admin.register(RoutingFeedback)
class RoutingFeedbackAdmin(admin.ModelAdmin):
    """Corrections staff made; read-only, they feed `manage.py routing_eval`."""

    list_display = ("created_at", "category", "old_opd", "new_opd", "source")
    list_filter = ("source", "new_opd")
    readonly_fields = (
        "category",
        "description",
        "kelurahan_code",
        "involves_head",
        "old_opd",
        "new_opd",
        "source",
        "created_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
