"""When a backing service cannot serve a request now: which errors mean that, and what to say.

The database locked past its busy timeout (SQLite: another writer holds it) or out of reach
(PostgreSQL down, refusing or too slow to accept a connection), or Redis (the cache that holds
the rate limits) out of reach: the request failed as a whole, nothing in it is worth a bug
report, and the same request will very likely work in a moment. Each interface answers such an
error with 503, a ``Retry-After`` and :data:`MSG_UNAVAILABLE` in the request's language: the API
in ``api.exception_handlers``, the pages in ``config.unavailable``.

The evidence store (the local folder, or the object store when ``PORTAL_S3_BUCKET`` is set) is
the third such service: whatever it raises while reading, writing or deleting a photo is turned
into :class:`StorageUnavailable` by :func:`storage_call`.
"""

import logging
from contextlib import contextmanager

from django.db import OperationalError
from django.utils.translation import gettext_lazy as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

MSG_UNAVAILABLE = _(
    "The service is busy or briefly unavailable. Please try again in a few seconds."
)
# Seconds a client is asked to wait: a lock or a restart is usually over by then.
RETRY_AFTER_SECONDS = 10


class StorageUnavailable(Exception):
    """The evidence store could not read, write or delete a file just now."""


# The packages whose errors mean the object store failed: botocore (refused connection,
# timeout, bad credentials, missing bucket) and boto3 (a failed upload). Recognised by module,
# so that boto is imported only where the object store is configured.
STORAGE_ERROR_PACKAGES = ("botocore", "boto3")

# Django's OperationalError covers what the database reports about its own operation (locked,
# connection refused or lost, statement timeout, deadlock), never a mistake in the request.
UNAVAILABLE_ERRORS = (
    OperationalError,
    RedisConnectionError,
    RedisTimeoutError,
    StorageUnavailable,
)


@contextmanager
def storage_call():
    """Run a call to the evidence store; what the store raises becomes StorageUnavailable."""
    try:
        yield
    except Exception as error:
        if not is_storage_error(error):
            raise
        raise StorageUnavailable(f"{type(error).__name__}: {error}") from error


def is_storage_error(error: BaseException) -> bool:
    """An error of the store itself: the local folder's OSError (disk full, not writable, file
    gone) or anything boto raises."""
    if isinstance(error, OSError):
        return True
    return type(error).__module__.partition(".")[0] in STORAGE_ERROR_PACKAGES


def is_unavailable(error: BaseException) -> bool:
    """Did ``error`` come from a database, cache or evidence store that cannot serve us now?"""
    return isinstance(error, UNAVAILABLE_ERRORS)


def unavailable_log(error: BaseException) -> None:
    """One line for the operator (the driver's text names the server, never the client)."""
    logger.warning("Service unavailable, answered 503: %s: %s", type(error).__name__, error)
