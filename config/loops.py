"""The loop of the background processes (`publish_outbox --loop`, `run_clocks --loop`,
`send_notifications --loop`): run a job every few seconds until SIGTERM or SIGINT.

A stop signal ends the loop between two runs (a run in progress finishes its transaction) and
cuts the wait short, so a process manager's SIGTERM stops an idle process at once. A run that
fails is logged, counted (``config.metrics``) and tried again at the next turn: a database or
Redis restart must not end the process, because a process manager such as honcho
(`make prod-local`) stops the whole topology when any one process ends.
"""

import logging
import signal
import threading
from collections.abc import Callable

from django.db import close_old_connections

from config import metrics

logger = logging.getLogger(__name__)


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT, instead of the process dying mid-run."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def run_periodically(job: str, run: Callable[[], object], *, every: float, loop: bool) -> None:
    """Run ``run`` once, or with ``loop`` every ``every`` seconds until a stop signal."""
    if not loop:
        with metrics.job_run(job):
            run()
        return
    stop = stop_on_signals()
    while not stop.is_set():
        try:
            with metrics.job_run(job):
                run()
        except Exception:
            logger.exception("Job %s failed; it runs again in %s s", job, every)
        finally:
            # A connection broken by a database restart is dropped, not reused forever (with
            # PORTAL_DB_POOL it goes back to the pool, which checks it).
            close_old_connections()
        stop.wait(every)
