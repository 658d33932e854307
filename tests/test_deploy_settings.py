"""Production settings (docs/interface.md "Configuration", README "Production"): HTTPS only,
``manage.py check --deploy`` without a warning, ``DEBUG=false make run`` serving its pages, demo
accounts only when asked for (issue 12, findings 7 and 12).

Settings are read in subprocesses with an explicit environment, as a deployment reads them; the
servers are real processes started as deployed (``uvicorn config.asgi:application``) or by the
Makefile itself.
"""

import http.client
import json
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import sys
from email.message import Message
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.e2e.servers import AppServer, free_port, wait_until

# Independent of the database and channel layer in use: `make test-services` leaves it out.
pytestmark = pytest.mark.embedded_only

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_HOST = "lapor.example.go.id"
YEAR = 365 * 24 * 3600
# What a deployment sets (README "Production"): DEBUG off, a strong key, its host name.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": PUBLIC_HOST,
}
# Read from the environment by the settings; the test's own values must not leak into a child.
SCRUBBED = {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS", "REDIS_URL", "DEMO"}


def environment(**env: str) -> dict[str, str]:
    """This process's environment without any portal setting, plus ``env``."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in SCRUBBED and not key.startswith(("PORTAL_", "STATIC_", "MEDIA_"))
    }
    return clean | {"DJANGO_SETTINGS_MODULE": "config.settings.base", **env}


def run(argv: list[str], env: dict[str, str], timeout: int = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


SETTINGS_NAMES = [
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]
READ_SETTINGS = (
    "import json, sys; from django.conf import settings; "
    "print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}))"
)


def settings_read(**env: str) -> dict:
    result = run([sys.executable, "-c", READ_SETTINGS, *SETTINGS_NAMES], environment(**env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- The settings ---------------------------------------------------------------------------


def test_production_is_https_only_by_default():
    assert settings_read(**PRODUCTION) == {
        "SECURE_HSTS_SECONDS": YEAR,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": ["^healthz$", "^readyz$"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_debug_pins_nothing_to_https():
    values = settings_read(DEBUG="true")

    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_SSL_REDIRECT"] is False


def test_each_https_setting_is_configurable():
    values = settings_read(
        **PRODUCTION,
        PORTAL_HSTS_SECONDS="3600",
        PORTAL_HSTS_INCLUDE_SUBDOMAINS="false",
        PORTAL_HSTS_PRELOAD="no",
        PORTAL_SSL_REDIRECT="off",
    )

    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_SSL_REDIRECT"] is False


def test_a_malformed_https_setting_stops_the_start():
    result = run(
        [sys.executable, "manage.py", "check"], environment(**PRODUCTION, PORTAL_HSTS_SECONDS="1y")
    )

    assert result.returncode != 0
    assert "PORTAL_HSTS_SECONDS must be a whole number" in result.stderr


def check_deploy(**env: str) -> subprocess.CompletedProcess:
    return run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        environment(**env),
    )


def test_check_deploy_gives_no_warning_with_production_settings():
    """Finding 7: `manage.py check --deploy` warned (no HSTS, no HTTPS redirect)."""
    result = check_deploy(**PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_still_catches_a_deployment_without_https():
    """The check above can fail: with HTTPS turned off by hand it names what is missing."""
    result = check_deploy(**PRODUCTION, PORTAL_HSTS_SECONDS="0", PORTAL_SSL_REDIRECT="false")

    assert result.returncode != 0
    assert "security.W004" in result.stderr
    assert "security.W008" in result.stderr


# --- Finding 7 replayed on a real server ------------------------------------------------------


class DeployedServer(AppServer):
    """``uvicorn config.asgi:application`` with the production settings (plain http: the TLS
    proxy in front is played by the test), ready once ``/healthz`` answers for its host name."""

    def ready(self) -> bool:
        try:
            return get(self, "/healthz")[0] == 200
        except OSError:
            return False


def get(server, path, headers=None, source="127.0.0.1") -> tuple[int, Message, bytes]:
    """GET over plain http from ``source`` (another loopback address is another peer)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", server.port, timeout=10, source_address=(source, 0)
    )
    try:
        connection.request("GET", path, headers={"Host": PUBLIC_HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("deployed")
    env = environment(
        **PRODUCTION,
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        # The reverse proxy, as the README's production section names it.
        PORTAL_TRUSTED_PROXIES="127.0.0.1",
    )
    server = DeployedServer("deployed", env, workdir).start()
    try:
        yield server
    finally:
        server.stop()


FROM_THE_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def test_plain_http_is_redirected_to_https(deployed):
    status, headers, _ = get(deployed, "/lapor/?service=parkir")

    assert status == 301
    assert headers["Location"] == f"https://{PUBLIC_HOST}/lapor/?service=parkir"
    assert "Strict-Transport-Security" not in headers  # never sent over plain http


def test_https_through_the_trusted_proxy_is_served_with_hsts(deployed):
    status, headers, body = get(deployed, "/healthz", FROM_THE_PROXY)

    assert (status, body) == (200, b"ok")
    assert headers["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains; preload"


def test_a_client_cannot_claim_https_itself(deployed):
    """X-Forwarded-Proto from a peer that is not the trusted proxy is not believed."""
    status, headers, _ = get(deployed, "/lapor/", FROM_THE_PROXY, source="127.0.0.2")

    assert status == 301
    assert headers["Location"] == f"https://{PUBLIC_HOST}/lapor/"


def test_the_container_healthcheck_passes_over_plain_http(deployed):
    """The Dockerfile's own HEALTHCHECK command, pointed at this server."""
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    after = next(i for i, line in enumerate(lines) if line.startswith("HEALTHCHECK ")) + 1
    command = json.loads(lines[after].strip().removeprefix("CMD "))
    command = [part.replace(":8000/", f":{deployed.port}/") for part in command]
    assert command[0] == "python"

    result = run([sys.executable, *command[1:]], environment(**PRODUCTION), timeout=30)

    assert result.returncode == 0, result.stderr


# --- make run ----------------------------------------------------------------------------------


def make_run_commands(**variables: str) -> list[str]:
    """The commands ``make run`` would run (``make -n``), without rebuilding the venv."""
    result = run(
        ["make", "--no-print-directory", "-n", "-o", ".venv/.runtime", "run"]
        + [f"{name}={value}" for name, value in variables.items()],
        environment(),
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return [" ".join(line.split()[1:]) for line in result.stdout.splitlines() if line.strip()]


def test_make_run_is_the_demo_with_its_accounts():
    assert make_run_commands() == [
        "manage.py migrate --noinput",
        "manage.py load_directory",
        "manage.py seed_demo",
        "manage.py serve --host 127.0.0.1 --port 8000",
    ]


def test_make_run_without_debug_collects_static_files_and_creates_no_account():
    """Finding 12: `DEBUG=false make run` answered 500 and made 44 known-password accounts."""
    commands = make_run_commands(DEBUG="false")

    assert "manage.py collectstatic --noinput" in commands
    assert not [command for command in commands if "seed_demo" in command]


def test_make_run_without_debug_creates_the_accounts_when_asked():
    commands = make_run_commands(DEBUG="False", DEMO="true")

    assert "manage.py collectstatic --noinput" in commands
    assert "manage.py seed_demo --force" in commands


def test_debug_false_make_run_serves_its_pages_and_static_files(tmp_path):
    """Finding 12 replayed: the real `make run` with DEBUG off, on a fresh database and a fresh
    static folder, answers its pages and their assets, and created no demo account."""
    port = free_port()
    database = tmp_path / "db.sqlite3"
    env = environment(
        DEBUG="false",
        SECRET_KEY=PRODUCTION["SECRET_KEY"],
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
    )
    log_path = tmp_path / "make-run.log"
    with open(log_path, "wb") as log:
        # Its own process group: make, its shell and the server are stopped together.
        process = subprocess.Popen(
            ["make", "-o", ".venv/.runtime", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(
            lambda: process.poll() is not None or page_status(port, "/") is not None,
            timeout=300,
            what="make run to serve",
            every=0.5,
        )
        assert process.poll() is None, log_path.read_text(errors="replace")

        status, _, page = get_local(port, "/")
        assert status == 200, log_path.read_text(errors="replace")
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.decode())
        assert assets, "the page names no static file"
        for asset in assets:
            assert get_local(port, asset)[0] == 200, asset
        assert (tmp_path / "static" / "staticfiles.json").exists()
        with sqlite3.connect(database) as connection:
            assert connection.execute("SELECT count(*) FROM auth_user").fetchone() == (0,)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def get_local(port: int, path: str) -> tuple[int, Message, bytes]:
    """GET over plain http, as a browser on the machine asks (host 127.0.0.1:<port>)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def page_status(port: int, path: str) -> int | None:
    try:
        return get_local(port, path)[0]
    except OSError:
        return None


# --- seed_demo ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")

    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_seed_demo_creates_the_accounts_when_forced(settings, capsys, directory):
    settings.DEBUG = False

    call_command("seed_demo", force=True)

    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
    assert users.filter(username="kepala-dishub").exists()
    assert "Demo accounts" in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_demo_creates_the_accounts_under_debug(settings):
    settings.DEBUG = True

    call_command("seed_demo")

    assert get_user_model().objects.filter(username="koordinator").exists()
