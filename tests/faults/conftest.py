"""Fixtures of the fault suite: real server processes on a database of its own, broken on purpose.

Every server, database and Redis here is started by the suite (``tests.e2e.servers`` and
``tests.faults.postgres``); the machine's shared PostgreSQL and Redis are never stopped or
written to.

- ``FAULT_DATABASE``: ``"postgresql"`` under `make test-services` (``DATABASE_URL`` on
  PostgreSQL), else ``"sqlite"``. The suite runs once per kind; ``only_on(kind)`` marks a test
  that is meaningful on one kind only (a SQLite lock, a PostgreSQL outage).
- ``fault_postgres``: a private PostgreSQL cluster (PostgreSQL runs only), restartable.
- ``fault_database``: the database every server of this session uses, prepared as `make run`
  does: a temporary SQLite file, or a database on ``fault_postgres``.
- ``fault_servers``: ``fault_servers.start(name, **env)`` starts ``uvicorn config.asgi`` (or
  ``command="serve"``) on ``tests.faults.fault_settings``, with its own temporary folder
  (``TMPDIR``, where Django spools request bodies and uploads) and hold folder; stopped at the
  end of the module (a module reuses its servers). ``fault_servers.kill(server)`` sends SIGKILL;
  ``fault_servers.running(server)`` starts it again (same port) unless it is running.
- ``fault_redis``: a private ``redis-server`` for one test.

A failing test's report carries what its servers logged.
"""

import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest

from tests.e2e.servers import (
    REDIS_SERVER,
    AppServer,
    E2eDatabase,
    PrivateRedis,
    log_offsets,
    logs_attach,
    server_env,
)
from tests.faults.postgres import PrivatePostgres, postgres_bindir

FAULT_DATABASE = (
    "postgresql"
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    else "sqlite"
)
STARTED: list[AppServer] = []


def only_on(kind: str):
    """Skip a test unless the suite runs on ``kind`` (the other run covers the other kind)."""
    return pytest.mark.skipif(
        FAULT_DATABASE != kind,
        reason=f"{kind} only: `make {'test' if kind == 'sqlite' else 'test-services'}` runs it",
    )


@pytest.fixture(scope="session")
def faults_workdir():
    path = Path(tempfile.mkdtemp(prefix="laporpungli-faults-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def fault_postgres():
    if FAULT_DATABASE != "postgresql":
        pytest.skip("PostgreSQL runs only (make test-services)")
    if postgres_bindir() is None:
        pytest.skip("PostgreSQL's initdb/pg_ctl are not installed")
    cluster = PrivatePostgres().start()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def fault_database(request, faults_workdir):
    service_url = (
        request.getfixturevalue("fault_postgres").url if FAULT_DATABASE == "postgresql" else ""
    )
    database = E2eDatabase(faults_workdir, service_url=service_url)
    try:
        database.create()
        yield database
    finally:
        database.drop()


class FaultServers:
    """Servers started for one test on the fault database, each with its own temp folders."""

    def __init__(self, database: E2eDatabase, workdir: Path):
        self.database, self.workdir, self.started = database, workdir, []

    def start(self, name: str, *, redis_url: str | None = None, command="uvicorn", **env):
        folder = Path(tempfile.mkdtemp(prefix=f"server-{name}-", dir=self.workdir))
        (folder / "tmp").mkdir()
        (folder / "hold").mkdir()
        env = server_env(
            self.database,
            redis_url=redis_url,
            DJANGO_SETTINGS_MODULE="tests.faults.fault_settings",
            TMPDIR=str(folder / "tmp"),
            FAULT_HOLD_DIR=str(folder / "hold"),
            **env,
        )
        server = AppServer(name, env, folder, command=command)
        server.tmp_dir, server.hold_dir = folder / "tmp", folder / "hold"
        self.started.append(server)
        STARTED.append(server)
        return server.start()

    def kill(self, server: AppServer) -> None:
        """SIGKILL: the worker dies at once, as in an out-of-memory kill or a power cut."""
        server.process.send_signal(signal.SIGKILL)
        server.process.wait()
        server.stop()  # closes the log

    def running(self, server: AppServer) -> AppServer:
        if server.process.poll() is not None:
            server.start()
        return server

    def stop(self) -> None:
        for server in reversed(self.started):
            server.stop()


@pytest.fixture(scope="module")
def fault_servers(fault_database, faults_workdir):
    servers = FaultServers(fault_database, faults_workdir)
    try:
        yield servers
    finally:
        servers.stop()


@pytest.fixture
def fault_redis(faults_workdir):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    redis = PrivateRedis(Path(tempfile.mkdtemp(prefix="redis-", dir=faults_workdir))).start()
    yield redis
    redis.stop()


@pytest.fixture(autouse=True)
def _server_log_mark(request):
    request.node.server_log_offsets = log_offsets(STARTED)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing test shows what the servers logged while it ran."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        logs_attach(report, STARTED, getattr(item, "server_log_offsets", {}))
