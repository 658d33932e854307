"""The API's own records: the Open311 clients allowed to file reports (``api.open311.keys``).

A client is an organisation's system (a civic app, a provincial dashboard), never a reporter:
it holds a key of its own, stored only as a keyed hash like the receipts, shown once when it is
made and revocable. Nothing here records where a request came from: the last use is a date.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Open311Client(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, so an operator can tell keys apart without storing them.
    key_prefix = models.CharField(_("key begins with"), max_length=8, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    last_used_on = models.DateField(_("last used on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self):
        return self.name

    @property
    def may_post(self) -> bool:
        return self.is_active and self.revoked_at is None
