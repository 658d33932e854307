"""A real SMTP server for the notification tests (aiosmtpd), and the portal pointed at it.

``smtp`` starts an aiosmtpd ``Controller`` on a free port of 127.0.0.1 and configures Django's
SMTP backend to it; ``smtp.messages`` holds every message it accepted, raw (headers and body),
as parsed ``email.message.Message`` objects too. ``smtp.stop()`` takes it down (the server is
"down": connections are refused) and ``smtp.start()`` brings it back on the same port.
"""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller

from complaints.models import StaffRole
from routing.models import Opd
from tests.factories import staff_user


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: keeps every accepted message."""

    def __init__(self):
        self.raw: list[bytes] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.original_content or envelope.content)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [
            email.message_from_bytes(raw, policy=email.policy.default) for raw in self.inbox.raw
        ]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """The messages delivered to ``address``."""
        return [
            message
            for message, rcpts in zip(self.messages, self.inbox.recipients, strict=True)
            if address in rcpts
        ]

    def clear(self):
        self.inbox.raw.clear()
        self.inbox.recipients.clear()


@pytest.fixture
def smtp(settings):
    server = SmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.PORTAL_BASE_URL = "https://lapor.bengkulukota.go.id"
    settings.DEFAULT_FROM_EMAIL = "Lapor Pungli <no-reply@bengkulukota.go.id>"
    yield server
    server.stop()


def with_email(user, address: str):
    user.email = address
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def people(directory):
    """Staff with addresses: the office of a parking pungli case (DISHUB) and others."""
    dukcapil = Opd.objects.get(code="DUKCAPIL")
    return {
        "head": with_email(
            staff_user(StaffRole.OPD_STAFF, "DISHUB", "kepala-dishub"), "kepala@dishub.test"
        ),
        "daily": with_email(
            staff_user(StaffRole.OPD_STAFF, "DISHUB", "staf-harian-dishub"), "harian@dishub.test"
        ),
        "none": with_email(
            staff_user(StaffRole.OPD_STAFF, "DISHUB", "staf-tanpa-dishub"), "tanpa@dishub.test"
        ),
        "other": with_email(
            staff_user(StaffRole.OPD_STAFF, dukcapil, "kepala-dukcapil"), "kepala@dukcapil.test"
        ),
        "inspektorat": with_email(
            staff_user(StaffRole.INSPEKTORAT, username="inspektorat"), "irban@inspektorat.test"
        ),
    }
