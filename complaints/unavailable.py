"""When a backing service cannot serve a request now: which errors mean that, and what to say.

The database locked past its busy timeout (SQLite: another writer holds it) or out of reach
(PostgreSQL down, refusing or too slow to accept a connection), or Redis (the cache that holds
the rate limits) out of reach: the request failed as a whole, nothing in it is worth a bug
report, and the same request will very likely work in a moment. Each interface answers such an
error with 503, a ``Retry-After`` and :data:`MSG_UNAVAILABLE` in the request's language: the API
in ``api.exception_handlers``, the pages in ``config.unavailable``.
"""

import logging

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

# Django's OperationalError covers what the database reports about its own operation (locked,
# connection refused or lost, statement timeout, deadlock), never a mistake in the request.
UNAVAILABLE_ERRORS = (OperationalError, RedisConnectionError, RedisTimeoutError)


def is_unavailable(error: BaseException) -> bool:
    """Did ``error`` come from a database or cache that cannot serve us right now?"""
    return isinstance(error, UNAVAILABLE_ERRORS)


def unavailable_log(error: BaseException) -> None:
    """One line for the operator (the driver's text names the server, never the client)."""
    logger.warning("Service unavailable, answered 503: %s: %s", type(error).__name__, error)
