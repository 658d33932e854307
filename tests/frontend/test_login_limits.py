"""Issue 12, finding 1, replayed through the login pages: the Django admin's ``/admin/login/``
and the staff ``/staf/masuk/`` (Django test client with CSRF checks on, as a browser posts).

Observed before: 40 wrong passwords in 5 s on ``/admin/login/``, then the right one → superuser.
Now every login form counts attempts per address (``PORTAL_RATE_LOGIN``) and per account
(``PORTAL_LOGIN_FAILURES`` within ``PORTAL_LOGIN_COOLDOWN_MINUTES``), whatever the address.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from tests.factories import page_client

ADMIN_LOGIN = "/admin/login/"
STAFF_LOGIN = "/staf/masuk/"
PASSWORD = "kata-sandi-benar-4471"
ATTACKER = "203.0.113.66"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(username="admin", password=PASSWORD)


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user(
        username="kepala-dishub", password=PASSWORD, is_staff=True
    )


def browser(address: str = ATTACKER, language: str = "en") -> Client:
    return page_client(language, enforce_csrf_checks=True, REMOTE_ADDR=address)


def post_login(client: Client, url: str, username: str, password: str):
    """What a browser does: open the form (for its CSRF cookie and field), then post it."""
    page = client.get(url)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    data = {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    return client.post(url, data)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- The attack of finding 1, on each login page ---------------------------------------------


@pytest.mark.usefixtures("login_limits")
@pytest.mark.parametrize("url", [ADMIN_LOGIN, STAFF_LOGIN])
def test_forty_wrong_passwords_then_the_right_one_does_not_log_in(superuser, url):
    client = browser()
    wrong = [post_login(client, url, "admin", f"tebakan-{n}") for n in range(40)]

    right = post_login(client, url, "admin", PASSWORD)

    statuses = [response.status_code for response in wrong]
    assert statuses[:5] == [200] * 5  # the form again: wrong username or password
    assert set(statuses[5:]) == {429}
    assert right.status_code == 429
    assert int(right["Retry-After"]) > 0
    assert not logged_in(client)
    assert client.get("/admin/").status_code == 302  # still sent to the login page


@pytest.mark.usefixtures("login_limits")
@pytest.mark.parametrize("url", [ADMIN_LOGIN, STAFF_LOGIN])
def test_an_account_cools_down_whatever_the_address(superuser, url):
    guesses = [
        post_login(browser(f"198.51.100.{n}"), url, "admin", f"tebakan-{n}") for n in range(5)
    ]
    owner = browser("192.0.2.10")

    refused = post_login(owner, url, "admin", PASSWORD)

    assert [response.status_code for response in guesses] == [200] * 5
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "This account is locked after too many failed logins; try again in 15 minutes." in body
    assert int(refused["Retry-After"]) == 15 * 60
    assert not logged_in(owner)


@pytest.mark.usefixtures("login_limits")
def test_the_cool_down_message_is_indonesian_by_default(superuser):
    for n in range(5):
        post_login(browser(f"198.51.100.{n}", language="id"), STAFF_LOGIN, "admin", f"x{n}")

    refused = post_login(browser("192.0.2.10", language="id"), STAFF_LOGIN, "admin", PASSWORD)

    assert refused.status_code == 429
    assert "coba lagi dalam 15 menit" in refused.content.decode()


@pytest.mark.usefixtures("login_limits")
def test_a_spelling_of_the_username_counts_for_the_same_account(superuser):
    for n, spelling in enumerate(["ADMIN", "Admin", " admin", "ａｄｍｉｎ", "aDmIn"]):
        post_login(browser(f"198.51.100.{n}"), ADMIN_LOGIN, spelling, f"tebakan-{n}")

    refused = post_login(browser("192.0.2.10"), ADMIN_LOGIN, "admin", PASSWORD)

    assert refused.status_code == 429


@pytest.mark.usefixtures("login_limits")
def test_the_cool_down_ends_after_its_minutes(superuser, login_clock):
    for n in range(5):
        post_login(browser(f"198.51.100.{n}"), STAFF_LOGIN, "admin", f"tebakan-{n}")
    owner = browser("192.0.2.10")
    login_clock(14 * 60)
    still = post_login(owner, STAFF_LOGIN, "admin", PASSWORD)

    login_clock(61)
    after = post_login(owner, STAFF_LOGIN, "admin", PASSWORD)

    assert still.status_code == 429
    assert "try again in 1 minute." in still.content.decode()
    assert after.status_code == 302
    assert logged_in(owner)


@pytest.mark.usefixtures("login_limits")
@pytest.mark.parametrize("url", [ADMIN_LOGIN, STAFF_LOGIN])
def test_a_successful_login_clears_the_accounts_failures(superuser, url):
    client = browser("192.0.2.10")
    for n in range(4):
        post_login(client, url, "admin", f"salah-ketik-{n}")
    first = post_login(client, url, "admin", PASSWORD)
    client.logout()
    for n in range(4):
        post_login(client, url, "admin", f"salah-lagi-{n}")

    second = post_login(client, url, "admin", PASSWORD)

    assert first.status_code == 302
    assert second.status_code == 302  # 8 failures in all, but never 5 in a row
    assert logged_in(client)


@pytest.mark.usefixtures("login_limits")
def test_one_address_trying_many_accounts_is_refused_by_the_address_limit(superuser, officer):
    client = browser()
    names = [f"akun-{n}" for n in range(10)]
    tries = [post_login(client, ADMIN_LOGIN, name, "tebakan").status_code for name in names]

    right = post_login(client, ADMIN_LOGIN, "kepala-dishub", PASSWORD)
    elsewhere = post_login(browser("192.0.2.10"), ADMIN_LOGIN, "kepala-dishub", PASSWORD)

    assert tries == [200] * 10  # one attempt per account: no account cools down
    assert right.status_code == 429
    assert "Too many login attempts; try again in 1 minute." in right.content.decode()
    assert elsewhere.status_code == 302  # the account itself is not locked


@pytest.mark.usefixtures("login_limits")
def test_a_right_password_still_logs_in_on_both_pages(superuser):
    admin = browser()
    staff = browser("192.0.2.10")

    assert post_login(admin, ADMIN_LOGIN, "admin", PASSWORD).status_code == 302
    assert post_login(staff, STAFF_LOGIN, "admin", PASSWORD).status_code == 302
    assert logged_in(admin) and logged_in(staff)


@pytest.mark.usefixtures("login_limits")
def test_the_admin_still_refuses_a_non_staff_account_with_the_right_password(db):
    get_user_model().objects.create_user(username="warga", password=PASSWORD)
    client = browser()

    response = post_login(client, ADMIN_LOGIN, "warga", PASSWORD)

    assert response.status_code == 200
    assert not logged_in(client)


@pytest.mark.usefixtures("login_limits")
def test_neither_the_address_nor_the_username_nor_the_password_is_kept(superuser):
    for n in range(7):
        post_login(browser(), STAFF_LOGIN, "admin", f"tebakan-rahasia-{n}")

    stored = " ".join(f"{key} {value!r}" for key, value in cache._cache.items())

    for secret in [ATTACKER, "203_0_113_66", "admin", "tebakan-rahasia"]:
        assert secret not in stored
