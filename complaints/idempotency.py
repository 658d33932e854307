"""Retry-safe requests: the first answer to a client's idempotency key, kept 24 hours, unreadable
at rest.

A client that may lose its connection after sending (a phone on a weak network, a browser
reloading a page that answered a POST) sends a random key of its choice with the request: the
``Idempotency-Key`` header of the API, or the one-time ``retry_key`` field of the pages' forms.
The request's work and its answer are stored in ONE transaction, so a repeat with the same key
within 24 hours gets the first answer back and does nothing again; a crash before the commit
leaves nothing, a crash after it leaves the answer for the retry.

What this module owns:

- ``key_clean`` / ``key_new``: what a key may be (16-128 printable ASCII characters), and a fresh
  one for a page's form;
- the stored row (``StoredAnswer``): FOUND by an HMAC of the key with a key derived from
  ``SECRET_KEY`` (so the database alone cannot test guessed keys), ENCRYPTED with AES-256-GCM
  under a key derived from the client's key by HKDF-SHA256 (so the server, which never keeps the
  client's key, cannot read an answer, receipt included, at rest), its row's hash bound in as
  associated data; ignored on read after 24 hours and deleted by ``answers_purge`` (the clocks);
- ``answer_once``: run a service once per key and return its answer, the first one on a repeat.

The ``scope`` names the operation (and, for a reporter's action, the complaint), so one key never
answers for another operation. A repeat with the same key and a different body gets the first
answer (as a retried request should, whatever changed in between); nothing new is done.
"""

import json
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from complaints.exceptions import Conflict, InvalidInput
from complaints.models import StoredAnswer

ANSWER_LIFETIME = timedelta(hours=24)
KEY_MIN, KEY_MAX = 16, 128
HEADER = "Idempotency-Key"
FORM_FIELD = "retry_key"  # the pages' one-time token (a hidden field)

_HASH_SALT = "laporpungli.idempotency.lookup.v1"
_HKDF_SALT = b"laporpungli.idempotency.answer.v1"
_NONCE_BYTES = 12

MSG_KEY_INVALID = _(
    "The idempotency key must be %(min)s to %(max)s printable ASCII characters without spaces."
)
MSG_IN_PROGRESS = _(
    "The same request is still being processed. Try again in a moment with the same key."
)


class AnswerTaken(Exception):
    """Another request with the same key stored its answer first (raised inside the transaction,
    so the loser's work rolls back)."""


def key_clean(raw: str | None, *, field: str = HEADER) -> str | None:
    """The key as sent, None when none was sent; InvalidInput (400) when it is malformed."""
    if raw is None:
        return None
    valid = KEY_MIN <= len(raw) <= KEY_MAX and all("!" <= char <= "~" for char in raw)
    if not valid:
        message = str(MSG_KEY_INVALID) % {"min": KEY_MIN, "max": KEY_MAX}
        raise InvalidInput.on_field(field, message)
    return raw


def key_new() -> str:
    """A fresh key for a page's form: 256 random bits, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def key_hash(key: str, scope: str) -> str:
    """Where a key's answer is found: HMAC-SHA256 under a key derived from SECRET_KEY."""
    return salted_hmac(_HASH_SALT, f"{scope}\n{key}", algorithm="sha256").hexdigest()


def _cipher(key: str, scope: str) -> AESGCM:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=scope.encode("utf-8")
    ).derive(key.encode("ascii"))
    return AESGCM(derived)


def answer_encrypt(answer: dict, *, key: str, scope: str) -> bytes:
    """The answer as JSON, sealed with AES-GCM under the client's key (nonce first)."""
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = json.dumps(answer, cls=DjangoJSONEncoder, ensure_ascii=False).encode("utf-8")
    associated = key_hash(key, scope).encode("ascii")
    return nonce + _cipher(key, scope).encrypt(nonce, plaintext, associated)


def answer_decrypt(sealed: bytes, *, key: str, scope: str) -> dict:
    """The answer back; ``cryptography.exceptions.InvalidTag`` under any other key or scope."""
    sealed = bytes(sealed)
    nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    associated = key_hash(key, scope).encode("ascii")
    return json.loads(_cipher(key, scope).decrypt(nonce, ciphertext, associated))


def recall(*, key: str, scope: str, now: datetime | None = None) -> dict | None:
    """The answer stored for this key in the last 24 hours, or None."""
    since = (now or timezone.now()) - ANSWER_LIFETIME
    row = StoredAnswer.objects.filter(key_hash=key_hash(key, scope), created_at__gt=since).first()
    if row is None:
        return None
    try:
        return answer_decrypt(row.ciphertext, key=key, scope=scope)
    except (InvalidTag, ValueError):
        # Not sealed under this key (SECRET_KEY changed since): as if nothing were stored.
        return None


def remember(*, key: str, scope: str, answer: dict, now: datetime | None = None) -> None:
    """Store the answer, in the caller's transaction; ``AnswerTaken`` if the key has one."""
    now = now or timezone.now()
    hashed = key_hash(key, scope)
    # An expired answer no purge has removed yet must not block the key's reuse.
    StoredAnswer.objects.filter(key_hash=hashed, created_at__lte=now - ANSWER_LIFETIME).delete()
    sealed = answer_encrypt(answer, key=key, scope=scope)
    try:
        with transaction.atomic():
            StoredAnswer.objects.create(key_hash=hashed, ciphertext=sealed, created_at=now)
    except IntegrityError:
        raise AnswerTaken from None


def answers_purge(*, now: datetime | None = None) -> int:
    """Delete the answers older than 24 hours (the clocks run this); returns how many."""
    since = (now or timezone.now()) - ANSWER_LIFETIME
    deleted, _by_model = StoredAnswer.objects.filter(created_at__lte=since).delete()
    return deleted


@dataclass
class Retry:
    """One retry-safe call in progress, handed to a service as ``retry=``.

    The service calls ``keep`` with its result inside its transaction, after its writes; the
    answer is rendered (by the interface's ``render``) and, with a key, stored in that same
    transaction.
    """

    key: str | None
    scope: str
    render: Callable[..., dict]
    answer: dict | None = None

    def keep(self, *result) -> None:
        self.answer = self.render(*result)
        if self.key is not None:
            remember(key=self.key, scope=self.scope, answer=self.answer)


@dataclass(frozen=True)
class Answer:
    data: dict
    replayed: bool  # the first answer to this key, given again


def answer_once(
    *,
    key: str | None,
    scope: str,
    perform: Callable[[Retry], object],
    render: Callable[..., dict],
) -> Answer:
    """Run ``perform(retry)`` (a service called with ``retry=retry``) at most once per key, and
    return its answer; a repeat within 24 hours gets the first answer and performs nothing.

    Two requests with the same key at once: both may do the work, but only the first to commit
    stores its answer; the other's transaction fails on the key's unique hash and rolls back (its
    files deleted by the service), and it answers with the first one's answer.
    """
    if key is not None:
        kept = recall(key=key, scope=scope)
        if kept is not None:
            return Answer(kept, replayed=True)
    retry = Retry(key=key, scope=scope, render=render)
    try:
        perform(retry)
    except AnswerTaken:
        kept = recall(key=key, scope=scope)
        if kept is None:  # the winner's answer expired or was sealed otherwise: try again later
            raise Conflict(str(MSG_IN_PROGRESS)) from None
        return Answer(kept, replayed=True)
    if retry.answer is None:
        raise RuntimeError(f"The service behind {scope!r} did not keep its answer.")
    return Answer(retry.answer, replayed=False)
