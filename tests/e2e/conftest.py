"""End-to-end fixtures: real ASGI servers in subprocesses and a real Chromium driving them.

Everything is started through ``tests.e2e.servers`` (the one way to start servers):

- ``e2e_database``: one database for the session, prepared like `make run` does (``migrate``,
  ``load_directory``, ``seed_demo`` with ``servers.DEMO_PASSWORD``; only the password hashes are
  cheaper, see ``tests.e2e.seed_settings``): a temporary SQLite file, or, under
  `make test-services` (``DATABASE_URL`` on PostgreSQL), a dedicated PostgreSQL database created
  for the run and dropped after it. Every server below uses it.
- ``e2e_redis``: a private ``redis-server`` on a free port (never the machine's shared Redis).
- ``live_server_url``: ``python manage.py serve`` (the server of `make run`), rate limits off. On
  the embedded default (the in-memory channel layer) under `make test`; on ``e2e_redis`` when the
  environment has ``REDIS_URL`` (`make test-services`). It is the base URL (a ``str``) and carries
  the server's media folder as ``.media_root``, so tests can inspect what the server stored.
- ``server_pair``: two ``uvicorn config.asgi:application`` processes sharing ``e2e_redis`` and the
  database, as a multi-worker deployment runs.
- ``start_server(name, redis_url=None, command="uvicorn", **env)``: more servers for one test
  (stopped at its end).

``page`` is a phone-sized (390×844), Indonesian-locale page in a fresh browser context per test.
``screenshot`` saves a picture of a step under ``test-artifacts/e2e/`` (git-ignored); a failing
test also leaves one there, and its report shows what the servers logged during the test.

Chromium is the system one (``/usr/bin/chromium``, or ``E2E_CHROMIUM``); the browser tests are
skipped when it is missing, the Redis tests when ``redis-server`` is.
"""

import os
import re
import shutil
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

PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = PROJECT_DIR / "test-artifacts" / "e2e"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 390, "height": 844}
# The two sizes every page is looked at in (``sized_page``): a phone and a desktop.
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": VIEWPORT}
# Every server started in this session, for the failure report (see the hook at the end).
STARTED: list[AppServer] = []


class LiveServerUrl(str):
    """The server's base URL (``http://127.0.0.1:<port>``), with its media folder and log."""

    media_root: Path
    log_path: Path

    def __new__(cls, url: str, media_root: Path, log_path: Path):
        value = super().__new__(cls, url)
        value.media_root = media_root
        value.log_path = log_path
        return value


@pytest.fixture(scope="session")
def e2e_workdir():
    path = Path(tempfile.mkdtemp(prefix="laporpungli-e2e-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def e2e_database(e2e_workdir):
    database = E2eDatabase(e2e_workdir)
    try:
        database.create()
        yield database
    finally:
        database.drop()


def require_redis_server() -> None:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")


@pytest.fixture(scope="session")
def e2e_redis(e2e_workdir):
    require_redis_server()
    redis = PrivateRedis(e2e_workdir / "redis").start()
    yield redis
    redis.stop()


class Servers:
    """Servers started by one fixture, stopped together at its teardown."""

    def __init__(self, database: E2eDatabase, workdir: Path):
        self.database, self.workdir, self.started = database, workdir, []

    def start(
        self, name: str, *, redis_url: str | None = None, command: str = "uvicorn", **env: str
    ) -> AppServer:
        env = server_env(self.database, redis_url=redis_url, **env)
        server = AppServer(name, env, self.workdir, command=command)
        self.started.append(server)
        STARTED.append(server)
        return server.start()

    def stop(self) -> None:
        for server in reversed(self.started):
            server.stop()


@pytest.fixture(scope="session")
def live_server_url(request, e2e_database, e2e_workdir):
    redis_url = request.getfixturevalue("e2e_redis").url if os.environ.get("REDIS_URL") else None
    servers = Servers(e2e_database, e2e_workdir)
    try:
        server = servers.start("serve", redis_url=redis_url, command="serve")
        yield LiveServerUrl(server.url, e2e_database.media_root, server.log_path)
    finally:
        servers.stop()


@pytest.fixture(scope="session")
def server_pair(e2e_database, e2e_redis, e2e_workdir) -> tuple[AppServer, AppServer]:
    """Servers A and B: two processes, one Redis, one database (no in-process jobs)."""
    servers = Servers(e2e_database, e2e_workdir)
    try:
        server_a = servers.start("A", redis_url=e2e_redis.url)
        server_b = servers.start("B", redis_url=e2e_redis.url)
        yield server_a, server_b
    finally:
        servers.stop()


@pytest.fixture
def start_server(e2e_database, e2e_workdir):
    """``start_server(name, redis_url=..., command=..., **env)``: a server for this test."""
    servers = Servers(e2e_database, e2e_workdir)
    try:
        yield servers.start
    finally:
        servers.stop()


# One browser per module, not per session: while Playwright's sync API is open, its event loop
# counts as running in this thread, and Django then refuses database access to every later
# test of the process (SynchronousOnlyOperation) — with test files spread over processes, those
# are not only browser tests.
@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (set E2E_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser, **options):
    """A fresh, phone-sized, Indonesian context (no cookies or storage shared between tests)."""
    return browser.new_context(viewport=VIEWPORT, locale="id-ID", **options)


@pytest.fixture
def page(browser, request):
    context = new_context(browser)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not page.is_closed():
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        failed = ARTIFACTS_DIR / f"{_slug(request.node.name)}-FAILED.png"
        page.screenshot(path=failed, full_page=True)
    context.close()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@pytest.fixture
def screenshot(request):
    """``screenshot(page, "step")`` saves ``test-artifacts/e2e/<test>-<nn>-<step>.png``."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    test = _slug(request.node.name)
    for old in ARTIFACTS_DIR.glob(f"{test}-*.png"):
        old.unlink()
    count = 0

    def take(page, step: str) -> Path:
        nonlocal count
        count += 1
        path = ARTIFACTS_DIR / f"{test}-{count:02d}-{_slug(step)}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture(autouse=True)
def _server_log_mark(request):
    """Remember where each server's log stood when the test began (see the hook below)."""
    request.node.server_log_offsets = log_offsets(STARTED)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (``page`` reads it); a failure shows server logs."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
    if report.when == "call" and report.failed:
        logs_attach(report, STARTED, getattr(item, "server_log_offsets", {}))


@pytest.fixture(params=list(SIZES))
def sized_page(request, browser):
    """A fresh Indonesian page at each of ``SIZES`` in turn (``page.size_name`` says which)."""
    context = browser.new_context(viewport=SIZES[request.param], locale="id-ID")
    page = context.new_page()
    page.size_name = request.param
    yield page
    context.close()
