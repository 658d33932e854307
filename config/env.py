"""Typed readers for environment variables; the only place settings come from."""

import ipaddress
import os

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
