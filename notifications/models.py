"""What staff are told by e-mail, and how often each person wants it.

- ``Preference``: one staff member's choice, immediate, daily or none (``preferences``);
- ``Notice``: something worth telling about one complaint (a new case for an office, the
  reporter's answer, photos or dispute, a deadline about to be missed or missed), written in the
  same transaction as its event (``notifications.notices``);
- ``Mail``: one e-mail to one person, a notice or a day's digest, waiting until it is sent
  (``notifications.sender``). Who receives it is ``complaints.access``'s to say, asked again
  just before sending.

No row holds anything the reporter wrote or any amount: a mail is rendered from the
complaint's reference, its office, the kind of notice and the deadline (``notifications.mails``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, Event
from routing.models import Opd


class Mode(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("Once a day (summary)")
    NONE = "none", _("No e-mail")


class Preference(models.Model):
    """A staff member's choice; without a row, ``preferences.default_mode`` applies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    mode = models.CharField(_("e-mail notifications"), max_length=10, choices=Mode.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mode__in=Mode.values), name="notification_mode_valid"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.get_mode_display()}"


class NoticeKind(models.TextChoices):
    NEW = "new", _("New complaint for the office")
    ANSWER = "answer", _("The reporter answered")
    PHOTOS = "photos", _("The reporter added photos")
    DISPUTE = "dispute", _("The reporter disputes the resolution")
    DUE_SOON = "due_soon", _("Deadline about to be missed")
    OVERDUE = "overdue", _("Deadline missed")


class Notice(models.Model):
    """One thing worth telling the staff who may see a complaint."""

    Kind = NoticeKind

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    # None for a deadline warning, which no event records.
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The office and the deadline when it happened (the complaint may move on before the mail).
    opd = models.ForeignKey(Opd, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set once the immediate mails of the notice are written (``sender.notices_expand``).
    expanded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["expanded_at", "created_at"])]
        constraints = [
            # A deadline is warned of once, however often the clocks look.
            models.UniqueConstraint(
                fields=["complaint", "due_at"],
                condition=models.Q(kind=NoticeKind.DUE_SOON),
                name="notice_due_soon_once_per_deadline",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=NoticeKind.values),
                name="notice_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.complaint_id} {self.kind}"


class Mail(models.Model):
    """One e-mail to one staff member: about one notice, or the digest of one day."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recipient"),
    )
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, null=True, blank=True, related_name="mails"
    )
    digest_day = models.DateField(_("digest of"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # A sender holds a mail while it sends it: two senders never send the same mail.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Not sent, and never will be: the recipient may no longer see the complaint, has no
    # address or chose otherwise since.
    dropped_at = models.DateTimeField(_("dropped at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [models.Index(fields=["sent_at", "dropped_at", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "notice"],
                condition=models.Q(notice__isnull=False),
                name="mail_once_per_notice",
            ),
            models.UniqueConstraint(
                fields=["recipient", "digest_day"],
                condition=models.Q(digest_day__isnull=False),
                name="mail_one_digest_per_day",
            ),
            models.CheckConstraint(
                condition=models.Q(notice__isnull=False, digest_day__isnull=True)
                | models.Q(notice__isnull=True, digest_day__isnull=False),
                name="mail_notice_or_digest",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} · {self.notice_id or self.digest_day}"


class DigestDay(models.Model):
    """A day whose digests were written: the clocks write each day's once."""

    day = models.DateField(unique=True)
    prepared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("digest day")
        verbose_name_plural = _("digest days")

    def __str__(self):
        return self.day.isoformat()
