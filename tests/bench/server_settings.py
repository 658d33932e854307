"""Settings of the benchmark servers: the production settings (``config.settings.base``, run with
``DEBUG=false``), plus one extra URL, the bare DRF baseline ``/bench/noop/`` (``noop_urls``).

The production URL map is untouched: the baseline exists only in servers started with this
module. Static files: production serves them from a ``collectstatic`` manifest; the benchmarks
measure only the API and websockets, so pages name their assets without a manifest and
nothing has to be collected first (the servers' readiness probe renders the home page).
"""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "tests.bench.noop_urls"
STATIC_ROOT = None
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Every benchmark socket (2,000 of them) comes from the one load generator on 127.0.0.1: the
# per-client socket cap (complaints.socketcaps) would refuse all but the first few.
PORTAL_WS_MAX_PER_CLIENT = 0
