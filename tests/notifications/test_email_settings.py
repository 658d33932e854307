"""The SMTP server from the environment (``config.env.env_smtp_server``)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import SmtpServer, env_smtp_server

pytestmark = pytest.mark.embedded_only

NAMES = [
    "EMAIL_URL",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
]


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://lapor%40kota:s%3Akret@mail.bengkulukota.go.id:587",
            SmtpServer("mail.bengkulukota.go.id", 587, "lapor@kota", "s:kret", use_tls=True),
        ),
        ("smtp://relay.local:25", SmtpServer("relay.local", 25)),
        ("smtp://relay.local:2525?tls=true", SmtpServer("relay.local", 2525, use_tls=True)),
        ("smtps://u:p@mail.example", SmtpServer("mail.example", 465, "u", "p", use_ssl=True)),
    ],
)
def test_email_url(monkeypatch, url, expected):
    monkeypatch.setenv("EMAIL_URL", url)
    assert env_smtp_server() == expected


@pytest.mark.parametrize(
    "url", ["http://mail.example", "smtp://", "smtp://host:port", "smtp://h:25?tls=maybe"]
)
def test_a_wrong_email_url_stops_the_start(monkeypatch, url):
    monkeypatch.setenv("EMAIL_URL", url)
    with pytest.raises(ImproperlyConfigured):
        env_smtp_server()


def test_the_separate_variables(monkeypatch):
    monkeypatch.setenv("EMAIL_HOST", "mail.example")
    monkeypatch.setenv("EMAIL_PORT", "2587")
    monkeypatch.setenv("EMAIL_HOST_USER", "lapor")
    monkeypatch.setenv("EMAIL_HOST_PASSWORD", "rahasia")
    monkeypatch.setenv("EMAIL_USE_TLS", "true")
    assert env_smtp_server() == SmtpServer("mail.example", 2587, "lapor", "rahasia", use_tls=True)


def test_nothing_configured():
    assert env_smtp_server() is None
