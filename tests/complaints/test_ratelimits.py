"""The rate limiter on its own, without DRF or a request (``complaints.ratelimits``).

N requests of one address in a window are allowed, the next waits until the oldest leaves the
window; the count is kept under a keyed hash of the address whose key changes every day, so no
cache key holds the address, and the same address counts afresh the next day.
"""

import hashlib
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from complaints import ratelimits
from complaints.ratelimits import Rate, client_address, limit_wait, rate_parse

ADDRESS = "203.0.113.77"
OTHER = "198.51.100.9"


@pytest.fixture
def submit_3_per_hour(settings):
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "submit": "3/hour", "login": "2/minute"}
    cache.clear()
    yield
    cache.clear()


def cache_keys() -> list[str]:
    return [str(key) for key in cache._cache]  # LocMemCache, as in the test settings


@pytest.fixture
def clock(monkeypatch):
    """``time.time`` of the limiter, moved by hand."""
    now = SimpleNamespace(value=1_750_000_000.0)
    monkeypatch.setattr(ratelimits.time, "time", lambda: now.value)
    return now


@pytest.mark.usefixtures("submit_3_per_hour")
def test_n_requests_are_allowed_then_the_next_waits_for_the_window(clock):
    allowed = [limit_wait("submit", ADDRESS) for _ in range(3)]
    clock.value += 600
    refused = limit_wait("submit", ADDRESS)

    assert allowed == [None, None, None]
    assert refused == 3600 - 600  # until the first of the three leaves the hour
    clock.value += 3000
    assert limit_wait("submit", ADDRESS) is None  # the first left the window


@pytest.mark.usefixtures("submit_3_per_hour")
def test_a_refused_request_is_not_counted(clock):
    for _ in range(3):
        limit_wait("submit", ADDRESS)
    for _ in range(5):
        assert limit_wait("submit", ADDRESS) is not None

    clock.value += 3601

    assert limit_wait("submit", ADDRESS) is None


@pytest.mark.usefixtures("submit_3_per_hour")
def test_each_address_and_each_scope_counts_apart():
    for _ in range(3):
        limit_wait("submit", ADDRESS)

    assert limit_wait("submit", ADDRESS) is not None
    assert limit_wait("submit", OTHER) is None
    assert limit_wait("login", ADDRESS) is None


@pytest.mark.usefixtures("submit_3_per_hour")
def test_the_rate_is_read_at_call_time(settings):
    for _ in range(3):
        limit_wait("submit", ADDRESS)
    assert limit_wait("submit", ADDRESS) is not None

    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "submit": None}  # "off"

    assert limit_wait("submit", ADDRESS) is None


def test_an_off_limit_stores_nothing(settings):
    settings.PORTAL_RATES = {**settings.PORTAL_RATES, "submit": None}

    assert all(limit_wait("submit", ADDRESS) is None for _ in range(50))
    assert cache_keys() == []


def test_an_unknown_scope_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        limit_wait("no-such-scope", ADDRESS)


@pytest.mark.parametrize(
    "rate, expected",
    [
        ("10/hour", Rate(10, 3600)),
        ("120/minute", Rate(120, 60)),
        ("5/s", Rate(5, 1)),
        ("2/day", Rate(2, 86400)),
        ("1/h", Rate(1, 3600)),
    ],
)
def test_rates_read_as_drf_wrote_them(rate, expected):
    assert rate_parse(rate) == expected


@pytest.mark.parametrize("rate", ["10", "ten/hour", "10/week", "²/hour", "-1/hour"])
def test_a_malformed_rate_is_a_configuration_error(rate):
    with pytest.raises(ImproperlyConfigured):
        rate_parse(rate)


def ip_spellings(ip: str) -> list[str]:
    parts = ip.split(".")
    spellings = [ip, "".join(parts), "-".join(parts), "_".join(parts), ":".join(parts)]
    spellings.append(bytes(int(part) for part in parts).hex())
    spellings += [hashlib.new(name, ip.encode()).hexdigest() for name in ("md5", "sha1", "sha256")]
    return spellings


@pytest.mark.usefixtures("submit_3_per_hour")
def test_no_cache_key_or_value_contains_the_address():
    for _ in range(4):
        limit_wait("submit", ADDRESS)
    limit_wait("login", ADDRESS)

    keys = cache_keys()
    assert len(keys) == 2, keys
    for key in keys:
        for spelling in ip_spellings(ADDRESS):
            assert spelling not in key, (spelling, key)
        assert ADDRESS not in repr(cache._cache[key])


@pytest.mark.usefixtures("submit_3_per_hour")
def test_the_key_rotates_daily_so_a_new_day_counts_afresh(monkeypatch):
    day = {"now": datetime(2025, 6, 1, 23, 0, tzinfo=UTC)}
    monkeypatch.setattr(ratelimits.timezone, "now", lambda: day["now"])
    for _ in range(3):
        limit_wait("submit", ADDRESS)
    assert limit_wait("submit", ADDRESS) is not None
    first_keys = set(cache_keys())

    day["now"] = datetime(2025, 6, 2, 0, 5, tzinfo=UTC)

    assert limit_wait("submit", ADDRESS) is None
    second_keys = set(cache_keys()) - first_keys
    assert len(second_keys) == 1  # the same address, a key unrelated to yesterday's
    (yesterday,) = first_keys
    (today,) = second_keys
    assert yesterday.rsplit("_", 1)[-1] != today.rsplit("_", 1)[-1]


def test_the_client_address_is_the_peer_and_never_a_forwarded_header():
    request = SimpleNamespace(
        META={"REMOTE_ADDR": ADDRESS, "HTTP_X_FORWARDED_FOR": "10.0.0.1, 10.0.0.2"}
    )

    assert client_address(request) == ADDRESS
    assert client_address(SimpleNamespace(META={})) == ""


def test_the_client_address_matches_drf_for_the_project_settings(rf):
    """The same answer as DRF's ``get_ident`` (``NUM_PROXIES = 0``), which it replaces."""
    from rest_framework.request import Request
    from rest_framework.throttling import BaseThrottle

    request = rf.post("/", REMOTE_ADDR=ADDRESS, HTTP_X_FORWARDED_FOR="10.0.0.9")

    assert client_address(request) == BaseThrottle().get_ident(Request(request)) == ADDRESS
    assert client_address(Request(request)) == ADDRESS


# --- What a limit counts by: IPv4 whole, IPv6 by /64 (issue 12, finding 6) -----------------------


@pytest.mark.parametrize(
    "address, key",
    [
        ("203.0.113.77", "203.0.113.77"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:0DB8:0001:0002::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.77", "203.0.113.77"),
        ("fe80::1%eth0", "fe80::/64"),
        ("not-an-address", "not-an-address"),
        ("", ""),
    ],
)
def test_an_ipv4_address_counts_whole_and_an_ipv6_address_by_its_64(address, key):
    assert ratelimits.address_key(address) == key


@pytest.mark.usefixtures("submit_3_per_hour")
def test_addresses_in_one_ipv6_64_share_a_budget_and_another_64_does_not():
    """Finding 6 replayed: one household rotating through its /64 no longer gets a fresh budget
    with each address."""
    rotating = [f"2001:db8:77:1::{index:x}" for index in range(1, 5)]

    answers = [limit_wait("submit", address) for address in rotating]

    assert answers[:3] == [None, None, None]
    assert answers[3] is not None  # the fourth address of the same /64 waits
    assert limit_wait("submit", "2001:db8:77:2::1") is None  # the neighbouring /64 does not


@pytest.mark.usefixtures("submit_3_per_hour")
def test_ipv4_neighbours_still_count_apart():
    for _ in range(3):
        limit_wait("submit", "203.0.113.1")

    assert limit_wait("submit", "203.0.113.1") is not None
    assert limit_wait("submit", "203.0.113.2") is None


@pytest.mark.usefixtures("submit_3_per_hour")
def test_no_cache_key_contains_the_ipv6_network():
    for _ in range(3):
        limit_wait("submit", "2001:db8:77:1::1")

    for key in cache_keys():
        assert "2001" not in key and "db8" not in key, key


# --- The refusal in words: minutes from a minute on -------------------------------------------


@pytest.mark.parametrize(
    "wait, message",
    [
        (1, "Too many requests; please try again in 1 seconds."),
        (59, "Too many requests; please try again in 59 seconds."),
        (60, "Too many requests; please try again in 1 minute."),
        (61, "Too many requests; please try again in 2 minutes."),
        (3506, "Too many requests; please try again in 59 minutes."),
    ],
)
def test_the_wait_is_said_in_minutes_from_a_minute_on(wait, message):
    from django.utils import translation

    with translation.override("en"):
        assert ratelimits.throttled_message(wait) == message
