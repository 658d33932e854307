"""Settings of the fault suite's servers: the real ones, plus a way to freeze one request.

A request carrying ``X-Fault-Hold: <name>`` is served completely (its transaction committed,
its answer built) and then, before a byte of the answer leaves, the worker writes the file
``<FAULT_HOLD_DIR>/<name>`` and waits for ever. The test waits for that file and kills the
server: the moment "right after the commit, before the client got its answer", reached without
guessing any timing. Only these settings (test-only) load it; a request without the header is
untouched.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import MIDDLEWARE

# Outermost: every other middleware (sessions, messages) has finished with the answer.
MIDDLEWARE = ["tests.faults.hold.HoldAfterResponseMiddleware", *MIDDLEWARE]
