"""``GET /readyz``: whether this process can serve the portal now — its database, its Redis
(when ``REDIS_URL`` is set) and its evidence store answer, each within a few seconds.

For a load balancer or orchestrator deciding where to send traffic: 200
``{"status": "ok", "checks": {...}}``, or 503 naming the check that failed. The answer names
checks only: no host, no error text, nothing from the configuration. Nothing is logged for a
passing probe; a failing one logs the kind of error only. (``/healthz`` is the container's
liveness check: the process answers and reaches its database; ``frontend.views``.)
"""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from complaints.storage_check import evidence_storage_ready

logger = logging.getLogger(__name__)

# Seconds each dependency has to answer: a probe must answer well within its own timeout.
REDIS_TIMEOUT = 1.0
STORAGE_TIMEOUT = 2.0


def database_ready() -> bool:
    # connect_timeout (config.settings.base) bounds a database that does not answer.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def redis_ready() -> bool:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
    )
    try:
        return bool(client.ping())
    finally:
        client.close()


def storage_ready() -> bool:
    return evidence_storage_ready(timeout=STORAGE_TIMEOUT)


def _checks() -> dict:
    checks = {"database": database_ready}
    if settings.REDIS_URL:
        checks["redis"] = redis_ready
    checks["storage"] = storage_ready
    return checks


def _passes(name: str, check) -> bool:
    try:
        passed = check()
    except Exception as error:
        # The kind only: an error's text can name hosts, users or buckets.
        logger.warning("Readiness check %s failed: %s", name, type(error).__name__)
        return False
    if not passed:
        logger.warning("Readiness check %s failed", name)
    return passed


@never_cache
@require_GET
def readyz(request):
    results = {
        name: "ok" if _passes(name, check) else "failed" for name, check in _checks().items()
    }
    ready = all(result == "ok" for result in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )
