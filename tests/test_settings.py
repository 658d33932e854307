"""Settings read from the environment: what the portal refuses to start without."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Independent of the database and channel layer in use: `make test-services` leaves it out.
pytestmark = pytest.mark.embedded_only

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings.base", **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_debug_the_portal_refuses_to_start_without_a_secret_key():
    result = run_check(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_with_a_secret_key_it_starts():
    result = run_check(DEBUG="false", SECRET_KEY="a-key-for-this-test-0123456789-abcdefghijklmnop")
    assert result.returncode == 0, result.stderr
