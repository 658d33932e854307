"""The Open311 clients in the admin: made here, their key shown once, revoked here.

Adding a client makes its key (``api.open311.keys``) and shows it once, in the confirmation
message; only its keyed hash is kept, so a lost key is replaced by a new client, not recovered.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from api.models import Open311Client
from api.open311 import keys


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "key_prefix", "is_active", "created_at", "revoked_at", "last_used_on"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    fields = ["name", "key_prefix", "is_active", "created_at", "revoked_at", "last_used_on"]
    readonly_fields = ["key_prefix", "is_active", "created_at", "revoked_at", "last_used_on"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["name"])
            return
        client, key = keys.client_create(name=obj.name)
        obj.pk, obj.key_prefix = client.pk, client.key_prefix
        messages.warning(
            request,
            _("The API key of %(name)s, shown only this once: %(key)s")
            % {"name": client.name, "key": key},
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the record of when it was made and revoked stays

    @admin.action(description=gettext_lazy("Revoke the selected clients' keys"))
    def revoke(self, request, queryset):
        for client in queryset:
            keys.client_revoke(client=client)
        self.message_user(request, _("Keys revoked."), messages.SUCCESS)
