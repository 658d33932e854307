"""Test settings: base, made faster. Nothing here changes behaviour under test."""

import os
import tempfile
from pathlib import Path

# A fixed key for the tests (production refuses to start without one; see base.py).
os.environ.setdefault("SECRET_KEY", "test-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
# The test client speaks plain http; tests/test_deploy_settings.py checks the redirect itself.
os.environ.setdefault("PORTAL_SSL_REDIRECT", "false")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import PORTAL_RATES, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test run writes evidence into its own folder (the suite asserts what is left there).
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="laporpungli-media-"))
STORAGES = {
    **STORAGES,
    # A local folder even if PORTAL_S3_BUCKET is set (tests/s3_server.py brings its own store).
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "evidence"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Served from the apps' folders, as under `make run`, without a collectstatic step.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
FILE_UPLOAD_TEMP_DIR = tempfile.mkdtemp(prefix="laporpungli-upload-")
# Rate limits are tested by the tests that turn them on.
PORTAL_RATES = {scope: None for scope in PORTAL_RATES}
# A process-local cache: each test starts empty (tests/conftest.py clears it) without ever
# flushing a shared Redis; the channel layer still uses Redis under `make test-services`.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Parallel test workers (pytest-xdist) share one Redis under `make test-services`: each worker
# gets its own channel-layer prefix, so one worker's group messages never reach another's
# sockets (complaint ids, hence group names, repeat across the workers' databases).
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _WORKER and "CONFIG" in CHANNEL_LAYERS["default"]:  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] += f":{_WORKER}"  # noqa: F405
