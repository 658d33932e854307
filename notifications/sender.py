"""Writing and sending the mails: run by the clocks (``complaints.clocks``) and by
``manage.py send_notifications`` / ``send_digest``.

A run, each step idempotent and safe beside another run:
1. warn of deadlines about to be missed (``notices.due_soon_record``);
2. write one mail per notice for each person e-mailed immediately who may read it;
3. once a day, from ``PORTAL_NOTIFY_DIGEST_HOUR`` (local time), write the previous day's
   digest for each person e-mailed daily who may read any of its notices;
4. send what is due, through one SMTP connection;
5. forget notices and mails older than ``KEEP`` (a mail's only later use is the admin's view of
   what waited and why).

Sending is at-least-once with a claim: a sender claims a mail (a compare-and-set on
``claimed_until``) before sending it and marks it sent right after the server accepted it, so
two senders never send the same mail; only a process killed between the server's "accepted" and
the mark would send it again, after the claim expires. A mail the server did not accept waits
with backoff (1, 2, 4 ... minutes, at most an hour) and is tried again, never dropped: an SMTP
server that is down loses nothing.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from notifications.mails import digest_message, notice_message
from notifications.models import DigestDay, Mail, Mode, Notice
from notifications.notices import due_soon_record, notice_current
from notifications.preferences import mode_of, users_in_mode
from notifications.recipients import notices_readable_by

logger = logging.getLogger(__name__)

CLAIM = timedelta(minutes=10)
KEEP = timedelta(days=30)
BACKOFF_CAP = timedelta(hours=1)
# Refusals that concern one message (its recipient, its content): the others still go.
_ONE_MESSAGE = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused)


@dataclass
class SendReport:
    due_soon: int = 0  # deadline warnings written
    written: int = 0  # immediate mails written
    digests: int = 0  # digest mails written
    sent: int = 0
    failed: int = 0  # not accepted by the server this time: tried again later
    dropped: int = 0  # no longer for their recipient
    forgotten: int = 0  # notices past KEEP, deleted with their mails


def notifications_run(*, now: datetime | None = None) -> SendReport:
    now = now or timezone.now()
    report = SendReport(due_soon=due_soon_record(now=now), written=notices_expand(now=now))
    local = timezone.localtime(now)
    if local.hour >= settings.PORTAL_NOTIFY_DIGEST_HOUR:
        report.digests = digests_prepare(day=local.date() - timedelta(days=1), once=True)
    mails_send(now=now, report=report)
    report.forgotten = notices_forget(now=now)
    return report


def notices_forget(*, now: datetime) -> int:
    """Delete the notices (and their mails) and the digests older than ``KEEP``."""
    Mail.objects.filter(digest_day__lt=(now - KEEP).date()).delete()
    deleted, _by_model = Notice.objects.filter(created_at__lt=now - KEEP).delete()
    DigestDay.objects.filter(day__lt=(now - KEEP).date()).delete()
    return deleted


def backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


# --- Writing ----------------------------------------------------------------------------------


def notices_expand(*, now: datetime, limit: int = 500) -> int:
    """Write the immediate mails of the notices not yet expanded; returns how many."""
    notices = list(
        Notice.objects.filter(expanded_at__isnull=True)
        .select_related("event", "complaint")
        .order_by("created_at", "pk")[:limit]
    )
    if not notices:
        return 0
    current = [notice for notice in notices if notice_current(notice)]
    mails = [
        Mail(recipient=user, notice=notice, created_at=now, next_attempt_at=now)
        for user in users_in_mode(Mode.IMMEDIATE)
        for notice in notices_readable_by(user, current)
    ]
    with transaction.atomic():
        # A second sender expanding the same notices writes nothing twice (unique per notice).
        Mail.objects.bulk_create(mails, ignore_conflicts=True)
        Notice.objects.filter(pk__in=[notice.pk for notice in notices]).update(expanded_at=now)
    return len(mails)


def day_notices(day: date):
    """The notices of one local day."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return (
        Notice.objects.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1))
        .select_related("event", "complaint", "opd")
        .order_by("created_at", "pk")
    )


def digests_prepare(*, day: date, once: bool = False) -> int:
    """Write ``day``'s digest for each person e-mailed daily who may read any of its notices.
    ``once``: only if that day's digests were not written yet (the clocks' call)."""
    if once:
        try:
            with transaction.atomic():
                DigestDay.objects.create(day=day)
        except IntegrityError:
            return 0
    else:
        DigestDay.objects.get_or_create(day=day)
    notices = [notice for notice in day_notices(day) if notice_current(notice)]
    mails = [
        Mail(recipient=user, digest_day=day)
        for user in users_in_mode(Mode.DAILY)
        if notices_readable_by(user, notices)
    ]
    Mail.objects.bulk_create(mails, ignore_conflicts=True)
    return len(mails)


# --- Sending ----------------------------------------------------------------------------------


def mails_due(*, now: datetime):
    return (
        Mail.objects.select_related("recipient")
        .filter(sent_at__isnull=True, dropped_at__isnull=True, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "pk")
    )


def mails_send(
    *, now: datetime | None = None, report: SendReport | None = None, limit: int = 200
) -> SendReport:
    """Send the mails that are due, each once."""
    now = now or timezone.now()
    report = report or SendReport()
    claimed = [mail for mail in mails_due(now=now)[:limit] if _claim(mail, now=now)]
    if not claimed:
        return report
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except Exception as exc:
        _postpone(claimed, now=now, error=exc, report=report)
        logger.warning("The mail server is unreachable; %s e-mails wait", len(claimed))
        return report
    try:
        for index, mail in enumerate(claimed):
            try:
                message = _message_for(mail)
                if message is None:
                    _drop(mail, now=now, report=report)
                    continue
                connection.send_messages([message])
            except _ONE_MESSAGE as exc:
                _postpone([mail], now=now, error=exc, report=report)
                continue
            except Exception as exc:
                # The server went away: this mail and the rest wait for the next run.
                _postpone(claimed[index:], now=now, error=exc, report=report)
                logger.warning("Sending e-mail failed; %s e-mails wait", len(claimed) - index)
                break
            Mail.objects.filter(pk=mail.pk).update(sent_at=timezone.now(), claimed_until=None)
            report.sent += 1
    finally:
        try:
            connection.close()
        except Exception:
            logger.info("Closing the mail connection failed", exc_info=True)
    return report


def _claim(mail: Mail, *, now: datetime) -> bool:
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return bool(
        Mail.objects.filter(free, pk=mail.pk, sent_at__isnull=True).update(
            claimed_until=now + CLAIM
        )
    )


def _message_for(mail: Mail):
    """The message to send, or None if it is no longer for its recipient: access is asked
    again now, and the recipient's choice and address are read again."""
    user = mail.recipient
    if mail.notice_id is not None:
        notice = (
            Notice.objects.select_related("event", "complaint", "opd").filter(pk=mail.notice_id)
        ).first()
        if notice is None or not notice_current(notice) or mode_of(user) != Mode.IMMEDIATE:
            return None
        if not notices_readable_by(user, [notice]):
            return None
        return notice_message(to=user.email, notice=notice)
    if mode_of(user) != Mode.DAILY:
        return None
    current = [notice for notice in day_notices(mail.digest_day) if notice_current(notice)]
    notices = notices_readable_by(user, current)
    if not notices:
        return None
    return digest_message(to=user.email, day=mail.digest_day, notices=notices)


def _postpone(mails: list[Mail], *, now: datetime, error: Exception, report: SendReport) -> None:
    # The error's class and the server's reply code only: never a message's content.
    reason = type(error).__name__
    if isinstance(error, smtplib.SMTPResponseException):
        reason += f" {error.smtp_code}"
    for mail in mails:
        attempts = mail.attempts + 1
        Mail.objects.filter(pk=mail.pk).update(
            attempts=attempts,
            next_attempt_at=now + backoff(attempts),
            claimed_until=None,
            last_error=reason[:200],
        )
        report.failed += 1


def _drop(mail: Mail, *, now: datetime, report: SendReport) -> None:
    Mail.objects.filter(pk=mail.pk).update(dropped_at=now, claimed_until=None)
    report.dropped += 1
