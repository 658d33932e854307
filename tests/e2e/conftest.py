"""End-to-end fixtures: a real ASGI server in a subprocess and a real Chromium driving it.

``live_server_url`` migrates a fresh SQLite database in a temporary folder, loads the Kota Bengkulu
directory and starts ``python manage.py serve`` (the server of ``make run``) on a free port, with
rate limits off. It is the base URL (a ``str``) and carries the server's media folder as
``.media_root``, so tests can inspect what the server stored.

``page`` is a phone-sized (390×844), Indonesian-locale page in a fresh browser context per test.
``screenshot`` saves a picture of a step under ``test-artifacts/e2e/`` (git-ignored); a failing
test also leaves one there.

Chromium is the system one (``/usr/bin/chromium``, or ``E2E_CHROMIUM``); the tests are skipped
when it is missing.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

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
STARTUP_SECONDS = 30


class LiveServerUrl(str):
    """The server's base URL (``http://127.0.0.1:<port>``), with its media folder and log."""

    media_root: Path
    log_path: Path

    def __new__(cls, url: str, media_root: Path, log_path: Path):
        value = super().__new__(cls, url)
        value.media_root = media_root
        value.log_path = log_path
        return value


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(tmp: Path) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'e2e.sqlite3'}",
            "MEDIA_ROOT": str(tmp / "media"),
            "SECRET_KEY": "e2e-test-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DEBUG": "true",
            "DEMO_PASSWORD": "e2e-demo-password",
            "PORTAL_RATE_SUBMIT": "off",
            "PORTAL_RATE_TRACK": "off",
            "PORTAL_RATE_PREVIEW": "off",
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "PYTHONUNBUFFERED": "1",
        }
    )
    # Redis only when the environment provides it (`make test-services`); otherwise the
    # embedded in-memory channel layer and cache.
    if not os.environ.get("REDIS_URL"):
        env.pop("REDIS_URL", None)
    return env


def _manage(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@pytest.fixture(scope="session")
def live_server_url():
    tmp = Path(tempfile.mkdtemp(prefix="laporpungli-e2e-"))
    env = _server_env(tmp)
    _manage("migrate", "--noinput", env=env)
    _manage("load_directory", env=env)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp / "server.log"
    log = open(log_path, "wb")  # noqa: SIM115 (closed at teardown)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(url + "/"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"The server at {url} did not answer GET / with 200 "
                    f"(exit code {process.poll()}):\n{log_path.read_text(errors='replace')}"
                )
            time.sleep(0.1)
        yield LiveServerUrl(url, tmp / "media", log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
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
    """Remember where the server's log stood when the test began (see the hook below)."""
    if "live_server_url" in request.fixturenames:
        server = request.getfixturevalue("live_server_url")
        request.node.server_log_offset = server.log_path.stat().st_size


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (``page`` reads it); a failure shows the server log."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
    server = getattr(item, "funcargs", {}).get("live_server_url")
    if report.when == "call" and report.failed and server is not None:
        with open(server.log_path, "rb") as log:
            log.seek(getattr(item, "server_log_offset", 0))
            text = log.read()[-20000:].decode(errors="replace")
        report.sections.append(("server log during this test", text))
