"""Receipts (the reporter's only key) and public references.

A receipt is 16 random digits shown once; only its keyed hash is stored. A reference such as
``BKL-26-7Q4K2M`` names a complaint publicly and reveals nothing (random, not sequential).
"""

import re
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

RECEIPT_DIGITS = 16
_RECEIPT_HMAC_SALT = "laporpungli.receipt.v1"
# Crockford's base32 without I, L, O, U: nothing to misread when a reference is read aloud.
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE_LENGTH = 6
_SEPARATORS = re.compile(r"[\s\-.]")


def receipt_new() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def receipt_normalize(raw: str) -> str | None:
    """The 16 digits of a receipt as typed (spaces and dashes allowed), or None if malformed."""
    digits = _SEPARATORS.sub("", raw or "")
    if len(digits) == RECEIPT_DIGITS and digits.isascii() and digits.isdigit():
        return digits
    return None


def receipt_hash(receipt: str) -> str:
    """HMAC-SHA256 of the receipt with a key derived from SECRET_KEY."""
    return salted_hmac(_RECEIPT_HMAC_SALT, receipt, algorithm="sha256").hexdigest()


def receipt_grouped(receipt: str) -> str:
    return " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))


def reference_new() -> str:
    code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(_REFERENCE_LENGTH))
    year = timezone.localdate().strftime("%y")
    return f"{settings.PORTAL_REFERENCE_PREFIX}-{year}-{code}"
