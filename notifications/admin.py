"""The admin: each person's choice (editable), and the notices and mails (read-only, to see
what waits and why)."""

from django.contrib import admin

from notifications.models import Mail, Notice, Preference


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "mode", "updated_at"]
    list_filter = ["mode"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["complaint", "kind", "opd", "due_at", "created_at", "expanded_at"]
    list_filter = ["kind"]
    search_fields = ["complaint__reference"]


@admin.register(Mail)
class MailAdmin(ReadOnlyAdmin):
    list_display = [
        "recipient",
        "notice",
        "digest_day",
        "sent_at",
        "attempts",
        "next_attempt_at",
        "last_error",
        "dropped_at",
    ]
    list_filter = ["sent_at", "dropped_at"]
    search_fields = ["recipient__username", "notice__complaint__reference"]
