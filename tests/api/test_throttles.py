"""Rate limits on anonymous submission, without remembering who the client is (over HTTP; the
limiter itself is tested in ``tests/complaints/test_ratelimits.py``).

The limit counts per client, but the cache key is a keyed hash of the address: neither the
address nor anything derived from it without the key (a plain hash, another spelling) is stored.
"""

import hashlib
import re

import pytest
from django.core.cache import cache

from tests.api.client import PARKIR_STORY, complaint_post
from tests.factories import page_client

pytestmark = pytest.mark.usefixtures("directory")

CLIENT_IP = "203.0.113.77"
OTHER_IP = "198.51.100.9"


@pytest.fixture
def submit_limit_2_per_hour(settings):
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "submit": "2/hour"}
    cache.clear()
    yield
    cache.clear()


def cache_keys() -> list[str]:
    # The embedded default cache (LocMemCache) keeps its entries in ``_cache``.
    return [str(key) for key in cache._cache]


def ip_spellings(ip: str) -> list[str]:
    """The address as it might leak into a key: plain, re-punctuated, packed, or hashed unkeyed."""
    parts = ip.split(".")
    spellings = [ip, "".join(parts), "-".join(parts), "_".join(parts), ":".join(parts)]
    spellings.append(bytes(int(part) for part in parts).hex())
    spellings += [hashlib.new(name, ip.encode()).hexdigest() for name in ("md5", "sha1", "sha256")]
    return spellings


@pytest.mark.usefixtures("submit_limit_2_per_hour")
def test_the_third_submission_in_an_hour_is_refused(api_client):
    statuses = [
        complaint_post(api_client, PARKIR_STORY, REMOTE_ADDR=CLIENT_IP).status_code
        for _ in range(2)
    ]
    third = complaint_post(api_client, PARKIR_STORY, language="en", REMOTE_ADDR=CLIENT_IP)

    assert statuses == [201, 201]
    assert third.status_code == 429
    body = third.json()
    # The wait in minutes for people, in seconds for machines; and a way in (a proof of work,
    # tests/api/test_proofofwork.py).
    assert set(body) == {"message", "errors", "challenge"}
    assert re.fullmatch(r"Too many requests; please try again in \d+ minutes\.", body["message"])
    assert int(third["Retry-After"]) > 60


@pytest.mark.usefixtures("submit_limit_2_per_hour")
def test_the_limit_counts_per_client(api_client):
    for _ in range(2):
        assert complaint_post(api_client, PARKIR_STORY, REMOTE_ADDR=CLIENT_IP).status_code == 201

    other = complaint_post(api_client, PARKIR_STORY, REMOTE_ADDR=OTHER_IP)

    assert other.status_code == 201


@pytest.mark.usefixtures("submit_limit_2_per_hour")
def test_a_forged_forwarded_for_header_does_not_reset_the_limit(api_client):
    for index in range(2):
        complaint_post(
            api_client, PARKIR_STORY, REMOTE_ADDR=CLIENT_IP, HTTP_X_FORWARDED_FOR=f"10.0.0.{index}"
        )

    third = complaint_post(
        api_client, PARKIR_STORY, REMOTE_ADDR=CLIENT_IP, HTTP_X_FORWARDED_FOR="10.0.0.99"
    )

    assert third.status_code == 429


@pytest.mark.usefixtures("submit_limit_2_per_hour")
def test_the_cache_keys_do_not_contain_the_client_address(api_client):
    for _ in range(3):
        complaint_post(api_client, PARKIR_STORY, REMOTE_ADDR=CLIENT_IP)

    keys = cache_keys()
    assert [key for key in keys if "throttle_submit" in key], keys  # the limit did use the cache
    for key in keys:
        assert not re.search(r"\d{1,3}([.\-_:])\d{1,3}\1\d{1,3}\1\d{1,3}", key), key
        for spelling in ip_spellings(CLIENT_IP):
            assert spelling not in key, (spelling, key)
    # What is stored under the key is a list of request times, nothing about the client.
    for key in keys:
        assert CLIENT_IP not in repr(cache._cache[key])


@pytest.mark.usefixtures("submit_limit_2_per_hour")
def test_the_report_page_and_the_api_share_one_limit(api_client):

    for _ in range(2):
        assert complaint_post(api_client, PARKIR_STORY, REMOTE_ADDR=CLIENT_IP).status_code == 201

    page = page_client("en", REMOTE_ADDR=CLIENT_IP).post(
        "/lapor/", {**PARKIR_STORY, "karcis_given": "false"}
    )

    assert page.status_code == 429
    assert re.search(r"Too many requests; please try again in \d+ minutes\.", page.content.decode())
    assert int(page["Retry-After"]) > 0
