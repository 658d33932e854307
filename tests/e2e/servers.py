"""The one way the end-to-end tests start what they drive: databases, Redis and ASGI servers.

- ``E2eDatabase``: a database for the servers, prepared once (``migrate``, ``load_directory``,
  ``seed_demo``; with cheap Argon2 hashes, see ``tests.e2e.seed_settings``). A temporary SQLite
  file by default; when the environment's ``DATABASE_URL`` points at PostgreSQL
  (``make test-services``), a dedicated database created next to it and dropped at the end.
  ``rows()`` reads it directly, whichever it is.
- ``PrivateRedis``: a ``redis-server`` of our own on a free port, without persistence, that a test
  may stop and start again on the same port. The machine's shared Redis is never touched.
- ``AppServer``: one ASGI server process: ``uvicorn config.asgi:application`` (as deployed) or
  ``manage.py serve`` (the server of ``make run``), started with an explicit environment, ready
  once ``GET /`` answers 200, stopped with SIGTERM.

Nothing here sleeps for timing: every wait polls a condition until a deadline.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_DIR = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")
STARTUP_SECONDS = 30
STOP_SECONDS = 10
DEMO_PASSWORD = "e2e-demo-password"
SECRET_KEY = "e2e-test-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.05):
    """Poll ``condition`` until it returns something truthy (returned) or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout} s waiting for {what}")
        time.sleep(every)


def _stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Database -----------------------------------------------------------------------------------

# What `make run` does before serving, in one process (tests.e2e.seed_settings: cheap hashes).
PREPARE_DATABASE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
call_command("load_directory", verbosity=0)
call_command("seed_demo", verbosity=0)
"""


class E2eDatabase:
    """The servers' database: a temporary SQLite file, or a dedicated PostgreSQL database."""

    def __init__(self, workdir: Path, service_url: str | None = None):
        """``service_url``: the PostgreSQL server to create it on (default: ``DATABASE_URL``)."""
        self.workdir = workdir
        self.media_root = workdir / "media"
        if service_url is None:
            service_url = os.environ.get("DATABASE_URL", "")
        self.kind = (
            "postgresql" if service_url.startswith(("postgres://", "postgresql://")) else "sqlite"
        )
        if self.kind == "postgresql":
            parts = urlsplit(service_url)
            self.name = f"laporpungli_e2e_{os.getpid()}_{secrets.token_hex(3)}"
            self.url = urlunsplit(parts._replace(path="/" + self.name))
            self._admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
        else:
            self.path = workdir / "e2e.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def __str__(self) -> str:
        return f"{self.kind} database {self.url}"

    def create(self) -> None:
        """Create it and fill it as `make run` does (migrate, directory, demo accounts)."""
        if self.kind == "postgresql":
            import psycopg

            with psycopg.connect(self._admin_url, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{self.name}"')
        env = server_env(self, DJANGO_SETTINGS_MODULE="tests.e2e.seed_settings")
        result = subprocess.run(
            [sys.executable, "-c", PREPARE_DATABASE],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"preparing the database failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )

    def drop(self) -> None:
        if self.kind == "postgresql":
            import psycopg

            with psycopg.connect(self._admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run a read-only query (``%s`` placeholders) straight against the database."""
        if self.kind == "postgresql":
            import psycopg

            with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as connection:
                return connection.execute(sql, params).fetchall()
        connection = sqlite3.connect(self.path, timeout=20)
        try:
            return connection.execute(sql.replace("%s", "?"), params).fetchall()
        finally:
            connection.close()


def server_env(
    database: E2eDatabase, *, redis_url: str | None = None, **extra: str
) -> dict[str, str]:
    """The environment of a server process: this database, this Redis (or none), rates off."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "PORTAL_IN_PROCESS_JOBS"}
    }
    env.update(
        {
            "DATABASE_URL": database.url,
            "MEDIA_ROOT": str(database.media_root),
            "SECRET_KEY": SECRET_KEY,
            # DEBUG serves the static files from the apps, as `make run` does (no collectstatic).
            "DEBUG": "true",
            # Plain http on loopback, as `make run` serves (a test may turn DEBUG off).
            "PORTAL_SSL_REDIRECT": "false",
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "PORTAL_RATE_SUBMIT": "off",
            "PORTAL_RATE_TRACK": "off",
            "PORTAL_RATE_PREVIEW": "off",
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "PYTHONUNBUFFERED": "1",
            # Servers that run the periodic jobs in-process (`manage.py serve` always does) share
            # this database: only a test that asks for a short interval gets a sweeper that acts.
            "PORTAL_OUTBOX_INTERVAL": "3600",
            "PORTAL_CLOCKS_INTERVAL": "3600",
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(extra)
    return env


# --- Redis --------------------------------------------------------------------------------------


class PrivateRedis:
    """A ``redis-server`` of our own (free port, no persistence); restartable."""

    def __init__(self, workdir: Path):
        if REDIS_SERVER is None:
            raise RuntimeError("redis-server is not installed")
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = workdir / "redis.log"
        self.process: subprocess.Popen | None = None

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> PrivateRedis:
        assert self.process is None or self.process.poll() is not None, "already running"
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--logfile",
                str(self.log_path),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(
            lambda: self.process.poll() is not None or self.ping(),
            timeout=STARTUP_SECONDS,
            what=f"redis-server on port {self.port}",
        )
        if self.process.poll() is not None:
            raise RuntimeError(f"redis-server exited:\n{self.log_path.read_text(errors='replace')}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            _stop_process(self.process)
        wait_until(lambda: not self.ping(), timeout=STOP_SECONDS, what="redis-server to stop")


# --- ASGI servers -------------------------------------------------------------------------------


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


class AppServer:
    """One ASGI server process on a free port.

    ``command="uvicorn"``: ``uvicorn config.asgi:application`` with the production flags (no access
    log, no websocket compression, lifespan on); ``command="serve"``: ``manage.py serve``.
    """

    def __init__(self, name: str, env: dict[str, str], workdir: Path, command: str = "uvicorn"):
        self.name = name
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.log_path = workdir / f"server-{name}.log"
        if command == "uvicorn":
            self.argv = [
                sys.executable,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
                "--ws-per-message-deflate",
                "false",
                "--lifespan",
                "on",
                "--no-server-header",
                "--no-proxy-headers",
            ]
        elif command == "serve":
            self.argv = [
                sys.executable,
                "manage.py",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ]
        else:
            raise ValueError(command)
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self) -> AppServer:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed by stop)
        self.process = subprocess.Popen(
            self.argv, cwd=PROJECT_DIR, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        try:
            wait_until(
                lambda: self.process.poll() is not None or self.ready(),
                timeout=STARTUP_SECONDS,
                what=f"server {self.name} at {self.url}",
                every=0.1,
            )
        except TimeoutError:
            self.stop()
            raise
        if self.process.poll() is not None:
            raise RuntimeError(
                f"server {self.name} exited with {self.process.returncode}:\n{self.log_text()}"
            )
        return self

    def ready(self) -> bool:
        """Whether the server is up: ``GET /`` answers 200 (a subclass may probe otherwise)."""
        return http_ok(self.url + "/")

    def stop(self) -> None:
        if self.process is not None:
            _stop_process(self.process)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self, offset: int = 0) -> str:
        with open(self.log_path, "rb") as log:
            log.seek(offset)
            return log.read()[-20000:].decode(errors="replace")

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0


def log_offsets(servers: list[AppServer]) -> dict[Path, int]:
    """Where each server's log stands now (taken when a test begins)."""
    return {server.log_path: server.log_size() for server in servers}


def logs_attach(report, servers: list[AppServer], offsets: dict[Path, int]) -> None:
    """Add to a failed test's ``report`` what each server logged since ``offsets``."""
    for server in servers:
        text = server.log_text(offsets.get(server.log_path, 0))
        if text.strip():
            report.sections.append((f"log of server {server.name} during this test", text))
