"""Receipts (16 random digits, stored only as a keyed hash) and public references."""

import hashlib
import re

import pytest
from django.utils import timezone

from complaints import receipts
from complaints.receipts import (
    receipt_grouped,
    receipt_hash,
    receipt_new,
    receipt_normalize,
    reference_new,
)

RECEIPT = "0123456789012345"
REFERENCE_PATTERN = re.compile(r"^BKL-\d{2}-[0-9A-HJKMNP-TV-Z]{6}$")


def test_receipt_is_16_ascii_digits():
    for _ in range(200):
        receipt = receipt_new()
        assert len(receipt) == 16
        assert receipt.isascii() and receipt.isdigit()


def test_receipts_are_distinct_and_use_every_leading_digit():
    draws = [receipt_new() for _ in range(2000)]
    assert len(set(draws)) == len(draws)
    # a receipt drawn from fewer than 16 digits of randomness would always start with 0
    assert {draw[0] for draw in draws} == set("0123456789")


def test_receipt_keeps_leading_zeros(monkeypatch):
    monkeypatch.setattr(receipts.secrets, "randbelow", lambda upper: 42)
    assert receipt_new() == "0000000000000042"


@pytest.mark.parametrize(
    "typed",
    [
        "0123456789012345",
        "0123 4567 8901 2345",
        "0123-4567-8901-2345",
        "  0123 4567-8901 2345\n",
        "0123\t4567\t8901\t2345",
        "0123.4567.8901.2345",
    ],
)
def test_normalize_accepts_spaces_and_dashes(typed):
    assert receipt_normalize(typed) == RECEIPT


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "012345678901234",  # 15 digits
        "01234567890123456",  # 17 digits
        "0123 4567 8901 234",
        "0123456789o12345",  # a letter o for a zero
        "O123456789012345",
        "abcdefghijklmnop",
        "0123456789012345".replace("0", "\u0660"),  # Arabic-Indic digits
        "\u0660123456789012345",  # one Arabic-Indic zero among ASCII digits
        "\uff10123456789012345",  # a fullwidth zero
        "0123_4567_8901_2345",
        "0123/4567/8901/2345",
        "+123456789012345",
    ],
)
def test_normalize_rejects_malformed(typed):
    assert receipt_normalize(typed) is None


def test_hash_is_64_hex_and_deterministic():
    digest = receipt_hash(RECEIPT)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert receipt_hash(RECEIPT) == digest


def test_hash_differs_between_receipts():
    assert receipt_hash(RECEIPT) != receipt_hash("0123456789012346")


def test_hash_depends_on_the_secret_key(settings):
    before = receipt_hash(RECEIPT)
    settings.SECRET_KEY = "another-secret-key-for-this-test-" + "x" * 40
    after = receipt_hash(RECEIPT)
    assert re.fullmatch(r"[0-9a-f]{64}", after)
    assert after != before


def test_hash_never_contains_the_receipt():
    for receipt in [RECEIPT, *(receipt_new() for _ in range(50))]:
        digest = receipt_hash(receipt)
        assert digest != receipt
        assert receipt not in digest
        assert receipt_grouped(receipt) not in digest


def test_hash_is_not_a_plain_sha256():
    assert receipt_hash(RECEIPT) != hashlib.sha256(RECEIPT.encode()).hexdigest()


def test_grouped_4_4_4_4():
    assert receipt_grouped(RECEIPT) == "0123 4567 8901 2345"


def test_grouped_receipt_normalizes_back():
    receipt = receipt_new()
    assert receipt_normalize(receipt_grouped(receipt)) == receipt


def test_reference_format(settings):
    settings.PORTAL_REFERENCE_PREFIX = "BKL"
    year = timezone.localdate().strftime("%y")
    references = [reference_new() for _ in range(500)]
    for reference in references:
        assert REFERENCE_PATTERN.fullmatch(reference), reference
        assert reference[4:6] == year
        assert not set(reference[7:]) & set("ILOU")
    # 100 draws from 32**6 codes: a repeat would mean the code is not random
    assert len(set(references[:100])) == 100


def test_reference_uses_the_configured_prefix(settings):
    settings.PORTAL_REFERENCE_PREFIX = "XYZ"
    assert re.fullmatch(r"XYZ-\d{2}-[0-9A-HJKMNP-TV-Z]{6}", reference_new())
