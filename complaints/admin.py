"""Admin: complaints are read here (changed only through the workflow), days off are edited."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from complaints.audit import access_record
from complaints.files import evidence_response
from complaints.models import (
    AccessRecord,
    AuditNotice,
    Complaint,
    DayOff,
    Event,
    Evidence,
    StaffProfile,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = Event
    fields = ("seq", "kind", "status", "visibility", "text", "actor", "created_at", "published_at")
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ("preview", "sha256", "width", "height", "created_at")
    readonly_fields = fields

    @admin.display(description=_("photo"))
    def preview(self, evidence):
        url = reverse("admin:complaints_evidence_file", args=[evidence.pk, "full"])
        thumb = reverse("admin:complaints_evidence_file", args=[evidence.pk, "thumb"])
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

    def get_urls(self):
        # The photos are served here too, so the admin needs no other part of the portal.
        view = self.admin_site.admin_view(self.evidence_file)
        route = path("bukti/<uuid:evidence_id>/<str:size>/", view, name="complaints_evidence_file")
        return [route, *super().get_urls()]

    def evidence_file(self, request, evidence_id, size):
        """A sanitized photo, for an account that may see its complaint (404 otherwise)."""
        return evidence_response(request.user, evidence_id, thumbnail=size == "thumb")

    # Reading complaints here is recorded in the access audit, as on the staff pages.
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            access_record(request.user, changelist.result_list, AccessRecord.Action.LIST)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        complaint = (getattr(response, "context_data", None) or {}).get("original")
        if complaint is not None:
            access_record(request.user, [complaint], AccessRecord.Action.VIEW)
        return response

    def has_delete_permission(self, request, obj=None):
        # A complaint is a record (and counted in the dashboards' rollups): never deleted here.
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the portal itself, never by hand: shown, not added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    """The access audit (``complaints.audit``): append-only and chained, so read-only here."""

    list_display = ("at", "user", "action", "complaint", "detail")
    list_filter = ("action",)
    search_fields = ("user__username", "complaint__reference")
    list_select_related = ("user", "complaint")
    date_hierarchy = "at"
    readonly_fields = ("at", "user", "action", "complaint", "detail", "chain_hash")


@admin.register(AuditNotice)
class AuditNoticeAdmin(ReadOnlyAdmin):
    list_display = ("day", "user", "kind", "complaint", "detail")
    list_filter = ("kind",)
    search_fields = ("user__username", "complaint__reference")
    list_select_related = ("user", "complaint")
    readonly_fields = ("day", "user", "kind", "complaint", "detail", "created_at")


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
