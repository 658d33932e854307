"""The e-mails themselves, in the portal's language (Indonesian), plain text.

A mail names the complaint's reference, the office, what happened and the deadline, and links
to the staff page of the complaint (``PORTAL_BASE_URL``). It never carries what the reporter
wrote, amounts, photos or the receipt: the context below is all a template may use.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from notifications.models import Notice

# Automatic mail: out-of-office replies and mail loops should leave it alone (RFC 3834).
HEADERS = {"Auto-Submitted": "auto-generated"}


def portal_link(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def staff_link(reference: str) -> str:
    return portal_link(reverse("frontend:staff-complaint", kwargs={"reference": reference}))


def notice_item(notice: Notice) -> dict:
    """What a mail may say of one notice, and nothing else."""
    reference = notice.complaint.reference
    return {
        "reference": reference,
        "kind": notice.kind,
        "kind_label": Notice.Kind(notice.kind).label,
        "office": notice.opd.name if notice.opd_id else "",
        "due_at": notice.due_at,
        "link": staff_link(reference),
    }


def notice_message(*, to: str, notice: Notice) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        item = {**notice_item(notice), "preferences_link": _preferences_link()}
        subject = render_to_string("notifications/mail/notice_subject.txt", item)
        body = render_to_string("notifications/mail/notice.txt", item)
    return _message(to=to, subject=subject, body=body)


def digest_message(*, to: str, day, notices: list[Notice]) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "day": day,
            "items": [notice_item(notice) for notice in notices],
            "preferences_link": _preferences_link(),
        }
        subject = render_to_string("notifications/mail/digest_subject.txt", context)
        body = render_to_string("notifications/mail/digest.txt", context)
    return _message(to=to, subject=subject, body=body)


def _preferences_link() -> str:
    return portal_link(reverse("notifications:preferences"))


def _message(*, to: str, subject: str, body: str) -> EmailMessage:
    # Subjects are one line whatever the template's trailing newline.
    subject = " ".join(subject.split())
    return EmailMessage(subject=subject, body=body.strip() + "\n", to=[to], headers=HEADERS)
