"""The Open311 clients' API keys: made at random, shown once, stored as a keyed hash.

The hash is an HMAC with a key derived from ``SECRET_KEY`` (as ``complaints.receipts`` does for
receipts), so a copy of the database alone cannot be used to post.
"""

import secrets

from django.utils import timezone
from django.utils.crypto import salted_hmac

from api.models import Open311Client

_KEY_HMAC_SALT = "laporpungli.open311.key.v1"
# 32 random bytes in URL-safe base64: 43 characters, well beyond guessing.
_KEY_BYTES = 32
KEY_MAX_CHARS = 128


def key_hash(key: str) -> str:
    return salted_hmac(_KEY_HMAC_SALT, key, algorithm="sha256").hexdigest()


def client_create(*, name: str) -> tuple[Open311Client, str]:
    """A new client and its key (the only time the key exists in clear)."""
    key = secrets.token_urlsafe(_KEY_BYTES)
    client = Open311Client.objects.create(name=name, key_hash=key_hash(key), key_prefix=key[:6])
    return client, key


def client_revoke(*, client: Open311Client) -> None:
    """The key stops working at once; the client's reports stay as they are."""
    client.is_active = False
    client.revoked_at = client.revoked_at or timezone.now()
    client.save(update_fields=["is_active", "revoked_at"])


def client_for_key(key: str | None) -> Open311Client | None:
    """The active client holding ``key``, or None (a missing, unknown or revoked key alike)."""
    if not key or len(key) > KEY_MAX_CHARS:
        return None
    client = Open311Client.objects.filter(key_hash=key_hash(key)).first()
    if client is None or not client.may_post:
        return None
    return client


def client_used(*, client: Open311Client) -> None:
    """Remember the day the client last posted (a date only: no time, no address)."""
    today = timezone.localdate()
    if client.last_used_on != today:
        Open311Client.objects.filter(pk=client.pk).update(last_used_on=today)
