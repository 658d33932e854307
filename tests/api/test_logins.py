"""Issue 12, findings 1 and 11, replayed through ``POST /api/v1/auth/token/``.

Finding 1: logins were limited per address only, and no account cooled down. Finding 11: API
tokens were stored in plain text, never expired, and were the same after every login. Now the
token endpoint counts attempts like every login form (``complaints.logins``), and tokens are
django-rest-knox's: a digest at rest, an expiry, a new one per login, revocable (``auth/logout/``
and the admin).
"""

import hashlib
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken
from rest_framework.test import APIClient

TOKEN_URL = "/api/v1/auth/token/"
LOGOUT_URL = "/api/v1/auth/logout/"
LIST_URL = "/api/v1/staff/complaints/"
PASSWORD = "kata-sandi-benar-4471"
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user(username="kepala-dishub", password=PASSWORD)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(username="admin", password=PASSWORD)


def client_at(address: str = "203.0.113.66", language: str = "en") -> APIClient:
    return APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)


def token_post(client: APIClient, username: str, password: str):
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def token_of(username: str = "kepala-dishub", address: str = "192.0.2.10") -> dict:
    response = token_post(client_at(address), username, PASSWORD)
    assert response.status_code == 200, response.content
    return response.json()


def with_token(token: str) -> APIClient:
    client = client_at()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- Finding 1: the token endpoint is one of the login forms ---------------------------------


@pytest.mark.usefixtures("login_limits")
def test_forty_wrong_passwords_then_the_right_one_gets_no_token(officer):
    client = client_at()
    wrong = [token_post(client, "kepala-dishub", f"tebakan-{n}").status_code for n in range(40)]

    right = token_post(client, "kepala-dishub", PASSWORD)

    assert wrong[:5] == [400] * 5
    assert set(wrong[5:]) == {429}
    assert right.status_code == 429
    assert "token" not in right.json()
    assert int(right["Retry-After"]) > 0
    assert not AuthToken.objects.exists()


@pytest.mark.usefixtures("login_limits")
def test_an_account_cools_down_against_guesses_from_rotating_addresses(officer):
    guesses = [
        token_post(client_at(f"198.51.100.{n}"), "kepala-dishub", f"tebakan-{n}").status_code
        for n in range(5)
    ]

    refused = token_post(client_at("192.0.2.10"), "kepala-dishub", PASSWORD)

    assert guesses == [400] * 5
    assert refused.status_code == 429
    assert refused.json() == {
        "message": "This account is locked after too many failed logins; try again in 15 minutes.",
        "errors": {},
    }
    assert refused["Retry-After"] == str(15 * 60)


@pytest.mark.usefixtures("login_limits")
def test_the_cool_down_is_shared_by_the_pages_and_the_api(officer):
    for n in range(5):
        token_post(client_at(f"198.51.100.{n}"), "kepala-dishub", f"tebakan-{n}")
    page = Client(REMOTE_ADDR="192.0.2.10")

    response = page.post("/staf/masuk/", {"username": "kepala-dishub", "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in page.session


@pytest.mark.usefixtures("login_limits")
def test_the_refusal_is_in_indonesian_by_default(officer):
    for n in range(5):
        token_post(client_at(f"198.51.100.{n}"), "kepala-dishub", f"tebakan-{n}")

    refused = token_post(APIClient(REMOTE_ADDR="192.0.2.10"), "kepala-dishub", PASSWORD)

    assert refused.status_code == 429
    assert refused.json()["message"].endswith("coba lagi dalam 15 menit.")


@pytest.mark.usefixtures("login_limits")
def test_a_successful_login_clears_the_accounts_failures(officer):
    client = client_at("192.0.2.10")
    for n in range(4):
        token_post(client, "kepala-dishub", f"salah-ketik-{n}")
    first = token_post(client, "kepala-dishub", PASSWORD)
    for n in range(4):
        token_post(client_at("192.0.2.11"), "kepala-dishub", f"salah-lagi-{n}")

    second = token_post(client_at("192.0.2.11"), "kepala-dishub", PASSWORD)

    assert first.status_code == 200
    assert second.status_code == 200


@pytest.mark.usefixtures("login_limits")
def test_an_unknown_account_cools_down_like_a_real_one(officer):
    """The refusals do not tell which usernames exist."""
    for n in range(5):
        token_post(client_at(f"198.51.100.{n}"), "tidak-ada", f"tebakan-{n}")

    refused = token_post(client_at("192.0.2.10"), "tidak-ada", "apa-saja")

    assert refused.status_code == 429
    assert "This account is locked" in refused.json()["message"]


def test_wrong_credentials_are_a_400_in_the_error_shape(officer):
    response = token_post(client_at(), "kepala-dishub", "salah")

    assert response.status_code == 400
    assert response.json() == {"message": "Wrong username or password.", "errors": {}}


@pytest.mark.parametrize(
    "body",
    [{}, {"username": "kepala-dishub"}, {"password": PASSWORD}, {"username": "x" * 151}],
)
def test_incomplete_credentials_are_a_400(officer, body):
    response = client_at().post(TOKEN_URL, body, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"message", "errors"}


def test_a_stale_token_in_the_header_does_not_block_a_login(officer):
    client = with_token("0" * 64)

    response = token_post(client, "kepala-dishub", PASSWORD)

    assert response.status_code == 200


# --- Finding 11: tokens hashed at rest, expiring, new at each login, revocable --------------------


def test_the_token_is_not_stored_in_plain_text(officer):
    token = token_of()["token"]

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")
        rows = cursor.fetchall()

    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert token not in stored
    assert token.upper() not in stored.upper()
    assert AuthToken.objects.get().digest == hashlib.sha512(token.encode()).hexdigest()


def test_the_token_answer_says_when_it_expires(officer, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=10)}
    before = timezone.now()

    answer = token_of()

    expiry = parse_datetime(answer["expiry"])
    assert set(answer) == {"token", "expiry"}
    assert re.fullmatch(r"[0-9a-f]{64}", answer["token"])
    assert before + timedelta(hours=10) <= expiry <= timezone.now() + timedelta(hours=10)


def test_the_token_lifetime_follows_the_setting(officer, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(hours=2)}

    expiry = parse_datetime(token_of()["expiry"])

    assert expiry <= timezone.now() + timedelta(hours=2)
    assert expiry > timezone.now() + timedelta(hours=1, minutes=59)


def test_an_expired_token_is_refused(officer):
    token = token_of()["token"]
    assert with_token(token).get(LIST_URL).status_code == 200

    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))
    response = with_token(token).get(LIST_URL)

    assert response.status_code == 401
    assert response.json()["message"] == (
        "This token is not valid or has expired; log in again for a new one."
    )
    assert not AuthToken.objects.exists()  # knox removes it


def test_each_login_gives_a_new_token_and_both_work(officer):
    first = token_of()["token"]
    second = token_of()["token"]

    assert first != second
    assert with_token(first).get(LIST_URL).status_code == 200
    assert with_token(second).get(LIST_URL).status_code == 200


def test_a_login_removes_the_users_expired_tokens(officer):
    token_of()
    AuthToken.objects.update(expiry=timezone.now() - timedelta(hours=1))

    token_of()

    assert AuthToken.objects.count() == 1


def test_logout_revokes_only_the_token_it_carries(officer):
    kept = token_of()["token"]
    revoked = token_of()["token"]

    response = with_token(revoked).post(LOGOUT_URL)

    assert response.status_code == 204
    assert with_token(revoked).get(LIST_URL).status_code == 401
    assert with_token(kept).get(LIST_URL).status_code == 200


def test_logout_without_a_token_is_401(officer):
    assert client_at().post(LOGOUT_URL).status_code == 401


def test_an_admin_revokes_a_token_in_the_admin(officer, superuser):
    token = token_of()["token"]
    digest = AuthToken.objects.get(user=officer).digest
    admin = Client()
    admin.force_login(superuser)
    listing = admin.get("/admin/knox/authtoken/")
    assert listing.status_code == 200
    assert "kepala-dishub" in listing.content.decode()
    assert token not in listing.content.decode()

    deleted = admin.post(f"/admin/knox/authtoken/{digest}/delete/", {"post": "yes"})

    assert deleted.status_code == 302
    assert with_token(token).get(LIST_URL).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Token", "Token a b", "Token " + "f" * 64, "Token é-ÿ", "Token " + "a" * 5000],
)
def test_a_bad_token_header_is_a_401_never_a_500(officer, header):
    response = client_at().get(LIST_URL, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert response.json()["message"] == (
        "This token is not valid or has expired; log in again for a new one."
    )


def test_a_token_of_a_deactivated_account_is_refused(officer):
    token = token_of()["token"]
    officer.is_active = False
    officer.save()

    assert with_token(token).get(LIST_URL).status_code == 401


# --- Configuration from the environment -------------------------------------------------------


def settings_from(**env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings.base", "DEBUG": "true", **env}
    show = (
        "from django.conf import settings as s; "
        "print(s.PORTAL_RATES['login'], s.PORTAL_LOGIN_FAILURES, "
        "s.PORTAL_LOGIN_COOLDOWN_MINUTES, s.REST_KNOX['TOKEN_TTL'], s.REST_KNOX['AUTO_REFRESH'])"
    )
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", show],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_login_settings_come_from_the_environment():
    defaults = settings_from()
    chosen = settings_from(
        PORTAL_RATE_LOGIN="3/minute",
        PORTAL_LOGIN_FAILURES="4",
        PORTAL_LOGIN_COOLDOWN_MINUTES="30",
        PORTAL_TOKEN_TTL_HOURS="2",
    )

    assert defaults.returncode == 0 == chosen.returncode, defaults.stderr + chosen.stderr
    assert defaults.stdout.split() == ["10/minute", "5", "15", "10:00:00", "False"]
    assert chosen.stdout.split() == ["3/minute", "4", "30", "2:00:00", "False"]


def test_a_malformed_login_rate_stops_the_start():
    result = settings_from(PORTAL_RATE_LOGIN="sepuluh")

    assert result.returncode != 0
    assert "PORTAL_RATE_LOGIN" in result.stderr


# --- The former plain-text tokens -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_migrating_drops_the_former_plain_text_token_table():
    call_command("migrate", "api", "zero", verbosity=0)
    with connection.cursor() as cursor:  # the table DRF's authtoken left in an older database
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id int)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('9944b09199c62bcf9418ad846dd0e4bb', 1)")
    assert "authtoken_token" in connection.introspection.table_names()

    call_command("migrate", "api", verbosity=0)

    assert "authtoken_token" not in connection.introspection.table_names()
