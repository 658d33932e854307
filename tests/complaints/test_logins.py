"""The login limiter itself (``complaints.logins``); over HTTP: tests/api/test_logins.py and
tests/frontend/test_login_limits.py."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import translation

from complaints.logins import LoginRefused, account_key, login_authenticate

PASSWORD = "kata-sandi-benar-4471"
WAIT = 10  # seconds a test thread waits for another before the test fails (never reached)


def request_from(address: str):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def attempt(password: str, username: str = "petugas", address: str = "192.0.2.1"):
    return login_authenticate(request_from(address), username=username, password=password)


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="petugas", password=PASSWORD)


# --- The account's key ------------------------------------------------------------------------


def test_spellings_django_treats_alike_share_one_key():
    assert len({account_key(name) for name in ["admin", "ADMIN", " admin ", "ａｄｍｉｎ"]}) == 1


def test_other_accounts_have_other_keys_and_no_key_shows_the_name():
    assert account_key("admin") != account_key("admin2")
    assert "admin" not in account_key("admin")


# --- Counting, cool-down, reset ----------------------------------------------------------------


@pytest.mark.usefixtures("login_limits")
def test_five_failures_lock_the_account_even_for_the_right_password(user):
    results = [attempt(f"salah-{n}", address=f"198.51.100.{n}") for n in range(5)]

    with pytest.raises(LoginRefused) as refused:
        attempt(PASSWORD)

    assert results == [None] * 5
    assert refused.value.retry_after == 15 * 60


@pytest.mark.usefixtures("login_limits")
def test_attempts_during_the_cool_down_do_not_extend_it(user, login_clock):
    for n in range(5):
        attempt(f"salah-{n}")
    login_clock(10 * 60)

    with pytest.raises(LoginRefused) as refused, translation.override("id"):
        attempt(PASSWORD, address="192.0.2.2")

    assert refused.value.retry_after == 5 * 60
    assert "dalam 5 menit" in refused.value.message


@pytest.mark.usefixtures("login_limits")
def test_after_the_cool_down_the_count_starts_again(user, login_clock):
    for n in range(5):
        attempt(f"salah-{n}")
    login_clock(15 * 60 + 1)

    again = [attempt(f"lagi-{n}", address="192.0.2.2") for n in range(4)]

    assert again == [None] * 4
    assert attempt(PASSWORD, address="192.0.2.2") == user


@pytest.mark.usefixtures("login_limits")
def test_failures_older_than_the_window_are_forgotten(user, login_clock):
    for n in range(4):
        attempt(f"salah-{n}")
    login_clock(15 * 60 + 1)

    later = [attempt(f"lagi-{n}", address="192.0.2.2") for n in range(4)]

    assert later == [None] * 4
    assert attempt(PASSWORD, address="192.0.2.3") == user


@pytest.mark.usefixtures("login_limits")
def test_a_success_clears_the_count(user):
    for n in range(4):
        attempt(f"salah-{n}")
    assert attempt(PASSWORD) == user

    later = [attempt(f"lagi-{n}", address="192.0.2.2") for n in range(4)]

    assert later == [None] * 4
    assert attempt(PASSWORD, address="192.0.2.2") == user


@pytest.mark.usefixtures("login_limits")
def test_the_address_limit_comes_first_and_does_not_touch_the_account(user):
    for n in range(10):
        attempt("salah", username=f"akun-{n}")

    with pytest.raises(LoginRefused) as refused, translation.override("id"):
        attempt(PASSWORD)

    assert refused.value.message.startswith("Terlalu banyak percobaan masuk")
    assert attempt(PASSWORD, address="192.0.2.2") == user


def test_the_limits_follow_the_settings(user, settings):
    settings.PORTAL_LOGIN_FAILURES = 2
    settings.PORTAL_LOGIN_COOLDOWN_MINUTES = 3
    attempt("salah-1")
    attempt("salah-2")

    with pytest.raises(LoginRefused) as refused:
        attempt(PASSWORD)

    assert refused.value.retry_after == 3 * 60


# --- Parallel guesses ----------------------------------------------------------------------------


class HeldBackend:
    """An authentication backend that holds every password check until released: the slow
    hash of parallel guesses, without any timing."""

    checking = threading.Semaphore(0)
    release = threading.Event()

    def authenticate(self, request, username=None, password=None):
        HeldBackend.checking.release()
        assert HeldBackend.release.wait(WAIT)
        return None

    def get_user(self, user_id):
        return None


@pytest.mark.usefixtures("login_limits")
def test_parallel_guesses_get_no_more_password_checks_than_the_limit(settings):
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.HeldBackend"]
    HeldBackend.release.clear()
    refused = threading.Semaphore(0)

    def guess(n: int) -> None:
        try:
            attempt(f"tebakan-{n}", address=f"198.51.100.{n}")
        except LoginRefused:
            refused.release()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    try:
        # Five guesses reach the password check and are held there; the other three are
        # refused before it, while none of the five has failed yet.
        held = all(HeldBackend.checking.acquire(timeout=WAIT) for _ in range(5))
        refused_while_held = all(refused.acquire(timeout=WAIT) for _ in range(3))
    finally:
        HeldBackend.release.set()
        for thread in threads:
            thread.join(WAIT)

    assert held and refused_while_held
    assert not HeldBackend.checking.acquire(blocking=False)  # no sixth password check
