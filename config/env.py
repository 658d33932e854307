"""Typed readers for environment variables; the only place settings come from."""

import ipaddress
import os
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_rate(name: str, default: str) -> str | None:
    """A rate limit such as ``10/hour`` (``complaints.ratelimits``); ``off`` disables it (None)."""
    raw = os.environ.get(name, default).strip()
    if raw.lower() == "off":
        return None
    count, _, period = raw.partition("/")
    if not (count.isascii() and count.isdigit()) or period[:1] not in {"s", "m", "h", "d"}:
        raise ImproperlyConfigured(f"{name} must look like 10/hour or be 'off', not {raw!r}.")
    return raw


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or CIDR networks (``10.0.0.2, 172.18.0.0/16``), checked:
    a typo here would silently trust nobody, or the wrong host."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks (10.0.0.2, 172.18.0.0/16), "
                f"not {item!r}."
            ) from exc
    return networks


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    user: str = ""
    password: str = ""
    use_tls: bool = False  # STARTTLS on a plain connection (port 587)
    use_ssl: bool = False  # TLS from the first byte (port 465)


def env_smtp_server() -> SmtpServer | None:
    """The SMTP server for staff e-mail: ``EMAIL_URL`` (``smtp://user:password@host:587``,
    STARTTLS on port 587 or with ``?tls=true``; ``smtps://...`` for TLS from the start), else
    ``EMAIL_HOST`` with ``EMAIL_PORT``, ``EMAIL_HOST_USER``, ``EMAIL_HOST_PASSWORD``,
    ``EMAIL_USE_TLS`` and ``EMAIL_USE_SSL``; None when neither is set."""
    url = os.environ.get("EMAIL_URL", "").strip()
    if url:
        return _smtp_from_url(url)
    host = os.environ.get("EMAIL_HOST", "").strip()
    if not host:
        return None
    return SmtpServer(
        host=host,
        port=env_int("EMAIL_PORT", 587),
        user=env_str("EMAIL_HOST_USER", ""),
        password=env_str("EMAIL_HOST_PASSWORD", ""),
        use_tls=env_bool("EMAIL_USE_TLS", False),
        use_ssl=env_bool("EMAIL_USE_SSL", False),
    )


def _smtp_from_url(url: str) -> SmtpServer:
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL must look like smtp://user:password@host:587 or smtps://host:465."
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured("EMAIL_URL has an invalid port.") from exc
    ssl = parts.scheme == "smtps"
    port = port or (465 if ssl else 587)
    tls_option = parse_qs(parts.query).get("tls", [""])[0].lower()
    if tls_option and tls_option not in _TRUE | _FALSE:
        raise ImproperlyConfigured("EMAIL_URL's tls option must be true or false.")
    tls = not ssl and (tls_option in _TRUE if tls_option else port == 587)
    return SmtpServer(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=tls,
        use_ssl=ssl,
    )
