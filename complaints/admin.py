"""Admin: complaints are read here (changed only through the workflow), days off are edited."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, DayOff, Event, Evidence, StaffProfile


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = Event
    fields = ("seq", "kind", "status", "text", "public", "actor", "created_at", "published_at")
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ("preview", "sha256", "width", "height", "created_at")
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def preview(self, evidence):
        url = reverse("frontend:evidence", args=[evidence.pk])
        thumb = reverse("frontend:evidence-thumb", args=[evidence.pk])
        return format_html('<a href="{}"><img src="{}" alt="" height="80"></a>', url, thumb)


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ("reference", "category", "status", "opd", "service", "created_at", "due_at")
    list_filter = ("status", "category", "opd", "fee_flagged", "delay_flagged")
    search_fields = ("reference",)
    list_select_related = ("opd", "service")
    date_hierarchy = "created_at"
    inlines = [EvidenceInline, EventInline]
    readonly_fields = [field.name for field in Complaint._meta.fields] + ["oversight"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing only: every change goes through complaints.services and leaves an event.
        return False

    def has_delete_permission(self, request, obj=None):
        # A complaint is a record (and counted in the dashboards' rollups): never deleted here.
        return False


@admin.register(DayOff)
class DayOffAdmin(admin.ModelAdmin):
    list_display = ("date", "name")
    date_hierarchy = "date"


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    verbose_name_plural = _("OPD")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
